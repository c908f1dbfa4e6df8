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
}
