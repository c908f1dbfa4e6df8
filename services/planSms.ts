// Progress by SMS reply from an item's owner:
//   DONE                 marks the sender's item done
//   50 met with ECDC     50 % complete, with the note "met with ECDC"
// "The sender's item" is the open item they were last texted about (the
// reminder they are answering), else their open item due soonest. Every
// answer is the text to send back.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import { completeItemUpdate, postProgressUpdate } from '../domain/contracts/plan';
import type { ActorV1 } from '../domain/contracts/common';

const DONE_PATTERN = /^\s*(done|complete|completed)\s*[.!]*\s*$/i;
const PROGRESS_PATTERN = /^\s*(\d{1,3})\s*%?\s*(?:[-:,.]\s*)?(.*)$/s;
const MAX_NOTE = 2000;
/** Twilio waits 15 s for the webhook's answer. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface ParsedProgressSms {
  kind: 'DONE' | 'PROGRESS';
  percentComplete?: number;
  note?: string;
}

/** Null when the text is not a progress reply (other handlers may want it). */
export function parseProgressSms(body: string): ParsedProgressSms | null {
  if (DONE_PATTERN.test(body)) return { kind: 'DONE' };
  const match = PROGRESS_PATTERN.exec(body);
  if (!match) return null;
  const percent = Number(match[1]);
  if (percent > 100) return null;
  const note = match[2].trim().slice(0, MAX_NOTE);
  return { kind: 'PROGRESS', percentComplete: percent, note: note || undefined };
}

export interface PlanSmsDeps {
  db: Db;
  temporal: Pick<Client, 'workflow'>;
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The open item a reply is about; undefined when the sender has none. */
async function itemRepliedTo(db: Db, personId: string) {
  const open = await db.actionItem.findMany({
    where: { ownerId: personId, status: { not: 'DONE' }, plan: { status: 'ACTIVE' } },
    select: { id: true, title: true, workflowId: true, dueAt: true },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
  if (open.length <= 1) return { target: open[0], openCount: open.length };
  const lastText = await db.notification.findFirst({
    where: { personId, channel: 'SMS', actionItemId: { in: open.map((i) => i.id) } },
    orderBy: { createdAt: 'desc' },
    select: { actionItemId: true },
  });
  return { target: open.find((i) => i.id === lastText?.actionItemId) ?? open[0], openCount: open.length };
}

/** The reply to send, or null when the text is not a progress reply. */
export async function recordProgressBySms(deps: PlanSmsDeps, body: string, sender: { id: string } | null): Promise<{ reply: string } | null> {
  const parsed = parseProgressSms(body);
  if (!parsed) return null;
  if (!sender) return { reply: 'Common Ground: this number is not registered, so we could not record progress.' };

  const { target, openCount } = await itemRepliedTo(deps.db, sender.id);
  if (!target) return { reply: 'Common Ground: you have no open action items to update.' };

  const who = await deps.db.person.findUniqueOrThrow({ where: { id: sender.id }, select: { id: true, name: true, roles: true } });
  const by: ActorV1 = { personId: who.id, name: who.name, roles: [...who.roles] };
  const handle = deps.temporal.workflow.getHandle(target.workflowId);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    if (parsed.kind === 'DONE') {
      await withTimeout(handle.executeUpdate(completeItemUpdate, { args: [{ by, via: 'SMS', note: 'Marked done by SMS' }] }), timeoutMs);
      return { reply: `Common Ground: "${target.title}" is marked done. Thank you.` };
    }
    await withTimeout(
      handle.executeUpdate(postProgressUpdate, {
        args: [{ by, via: 'SMS', percentComplete: parsed.percentComplete, note: parsed.note ?? `${parsed.percentComplete}% (by SMS)` }],
      }),
      timeoutMs,
    );
    const others = openCount > 1 ? ` (you have ${openCount - 1} other open item${openCount === 2 ? '' : 's'}; use the link in the email for those)` : '';
    return { reply: `Common Ground: "${target.title}" is now ${parsed.percentComplete}% complete.${others}` };
  } catch (err) {
    console.error(JSON.stringify({ component: 'plan-sms', msg: 'progress by sms failed', itemId: target.id, error: (err as Error).message }));
    return { reply: `Common Ground: we could not record that for "${target.title}". Please use the link in your reminder email.` };
  }
}
