import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { ROLE_TITLES } from '../../domain/roles';
import { caller, hasPermission, requirePermission } from '../auth';
import { forbidden } from '../../services/errors';
import { declareIncident } from '../../services/declareIncident';
import { acknowledgeIncident, closeIncident, extendDeadline, incidentReport } from '../../services/incidentActions';
import { findIncident, incidentDetail, incidentJson, incidentList } from '../../services/incidentViews';
import { rolesPermitted } from '../../services/policyView';
import { reviseStatement, submitStatement } from '../../services/statementActions';
import { actorOf } from '../../services/temporal';
import { documentRoute, linksTo } from '../openapi';
import {
  AcknowledgeRequest,
  AcknowledgeResultSchema,
  CloseIncidentRequest,
  DeadlineParams,
  DeadlineSchema,
  DeclareIncidentRequest,
  ExtendDeadlineRequest,
  IdempotencyHeaders,
  IncidentDetailSchema,
  IncidentIdParams,
  IncidentListItemSchema,
  IncidentSchema,
  ListIncidentsQuery,
  ReviseStatementRequest,
  StatementDraftRequest,
  StatementStateSchema,
  SubmitStatementRequest,
  SubmitStatementResultSchema,
} from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validate';

// ---------------------------------------------------------------- documentation

