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
import { createMessageSender, type NotificationDeps } from '../notifications';
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
  const { sendPrepared } = createMessageSender(deps);

  async function send(subscription: Subscription, message: SubscriberMessage): Promise<SubscriberOutcome> {
    if (subscription.status !== message.status) return 'SKIPPED';
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
    try {
      const result = await sendPrepared({
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
      });
      return result.status;
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === FailureType.UndeliverableRecipient) return 'UNDELIVERABLE';
      throw err;
    }
  }

  return { send };
}
