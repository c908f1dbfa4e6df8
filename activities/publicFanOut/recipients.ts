// Who an event goes to, a page at a time in id order. Written as SQL rather
// than through Prisma's `topics: { some }` because of the plan PostgreSQL
// picks: Prisma's shape left the planner free to scan every subscription's
// topic rows once per subscription, and with statistics that lag a bulk load
// of subscribers (autovacuum analyses a minute or more later) it did, at 2 to 4
// seconds a page for 10,000 subscribers. Here the topics are looked up by
// subscription, through the (subscriptionId, topic, scope) unique index, which
// stays a few milliseconds a page whatever the statistics say.
import { Prisma } from '../../generated/prisma/client';
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import type { PublicFanOutPlanV1 } from '../../domain/contracts/publicFanOut';

export interface RecipientsPage {
  plan: PublicFanOutPlanV1;
  audience: 'RESIDENT' | 'MEDIA';
  cursor: string | null;
  limit: number;
  channel?: ChannelName;
}

/** Pages are at least one and at most this many subscriptions. */
export const MAX_RECIPIENTS_PAGE = 1000;

/**
 * Active subscriptions of the audience after `cursor`: newsrooms by email;
 * residents confirmed by the event's time and subscribed to one of its topics.
 */
export function recipientsPageQuery({ plan, audience, cursor, limit, channel }: RecipientsPage): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`s."audience" = ${audience}::"SubscriberAudience"`, Prisma.sql`s."status" = 'ACTIVE'`];
  if (cursor) conditions.push(Prisma.sql`s."id" > ${cursor}`);
  if (audience === 'MEDIA') {
    conditions.push(Prisma.sql`s."channel" = 'EMAIL'`);
  } else {
    if (channel) conditions.push(Prisma.sql`s."channel" = ${channel}::"Channel"`);
    // Stored as UTC without a zone, as Prisma writes DateTime.
    conditions.push(Prisma.sql`s."confirmedAt" <= (${plan.at}::timestamptz AT TIME ZONE 'UTC')`);
    const topics = plan.topics.map((t) => Prisma.sql`(${t.topic}, ${t.scope ?? ''})`);
    conditions.push(
      topics.length === 0
        ? Prisma.sql`false`
        : Prisma.sql`EXISTS (SELECT 1 FROM "SubscriptionTopic" t WHERE t."subscriptionId" = s."id" AND (t."topic"::text, t."scope") IN (${Prisma.join(topics)}))`,
    );
  }
  const take = Math.max(1, Math.min(limit, MAX_RECIPIENTS_PAGE));
  return Prisma.sql`SELECT s."id", s."channel"::text AS "channel" FROM "Subscription" s WHERE ${Prisma.join(conditions, ' AND ')} ORDER BY s."id" ASC LIMIT ${take}`;
}
