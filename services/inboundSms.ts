// Text messages people send us. Each handler (the built-in ACK below, the
// plan's progress replies) may answer a message; the first answer wins.
import type { Db } from '../lib/db';
import { incidentWorkflowId } from '../domain/ids';
import { acknowledgeUpdate, type AcknowledgeRequestV1, type AcknowledgeResultV1 } from '../domain/contracts/incident';
import { withTimeout } from './timeLimit';

export interface InboundSms {
  from: string;
  body: string;
  person: { id: string } | null;
}
export type InboundSmsHandler = (msg: InboundSms) => Promise<{ reply: string } | null>;

/** The slice of the Temporal client the ACK handler needs (a real `Client` fits). */
export interface IncidentUpdater {
  workflow: {
    getHandle(workflowId: string): {
      executeUpdate(
        update: typeof acknowledgeUpdate,
        options: { args: [AcknowledgeRequestV1] },
      ): Promise<AcknowledgeResultV1>;
    };
  };
}

const ACK_PATTERN = /^\s*(ack|acknowledge|acknowledged)\b\s*(CI-\d{4}-\d{4,})?/i;

/**
 * "ACK" (optionally "ACK CI-2026-0007") acknowledges every active incident in
 * which the sender is a recipient who has not acknowledged yet, through the
 * incident workflow's acknowledge update (so timing and audit stay there).
 */
export function createAckSmsHandler(deps: { db: Db; temporal: IncidentUpdater; timeoutMs?: number }): InboundSmsHandler {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return async ({ body, person }) => {
    const match = ACK_PATTERN.exec(body);
    if (!match) return null;
    if (!person) return { reply: 'Common Ground: this number is not registered, so we could not record an acknowledgement.' };
    const onlyNumber = match[2]?.toUpperCase();
    const open = await deps.db.incidentRecipient.findMany({
      where: {
        personId: person.id,
        acknowledgedAt: null,
        incident: { status: 'ACTIVE', ...(onlyNumber ? { number: onlyNumber } : {}) },
      },
      select: { incident: { select: { number: true } } },
      orderBy: { notifiedAt: 'asc' },
    });
    const numbers = [...new Set(open.map((r) => r.incident.number))];
    if (numbers.length === 0) {
      return { reply: `Common Ground: no open incident${onlyNumber ? ` ${onlyNumber}` : ''} is waiting for your acknowledgement.` };
    }
    const acknowledged: string[] = [];
    const failed: string[] = [];
    for (const number of numbers) {
      try {
        await withTimeout(
          deps.temporal.workflow
            .getHandle(incidentWorkflowId(number))
            .executeUpdate(acknowledgeUpdate, { args: [{ personId: person.id, via: 'SMS' }] }),
          timeoutMs,
        );
        acknowledged.push(number);
      } catch (err) {
        console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'sms acknowledgement failed', incident: number, error: (err as Error).message }));
        failed.push(number);
      }
    }
    const parts: string[] = [];
    if (acknowledged.length) parts.push(`Acknowledged ${acknowledged.join(', ')}. Thank you.`);
    if (failed.length) parts.push(`Could not record your acknowledgement for ${failed.join(', ')}; please use the link in your email.`);
    return { reply: `Common Ground: ${parts.join(' ')}` };
  };
}

/**
 * The reply to an inbound text: the first handler's answer, a hint when none
 * answers, or an apology when a handler fails.
 */
export async function answerInboundSms(db: Db, handlers: readonly InboundSmsHandler[], { from, body }: { from: string; body: string }): Promise<string> {
  const person = await db.person.findFirst({ where: { phone: from, active: true }, select: { id: true } });
  for (const handler of handlers) {
    let answer: { reply: string } | null;
    try {
      answer = await handler({ from, body, person });
    } catch (err) {
      console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'inbound sms handler failed', error: (err as Error).message }));
      return 'Common Ground: something went wrong handling your message. Please try again or use the link in your email.';
    }
    if (answer) return answer.reply;
  }
  return person ? 'Common Ground: reply ACK to acknowledge an open incident.' : 'Common Ground: this number is not registered with Common Ground.';
}
