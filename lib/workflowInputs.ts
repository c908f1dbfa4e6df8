// A workflow's start input rebuilt from the rows it was started for. The API
// builds it when it creates the rows; whoever repairs a start a crash left
// undone (a keyed retry, the reconciler) builds the same input again.
import type { ActorV1 } from '../domain/contracts/common';
import type { EngagementSessionInputV1, SessionScheduleV1 } from '../domain/contracts/engagementSession';
import type { DeclareIncidentInputV1 } from '../domain/contracts/incident';
import type { ActionItemInputV1, ItemLadderV1 } from '../domain/contracts/plan';
import { actionPlanWorkflowId } from '../domain/ids';
import { itemLadderFromPolicy } from '../domain/planLadder';
import { durationMs, type EngagementPolicy, type Policy, type SeverityLevel } from '../domain/policy/schema';
import type { Config } from './config';
import { languageName } from './i18n';

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

export interface SessionRowForInput {
  id: string;
  title: string;
  startsAt: Date;
  status: SessionScheduleV1['status'];
  place: string | null;
  onlineUrl: string | null;
  languages: string[];
  accessibilityNotes: string;
  updatedAt: Date;
}

/** The public page of every session; a message links to its own entry. */
export const publicSessionUrl = (config: Pick<Config, 'PUBLIC_BASE_URL'>, sessionId: string) =>
  `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/sessions#session-${encodeURIComponent(sessionId)}`;

/** What the reminders say and when: the session workflow's view of the row. */
export function sessionSchedule(row: SessionRowForInput, config: Pick<Config, 'PUBLIC_BASE_URL'>): SessionScheduleV1 {
  return {
    revision: row.updatedAt.getTime(),
    status: row.status,
    startsAt: row.startsAt.toISOString(),
    message: {
      sessionTitle: row.title,
      startsAt: row.startsAt.toISOString(),
      ...(row.place ? { place: row.place } : row.onlineUrl ? { place: row.onlineUrl } : {}),
      ...(row.languages.length ? { languages: row.languages.map(languageName).join(', ') } : {}),
      ...(row.accessibilityNotes ? { accessibility: row.accessibilityNotes } : {}),
      sessionUrl: publicSessionUrl(config, row.id),
    },
  };
}

export function sessionWorkflowInput(
  row: SessionRowForInput,
  engagement: EngagementPolicy,
  config: Pick<Config, 'PUBLIC_BASE_URL'>,
  announce: boolean,
): EngagementSessionInputV1 {
  return {
    version: 1,
    sessionId: row.id,
    remindBeforeMs: engagement.remindBefore.map(durationMs),
    announce,
    schedule: sessionSchedule(row, config),
  };
}
