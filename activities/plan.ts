// Side effects of the action plan: persistence of progress and reschedules,
// monthly snapshots, the final report, recurring items and the audit trail
// (the recurring-duty Schedules are in planSchedules.ts). Every activity is
// idempotent: retries find the row they (or an earlier attempt) wrote and
// return it instead of writing a second one.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit, type TxClient } from '../lib/audit';
import { actionItemWorkflowId } from '../domain/ids';
import { currentPolicy, getPolicy, type Policy } from '../policy/index';
import type { Role } from '../domain/roles';
import type { ActorV1 } from '../domain/contracts/common';
import type { BoardCommentV1, ItemStatusV1, SnapshotSummaryV1 } from '../domain/contracts/plan';
import type { FinalReportGoal, FinalReportItem, FinalReportV1, ObjectiveStatus, PlanActivities } from '../domain/contracts/planActivities';
import type { PlanFigures } from '../domain/planFigures';
import { loadPlanFigures } from '../lib/planFigures';
import { isItemOverdue } from '../domain/overdue';
import { AWAITING_ANSWER_STATUSES } from '../domain/comments';
import { daysOverdue } from '../domain/planLadder';
import { createDutyScheduleActivities } from './planSchedules';

export interface PlanActivityDeps {
  db: Db;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'PUBLIC_BASE_URL'>;
  /** Used for Schedules; defaults to the worker's own client (Context.current().client). */
  temporal?: Client;
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === 'P2002';

function outcomeOf(item: { status: ItemStatusV1; dueAt: Date; completedAt: Date | null }, at: Date): FinalReportItem['outcome'] {
  if (item.status === 'DONE') return item.completedAt && item.completedAt.getTime() > item.dueAt.getTime() ? 'MET_LATE' : 'MET';
  return isItemOverdue(item, at) ? 'MISSED' : 'OPEN';
}

function objectiveStatus(counts: Record<FinalReportItem['outcome'], number>, total: number): ObjectiveStatus {
  if (total === 0) return 'NO_ITEMS';
  const met = counts.MET + counts.MET_LATE;
  if (met === total) return 'MET';
  return met === 0 ? 'NOT_MET' : 'PARTIALLY_MET';
}

async function buildFinalReport(tx: TxClient, planId: string, at: Date): Promise<FinalReportV1> {
  const plan = await tx.actionPlan.findUniqueOrThrow({
    where: { id: planId },
    include: { goals: { orderBy: { number: 'asc' } }, items: { orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] }, snapshots: { orderBy: { month: 'asc' } } },
  });
  const zero = (): Record<FinalReportItem['outcome'], number> => ({ MET: 0, MET_LATE: 0, MISSED: 0, OPEN: 0 });
  const totals = { ...zero(), items: 0 };
  const goals: FinalReportGoal[] = plan.goals.map((goal) => {
    const counts = zero();
    const items: FinalReportItem[] = plan.items
      .filter((i) => i.goalId === goal.id)
      .map((i) => {
        const outcome = outcomeOf(i, at);
        counts[outcome] += 1;
        totals[outcome] += 1;
        totals.items += 1;
        return {
          itemId: i.id,
          title: i.title,
          status: i.status,
          percentComplete: i.percentComplete,
          dueAt: i.dueAt.toISOString(),
          completedAt: i.completedAt?.toISOString() ?? null,
          outcome,
        };
      });
    return { goalId: goal.id, number: goal.number, title: goal.title, objectiveStatus: objectiveStatus(counts, items.length), counts, items };
  });
  const monthlyHistory = plan.snapshots.map((s) => {
    const data = s.data as { totals?: { done?: number; items?: number; averagePercent?: number } };
    return {
      month: s.month,
      period: s.period,
      takenAt: s.takenAt.toISOString(),
      done: data.totals?.done ?? 0,
      items: data.totals?.items ?? 0,
      averagePercent: data.totals?.averagePercent ?? 0,
    };
  });
  const objectivesMet = goals.filter((g) => g.objectiveStatus === 'MET').length;
  const summary =
    `${objectivesMet} of ${goals.length} objective${goals.length === 1 ? '' : 's'} fully met; ` +
    `${totals.MET + totals.MET_LATE} of ${totals.items} action item${totals.items === 1 ? '' : 's'} done (${totals.MET_LATE} late), ${totals.MISSED} missed.`;
  return { version: 1, planId, planTitle: plan.title, finalReportAt: at.toISOString(), summary, months: plan.months, goals, totals, monthlyHistory };
}

