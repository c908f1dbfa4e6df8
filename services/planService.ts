// The action plan's write side shared by the API, the CSV import, the seed
// and the benchmark: rows are written in one transaction with their audit
// events, then the workflows start under their business ids. A workflow that
// cannot be started takes its rows back out, so nothing half-written stays.
// addPlan is the API's way in: it checks a requested plan against the roster
// first. The checks items share (owner and sponsor, due dates, an open plan)
// live here too, for the goal, item and import services.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit, appendAuditBatch } from '../lib/audit';
import { settleWithConcurrency } from '../lib/concurrency';
import { actionItemWorkflowId, actionPlanWorkflowId } from '../domain/ids';
import { isInFuture } from '../domain/overdue';
import { currentPolicy, type Policy } from '../policy/index';
import { itemAddedSignal, type ActionItemInputV1, type ActionPlanInputV1, type ItemLadderV1, type RecurringDutyV1 } from '../domain/contracts/plan';
import { isValidTimeZone, parseCivilDate, parseWallTime, zonedTimeToInstant } from '../domain/time/cityTime';
import { itemLadderFromPolicy } from '../domain/planLadder';
import { badRequest, conflict, unavailable, unprocessable } from './errors';
import { startItemWorkflowOnce, startWorkflowOnce } from './temporal';
import { planJson, planLocalStartDate } from './planViews';

export interface PlanServiceDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CITY_TIME_ZONE' | 'ITEM_WORKFLOW_WAKE_LEAD_SECONDS'>;
}

/** A date without a time falls due at the end of the city's business day. */
export const DEFAULT_DUE_LOCAL_TIME = '17:00';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** "2027-03-16" (17:00 city time that day) or an ISO date-time with offset. Throws RangeError. */
export function parseDueInput(value: string, timeZone: string): Date {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return zonedTimeToInstant(parseCivilDate(text), parseWallTime(DEFAULT_DUE_LOCAL_TIME), timeZone);
  if (!ISO_DATE_TIME.test(text) || Number.isNaN(Date.parse(text))) {
    throw new RangeError('must be a date (YYYY-MM-DD) or an ISO date-time with a time zone offset');
  }
  return new Date(text);
}

/** A due date given by a person: readable, and later than now (the same rule for items, milestones and reschedules). */
export function parseFutureDue(value: string, field: string, timeZone: string, now = new Date()): Date {
  let due: Date;
  try {
    due = parseDueInput(value, timeZone);
  } catch (err) {
    throw unprocessable(field, (err as Error).message, { code: 'invalid_date' });
  }
  if (!isInFuture(due, now)) throw unprocessable(field, 'must be in the future', { code: 'in_past' });
  return due;
}

/** Which of these people are active. */
export async function activePersonIds(db: Db, ids: string[]): Promise<Set<string>> {
  const people = await db.person.findMany({ where: { id: { in: ids }, active: true }, select: { id: true } });
  return new Set(people.map((p) => p.id));
}

/** An item's (or duty's) owner and sponsor: two different active people. `field` prefixes the field names in the error. */
export function assertOwnerAndSponsor(active: Set<string>, people: { ownerId: string; sponsorId: string }, field = ''): void {
  if (!active.has(people.ownerId)) throw unprocessable(`${field}ownerId`, 'no active person with this id', { code: 'inactive_person' });
  if (!active.has(people.sponsorId)) throw unprocessable(`${field}sponsorId`, 'no active person with this id', { code: 'inactive_person' });
  if (people.ownerId === people.sponsorId) throw unprocessable(`${field}sponsorId`, 'the sponsor must be someone other than the owner', { code: 'same_person' });
}

/** A closed plan takes no new goals or items. */
export function assertPlanActive(plan: { id: string; status: string }): void {
  if (plan.status !== 'ACTIVE') throw conflict(`action plan ${plan.id} is closed`, 'plan_closed');
}

export interface PlanRow {
  id: string;
  title: string;
  startDate: Date;
  months: number;
  timeZone: string;
  workflowId: string;
  status: 'ACTIVE' | 'CLOSED';
}

export function planWorkflowInput(
  plan: PlanRow,
  policy: Policy,
  duties: RecurringDutyV1[],
  options: { continueAsNewAfterMonths?: number; itemLadder?: ItemLadderV1 } = {},
): ActionPlanInputV1 {
  return {
    version: 1,
    planId: plan.id,
    title: plan.title,
    startDate: planLocalStartDate(plan),
    months: plan.months,
    timeZone: plan.timeZone,
    snapshotLocalTime: policy.actionPlan.dashboard.time,
    holidayCalendar: 'US_FEDERAL',
    policyVersion: policy.version,
    itemLadder: options.itemLadder ?? itemLadderFromPolicy(policy),
    recurringDuties: duties,
    ...(options.continueAsNewAfterMonths ? { continueAsNewAfterMonths: options.continueAsNewAfterMonths } : {}),
  };
}

