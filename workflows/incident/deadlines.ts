// The SOP deadlines on the clock: publications that meet them, reminders
// before, the overdue escalation ladder after, the next cycle of a recurring
// deadline, and extensions granted by the people the policy names.
import { extendDeadlineUpdate, type ExtendDeadlineRequestV1 } from '../../domain/contracts/incident';
import {
  applyDeadlineEvent,
  extend,
  extensionProblem,
  markDelivered,
  toDeadlineState,
  type DeadlineEvent,
  type TrackedDeadline,
} from '../../domain/deadlines';
import { ROLE_TITLES, type Role } from '../../domain/roles';
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import { patched } from '@temporalio/workflow';
import { INCIDENT_TELLS_THE_PUBLIC_PATCH } from '../../domain/patches';
import type { PublicEventV1 } from '../../domain/contracts/publicFanOut';
import { publicActivities } from '../lib/publicActivities';
import { announce, peopleWithRoles } from '../lib/announce';
import { invalidField, invalidState, notFound, notPermitted } from '../lib/failures';
import { validateActor } from '../lib/requests';
import { incidentData, type IncidentContext, type RunningIncident } from './context';
import { replaceDeadline, rollRecurring } from './deadlineRecords';
import { setLockedUpdateHandler } from './updates';

const MAX_REASON = 2_000;

/** Statements published since the last pass meet (or close as missed) the deadlines they answer. */
export async function applyPublications(run: RunningIncident, now: number): Promise<void> {
  const { incident, input, activities } = run;
  while (incident.pendingPublications.length > 0) {
    const published = incident.pendingPublications[0];
    const ref = incident.statements.find((x) => x.statementId === published.statementId);
    if (ref) ref.published = true;
    const key = ref?.deadlineKey ?? published.deadlineKey;
    const deadline = key ? incident.deadlines.find((d) => d.key === key) : undefined;
    // Only the publication that settles a deadline says so: one "met" (or "late") per deadline, never for a waived one.
    let answered: TrackedDeadline | undefined;
    if (deadline) {
      const publishedAtMs = Number.isFinite(Date.parse(published.publishedAt)) ? Date.parse(published.publishedAt) : now;
      const delivered = markDelivered(deadline, publishedAtMs);
      if (delivered !== deadline) {
        await activities.updateDeadlineStatus({
          incidentId: input.incidentId,
          key: delivered.key,
          status: delivered.status as 'MET' | 'MISSED',
          metAt: delivered.metAt,
          overdueAt: delivered.overdueAt,
          at: new Date(now).toISOString(),
        });
        replaceDeadline(run, delivered);
        if (delivered.status === 'MET') await rollRecurring(run, delivered, new Date(now).toISOString());
        answered = delivered;
      }
    }
    if (patched(INCIDENT_TELLS_THE_PUBLIC_PATCH)) {
      const event: PublicEventV1 = {
        kind: 'statement.published',
        statementId: published.statementId,
        incidentId: input.incidentId,
        incidentNumber: input.incidentNumber,
        publishedAt: published.publishedAt,
        deadline: answered
          ? { key: answered.key, kind: answered.kind, title: answered.title, dueAt: answered.dueAt, metOnTime: answered.status === 'MET' }
          : null,
      };
      const publication = incident.policy.publication;
      await tellThePublic(run, event, publication ? { roles: [...publication.notify], channels: [...publication.channels] } : null);
    }
    incident.pendingPublications.shift();
  }
}

/**
 * Subscribers, newsrooms and (for a publication) the officials the policy
 * names hear of it through the event's own fan-out workflow, started in the
 * background: the incident's clock never waits for the public's messages.
 */
async function tellThePublic(run: RunningIncident, event: PublicEventV1, officials: { roles: Role[]; channels: ChannelName[] } | null = null): Promise<void> {
  await run.deliveries.send(() => publicActivities.startPublicFanOut({ event, officials }));
}

