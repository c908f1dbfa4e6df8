// Acknowledgement calls: at the severities the pinned policy names
// (acknowledgement.calls), an official still silent after the email and the
// text is called `firstAfter` their notification and asked to press 1; the
// call is retried `attempts - 1` times, `retryAfter` apart, while nobody has
// acknowledged for them. Then the ladder moves on to their backup
// (acknowledgement.backupAfter, which the policy puts after the last call).
// A backup who is notified is called the same way, counted from when they
// were notified. Pressing 1 reaches the acknowledge update (via PHONE) through
// the API's Twilio gather callback.
import { log, patched } from '@temporalio/workflow';
import type { RecipientRuntimeV1 } from '../../domain/contracts/incidentRun';
import { INCIDENT_ACK_CALLS_PATCH } from '../../domain/patches';
import { incidentTypePolicy } from '../../domain/policy/lookups';
import { durationMs, type CallsPolicy } from '../../domain/policy/schema';
import { ROLE_TITLES } from '../../domain/roles';
import { notificationActivities } from '../lib/notificationActivities';
import { undeliverableFailure } from '../lib/notify';
import { incidentData, type RunningIncident } from './context';

const iso = (t: number): string => new Date(t).toISOString();

function callsPolicyOf(run: RunningIncident): CallsPolicy | null {
  const calls = run.incident.policy.acknowledgement.calls;
  return calls && calls.severities.includes(run.input.severity) ? calls : null;
}

/** Every call instant for one recipient, earliest first. */
function callTimes(recipient: RecipientRuntimeV1, calls: CallsPolicy): number[] {
  const first = Date.parse(recipient.notifiedAt) + durationMs(calls.firstAfter);
  return Array.from({ length: calls.attempts }, (_, i) => first + i * durationMs(calls.retryAfter));
}

/** Nobody has acknowledged for this person yet, so a call still has a purpose. */
function stillSilent(run: RunningIncident, recipient: RecipientRuntimeV1): boolean {
  const { recipients, status } = run.incident;
  if (status !== 'ACTIVE' || recipient.acknowledgedAt !== null || recipient.callUnreachable) return false;
  const covered = (primaryId: string) => recipients.some((r) => r.acknowledgedAt !== null && r.standsInFor.includes(primaryId));
  if (recipient.kind === 'PRIMARY') return !covered(recipient.personId);
  return recipient.standsInFor.some((primaryId) => {
    const primary = recipients.find((r) => r.personId === primaryId);
    return !!primary && primary.acknowledgedAt === null && !covered(primaryId);
  });
}

/** The next call owed to a recipient, or undefined. */
const nextCallAt = (run: RunningIncident, recipient: RecipientRuntimeV1, calls: CallsPolicy): number | undefined =>
  stillSilent(run, recipient) ? callTimes(recipient, calls)[recipient.callsPlaced ?? 0] : undefined;

/** When the call ladder wants the main loop awake next. */
export function callWakeTimes(run: RunningIncident): number[] {
  const calls = callsPolicyOf(run);
  if (!calls) return [];
  return run.incident.recipients.map((r) => nextCallAt(run, r, calls)).filter((t): t is number => t !== undefined);
}

export function callsDue(run: RunningIncident, now: number): boolean {
  const calls = callsPolicyOf(run);
  return !!calls && run.incident.recipients.some((r) => (nextCallAt(run, r, calls) ?? Infinity) <= now);
}

/**
 * Calls everyone whose next call is due. If several of one person's calls fell
 * due while no worker was running, they get one call (the latest), not a burst.
 * The calls go out in the background; a phone the provider refuses for good
 * ends that person's calls.
 */
export async function callTheSilent(run: RunningIncident, now: number): Promise<void> {
  const calls = callsPolicyOf(run);
  if (!calls) return;
  const due = run.incident.recipients.filter((r) => (nextCallAt(run, r, calls) ?? Infinity) <= now);
  if (!patched(INCIDENT_ACK_CALLS_PATCH)) {
    for (const r of due) r.callsPlaced = calls.attempts;
    return;
  }
  const round = due.map((recipient) => ({ recipient, attempt: callTimes(recipient, calls).filter((t) => t <= now).length }));
  for (const { recipient, attempt } of round) recipient.callsPlaced = attempt;
  await run.activities.recordAckCalls({
    incidentId: run.input.incidentId,
    calls: round.map(({ recipient, attempt }) => ({ personId: recipient.personId, attempt })),
    at: iso(now),
  });
  const typeLabel = incidentTypePolicy(run.incident.policy, run.input.type)?.label ?? run.input.type;
  await run.deliveries.send(() =>
    Promise.all(
      round.map(async ({ recipient, attempt }) => {
        try {
          await notificationActivities.sendNotification({
            workflowId: run.workflowId,
            purpose: 'incident.ack-call',
            personId: recipient.personId,
            channel: 'VOICE',
            attemptGroup: String(attempt),
            template: 'incident.ack-call',
            incidentId: run.input.incidentId,
            data: incidentData(run.input, {
              typeLabel,
              declaredAt: run.input.declaredAt,
              attempt,
              attempts: calls.attempts,
              asBackupFor: recipient.kind === 'BACKUP' ? ROLE_TITLES[recipient.role] : undefined,
            }),
          });
        } catch (err) {
          if (undeliverableFailure(err)) {
            recipient.callUnreachable = true;
            run.replan = true;
          } else {
            log.error('acknowledgement call could not be placed', { personId: recipient.personId, error: String(err) });
          }
        }
      }),
    ),
  );
}
