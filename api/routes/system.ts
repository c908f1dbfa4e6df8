import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { buildOpenApiDocument, documentRoute } from '../openapi';

const HEALTH_CHECK_DEADLINE_MS = 2000;

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

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'down'> {
  try {
    await withTimeout(probe(), HEALTH_CHECK_DEADLINE_MS);
    return 'ok';
  } catch {
    return 'down';
  }
}

export function createSystemRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const [database, temporalStatus] = await Promise.all([
      check(() => db.$queryRaw`SELECT 1`),
      check(() =>
        temporal.withDeadline(Date.now() + HEALTH_CHECK_DEADLINE_MS, () =>
          temporal.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    const ok = database === 'ok' && temporalStatus === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: { database, temporal: temporalStatus } });
  });

  let cachedDocument: unknown;
  router.get('/api/openapi.json', (_req, res) => {
    // Built on first request, when every router module has registered its routes.
    cachedDocument ??= buildOpenApiDocument(config.PUBLIC_BASE_URL);
    res.json(cachedDocument);
  });

  return router;
}
