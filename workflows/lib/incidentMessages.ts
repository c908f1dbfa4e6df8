// Shared by the incident and statement workflows: activity proxies, typed
// failures for update validators, a small lock, and "tell these people".
// Deterministic: no Node built-ins, no I/O except through activities.
import { ApplicationFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../domain/contracts/notificationActivities';
import type { IncidentActivities, PersonRefV1 } from '../../domain/contracts/incidentActivities';
import { type ActorV1 } from '../../domain/contracts/common';
import { notifyPerson } from './notify';
import { FailureType } from '../../domain/failures';
import { INCIDENT_ACTIVITY_OPTIONS, NOTIFICATION_ACTIVITY_OPTIONS } from '../../domain/retry';

export const incidentActivities = proxyActivities<IncidentActivities>(INCIDENT_ACTIVITY_OPTIONS);

export const notificationActivities = proxyActivities<NotificationActivities>(NOTIFICATION_ACTIVITY_OPTIONS);

export function invalidInput(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidInput,
    message: `${field}: ${message}`,
    nonRetryable: true,
    details: [{ field, message }],
  });
}

export function invalidState(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.InvalidState, message, nonRetryable: true });
}

export function notPermitted(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.NotPermitted, message, nonRetryable: true });
}

export function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.NotFound, message, nonRetryable: true });
}


/**
 * Messages a workflow sends without making anyone wait for them: a slow or
 * failing provider delays the messages, never a person's request or the
 * workflow's clock. Histories recorded before `patchId` sent them inline, and
 * replay keeps that.
 */
export class Deliveries {
  private pending = 0;
  private readonly started: Promise<void>[] = [];

  constructor(private readonly patchId: string) {}

  async send(work: () => Promise<unknown>): Promise<void> {
    if (!patched(this.patchId)) {
      await work();
      return;
    }
    this.pending += 1;
    this.started.push(
      work().then(
        () => {
          this.pending -= 1;
        },
        (err: unknown) => {
          this.pending -= 1;
          log.error('background delivery failed', { error: String(err) });
        },
      ),
    );
  }

  /** True when nothing is being sent (safe to continue as new). */
  get idle(): boolean {
    return this.pending === 0;
  }

  async drain(): Promise<void> {
    await Promise.all(this.started);
  }
}

export interface Announcement {
  workflowId: string;
  purpose: string;
  /** Per-person idempotency group; retries reuse it, deliberate repeats change it. */
  attemptGroup: string;
  template: string;
  data: Record<string, unknown>;
  incidentId: string;
}

/**
 * Emails and texts everyone at once. A critical incident is urgent by
 * definition, so every incident message goes on both channels; a channel the
 * provider refuses for good falls back to the other (notifyPerson). A message
 * that cannot be built (a template bug) is logged and does not stop the
 * incident's clock.
 */
export async function announce(people: readonly PersonRefV1[], message: Announcement): Promise<void> {
  const unique = [...new Map(people.map((p) => [p.personId, p])).values()];
  await Promise.all(
    unique.map(async (person) => {
      try {
        await notifyPerson(notificationActivities, {
          workflowId: message.workflowId,
          purpose: message.purpose,
          personId: person.personId,
          channels: ['EMAIL', 'SMS'],
          attemptGroup: message.attemptGroup,
          template: message.template,
          data: message.data,
          incidentId: message.incidentId,
        });
      } catch (err) {
        log.error('notification could not be sent', { purpose: message.purpose, personId: person.personId, error: String(err) });
      }
    }),
  );
}

export function validateActor(actor: ActorV1 | undefined, field: string): asserts actor is ActorV1 {
  if (!actor || typeof actor.personId !== 'string' || actor.personId === '' || !Array.isArray(actor.roles)) {
    throw invalidInput(field, 'the acting person is required');
  }
}
