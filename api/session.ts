// Signing in to the console: email and password, or (for an official during an
// active incident) a one-time link by email; signing out; who am I. Every way
// in is throttled in the shared store (services/signInThrottle.ts), answers an
// unknown address as slowly as a known one, and refuses a request a browser
// says came from another site (login CSRF: someone else's page must not sign
// a visitor in to the attacker's account).
import { Router, type NextFunction, type Request, type Response } from 'express';
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { hashToken, randomToken } from '../lib/crypto';
import { createSendMail, type SendMail } from '../lib/smtp';
import { ROLES } from '../domain/roles';
import { HttpError } from '../services/errors';
import { ownershipGrants } from '../services/comments';
import { PERMISSIONS } from '../services/policyView';
import { DEFAULT_SIGN_IN_LIMITS, SignInRefused, createSignInThrottle, type SignInLimits } from '../services/signInThrottle';
import { SIGN_IN_LINK_TTL_MINUTES, anyIncidentActive, redeemSignInLink, requestSignInLink } from '../services/signInLinks';
import { BCRYPT_COST, SESSION_COOKIE, caller, personSelect, requireAuth, toAuthenticatedPerson } from './auth';
import { boundedText, emailAddress } from './fields';
import { documentRoute } from './openapi';
import { parseBody } from './validate';

const signInEmail = () => emailAddress().transform((email) => email.toLowerCase());

export const LoginRequestSchema = z
  .object({
    email: signInEmail(),
    password: boundedText(1, 1024),
  })
  .strict()
  .openapi('LoginRequest');

const SignInLinkRequestSchema = z.object({ email: signInEmail() }).strict().openapi('SignInLinkRequest');
const SignInLinkRedeemSchema = z
  .object({
    token: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be the token from the link (letters, digits, _ and -)')
      .openapi({ description: 'The token after #link= in the emailed link' }),
  })
  .strict()
  .openapi('SignInLinkRedeem');
const SignInLinkAcceptedSchema = z.object({ message: z.string() }).openapi('SignInLinkAccepted');

export const PersonSchema = z
  .object({ id: z.string(), name: z.string(), title: z.string(), email: z.string(), roles: z.array(z.enum(ROLES)), language: z.string().openapi({ description: 'The language their messages and console pages are in' }) })
  .openapi('Person');

const SessionResponseSchema = z.object({ csrfToken: z.string(), person: PersonSchema, expiresAt: z.string() }).openapi('Session');
const MeResponseSchema = z
  .object({
    person: PersonSchema,
    via: z.enum(['bearer', 'session']),
    csrfToken: z.string().optional(),
    grants: z
      .array(z.enum(PERMISSIONS))
      .openapi({ description: "Permissions held by what this person is responsible for rather than by role (GET /api/policy `access` lists the roles'): an action item's owner moderates the comments on it" }),
  })
  .openapi('Me');

const SIGN_IN_RULES =
  'Send JSON (Content-Type: application/json). A browser request must come from this site (Origin / Sec-Fetch-Site), else 403 cross_site.';

