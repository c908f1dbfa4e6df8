// The sender number's SMS rate (SMS_SENDS_PER_SECOND), counted in PostgreSQL
// so that every worker, and every fan-out running at once, shares it. A send
// over the rate fails as a provider rate limit would, with the time until the
// next free slot, and the activity interceptor retries it then.
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { ProviderRateLimitError } from './errors';

export interface SmsSenderRate {
  /** Takes one slot for a text from the sender number, or throws ProviderRateLimitError. */
  take(): Promise<void>;
}

export function createSmsSenderRate(db: Db, config: Pick<Config, 'SMS_SENDS_PER_SECOND' | 'TWILIO_FROM_NUMBER'>): SmsSenderRate {
  const limiter = new RateLimiterPrisma({
    storeClient: db,
    tableName: 'loginThrottle',
    keyPrefix: 'sms-sender',
    points: config.SMS_SENDS_PER_SECOND,
    duration: 1,
    clearExpiredByTimeout: false,
  });
  return {
    async take() {
      try {
        await limiter.consume(config.TWILIO_FROM_NUMBER);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        throw new ProviderRateLimitError('twilio', Math.max(50, err.msBeforeNext), `the sender's rate of ${config.SMS_SENDS_PER_SECOND} texts per second is used up`);
      }
    },
  };
}
