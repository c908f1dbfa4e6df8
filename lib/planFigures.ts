// The plan figures read from the database: shared by the monthly snapshot
// activity and the live dashboard, so both publish the same numbers.
import type { TxClient } from './audit';
import type { Db } from './db';
import { planFigures, type PlanFigures } from '../domain/planFigures';

/**
 * Progress per goal and per item as of an instant. Only public fields: owners
 * appear by name and organisation, never by contact details or notes.
 */
export async function loadPlanFigures(db: Db | TxClient, planId: string, asOf: Date): Promise<PlanFigures | null> {
  const plan = await db.actionPlan.findUnique({
    where: { id: planId },
    include: {
      goals: { orderBy: { number: 'asc' } },
      items: { orderBy: [{ dueAt: 'asc' }, { id: 'asc' }], include: { owner: { select: { name: true, organisation: true } } } },
    },
  });
  if (!plan) return null;
  const items = plan.items.map((item) => ({
    itemId: item.id,
    goalId: item.goalId,
    title: item.title,
    owner: { name: item.owner.name, organisation: item.owner.organisation },
    status: item.status,
    percentComplete: item.percentComplete,
    dueAt: item.dueAt.toISOString(),
    completedAt: item.completedAt?.toISOString() ?? null,
  }));
  return planFigures(plan, items, asOf);
}
