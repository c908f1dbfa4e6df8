// The Temporal Schedule that runs the session sweep every hour. Every worker
// makes sure it exists at start-up; the first one creates it and the others
// find it there, so starting any number of workers is safe.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { SESSION_SWEEP_SCHEDULE_ID } from '../domain/contracts/sessionActivities';

export const SESSION_SWEEP_EVERY = '1 hour';

export async function ensureSessionSweepSchedule(client: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: SESSION_SWEEP_SCHEDULE_ID,
      spec: { intervals: [{ every: SESSION_SWEEP_EVERY }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'sessionSweepWorkflow',
        workflowId: `${SESSION_SWEEP_SCHEDULE_ID}-run`,
        taskQueue,
        args: [],
      },
      // A sweep still running when the next is due makes the next one pointless.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      state: { note: 'Deletes expired sessions, spent sign-in links and stale sign-in counters' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
