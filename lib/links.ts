// Signed, expiring links for messages: made here for the templates, checked
// here for the pages. The payload shapes and paths are in domain/links.ts;
// how long each purpose works is the policy's (`links`), passed in by the
// caller; whether a link was already used or revoked is services/signedLinks.ts.
import type { Config } from './config';
import { InvalidLinkTokenError, signLinkToken, verifyLinkToken } from './crypto';
import {
  SUBSCRIPTION_CONFIRM_WINDOW_SECONDS,
  SUBSCRIPTION_LINK_TTL_SECONDS,
  linkPaths,
  type AckLinkV1,
  type LinkLifetimes,
  type LinkPayloadV1,
  type LinkPurpose,
  type ProgressLinkV1,
  type ReviewLinkV1,
  type SubscriptionConfirmLinkV1,
  type SubscriptionLinkV1,
} from '../domain/links';

export type LinkConfig = Pick<Config, 'PUBLIC_BASE_URL' | 'LINK_SIGNING_SECRET'>;

export type LinkPayload<P extends LinkPurpose> = Extract<LinkPayloadV1, { p: P }>;

/** A verified link: its payload, and when it was signed (null for tokens signed before that was recorded). */
export type ReadLink<P extends LinkPurpose> = LinkPayload<P> & { issuedAt: Date | null };

/** Longer than any link we sign; a longer one is not read at all. */
export const MAX_LINK_TOKEN_LENGTH = 4096;

/** The payload fields each purpose carries (all strings); a signed token lacking one is damaged, not trusted. */
const PAYLOAD_FIELDS: { [P in LinkPurpose]: readonly Exclude<keyof LinkPayload<P>, 'p'>[] } = {
  ack: ['incidentNumber', 'personId'],
  review: ['statementId', 'personId'],
  progress: ['itemId', 'personId'],
  'subscription-confirm': ['subscriptionId'],
  subscription: ['subscriptionId'],
};

const absolute = (config: LinkConfig, path: string) => `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}${path}`;

/** Absolute URLs of the signed-link pages, as they go into an email; each lives as long as `lifetimes` says for its purpose. */
export function signedLinkUrls(config: LinkConfig, lifetimes: LinkLifetimes, now: Date = new Date()) {
  const sign = (payload: AckLinkV1 | ReviewLinkV1 | ProgressLinkV1) => signLinkToken(payload as unknown as { p: string }, lifetimes[payload.p], config.LINK_SIGNING_SECRET, now);
  return {
    ack: (link: Omit<AckLinkV1, 'p'>) => absolute(config, linkPaths.ack(sign({ p: 'ack', ...link }))),
    review: (link: Omit<ReviewLinkV1, 'p'>) => absolute(config, linkPaths.review(link.statementId, sign({ p: 'review', ...link }))),
    progress: (link: Omit<ProgressLinkV1, 'p'>) => absolute(config, linkPaths.progress(sign({ p: 'progress', ...link }))),
  };
}

/** A resident's links (confirm; manage and unsubscribe). Their lifetimes are fixed (domain/links.ts), not the policy's. */
export function subscriptionLinkUrls(config: LinkConfig, now: Date = new Date()) {
  const sign = (payload: SubscriptionConfirmLinkV1 | SubscriptionLinkV1) =>
    signLinkToken(
      payload as unknown as { p: string },
      payload.p === 'subscription-confirm' ? SUBSCRIPTION_CONFIRM_WINDOW_SECONDS : SUBSCRIPTION_LINK_TTL_SECONDS,
      config.LINK_SIGNING_SECRET,
      now,
    );
  return {
    subscriptionConfirm: (subscriptionId: string) => absolute(config, linkPaths.subscriptionConfirm(sign({ p: 'subscription-confirm', subscriptionId }))),
    /** The subscriber's own pages: one token for managing and for unsubscribing. */
    subscription: (subscriptionId: string) => {
      const token = sign({ p: 'subscription', subscriptionId });
      return { manage: absolute(config, linkPaths.subscription(token)), unsubscribe: absolute(config, linkPaths.unsubscribe(token)) };
    },
  };
}

/** The payload of a link token for `purpose`; throws InvalidLinkTokenError (lib/crypto) when it is not one. */
export function readLinkToken<P extends LinkPurpose>(token: string, purpose: P, config: Pick<Config, 'LINK_SIGNING_SECRET'>, now?: Date): ReadLink<P> {
  if (token.length > MAX_LINK_TOKEN_LENGTH) throw new InvalidLinkTokenError('malformed');
  const payload = verifyLinkToken<Record<string, unknown>>(token, purpose, config.LINK_SIGNING_SECRET, now);
  if (!carriesFieldsOf(purpose, payload)) throw new InvalidLinkTokenError('malformed');
  const issuedAt = typeof payload.iat === 'number' && Number.isFinite(payload.iat) ? new Date(payload.iat * 1000) : null;
  return { ...payload, issuedAt };
}

function carriesFieldsOf<P extends LinkPurpose>(purpose: P, payload: Record<string, unknown>): payload is Record<string, unknown> & LinkPayload<P> {
  const fields: readonly string[] = PAYLOAD_FIELDS[purpose];
  return fields.every((field) => typeof payload[field] === 'string');
}
