// What the public sees of the action plans: the plans, and for each what has
// been published (the monthly snapshots once their publication time has come,
// and the final report). Owners appear by organisation, never by name or
// contact, and nothing private (notes, people's ids) leaves.
import type { Db } from '../lib/db';
import type { FinalReportV1 } from '../domain/contracts/planActivities';
import { findPlan, planLocalStartDate } from './planViews';

export async function publicPlans(db: Db) {
  const plans = await db.actionPlan.findMany({ orderBy: { startDate: 'desc' }, include: { _count: { select: { snapshots: true } } } });
  return {
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
  };
}

export async function publicPlan(db: Db, planId: string) {
  const plan = await findPlan(db, planId);
  const [goals, snapshots] = await Promise.all([
    db.goal.findMany({ where: { planId }, orderBy: { number: 'asc' } }),
    db.dashboardSnapshot.findMany({ where: { planId, publishedAt: { lte: new Date() } }, orderBy: { month: 'asc' } }),
  ]);
  const report = plan.finalReport as unknown as FinalReportV1 | null;
  return {
    plan: { id: plan.id, title: plan.title, startDate: planLocalStartDate(plan), months: plan.months, timeZone: plan.timeZone, status: plan.status },
    goals: goals.map((g) => ({ number: g.number, title: g.title, description: g.description })),
    snapshots: snapshots.map(publicSnapshot),
    finalReport: report ? publicFinalReport(report) : null,
  };
}

/** Only the fields the public may see from a stored snapshot. */
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

function publicFinalReport(report: FinalReportV1) {
  return {
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
  };
}
