// SMS replies from item owners, over the signature-checked Twilio webhook:
//   DONE                 marks the sender's item done
//   50 met with ECDC     50 % complete, with the note "met with ECDC"
// "The sender's item" is the open item they were last texted about (the
// reminder they are answering), else their open item due soonest.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db';
import { completeItemUpdate, postProgressUpdate } from '../../domain/contracts/plan';
import type { ActorV1 } from '../../domain/contracts/common';
import type { InboundSmsHandler } from './twilioWebhooks';

const DONE_PATTERN = /^\s*(done|complete|completed)\s*[.!]*\s*$/i;
const PROGRESS_PATTERN = /^\s*(\d{1,3})\s*%?\s*(?:[-:,.]\s*)?(.*)$/s;
const MAX_NOTE = 2000;

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

export function planProgressSmsHandler(deps: PlanSmsDeps): InboundSmsHandler {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return async ({ body, person }) => {
    const parsed = parseProgressSms(body);
    if (!parsed) return null;
    if (!person) return { reply: 'Common Ground: this number is not registered, so we could not record progress.' };

    const open = await deps.db.actionItem.findMany({
      where: { ownerId: person.id, status: { not: 'DONE' }, plan: { status: 'ACTIVE' } },
      select: { id: true, title: true, workflowId: true, dueAt: true },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    });
    if (open.length === 0) return { reply: 'Common Ground: you have no open action items to update.' };
    let target = open[0];
    if (open.length > 1) {
      const lastText = await deps.db.notification.findFirst({
        where: { personId: person.id, channel: 'SMS', actionItemId: { in: open.map((i) => i.id) } },
        orderBy: { createdAt: 'desc' },
        select: { actionItemId: true },
      });
      target = open.find((i) => i.id === lastText?.actionItemId) ?? open[0];
    }

    const who = await deps.db.person.findUniqueOrThrow({ where: { id: person.id }, select: { id: true, name: true, roles: true } });
    const by: ActorV1 = { personId: who.id, name: who.name, roles: [...who.roles] };
    const handle = deps.temporal.workflow.getHandle(target.workflowId);
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
      const others = open.length > 1 ? ` (you have ${open.length - 1} other open item${open.length === 2 ? '' : 's'}; use the link in the email for those)` : '';
      return { reply: `Common Ground: "${target.title}" is now ${parsed.percentComplete}% complete.${others}` };
    } catch (err) {
      console.error(JSON.stringify({ component: 'plan-sms', msg: 'progress by sms failed', itemId: target.id, error: (err as Error).message }));
      return { reply: `Common Ground: we could not record that for "${target.title}". Please use the link in your reminder email.` };
    }
  };
}
