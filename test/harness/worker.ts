import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { activityLoggingAndRateLimitInterceptor } from '../../activities/interceptors';
import { installQuietRuntime } from './runtime';
import { bundleWorkflows } from '../../worker/workflowBundle';
import { createTestConfig } from './config';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Every workflow in workflows/index.ts, bundled once per jest worker process
 * (webpack + swc take seconds; every test file in the process reuses it).
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  // The production recipe, keyed with the test config's ACTOR_CLAIM_SECRET (which the test clients sign with).
  bundle ??= bundleWorkflows(createTestConfig().ACTOR_CLAIM_SECRET, { logger: new DefaultLogger('WARN') });
  return bundle;
}

export interface TestWorkerOptions {
  /** Defaults to deps.config.TEMPORAL_TASK_QUEUE, else 'common-ground'. */
  taskQueue?: string;
  /** Replace or add activities (e.g. a stub for a provider failure); merged over the real ones. */
  activities?: Record<string, (...args: any[]) => Promise<unknown>>;
  interceptors?: WorkerOptions['interceptors'];
  /** Any other Worker.create option. */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * A worker on the environment's server with all workflows and the activities
 * built from `deps` (pass null to register only `opts.activities`, e.g. for a
 * time-skipping test with stubbed side effects). Run it with
 * `worker.runUntil(promise)` or `const running = worker.run()` ... `worker.shutdown(); await running`.
 */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  deps: ActivityDeps | null,
  opts: TestWorkerOptions = {},
): Promise<Worker> {
  installQuietRuntime();
  const activities = { ...(deps ? createActivities(deps) : {}), ...(opts.activities ?? {}) };
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? deps?.config.TEMPORAL_TASK_QUEUE ?? 'common-ground',
    workflowBundle: await workflowBundle(),
    activities,
    // The production interceptor by default, so provider retries behave as in the worker.
    interceptors: opts.interceptors ?? { activity: [activityLoggingAndRateLimitInterceptor({ level: 'error' })] },
    ...opts.workerOptions,
  });
}
