import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { requirePermission } from '../auth';
import { loadDeliveryLog } from '../../services/deliveryLog';
import { documentRoute } from '../openapi';
import { NotificationSchema, NotificationsQuery } from '../schemas';
import { parseQuery } from '../validate';

documentRoute({
  method: 'get',
  path: '/api/notifications',
  summary: 'Delivery log: every message, its channel, provider status and fallbacks',
  tags: ['notifications'],
  access: { permission: 'readDeliveryLog' },
  query: NotificationsQuery,
  responses: {
    200: { description: 'Messages, oldest first', schema: z.object({ notifications: z.array(NotificationSchema) }) },
    404: { description: 'Unknown incident' },
  },
});

export function createNotificationsRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/notifications', requirePermission('readDeliveryLog'), async (req, res, next) => {
    try {
      const query = parseQuery(NotificationsQuery, req);
      res.json({ notifications: await loadDeliveryLog(db, query) });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
