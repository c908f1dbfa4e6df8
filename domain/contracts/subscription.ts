// A resident's subscription from request to confirmation: the workflow sends
// the confirmation (an email link, or "reply YES" by text), waits for it for a
// limited time, then welcomes them or deletes the unconfirmed request. The
// confirmation itself is recorded by the service that received the click or
// the reply, which then signals the workflow.
import { defineSignal } from '@temporalio/workflow';

export interface SubscriptionConfirmedV1 {
  via: 'EMAIL_LINK' | 'SMS';
  /** The reply to the YES text already welcomed them: send no welcome. */
  welcomed: boolean;
}

export const subscriptionConfirmedSignal = defineSignal<[SubscriptionConfirmedV1]>('subscriptionConfirmed');

/** What the subscription workflow asks of its activities. */
export interface SubscriptionActivities {
  /** The confirmation request (email link or "reply YES"), or the welcome once confirmed; once per purpose. */
  sendSubscriptionNotice(input: { workflowId: string; subscriptionId: string; notice: 'confirm' | 'welcome' }): Promise<{ sent: boolean }>;
  /** Deletes a subscription still unconfirmed at the end of its window (never a confirmed one). */
  expireSubscription(input: { subscriptionId: string }): Promise<{ deleted: boolean }>;
}

export interface SubscriptionWorkflowInputV1 {
  version: 1;
  subscriptionId: string;
  /** How long the confirmation link or YES reply is awaited. */
  confirmWithinMs: number;
}

export interface SubscriptionWorkflowResultV1 {
  outcome: 'CONFIRMED' | 'EXPIRED';
}
