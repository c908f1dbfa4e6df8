// Residents' subscriptions, with no account: a request (email or SMS, a
// language, topics) is confirmed by the person who owns the address (a link,
// or a YES reply), and from then on they manage it themselves through the
// signed link in every message: change the language, unsubscribe, download or
// delete what we keep. Nothing here is public: no page or API lists
// subscribers, and an answer never says whether an address was known.
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { isLanguage, languages } from '../lib/i18n';
import { eraseSubscription } from '../lib/subscriptionData';
import { INCIDENT_NUMBER_PATTERN, subscriptionWorkflowId } from '../domain/ids';
import { SUBSCRIPTION_CONFIRM_WINDOW_SECONDS } from '../domain/links';
import { SUBSCRIPTION_TOPICS } from '../domain/contracts/publicFanOut';
import { subscriptionConfirmedSignal, type SubscriptionConfirmedV1 } from '../domain/contracts/subscription';
import type { Prisma, Subscription, SubscriptionTopic } from '../generated/prisma/client';
import { HttpError, badRequest, refusalParams } from './errors';
import { startWorkflowOnce } from './temporal';

export interface SubscriptionDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
}

/** An E.164 number from what people type: "314-555-0100" and "(314) 555 0100" are US numbers. */
export function normalisePhone(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '');
  const digits = compact.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return null;
  const e164 = compact.startsWith('+') ? compact : digits.length === 10 ? `+1${digits}` : digits.length === 11 && digits.startsWith('1') ? `+${digits}` : null;
  return e164 && /^\+[1-9]\d{6,14}$/.test(e164) ? e164 : null;
}

const TopicChoice = z
  .object({
    topic: z.enum(SUBSCRIPTION_TOPICS),
    incident: z.string().trim().toUpperCase().regex(INCIDENT_NUMBER_PATTERN, 'must be an incident number such as CI-2026-0007').optional(),
  })
  .superRefine((value, ctx) => {
    if (value.topic === 'INCIDENT' && !value.incident) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['incident'], message: 'name the incident to follow', params: refusalParams({ code: 'required' }, true) });
  });

export const SubscribeRequest = z
  .object({
    channel: z.enum(['EMAIL', 'SMS'], { errorMap: () => ({ message: 'choose email or text message' }) }),
    address: z.string().trim().min(1, 'enter where to send the updates').max(254, 'must be at most 254 characters'),
    language: z.string().refine(isLanguage, () => ({ message: `must be one of: ${languages().join(', ')}`, params: refusalParams({ code: 'invalid_choice' }) })),
    topics: z.array(TopicChoice).min(1, 'choose at least one kind of update').max(10),
  })
  .transform((value, ctx) => {
    let address = value.address;
    if (value.channel === 'EMAIL') {
      address = value.address.toLowerCase();
      if (!z.string().email().safeParse(address).success) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'enter an email address such as name@example.com', params: refusalParams({ code: 'invalid_email' }, true) });
        return z.NEVER;
      }
    } else {
      const phone = normalisePhone(value.address);
      if (!phone) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['address'], message: 'enter a mobile number such as 314-555-0100', params: refusalParams({ code: 'invalid_phone' }, true) });
        return z.NEVER;
      }
      address = phone;
    }
    const topics = new Map(value.topics.map((t) => [`${t.topic}|${t.incident ?? ''}`, { topic: t.topic, scope: t.topic === 'INCIDENT' ? t.incident ?? '' : '' }]));
    return { ...value, address, topics: [...topics.values()] };
  });

export type SubscribeInput = z.output<typeof SubscribeRequest>;

