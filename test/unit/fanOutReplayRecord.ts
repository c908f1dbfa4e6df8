// Records the public fan-out histories replayed by fanOutReplay.test.ts into
// test/replay/histories/fanout-*.json: residents (one in five by text) on
// pages of 40, enough that a run continues as new (v1, whose runs held 4
// pages, was recorded with 200; runs hold 20 pages since v2, so 1,000). Run it (then commit the files) when
// the workflow's command sequence changes behind `patched`, naming the new
// generation:
//   npx tsx test/unit/fanOutReplayRecord.ts <generation>
import fs from 'node:fs';
import path from 'node:path';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { publicFanOutWorkflow } from '../../workflows/publicFanOut';
import { createFanOutFakes, fanOutInput, officialsFakes, officialsNotice, subscribers } from './fanOutFakes';
import { historyToJson, type History } from './planHistoryJson';

const OUT = path.resolve(__dirname, '../replay/histories');

async function main() {
  const generation = process.argv[2];
  if (!/^v\d+$/.test(generation ?? '')) throw new Error('usage: fanOutReplayRecord.ts v<N>');
  const env = await createTimeSkippingEnv();
  const fakes = createFanOutFakes(subscribers(1000, 5));
  const worker = await createTestWorker(env, null, { taskQueue: 'fanout-replay', activities: { ...fakes.activities, ...officialsFakes } });
  try {
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof publicFanOutWorkflow>('publicFanOutWorkflow', {
        taskQueue: 'fanout-replay',
        workflowId: 'public-fan-out-replay',
        // The officials are told too (since v2; v1 was recorded without them).
        args: [{ ...fanOutInput(), officials: officialsNotice }],
      });
      await handle.result();
      // Every run of the chain: the first continues as new, the last completes.
      const runs: string[] = [];
      for (let runId: string | undefined = handle.firstExecutionRunId; runId; ) {
        const history: History = await env.client.workflow.getHandle('public-fan-out-replay', runId).fetchHistory();
        runs.push(runId);
        const name = `fanout-${generation}-run${runs.length}.json`;
        fs.writeFileSync(path.join(OUT, name), JSON.stringify(historyToJson(history), null, 1) + '\n');
        console.log(`wrote ${name}: ${history.events?.length} events`);
        const last = history.events?.[history.events.length - 1];
        runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      }
    });
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