documentRoute({
  method: 'post',
  path: '/api/session',
  summary: 'Sign in with email and password; sets the HttpOnly cg_session cookie',
  description: SIGN_IN_RULES,
  tags: ['auth'],
  access: 'public',
  body: LoginRequestSchema,
  responses: {
    201: { description: 'Signed in. Send csrfToken as X-CSRF-Token on state-changing requests.', schema: SessionResponseSchema },
    401: { description: 'Wrong email or password' },
    403: { description: 'The browser says the request came from another site' },
    415: { description: 'Not JSON' },
    429: { description: 'Too many attempts from this address or failures for this email; while an incident is active, `error.details` offers the one-time sign-in link' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/session/link',
  summary: 'Ask for a one-time sign-in link by email (officials, while an incident is active)',
  description: `${SIGN_IN_RULES} The answer is the same whether or not a link is sent; at most one email per person every few minutes. The link works once, within ${SIGN_IN_LINK_TTL_MINUTES} minutes.`,
  tags: ['auth'],
  access: 'public',
  body: SignInLinkRequestSchema,
  responses: {
    202: { description: 'If the address belongs to an official and an incident is active, a link is on its way', schema: SignInLinkAcceptedSchema },
    403: { description: 'The browser says the request came from another site' },
    429: { description: 'Too many attempts from this address' },
  },
});
documentRoute({
  method: 'post',
  path: '/api/session/link/redeem',
  summary: 'Sign in with the token of a one-time sign-in link; sets the cg_session cookie',
  description: SIGN_IN_RULES,
  tags: ['auth'],
  access: 'public',
  body: SignInLinkRedeemSchema,
  responses: {
    201: { description: 'Signed in', schema: SessionResponseSchema },
    401: { description: 'Unknown, used or expired link' },
    403: { description: 'The browser says the request came from another site' },
    429: { description: 'Too many attempts from this address' },
  },
});
documentRoute({
  method: 'delete',
  path: '/api/session',
  summary: 'Sign out (deletes the session)',
  tags: ['auth'],
  access: 'authenticated',
  responses: { 204: { description: 'Signed out' } },
});
documentRoute({
  method: 'get',
  path: '/api/me',
  summary: 'Who am I',
  tags: ['auth'],
  access: 'authenticated',
  responses: { 200: { description: 'The caller', schema: MeResponseSchema } },
});

/**
 * Compared against when the email is unknown (or has no password), at the
 * cost of real hashes, so the answer takes as long and does not reveal who
 * has an account. Made once per process, in the background, at start-up.
 */
let decoyHash: Promise<string> | undefined;
const decoy = (): Promise<string> => (decoyHash ??= bcrypt.hash(randomToken(), BCRYPT_COST));

/**
 * Login CSRF: a browser names the page a request comes from (Sec-Fetch-Site,
 * Origin on every POST). Requests without either are not from a browser page
 * (curl, scripts) and cannot carry a victim's cookies anyway. A cross-site
 * form cannot send JSON at all, which the routes also require.
 */
export function assertSameSite(req: Request, config: Pick<Config, 'PUBLIC_BASE_URL'>): void {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const ownOrigins = [new URL(config.PUBLIC_BASE_URL).origin, `${req.protocol}://${req.get('host')}`];
  const crossSite = (site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && !ownOrigins.includes(origin));
  if (crossSite) throw new HttpError(403, 'cross_site', 'sign-in requests must come from this site');
  if (!req.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send JSON with Content-Type: application/json', 'body');
  }
}

export interface SessionRouterDeps {
  db: Db;
  config: Config;
  /** Sends the one-time sign-in links; defaults to SMTP from the configuration. */
  sendMail?: SendMail;
  signInLimits?: SignInLimits;
}

export function createSessionRouter({ db, config, sendMail, signInLimits = DEFAULT_SIGN_IN_LIMITS }: SessionRouterDeps): Router {
  const router = Router();
  const throttle = createSignInThrottle(db, signInLimits);
  const linkDeps = { db, config, sendMail: sendMail ?? createSendMail(config) };
  void decoy();
  const secureCookie = config.PUBLIC_BASE_URL.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookie, path: '/' };
  const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  async function startSession(res: Response, person: Parameters<typeof toAuthenticatedPerson>[0] & { id: string }): Promise<void> {
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    const expiresAt = new Date(Date.now() + config.SESSION_TTL_HOURS * 3600 * 1000);
    await db.session.create({ data: { personId: person.id, tokenHash: hashToken(sessionToken), csrfToken, expiresAt } });
    res.cookie(SESSION_COOKIE, sessionToken, { ...cookieOptions, expires: expiresAt });
    res.status(201).json({ csrfToken, person: toAuthenticatedPerson(person), expiresAt: expiresAt.toISOString() });
  }

  /** A locked account is never the end of the road for an official during an incident. */
  async function offerLinkWhenLocked(err: unknown): Promise<never> {
    if (err instanceof SignInRefused && err.refusal === 'account' && (await anyIncidentActive(db))) {
      const message = `${err.message}. An incident is active: officials can ask for a one-time sign-in link by email (POST /api/session/link).`;
      throw new HttpError(429, err.code, message, undefined, [{ field: 'signInLink', message: '/api/session/link' }], err.headers);
    }
    throw err;
  }

  router.post('/api/session', async (req: Request, res: Response, next: NextFunction) => {
    try {
      assertSameSite(req, config);
      const { email, password } = parseBody(LoginRequestSchema, req);
      const address = clientAddress(req);
      await throttle.admit(address, email).catch(offerLinkWhenLocked);
      const person = await db.person.findFirst({
        where: { email: { equals: email, mode: 'insensitive' } },
        select: { ...personSelect, passwordHash: true },
      });
      const passwordOk = await bcrypt.compare(password, person?.passwordHash ?? (await decoy()));
      if (!person || !person.passwordHash || !passwordOk || !person.active) {
        await throttle.failed(address, email);
        throw new HttpError(401, 'invalid_credentials', 'wrong email or password', undefined, undefined, {
          'WWW-Authenticate': 'Bearer realm="common-ground"',
        });
      }
      await throttle.succeeded(email);
      await startSession(res, person);
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/session/link', async (req: Request, res: Response, next: NextFunction) => {
    try {
      assertSameSite(req, config);
      const { email } = parseBody(SignInLinkRequestSchema, req);
      await throttle.admitAddress(clientAddress(req));
      // Answered before anything is looked up, so the timing says nothing about the address either.
      res.status(202).json({ message: 'If this address belongs to an official and an incident is active, a one-time sign-in link is on its way.' });
      requestSignInLink(linkDeps, email).catch((err) => console.error('[api] sign-in link not sent:', (err as Error).message));
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/session/link/redeem', async (req: Request, res: Response, next: NextFunction) => {
    try {
      assertSameSite(req, config);
      const { token } = parseBody(SignInLinkRedeemSchema, req);
      await throttle.admitAddress(clientAddress(req));
      const person = await redeemSignInLink(db, token);
      if (!person) throw new HttpError(401, 'invalid_link', 'this sign-in link is unknown, used or expired; ask for a new one');
      await startSession(res, person);
    } catch (err) {
      next(err);
    }
  });

  router.delete('/api/session', requireAuth(), async (req, res, next) => {
    try {
      const auth = caller(req);
      if (auth.sessionId) await db.session.deleteMany({ where: { id: auth.sessionId } });
      res.clearCookie(SESSION_COOKIE, cookieOptions);
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/me', requireAuth(), async (req, res, next) => {
    try {
      const auth = caller(req);
      const grants = await ownershipGrants(db, auth.person.id);
      res.json({ person: auth.person, via: auth.via, ...(auth.via === 'session' ? { csrfToken: auth.csrfToken } : {}), grants });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
