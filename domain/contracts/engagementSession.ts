// A Goal 1 engagement session's reminders to the public: one workflow per
// session (business id engagementSessionWorkflowId) announces it once when it
// is scheduled, then sleeps until each of the policy's reminder offsets before
// it and tells the ENGAGEMENT_SESSIONS subscribers through the public fan-out
// (domain/contracts/publicFanOut.ts, event 'session.upcoming'). A change to
// the session (rescheduled, moved, cancelled) reaches the workflow as the
// sessionChanged signal, carried by signal-with-start so a workflow that has
// already finished starts again for the new time; a change older than the one
// it holds (a lower revision) is ignored.
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** What the reminder says: the session's public facts, in the words staff wrote them. */
export interface SessionMessageV1 {
  sessionTitle: string;
  startsAt: string;
  place?: string;
  languages?: string;
  accessibility?: string;
  sessionUrl?: string;
}

/** Which message a fan-out of this workflow is. */
export type SessionNoticeV1 = 'announced' | 'reminder';

/** The session as the workflow knows it: its time, whether it still happens, and its message. */
export interface SessionScheduleV1 {
  /** Grows with every change (the row's updatedAt in ms): an older change arriving late is ignored. */
  revision: number;
  status: 'SCHEDULED' | 'HELD' | 'CANCELLED';
  startsAt: string;
  message: SessionMessageV1;
}

export interface EngagementSessionInputV1 {
  version: 1;
  sessionId: string;
  /** Each reminder this long before the session (the policy's engagement.remindBefore, in ms). */
  remindBeforeMs: number[];
  /** Tell subscribers at once that the session was scheduled (not again when a finished workflow restarts for a change). */
  announce: boolean;
  schedule: SessionScheduleV1;
}

export interface EngagementSessionStateV1 {
  status: SessionScheduleV1['status'];
  startsAt: string;
  /** The fan-out event keys this workflow has started, in order. */
  told: string[];
  /** When the next reminder is due, or null when none is left. */
  nextReminderAt: string | null;
}

export const sessionChangedSignal = defineSignal<[SessionScheduleV1]>('sessionChanged');
export const engagementSessionStateQuery = defineQuery<EngagementSessionStateV1>('engagementSessionState');

/** The fan-out key of one reminder: the session, the time it is for, and the offset, so a rescheduled session is reminded again. */
export const sessionReminderKey = (sessionId: string, startsAt: string, remindBeforeMs: number): string =>
  `${sessionId}-${Date.parse(startsAt)}-${remindBeforeMs}`;

export const sessionAnnouncementKey = (sessionId: string): string => `${sessionId}-announced`;
