// Started by the session-sweep Schedule (worker/sessionSweepSchedule.ts): one
// activity that deletes expired sessions, old sign-in links and stale sign-in
// counters. The clock lives in the Schedule, not in the API.
import { proxyActivities } from '@temporalio/workflow';
import type { SessionActivities, SweepResultV1 } from '../domain/contracts/sessionActivities';

const { sweepExpiredSessions } = proxyActivities<SessionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function sessionSweepWorkflow(): Promise<SweepResultV1> {
  return sweepExpiredSessions({ version: 1 });
}
