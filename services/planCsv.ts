// CSV import and export of action items. The import checks every row before
// writing anything and reports each bad field by line and column; the export
// writes the same columns (plus read-only ones), so a file round-trips: a row
// carrying an item's id is that item (its description is updated, anything else
// must be unchanged), never a copy, and the formula escape the export adds is
// taken off again. Only those who manage the plan get email addresses; others
// get owners and sponsors by name and organisation.
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../lib/db';
import { isInFuture } from '../domain/overdue';
import { formatCivilDate, localDateOf } from '../domain/time/cityTime';
import { parseDueInput, type NewItem } from './planService';
import { itemsForExport } from './planViews';
import { UNSAFE_TEXT_MESSAGE, isSafeText } from '../domain/text';
import type { Refusal } from './errors';

export const CSV_IMPORT_COLUMNS = ['goal', 'title', 'description', 'owner_email', 'sponsor_email', 'due_date'] as const;
const REQUIRED_COLUMNS = ['goal', 'title', 'owner_email', 'sponsor_email', 'due_date'] as const;
export const MAX_IMPORT_ROWS = 2000;

export interface CsvRecord {
  /** 1-based line on which the record starts (the header is line 1). */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaksIn = (cells: string[]): number => cells.reduce((sum, cell) => sum + (cell.match(LINE_BREAK)?.length ?? 0), 0);

/** csv-parse's complaints in the words the import has always used. */
const SYNTAX_MESSAGES: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote may only start a field',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote must end the field',
};

/**
 * RFC 4180 (commas, double-quoted fields with "" escapes and line breaks,
 * CRLF, LF or CR line endings, mixed). Blank lines are not records. Lines are
 * counted here rather than taken from csv-parse, which counts a CRLF inside
 * quotes twice: a record spans one line plus the line breaks in its cells.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (cells: string[]) => {
        if (!(cells.length === 1 && cells[0] === '')) records.push({ line, cells });
        line += 1 + lineBreaksIn(cells);
        return null;
      },
    });
  } catch (err) {
    // `line` is where the record that failed starts.
    if (err instanceof CsvError) throw new CsvSyntaxError(line, SYNTAX_MESSAGES[err.code] ?? err.message);
    throw err;
  }
  return records;
}

interface ExportItem {
  id: string;
  title: string;
  description: string;
  dueAt: Date;
  status: string;
  percentComplete: number;
  completedAt: Date | null;
  recurrenceKey: string | null;
  goal: { number: number };
  owner: { email: string; name: string; organisation?: string | null };
  sponsor: { email: string; name: string; organisation?: string | null };
}

export const CSV_EXPORT_COLUMNS = [
  ...CSV_IMPORT_COLUMNS,
  'id',
  'due_at',
  'owner_name',
  'sponsor_name',
  'status',
  'percent_complete',
  'completed_at',
  'recurrence_key',
] as const;

/** What a reader who does not manage the plan gets: people by name and organisation, no contact details. */
export const CSV_PUBLIC_EXPORT_COLUMNS = [
  'goal',
  'title',
  'description',
  'due_date',
  'id',
  'due_at',
  'owner_name',
  'owner_organisation',
  'sponsor_name',
  'sponsor_organisation',
  'status',
  'percent_complete',
  'completed_at',
  'recurrence_key',
] as const;

/**
 * Spreadsheet programs run a cell starting with = + - @ (or their full-width
 * forms), a tab or a CR as a formula; such a cell gets a leading apostrophe.
 * A cell that already starts with apostrophes before one of those gets one
 * more, so the import can always take exactly one off again.
 */
const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const ESCAPED_FORMULA_START = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export const escapeFormula = (cell: string): string => (FORMULA_START.test(cell) ? `'${cell}` : cell);
export const unescapeFormula = (cell: string): string => (ESCAPED_FORMULA_START.test(cell) ? cell.slice(1) : cell);

export function itemsToCsv(items: ExportItem[], timeZone: string, options: { contactDetails: boolean } = { contactDetails: true }): string {
  const rows = items.map((i) => {
    const cells: Record<(typeof CSV_EXPORT_COLUMNS | typeof CSV_PUBLIC_EXPORT_COLUMNS)[number], string | number> = {
      goal: i.goal.number,
      title: i.title,
      description: i.description,
      owner_email: i.owner.email,
      sponsor_email: i.sponsor.email,
      due_date: formatCivilDate(localDateOf(i.dueAt, timeZone)),
      id: i.id,
      due_at: i.dueAt.toISOString(),
      owner_name: i.owner.name,
      owner_organisation: i.owner.organisation ?? '',
      sponsor_name: i.sponsor.name,
      sponsor_organisation: i.sponsor.organisation ?? '',
      status: i.status,
      percent_complete: i.percentComplete,
      completed_at: i.completedAt?.toISOString() ?? '',
      recurrence_key: i.recurrenceKey ?? '',
    };
    const columns = options.contactDetails ? CSV_EXPORT_COLUMNS : CSV_PUBLIC_EXPORT_COLUMNS;
    return columns.map((c) => (typeof cells[c] === 'string' ? escapeFormula(cells[c] as string) : cells[c]));
  });
  const header = options.contactDetails ? CSV_EXPORT_COLUMNS : CSV_PUBLIC_EXPORT_COLUMNS;
  return stringify([[...header], ...rows], {
    record_delimiter: 'windows',
    // Quote a line break in a cell, not just the CRLF that ends a record.
    quote_record_delimiter: true,
  });
}

