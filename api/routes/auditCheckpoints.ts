// The audit chain's signed checkpoints, public: residents keep copies, and a
// copy is what catches a deleted tail (npm run audit:verify -- --checkpoints).
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { publishedCheckpoints } from '../../services/auditCheckpoints';
import { documentRoute } from '../openapi';

const CheckpointSchema = z.object({ seq: z.string(), headHash: z.string(), signedAt: z.string(), keyId: z.string(), signature: z.string() });

documentRoute({
  method: 'get',
  path: '/api/public/audit/checkpoints',
  summary: "The audit log's signed daily checkpoints, newest first, with the key that verifies them",
  tags: ['public'],
  access: 'public',
  responses: {
    200: {
      description: 'Checkpoints',
      schema: z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), publicKey: z.string(), statement: z.string(), checkpoints: z.array(CheckpointSchema) }),
    },
  },
});

export function createAuditCheckpointsRouter({ db, config }: { db: Db; config: Config }): Router {
  const router = Router();
  router.get('/api/public/audit/checkpoints', async (_req, res, next) => {
    try {
      res.json(await publishedCheckpoints(db, config));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
