// Workflow used only by test/unit/notifications-notify.test.ts: notifyPerson
// behind the recommended activity options, reporting how much workflow time passed.
import { proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../domain/contracts/notificationActivities';
import { notifyPerson, type NotifyPersonInput, type NotifyPersonResult } from '../../workflows/lib/notify';
import { NOTIFICATION_ACTIVITY_OPTIONS } from '../../domain/retry';

const acts = proxyActivities<NotificationActivities>(NOTIFICATION_ACTIVITY_OPTIONS);

export async function notifyPersonTestWorkflow(input: NotifyPersonInput): Promise<{ result: NotifyPersonResult; elapsedMs: number }> {
  const started = Date.now();
  const result = await notifyPerson(acts, input);
  return { result, elapsedMs: Date.now() - started };
}
