// Keeping the incident's deadlines and their database rows in step.
import type { DeadlineRowV1 } from '../../domain/contracts/incidentActivities';
import { nextRecurringDeadline, ruleLookupFor, toDeadlineState, type TrackedDeadline } from '../../domain/deadlines';
import type { IncidentContext, RunningIncident } from './context';

export function replaceDeadline({ incident }: RunningIncident, deadline: TrackedDeadline): void {
  incident.deadlines = incident.deadlines.map((d) => (d.key === deadline.key ? deadline : d));
}

export async function persistNewDeadlines({ input, activities }: IncidentContext, deadlines: TrackedDeadline[], at: string): Promise<void> {
  if (deadlines.length === 0) return;
  await activities.createDeadlines({
    incidentId: input.incidentId,
    at,
    deadlines: deadlines.map(deadlineRow),
  });
}

function deadlineRow(deadline: TrackedDeadline): DeadlineRowV1 {
  const { remindersSent: _reminders, escalationsSent: _escalations, heldSince: _heldSince, heldBy: _heldBy, ...row } = toDeadlineState(deadline);
  return row;
}

/** After a recurring deadline resolves, the next cycle starts (only while the incident is open). */
export async function rollRecurring(run: RunningIncident, resolved: TrackedDeadline, at: string): Promise<void> {
  const { incident } = run;
  if (incident.status !== 'ACTIVE' || resolved.cycle === null) return;
  const next = nextRecurringDeadline(resolved, ruleLookupFor(incident.policy)(resolved));
  if (!next || incident.deadlines.some((d) => d.key === next.key)) return;
  await persistNewDeadlines(run, [next], at);
  incident.deadlines.push(next);
}
