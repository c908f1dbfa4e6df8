import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { caller, requirePermission } from '../auth';
import { findStatement, statementJson } from '../../services/incidentViews';
import { decideStatement } from '../../services/statementActions';
import { actorOf } from '../../services/temporal';
import { idField } from '../fields';
import { documentRoute } from '../openapi';
import { DecisionRequest, StatementSchema, StatementStateSchema } from '../schemas';
import { parseBody, parseParams } from '../validate';

const StatementIdParams = z.object({ id: idField() });

documentRoute({
  method: 'get',
  path: '/api/statements/:id',
  summary: 'One statement with its versions, decisions and place in the approval chain',
  tags: ['statements'],
  access: { permission: 'readIncidents' },
  params: StatementIdParams,
  responses: { 200: { description: 'The statement', schema: StatementSchema }, 404: { description: 'Unknown statement' } },
});
documentRoute({
  method: 'post',
  path: '/api/statements/:id/decisions',
  summary: 'Approve or reject (with a comment) the version you read',
  tags: ['statements'],
  access: { permission: 'decideStatements' },
  params: StatementIdParams,
  body: DecisionRequest,
  responses: {
    200: { description: 'The statement approval state after the decision', schema: StatementStateSchema },
    403: { description: 'Not your turn in the approval chain, or not an approver' },
    404: { description: 'Unknown statement' },
    409: { description: 'Already published or withdrawn, or the version is stale' },
  },
});

export function createStatementsRouter({ db, temporal }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/statements/:id', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const { id } = parseParams(StatementIdParams, req);
      res.json(await statementJson(temporal, await findStatement(db, id)));
    } catch (err) {
      next(err);
    }
  });

  // Anyone in the approval chain may try; whose turn it is, the statement workflow decides (403 otherwise).
  router.post('/api/statements/:id/decisions', requirePermission('decideStatements'), async (req, res, next) => {
    try {
      const approver = actorOf(caller(req));
      const { id } = parseParams(StatementIdParams, req);
      const { version, decision, comment } = parseBody(DecisionRequest, req);
      res.json(await decideStatement({ db, temporal }, { statementId: id, version, decision, comment, approver }));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
