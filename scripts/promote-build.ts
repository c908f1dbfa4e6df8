// The rollout step of Worker Versioning (README "Deploying"): makes this
// checkout's (or image's) workflow build the current version of
// TEMPORAL_DEPLOYMENT_NAME. Run it once a worker of the new build has started;
// the previous build's workers then get no more workflow tasks.
// scripts/up.sh --topology production runs it; with docker-compose.yml it is
// the `promote` job. Same configuration as the worker (lib/config.ts), with an
// operator's client certificate. The build id comes from bundling the
// workflows in memory exactly as a worker does (worker/workflowBundle.ts).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { config } from '../lib/config';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import { makeBuildCurrent, workerDeploymentOptions } from '../worker/versioning';
import { bundleWorkflows } from '../worker/workflowBundle';

async function main(): Promise<void> {
  const cfg = config();
  const bundle = await bundleWorkflows(cfg.ACTOR_CLAIM_SECRET, { logger: new DefaultLogger('WARN') });
  const version = workerDeploymentOptions(cfg, bundle.code).workerDeploymentOptions?.version;
  if (!version) throw new Error('TEMPORAL_DEPLOYMENT_NAME is not set: the workers are not versioned');
  const connection = await Connection.connect(temporalConnectionOptions(cfg));
  try {
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
    const outcome = await makeBuildCurrent(client, version);
    console.log(`build ${version.buildId} of ${version.deploymentName}: ${outcome}`);
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error('promoting the build failed:', err);
  process.exit(1);
});
