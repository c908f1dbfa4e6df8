// What signed-in people see of the action plans: plans with their goals,
// items with their owner and sponsor, one item's history, the dashboard and
// "my items". Read from the database; live workflow state is added where the
// workflow answers in time, and left out (null) where it does not.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Prisma } from '../generated/prisma/client';
import { loadPlanFigures } from '../lib/planFigures';
import { actionPlanWorkflowId } from '../domain/ids';
import { isItemOverdue } from '../domain/overdue';
import { formatCivilDate, localDateOf } from '../domain/time/cityTime';
import { itemStateQuery, planStateQuery, type ItemStatusV1 } from '../domain/contracts/plan';
import type { FinalReportV1 } from '../domain/contracts/planActivities';
import { notFound } from './errors';
import { sleepingItem, tryQuery } from './temporal';

/** The plan's start as a city-local calendar date. */
export const planLocalStartDate = (plan: { startDate: Date; timeZone: string }): string =>
  formatCivilDate(localDateOf(plan.startDate, plan.timeZone));

export type PlanRecord = NonNullable<Awaited<ReturnType<Db['actionPlan']['findUnique']>>>;

const itemInclude = {
  owner: { select: { id: true, name: true, organisation: true, email: true } },
  sponsor: { select: { id: true, name: true, organisation: true, email: true } },
  goal: { select: { number: true, title: true } },
} as const;

export type ItemWithPeople = Prisma.ActionItemGetPayload<{ include: typeof itemInclude }>;

/** Soonest due first; the id keeps items due together in a stable order. */
const BY_DUE_DATE: Prisma.ActionItemOrderByWithRelationInput[] = [{ dueAt: 'asc' }, { id: 'asc' }];

export function planJson(plan: Pick<PlanRecord, 'id' | 'title' | 'startDate' | 'months' | 'timeZone' | 'status' | 'workflowId'> & { finalReportAt?: Date | null }) {
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

export const goalJson = (goal: { id: string; number: number; title: string; description: string }) => ({
  id: goal.id,
  number: goal.number,
  title: goal.title,
  description: goal.description,
});

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
    overdue: isItemOverdue(item, now),
    recurrenceKey: item.recurrenceKey,
    workflowId: item.workflowId,
  };
}

const itemsJson = (items: ItemWithPeople[]) => {
  const now = new Date();
  return items.map((item) => itemJson(item, now));
};

export async function findPlan(db: Db, planId: string): Promise<PlanRecord> {
  const plan = await db.actionPlan.findUnique({ where: { id: planId } });
  if (!plan) throw notFound('action plan');
  return plan;
}

export async function findItem(db: Db, planId: string, itemId: string): Promise<ItemWithPeople> {
  const item = await db.actionItem.findFirst({ where: { id: itemId, planId }, include: itemInclude });
  if (!item) throw notFound('action item');
  return item;
}

export async function listPlans(db: Db) {
  const plans = await db.actionPlan.findMany({ orderBy: { startDate: 'desc' } });
  return { plans: plans.map(planJson) };
}

export async function planDetail(db: Db, planId: string) {
  const plan = await findPlan(db, planId);
  const [goals, items] = await Promise.all([
    db.goal.findMany({ where: { planId }, orderBy: { number: 'asc' } }),
    db.actionItem.findMany({ where: { planId }, include: itemInclude, orderBy: BY_DUE_DATE }),
  ]);
  return { plan: planJson(plan), goals: goals.map(goalJson), items: itemsJson(items) };
}

/**
 * Who an item of this plan may be given to, as owner or sponsor: the active
 * people, by name. Names, titles and groups only: the same as an item shows
 * of its owner, never an address.
 */
