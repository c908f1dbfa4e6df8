// The action plan's HTTP surface (mounted at /api): the city manager manages
// plans, goals and items; owners report progress on their own items; sponsors
// decide reschedules; everyone signed in sees the dashboard; the public sees
// only what was published. Human actions go to the item's workflow as
// Updates, so the answer reflects what the workflow accepted.
import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { appendAudit } from '../../lib/audit';
import { actionPlanWorkflowId } from '../../domain/ids';
import type { Role } from '../../domain/roles';
import { loadPlanFigures } from '../../lib/planFigures';
import type { FinalReportV1 } from '../../domain/contracts/planActivities';
import {
  ITEM_STATUSES,
  completeItemUpdate,
  decideRescheduleUpdate,
  itemStateQuery,
  planStateQuery,
  postProgressUpdate,
  requestRescheduleUpdate,
  setItemStatusUpdate,
  type ActionItemStateV1,
} from '../../domain/contracts/plan';
import { isValidTimeZone, parseCivilDate } from '../../domain/time/cityTime';
import { STAFF_ROLES, caller, requireRole } from '../auth';
import { HttpError, badRequest, conflict, forbidden, notFound, unavailable } from '../../services/errors';
import { documentRoute } from '../openapi';
import { actorOf, executeUpdate, tryQuery } from '../../services/temporal';
import { parseBody, parseParams, parseQuery } from '../validate';
import { CSV_IMPORT_COLUMNS, MAX_IMPORT_ROWS, itemsToCsv, validateImport } from '../../services/planCsv';
import {
  WorkflowStartError,
  createItems,
  createPlan,
  parseDueInput,
  planLocalStartDate,
  type PlanRow,
} from '../../services/planService';

export interface PlansRouterDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

const PLAN_MANAGERS: Role[] = ['CITY_MANAGER'];
/** Staff and the stakeholder leads who own items. */
const PLAN_READERS: Role[] = [...STAFF_ROLES, 'STAKEHOLDER_LEAD'];

// ---------------------------------------------------------------- schemas

const nonBlank = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const id = z.string().min(1).max(64);
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => {
    try {
      parseCivilDate(v);
      return true;
    } catch {
      return false;
    }
  }, 'is not a calendar date')
  .openapi({ example: '2027-01-01' });
const dueInput = z
  .string()
  .min(10)
  .max(40)
  .openapi({ description: 'YYYY-MM-DD (17:00 city time that day) or an ISO date-time with offset; must be in the future', example: '2027-03-16' });
const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

const GoalInput = z.object({ number: z.number().int().min(1).max(99), title: nonBlank(200), description: z.string().trim().max(2000).default('') });

const DutyInput = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lower-case letters, digits and dashes'),
  goalNumber: z.number().int().min(1).max(99),
  title: nonBlank(200),
  description: z.string().trim().max(2000).default(''),
  cadence: z.enum(['MONTHLY', 'QUARTERLY']),
  ownerId: id,
  sponsorId: id,
  dueLocalTime: wallTime.default('17:00'),
});

export const CreatePlanRequest = z
  .object({
    title: nonBlank(200),
    startDate: localDate,
    months: z.number().int().min(1).max(36).default(12),
    timeZone: z.string().min(1).max(64).optional().openapi({ description: "Defaults to the city's time zone" }),
    goals: z.array(GoalInput).max(20).default([]),
    recurringDuties: z.array(DutyInput).max(20).default([]),
  })
  .openapi('CreatePlanRequest');

export const CreateGoalRequest = GoalInput.openapi('CreateGoalRequest');

export const CreateItemRequest = z
  .object({
    goalNumber: z.number().int().min(1).max(99),
    title: nonBlank(200),
    description: z.string().trim().max(2000).default(''),
    ownerId: id,
    sponsorId: id,
    dueAt: dueInput,
    milestones: z.array(z.object({ title: nonBlank(200), dueAt: dueInput.optional() })).max(20).default([]),
  })
  .openapi('CreateItemRequest');

const itemStatus = z.enum(ITEM_STATUSES);

export const ProgressRequest = z
  .object({
    percentComplete: z.number().int().min(0).max(100).optional(),
    note: nonBlank(2000),
    status: itemStatus.optional(),
  })
  .openapi('ProgressRequest');

