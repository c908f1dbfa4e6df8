// The notification activity. Exactly-once is not available from SMTP or
// Twilio, so this gets as close as the providers allow:
//  - the Notification row (unique idempotency key) is written BEFORE the
//    provider is called;
//  - a retried or repeated call with the same key finds the row: if the
//    provider already accepted the message it returns ALREADY_SENT without
//    calling the provider again; while one attempt is talking to the provider
//    it holds a lease on the row, so an overlapping attempt waits (retries)
//    instead of sending a second copy;
//  - the only window left is "provider accepted, process died before the row
//    was marked SENT": the retry sends again. Emails then carry the same
//    Message-ID (derived from the key) so mail systems can drop the duplicate;
//    Twilio offers no such key, so an SMS can repeat in that window.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationActivities, OutboundMessageV1, SendResultV1, ChannelName } from '../../domain/contracts/notificationActivities';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import type { Notification, Prisma } from '../../generated/prisma/client';
import { notificationKey } from '../../domain/ids';
import { appendAudit } from '../../lib/audit';
import { ProviderRateLimitError, ProviderUnavailableError } from './errors';
import type { Mailer, SmsClient } from './providers';
import { renderMessage, type RenderedMessage, type TemplateConfig } from './templates';
import { FailureType } from '../../domain/failures';

export { ProviderRateLimitError, ProviderUnavailableError } from './errors';
export { createMailer, createSmsClient } from './providers';
export { renderMessage } from './templates';

export type NotificationConfig = TemplateConfig &
  Pick<Config, 'MAIL_FROM' | 'TWILIO_FROM_NUMBER'>;

export interface NotificationDeps {
  db: Db;
  mailer: Pick<Mailer, 'sendMail'>;
  sms: { messages: Pick<SmsClient['messages'], 'create'> };
  config: NotificationConfig;
}

/** Twilio errors that say "this recipient cannot get SMS from us", so retrying cannot help. */
const PERMANENT_TWILIO_RECIPIENT_CODES = new Set([
  21211, // invalid 'To' number
  21214, // 'To' number cannot be reached
  21408, // no permission to send to this region
  21610, // recipient replied STOP
  21612, // 'To' number not reachable via this 'From'
  21614, // 'To' number is not a mobile number
]);

const PROVIDER: Record<ChannelName, string> = { EMAIL: 'smtp', SMS: 'twilio' };

/** providerStatus while an attempt is talking to the provider. */
export const IN_FLIGHT = 'in-flight';
/**
 * How long an in-flight claim blocks other attempts. Longer than the
 * activity's start-to-close timeout (30 s) plus the provider clients' own
 * timeouts, so a timed-out attempt that is still running cannot overlap a retry.
 */
export const LEASE_MS = 2 * 60_000;

/** Another attempt with the same key is sending right now; retry later (Temporal will). */
export class SendInProgressError extends Error {
  constructor(readonly notificationId: string) {
    super(`notification ${notificationId} is being sent by another attempt`);
    this.name = 'SendInProgressError';
  }
}

/**
 * One message, rendered, to one address: what every sender (officials by
 * person, subscribers and newsrooms by subscription) hands to the delivery
 * core below.
 */
export interface PreparedMessage {
  idempotencyKey: string;
  channel: ChannelName;
  purpose: string;
  /** Null when there is none to send to: the row is recorded UNDELIVERABLE with `unreachable`. */
  address: string | null;
  /** Why the recipient cannot be reached (no address, inactive, unsubscribed), if they cannot. */
  unreachable: string | null;
  /** Shown in the To: header of an email. */
  displayName: string | null;
  rendered: RenderedMessage;
  /** Extra email headers (List-Unsubscribe for subscribers). */
  headers?: Record<string, string>;
  personId?: string | null;
  subscriptionId?: string | null;
  incidentId?: string | null;
  planId?: string | null;
  actionItemId?: string | null;
  fallbackForNotificationId?: string | null;
}

export interface MessageSender {
  /** Records the message under its idempotency key, then sends it once (see the file header). */
  sendPrepared(message: PreparedMessage): Promise<SendResultV1>;
}

function invalidInput(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidInput,
    message: `${field}: ${message}`,
    nonRetryable: true,
    details: [{ field, message }],
  });
}

