// Counsel's holds: placing and releasing one. Who may follows the policy the
// incident pinned, not the current one (checked here for a plain 403, and
// again by the workflow). Both are Updates to the incident workflow, which
// records them and runs their clock. Staff read holds through holdViews.ts; the public
// only through publicViews.ts.
import type { ActorV1 } from '../domain/contracts/common';
import { placeHoldUpdate, releaseHoldUpdate, type HoldScopeV1, type HoldStateV1 } from '../domain/contracts/holds';
import type { IncidentClients } from './incidentActions';
import { noLongerRunning } from './incidentActions';
import { conflict, forbidden } from './errors';
import { findIncident } from './incidentViews';
import { isPermittedUnder, pinnedPolicyOf, type Permission } from './policyView';
import { executeUpdate } from './temporal';

/** 409 when the incident's pinned policy has no holds (as the workflow answers), 403 when it does not name the caller's role. */
function assertPermittedUnderPinned(incident: { number: string; policyVersion: string }, by: ActorV1, permission: Extract<Permission, 'placeHolds' | 'releaseHolds'>) {
  if (!pinnedPolicyOf(incident.policyVersion)?.holds) {
    throw conflict(`incident ${incident.number} follows policy ${incident.policyVersion}, which has no counsel's holds`, 'no_holds_in_policy');
  }
  if (!isPermittedUnder(incident.policyVersion, by.roles, permission)) {
    throw forbidden(`your role does not ${permission === 'placeHolds' ? 'place' : 'release'} counsel's holds under this incident's policy`);
  }
}

export async function placeHold(
  { db, temporal }: IncidentClients,
  { incidentId, scope, category, detail, by }: { incidentId: string; scope: HoldScopeV1; category: string; detail: string; by: ActorV1 },
): Promise<HoldStateV1> {
  const incident = await findIncident(db, incidentId);
  assertPermittedUnderPinned(incident, by, 'placeHolds');
  return executeUpdate(temporal, incident.workflowId, placeHoldUpdate, { scope, category, detail, by }, noLongerRunning(incident));
}

export async function releaseHold(
  { db, temporal }: IncidentClients,
  { incidentId, holdId, note, by }: { incidentId: string; holdId: string; note?: string; by: ActorV1 },
): Promise<HoldStateV1> {
  const incident = await findIncident(db, incidentId);
  assertPermittedUnderPinned(incident, by, 'releaseHolds');
  return executeUpdate(temporal, incident.workflowId, releaseHoldUpdate, { holdId, note, by }, noLongerRunning(incident));
}
