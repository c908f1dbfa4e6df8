import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { appendAudit } from '../../lib/audit';
import { formatIncidentNumber, incidentWorkflowId, statementWorkflowId } from '../../domain/ids';
import {
  acknowledgeUpdate,
  closeIncidentUpdate,
  extendDeadlineUpdate,
  submitStatementUpdate,
  type DeclareIncidentInputV1,
} from '../../domain/contracts/incident';
import { reviseUpdate } from '../../domain/contracts/statement';
import { STAFF_ROLES, caller, hasRole, requireRole } from '../auth';
import { HttpError, badRequest, conflict, forbidden, notFound } from '../../services/errors';
import { findIncident, incidentDetail, incidentJson, incidentList, type IncidentRow } from '../../services/incidentViews';
import { documentRoute } from '../openapi';
import { currentPolicyView } from '../../services/policyView';
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
import { actorOf, executeUpdate } from '../../services/temporal';
import { parseBody, parseParams, parseQuery } from '../validate';
import type { Role } from '../../domain/roles';

const DECLARERS: Role[] = ['CITY_MANAGER', 'POLICE_CHIEF'];
const EXTENDERS: Role[] = ['CITY_MANAGER', 'POLICE_CHIEF'];
/** Starting a workflow should take milliseconds; past this the declaration is rolled back. */
const START_DEADLINE_MS = 5_000;

// ---------------------------------------------------------------- documentation

