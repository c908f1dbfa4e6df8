// Acknowledgement: everyone notified acknowledges; the backups of those still
// silent are called at policy acknowledgement.backupAfter (15 min), and the
// city manager is told who is silent at reportSilentAfter (30 min).
import { setHandler } from '@temporalio/workflow';
import { ACK_CHANNELS, acknowledgeUpdate, type AcknowledgeRequestV1 } from '../../domain/contracts/incident';
import type { RecipientRuntimeV1 } from '../../domain/contracts/incidentRun';
import { durationMs } from '../../domain/policy/schema';
import { ROLE_TITLES } from '../../domain/roles';
import { announce, peopleWithRoles } from '../lib/announce';
import { invalidField, notFound } from '../lib/failures';
import { afterSetUp } from '../lib/setUp';
import { hasStarted, incidentData, started, type IncidentContext, type RunningIncident } from './context';

/**
 * Recorded without the lock: an acknowledgement changes only its recipient, and
 * must not wait behind a slow step.
 */
export function handleAcknowledgements(ctx: IncidentContext): void {
  const notNotified = (personId: string) => notFound(`person ${personId} was not notified of incident ${ctx.input.incidentNumber}`);

  setHandler(
    acknowledgeUpdate,
    (req: AcknowledgeRequestV1) =>
      afterSetUp(
        () => hasStarted(ctx),
        async () => {
          const { incident, input, activities } = started(ctx);
          const recipient = incident.recipients.find((r) => r.personId === req.personId);
          if (!recipient) throw notNotified(req.personId);
          if (recipient.acknowledgedAt) {
            return { personId: req.personId, acknowledgedAt: recipient.acknowledgedAt, alreadyAcknowledged: true };
          }
          // Recorded in state first, so a main-loop pass running meanwhile does not call this person's backup.
          const at = new Date().toISOString();
          recipient.acknowledgedAt = at;
          ctx.replan = true;
          let result: { acknowledgedAt: string; alreadyAcknowledged: boolean };
          try {
            // Only an acknowledgement on someone's behalf says who acted (an own one reads as it always did).
            const onBehalf = req.by && req.by.personId !== req.personId ? { by: { personId: req.by.personId, name: req.by.name } } : {};
            result = await activities.recordAcknowledgement({ incidentId: input.incidentId, personId: req.personId, via: req.via, at, ...onBehalf });
          } catch (err) {
            recipient.acknowledgedAt = null;
            throw err;
          }
          recipient.acknowledgedAt = result.acknowledgedAt;
          return { personId: req.personId, acknowledgedAt: result.acknowledgedAt, alreadyAcknowledged: result.alreadyAcknowledged };
        },
      ),
    {
      validator: (req: AcknowledgeRequestV1) => {
        if (!req || typeof req.personId !== 'string' || req.personId === '') throw invalidField('personId', 'is required');
        if (!ACK_CHANNELS.includes(req.via)) throw invalidField('via', `must be ${ACK_CHANNELS.join(', ')}`);
        if (hasStarted(ctx) && !ctx.incident.recipients.some((r) => r.personId === req.personId)) throw notNotified(req.personId);
      },
    },
  );
}

const backupAt = ({ incident }: RunningIncident) => Date.parse(incident.notifiedAt) + durationMs(incident.policy.acknowledgement.backupAfter);
const silentReportAt = ({ incident }: RunningIncident) =>
  Date.parse(incident.notifiedAt) + durationMs(incident.policy.acknowledgement.reportSilentAfter);

export const backupsDue = (run: RunningIncident, now: number) => !run.incident.backupEscalationDone && now >= backupAt(run);
export const silentReportDue = (run: RunningIncident, now: number) => !run.incident.silentReportDone && now >= silentReportAt(run);

/** When the acknowledgement clock wants the main loop awake next. */
export function acknowledgementWakeTimes(run: RunningIncident): number[] {
  const times: number[] = [];
  if (!run.incident.backupEscalationDone) times.push(backupAt(run));
  if (!run.incident.silentReportDone) times.push(silentReportAt(run));
  return times;
}

