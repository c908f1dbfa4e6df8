import { timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import bcrypt from 'bcryptjs';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { hashToken, randomToken } from '../lib/crypto';
import { ROLES, type Role } from '../domain/roles';
import { HttpError, forbidden, unauthorized } from '../services/errors';
import { isPermitted, rolesPermitted, type Permission } from '../services/policyView';
import { boundedText, emailAddress } from './fields';
import { documentRoute } from './openapi';
import { parseBody } from './validate';

export const SESSION_COOKIE = 'cg_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Everyone who works for the city. Stakeholder leads (community partners) see the plan, not incidents. */

export interface AuthenticatedPerson {
  id: string;
  name: string;
  title: string;
  email: string;
  roles: Role[];
}

export interface AuthContext {
  person: AuthenticatedPerson;
  via: 'bearer' | 'session';
  sessionId?: string;
  csrfToken?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: AuthContext;
      /** Why presented credentials were refused; the 401 is sent only where auth is required. */
      authFailure?: 'invalid_token' | 'invalid_session';
    }
  }
}

const personSelect = { id: true, name: true, title: true, email: true, roles: true, active: true } as const;

const toAuthenticatedPerson = (p: { id: string; name: string; title: string; email: string; roles: Role[] }): AuthenticatedPerson => ({
  id: p.id,
  name: p.name,
  title: p.title,
  email: p.email,
  roles: [...p.roles],
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves who is calling, from `Authorization: Bearer <token>` (ApiToken rows,
 * stored as sha256) or the `cg_session` cookie (Session rows). It never answers
 * by itself: routes that need a caller use requireAuth/requireRole, so public
 * routes keep working for a browser with a stale cookie.
 */
export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match) {
          req.authFailure = 'invalid_token';
          return next();
        }
        const token = await db.apiToken.findUnique({
          where: { tokenHash: hashToken(match[1]) },
          include: { person: { select: personSelect } },
        });
        const now = new Date();
        if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now) || !token.person.active) {
          req.authFailure = 'invalid_token';
          return next();
        }
        req.auth = { person: toAuthenticatedPerson(token.person), via: 'bearer' };
        return next();
      }
      const cookie: unknown = req.cookies?.[SESSION_COOKIE];
      if (typeof cookie === 'string' && cookie.length > 0) {
        const session = await db.session.findUnique({
          where: { tokenHash: hashToken(cookie) },
          include: { person: { select: personSelect } },
        });
        if (!session || session.expiresAt <= new Date() || !session.person.active) {
          req.authFailure = 'invalid_session';
          return next();
        }
        req.auth = {
          person: toAuthenticatedPerson(session.person),
          via: 'session',
          sessionId: session.id,
          csrfToken: session.csrfToken,
        };
      }
      return next();
    } catch (err) {
      return next(err);
    }
  };
}

const constantTimeEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Cookies ride along on cross-site requests; bearer tokens do not. So only a
 * cookie-authenticated state change must prove it came from our own page, by
 * echoing the session's CSRF token (header, or `_csrf` field for HTML forms).
 */
export function checkCsrf(req: Request): void {
  if (req.auth?.via !== 'session' || SAFE_METHODS.has(req.method)) return;
  const presented = req.get(CSRF_HEADER) ?? (typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : undefined);
  if (!presented || !req.auth.csrfToken || !constantTimeEqual(presented, req.auth.csrfToken)) {
    throw new HttpError(403, 'csrf', 'missing or wrong X-CSRF-Token header for a cookie-authenticated request');
  }
}

function assertAuthenticated(req: Request): AuthContext {
  if (!req.auth) {
    if (req.authFailure === 'invalid_token') throw unauthorized('invalid, expired or revoked bearer token', true);
    if (req.authFailure === 'invalid_session') throw unauthorized('session expired; sign in again');
    throw unauthorized();
  }
  checkCsrf(req);
  return req.auth;
}

export function requireAuth(): RequestHandler {
  return (req, _res, next) => {
    try {
      assertAuthenticated(req);
      next();
    } catch (err) {
      next(err);
    }
  };
}

function requireOneOf(rolesNow: () => readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    try {
      const auth = assertAuthenticated(req);
      const roles = rolesNow();
      if (!auth.person.roles.some((r) => roles.includes(r))) throw forbidden(`requires one of: ${roles.join(', ')}`);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Passes when the caller holds any of the roles. 401 without credentials, 403 with the wrong role. */
export function requireRole(...roles: Role[]): RequestHandler {
  if (roles.length === 0) throw new Error('requireRole needs at least one role');
  return requireOneOf(() => roles);
}

/** Passes when the caller holds a role the policy in force grants the permission to (read on every request). */
export const requirePermission = (permission: Permission): RequestHandler => requireOneOf(() => rolesPermitted(permission));

/** The caller, for handlers behind requireAuth/requireRole. */
export function caller(req: Request): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}

/** True when the caller holds a role the policy in force grants the permission to. */
export const hasPermission = (req: Request, permission: Permission): boolean =>
  req.auth !== undefined && isPermitted(req.auth.person.roles, permission);

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, 12);

