import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { checkHealth } from '../../services/health';
import { documentRoute, openApiDocument } from '../openapi';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ database: z.enum(['ok', 'down']), temporal: z.enum(['ok', 'down']) }),
  })
  .openapi('Health');

documentRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Database and Temporal reachability',
  tags: ['system'],
  access: 'public',
  responses: { 200: { description: 'All reachable', schema: HealthSchema }, 503: { description: 'Something is down', schema: HealthSchema } },
});
documentRoute({
  method: 'get',
  path: '/api/openapi.json',
  summary: 'This OpenAPI 3 document, generated from the zod schemas the routes validate with',
  tags: ['system'],
  access: 'public',
  responses: { 200: { description: 'OpenAPI 3.0 document' } },
});

export function createSystemRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/healthz', async (_req, res, next) => {
    try {
      const health = await checkHealth({ db, temporal });
      res.status(health.status === 'ok' ? 200 : 503).json(health);
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/openapi.json', (_req, res) => {
    // Generated when served, after every router module has registered its routes and the policy is loaded.
    res.json(openApiDocument(config.PUBLIC_BASE_URL));
  });

  return router;
}
