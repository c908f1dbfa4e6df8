// Run once by each worker as it starts (worker/main.ts): loads the workflow
// code and exercises the activity path, so the first incident after start-up
// is not the one that pays for it.
import { proxyActivities } from '@temporalio/workflow';
import type { WarmUpActivities, WarmUpReportV1 } from '../domain/contracts/warmUpActivities';
import type { NotificationActivities } from '../domain/contracts/notificationActivities';

const { warmUp } = proxyActivities<WarmUpActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 2 } });
const { sendNotificationBatch } = proxyActivities<NotificationActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 2 } });

export async function warmUpWorkflow(): Promise<WarmUpReportV1> {
  const [report] = await Promise.all([warmUp(), sendNotificationBatch({ messages: [] })]);
  return report;
}
