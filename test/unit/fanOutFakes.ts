// In-memory stand-ins for the public fan-out's activities, for time-skipping
// tests and for recording its histories: a subscriber list read in id order,
// and a record of every batch sent (which subscriptions, in which order).
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import type { PublicFanOutActivities, PublicFanOutInputV1 } from '../../domain/contracts/publicFanOut';

export interface FakeSubscriber {
  id: string;
  channel: ChannelName;
}

/** `count` subscribers, one in `smsEvery` by text, ids in order. */
export function subscribers(count: number, smsEvery: number): FakeSubscriber[] {
  return Array.from({ length: count }, (_, n) => ({ id: `sub-${String(n).padStart(6, '0')}`, channel: n % smsEvery === 0 ? 'SMS' : 'EMAIL' }));
}

export function createFanOutFakes(list: FakeSubscriber[]) {
  const batches: { channel: ChannelName; ids: string[] }[] = [];
  const listings: { channel: ChannelName | undefined; cursor: string | null }[] = [];
  const channelOf = new Map(list.map((s) => [s.id, s.channel]));
  const activities: Pick<PublicFanOutActivities, 'listFanOutRecipients' | 'sendPublicMessages'> = {
    async listFanOutRecipients({ audience, cursor, limit, channel }) {
      listings.push({ channel, cursor });
      if (audience === 'MEDIA') return [];
      return list.filter((s) => (cursor === null || s.id > cursor) && (!channel || s.channel === channel)).slice(0, limit);
    },
    async sendPublicMessages({ subscriptionIds }) {
      batches.push({ channel: channelOf.get(subscriptionIds[0])!, ids: subscriptionIds });
      return { sent: subscriptionIds.length, skipped: 0, undeliverable: 0 };
    },
  };
  return { activities, batches, listings };
}

/** Two officials, told by email, for a run that tells officials too. */
export const officialsFakes = {
  async listPeopleByRoles() {
    return [
      { personId: 'p-mayor', roles: ['MAYOR'] },
      { personId: 'p-alder', roles: ['ALDERMAN'] },
    ];
  },
  async sendNotification(message: { personId: string }) {
    return { status: 'SENT', notificationId: `n-${message.personId}`, providerMessageId: `m-${message.personId}`, idempotencyKey: `k-${message.personId}` };
  },
};

export const officialsNotice = {
  roles: ['MAYOR' as const, 'ALDERMAN' as const],
  channels: ['EMAIL' as const],
  template: 'statement.published',
  purpose: 'statement.published.officials',
  data: {},
  exceptPersonIds: [],
};

/** A published statement's fan-out to residents only (no officials, no newsrooms): what the tests drive. */
export function fanOutInput(pacing: Partial<PublicFanOutInputV1['pacing']> = {}): PublicFanOutInputV1 {
  const publishedAt = '2026-12-01T15:00:00.000Z';
  return {
    version: 1,
    event: { kind: 'statement.published', statementId: 'st-1', incidentId: 'inc-1', incidentNumber: 'CI-2026-0001', publishedAt, deadline: null },
    plan: { eventKey: 'statement-st-1', at: publishedAt, template: 'public.statement-published', topics: [{ topic: 'ALL_INCIDENTS' }], media: false },
    officials: null,
    pacing: { smsPerSecond: 5, emailBatch: 10, emailBatchesAtOnce: 3, pageSize: 40, ...pacing },
  };
}
