// The CSV import and export of action items, without a database: what the
// import reads (and which line it blames), and what the export writes.
import type { Db } from '../../lib/db';
import { escapeFormula, itemsToCsv, parseCsv, unescapeFormula, validateImport } from '../../services/planCsv';

const ZONE = 'America/Chicago';
const NOW = new Date('2027-01-10T12:00:00Z');

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes and line breaks inside quotes, with mixed line endings and a byte-order mark', () => {
    const text = '\ufeffgoal,title\r\n1,"Notes, published"\n2,"Say ""hello""\nthen leave"\r3,plain\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['goal', 'title'] },
      { line: 2, cells: ['1', 'Notes, published'] },
      { line: 3, cells: ['2', 'Say "hello"\nthen leave'] },
      { line: 5, cells: ['3', 'plain'] },
    ]);
  });

  it('skips blank lines but keeps counting them, and reads a last line without a line break', () => {
    expect(parseCsv('a,b\n\n\r\n1,2\n\n3,')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 4, cells: ['1', '2'] },
      { line: 6, cells: ['3', ''] },
    ]);
  });

  it('numbers a record by the line it starts on, also after a quoted field spanning CRLF lines', () => {
    const records = parseCsv('a,b\r\n1,"x\r\ny\r\nz"\r\n2,w\r\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(records[1].cells).toEqual(['1', 'x\r\ny\r\nz']);
  });

  it('keeps rows shorter or longer than the header', () => {
    expect(parseCsv('a,b,c\n1\n1,2,3,4\n').map((r) => r.cells)).toEqual([['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']]);
  });

  it('reads an empty file as no records', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\ufeff\n\n')).toEqual([]);
  });

  it('refuses a quote inside an unquoted field, naming its line', () => {
    expect(() => parseCsv('a,b\n1,2\n3,x"y\n')).toThrow(expect.objectContaining({ line: 3, message: 'a quote may only start a field' }));
    expect(() => parseCsv('a,b\n1, "x"\n')).toThrow(expect.objectContaining({ line: 2, message: 'a quote may only start a field' }));
  });

  it('refuses text after a closing quote, naming its line', () => {
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(expect.objectContaining({ line: 2, message: 'a closing quote must end the field' }));
  });

  it('refuses a quoted field that is never closed, naming the line its record starts on', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"open\nstill open\n')).toThrow(expect.objectContaining({ line: 3, message: 'a quoted field is not closed' }));
  });
});

const item = (overrides: Partial<Parameters<typeof itemsToCsv>[0][number]> = {}): Parameters<typeof itemsToCsv>[0][number] => ({
  id: 'item-1',
  title: 'Publish the calendar',
  description: '',
  dueAt: new Date('2027-03-16T22:00:00Z'),
  status: 'IN_PROGRESS',
  percentComplete: 40,
  completedAt: null,
  recurrenceKey: null,
  goal: { number: 1 },
  owner: { email: 'lead@example.org', name: 'Lead' },
  sponsor: { email: 'manager@example.org', name: 'Manager' },
  ...overrides,
});

describe('itemsToCsv', () => {
  it('writes the import columns then the read-only ones, CRLF line endings, local due date', () => {
    expect(itemsToCsv([item()], ZONE)).toBe(
      'goal,title,description,owner_email,sponsor_email,due_date,id,due_at,owner_name,sponsor_name,status,percent_complete,completed_at,recurrence_key\r\n' +
        '1,Publish the calendar,,lead@example.org,manager@example.org,2027-03-16,item-1,2027-03-16T22:00:00.000Z,Lead,Manager,IN_PROGRESS,40,,\r\n',
    );
  });

  it('quotes fields with commas, quotes or line breaks', () => {
    const [, row] = itemsToCsv([item({ title: 'Notes, published', description: 'Say "hi"\nthen go' })], ZONE).split('\r\n');
    expect(row.startsWith('1,"Notes, published","Say ""hi""\nthen go",')).toBe(true);
  });

  it('escapes cells a spreadsheet would run as a formula', () => {
    const csv = itemsToCsv([item({ title: '=HYPERLINK("x")', description: '+1', owner: { email: '@lead', name: '-2' }, sponsor: { email: '\tx', name: 'ok' } })], ZONE);
    const row = csv.split('\r\n')[1];
    expect(row).toBe(
      `1,"'=HYPERLINK(""x"")",'+1,'@lead,'\tx,2027-03-16,item-1,2027-03-16T22:00:00.000Z,'-2,ok,IN_PROGRESS,40,,`,
    );
  });

  it('takes the formula escape off exactly once, so any text survives the round trip', () => {
    const texts = ['=1+1', '-2', '+x', '@a', '\tx', '\uFF1Dwide', "'=x", "''@y", "'plain", "it's", 'plain', '', "'"];
    for (const text of texts) expect(unescapeFormula(escapeFormula(text))).toBe(text);
    expect(escapeFormula("'=x")).toBe("''=x");
    expect(unescapeFormula("'Til dawn")).toBe("'Til dawn");
  });

  it('gives people by name and organisation, without email addresses, to those who do not manage the plan', () => {
    const csv = itemsToCsv([item({ owner: { email: 'lead@example.org', name: 'Lead', organisation: 'Court' }, sponsor: { email: 'manager@example.org', name: 'Manager', organisation: null } })], ZONE, { contactDetails: false });
    expect(csv).toBe(
      'goal,title,description,due_date,id,due_at,owner_name,owner_organisation,sponsor_name,sponsor_organisation,status,percent_complete,completed_at,recurrence_key\r\n' +
        '1,Publish the calendar,,2027-03-16,item-1,2027-03-16T22:00:00.000Z,Lead,Court,Manager,,IN_PROGRESS,40,,\r\n',
    );
  });

  it('reads back as the same cells', () => {
    const items = [item({ title: 'Notes, published', description: 'two\r\nlines "quoted"' }), item({ id: 'item-2', completedAt: new Date('2027-02-01T00:00:00Z'), status: 'DONE', recurrenceKey: 'k' })];
    const records = parseCsv(itemsToCsv(items, ZONE));
    expect(records).toHaveLength(3);
    expect(records[1].cells.slice(1, 3)).toEqual(['Notes, published', 'two\r\nlines "quoted"']);
    expect(records[2].cells.slice(10)).toEqual(['DONE', '40', '2027-02-01T00:00:00.000Z', 'k']);
  });
});

