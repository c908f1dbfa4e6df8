// The court-user survey's single-use link. Its token is derived from the
// contact (an HMAC under the link-signing secret), so the invitation and the
// reminder carry the same link and a retried send rebuilds it without the
// token ever being stored; the database keeps only its SHA-256
// (SurveyInvitation.tokenHash), which is how a page finds the invitation.
// Whether the link still works (answered, opted out, expired) is the
// invitation's state, not the token's.
import { createHmac } from 'node:crypto';
import type { Config } from './config';
import { hashToken } from './crypto';

type LinkSecret = Pick<Config, 'LINK_SIGNING_SECRET'>;

/** 43 base64url characters (an HMAC-SHA256). */
export const COURT_SURVEY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const courtSurveyToken = (config: LinkSecret, contactId: string): string =>
  createHmac('sha256', config.LINK_SIGNING_SECRET).update(`court-survey|${contactId}`, 'utf8').digest('base64url');

export const courtSurveyTokenHash = (config: LinkSecret, contactId: string): string => hashToken(courtSurveyToken(config, contactId));

export const courtSurveyPaths = {
  survey: (token: string) => `/survey/${token}`,
  optOut: (token: string) => `/survey/${token}/opt-out`,
} as const;

/** The absolute links an invitation carries: the survey, and opting out of it. */
export function courtSurveyUrls(config: LinkSecret & Pick<Config, 'PUBLIC_BASE_URL'>, contactId: string) {
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const token = courtSurveyToken(config, contactId);
  return { survey: `${base}${courtSurveyPaths.survey(token)}`, optOut: `${base}${courtSurveyPaths.optOut(token)}` };
}
