// The media list: newsrooms that receive every published statement by email,
// kept by the people the policy names (access.manageMediaList). A newsroom is
// a subscription of the MEDIA audience, so it gets the same one-click
// unsubscribe, language and data export as a resident; staff add it (no
// confirmation), and cannot put back a newsroom that unsubscribed itself.
import { z } from 'zod';
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import { isLanguage, languages } from '../lib/i18n';
import { eraseSubscription } from '../lib/subscriptionData';
import type { ActorV1 } from '../domain/contracts/common';
import { conflict, notFound, refusalParams } from './errors';

export const MediaContactRequest = z.object({
  outlet: z.string().trim().min(1, 'name the newsroom').max(200),
  email: z.string().trim().toLowerCase().email('enter an email address such as news@example.com').max(254),
  language: z.string().refine(isLanguage, () => ({ message: `must be one of: ${languages().join(', ')}`, params: refusalParams({ code: 'invalid_choice' }) })).default('en'),
});
export type MediaContactInput = z.output<typeof MediaContactRequest>;

const contactJson = (s: { id: string; outlet: string | null; address: string; language: string; status: string; createdAt: Date; unsubscribedAt: Date | null }) => ({
  id: s.id,
  outlet: s.outlet ?? '',
  email: s.address,
  language: s.language,
  status: s.status,
  addedAt: s.createdAt.toISOString(),
  unsubscribedAt: s.unsubscribedAt?.toISOString() ?? null,
});

export async function listMediaContacts(db: Db) {
  const rows = await db.subscription.findMany({ where: { audience: 'MEDIA' }, orderBy: [{ outlet: 'asc' }, { address: 'asc' }] });
  return rows.map(contactJson);
}

export async function addMediaContact(db: Db, input: MediaContactInput, by: ActorV1) {
  const existing = await db.subscription.findFirst({ where: { audience: 'MEDIA', channel: 'EMAIL', address: input.email } });
  if (existing?.status === 'UNSUBSCRIBED') {
    throw conflict(`${input.email} unsubscribed from the media list itself; only the newsroom can subscribe again`, 'unsubscribed');
  }
  if (existing) throw conflict(`${input.email} is already on the media list`, 'already_listed');
  return db.$transaction(async (tx) => {
    const now = new Date();
    const created = await tx.subscription.create({
      data: {
        audience: 'MEDIA',
        channel: 'EMAIL',
        address: input.email,
        outlet: input.outlet,
        language: input.language,
        status: 'ACTIVE',
        confirmedAt: now,
        addedById: by.personId,
        topics: { create: [{ topic: 'ALL_INCIDENTS', scope: '' }] },
      },
    });
    await appendAudit(tx, { actorId: by.personId, actorLabel: by.name, action: 'media-list.added', entityType: 'Subscription', entityId: created.id, data: { outlet: input.outlet } });
    return contactJson(created);
  });
}

export async function removeMediaContact(db: Db, id: string, by: ActorV1): Promise<void> {
  const contact = await db.subscription.findFirst({ where: { id, audience: 'MEDIA' }, select: { id: true, outlet: true } });
  if (!contact) throw notFound(`media contact ${id}`);
  await eraseSubscription(db, { id, audience: 'MEDIA' });
  await appendAudit(db, { actorId: by.personId, actorLabel: by.name, action: 'media-list.removed', entityType: 'Subscription', entityId: id, data: { outlet: contact.outlet } });
}
