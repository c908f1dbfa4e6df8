// The delivery log: every message sent, its channel, provider status and
// fallbacks, with the recipient's name.
import type { Db } from '../lib/db';
import { findIncident } from './incidentViews';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The newest `limit` messages (of one incident, by number or id, when given), oldest first so the log reads as a story. */
export async function loadDeliveryLog(db: Db, filter: { incidentId?: string; limit: number }) {
  const incident = filter.incidentId ? await findIncident(db, filter.incidentId) : undefined;
  const rows = (
    await db.notification.findMany({
      where: incident ? { incidentId: incident.id } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    })
  ).reverse();
  const personIds = [...new Set(rows.map((r) => r.personId).filter((id): id is string => id !== null))];
  const people = await db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } });
  const names = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((n) => ({
    id: n.id,
    incidentId: n.incidentId,
    planId: n.planId,
    actionItemId: n.actionItemId,
    personId: n.personId,
    personName: n.personId ? names.get(n.personId) ?? null : null,
    channel: n.channel,
    toAddress: n.toAddress,
    purpose: n.purpose,
    subject: n.subject,
    status: n.status,
    provider: n.provider,
    providerMessageId: n.providerMessageId,
    providerStatus: n.providerStatus,
    attempts: n.attempts,
    lastError: n.lastError,
    fallbackForId: n.fallbackForId,
    createdAt: n.createdAt.toISOString(),
    sentAt: iso(n.sentAt),
    updatedAt: n.updatedAt.toISOString(),
  }));
}
