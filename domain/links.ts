// What a signed link in a message carries, and where it points. Signing and
// verifying (HMAC) happen Node-side in lib/links.ts; pages and templates both
// use these shapes, so a link made by one is read by the other.

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

/** Progress links are used over days of work on an item, so they live longer than acknowledge links. */
export const PROGRESS_LINK_TTL_SECONDS = 14 * 24 * 3600;

/** Paths of the signed-link pages (served by web/). */
export const linkPaths = {
  ack: (token: string) => `/ack/${token}`,
  review: (statementId: string, token: string) =>
    `/statements/${encodeURIComponent(statementId)}/review?token=${encodeURIComponent(token)}`,
  progress: (token: string) => `/progress/${token}`,
} as const;