export async function itemPeople(db: Db, planId: string) {
  await findPlan(db, planId);
  const people = await db.person.findMany({ where: { active: true }, select: { id: true, name: true, title: true, organisation: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  return { people };
}

export async function listItems(db: Db, planId: string, filter: { status?: ItemStatusV1; goal?: number }) {
  await findPlan(db, planId);
  const items = await db.actionItem.findMany({
    where: { planId, ...(filter.status ? { status: filter.status } : {}), ...(filter.goal ? { goal: { number: filter.goal } } : {}) },
    include: itemInclude,
    orderBy: BY_DUE_DATE,
  });
  return { items: itemsJson(items) };
}

/** Items by id, as the API shows them (the answer to an import). */
export async function itemsById(db: Db, ids: string[]) {
  return itemsJson(await db.actionItem.findMany({ where: { id: { in: ids } }, include: itemInclude, orderBy: BY_DUE_DATE }));
}

/** The plan and its items in export order: by goal, then due date. */
export async function itemsForExport(db: Db, planId: string) {
  const plan = await findPlan(db, planId);
  const items = await db.actionItem.findMany({ where: { planId }, include: itemInclude, orderBy: [{ goal: { number: 'asc' } }, ...BY_DUE_DATE] });
  return { plan, items };
}

export async function itemsJsonExport(db: Db, planId: string) {
  const { plan, items } = await itemsForExport(db, planId);
  return { plan: planJson(plan), items: itemsJson(items) };
}

/**
 * One item: its record, the workflow's live state (while it runs and
 * answers), or while it sleeps until its first step comes near, when it wakes
 * and for what; milestones, progress history and reschedule requests.
 */
export async function itemDetail(db: Db, temporal: Client, planId: string, itemId: string) {
  const item = await findItem(db, planId, itemId);
  const [progress, reschedules, milestones, live] = await Promise.all([
    db.progressUpdate.findMany({ where: { itemId }, orderBy: { at: 'desc' }, take: 100 }),
    db.rescheduleRequest.findMany({ where: { itemId }, orderBy: { createdAt: 'desc' } }),
    db.milestone.findMany({ where: { itemId }, orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }),
    item.status === 'DONE' ? Promise.resolve(undefined) : tryQuery(temporal, item.workflowId, itemStateQuery),
  ]);
  const asleep = live === undefined && item.status !== 'DONE' ? await sleepingItem(temporal, item.workflowId) : undefined;
  return {
    item: itemJson(item),
    live: live ?? null,
    asleep: asleep ?? null,
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
  };
}

/** Current figures, the monthly history, the final report and (while the plan runs) what its workflow does next. */
export async function planDashboard(db: Db, temporal: Client, planId: string) {
  const plan = await findPlan(db, planId);
  const [current, snapshots, live] = await Promise.all([
    loadPlanFigures(db, planId, new Date()),
    db.dashboardSnapshot.findMany({ where: { planId }, orderBy: { month: 'asc' } }),
    plan.status === 'ACTIVE' ? tryQuery(temporal, actionPlanWorkflowId(planId), planStateQuery) : Promise.resolve(undefined),
  ]);
  return {
    plan: planJson(plan),
    current,
    history: snapshots.map((s) => {
      const data = s.data as { totals?: unknown; goals?: unknown; boardFlags?: unknown };
      return { month: s.month, period: s.period, takenAt: s.takenAt.toISOString(), totals: data.totals ?? null, goals: data.goals ?? [], boardFlags: data.boardFlags ?? [] };
    }),
    finalReport: (plan.finalReport as unknown as FinalReportV1 | null) ?? null,
    live: live ? { nextSnapshotAt: live.nextSnapshotAt, monthsCompleted: live.monthsCompleted, pendingBoardFlags: live.pendingBoardFlags } : null,
  };
}

/** The items a person owns, and those they sponsor. */
export async function myItems(db: Db, personId: string) {
  const [owned, sponsored] = await Promise.all([
    db.actionItem.findMany({ where: { ownerId: personId }, include: itemInclude, orderBy: BY_DUE_DATE }),
    db.actionItem.findMany({ where: { sponsorId: personId }, include: itemInclude, orderBy: BY_DUE_DATE }),
  ]);
  const now = new Date();
  return { items: owned.map((i) => itemJson(i, now)), sponsored: sponsored.map((i) => itemJson(i, now)) };
}