/** The plan's items as the CSV file the export answers with; email addresses only for those who manage the plan. */
export async function itemsCsv(db: Db, planId: string, options: { contactDetails: boolean }): Promise<string> {
  const { plan, items } = await itemsForExport(db, planId);
  return itemsToCsv(items, plan.timeZone, options);
}

export interface ImportError extends Refusal {
  field: string;
  message: string;
  line: number;
  column: string;
}

/** A row that names an existing item whose description differs: the only change an import makes to an item. */
export interface DescriptionUpdate {
  itemId: string;
  description: string;
}

export type ImportResult =
  | { ok: true; items: NewItem[]; descriptionUpdates: DescriptionUpdate[]; unchanged: number }
  | { ok: false; errors: ImportError[] };

/** How a refusal names a CSV file's cell (the console reads it back by this shape to word it in its language). */
export const csvCellField = (line: number, column: string): string => `line ${line}.${column}`;

/** A cell refused: where (line and column), why in English, and why as a code pages word (services/errors.ts REFUSAL_CODES). */
const problem = (line: number, column: string, message: string, why: Refusal): ImportError => ({
  field: csvCellField(line, column),
  message,
  line,
  column,
  code: why.code,
  ...(why.params ? { params: why.params } : {}),
});

/** Cells whose text the database could not store (domain/text.ts), named by line and column. */
function unsafeCells(records: CsvRecord[]): ImportError[] {
  const header = records[0].cells.map((c) => c.trim().toLowerCase());
  return records.flatMap((record) =>
    record.cells.flatMap((cell, i) => (isSafeText(cell) ? [] : [problem(record.line, header[i] || `column ${i + 1}`, UNSAFE_TEXT_MESSAGE, { code: 'unsafe_text' })])),
  );
}

