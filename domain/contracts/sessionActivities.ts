// The sign-in housekeeping the session sweep workflow runs on its Schedule.

export interface SweepResultV1 {
  sessions: number;
  signInLinks: number;
  throttleRows: number;
}

export interface SessionActivities {
  /** Deletes expired sessions, spent or expired sign-in links and stale sign-in counters. Idempotent. */
  sweepExpiredSessions(input: { version: 1 }): Promise<SweepResultV1>;
}

export const SESSION_SWEEP_SCHEDULE_ID = 'session-sweep';
