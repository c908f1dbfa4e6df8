// Time-skipping tests of an action item started asleep (lib/temporalStart.ts
// startItemWorkflowOnce): its workflow runs no task until the wake lead before
// its first step, the server then wakes it in time for that step, and anyone
// acting on it before then runs it at once.
import { postProgressUpdate } from '../../domain/contracts/plan';
import { ladderEvents } from '../../domain/planLadder';
import { sleepingItem, startItemWorkflowOnce } from '../../lib/temporalStart';
import { actor, itemInput } from './planFakes';
import { planWorkerPerTest } from './planTestWorker';

const DAY_MS = 86_400_000;
const config = (taskQueue: string) => ({ TEMPORAL_TASK_QUEUE: taskQueue, ITEM_WORKFLOW_WAKE_LEAD_SECONDS: 86_400 });

const t = planWorkerPerTest('plan-item-asleep');

/** 17:00 Chicago time, `days` days after the test server's clock. */
async function dueInDays(days: number): Promise<string> {
  const due = new Date(Number(await t.env.currentTimeMs()) + days * DAY_MS);
  due.setUTCHours(23, 0, 0, 0);
  return due.toISOString();
}

async function workflowTasksRun(workflowId: string): Promise<number> {
  const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
}

it('sleeps on a server timer until a day before its first reminder, then sends that reminder on time', () =>
  t.worker.runUntil(async () => {
    const input = itemInput({ itemId: 'asleep-1', dueAt: await dueInDays(30) });
    const firstReminder = ladderEvents(input.dueAt, input.ladder, input.timeZone)[0];
    expect(firstReminder.stepKey).toBe('reminder-14d');

    expect(await startItemWorkflowOnce(t.env.client, config(t.taskQueue), input)).toBe('started');
    const workflowId = `action-item-${input.itemId}`;
    const asleep = await sleepingItem(t.env.client, workflowId);
    expect(asleep?.nextEvent).toMatchObject({ stepKey: 'reminder-14d', at: firstReminder.at });
    expect(Math.abs(Date.parse(asleep!.wakesAt) - (Date.parse(firstReminder.at) - DAY_MS))).toBeLessThan(5_000);

    // Two hours before it wakes: no workflow task has run, nothing is sent.
    await t.env.sleep(Date.parse(asleep!.wakesAt) - Number(await t.env.currentTimeMs()) - 2 * 3_600_000);
    expect(await workflowTasksRun(workflowId)).toBe(0);
    expect(t.fakes.sent).toEqual([]);

    // Past the reminder: the server woke the workflow, which sent the reminder at 09:00.
    await t.env.sleep(Date.parse(firstReminder.at) + 60_000 - Number(await t.env.currentTimeMs()));
    const reminder = t.fakes.sent.find((m) => m.actionItemId === input.itemId && m.purpose === 'item.reminder' && m.channel === 'EMAIL');
    expect(reminder?.data).toMatchObject({ scheduledFor: firstReminder.at, stepKey: 'reminder-14d' });
    expect(Math.abs(Date.parse(String((reminder!.data as { firedAt: string }).firedAt)) - Date.parse(firstReminder.at))).toBeLessThan(10_000);
    expect(await sleepingItem(t.env.client, workflowId)).toBeUndefined();
  }));

it('runs at once when someone acts on it while it sleeps', () =>
  t.worker.runUntil(async () => {
    const input = itemInput({ itemId: 'asleep-2', dueAt: await dueInDays(60) });
    await startItemWorkflowOnce(t.env.client, config(t.taskQueue), input);
    const handle = t.env.client.workflow.getHandle(`action-item-${input.itemId}`);
    expect(await sleepingItem(t.env.client, handle.workflowId)).toBeDefined();

    const state = await handle.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'API', note: 'Started early', percentComplete: 10 }] });
    expect(state).toMatchObject({ status: 'IN_PROGRESS', percentComplete: 10, nextEvent: { stepKey: 'reminder-14d' } });
    expect(await workflowTasksRun(handle.workflowId)).toBeGreaterThan(0);
    expect(await sleepingItem(t.env.client, handle.workflowId)).toBeUndefined();
  }));

it('starts awake when its first step is nearer than the lead', () =>
  t.worker.runUntil(async () => {
    // Due tomorrow by the wall clock, which reckons the start delay (the server's clock is weeks ahead by now).
    const input = itemInput({ itemId: 'awake-1', dueAt: new Date(Date.now() + DAY_MS).toISOString() });
    await startItemWorkflowOnce(t.env.client, config(t.taskQueue), input);
    const workflowId = `action-item-${input.itemId}`;
    expect(await sleepingItem(t.env.client, workflowId)).toBeUndefined();
    const description = await t.env.client.workflow.getHandle(workflowId).describe();
    expect(description.executionTime?.getTime()).toBe(description.startTime.getTime());
    await t.env.client.workflow.getHandle(workflowId).terminate('test done: its timers must not run under the next tests');
  }));
