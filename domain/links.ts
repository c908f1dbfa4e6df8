// What a signed link in a message carries, and where it points. Signing and
// verifying (HMAC) happen Node-side in lib/links.ts; pages and templates both
// use these shapes, so a link made by one is read by the other. Links that
// act (all three) act once (services/signedLinks.ts), and only for a person
// who is still active and whose links were not revoked since.

export interface AckLinkV1 {
  p: 'ack';
  incidentNumber: string;
  personId: string;
}

export interface ReviewLinkV1 {
  p: 'review';
  statementId: string;
  personId: string;
}

export interface ProgressLinkV1 {
  p: 'progress';
  itemId: string;
  personId: string;
}

/** The confirmation link of a resident's subscription (double opt-in). */
export interface SubscriptionConfirmLinkV1 {
  p: 'subscription-confirm';
  subscriptionId: string;
}

/** A subscriber's own link, in every message: unsubscribe, change the language, export or delete their data. */
export interface SubscriptionLinkV1 {
  p: 'subscription';
  subscriptionId: string;
}

export type LinkPayloadV1 = AckLinkV1 | ReviewLinkV1 | ProgressLinkV1 | SubscriptionConfirmLinkV1 | SubscriptionLinkV1;
export type LinkPurpose = LinkPayloadV1['p'];

/** The links to staff, whose lifetimes the policy sets (`links`). A subscriber's links live as long as below, whatever the policy. */
export type StaffLinkPurpose = 'ack' | 'review' | 'progress';
export const LINK_PURPOSES: readonly StaffLinkPurpose[] = ['ack', 'review', 'progress'];

/** How long a link of each purpose works, in seconds (from the policy's `links` section). */
export type LinkLifetimes = Record<StaffLinkPurpose, number>;

/** How long a subscription request waits for its confirmation; the unconfirmed request is then deleted. */
export const SUBSCRIPTION_CONFIRM_WINDOW_SECONDS = 7 * 24 * 3600;

/**
 * A subscriber's link must keep working as long as an old message might be
 * opened to unsubscribe; a year and a month, after which STOP, or a new
 * subscription, still work.
 */
export const SUBSCRIPTION_LINK_TTL_SECONDS = 400 * 24 * 3600;

/** Paths of the signed-link pages (served by web/). */
export const linkPaths = {
  ack: (token: string) => `/ack/${token}`,
  review: (statementId: string, token: string) =>
    `/statements/${encodeURIComponent(statementId)}/review?token=${encodeURIComponent(token)}`,
  progress: (token: string) => `/progress/${token}`,
  subscriptionConfirm: (token: string) => `/subscriptions/confirm/${token}`,
  subscription: (token: string) => `/subscriptions/${token}`,
  unsubscribe: (token: string) => `/subscriptions/${token}/unsubscribe`,
} as const;
