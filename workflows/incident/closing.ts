// Closing: the close update ends the open-investigation cadence and starts the
// after-action review clock; once everything has settled the workflow writes
// the final after-action report.
import { closeIncidentUpdate, type CloseIncidentRequestV1 } from '../../domain/contracts/incident';
import { deadlinesForAnchor, isSettled, ruleLookupFor, waive } from '../../domain/deadlines';
import { invalidField, invalidState } from '../lib/failures';
import { MAX_BODY, validateActor } from '../lib/requests';
import { incidentView, type IncidentContext, type RunningIncident } from './context';
import { persistNewDeadlines, replaceDeadline } from './deadlineRecords';
import { noActiveHold } from './holds';
import { setLockedUpdateHandler } from './updates';

function validateClose(run: RunningIncident, req: CloseIncidentRequestV1): void {
  if (run.incident.status === 'CLOSED') throw invalidState(`incident ${run.input.incidentNumber} is already closed`, 'incident_closed');
  if (!req || typeof req.summary !== 'string' || req.summary.trim() === '') throw invalidField('summary', 'a closing summary is required');
  if (req.summary.length > MAX_BODY) throw invalidField('summary', `must be at most ${MAX_BODY} characters`);
  validateActor(req.by, 'by');
}

export function handleClosing(ctx: IncidentContext): void {
  setLockedUpdateHandler(ctx, closeIncidentUpdate, validateClose, async (run, req) => {
    const { incident, input, activities } = run;
    validateClose(run, req);
    const now = Date.now();
    const at = new Date(now).toISOString();
    await activities.closeIncident({ incidentId: input.incidentId, summary: req.summary.trim(), by: req.by, at });
    incident.status = 'CLOSED';
    incident.closedAt = at;
    // "While the investigation is open" ends here; one-off deliverables stay owed.
    for (const d of incident.deadlines) {
      if (d.status === 'OPEN' && d.cycle !== null) {
        replaceDeadline(run, waive(d));
        await activities.updateDeadlineStatus({
          incidentId: input.incidentId,
          key: d.key,
          status: 'WAIVED',
          metAt: null,
          overdueAt: null,
          reason: 'incident closed',
          at,
        });
      }
    }
    const afterClose = deadlinesForAnchor(incident.policy, input.severity, 'CLOSED', now).filter(
      (d) => !incident.deadlines.some((x) => x.key === d.key),
    );
    await persistNewDeadlines(run, afterClose, at);
    incident.deadlines.push(...afterClose);
    await activities.renderAfterActionReport({ incidentId: input.incidentId, at, final: false });
    ctx.replan = true;
    return incidentView(run);
  });
}

/**
 * Done once the incident is closed, every deadline has settled (met, waived,
 * or missed with its escalation ladder finished), no statement is still in
 * approval or waiting behind a hold, and no counsel's hold is still active.
 */
export function isFinished(run: RunningIncident): boolean {
  const { incident } = run;
  const ruleOf = ruleLookupFor(incident.policy);
  return (
    incident.status === 'CLOSED' &&
    incident.pendingPublications.length === 0 &&
    incident.statements.every((x) => x.published) &&
    incident.deadlines.every((d) => isSettled(d, ruleOf)) &&
    noActiveHold(run)
  );
}

export async function renderFinalReport({ incident, input, activities }: RunningIncident): Promise<void> {
  if (!incident.finalReportRendered) {
    await activities.renderAfterActionReport({ incidentId: input.incidentId, at: new Date().toISOString(), final: true });
    incident.finalReportRendered = true;
  }
}
