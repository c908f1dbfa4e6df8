// The court-user survey's use cases (Goal 3). The court clerk records a
// person whose case closed (one, or a CSV file of them: all rows or none);
// each contact gets its invitation row (the hash of its single-use link) and
// its workflow (workflows/courtSurvey.ts), which does all the timing. The
// person answers or opts out through the link; the answer is stored with no
// reference to the contact, and the contact's name, address and messages are
// erased in the same transaction (lib/courtSurveyData.ts). The public reads
// per-quarter figures only (lib/courtSurveyFigures.ts).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { hashToken } from '../lib/crypto';
import { isLanguage, languages } from '../lib/i18n';
import { courtSurveyTokenHash } from '../lib/courtSurveyLinks';
import { closeSurveyContact } from '../lib/courtSurveyData';
import { computeQuarterSummary, surveyQuarters } from '../lib/courtSurveyFigures';
import { answerProblems, localiseCourtSurvey, quarterOf, type CourtSurveyAnswers, type CourtSurveyQuarterSummaryV1, type LocalisedCourtSurvey } from '../domain/courtSurvey';
import { courtSurveyAnsweredSignal, courtSurveyOptedOutSignal } from '../domain/contracts/courtSurvey';
import { courtSurveyWorkflowId } from '../domain/ids';
import { toE164 } from '../domain/phone';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../domain/text';
import { localDateOf, parseCivilDate, zonedTimeToInstant } from '../domain/time/cityTime';
import { currentPolicy, durationMs, getPolicy, type CourtSurveyPolicy, type Policy } from '../policy';
import type { SurveyContact } from '../generated/prisma/client';
import { HttpError, conflict, notFound, refusalOf, refusalParams, unprocessable, type ErrorDetail, type Refusal } from './errors';
import { csvCellField, parseCsv, CsvSyntaxError } from './planCsv';
import { startWorkflowOnce } from './temporal';

export interface CourtSurveyDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CITY_TIME_ZONE' | 'LINK_SIGNING_SECRET'>;
}

const rule = (ctx: z.RefinementCtx, path: string, message: string, why: Refusal) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message, params: refusalParams(why, true) });

/**
 * A contact as the clerk gives it, normalised: an email address in lower
 * case or a mobile number in E.164, a language the site speaks, a case-closed
 * date that has happened. What only the channel or the calendar decides is a
 * 422 naming the field.
 */
export function contactRequest(timeZone: string, now: Date = new Date()) {
  return z
    .object({
      name: z.string().trim().max(200, 'must be at most 200 characters').refine(isSafeText, { message: UNSAFE_TEXT_MESSAGE, params: refusalParams({ code: 'unsafe_text' }) }).optional(),
      channel: z.enum(['EMAIL', 'SMS'], { errorMap: () => ({ message: 'must be EMAIL or SMS' }) }),
      address: z.string().trim().min(1, 'must not be empty').max(254, 'must be at most 254 characters'),
      language: z.string().refine(isLanguage, () => ({ message: `must be one of: ${languages().join(', ')}`, params: refusalParams({ code: 'invalid_choice' }) })),
      caseClosedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar date YYYY-MM-DD'),
    })
    .transform((value, ctx) => {
      let address: string | null = value.address.toLowerCase();
      if (value.channel === 'EMAIL' && !z.string().email().safeParse(address).success) {
        rule(ctx, 'address', 'must be an email address such as name@example.com for EMAIL', { code: 'invalid_email' });
        address = null;
      }
      if (value.channel === 'SMS') {
        address = toE164(value.address);
        if (!address) rule(ctx, 'address', 'must be a mobile number such as 314-555-0100 for SMS', { code: 'invalid_phone' });
      }
      let caseClosedAt: Date | null = null;
      try {
        caseClosedAt = zonedTimeToInstant(parseCivilDate(value.caseClosedOn), { hour: 0, minute: 0 }, timeZone);
      } catch {
        rule(ctx, 'caseClosedOn', 'is not a date on the calendar', { code: 'invalid_date' });
      }
      if (caseClosedAt && caseClosedAt.getTime() > now.getTime()) rule(ctx, 'caseClosedOn', 'must not be in the future: record a case once it has closed', { code: 'in_future' });
      if (!address || !caseClosedAt) return z.NEVER;
      return { name: value.name ? value.name : null, channel: value.channel, address, language: value.language, caseClosedAt };
    });
}

export type ContactInput = z.output<ReturnType<typeof contactRequest>>;

