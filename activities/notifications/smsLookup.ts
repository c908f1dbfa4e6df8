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
 * the row's body. Filtered by To and From, newest first. No DateSent filter:
 * a message Twilio still holds in its queue has no date_sent yet, and those
 * are exactly the ones a crash leaves unconfirmed.
 */
export async function findAcceptedSms(
  sms: { messages: Pick<SmsClient['messages'], 'list'> },
  row: { toAddress: string; body: string; createdAt: Date },
  from: string,
): Promise<AcceptedSms | null> {
  const since = row.createdAt.getTime() - CLOCK_SKEW_MS;
  const messages = await sms.messages.list({ to: row.toAddress, from, pageSize: 50, limit: LOOKUP_LIMIT });
  const match = messages.find(
    (m) => m.direction === 'outbound-api' && m.body === row.body && (m.dateCreated ? m.dateCreated.getTime() >= since : true),
  );
  return match ? { sid: match.sid, status: match.status ?? null } : null;
}
