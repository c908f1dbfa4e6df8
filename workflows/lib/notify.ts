// Workflow-side helper for notifying one person on one or more channels, with
// fallback to the other channel when a provider refuses the recipient for good.
// Deterministic: no Node built-ins, no I/O; activities are passed in.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { BatchOutcomeV1, ChannelName, NotificationActivities, OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import { FailureType } from '../../domain/failures';

/** One message to one person, on every channel named. */
export interface NotifyPersonInput extends Omit<OutboundMessageV1, 'channel' | 'fallbackForNotificationId'> {
  channels: ChannelName[];
}

export interface ChannelOutcome {
  channel: ChannelName;
  /** 'UNDELIVERABLE': the provider refused this recipient on this channel for good. */
  status: SendResultV1['status'] | 'UNDELIVERABLE';
  notificationId: string | null;
  providerMessageId: string | null;
  /** Present when this send replaced an undeliverable one on the other channel. */
  fallbackFor?: { channel: ChannelName; notificationId: string | null };
}

export interface NotifyPersonResult {
  personId: string;
  outcomes: ChannelOutcome[];
  /** True when at least one message reached a provider for this person. */
  reached: boolean;
}

const otherChannel = (channel: ChannelName): ChannelName => (channel === 'EMAIL' ? 'SMS' : 'EMAIL');

/** The non-retryable "recipient refused" failure from sendNotification, if that is what this is. */
export function undeliverableFailure(err: unknown): { notificationId: string | null } | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== FailureType.UndeliverableRecipient) return null;
  const detail = (cause.details ?? [])[0] as { notificationId?: unknown } | undefined;
  return { notificationId: typeof detail?.notificationId === 'string' ? detail.notificationId : null };
}

async function sendOne(acts: Pick<NotificationActivities, 'sendNotification'>, message: OutboundMessageV1): Promise<ChannelOutcome> {
  try {
    const result = await acts.sendNotification(message);
    return {
      channel: message.channel,
      status: result.status,
      notificationId: result.notificationId,
      providerMessageId: result.providerMessageId,
    };
  } catch (err) {
    const refused = undeliverableFailure(err);
    if (!refused) throw err;
    return { channel: message.channel, status: 'UNDELIVERABLE', notificationId: refused.notificationId, providerMessageId: null };
  }
}

/** The message on one channel, as sent first (not a fallback). */
function firstMessage(input: NotifyPersonInput, channel: ChannelName): OutboundMessageV1 {
  return {
    workflowId: input.workflowId,
    personId: input.personId,
    attemptGroup: input.attemptGroup,
    template: input.template,
    data: input.data,
    ...(input.incidentId !== undefined ? { incidentId: input.incidentId } : {}),
    ...(input.planId !== undefined ? { planId: input.planId } : {}),
    ...(input.actionItemId !== undefined ? { actionItemId: input.actionItemId } : {}),
    purpose: input.purpose,
    channel,
  };
}

const channelsOf = (input: NotifyPersonInput): ChannelName[] => [...new Set(input.channels)];

/** Per person (in the order given), how the batch settled each channel's first message. */
export type FirstSends = Map<ChannelName, BatchOutcomeV1>;

/**
 * Everyone's first messages in one activity (sendNotificationBatch), for
 * notifyPerson to finish: what the batch handed back is sent alone and a
 * refused channel falls back, person by person.
 */
export async function sendFirstMessagesTogether(acts: Pick<NotificationActivities, 'sendNotificationBatch'>, inputs: NotifyPersonInput[]): Promise<FirstSends[]> {
  const messages = inputs.flatMap((input) => channelsOf(input).map((channel) => firstMessage(input, channel)));
  const { outcomes } = await acts.sendNotificationBatch({ messages });
  let next = 0;
  return inputs.map((input) => new Map(channelsOf(input).map((channel) => [channel, outcomes[next++]])));
}

function settledByBatch(channel: ChannelName, outcome: BatchOutcomeV1): ChannelOutcome {
  return {
    channel,
    status: outcome.status as ChannelOutcome['status'],
    notificationId: outcome.notificationId,
    providerMessageId: outcome.providerMessageId,
  };
}

/**
 * Sends every requested channel concurrently. When a channel is refused for
 * good, the other channel is sent once as a recorded fallback (purpose
 * `${purpose}.fallback`, fallbackForNotificationId set) unless that channel
 * was itself refused in this call. Never throws for undeliverable recipients;
 * other failures (e.g. an unknown template) propagate. `firstSends`: the
 * channels a batch already settled (sendFirstMessagesTogether).
 */
export async function notifyPerson(
  acts: Pick<NotificationActivities, 'sendNotification'>,
  input: NotifyPersonInput,
  firstSends?: FirstSends,
): Promise<NotifyPersonResult> {
  const channels = channelsOf(input);
  const base = firstMessage(input, channels[0]);

  const primary = await Promise.all(
    channels.map((channel) => {
      const settled = firstSends?.get(channel);
      return settled && settled.status !== 'SEND_ALONE' ? settledByBatch(channel, settled) : sendOne(acts, firstMessage(input, channel));
    }),
  );
  const refusedChannels = new Set(primary.filter((o) => o.status === 'UNDELIVERABLE').map((o) => o.channel));

  const fallbacks = await Promise.all(
    primary
      .filter((o) => o.status === 'UNDELIVERABLE' && !refusedChannels.has(otherChannel(o.channel)))
      .map(async (refused): Promise<ChannelOutcome> => {
        const outcome = await sendOne(acts, {
          ...base,
          purpose: `${input.purpose}.fallback`,
          channel: otherChannel(refused.channel),
          ...(refused.notificationId ? { fallbackForNotificationId: refused.notificationId } : {}),
        });
        return { ...outcome, fallbackFor: { channel: refused.channel, notificationId: refused.notificationId } };
      }),
  );

  const outcomes = [...primary, ...fallbacks];
  return { personId: input.personId, outcomes, reached: outcomes.some((o) => o.status !== 'UNDELIVERABLE') };
}