function undeliverable(notificationId: string, channel: ChannelName, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.UndeliverableRecipient,
    message: `${channel} recipient is undeliverable: ${reason}`,
    nonRetryable: true,
    details: [{ notificationId, channel, reason }],
  });
}

function validate(message: OutboundMessageV1): void {
  if (!message || typeof message !== 'object') throw invalidInput('message', 'must be an object');
  for (const field of ['workflowId', 'purpose', 'personId', 'attemptGroup', 'template'] as const) {
    if (typeof message[field] !== 'string' || message[field].trim() === '') throw invalidInput(field, 'is required');
  }
  if (message.channel !== 'EMAIL' && message.channel !== 'SMS') throw invalidInput('channel', 'must be EMAIL or SMS');
}

/** Same key, same Message-ID: receivers can drop a duplicate sent in the crash window. */
export function emailMessageId(idempotencyKey: string, mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const domain = address.includes('@') ? address.split('@').pop()!.trim() : 'commonground.invalid';
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<notification-${digest}@${domain}>`;
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === 'P2002';
const isForeignKeyViolation = (err: unknown) => (err as { code?: unknown })?.code === 'P2003';

interface ClassifiedFailure {
  kind: 'undeliverable' | 'rate-limited' | 'transient';
  description: string;
  error: Error;
}

function classifyTwilioError(err: unknown): ClassifiedFailure {
  if (err instanceof ProviderRateLimitError) {
    return { kind: 'rate-limited', description: `twilio ${err.code ?? 429}: ${err.message}`, error: err };
  }
  const e = err as { status?: unknown; code?: unknown; message?: string };
  if (typeof e?.status === 'number' && typeof e.code === 'number') {
    const description = `twilio ${e.code} (HTTP ${e.status}): ${e.message ?? ''}`.trim();
    if (PERMANENT_TWILIO_RECIPIENT_CODES.has(e.code)) return { kind: 'undeliverable', description, error: err as Error };
    return { kind: 'transient', description, error: new ProviderUnavailableError('twilio', description, e.code, e.status) };
  }
  const description = `twilio request failed: ${(err as Error)?.message ?? String(err)}`;
  return { kind: 'transient', description, error: new ProviderUnavailableError('twilio', description, (e?.code as string) ?? null) };
}

function classifySmtpError(err: unknown): ClassifiedFailure {
  const e = err as { responseCode?: unknown; command?: unknown; code?: unknown; message?: string };
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : null;
  const description = `smtp ${responseCode ?? e?.code ?? 'error'}${e?.command ? ` at ${e.command}` : ''}: ${e?.message ?? String(err)}`;
  // 5xx on RCPT TO is the receiving system refusing this address for good. An
  // envelope error without a response code means the address did not even parse.
  const refusedRecipient = responseCode !== null && responseCode >= 500 && e.command === 'RCPT TO';
  const unparseableAddress = responseCode === null && e?.code === 'EENVELOPE';
  if (refusedRecipient || unparseableAddress) return { kind: 'undeliverable', description, error: err as Error };
  return { kind: 'transient', description, error: new ProviderUnavailableError('smtp', description, responseCode ?? ((e?.code as string) ?? null)) };
}

/** The delivery core every sender shares: the idempotency row, the lease, the provider call and its outcome. */
export function createMessageSender(deps: NotificationDeps): MessageSender {
  const { db, mailer, sms, config } = deps;
  const statusCallbackBase = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/webhooks/twilio/status`;

  /**
   * A conditional single-row update (one statement; updateMany would wrap it
   * in a transaction). False when the row no longer matches the condition.
   */
  async function updateIfMatches(args: { where: Prisma.NotificationWhereUniqueInput; data: Prisma.NotificationUpdateInput }): Promise<boolean> {
    try {
      await db.notification.update({ ...args, select: { id: true } });
      return true;
    } catch (err) {
      if ((err as { code?: unknown })?.code === 'P2025') return false;
      throw err;
    }
  }

  async function markUndeliverable(
    notification: { id: string; incidentId: string | null; planId: string | null; personId: string | null; subscriptionId: string | null; channel: ChannelName; purpose: string },
    reason: string,
  ): Promise<ApplicationFailure> {
    await db.$transaction(async (tx) => {
      await tx.notification.update({ where: { id: notification.id }, data: { status: 'UNDELIVERABLE', lastError: reason, providerStatus: null } });
      await appendAudit(tx, {
        actorLabel: 'system:notifications',
        action: 'notification.undeliverable',
        entityType: 'Notification',
        entityId: notification.id,
        incidentId: notification.incidentId,
        planId: notification.planId,
        data: {
          ...(notification.subscriptionId ? { subscriptionId: notification.subscriptionId } : { personId: notification.personId }),
          channel: notification.channel,
          purpose: notification.purpose,
          reason,
        },
      });
    });
    return undeliverable(notification.id, notification.channel, reason);
  }

  async function callProvider(
    message: PreparedMessage,
    notificationId: string,
    address: string,
  ): Promise<{ providerMessageId: string; providerStatus: string | null }> {
    const { channel, rendered, idempotencyKey } = message;
    if (channel === 'EMAIL') {
      const info = await mailer.sendMail({
        from: config.MAIL_FROM,
        to: message.displayName ? { name: message.displayName, address } : address,
        subject: rendered.subject ?? 'Common Ground',
        text: rendered.text,
        html: rendered.html ?? undefined,
        messageId: emailMessageId(idempotencyKey, config.MAIL_FROM),
        headers: { ...message.headers, 'X-Common-Ground-Notification': notificationId },
      });
      return { providerMessageId: info.messageId, providerStatus: typeof info.response === 'string' ? info.response.slice(0, 200) : null };
    }
    const accepted = await sms.messages.create({
      to: address,
      from: config.TWILIO_FROM_NUMBER,
      body: rendered.text,
      // The row id in the callback URL lets a callback that outruns our own
      // "SENT" write still find its row.
      statusCallback: `${statusCallbackBase}?n=${encodeURIComponent(notificationId)}`,
    });
    return { providerMessageId: accepted.sid, providerStatus: accepted.status ?? null };
  }

  /**
   * What a repeated key means: report the earlier outcome, or claim a retry of
   * a still-pending send. A claim is a lease (providerStatus IN_FLIGHT): while
   * another attempt holds it, this attempt fails retryably instead of sending
   * a second copy; a lease left by a crashed attempt expires after LEASE_MS.
   */
  async function resumeExisting(
    idempotencyKey: string,
    channel: ChannelName,
  ): Promise<{ done: SendResultV1 } | { resend: Notification }> {
    const existing = await db.notification.findUniqueOrThrow({ where: { idempotencyKey } });
    if (existing.status === 'UNDELIVERABLE') {
      throw undeliverable(existing.id, channel, existing.lastError ?? 'recipient was refused earlier');
    }
    if (existing.status !== 'PENDING') {
      return {
        done: { notificationId: existing.id, idempotencyKey, status: 'ALREADY_SENT', providerMessageId: existing.providerMessageId },
      };
    }
    const claimed = await updateIfMatches({
      where: {
        id: existing.id,
        status: 'PENDING',
        OR: [
          { providerStatus: null },
          { providerStatus: { not: IN_FLIGHT } },
          { updatedAt: { lt: new Date(Date.now() - LEASE_MS) } },
        ],
      },
      data: { attempts: { increment: 1 }, providerStatus: IN_FLIGHT },
    });
    if (claimed) return { resend: existing };
    const now = await db.notification.findUniqueOrThrow({ where: { idempotencyKey }, select: { status: true } });
    if (now.status !== 'PENDING') return resumeExisting(idempotencyKey, channel);
    throw new SendInProgressError(existing.id);
  }

  async function sendPrepared(message: PreparedMessage): Promise<SendResultV1> {
    const { channel, idempotencyKey, rendered, address } = message;
    const reachable = !!address && message.unreachable === null;

    // Insert first: the common case is a new key, and the unique index decides races.
    let notification: Notification;
    try {
      const row = {
        idempotencyKey,
        incidentId: message.incidentId ?? null,
        planId: message.planId ?? null,
        actionItemId: message.actionItemId ?? null,
        personId: message.personId ?? null,
        subscriptionId: message.subscriptionId ?? null,
        channel,
        toAddress: address ?? '',
        purpose: message.purpose,
        subject: rendered.subject,
        body: rendered.text,
        status: 'PENDING' as const,
        provider: PROVIDER[channel],
        attempts: reachable ? 1 : 0,
        providerStatus: reachable ? IN_FLIGHT : null,
        fallbackForId: message.fallbackForNotificationId ?? null,
      };
      const fallbackFor = message.fallbackForNotificationId;
      notification = !fallbackFor
        ? await db.notification.create({ data: row })
        : // A fallback is part of the record: its audit event is atomic with the row it explains.
          await db.$transaction(async (tx) => {
            const created = await tx.notification.create({ data: row });
            await appendAudit(tx, {
              actorLabel: 'system:notifications',
              action: 'notification.fallback',
              entityType: 'Notification',
              entityId: created.id,
              incidentId: created.incidentId,
              planId: created.planId,
              data: { personId: created.personId, channel, purpose: message.purpose, fallbackFor },
            });
            return created;
          });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw invalidInput('incidentId', 'refers to no incident');
      if (!isUniqueViolation(err)) throw err;
      const outcome = await resumeExisting(idempotencyKey, channel);
      if ('done' in outcome) return outcome.done;
      notification = outcome.resend;
    }

    if (!address || message.unreachable !== null) throw await markUndeliverable(notification, message.unreachable ?? 'no address');

    let accepted: { providerMessageId: string; providerStatus: string | null };
    try {
      accepted = await callProvider(message, notification.id, address);
    } catch (err) {
      const failure = channel === 'SMS' ? classifyTwilioError(err) : classifySmtpError(err);
      if (failure.kind === 'undeliverable') throw await markUndeliverable(notification, failure.description);
      await db.notification.update({ where: { id: notification.id }, data: { lastError: failure.description.slice(0, 1000), providerStatus: null } });
      throw failure.error;
    }

    const sentAt = new Date();
    const advanced = await updateIfMatches({
      where: { id: notification.id, status: 'PENDING' },
      data: { status: 'SENT', providerMessageId: accepted.providerMessageId, providerStatus: accepted.providerStatus, sentAt, lastError: null },
    });
    let status: SendResultV1['status'] = 'SENT';
    if (!advanced) {
      // A status callback got here first and moved the row on; keep its status, add what only we know.
      const updated = await db.notification.update({
        where: { id: notification.id },
        data: { providerMessageId: accepted.providerMessageId, sentAt },
        select: { status: true },
      });
      if (updated.status === 'DELIVERED') status = 'DELIVERED';
    }
    return { notificationId: notification.id, idempotencyKey, status, providerMessageId: accepted.providerMessageId };
  }

  return { sendPrepared };
}

