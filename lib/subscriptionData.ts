// Forgetting a subscriber: the subscription, its topics, and the address and
// words of every message we sent them (the rows stay, with the address and
// text removed, so the delivery counts still add up). Used when a subscriber
// deletes their data and when an unconfirmed request expires.
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './db';
import { translator } from './i18n';

type Tx = Prisma.TransactionClient;

export const ERASED = '[erased at the subscriber’s request]';

/** Erases one subscription and the addresses in its messages; false when there was nothing (left) to erase. */
export async function eraseSubscription(db: Db, where: Prisma.SubscriptionWhereInput & { id: string }): Promise<boolean> {
  return db.$transaction(async (tx: Tx) => {
    const found = await tx.subscription.findFirst({ where, select: { id: true } });
    if (!found) return false;
    await tx.notification.updateMany({
      where: { subscriptionId: found.id },
      data: { toAddress: '', subject: null, body: ERASED, lastError: null, subscriptionId: null },
    });
    await tx.subscription.delete({ where: { id: found.id } });
    return true;
  });
}

/** "public updates on every critical incident; the action plan's monthly progress report", in `language`. */
export function topicsInWords(language: string, topics: readonly { topic: string; scope: string }[]): string {
  const t = translator(language, 'common');
  return topics.map((topic) => t(`topics.${topic.topic}`, { number: topic.scope })).join('; ');
}
