import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { statementWorkflowId } from '../../domain/ids';
import { ROLES, type Role } from '../../domain/roles';
import { decideUpdate } from '../../domain/contracts/statement';
import { STAFF_ROLES, caller, requireRole } from '../auth';
import { conflict, forbidden } from '../../services/errors';
import { findStatement, statementJson } from '../../services/incidentViews';
import { documentRoute } from '../openapi';
import { currentPolicyView } from '../../services/policyView';
import { DecisionRequest, StatementSchema, StatementStateSchema } from '../schemas';
import { actorOf, executeUpdate } from '../../services/temporal';
import { parseBody, parseParams } from '../validate';

const StatementIdParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Approvers come from the policy's approval chain. The route admits anyone who
 * holds a role that appears in the chain; whose turn it is, the workflow decides.
 */
const approverRoles = (): Role[] => {
  try {
    return currentPolicyView().approverRoles;
  } catch {
    return ['CITY_MANAGER', 'POLICE_CHIEF'];
  }
};

documentRoute({
  method: 'get',
  path: '/api/statements/:id',
  summary: 'One statement with its versions, decisions and place in the approval chain',
  tags: ['statements'],
  access: { roles: STAFF_ROLES },
  params: StatementIdParams,
  responses: { 200: { description: 'The statement', schema: StatementSchema }, 404: { description: 'Unknown statement' } },
});
documentRoute({
  method: 'post',
  path: '/api/statements/:id/decisions',
  summary: 'Approve or reject (with a comment) the version you read',
  tags: ['statements'],
  access: { roles: ['CITY_MANAGER', 'POLICE_CHIEF'] },
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

  router.get('/api/statements/:id', requireRole(...STAFF_ROLES), async (req, res, next) => {
    try {
      const { id } = parseParams(StatementIdParams, req);
      res.json(await statementJson(temporal, await findStatement(db, id)));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/statements/:id/decisions', requireRole(...ROLES), async (req, res, next) => {
    try {
      const auth = caller(req);
      if (!auth.person.roles.some((r) => approverRoles().includes(r))) {
        throw forbidden(`requires one of: ${approverRoles().join(', ')}`);
      }
      const { id } = parseParams(StatementIdParams, req);
      const body = parseBody(DecisionRequest, req);
      const statement = await findStatement(db, id);
      if (statement.status === 'PUBLISHED' || statement.status === 'WITHDRAWN') {
        throw conflict(`statement is already ${statement.status.toLowerCase()}`, 'invalid_state');
      }
      const state = await executeUpdate(
        temporal,
        statement.workflowId || statementWorkflowId(statement.id),
        decideUpdate,
        { version: body.version, decision: body.decision, comment: body.comment || undefined, approver: actorOf(auth) },
        `statement ${statement.id} is no longer awaiting decisions`,
      );
      res.json(state);
    } catch (err) {
      next(err);
    }
  });

  return router;
}