export const StatusRequest = z.object({ status: itemStatus, note: z.string().trim().max(2000).optional() }).openapi('ItemStatusRequest');
export const CompleteRequest = z.object({ note: z.string().trim().max(2000).optional() }).openapi('CompleteItemRequest');
export const RescheduleRequest = z.object({ toDueAt: dueInput, reason: nonBlank(2000) }).openapi('RescheduleRequest');
export const RescheduleDecisionRequest = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), note: z.string().trim().max(2000).optional() })
  .openapi('RescheduleDecisionRequest');

const PlanParams = z.object({ id });
const ItemParams = z.object({ id, itemId: id });
const DecisionParams = z.object({ id, itemId: id, requestId: id });
const ListItemsQuery = z.object({ status: itemStatus.optional(), goal: z.coerce.number().int().min(1).max(99).optional() });

const PlanSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    startDate: z.string(),
    months: z.number(),
    timeZone: z.string(),
    status: z.enum(['ACTIVE', 'CLOSED']),
    workflowId: z.string(),
    finalReportAt: z.string().nullable(),
  })
  .openapi('ActionPlan');
const GoalSchema = z.object({ id: z.string(), number: z.number(), title: z.string(), description: z.string() }).openapi('Goal');
const ItemSchema = z
  .object({
    id: z.string(),
    planId: z.string(),
    goalId: z.string(),
    goalNumber: z.number(),
    title: z.string(),
    description: z.string(),
    owner: z.object({ id: z.string(), name: z.string(), organisation: z.string().nullable() }),
    sponsor: z.object({ id: z.string(), name: z.string() }),
    dueAt: z.string(),
    status: itemStatus,
    percentComplete: z.number(),
    completedAt: z.string().nullable(),
    overdue: z.boolean(),
    recurrenceKey: z.string().nullable(),
    workflowId: z.string(),
  })
  .openapi('ActionItem');
const ItemStateSchema = z.record(z.unknown()).openapi('ActionItemState');
const FiguresSchema = z.record(z.unknown()).openapi('PlanFigures');
const PublicPlanSchema = z
  .object({
    plan: z.object({ id: z.string(), title: z.string(), startDate: z.string(), months: z.number(), timeZone: z.string(), status: z.string() }),
    goals: z.array(z.object({ number: z.number(), title: z.string(), description: z.string() })),
    snapshots: z.array(z.record(z.unknown())),
    finalReport: z.record(z.unknown()).nullable(),
  })
  .openapi('PublicPlan');

// ---------------------------------------------------------------- documentation

const tags = ['action plan'];
const readers = { roles: PLAN_READERS };
const managers = { roles: PLAN_MANAGERS };
const itemActionResponses = {
  200: { description: 'The item as the workflow now has it', schema: ItemStateSchema },
  404: { description: 'Unknown plan or item' },
  409: { description: 'Not allowed now (item done, request already pending)' },
};

