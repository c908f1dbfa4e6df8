// Rolling out new workflow code while workflows run (README "Deploying"): an
// old and a new build of the worker run side by side as real worker
// processes on the same task queue. Worker Versioning decides which build
// gets a workflow's tasks: live workflows started on the old build move to the
// new one at their next task once it is made current (auto-upgrade), and
// replay their old history through the new code's patched() branch. No
// workflow task fails on the way, and the old build, still running, is given
// nothing more.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { workflowBuildId } from '../../worker/versioning';
import { WORKFLOW_PRELOAD_MODULES } from '../../worker/preload';
import { installQuietRuntime } from '../harness/runtime';
import { eventually } from './harness/incidents';
import { startTopologySystem, type TopologySystem } from './harness/system';

const LIVE_WORKFLOWS = 4;

let sys: TopologySystem;
const builds: Record<'old' | 'new', { bundlePath: string; buildId: string }> = {} as never;

beforeAll(async () => {
  installQuietRuntime();
  sys = await startTopologySystem({ workers: 0, apis: 0 });
  for (const [name, folder] of [
    ['old', 'rollout-v1'],
    ['new', 'rollout-v2'],
  ] as const) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(`./fixtures/${folder}/workflows`),
      preloadModules: WORKFLOW_PRELOAD_MODULES,
      logger: new DefaultLogger('WARN'),
    });
    const bundlePath = path.join(sys.info.dataDir, `${folder}-${process.pid}.js`);
    fs.writeFileSync(bundlePath, code);
    builds[name] = { bundlePath, buildId: workflowBuildId(code) };
  }
});

afterAll(async () => {
  await sys?.stop();
});

test('an old and a new worker build serve live workflows side by side through a rollout', async () => {
  const oldWorker = await sys.addWorker({ bundlePath: builds.old.bundlePath });
  await sys.setCurrentBuild(builds.old.buildId);

  const live = await Promise.all(
    Array.from({ length: LIVE_WORKFLOWS }, (_, i) =>
      sys.temporal.workflow.start('rolloutFixture', { taskQueue: sys.taskQueue, workflowId: `${sys.taskQueue}-live-${i}` }),
    ),
  );
  for (const handle of live) await handle.signal('step');
  for (const handle of live) {
    await eventually(async () => JSON.stringify(await handle.query('handled')) === '["old"]', `${handle.workflowId} to handle step 1`);
  }

  // The new build joins beside the old one, then becomes current.
  const newWorker = await sys.addWorker({ bundlePath: builds.new.bundlePath });
  await sys.setCurrentBuild(builds.new.buildId);
  for (const handle of live) await handle.signal('step');
  const fresh = await sys.temporal.workflow.start('rolloutFixture', { taskQueue: sys.taskQueue, workflowId: `${sys.taskQueue}-fresh` });
  await fresh.signal('step');
  await fresh.signal('step');

  for (const handle of live) expect(await handle.result()).toEqual(['old', 'new']);
  expect(await fresh.result()).toEqual(['new', 'new']);
  expect(oldWorker.running() && newWorker.running()).toBe(true);

  const histories = [];
  for (const handle of [...live, fresh]) {
    const history = await handle.fetchHistory();
    const failedTasks = history.events!.filter((event) => event.workflowTaskFailedEventAttributes);
    expect([handle.workflowId, failedTasks.length]).toEqual([handle.workflowId, 0]);
    const described = await handle.describe();
    expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(builds.new.buildId);
    histories.push({ workflowId: handle.workflowId, history });
  }

  // The new build replays every one of those histories, old steps included.
  const replays = Worker.runReplayHistories({ workflowBundle: { codePath: builds.new.bundlePath }, replayName: 'rollout' }, histories);
  for await (const replay of replays) expect([replay.workflowId, replay.error ?? null]).toEqual([replay.workflowId, null]);

  // The server routes to the new build only; the old one gets nothing more and can be stopped.
  const deployment = await sys.temporal.workflowService.describeWorkerDeployment({
    namespace: sys.temporal.options.namespace,
    deploymentName: sys.deploymentName,
  });
  expect(deployment.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe(builds.new.buildId);
  const buildsSeen = (deployment.workerDeploymentInfo?.versionSummaries ?? []).map((v) => v.deploymentVersion?.buildId).sort();
  expect(buildsSeen).toEqual([builds.new.buildId, builds.old.buildId].sort());
  await oldWorker.stop();
});
