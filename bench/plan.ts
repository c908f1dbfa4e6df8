/**
 * npm run bench:plan
 *
 * Starts 10,000 action items, each an actionItemWorkflow, on ONE local
 * Temporal dev server (SQLite file with WAL, as command (a) runs it) and ONE worker process (the real workflows and activities:
 * PostgreSQL, SMTP to the mail sink, SMS to the Twilio-shaped sink). Reports:
 *  - start rate (item workflows started per second, client side);
 *  - the worker process's RSS (sampled every second: peak, and at the end);
 *  - the lateness of reminder timers that fire during the run (p50, p99):
 *    timer = workflow clock when the timer fired - when it was due;
 *    delivery = the send activity starting - when it was due.
 * One item in BENCH_FIRING_EVERY (default 20) uses a short test ladder whose
 * reminder falls 30-150 s after that item starts; the others use the policy
 * ladder (due in 30-60 days), so their timers stay pending, as in a real plan.
 *
 * An item is armed once the server holds the timer that wakes it for its
 * next ladder step: for an item whose first step is far off, the start delay
 * of its workflow (ITEM_WORKFLOW_WAKE_LEAD_SECONDS before the step; checked on
 * every such item with describe); for the others, its first workflow task done
 * (its own timers set). The firing items use a wake lead of BENCH_WAKE_LEAD_SECONDS
 * (60), so those due within a minute start awake and the rest sleep and are
 * woken by the server during the run; their reminders' lateness covers both.
 *
 * Knobs: BENCH_ITEMS (10000), BENCH_FIRING_EVERY (20), BENCH_START_CONCURRENCY (64),
 * BENCH_WAKE_LEAD_SECONDS (60), BENCH_MAX_CACHED_WORKFLOWS (the worker's
 * WORKER_MAX_CACHED_WORKFLOWS; its default otherwise).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { activityLoggingAndRateLimitInterceptor } from '../activities/interceptors';
import { bundleWorkflows } from '../worker/workflowBundle';
import { workerTuning } from '../worker/tuning';
import type { OutboundMessageV1 } from '../domain/contracts/notificationActivities';
import { createMailer, createSmsClient } from '../activities/notifications/providers';
import type { Config } from '../lib/config';
import { createDb } from '../lib/db';
import { actionItemWorkflowId } from '../domain/ids';
import { currentPolicy } from '../policy/index';
import { createPlan, itemWorkflowInput, startItemWorkflow } from '../services/planService';
import { seedDemoRoster } from '../scripts/seed-roster';
import type { ItemLadderV1 } from '../domain/contracts/plan';
import { itemStartDelay } from '../domain/planLadder';
import { formatCivilDate, localDateOf } from '../domain/time/cityTime';
import { createTestConfig } from '../test/harness/config';
import { createTestDatabase } from '../test/harness/database';
import { freePort } from '../test/harness/freePort';
import { TEMPORAL_CLI_PATH } from '../test/harness/paths';
import { startSinks } from '../test/harness/sinks';
import { benchmarkReport, percentile as percentileOf, writeReport, type Figure } from './report';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const FIRING_EVERY = Number(process.env.BENCH_FIRING_EVERY ?? 20);
const START_CONCURRENCY = Number(process.env.BENCH_START_CONCURRENCY ?? 64);
const WAKE_LEAD_SECONDS = Number(process.env.BENCH_WAKE_LEAD_SECONDS ?? 60);
const TASK_QUEUE = 'bench-plan';
const CHICAGO = 'America/Chicago';

type FromWorker =
  | { type: 'ready' }
  | { type: 'rss'; rss: number }
  | { type: 'fired'; itemId: string; dueAt: number; timerLateMs: number; sendLateMs: number };

// ---------------------------------------------------------------- worker process

async function runWorker(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_CONFIG!) as Config;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const send = (m: FromWorker) => process.send?.(m);
  const db = createDb(config.DATABASE_URL, { max: 20 });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const mailer = createMailer(config);
  const real = createActivities({ db, mailer, sms: createSmsClient(config), config, temporal });
  const reported = new Set<string>();
  const sendNotification = async (message: OutboundMessageV1) => {
    const data = message.data as { scheduledFor?: string; firedAt?: string; itemId?: string };
    const key = `${message.workflowId}|${message.attemptGroup}`;
    if (message.purpose === 'item.reminder' && message.channel === 'EMAIL' && data.scheduledFor && data.firedAt && !reported.has(key)) {
      reported.add(key);
      const due = Date.parse(data.scheduledFor);
      send({ type: 'fired', itemId: String(data.itemId), dueAt: due, timerLateMs: Date.parse(data.firedAt) - due, sendLateMs: Date.now() - due });
    }
    return real.sendNotification(message);
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: TASK_QUEUE,
    // As worker/main.ts configures the production worker.
    workflowBundle: await bundleWorkflows(config.ACTOR_CLAIM_SECRET),
    activities: { ...real, sendNotification },
    interceptors: { activity: [activityLoggingAndRateLimitInterceptor({ level: config.LOG_LEVEL })] },
    shutdownGraceTime: '10s',
    ...workerTuning(config),
  });
  const sampler = setInterval(() => send({ type: 'rss', rss: process.memoryUsage().rss }), 1000);
  process.on('message', (m) => {
    if (m === 'stop') worker.shutdown();
  });
  send({ type: 'ready' });
  await worker.run();
  clearInterval(sampler);
  mailer.close();
  await clientConnection.close();
  await connection.close();
  await db.$disconnect();
  process.exit(0);
}

// ---------------------------------------------------------------- driver

const percentile = (sorted: number[], p: number): number => (sorted.length === 0 ? NaN : percentileOf(sorted, p));

async function startTemporal(dir: string): Promise<{ address: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    TEMPORAL_CLI_PATH,
    [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--headless',
      '--db-filename', path.join(dir, 'temporal.db'),
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return { address, process: child };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the Temporal dev server did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(TEMPORAL_CLI_PATH)) throw new Error(`Temporal CLI not found at ${TEMPORAL_CLI_PATH}; run: bash scripts/ensure-temporal-cli.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-plan-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => fs.rmSync(dir, { recursive: true, force: true })];
  try {
    console.log(`bench:plan: ${ITEMS} action items, 1 in ${FIRING_EVERY} with a reminder due during the run; ${os.cpus().length} CPUs`);
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const temporalServer = await startTemporal(dir);
    cleanups.push(() => temporalServer.process.kill('SIGTERM'));
    const sinks = await startSinks();
    cleanups.push(() => sinks.close());
    const config = createTestConfig({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ...sinks.config,
      ITEM_WORKFLOW_WAKE_LEAD_SECONDS: WAKE_LEAD_SECONDS,
      ...(process.env.BENCH_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: Number(process.env.BENCH_MAX_CACHED_WORKFLOWS) } : {}),
    });
    const db = database.db;
    const { people } = await seedDemoRoster(db, { embeddedTokens: false });
    const owners = ['engagementLead', 'dispatchLead', 'courtLead', 'businessLead'].map((k) => people[k]);
    const sponsor = people.cityManager;

    const connection = await Connection.connect({ address: temporalServer.address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const service = { db, temporal, config };

    // The worker runs in its own process so its memory is its own.
    const worker = fork(__filename, ['--worker'], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const stopWorker = () =>
      new Promise<void>((resolve) => {
        if (worker.exitCode !== null) return resolve();
        worker.once('exit', () => resolve());
        worker.send('stop');
        setTimeout(() => worker.kill('SIGKILL'), 20_000).unref();
      });
    cleanups.push(stopWorker);
    const rss: { at: number; rss: number }[] = [];
    const fired = new Map<string, { dueAt: number; timerLateMs: number; sendLateMs: number }>();
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'rss') rss.push({ at: Date.now(), rss: m.rss });
        else if (m.type === 'fired') fired.set(m.itemId, { dueAt: m.dueAt, timerLateMs: m.timerLateMs, sendLateMs: m.sendLateMs });
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    await ready;
    const rssIdle = rss.at(-1)?.rss ?? process.memoryUsage().rss;

    const policy = currentPolicy();
    const plan = await createPlan(
      service,
      { title: 'Benchmark plan', startDate: formatCivilDate({ ...localDateOf(Date.now(), CHICAGO), day: 1 }), months: 12, timeZone: CHICAGO, goals: [{ number: 1, title: 'Benchmark goal', description: '' }], duties: [] },
      { id: sponsor.id, name: sponsor.name },
    );
    const goal = await db.goal.findFirstOrThrow({ where: { planId: plan.id } });

    // Rows first (the API writes a row before it starts a workflow), in bulk.
    const now = Date.now();
    const rows = Array.from({ length: ITEMS }, (_, i) => {
      const id = `bench-${String(i).padStart(5, '0')}`;
      return {
        id,
        planId: plan.id,
        goalId: goal.id,
        title: `Benchmark item ${i}`,
        ownerId: owners[i % owners.length].id,
        sponsorId: sponsor.id,
        dueAt: new Date(now + (30 + (i % 30)) * 86_400_000),
        workflowId: actionItemWorkflowId(id),
      };
    });
    const insertStarted = performance.now();
    for (let i = 0; i < rows.length; i += 1000) await db.actionItem.createMany({ data: rows.slice(i, i + 1000) });
    const insertMs = performance.now() - insertStarted;

    const ownerName = new Map(owners.map((o) => [o.id, o.name]));
    const firingIds = new Set<string>();
    // Items whose first ladder step is nearer than the wake lead: their workflow runs at once.
    const awakeIds: string[] = [];
    const firstStepAt = new Map<string, number>();
    let next = 0;
    const startErrors: string[] = [];
    const startedAt = performance.now();
    const startOne = async (i: number) => {
      const row = rows[i];
      const firing = i % FIRING_EVERY === 0;
      let input;
      if (firing) {
        // Test ladder: the reminder is due 30-150 s after this item starts, then it falls due a minute later.
        const reminderInMs = 30_000 + ((i / FIRING_EVERY) % 121) * 1000;
        const ladder: ItemLadderV1 = { reminderLocalTime: '09:00', reminders: [{ key: 'bench-reminder', secondsBefore: 60 }], overdue: [{ key: 'bench-overdue', daysAfter: 1, notify: 'OWNER' }] };
        input = itemWorkflowInput({ ...row, dueAt: new Date(Date.now() + reminderInMs + 60_000), owner: { name: ownerName.get(row.ownerId)! } }, plan, policy, ladder);
        firingIds.add(row.id);
      } else {
        input = itemWorkflowInput({ ...row, owner: { name: ownerName.get(row.ownerId)! } }, plan, policy);
      }
      const { firstStep, delayMs } = itemStartDelay(input, Date.now(), WAKE_LEAD_SECONDS * 1000);
      firstStepAt.set(row.id, Date.parse(firstStep?.at ?? ''));
      if (delayMs === 0) awakeIds.push(row.id);
      await startItemWorkflow(service, input);
    };
    const lanes = Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < ITEMS) {
        const i = next++;
        try {
          await startOne(i);
        } catch (err) {
          startErrors.push(`${rows[i].id}: ${(err as Error).message}`);
        }
        if ((i + 1) % 1000 === 0) {
          console.log(`  started ${i + 1} (${((i + 1) / ((performance.now() - startedAt) / 1000)).toFixed(0)}/s); reminders fired ${fired.size}; worker RSS ${((rss.at(-1)?.rss ?? 0) / 1048576).toFixed(0)} MB`);
        }
      }
    });
    await Promise.all(lanes);
    const startSeconds = (performance.now() - startedAt) / 1000;
    const rssAfterStart = rss.at(-1)?.rss ?? NaN;
    // A sleeping item is armed when its start is answered (the server holds its wake-up timer);
    // an awake one answers a query only after its first workflow task ran, i.e. once its timers exist.
    let armedSeconds = NaN;
    console.log(`  all starts answered in ${startSeconds.toFixed(1)} s; waiting for the reminders still due...`);
    const answered = async (workflowId: string) => {
      for (;;) {
        try {
          return await temporal.workflow.getHandle(workflowId).query('itemState');
        } catch {
          // The query timed out behind the backlog; ask again.
        }
      }
    };
    const armedProbe = Promise.all(awakeIds.map((id) => answered(actionItemWorkflowId(id)))).then(() =>
      {
        armedSeconds = (performance.now() - startedAt) / 1000;
        console.log(`  every awake item's first workflow task done after ${armedSeconds.toFixed(1)} s`);
      },
    );

    // The last reminders fall due about 150 s after the last start; late ones get a further 150 s.
    const waitDeadline = Date.now() + 300_000;
    let lastReport = 0;
    while (fired.size < firingIds.size && Date.now() < waitDeadline) {
      await new Promise((r) => setTimeout(r, 500));
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        console.log(`  reminders fired ${fired.size} of ${firingIds.size}; worker RSS ${((rss.at(-1)?.rss ?? 0) / 1048576).toFixed(0)} MB`);
      }
    }

    await armedProbe;
    const running = await temporal.workflow.count(`WorkflowType = 'actionItemWorkflow' AND ExecutionStatus = 'Running'`).catch(() => undefined);
    const reminderEmails = sinks.mail.messages().filter((m) => m.subject.startsWith('Reminder: Benchmark item')).length;

    // Every item, asked of the server: a sleeping one must wake no later than the lead before its first
    // step; one that does not sleep must be one the probe above saw armed.
    const sleeping = new Map<string, number>();
    const misarmed: string[] = [];
    const awake = new Set(awakeIds);
    let checked = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (checked < rows.length) {
          const row = rows[checked++];
          const d = await temporal.workflow.getHandle(row.workflowId).describe();
          const wakesAt = d.executionTime?.getTime() ?? d.startTime.getTime();
          if (wakesAt > d.startTime.getTime()) {
            sleeping.set(row.id, d.startTime.getTime());
            if (wakesAt > firstStepAt.get(row.id)! - WAKE_LEAD_SECONDS * 1000 + 1000) misarmed.push(`${row.id} wakes at ${new Date(wakesAt).toISOString()}`);
          } else if (!awake.has(row.id)) {
            misarmed.push(`${row.id} started awake unprobed`);
          }
        }
      }),
    );

    // Armed: a sleeping item's start (the server's wake-up timer), else its first workflow task done (its
    // timers exist). A reminder due before that waited in the start backlog, which is the arming figure's
    // business; lateness is judged on the others.
    const armedAt = new Map<string, number>();
    await Promise.all(
      [...fired.keys()].map(async (itemId) => {
        const startedAsleep = sleeping.get(itemId);
        if (startedAsleep !== undefined) return armedAt.set(itemId, startedAsleep);
        const history = await temporal.workflow.getHandle(actionItemWorkflowId(itemId)).fetchHistory();
        const firstTask = history.events?.find((e) => e.workflowTaskCompletedEventAttributes);
        const seconds = Number(firstTask?.eventTime?.seconds ?? 0);
        armedAt.set(itemId, seconds * 1000 + Math.floor((firstTask?.eventTime?.nanos ?? 0) / 1e6));
      }),
    );
    const afterArming = [...fired.entries()].filter(([id, f]) => f.dueAt > (armedAt.get(id) ?? Infinity)).map(([, f]) => f);
    const inBacklog = [...fired.entries()].filter(([id, f]) => !(f.dueAt > (armedAt.get(id) ?? Infinity))).map(([, f]) => f);
    const timer = afterArming.map((f) => f.timerLateMs).sort((a, b) => a - b);
    const delivery = afterArming.map((f) => f.sendLateMs).sort((a, b) => a - b);
    const backlogTimer = inBacklog.map((f) => f.timerLateMs).sort((a, b) => a - b);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    const peak = Math.max(...rss.map((r) => r.rss));

    console.log('');
    console.log('bench:plan results');
    console.log(`  items started            ${ITEMS - startErrors.length} of ${ITEMS} (${startErrors.length} errors)${startErrors.length ? ` e.g. ${startErrors[0]}` : ''}`);
    console.log(`  start rate               ${((ITEMS - startErrors.length) / startSeconds).toFixed(0)} items/s (${START_CONCURRENCY} starts in flight; rows inserted beforehand in ${(insertMs / 1000).toFixed(1)} s)`);
    console.log(`  all items armed after    ${armedSeconds.toFixed(1)} s (${((ITEMS - startErrors.length) / armedSeconds).toFixed(0)} items/s from first start to every start answered and every awake item's first workflow task done)`);
    console.log(`  asleep at start          ${sleeping.size} (woken by the server ${WAKE_LEAD_SECONDS} s before their first step), awake ${ITEMS - sleeping.size}; misarmed ${misarmed.length}${misarmed.length ? ` e.g. ${misarmed[0]}` : ''}`);
    console.log(`  running item workflows   ${running?.count ?? 'n/a'}`);
    console.log(`  worker RSS               idle ${mb(rssIdle)}, after all starts ${mb(rssAfterStart)}, peak ${mb(peak)}`);
    console.log(`  reminders fired in run   ${fired.size} of ${firingIds.size} due (${reminderEmails} reminder emails at the SMTP sink)`);
    console.log(`  due after arming         ${afterArming.length}: timer lateness p50 ${percentile(timer, 50)} ms, p99 ${percentile(timer, 99)} ms, max ${timer.at(-1)} ms`);
    console.log(`                           delivery lateness p50 ${percentile(delivery, 50)} ms, p99 ${percentile(delivery, 99)} ms, max ${delivery.at(-1)} ms`);
    console.log(`  due in the start backlog ${inBacklog.length}: timer lateness p50 ${percentile(backlogTimer, 50)} ms, p99 ${percentile(backlogTimer, 99)} ms`);

    const figures: Figure[] = [
      {
        name: `${ITEMS.toLocaleString('en-US')} items armed (first start to every item's next step on a server timer)`,
        value: Number(armedSeconds.toFixed(1)),
        unit: 's',
        target: '<= 60',
        met: armedSeconds <= 60 && startErrors.length === 0 && misarmed.length === 0,
      },
      { name: 'Worker RSS, peak', value: Math.round(peak / 1048576), unit: 'MB', target: '<= 1024', met: peak <= 1024 * 1048576 },
      { name: 'Reminder lateness p99 (due after arming)', value: percentile(timer, 99), unit: 'ms', target: '<= 1000', met: timer.length > 0 && percentile(timer, 99) <= 1000 },
      { name: 'Reminder lateness p99 (due in the start backlog)', value: inBacklog.length ? percentile(backlogTimer, 99) : 0, unit: 'ms', target: null, met: null },
      { name: 'Reminders fired / due during the run', value: fired.size, unit: `of ${firingIds.size}`, target: null, met: fired.size === firingIds.size ? null : false },
    ];
    writeReport(benchmarkReport('plan', 'npm run bench:plan', figures, { items: ITEMS, firingEvery: FIRING_EVERY, startConcurrency: START_CONCURRENCY, wakeLeadSeconds: WAKE_LEAD_SECONDS, asleepAtStart: sleeping.size, maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS }));
    if (figures.some((f) => f.met === false)) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        console.error('cleanup failed:', (err as Error).message);
      }
    }
  }
}

if (process.argv.includes('--worker')) {
  runWorker().catch((err) => {
    console.error('[bench worker]', err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error('bench:plan failed:', err);
      process.exit(1);
    },
  );
}
