// What every step of the incident workflow works on: the declaration, the
// incident as the workflow knows it, the lock, the messages going out in the
// background, and the activities.
import type { DeclareIncidentInputV1, IncidentStateV1 } from '../../domain/contracts/incident';
import type { IncidentActivities } from '../../domain/contracts/incidentActivities';
import type { IncidentCarriedStateV1 } from '../../domain/contracts/incidentRun';
import { toDeadlineState } from '../../domain/deadlines';
import type { Deliveries } from '../lib/deliveries';
import { invalidState } from '../lib/failures';
import type { WorkflowMutex } from '../lib/mutex';

export interface IncidentContext {
  readonly input: DeclareIncidentInputV1;
  readonly workflowId: string;
  readonly activities: IncidentActivities;
  /** Held by every step and handler that reads the incident, calls an activity, then writes it. */
  readonly lock: WorkflowMutex;
  readonly deliveries: Deliveries;
  /** Null until the incident has started; carried whole across continue-as-new. */
  incident: IncidentCarriedStateV1 | null;
  /** Set when something changed what is due: the main loop plans its next wake-up again. */
  replan: boolean;
}

/** The context of an incident that has started. */
export interface RunningIncident extends IncidentContext {
  incident: IncidentCarriedStateV1;
}

export const hasStarted = (ctx: IncidentContext): ctx is RunningIncident => ctx.incident !== null;

export function started(ctx: IncidentContext): RunningIncident {
  if (!hasStarted(ctx)) throw invalidState(`incident ${ctx.input.incidentNumber} is still starting; try again in a moment`, 'still_starting');
  return ctx;
}

/** What every message about the incident says about it. */
export const incidentData = (input: DeclareIncidentInputV1, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  incidentId: input.incidentId,
  incidentNumber: input.incidentNumber,
  title: input.title,
  severity: input.severity,
  ...extra,
});

/** The incident as the state query and the close update answer it. */
export function incidentView({ input, incident }: IncidentContext): IncidentStateV1 {
  return {
    version: 1,
    incidentId: input.incidentId,
    incidentNumber: input.incidentNumber,
    status: incident?.status ?? 'ACTIVE',
    severity: input.severity,
    policyVersion: input.policyVersion,
    recipients: (incident?.recipients ?? []).map(({ backup: _backup, standsInFor: _standsInFor, callUnreachable: _unreachable, ...r }) => ({ ...r })),
    deadlines: (incident?.deadlines ?? []).map(toDeadlineState),
    statements: (incident?.statements ?? []).map((statement) => ({ ...statement })),
    closedAt: incident?.closedAt ?? null,
    ...(incident?.holds?.length ? { holds: incident.holds.map((hold) => ({ ...hold, scope: { ...hold.scope } })) } : {}),
  };
}
