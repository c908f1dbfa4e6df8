// After an attempt was interrupted (a worker killed between Twilio's answer
// and our write, a timeout, a lost 5xx answer), ask Twilio whether it already
// accepted the message before sending it again.
import type { SmsClient } from './providers';

/** Allowance for the difference between our clock and Twilio's. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Messages to one number from us since the row was written: a handful; this is a generous bound. */
const LOOKUP_LIMIT = 200;

export interface AcceptedSms {
  sid: string;
  status: string | null;
}

/**
 * The message Twilio accepted for this row, if any: an outbound message from
 * our number to `to`, created after the row (less clock skew), with exactly
 * the row's body, and not already recorded as another row's message (two
 * notifications can read the same). The oldest such. Filtered by To and From,
 * newest first. No DateSent filter: a message Twilio still holds in its queue
 * has no date_sent yet, and those are exactly the ones a crash leaves
 * unconfirmed.
 */
export async function findAcceptedSms(
  sms: { messages: Pick<SmsClient['messages'], 'list'> },
  row: { id: string; toAddress: string; body: string; createdAt: Date },
  from: string,
  recordedElsewhere: (sids: string[]) => Promise<Set<string>>,
): Promise<AcceptedSms | null> {
  const since = row.createdAt.getTime() - CLOCK_SKEW_MS;
  const messages = await sms.messages.list({ to: row.toAddress, from, pageSize: 50, limit: LOOKUP_LIMIT });
  const candidates = messages.filter(
    (m) => m.direction === 'outbound-api' && m.body === row.body && (m.dateCreated ? m.dateCreated.getTime() >= since : true),
  );
  if (candidates.length === 0) return null;
  const taken = await recordedElsewhere(candidates.map((m) => m.sid));
  const match = candidates.filter((m) => !taken.has(m.sid)).pop();
  return match ? { sid: match.sid, status: match.status ?? null } : null;
}
