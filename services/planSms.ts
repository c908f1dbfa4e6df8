// Progress by SMS reply from an item's owner. A reply must say what it does
// and which item it is about, by the item's short code (domain/itemCode.ts),
// which every reminder text shows:
//   DONE K7Q2M                        marks item K7Q2M done
//   PROGRESS K7Q2M 50 met with ECDC   50 % complete, with the note "met with ECDC"
// Nothing is guessed: a bare "DONE" or "50" changes nothing and is answered
// with the sender's open items and their codes. Every answer is the text to
// send back.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import { completeItemUpdate, postProgressUpdate } from '../domain/contracts/plan';
import type { ActorV1 } from '../domain/contracts/common';
import { itemShortCode, readItemCode } from '../domain/itemCode';
import { withTimeout } from './timeLimit';

const DONE_PATTERN = /^\s*(?:done|complete|completed)\b[\s.!]*(\S*?)[\s.!]*$/i;
const PROGRESS_PATTERN = /^\s*progress\b\s*(\S*)\s*(?:(\d{1,3})\s*%?)?\s*(?:[-:,.]\s*)?(.*)$/is;
/** A reply that looks like the old, code-less forms ("50 met with ECDC"). */
const BARE_PERCENT = /^\s*\d{1,3}\s*%?(\s|$)/;
const MAX_NOTE = 2000;
/** Twilio waits 15 s for the webhook's answer. */
const DEFAULT_TIMEOUT_MS = 10_000;

export type ParsedProgressSms =
  | { kind: 'DONE'; code: string | null }
  | { kind: 'PROGRESS'; code: string | null; percentComplete?: number; note?: string }
  | { kind: 'UNCLEAR' };

/** Null when the text is not about progress at all (other handlers may want it). */
export function parseProgressSms(body: string): ParsedProgressSms | null {
  const done = DONE_PATTERN.exec(body);
  if (done) return { kind: 'DONE', code: done[1] ? readItemCode(done[1]) : null };
  const progress = PROGRESS_PATTERN.exec(body);
  if (progress) {
    const percent = progress[2] === undefined ? undefined : Number(progress[2]);
    const note = progress[3].trim().slice(0, MAX_NOTE);
    return {
      kind: 'PROGRESS',
      code: progress[1] ? readItemCode(progress[1]) : null,
      percentComplete: percent !== undefined && percent <= 100 ? percent : undefined,
      note: note || undefined,
    };
  }
  return BARE_PERCENT.test(body) ? { kind: 'UNCLEAR' } : null;
}

export interface PlanSmsDeps {
  db: Db;
  temporal: Pick<Client, 'workflow'>;
  timeoutMs?: number;
}

type OpenItem = { id: string; title: string; workflowId: string; code: string };

async function openItemsOf(db: Db, personId: string): Promise<OpenItem[]> {
  const items = await db.actionItem.findMany({
    where: { ownerId: personId, status: { not: 'DONE' }, plan: { status: 'ACTIVE' } },
    select: { id: true, title: true, workflowId: true },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
  return items.map((item) => ({ ...item, code: itemShortCode(item.id) }));
}

const MAX_LISTED = 5;
function howToReply(items: OpenItem[], lead: string): { reply: string } {
  if (items.length === 0) return { reply: `Common Ground: ${lead} You have no open action items.` };
  const listed = items.slice(0, MAX_LISTED).map((i) => `${i.code} "${i.title.slice(0, 40)}"`).join('; ');
  const more = items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : '';
  return {
    reply: `Common Ground: ${lead} Reply DONE <code> or PROGRESS <code> <percent> <note>. Your open items: ${listed}${more}.`,
  };
}

/** The reply to send, or null when the text is not a progress reply. */
export async function recordProgressBySms(deps: PlanSmsDeps, body: string, sender: { id: string }): Promise<{ reply: string } | null> {
  const parsed = parseProgressSms(body);
  if (!parsed) return null;
  const items = await openItemsOf(deps.db, sender.id);
  if (parsed.kind === 'UNCLEAR' || !parsed.code) return howToReply(items, 'nothing was changed: say which item, by its code.');
  const matching = items.filter((i) => i.code === parsed.code);
  if (matching.length !== 1) {
    return howToReply(items, matching.length === 0 ? `none of your open items has the code ${parsed.code}; nothing was changed.` : `two of your items share the code ${parsed.code}; please use the link in the email.`);
  }
  const [target] = matching;
  if (parsed.kind === 'PROGRESS' && parsed.percentComplete === undefined) {
    return { reply: `Common Ground: nothing was changed. Say how far along "${target.title}" is: PROGRESS ${target.code} 50 and a note.` };
  }

  const who = await deps.db.person.findUniqueOrThrow({ where: { id: sender.id }, select: { id: true, name: true, roles: true } });
  const by: ActorV1 = { personId: who.id, name: who.name, roles: [...who.roles] };
  const handle = deps.temporal.workflow.getHandle(target.workflowId);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    if (parsed.kind === 'DONE') {
      await withTimeout(handle.executeUpdate(completeItemUpdate, { args: [{ by, via: 'SMS', note: 'Marked done by SMS' }] }), timeoutMs);
      return { reply: `Common Ground: "${target.title}" (${target.code}) is marked done. Thank you.` };
    }
    const percent = parsed.percentComplete!;
    await withTimeout(
      handle.executeUpdate(postProgressUpdate, { args: [{ by, via: 'SMS', percentComplete: percent, note: parsed.note ?? `${percent}% (by SMS)` }] }),
      timeoutMs,
    );
    return { reply: `Common Ground: "${target.title}" (${target.code}) is now ${percent}% complete.` };
  } catch (err) {
    console.error(JSON.stringify({ component: 'plan-sms', msg: 'progress by sms failed', itemId: target.id, error: (err as Error).message }));
    return { reply: `Common Ground: we could not record that for "${target.title}". Please use the link in your reminder email.` };
  }
}
