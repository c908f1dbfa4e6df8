// What stands between the comment form and a script: a simple arithmetic
// question, signed and time-limited (no state kept until it is answered; a
// bot that answers faster than a person can type is refused too), and a
// limit on comments per network address per hour, kept in PostgreSQL like
// every other throttle (services/subscriptions.ts, signInThrottle.ts).
import { createHash, randomInt } from 'node:crypto';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { InvalidLinkTokenError, signLinkToken, verifyLinkToken } from '../lib/crypto';
import type { CommentsPolicy } from '../domain/policy/schema';
import { HttpError, unprocessable } from './errors';

const PURPOSE = 'comment-challenge';
/**
 * A challenge token is "q." and a signed token: never the shape of a link
 * token (lib/links.ts), so nobody (and no API client following response
 * values) mistakes one for the other.
 */
const PREFIX = 'q.';
export const CHALLENGE_TOKEN_PATTERN = /^q\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface CommentChallenge {
  /** "What is 4 + 7?" in numbers: the page words it in the reader's language. */
  question: { a: number; b: number };
  token: string;
}

export function issueCommentChallenge(config: Pick<Config, 'LINK_SIGNING_SECRET'>, policy: CommentsPolicy, now = new Date()): CommentChallenge {
  const a = randomInt(1, 10);
  const b = randomInt(1, 10);
  return { question: { a, b }, token: PREFIX + signLinkToken({ p: PURPOSE, a, b }, policy.challenge.maxSeconds, config.LINK_SIGNING_SECRET, now) };
}

/** Refuses (422 naming the field) a challenge that is forged, expired, answered too fast, or answered wrong. */
export function checkCommentChallenge(
  config: Pick<Config, 'LINK_SIGNING_SECRET'>,
  policy: CommentsPolicy,
  answer: { token: string; answer: number },
  now = new Date(),
): void {
  let payload: { a: number; b: number; iat?: number };
  try {
    if (!answer.token.startsWith(PREFIX)) throw new InvalidLinkTokenError('malformed');
    payload = verifyLinkToken<{ a: number; b: number }>(answer.token.slice(PREFIX.length), PURPOSE, config.LINK_SIGNING_SECRET, now);
  } catch (err) {
    if (!(err instanceof InvalidLinkTokenError)) throw err;
    throw err.reason === 'expired'
      ? unprocessable('challenge.token', 'the question has expired; ask for a new one', { code: 'expired' })
      : unprocessable('challenge.token', 'not a question we asked', { code: 'unknown' });
  }
  if (payload.iat !== undefined && now.getTime() - payload.iat * 1000 < policy.challenge.minSeconds * 1000) {
    throw unprocessable('challenge.answer', 'answered faster than a person can; please try again', { code: 'too_fast' });
  }
  if (answer.answer !== payload.a + payload.b) throw unprocessable('challenge.answer', 'that is not the answer', { code: 'wrong_answer' });
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

export function createCommentThrottle(db: Db, perHour: () => number) {
  const limiters = new Map<number, RateLimiterPrisma>();
  const limiter = (points: number) => {
    let found = limiters.get(points);
    if (!found) {
      found = new RateLimiterPrisma({ storeClient: db, tableName: 'loginThrottle', keyPrefix: 'comment-requester', points, duration: 3600, clearExpiredByTimeout: false });
      limiters.set(points, found);
    }
    return found;
  };
  return {
    /** Refuses (429 with Retry-After) a network address over its comments for the hour. */
    async admit(requester: string): Promise<void> {
      try {
        await limiter(perHour()).consume(digest(requester));
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        throw new HttpError(429, 'too_many_requests', 'too many comments from this address; try again later', undefined, undefined, {
          'Retry-After': String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))),
        });
      }
    },
  };
}

export type CommentThrottle = ReturnType<typeof createCommentThrottle>;
