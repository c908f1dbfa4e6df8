// `npm run worker`: one Temporal worker process serving every workflow and
// activity on the configured task queue. Scale out by running more of these.
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { activityLoggingAndRateLimitInterceptor } from '../activities/interceptors';
import { createMailer, createSmsClient } from '../activities/notifications/providers';
import { config } from '../lib/config';
import { createDb, dbOptionsFrom } from '../lib/db';
import { createJsonLogger } from '../lib/jsonLog';
import { ensureSystemSchedules } from '../lib/systemSchedules';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import { initPolicy } from '../policy/load';
import { installWorkerRuntime } from './runtime';
import { ensureSessionSweepSchedule } from './sessionSweepSchedule';
import { workerDeploymentOptions } from './versioning';
import { workerTuning } from './tuning';
import { bundleWorkflows } from './workflowBundle';
import type { WarmUpReportV1 } from '../domain/contracts/warmUpActivities';

const log = createJsonLogger('worker');

const WARM_UP_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  const cfg = config();
  installWorkerRuntime(cfg);
  // An invalid POLICY_FILE stops start-up here, naming the bad field.
  const policy = initPolicy(cfg);

  const db = createDb(cfg.DATABASE_URL, dbOptionsFrom(cfg));
  const mailer = createMailer(cfg);
  const sms = createSmsClient(cfg);
  const connection = await NativeConnection.connect(temporalConnectionOptions(cfg));
  // Activities that start or signal workflows (the action plan) use an ordinary client.
  const clientConnection = await Connection.connect(temporalConnectionOptions(cfg));
  const temporal = new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE });

  try {
    // Bundled here, in memory, with the actor-claim check and its key (worker/workflowBundle.ts);
    // the bundle, its key masked, is also what names this worker's build.
    // A bundle built ahead of time (the chaos run; never production) starts a replacement worker in seconds.
    const workflowBundle = cfg.WORKFLOW_BUNDLE_PATH ? { code: await readFile(cfg.WORKFLOW_BUNDLE_PATH, 'utf8') } : await bundleWorkflows(cfg.ACTOR_CLAIM_SECRET);
    const worker = await Worker.create({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      workflowBundle,
      ...workerDeploymentOptions(cfg, workflowBundle.code),
      ...workerTuning(cfg),
      activities: createActivities({ db, mailer, sms, config: cfg, temporal }),
      // JSON log line per activity attempt; provider 429/5xx retried with jittered delays (Retry-After honoured).
      interceptors: { activity: [activityLoggingAndRateLimitInterceptor({ level: cfg.LOG_LEVEL })] },
      // In-flight activities get this long to finish on SIGTERM before their
      // tasks are handed back to the server for another worker to retry.
      shutdownGraceTime: '10s',
    });
    // The reconciler and the daily audit checkpoint run on Schedules this worker keeps in place.
    log('info', 'system schedules', { schedules: await ensureSystemSchedules(temporal, cfg) });
    log('info', 'session sweep schedule', { state: await ensureSessionSweepSchedule(temporal, cfg.TEMPORAL_TASK_QUEUE) });
    // run() resolves once a shutdown signal (SIGINT/SIGTERM) has drained the worker.
    const running = worker.run();
    running.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled meanwhile
    // Before "started", which is what scripts/up.sh waits for: the first incident after start-up must not pay for it.
    const warmUp = await warmUpWorker(temporal, cfg.TEMPORAL_TASK_QUEUE, worker.options.identity);
    log('info', 'worker started', {
      policy: policy.version,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      namespace: cfg.TEMPORAL_NAMESPACE,
      address: cfg.TEMPORAL_ADDRESS,
      identity: worker.options.identity,
      version: worker.options.workerDeploymentOptions?.version ?? null,
      metrics: cfg.WORKER_METRICS_ADDRESS ?? null,
      warmUp,
    });
    await running;
    log('info', 'worker stopped');
  } finally {
    await connection.close();
    await clientConnection.close();
    mailer.close();
    await db.$disconnect();
  }
}

/**
 * Runs warmUpWorkflow on this worker's task queue (any worker on it may take
 * it). Never holds start-up for long and never stops it: a warm-up that
 * fails or takes over WARM_UP_LIMIT_MS is reported and left behind.
 */
async function warmUpWorker(temporal: Client, taskQueue: string, identity: string): Promise<WarmUpReportV1 | { skipped: string }> {
  const run = temporal.workflow.execute('warmUpWorkflow', {
    taskQueue,
    workflowId: `worker-warm-up-${identity}-${Date.now()}`,
    workflowExecutionTimeout: `${WARM_UP_LIMIT_MS} ms`,
    args: [],
  }) as Promise<WarmUpReportV1>;
  const limit = new Promise<{ skipped: string }>((resolve) => setTimeout(() => resolve({ skipped: `over ${WARM_UP_LIMIT_MS} ms` }), WARM_UP_LIMIT_MS).unref());
  return Promise.race([run, limit]).catch((err: unknown) => ({ skipped: String(err) }));
}

main().catch((err) => {
  log('error', 'worker failed', { error: err });
  process.exit(1);
});