/** sendNotification: one message to one of the city's people, in their language. */
export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const { db, config } = deps;
  const { sendPrepared } = createMessageSender(deps);

  async function sendNotification(message: OutboundMessageV1): Promise<SendResultV1> {
    validate(message);
    const { channel } = message;
    const person = await db.person.findUnique({
      where: { id: message.personId },
      select: { id: true, name: true, title: true, email: true, phone: true, active: true, language: true },
    });
    if (!person) throw invalidInput('personId', `no person with id ${message.personId}`);
    const address = channel === 'EMAIL' ? person.email : person.phone;

    const data: Record<string, unknown> = {
      ...(message.data ?? {}),
      recipient: { id: person.id, name: person.name, title: person.title },
    };
    if (message.fallbackForNotificationId) data.fallbackFrom = channel === 'EMAIL' ? 'SMS' : 'EMAIL';
    const rendered = renderMessage(message.template, data, channel, config, new Date(), { language: person.language });

    return sendPrepared({
      idempotencyKey: notificationKey(message),
      channel,
      purpose: message.purpose,
      address: address || null,
      unreachable: !address ? (channel === 'EMAIL' ? 'no email address on file' : 'no mobile number on file') : !person.active ? 'person is inactive' : null,
      displayName: person.name,
      rendered,
      personId: person.id,
      incidentId: message.incidentId ?? null,
      planId: message.planId ?? null,
      actionItemId: message.actionItemId ?? null,
      fallbackForNotificationId: message.fallbackForNotificationId ?? null,
    });
  }

  return { sendNotification: (message) => sendNotification(message) };
}