/** Who gets the monthly digest: the city manager, the board, stakeholder leads, and every owner and sponsor. */
export async function digestRecipientIds(db: Db, planId: string, policy: Policy): Promise<string[]> {
  const roles = [...new Set<Role>(['CITY_MANAGER', 'STAKEHOLDER_LEAD', ...policy.actionPlan.boardRoles])];
  const [byRole, items] = await Promise.all([
    db.person.findMany({ where: { active: true, roles: { hasSome: roles } }, select: { id: true } }),
    db.actionItem.findMany({
      where: { planId },
      select: { owner: { select: { id: true, active: true } }, sponsor: { select: { id: true, active: true } } },
    }),
  ]);
  const ids = new Set(byRole.map((p) => p.id));
  for (const item of items) {
    if (item.owner.active) ids.add(item.owner.id);
    if (item.sponsor.active) ids.add(item.sponsor.id);
  }
  return [...ids].sort();
}

/**
 * Residents' comments the overdue ladder took to the board (the comment
 * workflow's BOARD_DIGEST step flags them) and still owed an answer at `at`:
 * the monthly digest lists them beside the flagged items, and an answer takes
 * one off the next digest. Titles and dates only: the digest goes to staff and
 * the snapshot is published, so neither the words nor the resident appear.
 */
