// Worker Versioning: every worker process states which workflow code it runs
// (its build id) and joins the Worker Deployment with it. The server hands a
// workflow's tasks only to workers of the deployment's current version, so an
// old and a new build can run side by side during a rollout without the old
// one ever replaying a history the new code has written (README "Deploying").
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../lib/config';

/**
 * Same workflow code, same build id: the first 12 hex digits of the bundle's
 * SHA-256. The bundle carries the actor-claim key as a constant
 * (worker/workflowBundle.ts); it is masked first, so the id names the code,
 * not the key, and reveals nothing about it.
 */
export function workflowBuildId(bundleCode: string, actorClaimSecret?: string): string {
  const code = actorClaimSecret ? bundleCode.split(JSON.stringify(actorClaimSecret)).join('"<actor-claim-secret>"') : bundleCode;
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}

type VersioningConfig = Pick<Config, 'TEMPORAL_DEPLOYMENT_NAME' | 'TEMPORAL_WORKER_BUILD_ID' | 'ACTOR_CLAIM_SECRET'>;

/**
 * Unversioned unless TEMPORAL_DEPLOYMENT_NAME is set. Every workflow type
 * auto-upgrades: incidents and plans run for months, so a running workflow
 * moves to the current version at its next task, and changes that would alter
 * its recorded past go behind patched() (domain/patches.ts).
 */
export function workerDeploymentOptions(cfg: VersioningConfig, bundleCode: string): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!cfg.TEMPORAL_DEPLOYMENT_NAME) return {};
  const buildId = cfg.TEMPORAL_WORKER_BUILD_ID ?? workflowBuildId(bundleCode, cfg.ACTOR_CLAIM_SECRET);
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: { deploymentName: cfg.TEMPORAL_DEPLOYMENT_NAME, buildId },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

/**
 * Makes a build the current version of the Worker Deployment: from then on
 * every workflow task goes to that build's workers, and the previous build's
 * workers get nothing more (they can be stopped once idle). The server learns
 * a build from its workers' first polls, so this retries until it has.
 */
export async function makeBuildCurrent(
  client: Client,
  version: { deploymentName: string; buildId: string },
  options: { attempts?: number; intervalMs?: number; identity?: string } = {},
): Promise<'already current' | 'made current'> {
  const namespace = client.options.namespace;
  const current = await client.workflowService
    .describeWorkerDeployment({ namespace, deploymentName: version.deploymentName })
    .then((described) => described.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId)
    .catch(() => undefined);
  if (current === version.buildId) return 'already current';
  const attempts = options.attempts ?? 60;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: options.identity ?? 'common-ground rollout',
      });
      return 'made current';
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }
}