describe('validateImport', () => {
  const people = [
    { id: 'p-lead', email: 'lead@example.org', active: true },
    { id: 'p-manager', email: 'manager@example.org', active: true },
    { id: 'p-gone', email: 'gone@example.org', active: false },
  ];
  const db = {
    goal: { findMany: async () => [{ id: 'goal-1', number: 1 }] },
    person: { findMany: async ({ where }: { where: { email: { in: string[] } } }) => people.filter((p) => where.email.in.includes(p.email)) },
  } as unknown as Db;
  const plan = { id: 'plan-1', timeZone: ZONE };

  it('turns good rows into items, due at 17:00 city time', async () => {
    const result = await validateImport(db, plan, 'Goal,Title,Owner_Email,Sponsor_Email,Due_Date\n1, Walk ,Lead@Example.org,manager@example.org,2027-03-16\n', NOW);
    expect(result).toEqual({
      ok: true,
      items: [{ goalId: 'goal-1', title: 'Walk', description: '', ownerId: 'p-lead', sponsorId: 'p-manager', dueAt: new Date('2027-03-16T22:00:00Z') }],
      descriptionUpdates: [],
      unchanged: 0,
    });
  });

  it('refuses a cell the database could not store (NUL), naming its line and column', async () => {
    const text = 'goal,title,owner_email,sponsor_email,due_date\n1,Walk\u0000,lead@example.org,manager@example.org,2027-03-16\n1,Talk,lead@example.org,manager@example.org,2027\u0000-03-16\n';
    const result = await validateImport(db, plan, text, NOW);
    expect(result).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ line: 2, column: 'title', field: 'line 2.title', message: expect.stringContaining('NUL') }),
        expect.objectContaining({ line: 3, column: 'due_date', field: 'line 3.due_date' }),
      ],
    });
  });

  it('names every bad field by line and column', async () => {
    const text = [
      'goal,title,owner_email,sponsor_email,due_date',
      '2,,gone@example.org,nobody@example.org,2020-01-01',
      '',
      '1,"two',
      'lines",lead@example.org,lead@example.org,soon,extra',
    ].join('\n');
    const result = await validateImport(db, plan, text, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'line 2.goal: no goal number "2" in this plan',
      'line 2.title: is required',
      'line 2.owner_email: gone@example.org is no longer active',
      'line 2.sponsor_email: no person with email nobody@example.org',
      'line 2.due_date: must be in the future',
      'line 4.csv: has 6 fields; the header has 5',
      'line 4.sponsor_email: the sponsor must be someone other than the owner',
      'line 4.due_date: must be a date (YYYY-MM-DD) or an ISO date-time with a time zone offset',
    ]);
    // Each beside its code, which pages word in their reader's language.
    expect(!result.ok && result.errors.map((e) => [e.field, e.code, e.params])).toEqual([
      ['line 2.goal', 'unknown', undefined],
      ['line 2.title', 'required', undefined],
      ['line 2.owner_email', 'inactive_person', undefined],
      ['line 2.sponsor_email', 'unknown', undefined],
      ['line 2.due_date', 'in_past', undefined],
      ['line 4.csv', 'too_many_fields', { max: 5 }],
      ['line 4.sponsor_email', 'same_person', undefined],
      ['line 4.due_date', 'invalid_date', undefined],
    ]);
  });

  it('reports a broken file as one problem on its line', async () => {
    expect(await validateImport(db, plan, 'goal,title,owner_email,sponsor_email,due_date\n1,"open\n', NOW)).toEqual({
      ok: false,
      errors: [{ field: 'line 2.csv', message: 'a quoted field is not closed', line: 2, column: 'csv', code: 'invalid_csv' }],
    });
  });

  it('asks for a header, and for rows after it', async () => {
    const empty = await validateImport(db, plan, '', NOW);
    expect(!empty.ok && empty.errors[0].field).toBe('line 1.header');
    const missing = await validateImport(db, plan, 'goal,title\n1,x\n', NOW);
    expect(!missing.ok && missing.errors.map((e) => e.field)).toEqual(['line 1.owner_email', 'line 1.sponsor_email', 'line 1.due_date']);
    const noRows = await validateImport(db, plan, 'goal,title,owner_email,sponsor_email,due_date\n', NOW);
    expect(!noRows.ok && noRows.errors[0].message).toBe('there are no rows after the header');
  });
});
