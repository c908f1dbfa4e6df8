// Time-skipping tests of engagementSessionWorkflow: the announcement at once,
// a reminder at each offset before the session, a reschedule moving the
// reminders (sent again for the new time, never twice for the same one), and
// a cancellation stopping them.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { engagementSessionWorkflow } from '../../workflows/engagementSession';
import {
  engagementSessionStateQuery,
  sessionChangedSignal,
  type EngagementSessionInputV1,
  type SessionScheduleV1,
} from '../../domain/contracts/engagementSession';
import type { PublicFanOutRequestV1 } from '../../domain/contracts/publicFanOut';

const DAY = 86_400_000;

let env: TestWorkflowEnvironment;
let worker: Worker;
let taskQueue: string;
let seq = 0;
let told: { key: string; at: number; title: string; startsAt: string; notice?: string }[];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(async () => {
  told = [];
  taskQueue = `engagement-session-${++seq}`;
  worker = await createTestWorker(env, null, {
    taskQueue,
    activities: {
      async startPublicFanOut(request: PublicFanOutRequestV1) {
        if (request.event.kind !== 'session.upcoming') throw new Error(`unexpected event ${request.event.kind}`);
        const { sessionTitle: title, startsAt, notice } = request.event.data;
        told.push({ key: request.event.key, at: Number(await env.currentTimeMs()), title, startsAt, notice });
        return { workflowId: `public-fan-out-session-${request.event.key}` };
      },
    },
  });
});

const schedule = (startsAt: number, revision: number, status: SessionScheduleV1['status'] = 'SCHEDULED', title = 'Town hall'): SessionScheduleV1 => ({
  revision,
  status,
  startsAt: new Date(startsAt).toISOString(),
  message: { sessionTitle: title, startsAt: new Date(startsAt).toISOString(), place: 'City Hall' },
});

async function start(sessionId: string, startsAt: number) {
  const input: EngagementSessionInputV1 = { version: 1, sessionId, remindBeforeMs: [7 * DAY, 1 * DAY], announce: true, schedule: schedule(startsAt, 1) };
  const handle = await env.client.workflow.start<typeof engagementSessionWorkflow>('engagementSessionWorkflow', {
    taskQueue,
    workflowId: `engagement-session-${sessionId}`,
    args: [input],
  });
  await handle.query(engagementSessionStateQuery);
  return handle;
}

async function statusOf(handle: Awaited<ReturnType<typeof start>>) {
  return (await handle.describe()).status.name;
}

async function completed(handle: Awaited<ReturnType<typeof start>>) {
  for (let i = 0; i < 50 && (await statusOf(handle)) !== 'COMPLETED'; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await statusOf(handle)).toBe('COMPLETED');
}

/** Waits (wall clock, briefly) for the workflow to have told `count` events: a fan-out start is an activity. */
async function toldCount(count: number) {
  for (let i = 0; i < 100 && told.length < count; i++) await new Promise((r) => setTimeout(r, 50));
  return told.length;
}

it('announces the session at once, then reminds 7 days and 1 day before it, and ends when it starts', async () => {
  await worker.runUntil(async () => {
    const t0 = Number(await env.currentTimeMs());
    const startsAt = t0 + 10 * DAY;
    const handle = await start('s1', startsAt);
    expect(await toldCount(1)).toBe(1);
    expect(told[0]).toMatchObject({ key: 's1-announced', notice: 'announced' });

    await env.sleep(3 * DAY - 60_000);
    expect(told).toHaveLength(1);
    await env.sleep(120_000);
    expect(await toldCount(2)).toBe(2);
    expect(told[1]).toMatchObject({ key: `s1-${startsAt}-${7 * DAY}`, notice: 'reminder' });
    expect(Math.abs(told[1].at - (startsAt - 7 * DAY))).toBeLessThan(60_000);

    await env.sleep(6 * DAY);
    expect(await toldCount(3)).toBe(3);
    expect(told[2].key).toBe(`s1-${startsAt}-${DAY}`);
    expect(Math.abs(told[2].at - (startsAt - DAY))).toBeLessThan(60_000);

    await env.sleep(DAY + 60_000);
    await completed(handle);
    expect(told).toHaveLength(3);
  });
});

it('moves the reminders when the session is rescheduled, and ignores a change older than the one it has', async () => {
  await worker.runUntil(async () => {
    const t0 = Number(await env.currentTimeMs());
    const first = t0 + 10 * DAY;
    const handle = await start('s2', first);
    await env.sleep(3 * DAY + 60_000);
    expect(await toldCount(2)).toBe(2);

    // Moved three weeks later: both reminders are due again, for the new time.
    const moved = first + 21 * DAY;
    await handle.signal(sessionChangedSignal, schedule(moved, 3, 'SCHEDULED', 'Town hall (moved)'));
    // A late, older change is ignored.
    await handle.signal(sessionChangedSignal, schedule(first, 2));
    const state = await handle.query(engagementSessionStateQuery);
    expect(state.startsAt).toBe(new Date(moved).toISOString());
    expect(state.nextReminderAt).toBe(new Date(moved - 7 * DAY).toISOString());

    // Nothing when the old 1-day reminder would have been due.
    await env.sleep(7 * DAY);
    expect(told).toHaveLength(2);
    await env.sleep(moved - 7 * DAY - Number(await env.currentTimeMs()) + 60_000);
    expect(await toldCount(3)).toBe(3);
    expect(told[2]).toMatchObject({ key: `s2-${moved}-${7 * DAY}`, title: 'Town hall (moved)', startsAt: new Date(moved).toISOString() });
    await env.sleep(6 * DAY);
    expect(await toldCount(4)).toBe(4);
    expect(told[3].key).toBe(`s2-${moved}-${DAY}`);
    expect(new Set(told.map((t) => t.key)).size).toBe(4);
    // Ended here, while its worker runs: a timer left for a worker that is gone would hold the test server's clock.
    await handle.signal(sessionChangedSignal, schedule(moved, 4, 'CANCELLED'));
    await completed(handle);
  });
});

it('stops every reminder when the session is cancelled', async () => {
  await worker.runUntil(async () => {
    const t0 = Number(await env.currentTimeMs());
    const startsAt = t0 + 10 * DAY;
    const handle = await start('s3', startsAt);
    expect(await toldCount(1)).toBe(1);
    await handle.signal(sessionChangedSignal, schedule(startsAt, 2, 'CANCELLED'));
    await completed(handle);
    await env.sleep(12 * DAY);
    expect(told.map((t) => t.key)).toEqual(['s3-announced']);
  });
});
