// One message to one subscription (a resident or a newsroom): in their
// language, with their own unsubscribe and manage links in every message (and
// the List-Unsubscribe headers mail clients show as a one-click button),
// recorded under a notification key like every other message and sent through
// the same core (activities/notifications), so texts keep to the sender's SMS
// rate shared with the officials' texts. A subscription that is gone, or no longer active, is
// skipped rather than sent to.
import { ApplicationFailure } from '@temporalio/common';
import type { Subscription } from '../../generated/prisma/client';
import type { Config } from '../../lib/config';
import { subscriptionLinkUrls } from '../../lib/links';
import { notificationKey } from '../../domain/ids';
import { FailureType } from '../../domain/failures';
import type { SendResultV1 } from '../../domain/contracts/notificationActivities';
import { createMessageSender, SENDS_STARTED_PER_TURN, type NotificationDeps, type PreparedMessage } from '../notifications';
import { startInTurns } from '../../lib/turns';
import { renderMessage } from '../notifications/templates';

export type SubscriberSenderDeps = NotificationDeps & { config: NotificationDeps['config'] & Pick<Config, 'TWILIO_FROM_NUMBER'> };

export interface SubscriberMessage {
  workflowId: string;
  purpose: string;
  /** The event (or notice) this message is for: retries reuse it. */
  attemptGroup: string;
  template: string;
  data: Record<string, unknown>;
  /** The confirmation request goes to a subscription that is still PENDING; everything else only to ACTIVE ones. */
  status: 'PENDING' | 'ACTIVE';
}

export type SubscriberOutcome = SendResultV1['status'] | 'SKIPPED' | 'UNDELIVERABLE';

/** A subscription's part of the notification key: never mistaken for a person's id. */
export const subscriberKeyPart = (subscriptionId: string) => `subscription:${subscriptionId}`;

export function createSubscriberSender(deps: SubscriberSenderDeps) {
  const { config } = deps;
  const { sendPrepared, sendPreparedBatch } = createMessageSender(deps);

  function prepare(subscription: Subscription, message: SubscriberMessage): PreparedMessage {
    const idempotencyKey = notificationKey({
      workflowId: message.workflowId,
      purpose: message.purpose,
      personId: subscriberKeyPart(subscription.id),
      channel: subscription.channel,
      attemptGroup: message.attemptGroup,
    });
    const links = subscriptionLinkUrls(config).subscription(subscription.id);
    const rendered = renderMessage(message.template, message.data, subscription.channel, config, new Date(), {
      language: subscription.language,
      subscription: { unsubscribeUrl: links.unsubscribe, manageUrl: links.manage },
    });
    return {
      idempotencyKey,
      channel: subscription.channel,
      purpose: message.purpose,
      address: subscription.address,
      unreachable: null,
      displayName: subscription.outlet,
      rendered,
      // RFC 8058: mail clients offer unsubscribing in one click, by POST to this address.
      headers: { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      subscriptionId: subscription.id,
    };
  }

  async function send(subscription: Subscription, message: SubscriberMessage): Promise<SubscriberOutcome> {
    if (subscription.status !== message.status) return 'SKIPPED';
    try {
      return (await sendPrepared(prepare(subscription, message))).status;
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient) return 'UNDELIVERABLE';
      throw err;
    }
  }

  /**
   * Many subscriptions at once through the batch core (one insert, shared
   * writes), each with its own key and row. A message the batch hands back
   * (a provider hiccup) fails the call after the rest are sent, so the
   * activity's retry sends it, and only it: the others are in the log.
   */
  async function sendMany(items: { subscription: Subscription; message: SubscriberMessage }[]): Promise<SubscriberOutcome[]> {
    const sendable = items.filter(({ subscription, message }) => subscription.status === message.status);
    const prepared = await startInTurns(sendable, SENDS_STARTED_PER_TURN, ({ subscription, message }) => prepare(subscription, message));
    const outcomes = await sendPreparedBatch(prepared);
    const unsettled = outcomes.filter((o) => o.status === 'SEND_ALONE');
    if (unsettled.length > 0) {
      const reason = unsettled[0].status === 'SEND_ALONE' ? unsettled[0].reason : '';
      throw new Error(`${unsettled.length} of ${sendable.length} subscriber messages not sent yet (${reason}); retried`);
    }
    let next = 0;
    return items.map(({ subscription, message }) => {
      if (subscription.status !== message.status) return 'SKIPPED';
      const outcome = outcomes[next++];
      return outcome.status === 'UNDELIVERABLE' ? 'UNDELIVERABLE' : (outcome.status as SubscriberOutcome);
    });
  }

  return { send, sendMany };
}