/** How often a confirmation may be sent: per address (no one's inbox or phone is flooded) and per requester. */
export interface SubscribeLimits {
  perAddress: { points: number; seconds: number };
  perRequester: { points: number; seconds: number };
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = {
  perAddress: { points: 3, seconds: 24 * 3600 },
  perRequester: { points: 20, seconds: 3600 },
};

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

export function createSubscribeThrottle(db: Db, limits: SubscribeLimits = DEFAULT_SUBSCRIBE_LIMITS) {
  const limiter = (keyPrefix: string, { points, seconds }: { points: number; seconds: number }) =>
    new RateLimiterPrisma({ storeClient: db, tableName: 'loginThrottle', keyPrefix, points, duration: seconds, clearExpiredByTimeout: false });
  const perAddress = limiter('subscribe-address', limits.perAddress);
  const perRequester = limiter('subscribe-requester', limits.perRequester);
  return {
    /** Refuses (429) a requester over its limit. */
    async admitRequester(requester: string): Promise<void> {
      try {
        await perRequester.consume(digest(requester));
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        throw new HttpError(429, 'too_many_requests', 'too many subscription requests from this address; try again later', undefined, undefined, {
          'Retry-After': String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))),
        });
      }
    },
    /** False when this address has had its confirmations for the day (the request is then quietly not sent). */
    async admitAddress(channel: string, address: string): Promise<boolean> {
      try {
        await perAddress.consume(digest(`${channel}|${address}`));
        return true;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        return false;
      }
    },
  };
}

export type SubscribeThrottle = ReturnType<typeof createSubscribeThrottle>;

/**
 * Records a request and starts its confirmation. The answer is the same
 * whether or not the address is already subscribed or was asked too often
 * today, so it tells nobody anything about an address.
 */
export async function requestSubscription(
  deps: SubscriptionDeps & { throttle: SubscribeThrottle },
  input: SubscribeInput,
  requester: string,
): Promise<{ status: 'PENDING'; channel: 'EMAIL' | 'SMS' }> {
  const { db, temporal, config, throttle } = deps;
  await throttle.admitRequester(requester);
  const incidents = input.topics.filter((t) => t.topic === 'INCIDENT').map((t) => t.scope);
  if (incidents.length) {
    const known = await db.incident.findMany({ where: { number: { in: incidents } }, select: { number: true } });
    const missing = incidents.find((number) => !known.some((k) => k.number === number));
    if (missing) throw badRequest('topics', `there is no incident ${missing}`, 'invalid_input', { code: 'unknown' });
  }
  const answer = { status: 'PENDING' as const, channel: input.channel };
  if (!(await throttle.admitAddress(input.channel, input.address))) return answer;

  const subscription = await db.subscription.create({
    data: {
      channel: input.channel,
      address: input.address,
      language: input.language,
      topics: { create: input.topics.map((t) => ({ topic: t.topic, scope: t.scope })) },
    },
  });
  try {
    await startWorkflowOnce(temporal, config.TEMPORAL_TASK_QUEUE, 'subscriptionWorkflow', subscriptionWorkflowId(subscription.id), [
      { version: 1, subscriptionId: subscription.id, confirmWithinMs: SUBSCRIPTION_CONFIRM_WINDOW_SECONDS * 1000 },
    ]);
  } catch (err) {
    // No half-written request: without its workflow nobody would ever confirm or expire it.
    await db.subscription.delete({ where: { id: subscription.id } }).catch(() => undefined);
    throw err;
  }
  return answer;
}

export type SubscriptionWithTopics = Subscription & { topics: SubscriptionTopic[] };

export const findSubscription = (db: Db, id: string): Promise<SubscriptionWithTopics | null> =>
  db.subscription.findUnique({ where: { id }, include: { topics: { orderBy: [{ topic: 'asc' }, { scope: 'asc' }] } } });

/**
 * Confirms a pending request: it becomes the address's subscription (an
 * earlier one for the same address is replaced by it, its message history
 * carried over), and its workflow sends the welcome. Idempotent: a
 * confirmed subscription is answered as it is. Null when there is nothing to
 * confirm (expired, deleted, or unsubscribed since).
 */
