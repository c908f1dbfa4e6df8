// A workflow's start input rebuilt from the rows it was started for. The API
// builds it when it creates the rows; whoever repairs a start a crash left
// undone (a keyed retry, the reconciler) builds the same input again.
import type { ActorV1 } from '../domain/contracts/common';
import type { DeclareIncidentInputV1 } from '../domain/contracts/incident';
import type { ActionItemInputV1, ItemLadderV1 } from '../domain/contracts/plan';
import { actionPlanWorkflowId } from '../domain/ids';
import { itemLadderFromPolicy } from '../domain/planLadder';
import type { Policy, SeverityLevel } from '../domain/policy/schema';

export interface ItemRowForInput {
  id: string;
  planId: string;
  goalId: string;
  title: string;
  ownerId: string;
  sponsorId: string;
  dueAt: Date;
  status?: 'NOT_STARTED' | 'IN_PROGRESS' | 'BLOCKED' | 'DONE';
  percentComplete?: number;
  owner?: { name: string } | null;
  goal?: { title: string } | null;
}

export function itemWorkflowInput(item: ItemRowForInput, plan: { id: string; timeZone: string }, policy: Policy, ladder?: ItemLadderV1): ActionItemInputV1 {
  return {
    version: 1,
    itemId: item.id,
    planId: plan.id,
    planWorkflowId: actionPlanWorkflowId(plan.id),
    goalId: item.goalId,
    title: item.title,
    ownerId: item.ownerId,
    sponsorId: item.sponsorId,
    ...(item.owner ? { ownerName: item.owner.name } : {}),
    ...(item.goal ? { goalTitle: item.goal.title } : {}),
    dueAt: item.dueAt.toISOString(),
    timeZone: plan.timeZone,
    policyVersion: policy.version,
    ladder: ladder ?? itemLadderFromPolicy(policy),
    ...(item.status && item.status !== 'DONE' && item.status !== 'NOT_STARTED' ? { initialStatus: item.status } : {}),
    ...(item.percentComplete ? { initialPercent: item.percentComplete } : {}),
  };
}

export interface IncidentRowForInput {
  id: string;
  number: string;
  type: string;
  severity: number;
  title: string;
  summary: string;
  declaredAt: Date;
  policyVersion: string;
}

export function incidentWorkflowInput(row: IncidentRowForInput, declaredBy: ActorV1): DeclareIncidentInputV1 {
  return {
    version: 1,
    incidentId: row.id,
    incidentNumber: row.number,
    type: row.type,
    severity: row.severity as SeverityLevel,
    title: row.title,
    summary: row.summary,
    declaredBy,
    declaredAt: row.declaredAt.toISOString(),
    policyVersion: row.policyVersion,
  };
}
