// What the signed-link pages (acknowledge, review, progress) share. The token
// in the URL stands in for a session, so the pages never pass it on in a
// Referer, and a link that cannot be read, was already used, or no longer
// works for its person gets a page saying what to do instead.
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../../lib/config';
import { InvalidLinkTokenError } from '../../lib/crypto';
import type { SafeHtml } from '../../lib/html';
import { readLinkToken, type ReadLink } from '../../lib/links';
import type { LinkPurpose } from '../../domain/links';
import type { Db } from '../../lib/db';
import { html } from '../../lib/html';
import { toHttpError, type HttpError } from '../../services/errors';
import { linkStanding } from '../../services/signedLinks';
import { asyncRoute } from '../asyncRoute';
import { sendPage, type Area } from '../layout';
import { DEFAULT_LANGUAGE, dateLocale, type Translate } from '../../lib/i18n';

export type SendLinkPage = (res: Response, status: number, title: string, body: SafeHtml) => void;

export function linkPageSender(area: Area, timeZone: string): SendLinkPage {
  return (res, status, title, body) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    sendPage(res, timeZone, { status, title, area, body });
  };
}

/** damaged: not a link token at all; forged: shaped like one, but our signature is not on it. */
export type LinkProblem = 'expired' | 'damaged' | 'forged';

/** The status a link page answers each problem with (api/linkPageDocs.ts documents them). */
export const LINK_PROBLEM_STATUS: Record<LinkProblem, number> = { damaged: 400, forged: 403, expired: 410 };

/** The link's payload, or undefined once `explain` has answered why the link cannot be used. */
export function readLinkOrExplain<P extends LinkPurpose>(
  token: string,
  purpose: P,
  config: Pick<Config, 'LINK_SIGNING_SECRET'>,
  explain: (problem: LinkProblem) => void,
): ReadLink<P> | undefined {
  try {
    return readLinkToken(token, purpose, config);
  } catch (err) {
    if (!(err instanceof InvalidLinkTokenError)) throw err;
    explain(err.reason === 'expired' ? 'expired' : err.reason === 'bad-signature' ? 'forged' : 'damaged');
    return undefined;
  }
}

/** Which single-use link a page serves: its "already used" page says what the link did and what to do now (pages usedLink.*). */
export type SingleUseLink = 'ack' | 'review' | 'progress';

/**
 * True when the link may still act; otherwise answers with a page: 410 for a
 * link already used (saying when), 403 for a person no longer active or whose
 * links were revoked. `send` puts the page's title in its own heading.
 */
export async function linkIsUsableOrExplain(
  db: Db,
  token: string,
  link: { personId: string; issuedAt: Date | null },
  kind: SingleUseLink,
  t: Translate,
  send: (status: number, title: string, body: SafeHtml) => void,
  formatWhen: (when: Date) => string,
): Promise<boolean> {
  const standing = await linkStanding(db, token, link);
  if (standing.usable) return true;
  if (standing.why === 'used') {
    send(410, t('usedLink.title'), html`<p>${t('usedLink.text', { didWhat: t(`usedLink.didWhat.${kind}`), when: formatWhen(standing.usedAt) })}</p>
<p>${t(`usedLink.next.${kind}`)}</p>`);
  } else {
    send(403, t('usedLink.revokedTitle'), html`<p>${t('usedLink.revokedText')}</p>`);
  }
  return false;
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
