// "Tell these people": one incident or statement message to everyone named,
// on email and SMS at once.
import { log, patched } from '@temporalio/workflow';
import type { IncidentActivities, PersonRefV1 } from '../../domain/contracts/incidentActivities';
import type { ChannelName } from '../../domain/contracts/notificationActivities';
import type { Role } from '../../domain/roles';
import { notificationActivities } from './notificationActivities';
import { notifyPerson, sendFirstMessagesTogether, type FirstSends, type NotifyPersonInput } from './notify';
import { NOTIFICATIONS_IN_ONE_BATCH_PATCH } from '../../domain/patches';

export interface Announcement {
  workflowId: string;
  purpose: string;
  /** Per-person idempotency group; retries reuse it, deliberate repeats change it. */
  attemptGroup: string;
  template: string;
  data: Record<string, unknown>;
  incidentId: string;
}

/** Someone to tell; `channels` when the policy names them for this person (else email and SMS). */
export interface Addressee extends PersonRefV1 {
  channels?: ChannelName[];
}

/**
 * Emails and texts everyone at once. A critical incident is urgent by
 * definition, so an incident message goes on both channels unless the policy
 * names the channels for someone (`channels`; the message's data then says
 * which, so a text-only sentence is left out of an email-only message); a
 * channel the provider refuses for good falls back to the other
 * (notifyPerson). A message that cannot be built (a template bug) is logged
 * and does not stop the incident's clock.
 *
 * Everyone's first messages go in one activity (histories from before
 * NOTIFICATIONS_IN_ONE_BATCH_PATCH sent one activity per message): a
 * declaration to fifty people was a hundred activities, each with its own
 * round trips to Temporal and the database.
 */
export async function announce(people: readonly Addressee[], message: Announcement): Promise<void> {
  const unique = [...new Map(people.map((p) => [p.personId, p])).values()];
  const inputs: NotifyPersonInput[] = unique.map((person) => ({
    workflowId: message.workflowId,
    purpose: message.purpose,
    personId: person.personId,
    channels: person.channels ?? ['EMAIL', 'SMS'],
    attemptGroup: message.attemptGroup,
    template: message.template,
    data: person.channels ? { ...message.data, channels: person.channels } : message.data,
    incidentId: message.incidentId,
  }));
  let firstSends: (FirstSends | undefined)[] = [];
  if (inputs.length > 0 && patched(NOTIFICATIONS_IN_ONE_BATCH_PATCH)) {
    try {
      firstSends = await sendFirstMessagesTogether(notificationActivities, inputs);
    } catch (err) {
      // Each message is then sent alone, which settles what the batch did send (same keys).
      log.error('notification batch failed; sending one by one', { purpose: message.purpose, error: String(err) });
    }
  }
  await Promise.all(
    inputs.map(async (input, i) => {
      try {
        await notifyPerson(notificationActivities, input, firstSends[i]);
      } catch (err) {
        log.error('notification could not be sent', { purpose: message.purpose, personId: input.personId, error: String(err) });
      }
    }),
  );
}

/** Everyone who holds one of `roles`, as announce() wants them. */
export async function peopleWithRoles(activities: Pick<IncidentActivities, 'listPeopleByRoles'>, roles: Role[]): Promise<PersonRefV1[]> {
  return (await activities.listPeopleByRoles({ roles })).map(({ personId, name }) => ({ personId, name }));
}