export async function callBackupsOfTheSilent(run: RunningIncident, now: number): Promise<void> {
  const { incident, input, activities, workflowId } = run;
  const at = new Date(now).toISOString();
  const silent = incident.recipients.filter((r) => r.kind === 'PRIMARY' && r.acknowledgedAt === null && r.backup !== null);
  if (silent.length > 0) {
    await activities.recordBackupEscalations({
      incidentId: input.incidentId,
      at,
      assignments: silent.map((p) => ({ primaryId: p.personId, backupId: p.backup!.personId, role: p.role })),
    });
  }
  for (const primary of silent) {
    const backup = primary.backup!;
    primary.escalatedToBackupAt = at;
    const existing = incident.recipients.find((r) => r.personId === backup.personId);
    if (existing) {
      if (!existing.standsInFor.includes(primary.personId)) existing.standsInFor.push(primary.personId);
      existing.standsInForId ??= primary.personId;
    } else {
      incident.recipients.push({
        personId: backup.personId,
        name: backup.name,
        role: primary.role,
        kind: 'BACKUP',
        standsInForId: primary.personId,
        notifiedAt: at,
        acknowledgedAt: null,
        escalatedToBackupAt: null,
        reportedSilentAt: null,
        backup: null,
        standsInFor: [primary.personId],
      });
    }
  }
  await run.deliveries.send(() =>
    Promise.all(
      silent.map((primary) =>
        announce([primary.backup!], {
          workflowId,
          purpose: 'incident.ack-escalation',
          attemptGroup: primary.personId,
          template: 'incident.ack-escalation',
          incidentId: input.incidentId,
          data: incidentData(input, {
            summary: input.summary,
            silentPersonId: primary.personId,
            silentPersonName: primary.name,
            silentPersonTitle: ROLE_TITLES[primary.role],
            minutesSilent: Math.round((now - Date.parse(incident.notifiedAt)) / 60_000),
          }),
        }),
      ),
    ),
  );
  incident.backupEscalationDone = true;
}

export async function reportTheSilent(run: RunningIncident, now: number): Promise<void> {
  const { incident, input, activities, workflowId } = run;
  const at = new Date(now).toISOString();
  /** A primary is covered when they, or someone standing in for them, acknowledged. */
  const isCovered = (primary: RecipientRuntimeV1) =>
    primary.acknowledgedAt !== null || incident.recipients.some((r) => r.acknowledgedAt !== null && r.standsInFor.includes(primary.personId));
  const silentPrimaries = incident.recipients.filter((r) => r.kind === 'PRIMARY' && !isCovered(r));
  const silentBackups = incident.recipients.filter(
    (r) => r.kind === 'BACKUP' && r.acknowledgedAt === null && r.standsInFor.some((id) => silentPrimaries.some((p) => p.personId === id)),
  );
  const silent = [...silentPrimaries, ...silentBackups];
  if (silent.length > 0) {
    const reportTo = await peopleWithRoles(activities, incident.policy.acknowledgement.reportSilentTo);
    // If the person to report to is silent too, their stand-in gets the report as well.
    const standIns = incident.recipients.filter((r) => r.standsInFor.some((id) => reportTo.some((p) => p.personId === id)));
    const audience = [...reportTo, ...standIns.map(({ personId, name }) => ({ personId, name }))];
    await activities.recordSilentReport({
      incidentId: input.incidentId,
      silentPersonIds: silent.map((r) => r.personId),
      reportedToIds: audience.map((p) => p.personId),
      at,
    });
    for (const r of silent) r.reportedSilentAt = at;
    await run.deliveries.send(() =>
      announce(audience, {
        workflowId,
        purpose: 'incident.silent-report',
        attemptGroup: '1',
        template: 'incident.silent-report',
        incidentId: input.incidentId,
        data: incidentData(input, {
          minutes: Math.round((now - Date.parse(incident.notifiedAt)) / 60_000),
          silent: silent.map((r) => ({
            personId: r.personId,
            name: r.name,
            title: r.kind === 'BACKUP' ? `backup for ${ROLE_TITLES[r.role]}` : ROLE_TITLES[r.role],
            backupNotified: r.escalatedToBackupAt !== null,
          })),
        }),
      }),
    );
  }
  incident.silentReportDone = true;
}