const tags = ['incidents'];
documentRoute({
  method: 'post',
  path: '/api/incidents',
  summary: 'Declare a critical incident (starts its workflow)',
  tags,
  access: { permission: 'declare' },
  headers: IdempotencyHeaders,
  body: DeclareIncidentRequest,
  responses: {
    202: {
      description: 'Declared; notifications are on their way. Location: /api/incidents/<number>',
      schema: IncidentSchema,
      links: linksTo(
        [
          'GET /api/incidents/:id',
          'POST /api/incidents/:id/acknowledgements',
          'POST /api/incidents/:id/statements',
          'POST /api/incidents/:id/deadlines/:kind/extensions',
          'POST /api/incidents/:id/close',
          'GET /api/incidents/:id/report',
          'GET /api/public/incidents/:id',
        ],
        { id: '$response.body#/number' },
      ),
    },
    200: { description: 'Repeat of an earlier request with the same Idempotency-Key: the first incident', schema: IncidentSchema },
    409: { description: 'Idempotency-Key reused with a different request' },
    503: { description: 'The workflow service could not start the incident; nothing was recorded' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/incidents',
  summary: 'List incidents, newest first',
  tags,
  access: { permission: 'readIncidents' },
  query: ListIncidentsQuery,
  responses: { 200: { description: 'Incidents', schema: z.object({ incidents: z.array(IncidentListItemSchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/incidents/:id',
  summary: 'One incident: state, timeline, deadlines, acknowledgements, statements',
  tags,
  access: { permission: 'readIncidents' },
  params: IncidentIdParams,
  responses: { 200: { description: 'The incident', schema: IncidentDetailSchema }, 404: { description: 'Unknown incident' } },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/acknowledgements',
  summary: "Acknowledge the incident notification (yourself, or for someone else with the policy's acknowledgeForOthers permission)",
  tags,
  access: { permission: 'readIncidents' },
  params: IncidentIdParams,
  body: AcknowledgeRequest,
  responses: {
    200: { description: 'Acknowledged (alreadyAcknowledged tells a repeat)', schema: AcknowledgeResultSchema },
    404: { description: 'Unknown incident, or the person is not a recipient' },
    409: { description: 'The incident is closed' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/statements',
  summary: 'Submit a statement draft for approval, or revise one after changes were requested',
  tags: ['statements'],
  access: { permission: 'draftStatements' },
  params: IncidentIdParams,
  body: StatementDraftRequest,
  responses: {
    201: {
      description: 'New draft submitted; its approval workflow has started',
      schema: SubmitStatementResultSchema,
      links: linksTo(
        ['GET /api/statements/:id', 'POST /api/statements/:id/decisions', 'POST /api/statements/:id/revise-and-approve'],
        { id: '$response.body#/statementId' },
      ),
    },
    200: { description: 'Revision accepted; back in the approval chain', schema: StatementStateSchema },
    404: { description: 'Unknown incident or statement' },
    409: { description: 'Not allowed now (closed incident, statement not awaiting changes)' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/deadlines/:kind/extensions',
  summary: 'Extend a deadline (needs a reason)',
  tags,
  access: { permission: 'extendDeadlines' },
  params: DeadlineParams,
  body: ExtendDeadlineRequest,
  rules: ['newDueAt is in the future and later than the deadline is due now'],
  responses: {
    200: { description: 'The deadline after the extension', schema: DeadlineSchema },
    404: { description: 'Unknown incident or deadline' },
    409: { description: 'Deadline already met, or incident closed' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/close',
  summary: 'Close the incident (starts the after-action review clock)',
  tags,
  access: { permission: 'close' },
  params: IncidentIdParams,
  body: CloseIncidentRequest,
  responses: { 200: { description: 'Closed', schema: IncidentSchema }, 409: { description: 'Already closed' } },
});
documentRoute({
  method: 'get',
  path: '/api/incidents/:id/report',
  summary: 'The after-action report of a closed incident',
  tags,
  access: { permission: 'readIncidents' },
  params: IncidentIdParams,
  responses: {
    200: { description: 'The report', schema: z.object({ incident: IncidentSchema, report: z.record(z.unknown()) }) },
    409: { description: 'The incident is not closed yet, or its report is still being written' },
  },
});

// ---------------------------------------------------------------- handlers

const isRevision = (req: Request): boolean => typeof req.body === 'object' && req.body !== null && 'statementId' in req.body;

/** "the city manager", or "the city manager or the police chief": whoever the policy lets act for others. */
const whoMayAcknowledgeForOthers = (): string =>
  rolesPermitted('acknowledgeForOthers')
    .map((role) => `the ${ROLE_TITLES[role].toLowerCase()}`)
    .join(' or ');

export function createIncidentsRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  const clients = { db, temporal };

  router.post('/api/incidents', requirePermission('declare'), async (req, res, next) => {
    try {
      const declaration = parseBody(DeclareIncidentRequest, req);
      const { incident, replayed } = await declareIncident(
        { db, temporal, config },
        { declaration, declaredBy: actorOf(caller(req)), idempotencyKey: req.get('idempotency-key') },
      );
      res
        .status(replayed ? 200 : 202)
        .location(`/api/incidents/${incident.number}`)
        .json(incidentJson(incident));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const query = parseQuery(ListIncidentsQuery, req);
      res.json({ incidents: await incidentList(db, { status: query.status }, query.limit) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents/:id', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      const { person } = caller(req);
      res.json(await incidentDetail(db, temporal, await findIncident(db, id), { personId: person.id, roles: person.roles }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/acknowledgements', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id } = parseParams(IncidentIdParams, req);
      const body = parseBody(AcknowledgeRequest, req);
      const personId = body.personId ?? auth.person.id;
      if (personId !== auth.person.id && !hasPermission(req, 'acknowledgeForOthers')) {
        throw forbidden(`only ${whoMayAcknowledgeForOthers()} may acknowledge for someone else`);
      }
      res.json(await acknowledgeIncident(clients, { incidentId: id, personId, via: auth.via === 'session' ? 'WEB' : 'API', by: actorOf(auth) }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/statements', requirePermission('draftStatements'), async (req, res, next) => {
    try {
      const author = actorOf(caller(req));
      const { id } = parseParams(IncidentIdParams, req);
      if (isRevision(req)) {
        const { statementId, title, body, translations } = parseBody(ReviseStatementRequest, req);
        res.status(200).json(await reviseStatement(clients, { incidentId: id, statementId, text: { title, body, ...(translations ? { translations } : {}) }, author }));
        return;
      }
      const { kind, title, body, translations } = parseBody(SubmitStatementRequest, req);
      const result = await submitStatement(clients, { incidentId: id, kind, text: { title, body, ...(translations ? { translations } : {}) }, author });
      res.status(201).location(`/api/statements/${result.statementId}`).json(result);
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/deadlines/:kind/extensions', requirePermission('extendDeadlines'), async (req, res, next) => {
    try {
      const by = actorOf(caller(req));
      const { id, kind } = parseParams(DeadlineParams, req);
      const { newDueAt, reason } = parseBody(ExtendDeadlineRequest, req);
      res.json(await extendDeadline(clients, { incidentId: id, deadlineKey: kind, newDueAt: new Date(newDueAt), reason, by }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/close', requirePermission('close'), async (req, res, next) => {
    try {
      const by = actorOf(caller(req));
      const { id } = parseParams(IncidentIdParams, req);
      const { summary } = parseBody(CloseIncidentRequest, req);
      res.json(await closeIncident(clients, { incidentId: id, summary, by }));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents/:id/report', requirePermission('readIncidents'), async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      res.json(await incidentReport(db, id));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
