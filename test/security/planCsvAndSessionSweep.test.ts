// Against the whole system (workflows running): the CSV export tells only
// those who manage the plan where to reach people, and an exported file
// imports back without duplicates or altered titles; expired sessions are
// swept by a Temporal Schedule, not left until their owner signs in again.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { hashToken } from '../../lib/crypto';
import { escapeFormula } from '../../services/planCsv';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { SESSION_SWEEP_SCHEDULE_ID } from '../../domain/contracts/sessionActivities';
import { ensureSessionSweepSchedule } from '../../worker/sessionSweepSchedule';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { apiCaller } from '../harness/http';

let sys: TestSystem;
const serverErrors: string[] = [];
const call = apiCaller(() => sys.request, { serverErrors });
const inDays = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, 'America/Chicago'));

beforeAll(async () => {
  sys = await startTestSystem();
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

afterEach(() => {
  expect(serverErrors).toEqual([]);
});

describe('CSV export and import', () => {
  /** Titles a spreadsheet would run as formulas, or that look escaped already. */
  const TITLES = ['=HYPERLINK("https://evil.example","Click")', '-5% budget review', '+1 officer on patrol', '@mention the board', "'=already quoted", "Residents' survey, phase 2", 'Plain title'];
  let planId: string;
  const csvOf = async (as: 'CITY_MANAGER' | 'STAKEHOLDER_LEAD') => {
    const res = await call('GET', `/api/plans/${planId}/items.csv`, { as });
    expect(res.status).toBe(200);
    return res.text;
  };
  const importCsv = (body: string) => call('POST', `/api/plans/${planId}/items/import`, { as: 'CITY_MANAGER', body, headers: { 'content-type': 'text/csv' } });
  const rowsOf = (csv: string): Record<string, string>[] => parse(csv, { columns: true, bom: true });
  const csvFrom = (rows: Record<string, string>[]) => stringify(rows, { header: true, record_delimiter: 'windows' });

  beforeAll(async () => {
    const plan = await call('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'CSV plan', startDate: inDays(0), goals: [{ number: 1, title: 'Engagement' }] } });
    planId = plan.json.id;
    // Written as a spreadsheet would save an exported file: the import reads an apostrophe before a formula character as that escape.
    const rows = TITLES.map((title, i) => ({
      goal: '1',
      title: escapeFormula(title),
      description: i === 0 ? 'line one\nline two, "quoted"' : '',
      owner_email: 'engagement.lead@example.org',
      sponsor_email: 'city.manager@example.org',
      due_date: inDays(30 + i),
    }));
    const imported = await importCsv(csvFrom(rows));
    expect(imported.status).toBe(202);
    expect(imported.json.imported).toBe(TITLES.length);
  });

  it('a stakeholder lead gets owners and sponsors by name and organisation, no email addresses', async () => {
    const csv = await csvOf('STAKEHOLDER_LEAD');
    expect(csv).not.toMatch(/@example\.org/);
    const [row] = rowsOf(csv);
    expect(row).toMatchObject({ owner_name: 'Harper Osei', owner_organisation: 'Residents and Community Engagement', sponsor_name: 'Alex Rutherford', sponsor_organisation: 'City Manager' });
    expect(Object.keys(row)).not.toContain('owner_email');
    const manager = await csvOf('CITY_MANAGER');
    expect(rowsOf(manager)[0]).toMatchObject({ owner_email: 'engagement.lead@example.org', sponsor_email: 'city.manager@example.org' });
  });

  it('formula-like titles leave escaped, and the exported file imports back as no change at all', async () => {
    const exported = await csvOf('CITY_MANAGER');
    const cells = rowsOf(exported).map((r) => r.title);
    expect(cells).toContain('\'=HYPERLINK("https://evil.example","Click")');
    expect(cells).toContain("''=already quoted");
    expect(cells).toContain("Residents' survey, phase 2");

    const before = await sys.db.actionItem.findMany({ where: { planId }, orderBy: { id: 'asc' }, select: { id: true, title: true, description: true } });
    const again = await importCsv(exported);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ imported: 0, updated: 0, unchanged: TITLES.length });
    const after = await sys.db.actionItem.findMany({ where: { planId }, orderBy: { id: 'asc' }, select: { id: true, title: true, description: true } });
    expect(after).toEqual(before);
    expect(new Set(after.map((i) => i.title))).toEqual(new Set(TITLES));
  });

  it('a row with an id updates that item\'s description; its title, owner or due date cannot be changed by import', async () => {
    const rows = rowsOf(await csvOf('CITY_MANAGER'));
    const target = rows.find((r) => r.title === 'Plain title')!;
    const edited = rows.map((r) => (r.id === target.id ? { ...r, description: 'Now with a description' } : r));
    const updated = await importCsv(csvFrom(edited));
    expect(updated.json).toMatchObject({ imported: 0, updated: 1, unchanged: TITLES.length - 1 });
    expect((await sys.db.actionItem.findUniqueOrThrow({ where: { id: target.id } })).description).toBe('Now with a description');
    expect(await sys.db.auditEvent.count({ where: { action: 'item.description-updated', entityId: target.id } })).toBe(1);

    // A record starts after the header and every earlier record, line breaks inside cells included.
    const line = 2 + rows.slice(0, rows.indexOf(target)).reduce((lines, r) => lines + 1 + (r.description.match(/\n/g)?.length ?? 0), 0);
    const renamed = await importCsv(csvFrom(rows.map((r) => (r.id === target.id ? { ...r, title: 'Renamed', due_date: inDays(90) } : r))));
    expect(renamed.status).toBe(422);
    expect(renamed.json.error.details.map((d: { field: string }) => d.field)).toEqual([`line ${line}.title`, `line ${line}.due_date`]);

    const twice = await importCsv(csvFrom([target, target]));
    expect(twice.json.error.details.map((d: { field: string }) => d.field)).toEqual(['line 3.id']);
    const foreign = await importCsv(csvFrom([{ ...target, id: 'an-item-of-another-plan' }]));
    expect(foreign.json.error.details[0]).toMatchObject({ field: 'line 2.id', message: expect.stringContaining('leave id empty to add a new item') });
    expect(await sys.db.actionItem.count({ where: { planId } })).toBe(TITLES.length);
  });
});

describe('the session sweep', () => {
  it('a Schedule created idempotently at worker start-up deletes expired sessions and keeps live ones', async () => {
    const person = sys.roster.people.mayor;
    const hour = 3600_000;
    await sys.db.session.createMany({
      data: [
        { personId: person.id, tokenHash: hashToken('expired-session'), csrfToken: 'x', expiresAt: new Date(Date.now() - hour) },
        { personId: person.id, tokenHash: hashToken('live-session'), csrfToken: 'y', expiresAt: new Date(Date.now() + hour) },
      ],
    });
    await sys.db.loginThrottle.create({ data: { key: 'stale', points: 3, expire: new Date(Date.now() - hour) } });

    expect(await ensureSessionSweepSchedule(sys.temporal, sys.config.TEMPORAL_TASK_QUEUE)).toBe('created');
    expect(await ensureSessionSweepSchedule(sys.temporal, sys.config.TEMPORAL_TASK_QUEUE)).toBe('exists');
    const schedule = sys.temporal.schedule.getHandle(SESSION_SWEEP_SCHEDULE_ID);
    expect((await schedule.describe()).spec.intervals).toEqual([expect.objectContaining({ every: 3600_000 })]);

    await schedule.trigger();
    await eventually(async () => (await sys.db.session.count({ where: { tokenHash: hashToken('expired-session') } })) === 0, 'the expired session to be swept');
    expect(await sys.db.session.count({ where: { tokenHash: hashToken('live-session') } })).toBe(1);
    expect(await sys.db.loginThrottle.count({ where: { key: 'stale' } })).toBe(0);
    await schedule.delete();
  });
});
