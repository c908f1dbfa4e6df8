// Replays saved plan histories (test/replay/histories/plan-*.json, recorded by
// planReplayRecord.ts) against today's workflow code. A change that would
// make a running 12-month plan or item take a different path fails here; ship
// such a change behind `patched()` and record new histories beside the old.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../harness/worker';
import { installQuietRuntime } from '../harness/runtime';
import { historyFromJson } from './planHistoryJson';

const DIR = path.resolve(__dirname, '../replay/histories');
const files = fs.readdirSync(DIR).filter((f) => /^plan-.*\.json$/.test(f)).sort();

beforeAll(() => installQuietRuntime());

it('has the plan histories to replay', () => {
  expect(files).toEqual(['plan-duty-run.json', 'plan-item-asleep.json', 'plan-item-lifecycle.json', 'plan-monthly-final-run.json', 'plan-monthly-first-run.json']);
});

it('has an item that started asleep: the server held its first task back for weeks', () => {
  const json = JSON.parse(fs.readFileSync(path.join(DIR, 'plan-item-asleep.json'), 'utf8')) as {
    events: { workflowExecutionStartedEventAttributes?: { firstWorkflowTaskBackoff?: string } }[];
  };
  // A protobuf JSON duration, e.g. "1310582.418s".
  expect(parseFloat(json.events[0].workflowExecutionStartedEventAttributes?.firstWorkflowTaskBackoff ?? '0')).toBeGreaterThan(14 * 86_400);
});

it.each(files)('replays %s without non-determinism', async (file) => {
  const history = historyFromJson(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
  expect(history.events?.length).toBeGreaterThan(10);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
});

it('would catch a change of path: the item history with one activity renamed fails to replay as non-determinism', async () => {
  const json = JSON.parse(fs.readFileSync(path.join(DIR, 'plan-item-lifecycle.json'), 'utf8')) as {
    events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
  };
  const scheduled = json.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
  scheduled.activityTaskScheduledEventAttributes!.activityType.name = 'someOtherActivity';
  const err = await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJson(json), 'tampered').then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err?.message).toMatch(/nondetermin/i);
});
