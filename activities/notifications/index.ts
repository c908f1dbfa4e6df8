// The notification activity. Exactly-once is not available from SMTP or
// Twilio, so this gets as close as the providers allow:
//  - the Notification row (unique idempotency key) is written BEFORE the
//    provider is called;
//  - a retried or repeated call with the same key finds the row: if the
//    provider already accepted the message it returns ALREADY_SENT without
//    calling the provider again; while one attempt is talking to the provider
//    it holds a lease on the row naming that attempt (lease.ts), so an
//    overlapping attempt waits instead of sending a second copy, while the
//    next attempt of an attempt that died takes the lease over at once;
//  - the window "provider accepted, process died before the row was marked
//    SENT": before sending again after an interrupted attempt, an SMS is
//    looked up in Twilio's message list (smsLookup.ts), and the status
//    callback, whose URL carries the row id, marks the row too. SMTP has no
//    such question to ask: an email sent again carries the same Message-ID
//    (derived from the key), so mail systems can drop the duplicate;
//  - a refusal that retrying cannot change (classify.ts) is never retried: a
//    refused recipient ends UNDELIVERABLE, a refused message FAILED, and the
//    workflow falls back to the other channel; so does a message no provider
//    accepted within its delivery window;
//  - SMS sends go through a per-sender rate limit that halves on a 429.
//
// Three channels: EMAIL (SMTP), SMS and VOICE (both through the twilio client;
// a call reads the message and asks to press 1, see lib/voiceCalls.ts). An
// email whose reply acknowledges the incident carries a signed Reply-To made
// from its row id (lib/replyAddress.ts).
//
// Everyone is sent to through the one core, createMessageSender: the city's
// people by person (sendNotification below) and residents and newsrooms by
// subscription (activities/publicFanOut), so all share the idempotency row,
// the lease, the lookup after an interruption and the sender's SMS rate.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type {
  BatchOutcomeV1,
  ChannelName,
  NotificationActivities,
  NotificationBatchResultV1,
  NotificationBatchV1,
  OutboundMessageV1,
  SendResultV1,
} from '../../domain/contracts/notificationActivities';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import type { TxClient } from '../../lib/audit';
import type { Notification, Prisma } from '../../generated/prisma/client';
import { notificationKey } from '../../domain/ids';
import { SYSTEM_ACTORS } from '../../domain/systemActors';
import { appendAudit } from '../../lib/audit';
import { ProviderRateLimitError, ProviderUnavailableError } from './errors';
import { classifySmtpError, classifyTwilioError } from './classify';
import { currentAttempt, leaseDecision, leaseFor, UNCONFIRMED, type AttemptIdentity } from './lease';
import { findAcceptedSms } from './smsLookup';
import { insertNewRows, rowsStillLeased, SentRecorder } from './bulkRows';
import { realClock, SendRates, SendRateWait } from './sendRate';
import { databaseSendSlotStore, SharedSendSlots } from './sharedSendSlots';
import type { Mailer, SmsClient } from './providers';
import { renderMessage, type RenderedMessage, type TemplateConfig } from './templates';
import { FailureType } from '../../domain/failures';
import { startInTurns } from '../../lib/turns';
import { replyAddressFor } from '../../lib/replyAddress';
import { CALL_RING_SECONDS, acknowledgementCallTwiml, voiceGatherUrl, voiceStatusCallbackUrl } from '../../lib/voiceCalls';

export { ProviderRateLimitError, ProviderUnavailableError } from './errors';

/** A batch's sends are handed to the providers this many per event-loop turn (lib/turns.ts). */
export const SENDS_STARTED_PER_TURN = 10;
export { createMailer, createSmsClient } from './providers';
export { IN_FLIGHT, LEASE_MS, UNCONFIRMED } from './lease';
export { renderMessage } from './templates';

export type NotificationConfig = TemplateConfig &
  Pick<Config, 'MAIL_FROM' | 'TWILIO_FROM_NUMBER'> &
  Partial<Pick<Config, 'SMS_SENDS_PER_SECOND' | 'NOTIFICATION_DELIVERY_WINDOW_MINUTES' | 'INBOUND_EMAIL_DOMAIN'>>;

