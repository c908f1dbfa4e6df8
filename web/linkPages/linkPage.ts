// What the signed-link pages (acknowledge, review, progress) share. The token
// in the URL stands in for a session, so the pages never pass it on in a
// Referer, and a link that cannot be read gets a page saying what to do instead.
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../../lib/config';
import { InvalidLinkTokenError } from '../../lib/crypto';
import type { SafeHtml } from '../../lib/html';
import { readLinkToken, type LinkPayload } from '../../lib/links';
import type { LinkPurpose } from '../../domain/links';
import { toHttpError, type HttpError } from '../../services/errors';
import { asyncRoute } from '../asyncRoute';
import { sendPage, type Area } from '../layout';
import { DEFAULT_LANGUAGE, dateLocale } from '../../lib/i18n';

export type SendLinkPage = (res: Response, status: number, title: string, body: SafeHtml) => void;

export function linkPageSender(area: Area, timeZone: string): SendLinkPage {
  return (res, status, title, body) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    sendPage(res, timeZone, { status, title, area, body });
  };
}

export type LinkProblem = 'expired' | 'damaged';

/** The link's payload, or undefined once `explain` has answered why the link cannot be used. */
export function readLinkOrExplain<P extends LinkPurpose>(
  token: string,
  purpose: P,
  config: Pick<Config, 'LINK_SIGNING_SECRET'>,
  explain: (problem: LinkProblem) => void,
): LinkPayload<P> | undefined {
  try {
    return readLinkToken(token, purpose, config);
  } catch (err) {
    if (!(err instanceof InvalidLinkTokenError)) throw err;
    explain(err.reason === 'expired' ? 'expired' : 'damaged');
    return undefined;
  }
}

/** Looks up what a link is for; answers the request itself (and gives undefined) when the link cannot be used. */
export type ResolveLink<Found> = (req: Request, res: Response) => Promise<Found | undefined>;

/** A link page's route: `handler` runs only for a link that `resolve` could use. */
export function linkRoute<Found>(resolve: ResolveLink<Found>, handler: (req: Request, res: Response, found: Found) => Promise<void> | void): RequestHandler {
  return asyncRoute(async (req, res) => {
    const found = await resolve(req, res);
    if (found !== undefined) await handler(req, res, found);
  });
}

/**
 * A workflow's refusal the person can act on: a 4xx, or 503 (try again).
 * Anything else is a fault and goes on to the app's error handler.
 */
export function refusalOrRethrow(err: unknown): HttpError {
  const refusal = toHttpError(err);
  if (refusal.status >= 500 && refusal.status !== 503) throw err;
  return refusal;
}

/** "Nov 21, 2026, 9:05 AM" (medium) or "Saturday, November 21, 2026 at 9:05 AM" (full), in the city's time and the reader's language. */
export const cityDateTime = (timeZone: string, dateStyle: 'medium' | 'full', language: string = DEFAULT_LANGUAGE) => {
  const format = new Intl.DateTimeFormat(dateLocale(language), { timeZone, dateStyle, timeStyle: 'short' });
  return (when: Date | string) => format.format(new Date(when));
};
