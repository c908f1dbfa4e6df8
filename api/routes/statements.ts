import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { caller, requirePermission } from '../auth';
import { approvalQueue } from '../../services/approvalQueue';
import { findStatement, statementWithNames } from '../../services/incidentViews';
import { decideStatement, reviseAndApproveStatement } from '../../services/statementActions';
import { actorOf } from '../../services/temporal';
import { languageOr } from '../../lib/i18n';
import { idField } from '../fields';
import { documentRoute } from '../openapi';
import {
  ApprovalQueueQuery,
  ApprovalQueueSchema,
  DecisionRequest,
  ReviseAndApproveRequest,
  StatementSchema,
  StatementStateSchema,
} from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validate';

const StatementIdParams = z.object({ id: idField() });

documentRoute({
  method: 'get',
  path: '/api/approvals',
  summary: 'The approval queue: statements waiting for your decision (or anyone\'s) across incidents, with deadline, time left and approvals still to come',
  tags: ['statements'],
  access: { permission: 'readIncidents' },
  query: ApprovalQueueQuery,
  responses: { 200: { description: 'Soonest deadline first', schema: ApprovalQueueSchema } },
});
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
documentRoute({
  method: 'post',
  path: '/api/statements/:id/revise-and-approve',
  summary:
    "Revise the version you read and approve your revision in one step. It becomes a new version by you; since you wrote it, your step is then decided by the policy's stand-in for your role, and the rest of the chain sees the revised text",
  tags: ['statements'],
  access: { permission: 'decideStatements' },
  params: StatementIdParams,
  body: ReviseAndApproveRequest,
  responses: {
    200: { description: 'The statement approval state after the revision', schema: StatementStateSchema },
    403: { description: 'Not your turn, or nobody else could approve your revision at your step (send it back instead)' },
    404: { description: 'Unknown statement' },
    409: { description: 'Already published or withdrawn, or the version is stale' },
  },
});

export function createStatementsRouter({ db, temporal }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/approvals', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const { awaiting, lang } = parseQuery(ApprovalQueueQuery, req);
      const { person } = caller(req);
      res.json(await approvalQueue({ db, temporal }, { reader: { id: person.id, roles: person.roles }, scope: awaiting, language: languageOr(lang) }));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/statements/:id', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const { id } = parseParams(StatementIdParams, req);
      const { person } = caller(req);
      res.json(await statementWithNames(db, temporal, await findStatement(db, id), { personId: person.id, roles: person.roles }));
    } catch (err) {
      next(err);
    }
  });

  // Anyone in the approval chain may try; whose turn it is, the statement workflow decides (403 otherwise).
  // Who decides follows the incident's pinned policy: the service checks it against that version (403 otherwise).
  router.post('/api/statements/:id/decisions', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const approver = actorOf(caller(req));
      const { id } = parseParams(StatementIdParams, req);
      const { version, decision, comment } = parseBody(DecisionRequest, req);
      res.json(await decideStatement({ db, temporal }, { statementId: id, version, decision, comment, approver }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/statements/:id/revise-and-approve', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const approver = actorOf(caller(req));
      const { id } = parseParams(StatementIdParams, req);
      const revision = parseBody(ReviseAndApproveRequest, req);
      res.json(await reviseAndApproveStatement({ db, temporal }, { statementId: id, approver, ...revision }));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
