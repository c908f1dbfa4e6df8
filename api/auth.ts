import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import bcrypt from 'bcryptjs';
import type { Db } from '../lib/db';
import { hashToken } from '../lib/crypto';
import type { Role } from '../domain/roles';
import { HttpError, forbidden, unauthorized } from '../services/errors';
import { isPermitted, rolesPermitted, type Permission } from '../services/policyView';

export const SESSION_COOKIE = 'cg_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Everyone who works for the city. Stakeholder leads (community partners) see the plan, not incidents. */

export interface AuthenticatedPerson {
  id: string;
  name: string;
  title: string;
  email: string;
  roles: Role[];
  /** The language they read messages and the console in. */
  language: string;
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

export const personSelect = { id: true, name: true, title: true, email: true, roles: true, active: true, language: true } as const;

export const toAuthenticatedPerson = (p: { id: string; name: string; title: string; email: string; roles: Role[]; language: string }): AuthenticatedPerson => ({
  id: p.id,
  name: p.name,
  title: p.title,
  email: p.email,
  roles: [...p.roles],
  language: p.language,
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

/** The cost of every stored password hash, and of the decoy an unknown address is checked against. */
export const BCRYPT_COST = 12;

export const hashPassword = (password: string): Promise<string> => bcrypt.hash(password, BCRYPT_COST);
