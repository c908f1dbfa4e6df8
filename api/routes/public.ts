import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { loadPublicIncident, loadPublicIncidentList } from '../../services/publicViews';
import { documentRoute } from '../openapi';
import { IncidentIdParams, PublicIncidentSchema, PublicIncidentSummarySchema } from '../schemas';
import { parseParams } from '../validate';

// Public accountability pages' data; the allow-list that keeps private fields
// out lives in services/publicViews.ts.

documentRoute({
  method: 'get',
  path: '/api/public/incidents',
  summary: 'Public list of incidents with their deadline record',
  tags: ['public'],
  access: 'public',
  responses: { 200: { description: 'Incidents', schema: z.object({ incidents: z.array(PublicIncidentSummarySchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/incidents/:id',
  summary: 'Public accountability timeline: published statements and deadlines, met or missed',
  tags: ['public'],
  access: 'public',
  params: IncidentIdParams,
  responses: { 200: { description: 'The incident', schema: PublicIncidentSchema }, 404: { description: 'Unknown incident' } },
});

export function createPublicRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/public/incidents', async (_req, res, next) => {
    try {
      res.json({ incidents: await loadPublicIncidentList(db, new Date()) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/public/incidents/:id', async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      res.json(await loadPublicIncident(db, id, new Date()));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