export interface NotificationDeps {
  db: Db;
  mailer: Pick<Mailer, 'sendMail'>;
  /** The twilio client: Messages for SMS, Calls for VOICE (a client without calls cannot place calls). */
  sms: { messages: Pick<SmsClient['messages'], 'create' | 'list'>; calls?: Pick<SmsClient['calls'], 'create'> };
  config: NotificationConfig;
  /**
   * The per-sender SMS rates. Pass the same instance to every sender in a
   * worker (activities/index.ts does) so officials' texts and subscribers'
   * texts count against one rate; each sender made without it has its own.
   */
  smsRates?: SendRates;
}

/**
 * The SMS rates a worker's senders share (one per worker process: see
 * NotificationDeps.smsRates). Given the database, every worker's sends of a
 * sender also share that sender's rate (sharedSendSlots.ts); without it, the
 * rate holds within this worker only.
 */
export function createSmsRates(config: Pick<NotificationConfig, 'SMS_SENDS_PER_SECOND'>, db?: Pick<Db, '$queryRaw'>): SendRates {
  const perSecond = config.SMS_SENDS_PER_SECOND ?? DEFAULT_SMS_SENDS_PER_SECOND;
  return new SendRates(perSecond, realClock, db ? new SharedSendSlots(databaseSendSlotStore(db), realClock) : undefined);
}

const PROVIDER: Record<ChannelName, string> = { EMAIL: 'smtp', SMS: 'twilio', VOICE: 'twilio-voice' };

/** Defaults when the config leaves them out (lib/config.ts has the same). */
const DEFAULT_SMS_SENDS_PER_SECOND = 100;
/** The longest an attempt waits for a send slot: well inside its start-to-close timeout (domain/retry.ts). */
const MAX_SEND_RATE_WAIT_MS = 10_000;
const DEFAULT_DELIVERY_WINDOW_MINUTES = 30;

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
  /** Many messages at once, each as if sent alone; outcomes in the same order (see sendPreparedBatch). */
  sendPreparedBatch(messages: PreparedMessage[]): Promise<BatchOutcomeV1[]>;
}

/** Who a notification row is about, for the audit record of its outcome. */
type NotificationOutcomeRow = {
  id: string;
  incidentId: string | null;
  planId: string | null;
  personId: string | null;
  subscriptionId: string | null;
  channel: ChannelName;
  purpose: string;
};

/** A subscriber's address never goes into the audit log: their subscription id stands for them. */
const recipientOf = (n: NotificationOutcomeRow) => (n.subscriptionId ? { subscriptionId: n.subscriptionId } : { personId: n.personId });

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

/**
 * This message will not go out on this channel (refused for good, or no
 * provider took it within its delivery window). The same failure type as a
 * refused recipient, so the workflow falls back to the other channel.
 */
function deliveryFailed(notificationId: string, channel: ChannelName, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.UndeliverableRecipient,
    message: `${channel} message failed: ${reason}`,
    nonRetryable: true,
    details: [{ notificationId, channel, reason, failed: true }],
  });
}

