// How often someone may try to sign in, counted in PostgreSQL so every API
// process sees the same numbers (rate-limiter-flexible's Prisma store, table
// login_throttle). Three counters:
//   attempts per address   bounds the password hashing an address can make us do
//   failures per address   stops one address trying many accounts
//   failures per account   stops many addresses trying one account; a success clears it
// An account locked this way is never a way to shut an official out during an
// incident: they can ask for a one-time sign-in link by email (signInLinks.ts).
import { createHash } from 'node:crypto';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../lib/db';
import { HttpError } from './errors';

export interface SignInLimits {
  attemptsPerAddress: { points: number; seconds: number };
  failuresPerAddress: { points: number; seconds: number };
  failuresPerAccount: { points: number; seconds: number };
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  attemptsPerAddress: { points: 20, seconds: 60 },
  failuresPerAddress: { points: 30, seconds: 15 * 60 },
  failuresPerAccount: { points: 10, seconds: 15 * 60 },
};

/** Keys are digests: an email can be longer than the table's key column, and the table need not hold addresses in the clear. */
const keyOf = (value: string) => createHash('sha256').update(value.trim().toLowerCase()).digest('hex');

const retryAfter = (res: { msBeforeNext: number }) => ({ 'Retry-After': String(Math.max(1, Math.ceil(res.msBeforeNext / 1000))) });

export type Refusal = 'address' | 'account';

export class SignInRefused extends HttpError {
  constructor(readonly refusal: Refusal, message: string, headers: Record<string, string>) {
    super(429, 'too_many_attempts', message, undefined, undefined, headers);
  }
}

export interface SignInThrottle {
  /** Counts an attempt from `address` and refuses (SignInRefused) when the address or the account is over its limit. */
  admit(address: string, email: string): Promise<void>;
  /** Counts a wrong email or password against both. */
  failed(address: string, email: string): Promise<void>;
  /** A right password clears the account's failures (the address's stay). */
  succeeded(email: string): Promise<void>;
  /** Counts a request that sends or redeems a one-time link: only the address's attempts. */
  admitAddress(address: string): Promise<void>;
}

export function createSignInThrottle(db: Db, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): SignInThrottle {
  // Expired rows are removed by the session sweep (activities/sessions.ts), not by a timer in every API process.
  const limiter = (keyPrefix: string, { points, seconds }: { points: number; seconds: number }) =>
    new RateLimiterPrisma({ storeClient: db, tableName: 'loginThrottle', keyPrefix, points, duration: seconds, clearExpiredByTimeout: false });
  const attempts = limiter('sign-in-attempts-address', limits.attemptsPerAddress);
  const addressFailures = limiter('sign-in-failures-address', limits.failuresPerAddress);
  const accountFailures = limiter('sign-in-failures-account', limits.failuresPerAccount);

  async function countAttempt(address: string): Promise<void> {
    try {
      await attempts.consume(keyOf(address));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new SignInRefused('address', 'too many sign-in attempts from this address; wait a minute', retryAfter(err));
    }
  }

  async function refuseWhenLocked(limit: RateLimiterPrisma, key: string, refusal: Refusal, message: string): Promise<void> {
    const record = await limit.get(key);
    if (record && record.consumedPoints >= limit.points) throw new SignInRefused(refusal, message, retryAfter(record));
  }

  return {
    async admit(address, email) {
      await countAttempt(address);
      await refuseWhenLocked(addressFailures, keyOf(address), 'address', `too many failed sign-ins from this address; wait ${Math.ceil(limits.failuresPerAddress.seconds / 60)} minutes`);
      await refuseWhenLocked(accountFailures, keyOf(email), 'account', `too many failed sign-ins for this email; wait ${Math.ceil(limits.failuresPerAccount.seconds / 60)} minutes`);
    },
    async failed(address, email) {
      await Promise.all([addressFailures.penalty(keyOf(address)), accountFailures.penalty(keyOf(email))]);
    },
    async succeeded(email) {
      await accountFailures.delete(keyOf(email));
    },
    admitAddress: countAttempt,
  };
}
