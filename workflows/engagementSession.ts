// A Goal 1 engagement session told to the public: announced once when it is
// scheduled, then a reminder at each of the policy's offsets before it, each
// through the public fan-out (ENGAGEMENT_SESSIONS subscribers, each in their
// language, once per subscriber). A change (sessionChanged) wakes the timers:
// a cancelled or held session ends the workflow; a new time computes the
// reminders again (their keys name the time, so a rescheduled session is
// reminded anew, and an unchanged time is never reminded twice). Reminders
// whose time has already passed when the session is (re)scheduled are not sent.
import type { WorkflowSignatures } from '../domain/workflows';
import { condition, log, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  engagementSessionStateQuery,
  sessionAnnouncementKey,
  sessionChangedSignal,
  sessionReminderKey,
  type EngagementSessionInputV1,
  type EngagementSessionStateV1,
  type SessionNoticeV1,
  type SessionScheduleV1,
} from '../domain/contracts/engagementSession';
import { publicActivities } from './lib/publicActivities';

interface PendingReminder {
  key: string;
  at: number;
}

/** The reminders still to send for this schedule: in the future, not sent yet, earliest first. */
function pendingReminders(sessionId: string, schedule: SessionScheduleV1, remindBeforeMs: number[], told: Set<string>, now: number): PendingReminder[] {
  const startsAt = Date.parse(schedule.startsAt);
  return remindBeforeMs
    .map((before) => ({ key: sessionReminderKey(sessionId, schedule.startsAt, before), at: startsAt - before }))
    .filter((r) => r.at > now && !told.has(r.key))
    .sort((a, b) => a.at - b.at);
}

export async function engagementSessionWorkflow(input: EngagementSessionInputV1): Promise<EngagementSessionStateV1> {
  const { sessionId, remindBeforeMs } = input;
  let schedule = input.schedule;
  let changed = false;
  const told: string[] = [];
  let nextReminderAt: number | null = null;

  setHandler(sessionChangedSignal, (next) => {
    if (next.revision <= schedule.revision) return;
    schedule = next;
    changed = true;
  });
  const state = (): EngagementSessionStateV1 => ({
    status: schedule.status,
    startsAt: schedule.startsAt,
    told: [...told],
    nextReminderAt: nextReminderAt === null ? null : new Date(nextReminderAt).toISOString(),
  });
  setHandler(engagementSessionStateQuery, state);

  const tell = async (key: string, notice: SessionNoticeV1) => {
    await publicActivities.startPublicFanOut({
      event: { kind: 'session.upcoming', key, at: new Date(Date.now()).toISOString(), data: { ...schedule.message, notice } },
    });
    told.push(key);
    log.info('engagement session told to subscribers', { sessionId, key, workflowId: workflowInfo().workflowId });
  };

  if (input.announce && schedule.status === 'SCHEDULED') await tell(sessionAnnouncementKey(sessionId), 'announced');

  for (;;) {
    if (schedule.status !== 'SCHEDULED') break;
    changed = false;
    const next = pendingReminders(sessionId, schedule, remindBeforeMs, new Set(told), Date.now())[0];
    nextReminderAt = next?.at ?? null;
    // With no reminder left, wait for the session itself: a change before it may bring new reminders.
    const wakeAt = next?.at ?? Date.parse(schedule.startsAt);
    const wait = wakeAt - Date.now();
    if (wait > 0 && (await condition(() => changed, wait))) continue;
    if (!next) break;
    await tell(next.key, 'reminder');
  }
  nextReminderAt = null;
  return state();
}

// The signature the API starts this workflow with (domain/workflows.ts).
engagementSessionWorkflow satisfies WorkflowSignatures['engagementSessionWorkflow'];
