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

export type LinkPayloadV1 = AckLinkV1 | ReviewLinkV1 | ProgressLinkV1;
export type LinkPurpose = LinkPayloadV1['p'];

export const LINK_PURPOSES: readonly LinkPurpose[] = ['ack', 'review', 'progress'];

/** How long a link of each purpose works, in seconds (from the policy's `links` section). */
export type LinkLifetimes = Record<LinkPurpose, number>;

/** Paths of the signed-link pages (served by web/). */
export const linkPaths = {
  ack: (token: string) => `/ack/${token}`,
  review: (statementId: string, token: string) =>
    `/statements/${encodeURIComponent(statementId)}/review?token=${encodeURIComponent(token)}`,
  progress: (token: string) => `/progress/${token}`,
} as const;