export async function confirmSubscription(deps: Pick<SubscriptionDeps, 'db' | 'temporal'>, id: string, confirmation: SubscriptionConfirmedV1): Promise<SubscriptionWithTopics | null> {
  const { db, temporal } = deps;
  const now = new Date();
  const confirmed = await db.$transaction(async (tx: Prisma.TransactionClient) => {
    const subscription = await tx.subscription.findUnique({ where: { id } });
    if (!subscription || subscription.status === 'UNSUBSCRIBED') return null;
    if (subscription.status === 'ACTIVE') return { subscription, changed: false };
    const earlier = await tx.subscription.findMany({
      where: { id: { not: id }, audience: subscription.audience, channel: subscription.channel, address: subscription.address },
      select: { id: true },
    });
    const earlierIds = earlier.map((e) => e.id);
    if (earlierIds.length) {
      await tx.notification.updateMany({ where: { subscriptionId: { in: earlierIds } }, data: { subscriptionId: id } });
      await tx.subscription.deleteMany({ where: { id: { in: earlierIds } } });
    }
    const updated = await tx.subscription.update({ where: { id }, data: { status: 'ACTIVE', confirmedAt: now } });
    return { subscription: updated, changed: true };
  });
  if (!confirmed) return null;
  if (confirmed.changed) {
    try {
      await temporal.workflow.getHandle(subscriptionWorkflowId(id)).signal(subscriptionConfirmedSignal, confirmation);
    } catch (err) {
      // Confirmed all the same; only the welcome message is lost with a workflow that has gone.
      console.warn(JSON.stringify({ component: 'subscriptions', msg: 'could not signal the subscription workflow', error: (err as Error).message }));
    }
  }
  return findSubscription(db, id);
}

export async function unsubscribe(db: Db, id: string): Promise<SubscriptionWithTopics | null> {
  await db.subscription.updateMany({ where: { id, status: { not: 'UNSUBSCRIBED' } }, data: { status: 'UNSUBSCRIBED', unsubscribedAt: new Date() } });
  return findSubscription(db, id);
}

/** Takes back an unsubscription of a subscription that was confirmed once (START, or the manage page). */
export async function resubscribe(db: Db, id: string): Promise<SubscriptionWithTopics | null> {
  await db.subscription.updateMany({ where: { id, status: 'UNSUBSCRIBED', confirmedAt: { not: null } }, data: { status: 'ACTIVE', unsubscribedAt: null } });
  return findSubscription(db, id);
}

export async function setSubscriptionLanguage(db: Db, id: string, language: string): Promise<SubscriptionWithTopics | null> {
  if (!isLanguage(language)) throw badRequest('language', `must be one of: ${languages().join(', ')}`, 'invalid_input', { code: 'invalid_choice' });
  await db.subscription.updateMany({ where: { id }, data: { language } });
  return findSubscription(db, id);
}

/** Everything we keep about a subscription, as the subscriber downloads it. */
export async function exportSubscription(db: Db, id: string) {
  const subscription = await findSubscription(db, id);
  if (!subscription) return null;
  const messages = await db.notification.findMany({
    where: { subscriptionId: id },
    select: { createdAt: true, sentAt: true, channel: true, toAddress: true, purpose: true, subject: true, body: true, status: true },
    orderBy: { createdAt: 'asc' },
  });
  return {
    exportedAt: new Date().toISOString(),
    subscription: {
      channel: subscription.channel,
      address: subscription.address,
      language: subscription.language,
      status: subscription.status,
      topics: subscription.topics.map((t) => ({ topic: t.topic, ...(t.scope ? { incident: t.scope } : {}) })),
      requestedAt: subscription.createdAt.toISOString(),
      confirmedAt: subscription.confirmedAt?.toISOString() ?? null,
      unsubscribedAt: subscription.unsubscribedAt?.toISOString() ?? null,
    },
    messages: messages.map((m) => ({
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
      channel: m.channel,
      to: m.toAddress,
      purpose: m.purpose,
      subject: m.subject,
      text: m.body,
      status: m.status,
    })),
  };
}

/** Deletes the subscription and the addresses and words of the messages sent to it. */
export const deleteSubscription = (db: Db, id: string): Promise<boolean> => eraseSubscription(db, { id });