function validate(message: OutboundMessageV1): void {
  if (!message || typeof message !== 'object') throw invalidInput('message', 'must be an object');
  for (const field of ['workflowId', 'purpose', 'personId', 'attemptGroup', 'template'] as const) {
    if (typeof message[field] !== 'string' || message[field].trim() === '') throw invalidInput(field, 'is required');
  }
  if (message.channel !== 'EMAIL' && message.channel !== 'SMS' && message.channel !== 'VOICE') throw invalidInput('channel', 'must be EMAIL, SMS or VOICE');
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

/** The delivery core every sender shares: the idempotency row, the lease, the provider call and its outcome. */
export function createMessageSender(deps: NotificationDeps): MessageSender {
  const { db, mailer, sms, config } = deps;
  const statusCallbackBase = `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/webhooks/twilio/status`;
  const smsRates = deps.smsRates ?? createSmsRates(config);
  const deliveryWindowMs = (config.NOTIFICATION_DELIVERY_WINDOW_MINUTES ?? DEFAULT_DELIVERY_WINDOW_MINUTES) * 60_000;

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
    notification: NotificationOutcomeRow,
    reason: string,
  ): Promise<ApplicationFailure> {
    await db.$transaction(async (tx) => {
      await tx.notification.update({ where: { id: notification.id }, data: { status: 'UNDELIVERABLE', lastError: reason, providerStatus: null } });
      await appendAudit(tx, {
        actorLabel: SYSTEM_ACTORS.NOTIFICATIONS,
        action: 'notification.undeliverable',
        entityType: 'Notification',
        entityId: notification.id,
        incidentId: notification.incidentId,
        planId: notification.planId,
        data: { ...recipientOf(notification), channel: notification.channel, purpose: notification.purpose, reason },
      });
    });
    return undeliverable(notification.id, notification.channel, reason);
  }

  /** Gives this message up on this channel: FAILED in the delivery log, audited, and the workflow falls back. */
  async function markFailed(
    notification: NotificationOutcomeRow,
    reason: string,
  ): Promise<ApplicationFailure> {
    await db.$transaction(async (tx) => {
      await tx.notification.update({ where: { id: notification.id }, data: { status: 'FAILED', lastError: reason.slice(0, 1000), providerStatus: null } });
      await appendAudit(tx, {
        actorLabel: SYSTEM_ACTORS.NOTIFICATIONS,
        action: 'notification.failed',
        entityType: 'Notification',
        entityId: notification.id,
        incidentId: notification.incidentId,
        planId: notification.planId,
        data: { ...recipientOf(notification), channel: notification.channel, purpose: notification.purpose, reason: reason.slice(0, 500) },
      });
    });
    return deliveryFailed(notification.id, notification.channel, reason);
  }

  /**
   * Before the provider is called: is the lease still this attempt's? An
   * attempt that was held up past its timeout (a slow database, a stalled
   * process) has been replaced by the next one, which took the lease over;
   * the replaced one must not send as well.
   */
  async function assertLeaseHeld(notificationId: string, me: AttemptIdentity): Promise<void> {
    const held = await updateIfMatches({ where: { id: notificationId, status: 'PENDING', providerStatus: leaseFor(me) }, data: { updatedAt: new Date() } });
    if (!held) throw new SendInProgressError(notificationId);
  }

  async function callProvider(
    message: PreparedMessage,
    notificationId: string,
    address: string,
    me: AttemptIdentity,
    leaseChecked = false,
  ): Promise<{ providerMessageId: string; providerStatus: string | null }> {
    const { channel, rendered, idempotencyKey } = message;
    const assertLease = () => (leaseChecked ? Promise.resolve() : assertLeaseHeld(notificationId, me));
    if (channel === 'EMAIL') {
      await assertLease();
      const replyTo = rendered.acknowledgeByReply && config.INBOUND_EMAIL_DOMAIN
        ? replyAddressFor(notificationId, { LINK_SIGNING_SECRET: config.LINK_SIGNING_SECRET, INBOUND_EMAIL_DOMAIN: config.INBOUND_EMAIL_DOMAIN })
        : null;
      const info = await mailer.sendMail({
        from: config.MAIL_FROM,
        to: message.displayName ? { name: message.displayName, address } : address,
        ...(replyTo ? { replyTo } : {}),
        subject: rendered.subject ?? 'Common Ground',
        text: rendered.text,
        html: rendered.html ?? undefined,
        messageId: emailMessageId(idempotencyKey, config.MAIL_FROM),
        headers: { ...message.headers, 'X-Common-Ground-Notification': notificationId },
      });
      return { providerMessageId: info.messageId, providerStatus: typeof info.response === 'string' ? info.response.slice(0, 200) : null };
    }
    if (channel === 'VOICE') {
      await assertLease();
      if (!sms.calls) throw new ProviderUnavailableError('twilio', 'this worker has no Twilio Calls client');
      const call = await sms.calls.create({
        to: address,
        from: config.TWILIO_FROM_NUMBER,
        twiml: acknowledgementCallTwiml(rendered.text, voiceGatherUrl(config.PUBLIC_BASE_URL, notificationId)),
        statusCallback: voiceStatusCallbackUrl(config.PUBLIC_BASE_URL, notificationId),
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        statusCallbackMethod: 'POST',
        timeout: CALL_RING_SECONDS,
      });
      return { providerMessageId: call.sid, providerStatus: call.status ?? null };
    }
    // Checked before the wait, not after it: nothing may come between a send slot and the send, or
    // sends released a slot apart would reach Twilio together. The wait is bounded well inside the
    // attempt's start-to-close timeout, so no next attempt can exist yet when it ends.
    await assertLease();
    const rate = smsRates.for(config.TWILIO_FROM_NUMBER);
    try {
      await rate.acquire(MAX_SEND_RATE_WAIT_MS);
    } catch (err) {
      if (!(err instanceof SendRateWait)) throw err;
      // Our own limit, not Twilio's: retried after the wait, without lowering the rate further.
      throw new ProviderRateLimitError('twilio', err.retryAfterMs, `waiting for a send slot (${rate.currentPerSecond}/s for ${config.TWILIO_FROM_NUMBER})`, null);
    }
    let created;
    try {
      created = await sms.messages.create({
        to: address,
        from: config.TWILIO_FROM_NUMBER,
        body: rendered.text,
        // The row id in the callback URL lets a callback that outruns our own
        // "SENT" write (or a worker that died before writing it) still find its row.
        statusCallback: `${statusCallbackBase}?n=${encodeURIComponent(notificationId)}`,
      });
    } catch (err) {
      if (err instanceof ProviderRateLimitError) rate.throttled(err.retryAfterMs ?? 0);
      throw err;
    }
    rate.succeeded();
    return { providerMessageId: created.sid, providerStatus: created.status ?? null };
  }

  /**
   * What a repeated key means: report the earlier outcome, or claim a retry of
   * a still-pending send (lease.ts decides whether this attempt may).
   * `interrupted`: an earlier attempt may have reached the provider.
   */
  async function resumeExisting(
    idempotencyKey: string,
    channel: ChannelName,
    me: AttemptIdentity,
  ): Promise<{ done: SendResultV1 } | { resend: Notification; interrupted: boolean }> {
    const existing = await db.notification.findUniqueOrThrow({ where: { idempotencyKey } });
    if (existing.status === 'UNDELIVERABLE') {
      throw undeliverable(existing.id, channel, existing.lastError ?? 'recipient was refused earlier');
    }
    // FAILED without a provider id is our own verdict (refused or out of its window), not a carrier's report.
    if (existing.status === 'FAILED' && existing.providerMessageId === null) {
      throw deliveryFailed(existing.id, channel, existing.lastError ?? 'failed earlier');
    }
    if (existing.status !== 'PENDING') {
      return {
        done: { notificationId: existing.id, idempotencyKey, status: 'ALREADY_SENT', providerMessageId: existing.providerMessageId },
      };
    }
    const decision = leaseDecision(existing, me, Date.now());
    if (decision.claim) {
      const claimed = await updateIfMatches({
        // Unchanged since we read it: nobody else claimed it in between.
        where: { id: existing.id, status: 'PENDING', providerStatus: existing.providerStatus, updatedAt: existing.updatedAt },
        data: { attempts: { increment: 1 }, providerStatus: leaseFor(me) },
      });
      if (claimed) return { resend: existing, interrupted: decision.interrupted };
    }
    const now = await db.notification.findUniqueOrThrow({ where: { idempotencyKey }, select: { status: true, providerStatus: true } });
    if (now.status !== 'PENDING') return resumeExisting(idempotencyKey, channel, me);
    if (decision.claim && now.providerStatus !== leaseFor(me)) return resumeExisting(idempotencyKey, channel, me);
    throw new SendInProgressError(existing.id);
  }

  /** An SMS Twilio already accepted for this row, found after an interrupted attempt: recorded, not sent again. */
  async function recordFoundSms(notification: Notification, idempotencyKey: string, found: { sid: string; status: string | null }): Promise<SendResultV1> {
    await updateIfMatches({
      where: { id: notification.id, status: 'PENDING' },
      data: { status: 'SENT', providerMessageId: found.sid, providerStatus: found.status, sentAt: new Date(), lastError: null },
    });
    const row = await db.notification.findUniqueOrThrow({ where: { id: notification.id }, select: { status: true, providerMessageId: true } });
    return {
      notificationId: notification.id,
      idempotencyKey,
      status: row.status === 'DELIVERED' ? 'DELIVERED' : 'SENT',
      providerMessageId: row.providerMessageId ?? found.sid,
    };
  }

  async function sendPrepared(message: PreparedMessage): Promise<SendResultV1> {
    const { channel, idempotencyKey, address } = message;
    const me = currentAttempt();

    // Insert first: the common case is a new key, and the unique index decides races.
    let notification: Notification;
    let interrupted = false;
    try {
      const row = deliveryLogRow(message, leaseFor(me));
      const fallbackFor = message.fallbackForNotificationId;
      notification = !fallbackFor
        ? await db.notification.create({ data: row })
        : // A fallback is part of the record: its audit event is atomic with the row it explains.
          await db.$transaction(async (tx) => {
            const created = await tx.notification.create({ data: row });
            await appendAudit(tx, {
              actorLabel: SYSTEM_ACTORS.NOTIFICATIONS,
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
      const outcome = await resumeExisting(idempotencyKey, channel, me);
      if ('done' in outcome) return outcome.done;
      notification = outcome.resend;
      interrupted = outcome.interrupted;
    }

    if (!address || message.unreachable !== null) throw await markUndeliverable(notification, message.unreachable ?? 'no address');

    if (interrupted && channel === 'SMS') {
      // Throws like a provider call would when Twilio cannot be asked: better late than twice.
      const recordedElsewhere = async (sids: string[]) =>
        new Set(
          (await db.notification.findMany({ where: { providerMessageId: { in: sids }, id: { not: notification.id } }, select: { providerMessageId: true } })).map(
            (r) => r.providerMessageId!,
          ),
        );
      const found = await findAcceptedSms(sms, notification, config.TWILIO_FROM_NUMBER, recordedElsewhere).catch((err: unknown) => {
        throw classifyTwilioError(err).error;
      });
      if (found) return recordFoundSms(notification, idempotencyKey, found);
    }

    let accepted: { providerMessageId: string; providerStatus: string | null };
    try {
      accepted = await callProvider(message, notification.id, address, me);
    } catch (err) {
      // Another attempt holds the row now: it is not ours to write.
      if (err instanceof SendInProgressError) throw err;
      throw await recordProviderFailure(notification, err);
    }

    const sentAt = new Date();
    const advanced = await updateIfMatches({
      where: { id: notification.id, status: 'PENDING' },
      data: { status: 'SENT', providerMessageId: accepted.providerMessageId, providerStatus: accepted.providerStatus, sentAt, lastError: null },
    });
    return acceptedResult(notification.id, idempotencyKey, accepted.providerMessageId, sentAt, advanced);
  }

  /**
   * A provider call failed: the row says why, and the error returned is the
   * one the attempt ends with (refused for good, given up, or retry later).
   */
  async function recordProviderFailure(notification: NotificationOutcomeRow & { createdAt: Date }, err: unknown): Promise<Error> {
    const failure = notification.channel === 'EMAIL' ? classifySmtpError(err) : classifyTwilioError(err);
    if (failure.kind === 'undeliverable') return markUndeliverable(notification, failure.description);
    if (failure.kind === 'rejected') return markFailed(notification, failure.description);
    if (Date.now() - notification.createdAt.getTime() > deliveryWindowMs) {
      const minutes = Math.round(deliveryWindowMs / 60_000);
      return markFailed(notification, `not accepted within its ${minutes}-minute delivery window; last error: ${failure.description}`);
    }
    await db.notification.update({
      where: { id: notification.id },
      data: { lastError: failure.description.slice(0, 1000), providerStatus: failure.unconfirmed ? UNCONFIRMED : null },
    });
    return failure.error;
  }

  /** The result of an accepted send; where a status callback moved the row on first, its status stands. */
  async function acceptedResult(notificationId: string, idempotencyKey: string, providerMessageId: string, sentAt: Date, advanced: boolean): Promise<SendResultV1> {
    if (advanced) return { notificationId, idempotencyKey, status: 'SENT', providerMessageId };
    const updated = await db.notification.update({ where: { id: notificationId }, data: { providerMessageId, sentAt }, select: { status: true } });
    return { notificationId, idempotencyKey, status: updated.status === 'DELIVERED' ? 'DELIVERED' : 'SENT', providerMessageId };
  }

  /** A message's own send (sendPrepared), its outcome told as a batch tells it. */
  async function sendAlone(message: PreparedMessage): Promise<BatchOutcomeV1> {
    try {
      return await sendPrepared(message);
    } catch (err) {
      return outcomeOfFailure(message.idempotencyKey, err);
    }
  }

  /**
   * The common case, many at a time: new keys with an address, recorded in
   * one insert and their leases checked in one statement, sent concurrently
   * (texts at the sender's rate), and marked SENT in shared writes. Anything
   * else (a key already in the log because this batch is a retry, nobody to
   * send to, a fallback with its audit event) takes sendPrepared's path, one
   * by one; a provider failure retrying might fix is handed back to be sent
   * alone, with Temporal's retries. Every message keeps its own key and row.
   */
  async function sendPreparedBatch(messages: PreparedMessage[]): Promise<BatchOutcomeV1[]> {
    const me = currentAttempt();
    const common = messages.filter((m) => !!m.address && m.unreachable === null && !m.fallbackForNotificationId);
    let created = new Map<string, { id: string; createdAt: Date }>();
    try {
      created = await insertNewRows(db, common.map((m) => deliveryLogRow(m, leaseFor(me))));
    } catch (err) {
      // One message names a missing incident: each goes alone, where that one is named.
      if (!isForeignKeyViolation(err)) throw err;
    }
    const leased = await rowsStillLeased(db, [...created.values()].map((row) => row.id), leaseFor(me));
    const recorder = new SentRecorder(db);
    // A key given twice takes its new row once; the repeat is settled alone, against that row.
    const taken = new Set<string>();
    return startInTurns(messages, SENDS_STARTED_PER_TURN, (message) => {
      const row = created.get(message.idempotencyKey);
      const first = !taken.has(message.idempotencyKey);
      taken.add(message.idempotencyKey);
      return row && first && leased.has(row.id) ? sendNewRow(message, row, me, recorder) : sendAlone(message);
    });
  }

  async function sendNewRow(message: PreparedMessage, row: { id: string; createdAt: Date }, me: AttemptIdentity, recorder: SentRecorder): Promise<BatchOutcomeV1> {
    const { idempotencyKey } = message;
    let accepted: { providerMessageId: string; providerStatus: string | null };
    try {
      accepted = await callProvider(message, row.id, message.address!, me, true);
    } catch (err) {
      const notification = {
        ...row,
        incidentId: message.incidentId ?? null,
        planId: message.planId ?? null,
        personId: message.personId ?? null,
        subscriptionId: message.subscriptionId ?? null,
        channel: message.channel,
        purpose: message.purpose,
      };
      return outcomeOfFailure(idempotencyKey, await recordProviderFailure(notification, err), row.id);
    }
    const sentAt = new Date();
    const advanced = await recorder.record({ id: row.id, providerMessageId: accepted.providerMessageId, providerStatus: accepted.providerStatus, sentAt });
    return acceptedResult(row.id, idempotencyKey, accepted.providerMessageId, sentAt, advanced);
  }

  return { sendPrepared, sendPreparedBatch };
}

/** How a batch reports a message that failed: refused for good (the workflow falls back) or to be sent alone. */
function outcomeOfFailure(idempotencyKey: string, err: unknown, notificationId: string | null = null): BatchOutcomeV1 {
  if (err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient) {
    const detail = (err.details ?? [])[0] as { notificationId?: unknown } | undefined;
    return { status: 'UNDELIVERABLE', notificationId: typeof detail?.notificationId === 'string' ? detail.notificationId : notificationId, idempotencyKey, providerMessageId: null };
  }
  const reason = err instanceof Error ? err.message : String(err);
  return { status: 'SEND_ALONE', notificationId, idempotencyKey, providerMessageId: null, reason: reason.slice(0, 500) };
}

/** The row as first written: PENDING, leased (to this attempt) when there is someone to send to. */
export function deliveryLogRow(message: PreparedMessage, lease: string): Prisma.NotificationCreateManyInput {
  const reachable = !!message.address && message.unreachable === null;
  return {
    idempotencyKey: message.idempotencyKey,
    incidentId: message.incidentId ?? null,
    planId: message.planId ?? null,
    actionItemId: message.actionItemId ?? null,
    personId: message.personId ?? null,
    subscriptionId: message.subscriptionId ?? null,
    channel: message.channel,
    toAddress: message.address ?? '',
    purpose: message.purpose,
    subject: message.rendered.subject,
    body: message.rendered.text,
    status: 'PENDING',
    provider: PROVIDER[message.channel],
    attempts: reachable ? 1 : 0,
    providerStatus: reachable ? lease : null,
    fallbackForId: message.fallbackForNotificationId ?? null,
  };
}

/** Where a person cannot be reached on a channel, the reason; null when they can. */
function unreachablePerson(person: { email: string; phone: string | null; active: boolean }, channel: ChannelName): string | null {
  const address = channel === 'EMAIL' ? person.email : person.phone;
  if (!address) return { EMAIL: 'no email address on file', SMS: 'no mobile number on file', VOICE: 'no phone number on file' }[channel];
  return person.active ? null : 'person is inactive';
}

/** What a message to one of the city's people needs to know about them. */
const PERSON_FIELDS = { id: true, name: true, title: true, email: true, phone: true, active: true, language: true } as const;
type Addressee = { id: string; name: string; title: string; email: string; phone: string | null; active: boolean; language: string };

/** The people a batch writes to, by id: one query for all of them. */
export async function readAddressees(db: Db | TxClient, ids: string[]): Promise<Map<string, Addressee>> {
  return new Map((await db.person.findMany({ where: { id: { in: ids } }, select: PERSON_FIELDS })).map((p) => [p.id, p]));
}

/** sendNotification: one message to one of the city's people, in their language; sendNotificationBatch: many. */
export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const { db, config } = deps;
  const { sendPrepared, sendPreparedBatch } = createMessageSender(deps);

  /** The message rendered for this person, addressed on its channel. */
  function prepare(message: OutboundMessageV1, person: Addressee): PreparedMessage {
    const { channel } = message;
    const address = channel === 'EMAIL' ? person.email : person.phone;
    const data: Record<string, unknown> = {
      ...(message.data ?? {}),
      recipient: { id: person.id, name: person.name, title: person.title },
    };
    if (message.fallbackForNotificationId) data.fallbackFrom = channel === 'EMAIL' ? 'SMS' : 'EMAIL';
    const rendered = renderMessage(message.template, data, channel, config, new Date(), { language: person.language });
    return {
      idempotencyKey: notificationKey(message),
      channel,
      purpose: message.purpose,
      address: address || null,
      unreachable: unreachablePerson(person, channel),
      displayName: person.name,
      rendered,
      personId: person.id,
      incidentId: message.incidentId ?? null,
      planId: message.planId ?? null,
      actionItemId: message.actionItemId ?? null,
      fallbackForNotificationId: message.fallbackForNotificationId ?? null,
    };
  }

  async function sendNotification(message: OutboundMessageV1): Promise<SendResultV1> {
    validate(message);
    const person = await db.person.findUnique({ where: { id: message.personId }, select: PERSON_FIELDS });
    if (!person) throw invalidInput('personId', `no person with id ${message.personId}`);
    return sendPrepared(prepare(message, person));
  }

  /**
   * Everyone's messages in one activity: the people read in one query, the
   * rows written and the sends made as sendPreparedBatch does. A message
   * this cannot prepare (invalid, nobody with that id, a template that
   * fails) is handed back to be sent alone, where sendNotification reports
   * it exactly as it always has.
   */
  async function sendNotificationBatch(input: NotificationBatchV1): Promise<NotificationBatchResultV1> {
    const messages = Array.isArray(input?.messages) ? input.messages : [];
    const ids = [...new Set(messages.map((m) => m?.personId).filter((id): id is string => typeof id === 'string'))];
    const people = await readAddressees(db, ids);
    const prepared: (PreparedMessage | BatchOutcomeV1)[] = messages.map((message) => {
      try {
        validate(message);
        const person = people.get(message.personId);
        if (!person) throw invalidInput('personId', `no person with id ${message.personId}`);
        return prepare(message, person);
      } catch (err) {
        return outcomeOfFailure(typeof message?.workflowId === 'string' ? notificationKey(message) : '', err);
      }
    });
    const sendable = prepared.filter((p): p is PreparedMessage => 'rendered' in p);
    const sent = await sendPreparedBatch(sendable);
    let next = 0;
    return { outcomes: prepared.map((p) => ('rendered' in p ? sent[next++] : p)) };
  }

  return { sendNotification: (message) => sendNotification(message), sendNotificationBatch: (input) => sendNotificationBatch(input) };
}
