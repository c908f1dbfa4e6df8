// The public fan-out under time skipping, with in-memory activities
// (fanOutFakes.ts): every resident told once across runs that continue as
// new, each channel in its own batches, and emails never held back by texts.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { publicFanOutWorkflow } from '../../workflows/publicFanOut';
import type { History } from './planHistoryJson';
import { createFanOutFakes, fanOutInput, officialsFakes, officialsNotice, subscribers, type FakeSubscriber } from './fanOutFakes';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

let runSeq = 0;

async function fanOut(list: FakeSubscriber[], activities: Record<string, (...args: any[]) => Promise<unknown>> = {}, input = fanOutInput()) {
  const fakes = createFanOutFakes(list);
  runSeq += 1;
  const taskQueue = `fanout-${runSeq}`;
  const worker = await createTestWorker(env, null, { taskQueue, activities: { ...fakes.activities, ...activities } });
  const progress = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof publicFanOutWorkflow>('publicFanOutWorkflow', {
      taskQueue,
      workflowId: `public-fan-out-test-${runSeq}`,
      args: [input],
    });
    const result = await handle.result();
    return { result, runs: await countRuns(handle.workflowId, handle.firstExecutionRunId) };
  });
  return { ...fakes, ...progress };
}

/** Runs in the chain: each run that continued as new names the next. */
async function countRuns(workflowId: string, firstRunId: string): Promise<number> {
  let runs = 0;
  for (let runId: string | undefined = firstRunId; runId; runs += 1) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

test('1,000 residents: each told once, by their own channel, in that channel\'s batches, across runs continued as new', async () => {
  const list = subscribers(1000, 5);
  const { batches, result, listings } = await fanOut(list);
  const told = batches.flatMap((b) => b.ids);
  expect(told).toHaveLength(1000);
  expect(new Set(told).size).toBe(1000);
  const channelOf = new Map(list.map((s) => [s.id, s.channel]));
  for (const batch of batches) expect(batch.ids.every((id) => channelOf.get(id) === batch.channel)).toBe(true);
  // Emails 10 at a time; texts three seconds' worth at 5 a second.
  expect(Math.max(...batches.filter((b) => b.channel === 'EMAIL').map((b) => b.ids.length))).toBe(10);
  expect(Math.max(...batches.filter((b) => b.channel === 'SMS').map((b) => b.ids.length))).toBe(15);
  // Each channel's pages are its own.
  expect(listings.filter((l) => l.channel === undefined)).toHaveLength(0);
  expect(result.channels).toEqual({ EMAIL: { cursor: 'sub-000999', done: true }, SMS: { cursor: 'sub-000995', done: true } });
  expect(result.sent).toBe(1000);
}, 60_000);

test('a long list continues as new and picks each channel up at its cursor', async () => {
  // 20 pages make a run: 2,000 residents (1,600 emails on 40 pages) need more than one.
  const { batches, runs } = await fanOut(subscribers(2000, 5));
  expect(runs).toBeGreaterThan(1);
  const told = batches.flatMap((b) => b.ids);
  expect(told).toHaveLength(2000);
  expect(new Set(told).size).toBe(2000);
}, 60_000);

test('emails do not wait for texts: every email is out before the first batch of texts comes back', async () => {
  const list = subscribers(400, 4);
  const emails = list.filter((s) => s.channel === 'EMAIL').length;
  const fakes = createFanOutFakes(list);
  let emailsSent = 0;
  let emailsOutWhenFirstTextsDone: number | null = null;
  await fanOut(list, {
    async sendPublicMessages(input) {
      const channel = list.find((s) => s.id === input.subscriptionIds[0])!.channel;
      if (channel === 'EMAIL') {
        emailsSent += input.subscriptionIds.length;
        return fakes.activities.sendPublicMessages(input);
      }
      // A slow carrier: texts come back only once every email has gone, or after two seconds.
      const waitedFrom = Date.now();
      while (emailsSent < emails && Date.now() - waitedFrom < 2_000) await new Promise((r) => setTimeout(r, 20));
      emailsOutWhenFirstTextsDone ??= emailsSent;
      return fakes.activities.sendPublicMessages(input);
    },
  });
  expect(emailsOutWhenFirstTextsDone).toBe(emails);
  expect(fakes.batches.flatMap((b) => b.ids)).toHaveLength(400);
}, 60_000);

test("the officials' messages go beside the residents', not before them", async () => {
  const list = subscribers(100, 4);
  let residentBatches = 0;
  let residentBatchesWhenOfficialsDone: number | null = null;
  const fakes = createFanOutFakes(list);
  const input = { ...fanOutInput(), officials: officialsNotice };
  await fanOut(
    list,
    {
      listPeopleByRoles: officialsFakes.listPeopleByRoles,
      async sendNotification(message: { personId: string }) {
        // A slow relay for the officials: done once a resident batch is out, or after two seconds.
        const waitedFrom = Date.now();
        while (residentBatches === 0 && Date.now() - waitedFrom < 2_000) await new Promise((r) => setTimeout(r, 20));
        residentBatchesWhenOfficialsDone ??= residentBatches;
        return officialsFakes.sendNotification(message);
      },
      async sendPublicMessages(request: Parameters<typeof fakes.activities.sendPublicMessages>[0]) {
        residentBatches += 1;
        return fakes.activities.sendPublicMessages(request);
      },
    },
    input,
  );
  expect(residentBatchesWhenOfficialsDone).toBeGreaterThan(0);
  expect(fakes.batches.flatMap((b) => b.ids)).toHaveLength(100);
}, 60_000);
