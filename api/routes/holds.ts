// Counsel's holds and withdrawal:
//   POST /api/incidents/:id/holds                    place a hold (the incident workflow decides by its pinned policy)
//   POST /api/incidents/:id/holds/:holdId/release    release one before it lapses
//   POST /api/statements/:id/withdraw                withdraw a published statement, with a public note
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { caller, requirePermission } from '../auth';
import { placeHold, releaseHold } from '../../services/holds';
import { withdrawStatement } from '../../services/withdrawal';
import { actorOf } from '../../services/temporal';
import { idField } from '../fields';
import { documentRoute } from '../openapi';
import { HoldParams, HoldStateSchema, PlaceHoldRequest, ReleaseHoldRequest, WithdrawStatementRequest, WithdrawalResultSchema } from '../holdSchemas';
import { IncidentIdParams } from '../schemas';
import { parseBody, parseParams } from '../validate';

const StatementIdParams = z.object({ id: idField() });

documentRoute({
  method: 'post',
  path: '/api/incidents/:id/holds',
  summary: "Place a counsel's hold on a statement, on every statement of a kind, or on all publication for the incident",
  description:
    "While held, nothing covered is published, whatever its approvals; the deadlines it covers are paused and shown to the public as held by counsel " +
    "with the category, never the detail. It lapses at the policy's maxDuration unless released.",
  tags: ['holds'],
  access: { permission: 'placeHolds' },
  params: IncidentIdParams,
  body: PlaceHoldRequest,
  rules: ["the category and the statement kind are among those of the incident's pinned policy"],
  responses: {
    201: { description: 'Held', schema: HoldStateSchema },
    400: { description: 'The body does not match this document (no detail, an unknown scope)' },
    403: { description: "The incident's policy does not let you place holds" },
    404: { description: 'Unknown incident or statement' },
    409: { description: "Already held, the statement is already published, or the incident's policy has no holds" },
  },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/holds/:holdId/release',
  summary: "Release a counsel's hold: held statements publish, paused deadlines restart as the policy says",
  tags: ['holds'],
  access: { permission: 'releaseHolds' },
  params: HoldParams,
  body: ReleaseHoldRequest,
  responses: {
    200: { description: 'Released', schema: HoldStateSchema },
    403: { description: "The incident's policy does not let you release holds" },
    404: { description: 'Unknown incident or hold' },
    409: { description: 'The hold already ended' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/statements/:id/withdraw',
  summary: 'Withdraw a published statement with a public note (the public record keeps that it was published and withdrawn)',
  tags: ['statements'],
  access: { permission: 'withdrawStatements' },
  params: StatementIdParams,
  body: WithdrawStatementRequest,
  responses: {
    200: { description: 'Withdrawn', schema: WithdrawalResultSchema },
    403: { description: "The incident's policy does not let you withdraw statements" },
    404: { description: 'Unknown statement' },
    409: { description: 'The statement is not published (or already withdrawn)' },
  },
});

// Who places, releases and withdraws follows the incident's pinned policy (as
// statement decisions do): the routes admit staff, the services check that version.
export function createHoldsRouter({ db, temporal }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  const clients = { db, temporal };

  router.post('/api/incidents/:id/holds', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const by = actorOf(caller(req));
      const { id } = parseParams(IncidentIdParams, req);
      const { scope, category, detail } = parseBody(PlaceHoldRequest, req);
      res.status(201).json(await placeHold(clients, { incidentId: id, scope, category, detail, by }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/holds/:holdId/release', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const by = actorOf(caller(req));
      const { id, holdId } = parseParams(HoldParams, req);
      const { note } = parseBody(ReleaseHoldRequest, req);
      res.json(await releaseHold(clients, { incidentId: id, holdId, note: note || undefined, by }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/statements/:id/withdraw', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const by = actorOf(caller(req));
      const { id } = parseParams(StatementIdParams, req);
      const { note } = parseBody(WithdrawStatementRequest, req);
      res.json(await withdrawStatement(clients, { statementId: id, note, by }));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