// Item inputs are built where the reconciler (an activity) can build them too.
export { itemWorkflowInput, type ItemRowForInput } from '../lib/workflowInputs';
import { itemWorkflowInput, type ItemRowForInput } from '../lib/workflowInputs';

export const startPlanWorkflow = (deps: PlanServiceDeps, input: ActionPlanInputV1) =>
  startWorkflowOnce(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, 'actionPlanWorkflow', actionPlanWorkflowId(input.planId), [input]);

export const startItemWorkflow = (deps: PlanServiceDeps, input: ActionItemInputV1) => startItemWorkflowOnce(deps.temporal, deps.config, input);

export interface Actor {
  id: string | null;
  name: string;
}

export interface NewGoal {
  number: number;
  title: string;
  description: string;
}

export interface NewPlan {
  title: string;
  /** City-local calendar date "YYYY-MM-DD". */
  startDate: string;
  months: number;
  timeZone: string;
  goals: NewGoal[];
  duties: RecurringDutyV1[];
  /** Fixed id (the seed uses one so it can run twice); otherwise a fresh uuid. */
  id?: string;
}

export class WorkflowStartError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'WorkflowStartError';
  }
}

/** Writes the plan and its goals, then starts the plan workflow; rolls the rows back if it cannot start. */
export async function createPlan(deps: PlanServiceDeps, plan: NewPlan, actor: Actor, policy: Policy = currentPolicy()): Promise<PlanRow> {
  const id = plan.id ?? randomUUID();
  const startDate = zonedTimeToInstant(parseCivilDate(plan.startDate), { hour: 0, minute: 0 }, plan.timeZone);
  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.actionPlan.create({
      data: {
        id,
        title: plan.title,
        startDate,
        months: plan.months,
        timeZone: plan.timeZone,
        workflowId: actionPlanWorkflowId(id),
        goals: { create: plan.goals.map((g) => ({ number: g.number, title: g.title, description: g.description })) },
      },
    });
    await appendAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'plan.created',
      entityType: 'ActionPlan',
      entityId: id,
      planId: id,
      data: { title: plan.title, startDate: plan.startDate, months: plan.months, goals: plan.goals.length, duties: plan.duties.map((d) => d.key) },
    });
    return created;
  });
  try {
    await startPlanWorkflow(deps, planWorkflowInput(row, policy, plan.duties));
  } catch (err) {
    await deps.db.$transaction(async (tx) => {
      await tx.actionPlan.delete({ where: { id } });
      await appendAudit(tx, {
        actorId: actor.id,
        actorLabel: actor.name,
        action: 'plan.creation_rolled_back',
        entityType: 'ActionPlan',
        entityId: id,
        planId: id,
        data: { reason: err instanceof Error ? err.message.slice(0, 500) : 'workflow start failed' },
      });
    });
    throw new WorkflowStartError('could not start the plan workflow; nothing was recorded', err);
  }
  return row;
}

/** A plan as a person asks for it: the time zone defaults to the city's. */
export interface PlanRequest {
  title: string;
  startDate: string;
  months: number;
  timeZone?: string;
  goals: NewGoal[];
  recurringDuties: RecurringDutyV1[];
}

/**
 * Checks a requested plan (time zone, goal numbers, duty keys, goals and
 * people of the duties), then creates it. A workflow service that cannot
 * start the plan is a 503, with nothing recorded.
 */
export async function addPlan(deps: PlanServiceDeps, request: PlanRequest, actor: Actor) {
  const timeZone = request.timeZone ?? deps.config.CITY_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) throw badRequest('timeZone', 'is not a known IANA time zone', 'invalid_input', { code: 'invalid_choice' });
  const goalNumbers = new Set<number>();
  request.goals.forEach((g, i) => {
    if (goalNumbers.has(g.number)) throw unprocessable(`goals.${i}.number`, `goal number ${g.number} appears twice`, { code: 'duplicate' });
    goalNumbers.add(g.number);
  });
  const duties = request.recurringDuties;
  const people = await activePersonIds(deps.db, duties.flatMap((d) => [d.ownerId, d.sponsorId]));
  const dutyKeys = new Set<string>();
  duties.forEach((d, i) => {
    if (dutyKeys.has(d.key)) throw unprocessable(`recurringDuties.${i}.key`, `duty key ${d.key} appears twice`, { code: 'duplicate' });
    dutyKeys.add(d.key);
    if (!goalNumbers.has(d.goalNumber)) throw unprocessable(`recurringDuties.${i}.goalNumber`, `no goal number ${d.goalNumber} in this plan`, { code: 'unknown' });
    assertOwnerAndSponsor(people, d, `recurringDuties.${i}.`);
  });
  try {
    const plan = await createPlan(deps, { title: request.title, startDate: request.startDate, months: request.months, timeZone, goals: request.goals, duties }, actor);
    return planJson(plan);
  } catch (err) {
    if (err instanceof WorkflowStartError) throw unavailable(err.message);
    throw err;
  }
}