documentRoute({ method: 'get', path: '/api/plans', summary: 'List action plans', tags, access: readers, responses: { 200: { description: 'Plans', schema: z.object({ plans: z.array(PlanSchema) }) } } });
documentRoute({
  method: 'post',
  path: '/api/plans',
  summary: 'Create an action plan with its goals (starts its workflow and recurring-duty schedules)',
  tags,
  access: managers,
  body: CreatePlanRequest,
  responses: {
    202: { description: 'Created; Location: /api/plans/<id>', schema: PlanSchema },
    503: { description: 'The workflow service could not start the plan; nothing was recorded' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id',
  summary: 'One plan with its goals and items',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'The plan', schema: z.object({ plan: PlanSchema, goals: z.array(GoalSchema), items: z.array(ItemSchema) }) }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/goals',
  summary: 'Add a goal',
  tags,
  access: managers,
  params: PlanParams,
  body: CreateGoalRequest,
  responses: { 201: { description: 'Created', schema: GoalSchema }, 404: { description: 'Unknown plan' }, 409: { description: 'Goal number taken, or plan closed' } },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items',
  summary: "The plan's items",
  tags,
  access: readers,
  params: PlanParams,
  query: ListItemsQuery,
  responses: { 200: { description: 'Items', schema: z.object({ items: z.array(ItemSchema) }) }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items',
  summary: 'Add an action item (starts its reminder and escalation workflow)',
  tags,
  access: managers,
  params: PlanParams,
  body: CreateItemRequest,
  responses: {
    202: { description: 'Created; Location: /api/plans/<id>/items/<itemId>', schema: ItemSchema },
    404: { description: 'Unknown plan' },
    409: { description: 'The plan is closed' },
    503: { description: 'The workflow service could not start the item; nothing was recorded' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items.csv',
  summary: 'Export the items as CSV (same columns the import reads, plus status)',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'text/csv', contentType: 'text/csv', schema: z.string() }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items.json',
  summary: 'Export the items as JSON',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'Items', schema: z.object({ plan: PlanSchema, items: z.array(ItemSchema) }) }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/import',
  summary: 'Import items from CSV (Content-Type: text/csv); all rows or none',
  description: `Columns: ${CSV_IMPORT_COLUMNS.join(', ')} (description optional; other columns are ignored). Every row is checked first; any bad row rejects the whole file with 400 and one detail per bad field, named \`line <n>.<column>\`. Up to ${MAX_IMPORT_ROWS} rows.`,
  tags,
  access: managers,
  params: PlanParams,
  responses: {
    202: { description: 'Imported; every item has its workflow', schema: z.object({ imported: z.number(), items: z.array(ItemSchema) }) },
    404: { description: 'Unknown plan' },
    409: { description: 'The plan is closed' },
    415: { description: 'The body is not text/csv' },
    503: { description: 'Some workflows could not start; those items were not kept (listed)' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/items/:itemId',
  summary: 'One item: its record, live workflow state, progress history and reschedule requests',
  tags,
  access: readers,
  params: ItemParams,
  responses: { 200: { description: 'The item', schema: z.record(z.unknown()) }, 404: { description: 'Unknown plan or item' } },
});
for (const [path, summary, body] of [
  ['/api/plans/:id/items/:itemId/progress', 'Post progress (owner or city manager)', ProgressRequest],
  ['/api/plans/:id/items/:itemId/status', 'Set the status; BLOCKED tells the sponsor at once (owner or city manager)', StatusRequest],
  ['/api/plans/:id/items/:itemId/complete', 'Mark the item done; stops its reminders and escalations (owner or city manager)', CompleteRequest],
] as const) {
  documentRoute({ method: 'post', path, summary, tags, access: readers, params: ItemParams, body, responses: itemActionResponses });
}
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/:itemId/reschedules',
  summary: 'Ask for a new due date, with a reason (owner or city manager); the sponsor decides',
  tags,
  access: readers,
  params: ItemParams,
  body: RescheduleRequest,
  responses: { 201: { description: 'Request recorded and sent to the sponsor', schema: z.record(z.unknown()) }, 404: itemActionResponses[404], 409: itemActionResponses[409] },
});
documentRoute({
  method: 'post',
  path: '/api/plans/:id/items/:itemId/reschedules/:requestId/decision',
  summary: "Approve or reject a reschedule (the item's sponsor only); approval moves every reminder to the new date",
  tags,
  access: readers,
  params: DecisionParams,
  body: RescheduleDecisionRequest,
  responses: itemActionResponses,
});
documentRoute({
  method: 'get',
  path: '/api/plans/:id/dashboard',
  summary: 'Current figures per goal and item, the monthly history and the final report',
  tags,
  access: readers,
  params: PlanParams,
  responses: { 200: { description: 'Dashboard', schema: z.object({ plan: PlanSchema, current: FiguresSchema, history: z.array(z.record(z.unknown())), finalReport: z.record(z.unknown()).nullable(), live: z.record(z.unknown()).nullable() }) }, 404: { description: 'Unknown plan' } },
});
documentRoute({
  method: 'get',
  path: '/api/me/items',
  summary: 'Items I own (and items I sponsor)',
  tags,
  access: readers,
  responses: { 200: { description: 'My items', schema: z.object({ items: z.array(ItemSchema), sponsored: z.array(ItemSchema) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans',
  summary: 'Published action plans',
  tags: ['public'],
  access: 'public',
  responses: { 200: { description: 'Plans', schema: z.object({ plans: z.array(z.record(z.unknown())) }) } },
});
documentRoute({
  method: 'get',
  path: '/api/public/plans/:id',
  summary: 'What has been published about a plan: the monthly snapshots and the final report (no private data)',
  tags: ['public'],
  access: 'public',
  params: PlanParams,
  responses: { 200: { description: 'Published record', schema: PublicPlanSchema }, 404: { description: 'Unknown plan' } },
});

// ---------------------------------------------------------------- views

const itemInclude = {
  owner: { select: { id: true, name: true, organisation: true, email: true } },
  sponsor: { select: { id: true, name: true, email: true } },
  goal: { select: { number: true, title: true } },
} as const;

type ItemWithPeople = Awaited<ReturnType<Db['actionItem']['findFirstOrThrow']>> & {
  owner: { id: string; name: string; organisation: string | null; email: string };
  sponsor: { id: string; name: string; email: string };
  goal: { number: number; title: string };
};

export function itemJson(item: ItemWithPeople, now = new Date()) {
  return {
    id: item.id,
    planId: item.planId,
    goalId: item.goalId,
    goalNumber: item.goal.number,
    title: item.title,
    description: item.description,
    owner: { id: item.owner.id, name: item.owner.name, organisation: item.owner.organisation },
    sponsor: { id: item.sponsor.id, name: item.sponsor.name },
    dueAt: item.dueAt.toISOString(),
    status: item.status,
    percentComplete: item.percentComplete,
    completedAt: item.completedAt?.toISOString() ?? null,
    overdue: item.status !== 'DONE' && item.dueAt.getTime() < now.getTime(),
    recurrenceKey: item.recurrenceKey,
    workflowId: item.workflowId,
  };
}

export function planJson(plan: PlanRow & { finalReportAt?: Date | null }) {
  return {
    id: plan.id,
    title: plan.title,
    startDate: planLocalStartDate(plan),
    months: plan.months,
    timeZone: plan.timeZone,
    status: plan.status,
    workflowId: plan.workflowId,
    finalReportAt: plan.finalReportAt?.toISOString() ?? null,
  };
}

/** Only the fields the public may see from a stored snapshot: owners by organisation, never by name or contact. */
function publicSnapshot(snapshot: { month: number; period: string; takenAt: Date; publishedAt: Date; data: unknown }) {
  const data = (snapshot.data ?? {}) as {
    totals?: unknown;
    goals?: { number: number; title: string; [k: string]: unknown }[];
    items?: { itemId: string; goalNumber: number; title: string; owner?: { organisation?: string | null }; status: string; percentComplete: number; dueAt: string; completedAt: string | null; overdue: boolean }[];
    boardFlags?: { itemId: string; title: string; dueAt: string; flaggedAt: string }[];
  };
  return {
    month: snapshot.month,
    period: snapshot.period,
    takenAt: snapshot.takenAt.toISOString(),
    publishedAt: snapshot.publishedAt.toISOString(),
    totals: data.totals ?? null,
    goals: (data.goals ?? []).map(({ goalId: _goalId, ...g }) => g),
    items: (data.items ?? []).map((i) => ({
      itemId: i.itemId,
      goalNumber: i.goalNumber,
      title: i.title,
      organisation: i.owner?.organisation ?? null,
      status: i.status,
      percentComplete: i.percentComplete,
      dueAt: i.dueAt,
      completedAt: i.completedAt,
      overdue: i.overdue,
    })),
    flaggedForBoard: (data.boardFlags ?? []).map((f) => ({ itemId: f.itemId, title: f.title, dueAt: f.dueAt, flaggedAt: f.flaggedAt })),
  };
}

// ---------------------------------------------------------------- router

export function createPlansRouter({ db, temporal, config }: PlansRouterDeps): Router {
  const router = Router();
  const service = { db, temporal, config };

  async function loadPlan(planId: string) {
    const plan = await db.actionPlan.findUnique({ where: { id: planId } });
    if (!plan) throw notFound('action plan');
    return plan;
  }
  async function loadItem(planId: string, itemId: string) {
    const item = await db.actionItem.findFirst({ where: { id: itemId, planId }, include: itemInclude });
    if (!item) throw notFound('action item');
    return item;
  }
  const assertActive = (plan: { status: string; id: string }) => {
    if (plan.status !== 'ACTIVE') throw conflict(`action plan ${plan.id} is closed`, 'plan_closed');
  };
  const ownerOrManager = (req: Request, item: { ownerId: string }) => {
    const auth = caller(req);
    if (auth.person.id !== item.ownerId && !auth.person.roles.includes('CITY_MANAGER')) {
      throw forbidden("only the item's owner or the city manager may do this");
    }
    return auth;
  };
  const closedMessage = 'the item is done; its workflow takes no more actions';

  async function parseDue(value: string, field: string, timeZone: string): Promise<Date> {
    let due: Date;
    try {
      due = parseDueInput(value, timeZone);
    } catch (err) {
      throw badRequest(field, (err as Error).message);
    }
    if (due.getTime() <= Date.now()) throw badRequest(field, 'must be in the future');
    return due;
  }

  async function activePeople(ids: string[]) {
    const people = await db.person.findMany({ where: { id: { in: ids }, active: true }, select: { id: true } });
    return new Set(people.map((p) => p.id));
  }

  router.get('/plans', requireRole(...PLAN_READERS), async (_req, res, next) => {
    try {
      const plans = await db.actionPlan.findMany({ orderBy: { startDate: 'desc' } });
      res.json({ plans: plans.map(planJson) });
    } catch (err) {
      next(err);
    }
  });

  router.post('/plans', requireRole(...PLAN_MANAGERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const body = parseBody(CreatePlanRequest, req);
      const timeZone = body.timeZone ?? config.CITY_TIME_ZONE;
      if (!isValidTimeZone(timeZone)) throw badRequest('timeZone', 'is not a known IANA time zone');
      const goalNumbers = new Set<number>();
      body.goals.forEach((g, i) => {
        if (goalNumbers.has(g.number)) throw badRequest(`goals.${i}.number`, `goal number ${g.number} appears twice`);
        goalNumbers.add(g.number);
      });
      const duties = body.recurringDuties;
      const people = await activePeople(duties.flatMap((d) => [d.ownerId, d.sponsorId]));
      const dutyKeys = new Set<string>();
      duties.forEach((d, i) => {
        if (dutyKeys.has(d.key)) throw badRequest(`recurringDuties.${i}.key`, `duty key ${d.key} appears twice`);
        dutyKeys.add(d.key);
        if (!goalNumbers.has(d.goalNumber)) throw badRequest(`recurringDuties.${i}.goalNumber`, `no goal number ${d.goalNumber} in this plan`);
        if (!people.has(d.ownerId)) throw badRequest(`recurringDuties.${i}.ownerId`, 'no active person with this id');
        if (!people.has(d.sponsorId)) throw badRequest(`recurringDuties.${i}.sponsorId`, 'no active person with this id');
        if (d.ownerId === d.sponsorId) throw badRequest(`recurringDuties.${i}.sponsorId`, 'the sponsor must be someone other than the owner');
      });
      let plan;
      try {
        plan = await createPlan(
          service,
          { title: body.title, startDate: body.startDate, months: body.months, timeZone, goals: body.goals, duties },
          { id: auth.person.id, name: auth.person.name },
        );
      } catch (err) {
        if (err instanceof WorkflowStartError) throw unavailable(err.message);
        throw err;
      }
      res.status(202).location(`/api/plans/${plan.id}`).json(planJson(plan));
    } catch (err) {
      next(err);
    }
  });

  router.get('/plans/:id', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const plan = await loadPlan(planId);
      const [goals, items] = await Promise.all([
        db.goal.findMany({ where: { planId }, orderBy: { number: 'asc' } }),
        db.actionItem.findMany({ where: { planId }, include: itemInclude, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
      ]);
      const now = new Date();
      res.json({
        plan: planJson(plan),
        goals: goals.map((g) => ({ id: g.id, number: g.number, title: g.title, description: g.description })),
        items: items.map((i) => itemJson(i, now)),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/plans/:id/goals', requireRole(...PLAN_MANAGERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id: planId } = parseParams(PlanParams, req);
      const body = parseBody(CreateGoalRequest, req);
      const plan = await loadPlan(planId);
      assertActive(plan);
      if (await db.goal.findUnique({ where: { planId_number: { planId, number: body.number } } })) {
        throw conflict(`goal ${body.number} already exists in this plan`, 'already_exists');
      }
      const goal = await db.$transaction(async (tx) => {
        const row = await tx.goal.create({ data: { planId, number: body.number, title: body.title, description: body.description } });
        await appendAudit(tx, {
          actorId: auth.person.id,
          actorLabel: auth.person.name,
          action: 'goal.created',
          entityType: 'Goal',
          entityId: row.id,
          planId,
          data: { number: row.number, title: row.title },
        });
        return row;
      });
      res.status(201).location(`/api/plans/${planId}`).json({ id: goal.id, number: goal.number, title: goal.title, description: goal.description });
    } catch (err) {
      next(err);
    }
  });

  router.get('/plans/:id/items', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const query = parseQuery(ListItemsQuery, req);
      await loadPlan(planId);
      const items = await db.actionItem.findMany({
        where: { planId, ...(query.status ? { status: query.status } : {}), ...(query.goal ? { goal: { number: query.goal } } : {}) },
        include: itemInclude,
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });
      const now = new Date();
      res.json({ items: items.map((i) => itemJson(i, now)) });
    } catch (err) {
      next(err);
    }
  });

  router.post('/plans/:id/items', requireRole(...PLAN_MANAGERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const { id: planId } = parseParams(PlanParams, req);
      const body = parseBody(CreateItemRequest, req);
      const plan = await loadPlan(planId);
      const goal = await db.goal.findUnique({ where: { planId_number: { planId, number: body.goalNumber } } });
      if (!goal) throw badRequest('goalNumber', `no goal number ${body.goalNumber} in this plan`);
      const people = await activePeople([body.ownerId, body.sponsorId]);
      if (!people.has(body.ownerId)) throw badRequest('ownerId', 'no active person with this id');
      if (!people.has(body.sponsorId)) throw badRequest('sponsorId', 'no active person with this id');
      if (body.ownerId === body.sponsorId) throw badRequest('sponsorId', 'the sponsor must be someone other than the owner');
      const dueAt = await parseDue(body.dueAt, 'dueAt', plan.timeZone);
      const milestones = [];
      for (const [i, m] of body.milestones.entries()) {
        milestones.push({ title: m.title, dueAt: m.dueAt ? await parseDue(m.dueAt, `milestones.${i}.dueAt`, plan.timeZone) : null });
      }
      assertActive(plan);
      const { created, failed } = await createItems(
        service,
        plan,
        [{ goalId: goal.id, title: body.title, description: body.description, ownerId: body.ownerId, sponsorId: body.sponsorId, dueAt, milestones }],
        { id: auth.person.id, name: auth.person.name },
      );
      if (failed.length > 0) throw unavailable('could not start the item workflow; nothing was recorded, try again');
      const item = await loadItem(planId, created[0].id);
      res.status(202).location(`/api/plans/${planId}/items/${item.id}`).json(itemJson(item));
    } catch (err) {
      next(err);
    }
  });

  const exportItems = async (planId: string) => {
    const plan = await loadPlan(planId);
    const items = await db.actionItem.findMany({ where: { planId }, include: itemInclude, orderBy: [{ goal: { number: 'asc' } }, { dueAt: 'asc' }, { id: 'asc' }] });
    return { plan, items };
  };

  router.get('/plans/:id/items.csv', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const { plan, items } = await exportItems(planId);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="${plan.id}-items.csv"`)
        .send(itemsToCsv(items, plan.timeZone));
    } catch (err) {
      next(err);
    }
  });

  router.get('/plans/:id/items.json', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const { plan, items } = await exportItems(planId);
      const now = new Date();
      res.set('Content-Disposition', `attachment; filename="${plan.id}-items.json"`).json({ plan: planJson(plan), items: items.map((i) => itemJson(i, now)) });
    } catch (err) {
      next(err);
    }
  });

  router.post(
    '/plans/:id/items/import',
    requireRole(...PLAN_MANAGERS),
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: config.API_BODY_LIMIT_BYTES }),
    async (req, res, next) => {
      try {
        const auth = caller(req);
        const { id: planId } = parseParams(PlanParams, req);
        if (!req.is(['text/csv', 'text/plain', 'application/csv']) || typeof req.body !== 'string') {
          throw new HttpError(415, 'unsupported_media_type', 'send the CSV file as the request body with Content-Type: text/csv', 'body');
        }
        const plan = await loadPlan(planId);
        const result = await validateImport(db, plan, req.body, new Date());
        if (!result.ok) {
          const first = result.errors[0];
          throw new HttpError(
            400,
            'invalid_input',
            `${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} in the CSV; nothing was imported. First: ${first.field}: ${first.message}`,
            first.field,
            result.errors,
          );
        }
        assertActive(plan);
        const { created, failed } = await createItems(service, plan, result.items, { id: auth.person.id, name: auth.person.name });
        if (failed.length > 0) {
          throw new HttpError(
            503,
            'unavailable',
            `${failed.length} of ${result.items.length} item workflows could not start; those items were not kept. Import them again when the workflow service is back.`,
            undefined,
            failed.map((f) => ({ field: `item ${f.itemId}`, message: f.error })),
          );
        }
        const rows = await db.actionItem.findMany({ where: { id: { in: created.map((c) => c.id) } }, include: itemInclude, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] });
        res.status(202).location(`/api/plans/${planId}/items`).json({ imported: rows.length, items: rows.map((r) => itemJson(r)) });
      } catch (err) {
        next(err);
      }
    },
  );

  router.get('/plans/:id/items/:itemId', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId, itemId } = parseParams(ItemParams, req);
      const item = await loadItem(planId, itemId);
      const [progress, reschedules, milestones, live] = await Promise.all([
        db.progressUpdate.findMany({ where: { itemId }, orderBy: { at: 'desc' }, take: 100 }),
        db.rescheduleRequest.findMany({ where: { itemId }, orderBy: { createdAt: 'desc' } }),
        db.milestone.findMany({ where: { itemId }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
        item.status === 'DONE' ? Promise.resolve(undefined) : tryQuery(temporal, item.workflowId, itemStateQuery),
      ]);
      res.json({
        item: itemJson(item),
        live: live ?? null,
        milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueAt: m.dueAt?.toISOString() ?? null, doneAt: m.doneAt?.toISOString() ?? null })),
        progress: progress.map((p) => ({ id: p.id, at: p.at.toISOString(), authorId: p.authorId, status: p.status, percentComplete: p.percentComplete, note: p.note, via: p.via })),
        reschedules: reschedules.map((r) => ({
          id: r.id,
          fromDueAt: r.fromDueAt.toISOString(),
          toDueAt: r.toDueAt.toISOString(),
          reason: r.reason,
          status: r.status,
          requestedById: r.requestedById,
          createdAt: r.createdAt.toISOString(),
          decidedById: r.decidedById,
          decidedAt: r.decidedAt?.toISOString() ?? null,
          decisionNote: r.decisionNote,
        })),
      });
    } catch (err) {
      next(err);
    }
  });

  const itemAction = <Body extends z.ZodTypeAny>(
    path: string,
    schema: Body,
    act: (req: Request, item: Awaited<ReturnType<typeof loadItem>>, body: z.output<Body>) => Promise<{ status: number; body: unknown }>,
  ) =>
    router.post(path, requireRole(...PLAN_READERS), async (req, res, next) => {
      try {
        const { id: planId, itemId } = parseParams(ItemParams, req);
        const body = parseBody(schema, req);
        const item = await loadItem(planId, itemId);
        const answer = await act(req, item, body);
        res.status(answer.status).json(answer.body);
      } catch (err) {
        next(err);
      }
    });

  const whenDone = (item: { status: string }) => {
    if (item.status === 'DONE') throw conflict(closedMessage, 'item_done');
  };

  itemAction('/plans/:id/items/:itemId/progress', ProgressRequest, async (req, item, body) => {
    const auth = ownerOrManager(req, item);
    whenDone(item);
    const state = await executeUpdate(temporal, item.workflowId, postProgressUpdate, { ...body, by: actorOf(auth), via: 'API' }, closedMessage);
    return { status: 200, body: state };
  });

  itemAction('/plans/:id/items/:itemId/status', StatusRequest, async (req, item, body) => {
    const auth = ownerOrManager(req, item);
    whenDone(item);
    const state = await executeUpdate(temporal, item.workflowId, setItemStatusUpdate, { ...body, by: actorOf(auth), via: 'API' }, closedMessage);
    return { status: 200, body: state };
  });

  itemAction('/plans/:id/items/:itemId/complete', CompleteRequest, async (req, item, body) => {
    const auth = ownerOrManager(req, item);
    whenDone(item);
    const state = await executeUpdate(temporal, item.workflowId, completeItemUpdate, { ...body, by: actorOf(auth), via: 'API' }, closedMessage);
    return { status: 200, body: state };
  });

  itemAction('/plans/:id/items/:itemId/reschedules', RescheduleRequest, async (req, item, body) => {
    const auth = ownerOrManager(req, item);
    whenDone(item);
    const plan = await loadPlan(item.planId);
    const toDueAt = await parseDue(body.toDueAt, 'toDueAt', plan.timeZone);
    const result = await executeUpdate(
      temporal,
      item.workflowId,
      requestRescheduleUpdate,
      { toDueAt: toDueAt.toISOString(), reason: body.reason, by: actorOf(auth) },
      closedMessage,
    );
    return { status: 201, body: result };
  });

  router.post('/plans/:id/items/:itemId/reschedules/:requestId/decision', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId, itemId, requestId } = parseParams(DecisionParams, req);
      const body = parseBody(RescheduleDecisionRequest, req);
      const auth = caller(req);
      const item = await loadItem(planId, itemId);
      if (auth.person.id !== item.sponsorId) throw forbidden("only the item's sponsor may decide a reschedule");
      const request = await db.rescheduleRequest.findFirst({ where: { id: requestId, itemId } });
      if (!request) throw notFound('reschedule request');
      if (request.status !== 'PENDING') throw conflict(`the request was already ${request.status.toLowerCase()}`, 'already_decided');
      whenDone(item);
      const state: ActionItemStateV1 = await executeUpdate(
        temporal,
        item.workflowId,
        decideRescheduleUpdate,
        { requestId, decision: body.decision, note: body.note, by: actorOf(auth) },
        closedMessage,
      );
      res.json(state);
    } catch (err) {
      next(err);
    }
  });

  router.get('/plans/:id/dashboard', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const plan = await loadPlan(planId);
      const [current, snapshots, live] = await Promise.all([
        loadPlanFigures(db, planId, new Date()),
        db.dashboardSnapshot.findMany({ where: { planId }, orderBy: { month: 'asc' } }),
        plan.status === 'ACTIVE' ? tryQuery(temporal, actionPlanWorkflowId(planId), planStateQuery) : Promise.resolve(undefined),
      ]);
      res.json({
        plan: planJson(plan),
        current,
        history: snapshots.map((s) => {
          const data = s.data as { totals?: unknown; goals?: unknown; boardFlags?: unknown };
          return { month: s.month, period: s.period, takenAt: s.takenAt.toISOString(), totals: data.totals ?? null, goals: data.goals ?? [], boardFlags: data.boardFlags ?? [] };
        }),
        finalReport: (plan.finalReport as unknown as FinalReportV1 | null) ?? null,
        live: live ? { nextSnapshotAt: live.nextSnapshotAt, monthsCompleted: live.monthsCompleted, pendingBoardFlags: live.pendingBoardFlags } : null,
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/me/items', requireRole(...PLAN_READERS), async (req, res, next) => {
    try {
      const auth = caller(req);
      const [owned, sponsored] = await Promise.all([
        db.actionItem.findMany({ where: { ownerId: auth.person.id }, include: itemInclude, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
        db.actionItem.findMany({ where: { sponsorId: auth.person.id }, include: itemInclude, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
      ]);
      const now = new Date();
      res.json({ items: owned.map((i) => itemJson(i, now)), sponsored: sponsored.map((i) => itemJson(i, now)) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/public/plans', async (_req, res, next) => {
    try {
      const plans = await db.actionPlan.findMany({ orderBy: { startDate: 'desc' }, include: { _count: { select: { snapshots: true } } } });
      res.json({
        plans: plans.map((p) => ({
          id: p.id,
          title: p.title,
          startDate: planLocalStartDate(p),
          months: p.months,
          timeZone: p.timeZone,
          status: p.status,
          snapshotsPublished: p._count.snapshots,
          finalReportAt: p.finalReportAt?.toISOString() ?? null,
        })),
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/public/plans/:id', async (req, res, next) => {
    try {
      const { id: planId } = parseParams(PlanParams, req);
      const plan = await loadPlan(planId);
      const [goals, snapshots] = await Promise.all([
        db.goal.findMany({ where: { planId }, orderBy: { number: 'asc' } }),
        db.dashboardSnapshot.findMany({ where: { planId, publishedAt: { lte: new Date() } }, orderBy: { month: 'asc' } }),
      ]);
      const report = plan.finalReport as unknown as FinalReportV1 | null;
      res.json({
        plan: { id: plan.id, title: plan.title, startDate: planLocalStartDate(plan), months: plan.months, timeZone: plan.timeZone, status: plan.status },
        goals: goals.map((g) => ({ number: g.number, title: g.title, description: g.description })),
        snapshots: snapshots.map(publicSnapshot),
        finalReport: report
          ? {
              finalReportAt: report.finalReportAt,
              summary: report.summary,
              totals: report.totals,
              goals: report.goals.map((g) => ({
                number: g.number,
                title: g.title,
                objectiveStatus: g.objectiveStatus,
                counts: g.counts,
                items: g.items.map((i) => ({ title: i.title, status: i.status, percentComplete: i.percentComplete, dueAt: i.dueAt, completedAt: i.completedAt, outcome: i.outcome })),
              })),
              monthlyHistory: report.monthlyHistory,
            }
          : null,
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
