// What operators watch on an API process, mounted by createApp ahead of the
// routes: a JSON log line per request (with the workflow ids it touched), the
// Prometheus metrics at /metrics and the readiness check at /readyz.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { createApiMetrics } from './metrics';
import { requestLogger } from './requestLog';
import { createReadinessRouter } from './routes/readiness';

export function createObservability({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const metrics = createApiMetrics({ db });
  const router = Router();
  router.use(requestLogger({ level: config.LOG_LEVEL }));
  router.use(metrics.recordRequests);
  router.use(metrics.router);
  router.use(createReadinessRouter({ db, temporal, config, onCheck: metrics.setDependencyUp }));
  return router;
}