export interface NewItem {
  goalId: string;
  title: string;
  description: string;
  ownerId: string;
  sponsorId: string;
  dueAt: Date;
  milestones?: { title: string; dueAt: Date | null }[];
  /** Fixed id (seed); otherwise a fresh uuid. */
  id?: string;
  /** The Goal 1 engagement session this item follows up. */
  engagementSessionId?: string;
}

const itemInclude = { owner: { select: { name: true } }, goal: { select: { title: true } } } as const;

/**
 * Writes items (all or none) with their audit events, then starts their
 * workflows. Items whose workflow could not start are removed again and
 * reported in `failed`; the caller decides how to answer.
 */
export async function createItems(
  deps: PlanServiceDeps,
  plan: PlanRow,
  items: NewItem[],
  actor: Actor,
  policy: Policy = currentPolicy(),
): Promise<{ created: ItemRowForInput[]; failed: { itemId: string; error: string }[] }> {
  const rows = await deps.db.$transaction(
    async (tx) => {
      const created = [];
      const audit = [];
      for (const item of items) {
        const id = item.id ?? randomUUID();
        const row = await tx.actionItem.create({
          data: {
            id,
            planId: plan.id,
            goalId: item.goalId,
            title: item.title,
            description: item.description,
            ownerId: item.ownerId,
            sponsorId: item.sponsorId,
            dueAt: item.dueAt,
            workflowId: actionItemWorkflowId(id),
            milestones: item.milestones?.length ? { create: item.milestones.map((m) => ({ title: m.title, dueAt: m.dueAt })) } : undefined,
            engagementSessionId: item.engagementSessionId,
          },
          include: itemInclude,
        });
        audit.push({
          actorId: actor.id,
          actorLabel: actor.name,
          action: 'item.created',
          entityType: 'ActionItem',
          entityId: id,
          planId: plan.id,
          data: {
            title: item.title,
            goalId: item.goalId,
            ownerId: item.ownerId,
            sponsorId: item.sponsorId,
            dueAt: item.dueAt.toISOString(),
            ...(item.engagementSessionId ? { engagementSessionId: item.engagementSessionId } : {}),
          },
        });
        created.push(row);
      }
      // One write for every item's event; the chain is linked when this transaction commits.
      await appendAuditBatch(tx, audit);
      return created;
    },
    { timeout: 60_000 },
  );

  const failed: { itemId: string; error: string }[] = [];
  const results = await startItemWorkflows(deps, rows, plan, policy);
  results.forEach((r, i) => {
    if (r.status === 'rejected') failed.push({ itemId: rows[i].id, error: (r.reason as Error)?.message ?? String(r.reason) });
  });
  if (failed.length > 0) {
    const failedIds = failed.map((f) => f.itemId);
    await deps.db.$transaction(async (tx) => {
      await tx.actionItem.deleteMany({ where: { id: { in: failedIds } } });
      await appendAudit(tx, {
        actorId: actor.id,
        actorLabel: actor.name,
        action: 'item.creation_rolled_back',
        entityType: 'ActionPlan',
        entityId: plan.id,
        planId: plan.id,
        data: { itemIds: failedIds, reason: failed[0].error.slice(0, 500) },
      });
    });
  }
  const created = rows.filter((r) => !failed.some((f) => f.itemId === r.id));
  await announceItems(deps, plan, created);
  return { created, failed };
}

/** Starts each item's workflow (an item whose workflow already runs counts as started), a bounded number at a time. */
export function startItemWorkflows(deps: PlanServiceDeps, rows: ItemRowForInput[], plan: Pick<PlanRow, 'id' | 'timeZone'>, policy: Policy) {
  return settleWithConcurrency(rows, ITEM_STARTS_IN_FLIGHT, (row) => startItemWorkflow(deps, itemWorkflowInput(row, plan, policy)));
}

/** Workflow starts in flight at once for a batch of items. */
const ITEM_STARTS_IN_FLIGHT = 32;

/**
 * Tells the plan workflow about new items (its running count). Best effort:
 * a closed plan or an unreachable server loses nothing, since snapshots and
 * the final report read the items from the database.
 */
export async function announceItems(deps: PlanServiceDeps, plan: Pick<PlanRow, 'id'>, items: { id: string; goalId: string; title: string; dueAt: Date }[]): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(actionPlanWorkflowId(plan.id));
  await Promise.allSettled(
    items.map((item) => handle.signal(itemAddedSignal, { itemId: item.id, goalId: item.goalId, title: item.title, dueAt: item.dueAt.toISOString() })),
  );
}
