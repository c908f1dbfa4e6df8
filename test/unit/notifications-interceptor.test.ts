import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import {
  activityLoggingAndRateLimitInterceptor,
  jitteredRetryDelayMs,
  ProviderFailureType,
  toRetryableFailure,
} from '../../activities/interceptors';
import { ProviderRateLimitError, ProviderUnavailableError, parseRetryAfterMs } from '../../activities/notifications/errors';
import { NOTIFICATION_RETRY } from '../../domain/retry';

const policy = { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000 };

function envFor(attempt: number, lines: string[], random = () => 0.25) {
  return new MockActivityEnvironment(
    {
      attempt,
      activityType: 'sendNotification',
      workflowExecution: { workflowId: 'incident-CI-2026-0007', runId: 'run-7' },
      retryPolicy: policy,
    },
    {
      interceptors: [activityLoggingAndRateLimitInterceptor({ write: (line) => lines.push(line), random, level: 'debug' })],
      logger: new DefaultLogger('ERROR'),
    },
  );
}

describe('jitteredRetryDelayMs', () => {
  const backoff = NOTIFICATION_RETRY;

  test('follows the exponential curve, jittered into [half, full], capped at the maximum interval', () => {
    expect([1, 2, 3, 4].map((a) => jitteredRetryDelayMs(a, backoff, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => jitteredRetryDelayMs(a, backoff, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(jitteredRetryDelayMs(20, backoff, () => 1)).toBe(60_000);
    expect(jitteredRetryDelayMs(20, backoff, () => 0)).toBe(30_000);
  });

  test('never earlier than Retry-After, and spread beyond it', () => {
    expect(jitteredRetryDelayMs(1, backoff, () => 0, 5000)).toBe(5000);
    expect(jitteredRetryDelayMs(1, backoff, () => 1, 5000)).toBe(6000);
    // A long backoff still wins over a short Retry-After.
    expect(jitteredRetryDelayMs(6, backoff, () => 1, 1000)).toBe(32_000);
  });
});

test('parseRetryAfterMs reads seconds and HTTP dates', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  expect(parseRetryAfterMs('2', now)).toBe(2000);
  expect(parseRetryAfterMs(['3'], now)).toBe(3000);
  expect(parseRetryAfterMs('Sat, 21 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfterMs(undefined, now)).toBeNull();
  expect(parseRetryAfterMs('soon', now)).toBeNull();
});

describe('activityLoggingAndRateLimitInterceptor', () => {
  test('logs one JSON line per attempt with the workflow and activity identity', async () => {
    const lines: string[] = [];
    const result = await envFor(2, lines).run(async (x: number) => x * 2, 21);
    expect(result).toBe(42);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.msg)).toEqual(['activity started', 'activity completed']);
    expect(parsed[1]).toMatchObject({
      level: 'info',
      workflowId: 'incident-CI-2026-0007',
      runId: 'run-7',
      activityType: 'sendNotification',
      attempt: 2,
    });
    expect(typeof parsed[1].durationMs).toBe('number');
  });

  test('turns a rate-limit error into a retryable ProviderRateLimited failure carrying nextRetryDelay', async () => {
    const lines: string[] = [];
    const failure = (await envFor(1, lines)
      .run(async () => {
        throw new ProviderRateLimitError('twilio', 2500, 'Too Many Requests', 20429);
      })
      .catch((e: unknown) => e)) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: ProviderFailureType.RateLimited, nonRetryable: false });
    expect(failure.nextRetryDelay).toBe(jitteredRetryDelayMs(1, NOTIFICATION_RETRY, () => 0.25, 2500));
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(2500);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last).toMatchObject({ level: 'warn', msg: 'activity failed', errorType: 'ProviderRateLimited', nonRetryable: false, nextRetryDelayMs: failure.nextRetryDelay });
  });

  test('turns provider unavailability into ProviderUnavailable on the policy curve for this attempt', () => {
    const failure = toRetryableFailure(new ProviderUnavailableError('smtp', 'smtp 451'), 3, policy, () => 0.5) as ApplicationFailure;
    expect(failure.type).toBe(ProviderFailureType.Unavailable);
    expect(failure.nextRetryDelay).toBe(3000);
    // The policy on the activity wins over the defaults.
    const slower = toRetryableFailure(new ProviderUnavailableError('smtp', 'smtp 451'), 1, { initialInterval: '10s', backoffCoefficient: 3 }, () => 1) as ApplicationFailure;
    expect(slower.nextRetryDelay).toBe(10_000);
  });

  test('passes other errors through unchanged; unexpected non-retryable ones are logged at error level', async () => {
    const lines: string[] = [];
    const original = ApplicationFailure.create({ type: 'InvalidInput', message: 'unknown template', nonRetryable: true });
    const thrown = await envFor(1, lines)
      .run(async () => {
        throw original;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(original);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ level: 'error', errorType: 'InvalidInput', nonRetryable: true });
    // A refused recipient is an expected outcome, not an error.
    const refused = ApplicationFailure.create({ type: 'UndeliverableRecipient', message: 'refused', nonRetryable: true });
    await envFor(1, lines)
      .run(async () => {
        throw refused;
      })
      .catch((e: unknown) => e);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ level: 'warn', errorType: 'UndeliverableRecipient', nonRetryable: true });
    const plain = new Error('boom');
    expect(toRetryableFailure(plain, 1, policy, Math.random)).toBe(plain);
  });

  test('works registered directly as a factory and called with options', async () => {
    const direct = new MockActivityEnvironment(
      { activityType: 'x' },
      { interceptors: [activityLoggingAndRateLimitInterceptor], logger: new DefaultLogger('ERROR') },
    );
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const failure = await direct
        .run(async () => {
          throw new ProviderRateLimitError('twilio', 1000);
        })
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({ type: ProviderFailureType.RateLimited });
      expect(write).toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});
