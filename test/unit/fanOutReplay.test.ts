// Replays the saved public fan-out histories (test/replay/histories/fanout-*.json,
// recorded by fanOutReplayRecord.ts) against today's workflow code: a fan-out
// in flight when a worker is upgraded goes on the path it started on.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { FAN_OUT_CHANNELS_APART_PATCH } from '../../domain/patches';
import { workflowBundle } from '../harness/worker';
import { installQuietRuntime } from '../harness/runtime';
import { historyFromJson } from './planHistoryJson';

const DIR = path.resolve(__dirname, '../replay/histories');
const files = fs.readdirSync(DIR).filter((f) => /^fanout-.*\.json$/.test(f)).sort();
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as { events: Record<string, any>[] };
const patchesIn = (file: string) =>
  load(file)
    .events.filter((e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED')
    .map((e) => String(Buffer.from(e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? '', 'base64')));

beforeAll(() => installQuietRuntime());

it('has both generations of fan-out histories, each a run that continued as new and the run after it', () => {
  expect(files).toEqual(['fanout-v1-run1.json', 'fanout-v1-run2.json', 'fanout-v2-run1.json', 'fanout-v2-run2.json']);
});

it('v1 read all channels together; v2 reads them apart', () => {
  expect(patchesIn('fanout-v1-run1.json').join()).not.toContain(FAN_OUT_CHANNELS_APART_PATCH);
  expect(patchesIn('fanout-v2-run1.json').join()).toContain(FAN_OUT_CHANNELS_APART_PATCH);
});

it.each(files)('replays %s without non-determinism', async (file) => {
  const history = historyFromJson(load(file));
  expect(history.events?.length).toBeGreaterThan(10);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
});
