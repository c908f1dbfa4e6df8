// Continue-as-new when the SERVER suggests it. A private dev server is started
// with `limit.historyCount.suggestContinueAsNew` set low, so a handful of
// progress updates (item) or signals (plan) make Temporal set
// continueAsNewSuggested, as a year of real activity would. The workflows must
// hand over to a new run and lose nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  decideRescheduleUpdate,
  itemAddedSignal,
  itemFlaggedForBoardSignal,
  itemStateQuery,
  planStateQuery,
  postProgressUpdate,
  requestRescheduleUpdate,
} from '../../domain/contracts/plan';
import type { actionItemWorkflow } from '../../workflows/actionItem';
import type { actionPlanWorkflow } from '../../workflows/plan';
import { actorClaimSigner } from '../../lib/actorClaims';
import { createTestConfig } from '../harness/config';
import { freePort } from '../harness/freePort';
import { TEMPORAL_CLI_PATH } from '../harness/paths';
import { installQuietRuntime } from '../harness/runtime';
import { workflowBundle } from '../harness/worker';
import { actor, createPlanFakes, itemInput, planInput } from '../unit/planFakes';
import { eventually } from '../harness/eventually';

const SUGGEST_AFTER_EVENTS = 60;
let server: ChildProcess;
let clientConnection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
const fakes = createPlanFakes();

beforeAll(async () => {
  installQuietRuntime();
  const port = await freePort();
  server = spawn(
    TEMPORAL_CLI_PATH,
    ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--log-level', 'error',
      '--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AFTER_EVENTS}`],
    { stdio: 'ignore' },
  );
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      clientConnection = await Connection.connect({ address, connectTimeout: 1000 });
      await clientConnection.workflowService.getSystemInfo({});
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('dev server did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  client = new Client({ connection: clientConnection, interceptors: { workflow: [actorClaimSigner(createTestConfig().ACTOR_CLAIM_SECRET)] } });
  nativeConnection = await NativeConnection.connect({ address });
  worker = await Worker.create({ connection: nativeConnection, taskQueue: 'plan-can', workflowBundle: await workflowBundle(), activities: fakes.activities });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await clientConnection?.close();
  server?.kill('SIGTERM');
});


it('an item continues as new when the server suggests it, keeping progress, fired reminders and a pending reschedule', async () => {
  const dueAt = new Date(Date.now() + 40 * 86_400_000).toISOString();
  // One reminder that fires a second after the start, so there is ladder history to carry.
  const ladder = { reminderLocalTime: '09:00', reminders: [{ key: 'soon', secondsBefore: 40 * 86_400 - 1 }, { key: 'later', daysBefore: 3 }], overdue: [] };
  const handle = await client.workflow.start<typeof actionItemWorkflow>('actionItemWorkflow', {
    taskQueue: 'plan-can',
    workflowId: 'action-item-can-1',
    args: [itemInput({ itemId: 'can-1', dueAt, ladder })],
  });
  await eventually(async () => (await handle.query(itemStateQuery)).fired.length === 1, 'the first reminder');

  const request = await handle.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: new Date(Date.now() + 50 * 86_400_000).toISOString(), reason: 'carry me' }] });
  let percent = 0;
  while ((await handle.describe()).runId === handle.firstExecutionRunId && percent < 60) {
    percent += 2;
    await handle.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'API', percentComplete: percent, note: `step ${percent}` }] });
  }
  const latest = await handle.describe();
  expect(latest.runId).not.toBe(handle.firstExecutionRunId);
  const firstRun = await client.workflow.getHandle('action-item-can-1', handle.firstExecutionRunId).describe();
  expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
  expect(firstRun.historyLength).toBeGreaterThanOrEqual(SUGGEST_AFTER_EVENTS);

  const state = await handle.query(itemStateQuery);
  expect(state).toMatchObject({ percentComplete: percent, lastNote: `step ${percent}`, status: 'IN_PROGRESS' });
  expect(state.fired.map((f) => f.stepKey)).toEqual(['soon']);
  expect(state.pendingReschedule).toMatchObject({ requestId: request.requestId, reason: 'carry me' });

  // The new run keeps working: the carried request can be decided, and the fired reminder is not sent again.
  const approved = await handle.executeUpdate(decideRescheduleUpdate, { args: [{ by: actor('sponsor'), requestId: request.requestId, decision: 'APPROVE' }] });
  expect(approved.dueAt).toBe(request.toDueAt);
  expect(fakes.sent.filter((m) => m.actionItemId === 'can-1' && m.purpose === 'item.reminder' && m.channel === 'EMAIL')).toHaveLength(1);
  await handle.terminate('test over');
});

it('a plan continues as new mid-month when signals grow its history, keeping items and board flags', async () => {
  const handle = await client.workflow.start<typeof actionPlanWorkflow>('actionPlanWorkflow', {
    taskQueue: 'plan-can',
    workflowId: 'action-plan-can',
    args: [planInput({ planId: 'can', startDate: '2031-01-01' })],
  });
  await handle.signal(itemFlaggedForBoardSignal, { itemId: 'late', title: 'Late item', ownerId: 'owner', dueAt: '2030-01-01T00:00:00.000Z', flaggedAt: '2030-01-15T00:00:00.000Z' });
  let sent = 0;
  while ((await handle.describe()).runId === handle.firstExecutionRunId && sent < 200) {
    await handle.signal(itemAddedSignal, { itemId: `i${sent}`, goalId: 'g', title: `Item ${sent}`, dueAt: '2031-06-01T00:00:00Z' });
    sent += 1;
  }
  expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
  const state = await eventually(async () => {
    const s = await handle.query(planStateQuery);
    return s.itemCount === sent && s;
  }, 'every item counted');
  expect(state).toMatchObject({ status: 'ACTIVE', monthsCompleted: 0, runs: 2, nextSnapshotAt: '2031-02-03T15:00:00.000Z' });
  expect(state.pendingBoardFlags.map((f) => f.itemId)).toEqual(['late']);
  await handle.terminate('test over');
});
