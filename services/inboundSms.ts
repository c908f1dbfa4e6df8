// Text messages people send us. A message is handled once (by its Twilio
// MessageSid). Residents' keywords to their subscriptions (YES, STOP, START,
// HELP) are answered whoever sent them; everything else only when it comes
// from an active person's number: each handler (the built-in ACK below, the
// plan's progress replies) may answer it, and the first answer wins.
import type { Db } from '../lib/db';
import { incidentWorkflowId } from '../domain/ids';
import { toE164 } from '../domain/phone';
import { acknowledgeUpdate, type AcknowledgeRequestV1, type AcknowledgeResultV1 } from '../domain/contracts/incident';
import { withTimeout } from './timeLimit';

export interface InboundSms {
  from: string;
  body: string;
  /** The active person whose number sent it; handlers only ever see a known sender. */
  person: { id: string };
}
export type InboundSmsHandler = (msg: InboundSms) => Promise<{ reply: string } | null>;
/** A handler for texts from any number (a resident's subscription keywords); null leaves the text to the others. */
export type AnyNumberSmsHandler = (msg: Omit<InboundSms, 'person'>) => Promise<{ reply: string } | null>;

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

export const UNKNOWN_NUMBER_REPLY =
  'Common Ground: this number is not registered with Common Ground, so nothing was changed. ' +
  'If you work for the City, ask the city manager’s office to add this mobile number; until then use the links in your email.';

export const HELP_REPLY =
  'Common Ground: reply ACK to acknowledge your newest open incident (ACK CI-2026-0007 for another one), ' +
  'DONE <item code> when an action item is done, or PROGRESS <item code> <percent> <note> to report progress.';

const ACK_PATTERN = /^\s*(?:ack|acknowledge|acknowledged)\b[\s.,:;!-]*(\S*)/i;
const INCIDENT_NUMBER = /^CI-\d{4}-\d{4,}$/i;

/**
 * "ACK" acknowledges the sender's newest open incident that still waits for
 * them; "ACK CI-2026-0007" acknowledges that one. It never acknowledges more
 * than one incident: the reply names the others still waiting. Through the
 * incident workflow's acknowledge update, so timing and audit stay there.
 */
export function createAckSmsHandler(deps: { db: Db; temporal: IncidentUpdater; timeoutMs?: number }): InboundSmsHandler {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return async ({ body, person }) => {
    const match = ACK_PATTERN.exec(body);
    if (!match) return null;
    const word = match[1].replace(/[.,;:!]+$/, '');
    const named = INCIDENT_NUMBER.test(word) ? word.toUpperCase() : null;
    if (!named && /^(ci\b|ci-|\d)/i.test(word)) {
      return { reply: `Common Ground: "${word.slice(0, 20)}" is not an incident number. Reply ACK for your newest open incident, or ACK CI-2026-0007 for another one.` };
    }
    const waiting = await deps.db.incidentRecipient.findMany({
      where: { personId: person.id, acknowledgedAt: null, incident: { status: 'ACTIVE' } },
      select: { incident: { select: { number: true, declaredAt: true } } },
      orderBy: [{ incident: { declaredAt: 'desc' } }, { incident: { number: 'desc' } }],
    });
    const numbers = [...new Set(waiting.map((r) => r.incident.number))];
    const target = named ? numbers.find((n) => n === named) : numbers[0];
    if (!target) {
      const others = numbers.length ? ` Still waiting for you: ${numbers.join(', ')}.` : '';
      return { reply: `Common Ground: no open incident${named ? ` ${named}` : ''} is waiting for your acknowledgement.${others}` };
    }
    try {
      await withTimeout(
        deps.temporal.workflow.getHandle(incidentWorkflowId(target)).executeUpdate(acknowledgeUpdate, { args: [{ personId: person.id, via: 'SMS' }] }),
        timeoutMs,
      );
    } catch (err) {
      console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'sms acknowledgement failed', incident: target, error: (err as Error).message }));
      return { reply: `Common Ground: could not record your acknowledgement of ${target}; please use the link in your email.` };
    }
    const rest = numbers.filter((n) => n !== target);
    const stillWaiting = rest.length ? ` Still waiting for you: ${rest.join(', ')}; reply ACK and the number for each.` : '';
    return { reply: `Common Ground: Acknowledged ${target}. Thank you.${stillWaiting}` };
  };
}

export interface InboundText {
  /** Twilio's id of the message; a second request with the same id is a retry or a replay. */
  messageSid: string;
  from: string;
  body: string;
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === 'P2002';

/**
 * The reply to an inbound text ('' for none). A MessageSid seen before gets
 * no reply and changes nothing; a number that is not an active person's gets
 * the help text for strangers and changes nothing; otherwise the first
 * handler's answer, the help text when none answers, or an apology when a
 * handler fails.
 */
export async function answerInboundSms(
  db: Db,
  handlers: readonly InboundSmsHandler[],
  { messageSid, from, body }: InboundText,
  anyNumberHandlers: readonly AnyNumberSmsHandler[] = [],
): Promise<string> {
  const number = toE164(from) ?? from.trim();
  const person = await db.person.findFirst({ where: { phone: number, active: true }, select: { id: true } });
  try {
    // Recorded before anything acts on it: the unique MessageSid decides between two deliveries of one text.
    await db.inboundSms.create({ data: { messageSid, fromNumber: number, personId: person?.id ?? null } });
  } catch (err) {
    if (isUniqueViolation(err)) return '';
    throw err;
  }
  for (const handler of anyNumberHandlers) {
    const answer = await handler({ from: number, body }).catch((err: unknown) => {
      console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'inbound sms handler failed', error: (err as Error).message }));
      return { reply: 'Common Ground: something went wrong handling your message. Please try again.' };
    });
    if (answer) return answer.reply;
  }
  if (!person) return UNKNOWN_NUMBER_REPLY;
  for (const handler of handlers) {
    let answer: { reply: string } | null;
    try {
      answer = await handler({ from: number, body, person });
    } catch (err) {
      console.error(JSON.stringify({ component: 'twilio-webhooks', msg: 'inbound sms handler failed', error: (err as Error).message }));
      return 'Common Ground: something went wrong handling your message. Please try again or use the link in your email.';
    }
    if (answer) return answer.reply;
  }
  return HELP_REPLY;
}
