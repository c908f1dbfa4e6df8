// Activity interceptor for the worker: one JSON log line per activity attempt,
// and provider failures turned into ApplicationFailures with an explicit,
// jittered nextRetryDelay. The Temporal server's retry backoff has no jitter;
// without it a burst of notifications refused together (a 429 storm) would
// come back together too. Database errors no retry can fix end the retries.
// An activity scheduled with a heartbeat timeout heart-beats while it runs, so
// an attempt on a worker that died is retried within that timeout rather than
// after its whole start-to-close timeout.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, type RetryPolicy } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors, ActivityInterceptorsFactory } from '@temporalio/worker';
import { ProviderRateLimitError, ProviderUnavailableError } from './notifications/errors';
import { FailureType } from '../domain/failures';
import { NOTIFICATION_RETRY } from '../domain/retry';
import { permanentDatabaseFault } from '../lib/dbErrors';

export const ProviderFailureType = {
  RateLimited: 'ProviderRateLimited',
  Unavailable: 'ProviderUnavailable',
} as const;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ActivityInterceptorOptions {
  /** Receives one serialised JSON object per line. Default: stdout. */
  write?: (line: string) => void;
  /** Lines below this level are dropped. Default 'info'. */
  level?: LogLevel;
  /** Injected in tests. */
  random?: () => number;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

interface Backoff {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

function backoffFrom(policy: RetryPolicy | undefined): Backoff {
  const initial = msOptionalToNumber(policy?.initialInterval) ?? NOTIFICATION_RETRY.initialIntervalMs;
  const coefficient = policy?.backoffCoefficient ?? NOTIFICATION_RETRY.backoffCoefficient;
  // The server's default maximum interval is 100 x the initial interval.
  const maximum = msOptionalToNumber(policy?.maximumInterval) ?? initial * 100;
  return { initialIntervalMs: initial, backoffCoefficient: coefficient, maximumIntervalMs: maximum };
}

/**
 * The delay before the next attempt: the retry policy's exponential value for
 * this attempt, capped, with "equal jitter" (half fixed, half random) so it
 * stays within [cap/2, cap]; never below the provider's Retry-After.
 */
export function jitteredRetryDelayMs(attempt: number, backoff: Backoff, random: () => number, minimumMs = 0): number {
  const exponential = backoff.initialIntervalMs * Math.pow(backoff.backoffCoefficient, Math.max(0, attempt - 1));
  const capped = Math.min(backoff.maximumIntervalMs, exponential);
  const jittered = capped / 2 + random() * (capped / 2);
  if (minimumMs <= 0) return Math.round(jittered);
  // Spread waiters past Retry-After too, by up to a fifth of it (or of the backoff if larger).
  return Math.round(minimumMs + random() * Math.max(minimumMs / 5, jittered - minimumMs, 0));
}

export function toRetryableFailure(err: unknown, attempt: number, retryPolicy: RetryPolicy | undefined, random: () => number): unknown {
  if (err instanceof ProviderRateLimitError) {
    const nextRetryDelay = jitteredRetryDelayMs(attempt, backoffFrom(retryPolicy), random, err.retryAfterMs ?? 0);
    return ApplicationFailure.create({
      type: ProviderFailureType.RateLimited,
      message: `${err.provider} rate limited: ${err.message}`,
      nonRetryable: false,
      nextRetryDelay,
      details: [{ provider: err.provider, code: err.code, retryAfterMs: err.retryAfterMs, nextRetryDelayMs: nextRetryDelay }],
      cause: err,
    });
  }
  if (err instanceof ProviderUnavailableError) {
    const nextRetryDelay = jitteredRetryDelayMs(attempt, backoffFrom(retryPolicy), random);
    return ApplicationFailure.create({
      type: ProviderFailureType.Unavailable,
      message: err.message,
      nonRetryable: false,
      nextRetryDelay,
      details: [{ provider: err.provider, code: err.code, httpStatus: err.httpStatus, nextRetryDelayMs: nextRetryDelay }],
      cause: err,
    });
  }
  const databaseFault = permanentDatabaseFault(err);
  if (databaseFault) {
    return ApplicationFailure.create({
      type: FailureType.PermanentDatabaseError,
      message: `the database refused a value: ${databaseFault}`,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }
  return err;
}

/** How often a running attempt heart-beats: well inside its heartbeat timeout (the SDK throttles the rest). */
export const heartbeatEveryMs = (heartbeatTimeoutMs: number): number => Math.max(200, Math.floor(heartbeatTimeoutMs / 3));

/**
 * Heart-beats every `heartbeatEveryMs` until stopped. The first beat comes
 * after one interval, so the common short attempt sends none.
 */
function keepHeartbeating(ctx: Context): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return () => undefined;
  const timer = setInterval(() => {
    try {
      ctx.heartbeat();
    } catch {
      // The attempt is finishing or cancelled; the server already knows.
    }
  }, heartbeatEveryMs(timeoutMs));
  timer.unref();
  return () => clearInterval(timer);
}

function createInbound(ctx: Context, options: ActivityInterceptorOptions): ActivityInboundCallsInterceptor {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const threshold = LEVELS[options.level ?? 'info'];
  const random = options.random ?? Math.random;
  const info = ctx.info;
  const base = {
    workflowId: info.workflowExecution?.workflowId ?? null,
    runId: info.workflowExecution?.runId ?? null,
    activityType: info.activityType,
    activityId: info.activityId,
    attempt: info.attempt,
  };
  const log = (level: LogLevel, msg: string, extra: Record<string, unknown> = {}) => {
    if (LEVELS[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...extra }));
  };

  return {
    async execute(input, next) {
      const started = Date.now();
      log('debug', 'activity started');
      const stopHeartbeats = keepHeartbeating(ctx);
      try {
        const result = await next(input);
        log('info', 'activity completed', { durationMs: Date.now() - started });
        return result;
      } catch (err) {
        const converted = toRetryableFailure(err, info.attempt, info.retryPolicy, random);
        const failure = converted instanceof ApplicationFailure ? converted : undefined;
        // A refused recipient or message is an expected outcome (the workflow falls back); other non-retryable failures are bugs.
        const expected = !failure?.nonRetryable || failure.type === FailureType.UndeliverableRecipient;
        log(expected ? 'warn' : 'error', 'activity failed', {
          durationMs: Date.now() - started,
          errorType: failure?.type ?? (err as Error)?.name ?? typeof err,
          error: (err as Error)?.message ?? String(err),
          nonRetryable: failure?.nonRetryable ?? false,
          nextRetryDelayMs: failure?.nextRetryDelay != null ? msOptionalToNumber(failure.nextRetryDelay) : undefined,
        });
        throw converted;
      } finally {
        stopHeartbeats();
      }
    },
  };
}

/**
 * Use either way:
 *   interceptors: { activity: [activityLoggingAndRateLimitInterceptor] }
 *   interceptors: { activity: [activityLoggingAndRateLimitInterceptor({ level: 'debug' })] }
 */
export function activityLoggingAndRateLimitInterceptor(ctx: Context): ActivityInterceptors;
export function activityLoggingAndRateLimitInterceptor(options?: ActivityInterceptorOptions): ActivityInterceptorsFactory;
export function activityLoggingAndRateLimitInterceptor(
  arg?: Context | ActivityInterceptorOptions,
): ActivityInterceptors | ActivityInterceptorsFactory {
  if (isActivityContext(arg)) return { inbound: createInbound(arg, {}) };
  const options = arg ?? {};
  return (ctx: Context) => ({ inbound: createInbound(ctx, options) });
}

function isActivityContext(value: unknown): value is Context {
  return typeof value === 'object' && value !== null && 'info' in value && typeof (value as Context).heartbeat === 'function';
}
