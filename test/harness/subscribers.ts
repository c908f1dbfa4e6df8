// Residents' subscriptions on the running system, as a resident makes them:
// asked for through the public API, confirmed with the link in the email (or
// by replying YES to the text). Plus reading what the sinks took in for one
// address, and the links and TwiML replies in it.
import type { Subscription } from '../../generated/prisma/client';
import type { SubscriptionTopicV1 } from '../../domain/contracts/publicFanOut';
import { subscriptionWorkflowId } from '../../domain/ids';
import { SubscribeRequest } from '../../services/subscriptions';
import type { subscriptionWorkflow } from '../../workflows/subscription';
import type { TestSystem } from './app';
import { eventually } from './eventually';
import type { TestSinks } from './sinks';

export const CONFIRM_LINK = /https?:\/\/\S+\/subscriptions\/confirm\/[\w.-]+/;
/** The subscriber's own page, linked from every message (not its /unsubscribe address). */
export const MANAGE_LINK = /https?:\/\/\S+\/subscriptions\/[\w.-]+(?![\w./-])/;

/** The first link matching `pattern` in a message's text; throws (naming the pattern) when there is none. */
export function linkIn(text: string | null, pattern: RegExp): string {
  const match = pattern.exec(text ?? '');
  if (!match) throw new Error(`no link ${pattern} in ${text}`);
  return match[0];
}

/** The text of a TwiML <Message> reply, unescaped. */
export const twimlText = (body: string): string =>
  /<Message>([\s\S]*)<\/Message>/.exec(body)?.[1]?.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') ?? '';

/** What the mail and SMS sinks took in for one address (read each time: the sinks fill up as the test runs). */
export function sinkReader(sinks: () => TestSinks) {
  return {
    mailTo: (address: string) => sinks().mail.messages().filter((m) => m.envelope.to.includes(address)),
    textsTo: (number: string) => sinks().sms.messages().filter((m) => m.direction === 'outbound-api' && m.to === number),
  };
}

export interface SubscriptionRequest {
  channel: 'EMAIL' | 'SMS';
  /** An email address, or a phone number as a resident types it. */
  address: string;
  language: string;
  topics: { topic: SubscriptionTopicV1; incident?: string }[];
}

/**
 * Asks for `request` through POST /api/public/subscriptions and confirms it
 * as its owner does: the link in the confirmation email (POSTed, as the
 * confirmation page's button does), or YES to the confirmation text. Returns
 * the subscription, ACTIVE, once its welcome has gone out (so whatever the
 * test sends next is the subscriber's next message).
 */
export async function subscribeAndConfirm(sys: TestSystem, request: SubscriptionRequest): Promise<Subscription> {
  const res = await sys.request('/api/public/subscriptions', { method: 'POST', json: request });
  if (res.status !== 202) throw new Error(`POST /api/public/subscriptions answered ${res.status}: ${await res.text()}`);
  const { mailTo } = sinkReader(() => sys.sinks);
  // The address as the service stores it (lower-cased email, E.164 number).
  const { address } = SubscribeRequest.parse(request);
  const pending = await sys.db.subscription.findFirstOrThrow({ where: { channel: request.channel, address, status: 'PENDING' } });
  if (request.channel === 'EMAIL') {
    const confirm = await eventually(async () => mailTo(pending.address).find((m) => CONFIRM_LINK.test(m.text ?? '')), `the confirmation email to ${pending.address}`);
    const confirmed = await fetch(linkIn(confirm.text, CONFIRM_LINK), { method: 'POST' });
    if (confirmed.status !== 200) throw new Error(`confirming ${pending.address} answered ${confirmed.status}`);
  } else {
    await eventually(
      () => sys.db.notification.findFirst({ where: { subscriptionId: pending.id, purpose: 'subscription.confirm', status: { in: ['SENT', 'DELIVERED'] } } }),
      `the confirmation text to ${pending.address}`,
    );
    const answer = await sys.sinks.sms.reply({ from: pending.address, body: 'YES' });
    if (answer.httpStatus !== 200) throw new Error(`YES from ${pending.address} answered ${answer.httpStatus}: ${answer.error ?? answer.body}`);
  }
  const active = await sys.db.subscription.findUniqueOrThrow({ where: { id: pending.id } });
  if (active.status !== 'ACTIVE') throw new Error(`the subscription of ${pending.address} is ${active.status} after confirming`);
  // Its workflow ends once the welcome is out (by text, the reply to YES was the welcome).
  const { outcome } = await sys.temporal.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(active.id)).result();
  if (outcome !== 'CONFIRMED') throw new Error(`the subscription workflow of ${active.address} ended ${outcome}`);
  return active;
}
