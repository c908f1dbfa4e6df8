import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import type { Role } from '../../domain/roles';
import { requireRole } from '../auth';
import { findIncident } from '../../services/incidentViews';
import { documentRoute } from '../openapi';
import { NotificationSchema, NotificationsQuery } from '../schemas';
import { parseQuery } from '../validate';

const DELIVERY_LOG_READERS: Role[] = ['CITY_MANAGER', 'POLICE_CHIEF', 'PIO'];

documentRoute({
  method: 'get',
  path: '/api/notifications',
  summary: 'Delivery log: every message, its channel, provider status and fallbacks',
  tags: ['notifications'],
  access: { roles: DELIVERY_LOG_READERS },
  query: NotificationsQuery,
  responses: {
    200: { description: 'Messages, oldest first', schema: z.object({ notifications: z.array(NotificationSchema) }) },
    404: { description: 'Unknown incident' },
  },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function createNotificationsRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/notifications', requireRole(...DELIVERY_LOG_READERS), async (req, res, next) => {
    try {
      const query = parseQuery(NotificationsQuery, req);
      const incident = query.incidentId ? await findIncident(db, query.incidentId) : undefined;
      // Newest `limit` messages, shown oldest first so the log reads as a story.
      const rows = (
        await db.notification.findMany({
          where: incident ? { incidentId: incident.id } : {},
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: query.limit,
        })
      ).reverse();
      const personIds = [...new Set(rows.map((r) => r.personId).filter((id): id is string => id !== null))];
      const people = await db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } });
      const names = new Map(people.map((p) => [p.id, p.name]));
      res.json({
        notifications: rows.map((n) => ({
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
        })),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