async function loadBoardComments(tx: TxClient, figures: PlanFigures, at: Date): Promise<BoardCommentV1[]> {
  const rows = await tx.publicComment.findMany({
    where: { planId: figures.planId, flaggedForBoardAt: { not: null, lte: at }, status: { in: [...AWAITING_ANSWER_STATUSES] } },
    select: { id: true, itemId: true, goalId: true, receivedAt: true, dueAt: true },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => {
    const goal = figures.goals.find((g) => g.goalId === row.goalId);
    const item = row.itemId ? figures.items.find((i) => i.itemId === row.itemId) : undefined;
    return {
      commentId: row.id,
      itemId: row.itemId,
      goalNumber: goal?.number ?? 0,
      title: item?.title ?? goal?.title ?? '',
      receivedAt: row.receivedAt.toISOString(),
      dueAt: row.dueAt.toISOString(),
      daysOverdue: daysOverdue(row.dueAt.getTime(), at.getTime(), figures.timeZone),
    };
  });
}

function policyOrCurrent(version: string): Policy {
  try {
    return getPolicy(version);
  } catch {
    return currentPolicy();
  }
}

const actorLabel = (by: ActorV1) => by.name || by.personId;

// ---------------------------------------------------------------- activities

/** The public dashboard page of a plan (served by web/router.ts). */
export const publicPlanUrl = (publicBaseUrl: string, planId: string): string =>
  `${publicBaseUrl.replace(/\/$/, '')}/plans/${encodeURIComponent(planId)}`;

export function createPlanActivities(deps: PlanActivityDeps): PlanActivities {
  const { db } = deps;
  const dashboardUrl = (planId: string) => publicPlanUrl(deps.config.PUBLIC_BASE_URL, planId);

  return {
    ...createDutyScheduleActivities(deps),

    async recordItemProgress(input) {
      await db.$transaction(async (tx) => {
        if (await tx.progressUpdate.findUnique({ where: { id: input.progressId }, select: { id: true } })) return;
        const at = new Date(input.at);
        await tx.progressUpdate.create({
          data: {
            id: input.progressId,
            itemId: input.itemId,
            authorId: input.by.personId,
            at,
            status: input.reportedStatus,
            percentComplete: input.reportedPercent,
            note: input.note,
            via: input.via,
          },
        });
        await tx.actionItem.update({
          where: { id: input.itemId },
          data: {
            status: input.status,
            percentComplete: input.percentComplete,
            completedAt: input.completedAt ? new Date(input.completedAt) : null,
          },
        });
        await appendAudit(tx, {
          actorId: input.by.personId,
          actorLabel: actorLabel(input.by),
          action: input.status === 'DONE' ? 'item.completed' : 'item.progress',
          entityType: 'ActionItem',
          entityId: input.itemId,
          planId: input.planId,
          data: { progressId: input.progressId, via: input.via, status: input.status, percentComplete: input.percentComplete, note: input.note },
          at,
        });
      });
    },

    async recordRescheduleRequest(input) {
      await db.$transaction(async (tx) => {
        if (await tx.rescheduleRequest.findUnique({ where: { id: input.requestId }, select: { id: true } })) return;
        const at = new Date(input.at);
        await tx.rescheduleRequest.create({
          data: {
            id: input.requestId,
            itemId: input.itemId,
            requestedById: input.by.personId,
            fromDueAt: new Date(input.fromDueAt),
            toDueAt: new Date(input.toDueAt),
            reason: input.reason,
            status: 'PENDING',
            createdAt: at,
          },
        });
        await appendAudit(tx, {
          actorId: input.by.personId,
          actorLabel: actorLabel(input.by),
          action: 'item.reschedule-requested',
          entityType: 'ActionItem',
          entityId: input.itemId,
          planId: input.planId,
          data: { requestId: input.requestId, fromDueAt: input.fromDueAt, toDueAt: input.toDueAt, reason: input.reason },
          at,
        });
      });
    },

    async recordRescheduleDecision(input) {
      await db.$transaction(async (tx) => {
        const request = await tx.rescheduleRequest.findUniqueOrThrow({ where: { id: input.requestId } });
        if (request.status !== 'PENDING') return;
        const at = new Date(input.at);
        await tx.rescheduleRequest.update({
          where: { id: input.requestId },
          data: { status: input.decision === 'APPROVE' ? 'APPROVED' : 'REJECTED', decidedById: input.by.personId, decidedAt: at, decisionNote: input.note },
        });
        if (input.newDueAt) await tx.actionItem.update({ where: { id: input.itemId }, data: { dueAt: new Date(input.newDueAt) } });
        await appendAudit(tx, {
          actorId: input.by.personId,
          actorLabel: actorLabel(input.by),
          action: input.decision === 'APPROVE' ? 'item.reschedule-approved' : 'item.reschedule-rejected',
          entityType: 'ActionItem',
          entityId: input.itemId,
          planId: input.planId,
          data: { requestId: input.requestId, fromDueAt: request.fromDueAt.toISOString(), toDueAt: request.toDueAt.toISOString(), note: input.note },
          at,
        });
      });
    },

    async recordItemEscalation(input) {
      await db.$transaction(async (tx) => {
        const already = await tx.auditEvent.findFirst({
          where: { action: 'item.escalated', entityId: input.itemId, data: { path: ['eventId'], equals: input.event.id } },
          select: { seq: true },
        });
        if (already) return;
        await appendAudit(tx, {
          actorLabel: 'system',
          action: 'item.escalated',
          entityType: 'ActionItem',
          entityId: input.itemId,
          planId: input.planId,
          data: { eventId: input.event.id, step: input.event.stepKey, notify: input.event.notify, dueAt: input.event.dueAt, notifiedPersonIds: input.notifiedPersonIds },
          at: new Date(input.firedAt),
        });
      });
    },

    async itemContacts({ itemId }) {
      const item = await db.actionItem.findUniqueOrThrow({ where: { id: itemId }, select: { ownerId: true, sponsorId: true } });
      const managers = await db.person.findMany({
        where: { active: true, roles: { has: 'CITY_MANAGER' } },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      return { ownerId: item.ownerId, sponsorId: item.sponsorId, cityManagerIds: managers.map((m) => m.id) };
    },

    async takeMonthlySnapshot(input) {
      const takenAt = new Date(input.takenAt);
      const summaryOf = (data: unknown, created: boolean): SnapshotSummaryV1 => {
        const d = data as PlanFigures & { boardComments?: BoardCommentV1[] };
        return {
          planId: input.planId,
          planTitle: d.planTitle,
          month: input.month,
          period: input.period,
          takenAt: input.takenAt,
          created,
          totals: d.totals,
          goals: d.goals,
          dashboardUrl: dashboardUrl(input.planId),
          boardComments: d.boardComments ?? [],
        };
      };
      const existing = await db.dashboardSnapshot.findUnique({ where: { planId_month: { planId: input.planId, month: input.month } } });
      if (existing) return { ...summaryOf(existing.data, false), takenAt: existing.takenAt.toISOString() };
      try {
        return await db.$transaction(async (tx) => {
          const figures = await loadPlanFigures(tx, input.planId, takenAt);
          if (!figures) throw new Error(`plan ${input.planId} not found`);
          const data = {
            version: 1,
            ...figures,
            month: input.month,
            period: input.period,
            boardFlags: input.boardFlags.map((f) => ({ itemId: f.itemId, title: f.title, dueAt: f.dueAt, flaggedAt: f.flaggedAt })),
            // Kept with the snapshot so a retried activity hands the digest the same list.
            boardComments: await loadBoardComments(tx, figures, takenAt),
          };
          await tx.dashboardSnapshot.create({
            data: { planId: input.planId, month: input.month, period: input.period, takenAt, publishedAt: takenAt, data: JSON.parse(JSON.stringify(data)) },
          });
          await appendAudit(tx, {
            actorLabel: 'system',
            action: 'plan.snapshot-published',
            entityType: 'ActionPlan',
            entityId: input.planId,
            planId: input.planId,
            data: { month: input.month, period: input.period, totals: figures.totals },
            at: takenAt,
          });
          return summaryOf(data, true);
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const row = await db.dashboardSnapshot.findUniqueOrThrow({ where: { planId_month: { planId: input.planId, month: input.month } } });
        return { ...summaryOf(row.data, false), takenAt: row.takenAt.toISOString() };
      }
    },

    async planDigestRecipients({ planId, policyVersion }) {
      return digestRecipientIds(db, planId, policyOrCurrent(policyVersion));
    },

    async produceFinalReport({ planId, at }) {
      return db.$transaction(async (tx) => {
        const plan = await tx.actionPlan.findUniqueOrThrow({ where: { id: planId }, select: { finalReport: true } });
        if (plan.finalReport) return { ...(plan.finalReport as unknown as FinalReportV1), reportUrl: dashboardUrl(planId) };
        const when = new Date(at);
        const report = await buildFinalReport(tx, planId, when);
        await tx.actionPlan.update({
          where: { id: planId },
          data: { finalReport: JSON.parse(JSON.stringify(report)), finalReportAt: when, status: 'CLOSED' },
        });
        await appendAudit(tx, {
          actorLabel: 'system',
          action: 'plan.final-report',
          entityType: 'ActionPlan',
          entityId: planId,
          planId,
          data: { totals: report.totals, goals: report.goals.map((g) => ({ number: g.number, objectiveStatus: g.objectiveStatus })) },
          at: when,
        });
        return { ...report, reportUrl: dashboardUrl(planId) };
      });
    },

    async createRecurringItem(input) {
      const found = await db.actionItem.findUnique({ where: { recurrenceKey: input.recurrenceKey } });
      const resultOf = (row: { id: string; workflowId: string; goalId: string; title: string; dueAt: Date }, created: boolean) => ({
        itemId: row.id,
        workflowId: row.workflowId,
        goalId: row.goalId,
        title: row.title,
        dueAt: row.dueAt.toISOString(),
        created,
      });
      if (found) return resultOf(found, false);
      const goal = await db.goal.findUniqueOrThrow({ where: { planId_number: { planId: input.planId, number: input.duty.goalNumber } } });
      const id = randomUUID();
      try {
        const row = await db.$transaction(async (tx) => {
          const created = await tx.actionItem.create({
            data: {
              id,
              planId: input.planId,
              goalId: goal.id,
              title: `${input.duty.title} (${input.periodKey})`,
              description: input.duty.description,
              ownerId: input.duty.ownerId,
              sponsorId: input.duty.sponsorId,
              dueAt: new Date(input.dueAt),
              workflowId: actionItemWorkflowId(id),
              recurrenceKey: input.recurrenceKey,
            },
          });
          await appendAudit(tx, {
            actorLabel: 'schedule',
            action: 'item.created',
            entityType: 'ActionItem',
            entityId: id,
            planId: input.planId,
            data: { recurrenceKey: input.recurrenceKey, title: created.title, dueAt: input.dueAt },
          });
          return created;
        });
        return resultOf(row, true);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return resultOf(await db.actionItem.findUniqueOrThrow({ where: { recurrenceKey: input.recurrenceKey } }), false);
      }
    },
  };
}