/** Checks every row of an import against the plan and the roster. Writes nothing. */
export async function validateImport(db: Db, plan: { id: string; timeZone: string }, text: string, now: Date): Promise<ImportResult> {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { ok: false, errors: [problem(err.line, 'csv', err.message, { code: 'invalid_csv' })] };
    throw err;
  }
  if (records.length === 0) return { ok: false, errors: [problem(1, 'header', `the file is empty; expected a header row: ${CSV_IMPORT_COLUMNS.join(',')}`, { code: 'empty_file' })] };
  const unsafe = unsafeCells(records);
  if (unsafe.length > 0) return { ok: false, errors: unsafe };
  const [header, ...rows] = records.map((r) => ({ ...r, cells: r.cells.map(unescapeFormula) }));
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return { ok: false, errors: missing.map((c) => problem(header.line, c, `the header has no "${c}" column`, { code: 'missing_columns', params: { columns: c } })) };
  if (rows.length === 0) return { ok: false, errors: [problem(header.line, 'header', 'there are no rows after the header', { code: 'empty_file' })] };
  if (rows.length > MAX_IMPORT_ROWS) return { ok: false, errors: [problem(rows[MAX_IMPORT_ROWS].line, 'csv', `at most ${MAX_IMPORT_ROWS} rows per import`, { code: 'max_items', params: { max: MAX_IMPORT_ROWS } })] };

  const col = (row: CsvRecord, name: string) => {
    const index = names.indexOf(name);
    return index < 0 ? '' : (row.cells[index] ?? '').trim();
  };

  const rowIds = [...new Set(rows.map((r) => col(r, 'id')).filter(Boolean))];
  const [goals, people, existingItems] = await Promise.all([
    db.goal.findMany({ where: { planId: plan.id }, select: { id: true, number: true } }),
    db.person.findMany({
      where: { email: { in: [...new Set(rows.flatMap((r) => [col(r, 'owner_email'), col(r, 'sponsor_email')]).map((e) => e.toLowerCase()).filter(Boolean))] } },
      select: { id: true, email: true, active: true },
    }),
    rowIds.length === 0
      ? Promise.resolve([])
      : db.actionItem.findMany({
          where: { planId: plan.id, id: { in: rowIds } },
          select: { id: true, title: true, description: true, dueAt: true, goal: { select: { number: true } }, owner: { select: { email: true } }, sponsor: { select: { email: true } } },
        }),
  ]);
  const goalByNumber = new Map(goals.map((g) => [g.number, g.id]));
  const personByEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const existingById = new Map(existingItems.map((i) => [i.id, i]));

  const errors: ImportError[] = [];
  const items: NewItem[] = [];
  const descriptionUpdates: DescriptionUpdate[] = [];
  let unchanged = 0;
  const seenIds = new Set<string>();

  /** A row naming an item: the same item, not a copy. Fields its workflow keeps must be as they are. */
  const checkExisting = (row: CsvRecord, item: (typeof existingItems)[number]) => {
    const differs = (column: string, current: string, how: string) =>
      errors.push(problem(row.line, column, `differs from the item's (${JSON.stringify(current)}); ${how}`, { code: 'differs_from_item', params: { current } }));
    const before = errors.length;
    if (col(row, 'goal') !== String(item.goal.number)) differs('goal', String(item.goal.number), 'an import does not move items between goals');
    if (col(row, 'title') !== item.title.trim()) differs('title', item.title, "the item's workflow keeps its title; an import does not rename items");
    for (const [column, email] of [['owner_email', item.owner.email], ['sponsor_email', item.sponsor.email]] as const) {
      const given = col(row, column).toLowerCase();
      if (given && given !== email.toLowerCase()) differs(column, email, 'an import does not reassign items');
    }
    const due = col(row, 'due_date');
    const currentDue = formatCivilDate(localDateOf(item.dueAt, plan.timeZone));
    if (due && due !== currentDue && !sameInstant(due, item.dueAt, plan.timeZone)) differs('due_date', currentDue, 'ask for a reschedule to move a due date');
    const description = col(row, 'description');
    if (description.length > 2000) errors.push(problem(row.line, 'description', 'must be at most 2000 characters', { code: 'too_long', params: { max: 2000 } }));
    if (errors.length > before) return;
    if (names.includes('description') && description !== item.description.trim()) descriptionUpdates.push({ itemId: item.id, description });
    else unchanged += 1;
  };

  for (const row of rows) {
    const before = errors.length;
    if (row.cells.length > names.length) errors.push(problem(row.line, 'csv', `has ${row.cells.length} fields; the header has ${names.length}`, { code: 'too_many_fields', params: { max: names.length } }));

    const itemId = col(row, 'id');
    if (itemId) {
      const item = existingById.get(itemId);
      if (seenIds.has(itemId)) errors.push(problem(row.line, 'id', `item ${itemId} is on an earlier line too`, { code: 'duplicate' }));
      else if (!item) errors.push(problem(row.line, 'id', `no item ${itemId} in this plan; leave id empty to add a new item`, { code: 'unknown' }));
      else checkExisting(row, item);
      seenIds.add(itemId);
      continue;
    }

    const goalText = col(row, 'goal');
    const goalNumber = /^\d{1,2}$/.test(goalText) ? Number(goalText) : NaN;
    const goalId = goalByNumber.get(goalNumber);
    if (!goalText) errors.push(problem(row.line, 'goal', 'is required', { code: 'required' }));
    else if (!goalId) errors.push(problem(row.line, 'goal', `no goal number ${JSON.stringify(goalText)} in this plan`, { code: 'unknown' }));

    const title = col(row, 'title');
    if (!title) errors.push(problem(row.line, 'title', 'is required', { code: 'required' }));
    else if (title.length > 200) errors.push(problem(row.line, 'title', 'must be at most 200 characters', { code: 'too_long', params: { max: 200 } }));

    const description = col(row, 'description');
    if (description.length > 2000) errors.push(problem(row.line, 'description', 'must be at most 2000 characters', { code: 'too_long', params: { max: 2000 } }));

    const person = (column: 'owner_email' | 'sponsor_email') => {
      const email = col(row, column).toLowerCase();
      if (!email) {
        errors.push(problem(row.line, column, 'is required', { code: 'required' }));
        return undefined;
      }
      const found = personByEmail.get(email);
      if (!found) errors.push(problem(row.line, column, `no person with email ${email}`, { code: 'unknown' }));
      else if (!found.active) errors.push(problem(row.line, column, `${email} is no longer active`, { code: 'inactive_person' }));
      return found?.active ? found : undefined;
    };
    const owner = person('owner_email');
    const sponsor = person('sponsor_email');
    if (owner && sponsor && owner.id === sponsor.id) errors.push(problem(row.line, 'sponsor_email', 'the sponsor must be someone other than the owner', { code: 'same_person' }));

    let dueAt: Date | undefined;
    const dueText = col(row, 'due_date');
    if (!dueText) errors.push(problem(row.line, 'due_date', 'is required', { code: 'required' }));
    else {
      try {
        dueAt = parseDueInput(dueText, plan.timeZone);
        if (!isInFuture(dueAt, now)) errors.push(problem(row.line, 'due_date', 'must be in the future', { code: 'in_past' }));
      } catch (err) {
        errors.push(problem(row.line, 'due_date', (err as Error).message, { code: 'invalid_date' }));
      }
    }

    if (errors.length === before && goalId && owner && sponsor && dueAt) {
      items.push({ goalId, title, description, ownerId: owner.id, sponsorId: sponsor.id, dueAt });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items, descriptionUpdates, unchanged };
}

/** A due date-time in the file that names the item's own due instant. */
function sameInstant(text: string, dueAt: Date, timeZone: string): boolean {
  try {
    return parseDueInput(text, timeZone).getTime() === dueAt.getTime();
  } catch {
    return false;
  }
}
