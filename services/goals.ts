// Adding a goal to a plan that is under way. (A new plan's goals are written
// with the plan itself, by createPlan.)
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import { conflict } from './errors';
import { assertPlanActive, type Actor, type NewGoal } from './planService';
import { findPlan, goalJson } from './planViews';

/** Numbers are the plan's own labels (Goal 1, Goal 2), so a number is taken once. */
export async function addGoal(db: Db, planId: string, goal: NewGoal, actor: Actor) {
  const plan = await findPlan(db, planId);
  assertPlanActive(plan);
  if (await db.goal.findUnique({ where: { planId_number: { planId, number: goal.number } } })) {
    throw conflict(`goal ${goal.number} already exists in this plan`, 'already_exists');
  }
  const row = await db.$transaction(async (tx) => {
    const created = await tx.goal.create({ data: { planId, number: goal.number, title: goal.title, description: goal.description } });
    await appendAudit(tx, {
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'goal.created',
      entityType: 'Goal',
      entityId: created.id,
      planId,
      data: { number: created.number, title: created.title },
    });
    return created;
  });
  return goalJson(row);
}
