// What should have arrived, what did, and how often. The expectation is built
// from the roster and the policy (who must be told, on which channel, about
// what), not from the app's own records; the sinks say what the providers
// accepted. A message is identified by the notification row it came from
// (the X-Common-Ground-Notification header of an email, the row id in an
// SMS's status-callback URL), whose idempotency key names the logical
// message: a key arriving twice is a duplicate. One exception, counted on its
// own: an email sent again because a worker was killed between the relay's
// "250 accepted" and the write that records it. SMTP has no way to ask a relay
// whether it accepted a message, so that window cannot be closed; the copy
// carries the same Message-ID (RFC 5322 identity, derived from the key), which
// mailbox providers collapse. Only a scenario that kills workers tolerates
// such re-sends, at most one per message in flight at each kill.
import type { ChannelName } from '../domain/contracts/notificationActivities';
import { incidentWorkflowId, notificationKey } from '../domain/ids';
import type { Db } from '../lib/db';
import type { TestSinks } from '../test/harness/sinks';

export interface ExpectedMessage {
  key: string;
  label: string;
}

export const CHANNELS: ChannelName[] = ['EMAIL', 'SMS'];

/** One message per person and channel about one incident. */
export function expectIncidentMessages(
  incidentNumber: string,
  purpose: string,
  people: { personId: string; attemptGroup?: string; channels?: readonly ChannelName[] }[],
): ExpectedMessage[] {
  const workflowId = incidentWorkflowId(incidentNumber);
  return people.flatMap(({ personId, attemptGroup = '1', channels = CHANNELS }) =>
    channels.map((channel) => ({
      key: notificationKey({ workflowId, purpose, personId, channel, attemptGroup }),
      label: `${incidentNumber} ${purpose} ${channel} to ${personId}`,
    })),
  );
}

export interface Arrival {
  key: string;
  at: number;
  channel: 'EMAIL' | 'SMS';
}

/** Every message the sinks hold, as (idempotency key, arrival time); messages from no notification row are left out. */
export async function arrivals(db: Db, sinks: TestSinks): Promise<Arrival[]> {
  const raw: { notificationId: string; at: number; channel: Arrival['channel'] }[] = [];
  for (const mail of sinks.mail.messages()) {
    const id = mail.headers['x-common-ground-notification'];
    if (id) raw.push({ notificationId: id.trim(), at: Date.parse(mail.receivedAt), channel: 'EMAIL' });
  }
  for (const text of sinks.sms.messages()) {
    if (text.direction !== 'outbound-api' || !text.statusCallback) continue;
    const id = new URL(text.statusCallback).searchParams.get('n');
    if (id) raw.push({ notificationId: id, at: Date.parse(text.dateCreated), channel: 'SMS' });
  }
  const ids = [...new Set(raw.map((r) => r.notificationId))];
  const keys = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 1_000) {
    const rows = await db.notification.findMany({ where: { id: { in: ids.slice(i, i + 1_000) } }, select: { id: true, idempotencyKey: true } });
    for (const row of rows) keys.set(row.id, row.idempotencyKey);
  }
  return raw.flatMap((r) => {
    const key = keys.get(r.notificationId);
    return key ? [{ key, at: r.at, channel: r.channel }] : [];
  });
}

export interface Tally {
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Arrival of the last expected message to arrive, epoch ms (0 when none did). */
  lastArrivalAt: number;
  missing: string[];
  /** Keys that arrived more than once, with how often. */
  duplicates: string[];
  /** Emails sent again with the same Message-ID after a worker was killed (within the tolerance; beyond it they are duplicates). */
  emailResends: number;
}

/**
 * Delivered: expected messages that arrived at least once. Duplicated: copies
 * beyond the first, of any key under `keyPrefixes`, except up to
 * `tolerateEmailResends` email copies (see the top of this file).
 */
export function tally(expected: ExpectedMessage[], seen: Arrival[], keyPrefixes: string[], tolerateEmailResends = 0): Tally {
  const byKey = new Map<string, Arrival[]>();
  for (const arrival of seen) {
    if (!keyPrefixes.some((prefix) => arrival.key.startsWith(prefix))) continue;
    byKey.set(arrival.key, [...(byKey.get(arrival.key) ?? []), arrival]);
  }
  let delivered = 0;
  let lastArrivalAt = 0;
  const missing: string[] = [];
  for (const message of expected) {
    const copies = byKey.get(message.key);
    if (!copies) {
      missing.push(message.label);
      continue;
    }
    delivered += 1;
    lastArrivalAt = Math.max(lastArrivalAt, Math.min(...copies.map((c) => c.at)));
  }
  const repeated = [...byKey.entries()].filter(([, copies]) => copies.length > 1);
  const extra = (channel: Arrival['channel']) =>
    repeated.filter(([, copies]) => copies[0].channel === channel).reduce((sum, [, copies]) => sum + copies.length - 1, 0);
  const emailCopies = extra('EMAIL');
  const emailResends = Math.min(emailCopies, tolerateEmailResends);
  const duplicated = extra('SMS') + emailCopies - emailResends;
  const duplicates = repeated.map(([key, copies]) => `${key} x${copies.length}`);
  return { expected: expected.length, delivered, lost: expected.length - delivered, duplicated, lastArrivalAt, missing, duplicates, emailResends };
}
