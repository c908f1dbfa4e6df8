// sendNotificationBatch for tests that stand in for sendNotification: each
// message through the stand-in, with its outcome told as the real batch tells
// it (refused for good, or handed back to be sent alone with retries).
import { ApplicationFailure } from '@temporalio/common';
import type { BatchOutcomeV1, NotificationBatchResultV1, NotificationBatchV1, OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import { FailureType } from '../../domain/failures';
import { notificationKey } from '../../domain/ids';

export function batchThrough(sendNotification: (message: OutboundMessageV1) => Promise<SendResultV1>) {
  return async function sendNotificationBatch({ messages }: NotificationBatchV1): Promise<NotificationBatchResultV1> {
    const outcomes = await Promise.all(
      messages.map(async (message): Promise<BatchOutcomeV1> => {
        try {
          return await sendNotification(message);
        } catch (err) {
          const idempotencyKey = notificationKey(message);
          if (err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient) {
            const detail = (err.details ?? [])[0] as { notificationId?: string } | undefined;
            return { status: 'UNDELIVERABLE', notificationId: detail?.notificationId ?? null, idempotencyKey, providerMessageId: null };
          }
          return { status: 'SEND_ALONE', notificationId: null, idempotencyKey, providerMessageId: null, reason: String(err) };
        }
      }),
    );
    return { outcomes };
  };
}