/** The survey section of the policy new contacts follow; a policy without one records no contacts. */
function surveyPolicy(): { policy: Policy; survey: CourtSurveyPolicy } {
  const policy = currentPolicy();
  if (!policy.courtSurvey) throw conflict(`policy ${policy.version} has no court-user survey`, 'no_survey');
  return { policy, survey: policy.courtSurvey };
}

export interface RecordedContact {
  id: string;
  status: string;
  /** When the invitation goes out. */
  inviteAt: string;
}

async function startInvitation(deps: CourtSurveyDeps, contact: SurveyContact, survey: CourtSurveyPolicy): Promise<RecordedContact> {
  const inviteAt = new Date(contact.caseClosedAt.getTime() + durationMs(survey.inviteAfter));
  await startWorkflowOnce(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, 'courtSurveyInvitationWorkflow', courtSurveyWorkflowId(contact.id), [
    { version: 1, contactId: contact.id, inviteAt: inviteAt.toISOString(), remindAfterMs: durationMs(survey.remindAfter), expiresAfterMs: durationMs(survey.expiresAfter) },
  ]);
  return { id: contact.id, status: contact.status, inviteAt: inviteAt.toISOString() };
}

/**
 * Records the contacts and starts their invitations: every contact or none.
 * A contact whose workflow could not start is removed with the others, so no
 * contact is left that nothing would ever invite or erase.
 */
async function recordContacts(deps: CourtSurveyDeps, inputs: ContactInput[], recordedById: string): Promise<RecordedContact[]> {
  const { db, config } = deps;
  const { policy, survey } = surveyPolicy();
  const contacts = await db.$transaction(async (tx) => {
    const created: SurveyContact[] = [];
    for (const input of inputs) {
      const contact = await tx.surveyContact.create({ data: { ...input, recordedById, policyVersion: policy.version } });
      await tx.surveyInvitation.create({ data: { contactId: contact.id, tokenHash: courtSurveyTokenHash(config, contact.id) } });
      created.push(contact);
    }
    return created;
  });
  try {
    const recorded: RecordedContact[] = [];
    for (const contact of contacts) recorded.push(await startInvitation(deps, contact, survey));
    return recorded;
  } catch (err) {
    // Started workflows find their contact gone and stop without sending.
    await db.surveyContact.deleteMany({ where: { id: { in: contacts.map((c) => c.id) } } }).catch(() => undefined);
    throw err;
  }
}

export const recordContact = async (deps: CourtSurveyDeps, input: ContactInput, recordedById: string): Promise<RecordedContact> =>
  (await recordContacts(deps, [input], recordedById))[0];

export const CONTACT_CSV_COLUMNS = ['name', 'channel', 'address', 'language', 'caseClosedOn'] as const;
const REQUIRED_CSV_COLUMNS = ['channel', 'address', 'language', 'caseClosedOn'] as const;
export const MAX_CONTACT_ROWS = 500;

/**
 * A CSV file of contacts (header row first, the columns in any order): every
 * row is checked before anything is written, and a bad file is refused with
 * 422 and one detail per bad field, named `line <n>.<column>`.
 */
