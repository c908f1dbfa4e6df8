// Rolling out new workflow code while workflows run (README "Deploying"): an
// old and a new build of a workflow run side by side as two workers on the
// same task queue of the production topology's server (mTLS). Worker
// Versioning decides which build gets a workflow's tasks: live workflows
// started on the old build move to the new one at their next task once it is
// made current (auto-upgrade), and replay their old history through the new
// code's patched() branch. No workflow task fails on the way, and the old
// build, still running, is given nothing more.
//
// The two builds are test fixtures (test/topology/fixtures/rollout-v1 and
// -v2) loaded into workers in this process: worker processes bundle the real
// workflows at start, with the actor-claim key, and load no other code.
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { temporalConnectionOptions } from '../../lib/temporalConnection';
import { workflowBuildId } from '../../worker/versioning';
import { installQuietRuntime } from '../harness/runtime';
import { eventually } from './harness/incidents';
import { startTopologySystem, type TopologySystem } from './harness/system';

const LIVE_WORKFLOWS = 4;

let sys: TopologySystem;
let connection: NativeConnection;
const builds = {} as Record<'old' | 'new', { code: string; buildId: string }>;

beforeAll(async () => {
  installQuietRuntime();
  sys = await startTopologySystem({ workers: 0, apis: 0 });
  const certDir = path.join(sys.info.dataDir, 'certs');
  connection = await NativeConnection.connect(
    temporalConnectionOptions({
      TEMPORAL_ADDRESS: `127.0.0.1:${sys.info.ports.temporal}`,
      TEMPORAL_TLS_CA_FILE: path.join(certDir, 'ca.pem'),
      TEMPORAL_TLS_CERT_FILE: path.join(certDir, 'worker.pem'),
      TEMPORAL_TLS_KEY_FILE: path.join(certDir, 'worker-key.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    }),
  );
  for (const [name, folder] of [
    ['old', 'rollout-v1'],
    ['new', 'rollout-v2'],
  ] as const) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(`./fixtures/${folder}/workflows`),
      logger: new DefaultLogger('WARN'),
    });
    builds[name] = { code, buildId: workflowBuildId(code) };
  }
});

afterAll(async () => {
  await connection?.close();
  await sys?.stop();
});

/** A worker of one build, joined to this system's Worker Deployment the way worker/main.ts joins it. */
async function runBuild(name: 'old' | 'new'): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await Worker.create({
    connection,
    namespace: sys.temporal.options.namespace,
    taskQueue: sys.taskQueue,
    workflowBundle: { code: builds[name].code },
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: sys.deploymentName, buildId: builds[name].buildId },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  });
  return { worker, running: worker.run() };
}

test('an old and a new worker build serve live workflows side by side through a rollout', async () => {
  const old = await runBuild('old');
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
  const next = await runBuild('new');
  try {
    await sys.setCurrentBuild(builds.new.buildId);
    for (const handle of live) await handle.signal('step');
    const fresh = await sys.temporal.workflow.start('rolloutFixture', { taskQueue: sys.taskQueue, workflowId: `${sys.taskQueue}-fresh` });
    await fresh.signal('step');
    await fresh.signal('step');

    for (const handle of live) expect(await handle.result()).toEqual(['old', 'new']);
    expect(await fresh.result()).toEqual(['new', 'new']);
    expect([old.worker.getState(), next.worker.getState()]).toEqual(['RUNNING', 'RUNNING']);

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
    const replays = Worker.runReplayHistories({ workflowBundle: { code: builds.new.code }, replayName: 'rollout' }, histories);
    for await (const replay of replays) expect([replay.workflowId, replay.error ?? null]).toEqual([replay.workflowId, null]);

    // The server routes to the new build only; the old one gets nothing more and can be stopped.
    const deployment = await sys.temporal.workflowService.describeWorkerDeployment({
      namespace: sys.temporal.options.namespace,
      deploymentName: sys.deploymentName,
    });
    expect(deployment.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe(builds.new.buildId);
    const buildsSeen = (deployment.workerDeploymentInfo?.versionSummaries ?? []).map((v) => v.deploymentVersion?.buildId).sort();
    expect(buildsSeen).toEqual([builds.new.buildId, builds.old.buildId].sort());
  } finally {
    old.worker.shutdown();
    next.worker.shutdown();
    await Promise.all([old.running, next.running]);
  }
});
