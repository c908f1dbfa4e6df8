// The court-user survey invitation on the time-skipping server, with its
// activities stubbed: the invitation waits for the policy's delay after the
// case closed, the one reminder comes remindAfter later, and the ladder stops
// on an answer or an opt-out, or ends with the expiry expiresAfter after the
// reminder. Stub activities record the server's (skipped) time of each call.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { courtSurveyInvitationWorkflow } from '../../workflows/courtSurvey';
import { courtSurveyAnsweredSignal, courtSurveyOptedOutSignal, type CourtSurveyActivities } from '../../domain/contracts/courtSurvey';
import { durationMs } from '../../domain/policy/schema';
import { DEFAULT_POLICY } from '../../policy';

const survey = DEFAULT_POLICY.courtSurvey!;
const DAY = 24 * 3600_000;
const TOLERANCE_MS = 60_000;

let env: TestWorkflowEnvironment;
let worker: Worker;
let calls: { name: string; step?: string; at: number }[];
let taskQueue: string;
let seq = 0;
/** Whether the stub finds the contact to send to. */
let reachable: boolean;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(async () => {
  calls = [];
  reachable = true;
  taskQueue = `court-survey-${++seq}`;
  const at = () => Context.current().info.currentAttemptScheduledTimestampMs;
  const activities: CourtSurveyActivities = {
    async sendCourtSurveyMessage({ step }) {
      calls.push({ name: 'send', step, at: at() });
      return { sent: reachable };
    },
    async expireCourtSurveyInvitation() {
      calls.push({ name: 'expire', at: at() });
      return { expired: true };
    },
    async publishCourtSurveyQuarters() {
      return { published: [] };
    },
  };
  worker = await createTestWorker(env, null, { taskQueue, activities: activities as unknown as Record<string, (...args: any[]) => Promise<unknown>> });
});

async function start(id: string, caseClosedAt: number) {
  return env.client.workflow.start<typeof courtSurveyInvitationWorkflow>('courtSurveyInvitationWorkflow', {
    taskQueue,
    workflowId: `court-survey-${id}`,
    args: [
      {
        version: 1,
        contactId: id,
        inviteAt: new Date(caseClosedAt + durationMs(survey.inviteAfter)).toISOString(),
        remindAfterMs: durationMs(survey.remindAfter),
        expiresAfterMs: durationMs(survey.expiresAfter),
      },
    ],
  });
}

const expectNear = (actual: number | undefined, expected: number) => {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThan(TOLERANCE_MS);
};

it('invites after the delay, reminds once, and stops when the person answers', async () => {
  await worker.runUntil(async () => {
    const closed = await env.currentTimeMs();
    const handle = await start('answers', closed);
    await env.sleep(2 * DAY - 3600_000);
    expect(calls).toEqual([]);
    await env.sleep(2 * 3600_000);
    expectNear(calls.find((c) => c.step === 'invitation')?.at, closed + 2 * DAY);
    await env.sleep(5 * DAY);
    expectNear(calls.find((c) => c.step === 'reminder')?.at, closed + 7 * DAY);
    await handle.signal(courtSurveyAnsweredSignal);
    expect(await handle.result()).toEqual({ outcome: 'COMPLETED', reminded: true });
    // Nothing after the answer: no second reminder, no expiry.
    await env.sleep(30 * DAY);
    expect(calls.map((c) => c.step ?? c.name)).toEqual(['invitation', 'reminder']);
  });
});

it('an answer before the reminder means no reminder at all', async () => {
  await worker.runUntil(async () => {
    const closed = (await env.currentTimeMs()) - 10 * DAY;
    const handle = await start('early', closed);
    await env.sleep(3600_000);
    // A case that closed long ago is invited at once.
    expect(calls.map((c) => c.step)).toEqual(['invitation']);
    await handle.signal(courtSurveyAnsweredSignal);
    expect(await handle.result()).toEqual({ outcome: 'COMPLETED', reminded: false });
    expect(calls).toHaveLength(1);
  });
});

it('stops on an opt-out after the reminder, without expiring', async () => {
  await worker.runUntil(async () => {
    const handle = await start('opts-out', await env.currentTimeMs());
    await env.sleep(8 * DAY);
    expect(calls.map((c) => c.step)).toEqual(['invitation', 'reminder']);
    await handle.signal(courtSurveyOptedOutSignal);
    expect(await handle.result()).toEqual({ outcome: 'OPTED_OUT', reminded: true });
    expect(calls.some((c) => c.name === 'expire')).toBe(false);
  });
});

it('expires an unanswered invitation expiresAfter after the one reminder', async () => {
  await worker.runUntil(async () => {
    const closed = await env.currentTimeMs();
    const handle = await start('silent', closed);
    expect(await handle.result()).toEqual({ outcome: 'EXPIRED', reminded: true });
    expect(calls.map((c) => c.step ?? c.name)).toEqual(['invitation', 'reminder', 'expire']);
    expectNear(calls[2].at, closed + (2 + 5 + 21) * DAY);
  });
});

it('stops without waiting when the invitation could not be sent (the contact is gone)', async () => {
  reachable = false;
  await worker.runUntil(async () => {
    const handle = await start('gone', (await env.currentTimeMs()) - 10 * DAY);
    expect(await handle.result()).toEqual({ outcome: 'GONE', reminded: false });
    expect(calls.map((c) => c.step ?? c.name)).toEqual(['invitation']);
  });
});
