// notifyPerson and the retry behaviour of notification activities, on the
// time-skipping test server: the workflow helper's fallback rules, and that
// the interceptor's nextRetryDelay (Retry-After, jittered backoff) is what the
// server actually waits. Activities are stubs here; the real ones run against
// the sinks in test/integration/notifications.test.ts.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, type ActivityFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { activityLoggingAndRateLimitInterceptor } from '../../activities/interceptors';
import type { OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import { ProviderRateLimitError, ProviderUnavailableError } from '../../activities/notifications/errors';
import type { NotifyPersonInput, NotifyPersonResult } from '../../workflows/lib/notify';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import type { notifyPersonTestWorkflow } from './notifications.fixture-workflows';
import { FailureType } from '../../domain/failures';

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  // Bundled once; every test starts its own worker on its own task queue.
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./notifications.fixture-workflows'),
    logger: new DefaultLogger('WARN'),
  });
});

afterAll(async () => {
  await env?.teardown();
});

type SendStub = (message: OutboundMessageV1, attempt: number) => Promise<SendResultV1>;

interface Call {
  message: OutboundMessageV1;
  attempt: number;
}

const sent = (message: OutboundMessageV1): SendResultV1 => ({
  notificationId: `n-${message.channel}-${message.purpose}`,
  idempotencyKey: `${message.workflowId}|${message.purpose}|${message.personId}|${message.channel}|${message.attemptGroup}`,
  status: 'SENT',
  providerMessageId: `p-${message.channel}`,
});

const refused = (message: OutboundMessageV1) =>
  ApplicationFailure.create({
    type: FailureType.UndeliverableRecipient,
    message: 'refused',
    nonRetryable: true,
    details: [{ notificationId: `n-${message.channel}-${message.purpose}` }],
  });

async function run(stub: SendStub, input: Partial<NotifyPersonInput> = {}) {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  const taskQueue = `notify-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {
      async sendNotification(message: OutboundMessageV1) {
        const key = `${message.channel}|${message.purpose}`;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        calls.push({ message, attempt });
        return stub(message, attempt);
      },
    },
    interceptors: { activity: [activityLoggingAndRateLimitInterceptor({ write: () => undefined })] },
  });
  const args: NotifyPersonInput = {
    workflowId: 'incident-CI-2026-0007',
    purpose: 'incident.declared',
    personId: 'person-1',
    channels: ['EMAIL', 'SMS'],
    attemptGroup: '1',
    template: 'incident.declared',
    data: { incidentNumber: 'CI-2026-0007' },
    incidentId: 'incident-row-1',
    ...input,
  };
  const outcome = await worker.runUntil(
    env.client.workflow
      .execute<typeof notifyPersonTestWorkflow>('notifyPersonTestWorkflow', { taskQueue, workflowId: `wf-${randomUUID()}`, args: [args] })
      .then(
        (value) => ({ value, error: undefined }),
        (error: unknown) => ({ value: undefined, error }),
      ),
  );
  return { ...outcome, calls };
}

const byChannel = (result: NotifyPersonResult, channel: 'EMAIL' | 'SMS', fallback = false) =>
  result.outcomes.find((o) => o.channel === channel && !!o.fallbackFor === fallback);

describe('notifyPerson', () => {
  test('sends every channel once when both are accepted', async () => {
    const { value, calls } = await run(async (m) => sent(m));
    expect(value!.result.reached).toBe(true);
    expect(value!.result.outcomes.map((o) => [o.channel, o.status])).toEqual([
      ['EMAIL', 'SENT'],
      ['SMS', 'SENT'],
    ]);
    expect(calls.map((c) => [c.message.channel, c.message.purpose, c.message.incidentId])).toEqual(
      expect.arrayContaining([
        ['EMAIL', 'incident.declared', 'incident-row-1'],
        ['SMS', 'incident.declared', 'incident-row-1'],
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  test('an undeliverable SMS is not retried and falls back to email, recorded with the failed notification id', async () => {
    const { value, calls } = await run(async (m) => {
      if (m.channel === 'SMS') throw refused(m);
      return sent(m);
    });
    // One SMS attempt only: UndeliverableRecipient is non-retryable.
    expect(calls.filter((c) => c.message.channel === 'SMS')).toHaveLength(1);
    const fallbackCall = calls.find((c) => c.message.purpose === 'incident.declared.fallback')!;
    expect(fallbackCall.message).toMatchObject({
      channel: 'EMAIL',
      fallbackForNotificationId: 'n-SMS-incident.declared',
      attemptGroup: '1',
      template: 'incident.declared',
    });
    const result = value!.result;
    expect(byChannel(result, 'SMS')).toMatchObject({ status: 'UNDELIVERABLE', notificationId: 'n-SMS-incident.declared' });
    expect(byChannel(result, 'EMAIL', true)).toMatchObject({
      status: 'SENT',
      fallbackFor: { channel: 'SMS', notificationId: 'n-SMS-incident.declared' },
    });
    expect(result.reached).toBe(true);
  });

  test('a single-channel request falls back too; a fallback that is itself refused is reported, not thrown', async () => {
    const { value, calls } = await run(async (m) => {
      throw refused(m);
    }, { channels: ['SMS'] });
    expect(calls.map((c) => [c.message.channel, c.message.purpose])).toEqual([
      ['SMS', 'incident.declared'],
      ['EMAIL', 'incident.declared.fallback'],
    ]);
    expect(value!.result.outcomes.map((o) => o.status)).toEqual(['UNDELIVERABLE', 'UNDELIVERABLE']);
    expect(value!.result.reached).toBe(false);
  });

  test('when both channels are refused there is no fallback to try', async () => {
    const { value, calls } = await run(async (m) => {
      throw refused(m);
    });
    expect(calls).toHaveLength(2);
    expect(value!.result).toMatchObject({ reached: false });
    expect(value!.result.outcomes.every((o) => !o.fallbackFor)).toBe(true);
  });

  test('other non-retryable failures (an unknown template) fail the caller', async () => {
    const { error, calls } = await run(async () => {
      throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: 'unknown template', nonRetryable: true });
    }, { channels: ['EMAIL'] });
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = ((error as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe(FailureType.InvalidInput);
    expect(calls).toHaveLength(1);
  });
});

describe('notification retries on the server', () => {
  test("a 429's Retry-After is what the server waits before the next attempt", async () => {
    const { value, calls } = await run(async (m, attempt) => {
      if (attempt === 1) throw new ProviderRateLimitError('twilio', 10 * 60_000, 'Too Many Requests', 20429);
      return sent(m);
    }, { channels: ['SMS'] });
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
    // Without the interceptor the server would retry after the 1 s initial interval.
    expect(value!.elapsedMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(value!.elapsedMs).toBeLessThan(13 * 60_000);
  });

  test('provider 5xx is retried on the jittered exponential curve until it succeeds', async () => {
    const { value, calls } = await run(async (m, attempt) => {
      if (attempt <= 3) throw new ProviderUnavailableError('twilio', 'twilio 20500 (HTTP 500)', 20500, 500);
      return sent(m);
    }, { channels: ['SMS'] });
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(byChannel(value!.result, 'SMS')).toMatchObject({ status: 'SENT' });
    // Delays of 1 s, 2 s and 4 s, each jittered into [half, full]: between 3.5 s and 7 s in total.
    expect(value!.elapsedMs).toBeGreaterThanOrEqual(3_500);
    expect(value!.elapsedMs).toBeLessThan(9_000);
  });
});
