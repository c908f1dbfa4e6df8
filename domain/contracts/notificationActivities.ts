// What workflows may ask of the notification activities. Workflows import only
// types from here (never the implementations, which use Node and Prisma).

/** VOICE: a phone call reading the message, asking to press 1 (incident acknowledgements only). */
export type ChannelName = 'EMAIL' | 'SMS' | 'VOICE';

export interface OutboundMessageV1 {
  /** The calling workflow's id: first part of the idempotency key. */
  workflowId: string;
  /** e.g. incident.declared, incident.ack-escalation, statement.approval-reminder, item.reminder-3d */
  purpose: string;
  personId: string;
  channel: ChannelName;
  /** Distinguishes deliberate repeats of the same purpose (e.g. reminder number); retries reuse it. */
  attemptGroup: string;
  /** Rendered by the activity from activities/templates; the workflow passes data only. */
  template: string;
  data: Record<string, unknown>;
  incidentId?: string;
  planId?: string;
  actionItemId?: string;
  /** Set when this send replaces a permanently failed one on the other channel. */
  fallbackForNotificationId?: string;
}

export interface SendResultV1 {
  notificationId: string;
  idempotencyKey: string;
  status: 'SENT' | 'DELIVERED' | 'ALREADY_SENT';
  providerMessageId: string | null;
}

/**
 * sendNotification throws a non-retryable ApplicationFailure of type
 * FailureType.UndeliverableRecipient (details: [{ notificationId }]) when the
 * provider refuses the address for good (Twilio 21211, missing phone/email).
 * The workflow then sends on the other channel with fallbackForNotificationId.
 * Rate limits (429) and provider 5xx are retried by Temporal with backoff and
 * jitter; 429 honours Retry-After through nextRetryDelay.
 */
export interface NotificationActivities {
  sendNotification(message: OutboundMessageV1): Promise<SendResultV1>;
  sendNotificationBatch(input: NotificationBatchV1): Promise<NotificationBatchResultV1>;
}

/** Many messages at once (everyone told of a declaration): one activity instead of one per message. */
export interface NotificationBatchV1 {
  messages: OutboundMessageV1[];
}

/**
 * One message's outcome in a batch, in the order sent. Every message keeps
 * its own idempotency key and its own row in the delivery log, as if sent
 * alone. 'UNDELIVERABLE': refused for good (or given up), so the workflow
 * falls back to the other channel. 'SEND_ALONE': not settled by the batch (a
 * provider hiccup, another attempt holding it, a message that needs the
 * careful path); the workflow sends it with sendNotification, whose retries
 * and outcomes are those of any single message.
 */
export type BatchOutcomeV1 =
  | ({ status: SendResultV1['status'] } & Omit<SendResultV1, 'status'>)
  | { status: 'UNDELIVERABLE'; notificationId: string | null; idempotencyKey: string; providerMessageId: null }
  | { status: 'SEND_ALONE'; notificationId: string | null; idempotencyKey: string; providerMessageId: null; reason: string };

export interface NotificationBatchResultV1 {
  outcomes: BatchOutcomeV1[];
}
