// Counsel's holds: placing and releasing one. Both are Updates to the incident
// workflow, which checks them against the incident's pinned policy, records
// them and runs their clock. Staff read holds through holdViews.ts; the public
// only through publicViews.ts.
import type { ActorV1 } from '../domain/contracts/common';
import { placeHoldUpdate, releaseHoldUpdate, type HoldScopeV1, type HoldStateV1 } from '../domain/contracts/holds';
import type { IncidentClients } from './incidentActions';
import { noLongerRunning } from './incidentActions';
import { findIncident } from './incidentViews';
import { executeUpdate } from './temporal';

export async function placeHold(
  { db, temporal }: IncidentClients,
  { incidentId, scope, category, detail, by }: { incidentId: string; scope: HoldScopeV1; category: string; detail: string; by: ActorV1 },
): Promise<HoldStateV1> {
  const incident = await findIncident(db, incidentId);
  return executeUpdate(temporal, incident.workflowId, placeHoldUpdate, { scope, category, detail, by }, noLongerRunning(incident));
}

export async function releaseHold(
  { db, temporal }: IncidentClients,
  { incidentId, holdId, note, by }: { incidentId: string; holdId: string; note?: string; by: ActorV1 },
): Promise<HoldStateV1> {
  const incident = await findIncident(db, incidentId);
  return executeUpdate(temporal, incident.workflowId, releaseHoldUpdate, { holdId, note, by }, noLongerRunning(incident));
}