// ---------------------------------------------------------------- sessions

export const LoginRequestSchema = z
  .object({
    email: emailAddress().transform((email) => email.toLowerCase()),
    password: boundedText(1, 1024),
  })
  .strict()
  .openapi('LoginRequest');

export const PersonSchema = z
  .object({ id: z.string(), name: z.string(), title: z.string(), email: z.string(), roles: z.array(z.enum(ROLES)) })
  .openapi('Person');

const SessionResponseSchema = z.object({ csrfToken: z.string(), person: PersonSchema, expiresAt: z.string() }).openapi('Session');
const MeResponseSchema = z
  .object({ person: PersonSchema, via: z.enum(['bearer', 'session']), csrfToken: z.string().optional() })
  .openapi('Me');

documentRoute({
  method: 'post',
  path: '/api/session',
  summary: 'Sign in with email and password; sets the HttpOnly cg_session cookie',
  tags: ['auth'],
  access: 'public',
  body: LoginRequestSchema,
  responses: {
    201: { description: 'Signed in. Send csrfToken as X-CSRF-Token on state-changing requests.', schema: SessionResponseSchema },
    401: { description: 'Wrong email or password' },
    429: { description: 'Too many failed attempts for this email' },
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

/** Compared against when the email is unknown, so response time does not reveal who has an account. */
const DECOY_HASH = bcrypt.hashSync('decoy-password-never-matches', 10);

const LOGIN_WINDOW_SECONDS = 15 * 60;
const LOGIN_MAX_FAILURES = 10;

async function assertNotLocked(failures: RateLimiterMemory, email: string): Promise<void> {
  const record = await failures.get(email);
  if (record && record.consumedPoints >= LOGIN_MAX_FAILURES) {
    throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins for this email; wait ${LOGIN_WINDOW_SECONDS / 60} minutes`, undefined, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(record.msBeforeNext / 1000))),
    });
  }
}

export function createSessionRouter({ db, config }: { db: Db; config: Config }): Router {
  const router = Router();
  // Failed sign-ins per email, in process: enough to slow guessing on one API instance.
  // LOGIN_MAX_FAILURES in a window lock the email; a successful sign-in clears its count.
  const failures = new RateLimiterMemory({ keyPrefix: 'login-failures', points: LOGIN_MAX_FAILURES, duration: LOGIN_WINDOW_SECONDS });
  const secureCookie = config.PUBLIC_BASE_URL.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookie, path: '/' };

  router.post('/api/session', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { email, password } = parseBody(LoginRequestSchema, req);
      await assertNotLocked(failures, email);
      const person = await db.person.findFirst({
        where: { email: { equals: email, mode: 'insensitive' } },
        select: { ...personSelect, passwordHash: true },
      });
      const passwordOk = await bcrypt.compare(password, person?.passwordHash ?? DECOY_HASH);
      if (!person || !person.passwordHash || !passwordOk || !person.active) {
        await failures.penalty(email);
        throw new HttpError(401, 'invalid_credentials', 'wrong email or password', undefined, undefined, {
          'WWW-Authenticate': 'Bearer realm="common-ground"',
        });
      }
      await failures.delete(email);
      const now = Date.now();
      const sessionToken = randomToken();
      const csrfToken = randomToken();
      const expiresAt = new Date(now + config.SESSION_TTL_HOURS * 3600 * 1000);
      await db.session.deleteMany({ where: { personId: person.id, expiresAt: { lte: new Date(now) } } });
      await db.session.create({
        data: { personId: person.id, tokenHash: hashToken(sessionToken), csrfToken, expiresAt },
      });
      res.cookie(SESSION_COOKIE, sessionToken, { ...cookieOptions, expires: expiresAt });
      res.status(201).json({ csrfToken, person: toAuthenticatedPerson(person), expiresAt: expiresAt.toISOString() });
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

  router.get('/api/me', requireAuth(), (req, res) => {
    const auth = caller(req);
    res.json({ person: auth.person, via: auth.via, ...(auth.via === 'session' ? { csrfToken: auth.csrfToken } : {}) });
  });

  return router;
}
