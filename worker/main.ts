// `npm run worker`: one Temporal worker process serving every workflow and
// activity on the configured task queue. Scale out by running more of these.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { activityLoggingAndRateLimitInterceptor } from '../activities/interceptors';
import { createMailer, createSmsClient } from '../activities/notifications/providers';
import { config } from '../lib/config';
import { createDb } from '../lib/db';
import { initPolicy } from '../policy/load';
import { ensureSessionSweepSchedule } from './sessionSweepSchedule';
import { bundleWorkflows } from './workflowBundle';

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), component: 'worker', msg, ...fields }));

async function main(): Promise<void> {
  const cfg = config();
  Runtime.install({ logger: new DefaultLogger(cfg.LOG_LEVEL.toUpperCase() as LogLevel) });
  // An invalid POLICY_FILE stops start-up here, naming the bad field.
  const policy = initPolicy(cfg);

  const db = createDb(cfg.DATABASE_URL);
  const mailer = createMailer(cfg);
  const sms = createSmsClient(cfg);
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  // Activities that start or signal workflows (the action plan) use an ordinary client.
  const clientConnection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE });

  try {
    const worker = await Worker.create({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      // Bundled here, in memory, with the actor-claim check and its key (worker/workflowBundle.ts).
      workflowBundle: await bundleWorkflows(cfg.ACTOR_CLAIM_SECRET),
      activities: createActivities({ db, mailer, sms, config: cfg, temporal }),
      // JSON log line per activity attempt; provider 429/5xx retried with jittered delays (Retry-After honoured).
      interceptors: { activity: [activityLoggingAndRateLimitInterceptor({ level: cfg.LOG_LEVEL })] },
      // In-flight activities get this long to finish on SIGTERM before their
      // tasks are handed back to the server for another worker to retry.
      shutdownGraceTime: '10s',
    });
    log('session sweep schedule', { state: await ensureSessionSweepSchedule(temporal, cfg.TEMPORAL_TASK_QUEUE) });
    log('worker started', { policy: policy.version, taskQueue: cfg.TEMPORAL_TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE, address: cfg.TEMPORAL_ADDRESS });
    // run() resolves once a shutdown signal (SIGINT/SIGTERM) has drained the worker.
    await worker.run();
    log('worker stopped');
  } finally {
    await connection.close();
    await clientConnection.close();
    mailer.close();
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(JSON.stringify({ component: 'worker', msg: 'worker failed', error: (err as Error).stack ?? String(err) }));
  process.exit(1);
});
