// What people do to a declared incident: acknowledge it, extend a deadline,
// close it, read its after-action report. The incident workflow decides and
// records each action; these send it and shape the answer.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { ActorV1 } from '../domain/contracts/common';
import { acknowledgeUpdate, closeIncidentUpdate, extendDeadlineUpdate, type AckChannel } from '../domain/contracts/incident';
import { conflict } from './errors';
import { deadlineRowOf } from '../domain/deadlineRow';
import { deadlineJson } from './deadlineViews';
import { findIncident, incidentJson, type IncidentRow } from './incidentViews';
import { executeUpdate } from './temporal';

export interface IncidentClients {
  db: Db;
  temporal: Client;
}

function assertActive(incident: IncidentRow): void {
  if (incident.status === 'CLOSED') throw conflict(`incident ${incident.number} is closed`, 'incident_closed');
}

/** The 409 for an action that reaches a workflow which has finished. */
export const noLongerRunning = (incident: IncidentRow) => `incident ${incident.number} is no longer running`;

export async function acknowledgeIncident(
  { db, temporal }: IncidentClients,
  { incidentId, personId, via, by }: { incidentId: string; personId: string; via: AckChannel; by?: ActorV1 },
) {
  const incident = await findIncident(db, incidentId);
  assertActive(incident);
  const onBehalf = by && by.personId !== personId ? { by } : {};
  return executeUpdate(temporal, incident.workflowId, acknowledgeUpdate, { personId, via, ...onBehalf }, noLongerRunning(incident));
}

/** Moves a deadline later; answers with the deadline as staff see it, every extension included. */
export async function extendDeadline(
  { db, temporal }: IncidentClients,
  { incidentId, deadlineKey, newDueAt, reason, by }: { incidentId: string; deadlineKey: string; newDueAt: Date; reason: string; by: ActorV1 },
) {
  const incident = await findIncident(db, incidentId);
  // Deadlines anchored on closing (after-action review) can be extended after close; the workflow decides.
  const state = await executeUpdate(
    temporal,
    incident.workflowId,
    extendDeadlineUpdate,
    { deadlineKey, newDueAt: newDueAt.toISOString(), reason, by },
    noLongerRunning(incident),
  );
  const extensions = await db.deadlineExtension.findMany({
    where: { deadline: { incidentId: incident.id, key: deadlineKey } },
    orderBy: { at: 'asc' },
  });
  return deadlineJson(deadlineRowOf(state), extensions, new Date());
}

export async function closeIncident({ db, temporal }: IncidentClients, { incidentId, summary, by }: { incidentId: string; summary: string; by: ActorV1 }) {
  const incident = await findIncident(db, incidentId);
  assertActive(incident);
  const state = await executeUpdate(temporal, incident.workflowId, closeIncidentUpdate, { summary, by }, noLongerRunning(incident));
  // The workflow persisted the closure (an activity) before answering, so the row is current.
  const closed = await db.incident.findUniqueOrThrow({ where: { id: incident.id } });
  return { ...incidentJson(closed), status: state.status };
}

/** The after-action report of a closed incident (409 while open or still being written). */
export async function incidentReport(db: Db, incidentId: string) {
  const incident = await findIncident(db, incidentId);
  if (incident.status !== 'CLOSED') throw conflict(`incident ${incident.number} is not closed yet`, 'not_closed');
  if (incident.afterActionReport === null) {
    throw conflict(`the after-action report for ${incident.number} is still being written`, 'report_not_ready');
  }
  return { incident: incidentJson(incident), report: incident.afterActionReport };
}