export async function importContactsCsv(deps: CourtSurveyDeps, text: string, recordedById: string): Promise<{ imported: number; contacts: RecordedContact[] }> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw unprocessable(`line ${err.line}`, err.message, { code: 'invalid_csv' });
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) throw unprocessable('body', 'the file is empty: give a header row and at least one contact', { code: 'empty_file' });
  const columns = header.cells.map((c) => c.trim());
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length) throw unprocessable('line 1', `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { code: 'missing_columns', params: { columns: missing.join(', ') } });
  if (rows.length === 0) throw unprocessable('body', 'the file has no contacts below its header row', { code: 'empty_file' });
  if (rows.length > MAX_CONTACT_ROWS) throw unprocessable('body', `at most ${MAX_CONTACT_ROWS} contacts per file`, { code: 'max_items', params: { max: MAX_CONTACT_ROWS } });

  const schema = contactRequest(deps.config.CITY_TIME_ZONE);
  const details: ErrorDetail[] = [];
  const inputs: ContactInput[] = [];
  for (const row of rows) {
    const cell = (column: string) => {
      const i = columns.indexOf(column);
      return i >= 0 ? (row.cells[i] ?? '').trim() : '';
    };
    const given = {
      ...(cell('name') ? { name: cell('name') } : {}),
      channel: cell('channel').toUpperCase(),
      address: cell('address'),
      language: cell('language') || 'en',
      caseClosedOn: cell('caseClosedOn'),
    };
    const parsed = schema.safeParse(given);
    if (parsed.success) inputs.push(parsed.data);
    else for (const issue of parsed.error.issues) details.push({ field: csvCellField(row.line, issue.path.join('.') || 'row'), message: issue.message, ...refusalOf(issue, given) });
  }
  if (details.length) throw new HttpError(422, 'invalid_input', `${details[0].field}: ${details[0].message}`, details[0].field, details);
  const contacts = await recordContacts(deps, inputs, recordedById);
  return { imported: contacts.length, contacts };
}

/** "j•••@example.org", "•••••••0100": enough for the clerk to recognise a contact, not to reach them. */
export function maskAddress(channel: string, address: string | null): string | null {
  if (!address) return null;
  if (channel === 'EMAIL') {
    const [local, domain] = address.split('@');
    return `${local.slice(0, 1)}•••@${domain ?? ''}`;
  }
  return `${'•'.repeat(Math.max(0, address.length - 4))}${address.slice(-4)}`;
}

export interface ContactListEntry {
  id: string;
  name: string | null;
  channel: string;
  address: string | null;
  language: string;
  caseClosedOn: string;
  status: string;
  quarter: string | null;
  recordedAt: string;
}

/** The most recent contacts, newest first, with their addresses masked (erased ones show none). */
export async function listContacts(db: Db, timeZone: string, limit = 200): Promise<ContactListEntry[]> {
  const rows = await db.surveyContact.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
  return rows.map((c) => {
    const d = localDateOf(c.caseClosedAt, timeZone);
    return {
      id: c.id,
      name: c.name,
      channel: c.channel,
      address: maskAddress(c.channel, c.address),
      language: c.language,
      caseClosedOn: `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`,
      status: c.status,
      quarter: c.quarter,
      recordedAt: c.createdAt.toISOString(),
    };
  });
}

// ---------------------------------------------------------------- the person's link

export type InvitationState = 'OPEN' | 'ANSWERED' | 'CLOSED';

export interface InvitationView {
  state: InvitationState;
  /** The contact's language (the page's, unless the reader chooses another). */
  language: string;
  survey: LocalisedCourtSurvey & { minimumResponses: number };
}

const stateOf = (status: string): InvitationState => (status === 'COMPLETED' ? 'ANSWERED' : status === 'OPTED_OUT' || status === 'EXPIRED' ? 'CLOSED' : 'OPEN');

async function invitationOf(db: Db, token: string) {
  const invitation = await db.surveyInvitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { contact: true } });
  if (!invitation) throw notFound('survey invitation');
  return invitation;
}

/** The survey a link opens, in `language` (the contact's when not given); 404 for a link that is not ours. */
export async function invitationForToken(db: Db, token: string, language?: string): Promise<InvitationView> {
  const { contact } = await invitationOf(db, token);
  const policy = getPolicy(contact.policyVersion);
  const survey = policy.courtSurvey ?? surveyPolicy().survey;
  const reading = language && isLanguage(language) ? language : contact.language;
  return { state: stateOf(contact.status), language: contact.language, survey: { ...localiseCourtSurvey(policy, survey, reading), minimumResponses: survey.minimumResponses } };
}

const refuseClosed = (state: InvitationState): never => {
  if (state === 'ANSWERED') throw conflict('this invitation was already answered; each can be answered once', 'already_answered');
  throw new HttpError(410, 'invitation_closed', 'this invitation is no longer open (it expired, or the person chose not to take part)');
};

async function signal(temporal: Client, contactId: string, which: typeof courtSurveyAnsweredSignal | typeof courtSurveyOptedOutSignal): Promise<void> {
  try {
    await temporal.workflow.getHandle(courtSurveyWorkflowId(contactId)).signal(which);
  } catch (err) {
    // Recorded already; a workflow that ended (or cannot be reached now) would only have stopped anyway.
    if (!(err instanceof WorkflowNotFoundError)) console.warn(JSON.stringify({ level: 'warn', msg: 'court survey signal not delivered', contactId, error: String(err) }));
  }
}

/**
 * Stores one person's answers, once. In one transaction: the link is marked
 * used, the contact is closed and its name, address and messages erased, and
 * the response is written with the quarter, the language, the policy version
 * and the day, and nothing that leads back to the contact (its id is random,
 * not time-ordered; neither side keeps the time of day). What remains is
 * coarse: someone reading the database could still pair a response with the
 * only contact of its language who answered that day; the public figures
 * never show fewer than the policy's minimum of responses. 409 when the link
 * was used, 410 when the invitation closed, 422 for an answer that is not a
 * question or a point of the scale.
 */
export async function submitAnswers(deps: CourtSurveyDeps, token: string, answers: Record<string, unknown>, language?: string): Promise<{ status: 'RECEIVED' }> {
  const { db, temporal, config } = deps;
  const { contact } = await invitationOf(db, token);
  const survey = getPolicy(contact.policyVersion).courtSurvey ?? surveyPolicy().survey;
  if (stateOf(contact.status) !== 'OPEN') refuseClosed(stateOf(contact.status));
  const problems = answerProblems(answers, survey.questions);
  if (problems.length) throw new HttpError(422, 'invalid_input', `${problems[0].field}: ${problems[0].message}`, problems[0].field, problems);
  const now = new Date();
  const day = localDateOf(now, config.CITY_TIME_ZONE);
  // The day, never the moment, on both sides: a time kept on the invitation would pair it with its response.
  const today = new Date(Date.UTC(day.year, day.month - 1, day.day));
  const stored = await db.$transaction(async (tx) => {
    const used = await tx.surveyInvitation.updateMany({ where: { contactId: contact.id, usedAt: null }, data: { usedAt: today } });
    if (used.count === 0) return 'ANSWERED' as const;
    if (!(await closeSurveyContact(tx, contact.id, 'COMPLETED'))) throw new HttpError(410, 'invitation_closed', 'this invitation is no longer open');
    await tx.surveyResponse.create({
      data: {
        id: randomUUID(),
        quarter: contact.quarter ?? quarterOf(now, config.CITY_TIME_ZONE),
        language: language && isLanguage(language) ? language : contact.language,
        policyVersion: contact.policyVersion,
        answers: answers as CourtSurveyAnswers,
        submittedOn: today,
      },
    });
    return 'STORED' as const;
  });
  if (stored === 'ANSWERED') refuseClosed('ANSWERED');
  await signal(temporal, contact.id, courtSurveyAnsweredSignal);
  return { status: 'RECEIVED' };
}

/** No more messages, and the contact's details erased. Saying it twice is not an error; after answering it is 409. */
export async function optOut(deps: CourtSurveyDeps, token: string): Promise<{ status: 'OPTED_OUT' }> {
  const { db, temporal } = deps;
  const { contact } = await invitationOf(db, token);
  if (contact.status === 'OPTED_OUT') return { status: 'OPTED_OUT' };
  if (stateOf(contact.status) !== 'OPEN') refuseClosed(stateOf(contact.status));
  if (!(await db.$transaction((tx) => closeSurveyContact(tx, contact.id, 'OPTED_OUT')))) {
    const now = await db.surveyContact.findUnique({ where: { id: contact.id }, select: { status: true } });
    if (now?.status === 'OPTED_OUT') return { status: 'OPTED_OUT' };
    refuseClosed(stateOf(now?.status ?? 'EXPIRED'));
  }
  await signal(temporal, contact.id, courtSurveyOptedOutSignal);
  return { status: 'OPTED_OUT' };
}

// ---------------------------------------------------------------- the public summary

export interface PublicQuarterSummary extends CourtSurveyQuarterSummaryV1 {
  /** Published by the quarterly Schedule once the quarter closed (frozen); false: the open quarter, to date. */
  published: boolean;
}

export interface PublicCourtSurveySummary {
  minimumResponses: number;
  scale: readonly string[];
  questions: { key: string; section: string; text: string }[];
  quarters: PublicQuarterSummary[];
}

/** Every quarter's figures, oldest first: published summaries as published, the others computed now from the stored rows. */
export async function publicSummary(db: Db, language: string): Promise<PublicCourtSurveySummary> {
  const { policy, survey } = surveyPolicy();
  const words = localiseCourtSurvey(policy, survey, language);
  const [published, quarters] = await Promise.all([db.surveyQuarterSummary.findMany(), surveyQuarters(db)]);
  const frozen = new Map(published.map((p) => [p.quarter, p.summary as unknown as CourtSurveyQuarterSummaryV1]));
  const all = [...new Set([...quarters, ...frozen.keys()])].sort();
  const summaries = await Promise.all(
    all.map(async (quarter): Promise<PublicQuarterSummary> => {
      const kept = frozen.get(quarter);
      return kept ? { ...kept, published: true } : { ...(await computeQuarterSummary(db, quarter, survey)), published: false };
    }),
  );
  return { minimumResponses: survey.minimumResponses, scale: words.scale, questions: words.questions, quarters: summaries };
}