/** One reminder, overdue or escalation event of a deadline. */
export async function handleDeadlineEvent(run: RunningIncident, event: DeadlineEvent, now: number): Promise<void> {
  const { incident, input, activities, workflowId } = run;
  const current = incident.deadlines.find((d) => d.key === event.key);
  if (!current) return;
  const at = new Date(now).toISOString();
  const next = applyDeadlineEvent(current, event, now);
  if (event.type === 'OVERDUE') {
    await activities.updateDeadlineStatus({
      incidentId: input.incidentId,
      key: next.key,
      status: 'MISSED',
      metAt: next.metAt,
      overdueAt: next.overdueAt,
      at,
    });
    replaceDeadline(run, next);
    await rollRecurring(run, next, at);
    if (patched(INCIDENT_TELLS_THE_PUBLIC_PATCH)) {
      await tellThePublic(run, {
        kind: 'deadline.missed',
        incidentId: input.incidentId,
        incidentNumber: input.incidentNumber,
        deadlineKey: current.key,
        deadlineKind: current.kind,
        deadlineTitle: current.title,
        dueAt: current.dueAt,
      });
    }
    return;
  }
  const people = await peopleWithRoles(activities, event.notify);
  const isReminder = event.type === 'REMINDER';
  await run.deliveries.send(() =>
    announce(people, {
      workflowId,
      purpose: isReminder ? 'deadline.reminder' : 'deadline.overdue',
      attemptGroup: isReminder ? `${event.key}:reminder:${event.number}` : `${event.key}:escalation:${event.step}`,
      template: isReminder ? 'deadline.reminder' : 'deadline.overdue',
      incidentId: input.incidentId,
      data: incidentData(input, {
        deadlineKey: current.key,
        deadlineTitle: current.title,
        dueAt: current.dueAt,
        ...(isReminder ? { reminderNumber: event.number } : { escalationStep: event.step + 1 }),
      }),
    }),
  );
  await activities.recordDeadlineNotice({
    incidentId: input.incidentId,
    key: current.key,
    notice: event.type,
    sequence: isReminder ? event.number : event.step,
    notifiedPersonIds: people.map((p) => p.personId),
    at,
  });
  replaceDeadline(run, next);
}

/** A deadline by key, or a kind ("holding_statement" or "HOLDING_STATEMENT") for its open deadline due first. */
function findDeadline({ incident }: RunningIncident, keyOrKind: string): TrackedDeadline | undefined {
  const exact = incident.deadlines.find((d) => d.key === keyOrKind);
  if (exact) return exact;
  const kind = keyOrKind.toUpperCase();
  return incident.deadlines.filter((d) => d.kind === kind && d.status === 'OPEN').sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
}

function validateExtension(run: RunningIncident, req: ExtendDeadlineRequestV1): TrackedDeadline {
  const { policy } = run.incident;
  if (!req || typeof req.deadlineKey !== 'string' || req.deadlineKey === '') throw invalidField('deadlineKey', 'is required');
  if (typeof req.reason !== 'string' || req.reason.trim() === '') throw invalidField('reason', 'an extension needs a reason');
  if (req.reason.length > MAX_REASON) throw invalidField('reason', `must be at most ${MAX_REASON} characters`);
  validateActor(req.by, 'by');
  if (!req.by.roles.some((r) => policy.extension.allowedRoles.includes(r))) {
    throw notPermitted(`only ${policy.extension.allowedRoles.map((r) => ROLE_TITLES[r]).join(' or ')} may extend a deadline`);
  }
  const deadline = findDeadline(run, req.deadlineKey);
  if (!deadline) throw notFound(`incident ${run.input.incidentNumber} has no deadline ${req.deadlineKey}`);
  const problem = extensionProblem(deadline, req.newDueAt);
  if (problem === 'INVALID_TIME') throw invalidField('newDueAt', 'must be an ISO date-time');
  if (problem === 'NOT_LATER') throw invalidField('newDueAt', `must be later than the current due time ${deadline.dueAt}`);
  if (problem === 'NOT_OPEN') throw invalidState(`deadline ${deadline.key} is ${deadline.status}; only an open deadline can be extended`, 'deadline_not_open');
  return deadline;
}

export function handleExtensions(ctx: IncidentContext): void {
  setLockedUpdateHandler(ctx, extendDeadlineUpdate, validateExtension, async (run, req) => {
    const deadline = validateExtension(run, req);
    const at = Date.now();
    const toDueAt = new Date(Date.parse(req.newDueAt)).toISOString();
    await run.activities.extendDeadline({
      incidentId: run.input.incidentId,
      key: deadline.key,
      fromDueAt: deadline.dueAt,
      toDueAt,
      reason: req.reason.trim(),
      by: req.by,
      at: new Date(at).toISOString(),
    });
    const extended = extend(deadline, toDueAt, req.reason.trim(), at);
    replaceDeadline(run, extended);
    ctx.replan = true;
    return toDeadlineState(extended);
  });
}
