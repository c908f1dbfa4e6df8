// Plan progress figures, computed from an item's public fields: what the
// monthly snapshot publishes and the dashboard shows live.
import type { GoalFiguresV1, ItemStatusV1, SnapshotSummaryV1 } from './contracts/plan';
import { isItemOverdue } from './overdue';

export interface PlanItemFigures {
  itemId: string;
  goalId: string;
  goalNumber: number;
  title: string;
  owner: { name: string; organisation: string | null };
  status: ItemStatusV1;
  percentComplete: number;
  dueAt: string;
  completedAt: string | null;
  overdue: boolean;
}

export interface PlanFigures {
  planId: string;
  planTitle: string;
  timeZone: string;
  asOf: string;
  totals: SnapshotSummaryV1['totals'];
  goals: GoalFiguresV1[];
  items: PlanItemFigures[];
}

function emptyFigures(): Omit<GoalFiguresV1, 'goalId' | 'number' | 'title'> {
  return { items: 0, done: 0, inProgress: 0, blocked: 0, notStarted: 0, overdue: 0, averagePercent: 0 };
}

export function tallyItems(items: PlanItemFigures[]): Omit<GoalFiguresV1, 'goalId' | 'number' | 'title'> {
  const f = emptyFigures();
  for (const item of items) {
    f.items += 1;
    if (item.status === 'DONE') f.done += 1;
    else if (item.status === 'IN_PROGRESS') f.inProgress += 1;
    else if (item.status === 'BLOCKED') f.blocked += 1;
    else f.notStarted += 1;
    if (item.overdue) f.overdue += 1;
  }
  f.averagePercent = items.length === 0 ? 0 : Math.round(items.reduce((sum, i) => sum + i.percentComplete, 0) / items.length);
  return f;
}
/** Figures for a plan's goals and items (already in display order) as of an instant. */
export function planFigures(
  plan: { id: string; title: string; timeZone: string; goals: { id: string; number: number; title: string }[] },
  items: Omit<PlanItemFigures, 'goalNumber' | 'overdue'>[],
  asOf: Date,
): PlanFigures {
  const goalNumber = new Map(plan.goals.map((g) => [g.id, g.number]));
  const figures: PlanItemFigures[] = items.map((item) => ({
    ...item,
    goalNumber: goalNumber.get(item.goalId) ?? 0,
    overdue: isItemOverdue(item, asOf),
  }));
  const goals: GoalFiguresV1[] = plan.goals.map((g) => ({
    goalId: g.id,
    number: g.number,
    title: g.title,
    ...tallyItems(figures.filter((i) => i.goalId === g.id)),
  }));
  return { planId: plan.id, planTitle: plan.title, timeZone: plan.timeZone, asOf: asOf.toISOString(), totals: tallyItems(figures), goals, items: figures };
}
