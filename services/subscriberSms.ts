// What a subscriber may text us: YES (confirms a pending subscription), STOP
// (unsubscribes every subscription of the number), START (takes a STOP back),
// HELP (who we are and how to leave). The keywords of every language under
// locales/ are understood (sms.json: STOP, ALTO, PARAR...); answers are in the
// subscription's language. A number with no subscription is left to the other
// handlers (officials acknowledging, owners posting progress).
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { languages, translatedList, translator } from '../lib/i18n';
import { subscriptionLinkUrls, type LinkConfig } from '../lib/links';
import { topicsInWords } from '../lib/subscriptionData';
import type { AnyNumberSmsHandler } from './inboundSms';
import { confirmSubscription, deleteSubscription, findSubscription, resubscribe, unsubscribe, type SubscriptionWithTopics } from './subscriptions';

export type SubscriberKeyword = 'yes' | 'stop' | 'start' | 'help';
const KEYWORDS: readonly SubscriberKeyword[] = ['yes', 'stop', 'start', 'help'];

/** "Sí." -> "SI": keywords are compared without case, accents or trailing punctuation. */
const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/[.!¡¿?]+$/u, '')
    .replace(/^[¡¿]+/u, '')
    .trim()
    .toUpperCase();

/** The subscriber keyword a whole message is, in any language we speak; null otherwise. */
export function subscriberKeyword(body: string): SubscriberKeyword | null {
  const word = normalise(body);
  if (!word || /\s/.test(word)) return null;
  for (const kind of KEYWORDS) {
    if (languages().some((language) => translatedList(language, 'sms', `keywords.${kind}`).some((k) => normalise(k) === word))) return kind;
  }
  return null;
}

export interface SubscriberSmsDeps {
  db: Db;
  temporal: Client;
  config: LinkConfig & Pick<Config, 'PUBLIC_BASE_URL'>;
}

export function subscriberSmsHandler(deps: SubscriberSmsDeps): AnyNumberSmsHandler {
  const { db, config } = deps;
  const subscribeUrl = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/subscribe`;

  const reply = (subscription: SubscriptionWithTopics, key: string) => {
    const t = translator(subscription.language, 'sms');
    return {
      reply: t(`replies.${key}`, {
        topics: topicsInWords(subscription.language, subscription.topics),
        url: key === 'help' ? subscriptionLinkUrls(config).subscription(subscription.id).manage : subscribeUrl,
      }),
    };
  };

  return async ({ from, body }) => {
    const keyword = subscriberKeyword(body);
    if (!keyword) return null;
    const all = await db.subscription.findMany({
      where: { channel: 'SMS', address: from, audience: 'RESIDENT' },
      include: { topics: { orderBy: [{ topic: 'asc' }, { scope: 'asc' }] } },
      orderBy: { createdAt: 'desc' },
    });
    if (all.length === 0) return null;
    const latest = all[0];

    switch (keyword) {
      case 'yes': {
        const pending = all.find((s) => s.status === 'PENDING');
        if (!pending) return reply(latest, 'nothingToConfirm');
        // The reply to this text is the welcome.
        const confirmed = await confirmSubscription(deps, pending.id, { via: 'SMS', welcomed: true });
        return reply(confirmed ?? pending, 'confirmed');
      }
      case 'stop': {
        // A request never confirmed is simply forgotten; a subscription is kept unsubscribed, so START can resume it.
        for (const s of all) await (s.status === 'PENDING' ? deleteSubscription(db, s.id) : unsubscribe(db, s.id));
        return reply(latest, 'stopped');
      }
      case 'start': {
        const resumable = all.filter((s) => s.status === 'UNSUBSCRIBED' && s.confirmedAt !== null);
        if (resumable.length === 0) return reply(latest, 'nothingToStart');
        for (const s of resumable) await resubscribe(db, s.id);
        return reply((await findSubscription(db, resumable[0].id)) ?? resumable[0], 'started');
      }
      case 'help':
        return reply(latest, 'help');
    }
  };
}