const tags = ['incidents'];
documentRoute({
  method: 'post',
  path: '/api/incidents',
  summary: 'Declare a critical incident (starts its workflow)',
  tags,
  access: { roles: DECLARERS },
  headers: IdempotencyHeaders,
  body: DeclareIncidentRequest,
  responses: {
    202: { description: 'Declared; notifications are on their way. Location: /api/incidents/<number>', schema: IncidentSchema },
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
  access: { roles: STAFF_ROLES },
  query: ListIncidentsQuery,
  responses: { 200: { description: 'Incidents', schema: z.object({ incidents: z.array(IncidentListItemSchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/incidents/:id',
  summary: 'One incident: state, timeline, deadlines, acknowledgements, statements',
  tags,
  access: { roles: STAFF_ROLES },
  params: IncidentIdParams,
  responses: { 200: { description: 'The incident', schema: IncidentDetailSchema }, 404: { description: 'Unknown incident' } },
});
documentRoute({
  method: 'post',
  path: '/api/incidents/:id/acknowledgements',
  summary: 'Acknowledge the incident notification (yourself, or for someone else as city manager)',
  tags,
  access: { roles: STAFF_ROLES },
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
  access: { roles: ['PIO'] },
  params: IncidentIdParams,
  body: StatementDraftRequest,
  responses: {
    201: { description: 'New draft submitted; its approval workflow has started', schema: SubmitStatementResultSchema },
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
  access: { roles: EXTENDERS },
  params: DeadlineParams,
  body: ExtendDeadlineRequest,
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
  access: { roles: ['CITY_MANAGER'] },
  params: IncidentIdParams,
  body: CloseIncidentRequest,
  responses: { 200: { description: 'Closed', schema: IncidentSchema }, 409: { description: 'Already closed' } },
});
documentRoute({
  method: 'get',
  path: '/api/incidents/:id/report',
  summary: 'The after-action report of a closed incident',
  tags,
  access: { roles: STAFF_ROLES },
  params: IncidentIdParams,
  responses: {
    200: { description: 'The report', schema: z.object({ incident: IncidentSchema, report: z.record(z.unknown()) }) },
    409: { description: 'The incident is not closed yet, or its report is still being written' },
  },
});

// ---------------------------------------------------------------- handlers

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key', 'must be 1-200 visible ASCII characters');
  return key;
}

/** The calendar year in the city, so an incident declared at 7 pm on 31 December gets that year's number. */
const cityYear = (now: Date, timeZone: string): number =>
  Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(now));

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

function assertActive(incident: IncidentRow): void {
  if (incident.status === 'CLOSED') throw conflict(`incident ${incident.number} is closed`, 'incident_closed');
}

const closedMessage = (incident: IncidentRow) => `incident ${incident.number} is no longer running`;

type Declaration = z.output<typeof DeclareIncidentRequest>;

function sameDeclaration(row: IncidentRow, input: Declaration): boolean {
  return (
    row.type === input.type &&
    row.severity === input.severity &&
    row.title === input.title &&
    row.summary === input.summary &&
    (row.location ?? undefined) === (input.location || undefined)
  );
}

export function createIncidentsRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  const replay = (row: IncidentRow, input: Declaration) => {
    if (!sameDeclaration(row, input)) {
      throw conflict('this Idempotency-Key was already used for a different incident', 'idempotency_key_reused');
    }
    return row;
  };

  router.post('/api/incidents', requireRole(...DECLARERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const input = parseBody(DeclareIncidentRequest, req);
      const policy = currentPolicyView();
      if (!policy.incidentTypes.some((t) => t.key === input.type)) {
        throw badRequest('type', `must be one of: ${policy.incidentTypes.map((t) => t.key).join(', ')}`);
      }
      if (!policy.severities.includes(input.severity)) {
        throw badRequest('severity', `must be one of: ${policy.severities.join(', ')}`);
      }
      const key = idempotencyKeyOf(req);
      // Scoped to the declarer, so two people's keys can never collide.
      const scopedKey = key === undefined ? null : `${auth.person.id}:${key}`;
      const sendExisting = (row: IncidentRow) =>
        res.status(200).location(`/api/incidents/${row.number}`).json(incidentJson(replay(row, input)));

      if (scopedKey) {
        const existing = await db.incident.findUnique({ where: { idempotencyKey: scopedKey } });
        if (existing) return sendExisting(existing);
      }

      const now = new Date();
      const year = cityYear(now, config.CITY_TIME_ZONE);
      let incident: IncidentRow;
      try {
        incident = await db.$transaction(async (tx) => {
          const [{ last }] = await tx.$queryRaw<{ last: number }[]>`
            INSERT INTO "IncidentSequence" ("year", "last") VALUES (${year}, 1)
            ON CONFLICT ("year") DO UPDATE SET "last" = "IncidentSequence"."last" + 1
            RETURNING "last"`;
          const number = formatIncidentNumber(year, last);
          const row = await tx.incident.create({
            data: {
              number,
              workflowId: incidentWorkflowId(number),
              type: input.type,
              severity: input.severity,
              title: input.title,
              summary: input.summary,
              location: input.location || null,
              policyVersion: policy.version,
              declaredById: auth.person.id,
              declaredAt: now,
              idempotencyKey: scopedKey,
            },
          });
          await appendAudit(tx, {
            actorId: auth.person.id,
            actorLabel: auth.person.name,
            action: 'incident.declared',
            entityType: 'Incident',
            entityId: row.id,
            incidentId: row.id,
            data: { number, type: row.type, severity: row.severity, title: row.title, policyVersion: row.policyVersion },
            at: now,
          });
          return row;
        });
      } catch (err) {
        // A concurrent request with the same key committed first: answer with its incident.
        if (scopedKey && isUniqueViolation(err)) {
          const existing = await db.incident.findUnique({ where: { idempotencyKey: scopedKey } });
          if (existing) return sendExisting(existing);
        }
        throw err;
      }

      const workflowInput: DeclareIncidentInputV1 = {
        version: 1,
        incidentId: incident.id,
        incidentNumber: incident.number,
        type: incident.type,
        severity: incident.severity as 1 | 2 | 3,
        title: incident.title,
        summary: incident.summary,
        declaredBy: actorOf(auth),
        declaredAt: now.toISOString(),
        policyVersion: incident.policyVersion,
      };
      try {
        await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
          temporal.workflow.start('incidentWorkflow', {
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            workflowId: incident.workflowId,
            args: [workflowInput],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
          }),
        );
      } catch (startError) {
        if (!(startError instanceof WorkflowExecutionAlreadyStartedError) && (await startedAnyway(temporal, incident.workflowId))) {
          // The start reached the server even though its answer did not reach us.
        } else {
          await compensateDeclaration(db, incident, auth.person, startError);
          if (startError instanceof WorkflowExecutionAlreadyStartedError) {
            throw conflict(`workflow ${incident.workflowId} already exists; nothing was recorded`, 'already_exists');
          }
          console.error(`[api] incident workflow start failed; declaration ${incident.number} rolled back: ${(startError as Error).message}`);
          throw new HttpError(503, 'unavailable', 'could not start the incident workflow; nothing was recorded, try again');
        }
      }
      res.status(202).location(`/api/incidents/${incident.number}`).json(incidentJson(incident));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents', requireRole(...STAFF_ROLES), async (req, res, next) => {
    try {
      const query = parseQuery(ListIncidentsQuery, req);
      res.json({ incidents: await incidentList(db, { status: query.status }, query.limit) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents/:id', requireRole(...STAFF_ROLES), async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      const incident = await findIncident(db, id);
      res.json(await incidentDetail(db, temporal, incident));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/acknowledgements', requireRole(...STAFF_ROLES), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id } = parseParams(IncidentIdParams, req);
      const body = parseBody(AcknowledgeRequest, req);
      const personId = body.personId ?? auth.person.id;
      if (personId !== auth.person.id && !hasRole(req, 'CITY_MANAGER')) {
        throw forbidden('only the city manager may acknowledge for someone else');
      }
      const incident = await findIncident(db, id);
      assertActive(incident);
      const result = await executeUpdate(
        temporal,
        incident.workflowId,
        acknowledgeUpdate,
        { personId, via: auth.via === 'session' ? 'WEB' : 'API' },
        closedMessage(incident),
      );
      res.json(result);
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/statements', requireRole('PIO'), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id } = parseParams(IncidentIdParams, req);
      const isRevision = typeof req.body === 'object' && req.body !== null && 'statementId' in req.body;
      const incident = await findIncident(db, id);
      if (isRevision) {
        const revision = parseBody(ReviseStatementRequest, req);
        const statement = await db.statement.findUnique({ where: { id: revision.statementId } });
        if (!statement || statement.incidentId !== incident.id) throw notFound(`statement ${revision.statementId} of incident ${incident.number}`);
        if (statement.status === 'PUBLISHED' || statement.status === 'WITHDRAWN') {
          throw conflict(`statement is ${statement.status.toLowerCase()}; it can no longer be revised`, 'invalid_state');
        }
        const state = await executeUpdate(
          temporal,
          statement.workflowId || statementWorkflowId(statement.id),
          reviseUpdate,
          { title: revision.title, body: revision.body, author: actorOf(auth) },
          `statement ${statement.id} is no longer in approval`,
        );
        return res.status(200).json(state);
      }
      const draft = parseBody(SubmitStatementRequest, req);
      const kinds = currentPolicyView().statementKinds.map((k) => k.key);
      if (!kinds.includes(draft.kind)) throw badRequest('kind', `must be one of: ${kinds.join(', ')}`);
      // No closed-incident check here: deliverables owed after closing (the after-action review) are
      // still submitted; the workflow answers 409 for anything no longer owed.
      const result = await executeUpdate(
        temporal,
        incident.workflowId,
        submitStatementUpdate,
        { kind: draft.kind, title: draft.title, body: draft.body, author: actorOf(auth) },
        closedMessage(incident),
      );
      res.status(201).location(`/api/statements/${result.statementId}`).json(result);
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/deadlines/:kind/extensions', requireRole(...EXTENDERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id, kind } = parseParams(DeadlineParams, req);
      const body = parseBody(ExtendDeadlineRequest, req);
      const incident = await findIncident(db, id);
      // Deadlines anchored on closing (after-action review) can be extended after close; the workflow decides.
      const state = await executeUpdate(
        temporal,
        incident.workflowId,
        extendDeadlineUpdate,
        { deadlineKey: kind, newDueAt: new Date(body.newDueAt).toISOString(), reason: body.reason, by: actorOf(auth) },
        closedMessage(incident),
      );
      const extensions = await db.deadlineExtension.findMany({
        where: { deadline: { incidentId: incident.id, key: kind } },
        orderBy: { at: 'asc' },
      });
      const now = Date.now();
      res.json({
        ...state,
        overdue: state.status === 'MISSED' || (state.status === 'OPEN' && Date.parse(state.dueAt) <= now),
        extensions: extensions.map((e) => ({
          fromDueAt: e.fromDueAt.toISOString(),
          toDueAt: e.toDueAt.toISOString(),
          reason: e.reason,
          byId: e.byId,
          at: e.at.toISOString(),
        })),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/incidents/:id/close', requireRole('CITY_MANAGER'), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id } = parseParams(IncidentIdParams, req);
      const body = parseBody(CloseIncidentRequest, req);
      const incident = await findIncident(db, id);
      assertActive(incident);
      const state = await executeUpdate(
        temporal,
        incident.workflowId,
        closeIncidentUpdate,
        { summary: body.summary, by: actorOf(auth) },
        closedMessage(incident),
      );
      // The workflow persisted the closure (an activity) before answering, so the row is current.
      const closed = await db.incident.findUniqueOrThrow({ where: { id: incident.id } });
      res.json({ ...incidentJson(closed), status: state.status });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/incidents/:id/report', requireRole(...STAFF_ROLES), async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      const incident = await findIncident(db, id);
      if (incident.status !== 'CLOSED') throw conflict(`incident ${incident.number} is not closed yet`, 'not_closed');
      if (incident.afterActionReport === null) {
        throw conflict(`the after-action report for ${incident.number} is still being written`, 'report_not_ready');
      }
      res.json({ incident: incidentJson(incident), report: incident.afterActionReport });
    } catch (err) {
      next(err);
    }
  });

  return router;
}

async function startedAnyway(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await temporal.withDeadline(Date.now() + 2000, () => temporal.workflow.getHandle(workflowId).describe());
    return description.status.name === 'RUNNING';
  } catch {
    return false;
  }
}

/** Undo a declaration whose workflow never started: no incident row survives, and the audit trail says why. */
async function compensateDeclaration(
  db: Db,
  incident: IncidentRow,
  person: { id: string; name: string },
  cause: unknown,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.incident.delete({ where: { id: incident.id } });
    await appendAudit(tx, {
      actorId: person.id,
      actorLabel: person.name,
      action: 'incident.declaration-rolled-back',
      entityType: 'Incident',
      entityId: incident.id,
      incidentId: incident.id,
      data: { number: incident.number, reason: cause instanceof Error ? cause.message.slice(0, 500) : 'workflow start failed' },
    });
  });
}
