import { Client as PgClient } from 'pg';
import net from 'node:net';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { freePort, listeningPlaceholder } from '../harness/freePort';
import { temporal } from '@temporalio/proto';
import { createTimeSkippingEnv, lockHolders, outstandingWork, terminateIdleWorkflow } from '../harness/timeSkipping';

describe('test harness: database', () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('gives each caller its own migrated database, recorded as Prisma records migrations', async () => {
    expect(first.url).not.toEqual(second.url);
    const rows = await first.db.$queryRawUnsafe<{ migration_name: string; applied_steps_count: number }[]>(
      'SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toEqual({ migration_name: '20261121000000_init', applied_steps_count: 1 });

    await first.db.person.create({ data: { name: 'Harness Probe', title: 'Probe', email: 'probe@example.org', roles: ['PIO'] } });
    expect(await first.db.person.count()).toBe(1);
    expect(await second.db.person.count()).toBe(0);
  });

  it('drop() removes the database', async () => {
    const scratch = await createTestDatabase();
    const name = new URL(scratch.url).pathname.slice(1);
    await scratch.drop();
    const admin = new PgClient({ connectionString: process.env.CG_TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('test harness: time-skipping server', () => {
  it('skips a day of workflow time in well under a real second', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const before = await env.currentTimeMs();
      const started = Date.now();
      await env.sleep('1 day');
      const after = await env.currentTimeMs();
      // Exactly the day asked for: a server started with skipping unlocked overshoots.
      expect(after - before).toBeGreaterThanOrEqual(24 * 3600 * 1000);
      expect(after - before).toBeLessThan(24 * 3600 * 1000 + 60_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await env.teardown();
    }
  });
});

describe('test harness: terminating only idle workflows', () => {
  const T = temporal.api.enums.v1.EventType;
  const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  // Plain numbers where the decoded history has Longs: outstandingWork reads both.
  const event = (eventId: number, eventType: temporal.api.enums.v1.EventType, attributes: Record<string, unknown> = {}, timeMs = 0) =>
    ({ eventId, eventType, eventTime: at(timeMs), ...attributes }) as unknown as temporal.api.history.v1.IHistoryEvent;

  it('reads the workflow task, activities, child starts, external signals and open timers from the history', () => {
    const history = [
      event(1, T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      event(2, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      event(3, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
      event(4, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      event(5, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      event(6, T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
      event(7, T.EVENT_TYPE_TIMER_STARTED, { timerStartedEventAttributes: { startToFireTimeout: { seconds: 60 } } }, 1_000),
      event(8, T.EVENT_TYPE_TIMER_STARTED, { timerStartedEventAttributes: { startToFireTimeout: { seconds: 5 } } }, 1_000),
      event(9, T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
      event(10, T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
      event(11, T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, { activityTaskCompletedEventAttributes: { scheduledEventId: 5 } }),
      event(12, T.EVENT_TYPE_TIMER_CANCELED, { timerCanceledEventAttributes: { startedEventId: 8 } }),
      event(13, T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ];
    expect(outstandingWork(history)).toEqual({ workflowTask: true, activities: 1, childStarts: 1, externalSignals: 1, timersDueAt: [61_000] });
    expect(lockHolders(outstandingWork(history))).toEqual(['a workflow task', '1 activity', '1 child workflow start(s)', '1 signal(s) to other workflows']);

    const settled = [
      ...history,
      event(14, T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
      event(15, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      event(16, T.EVENT_TYPE_ACTIVITY_TASK_FAILED, { activityTaskFailedEventAttributes: { scheduledEventId: 6 } }),
      event(17, T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, { childWorkflowExecutionStartedEventAttributes: { initiatedEventId: 9 } }),
      event(18, T.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, { externalWorkflowExecutionSignaledEventAttributes: { initiatedEventId: 10 } }),
      event(19, T.EVENT_TYPE_TIMER_FIRED, { timerFiredEventAttributes: { startedEventId: 7 } }),
    ];
    // The failed activity and the fired timer each wake the workflow: a task is scheduled again.
    expect(outstandingWork(settled).workflowTask).toBe(false);
    expect(lockHolders(outstandingWork(settled))).toEqual([]);
    expect(outstandingWork(settled).timersDueAt).toEqual([]);
  });

  it('waits, and does not terminate, while a workflow task is outstanding (here: one nobody picks up)', async () => {
    const env = await createTimeSkippingEnv();
    try {
      // No worker polls this queue: the workflow task stays scheduled, holding the clock.
      await env.client.workflow.start('noSuchWorkflow', { taskQueue: 'nobody-polls', workflowId: 'harness-unanswered' });
      await expect(terminateIdleWorkflow(env, 'harness-unanswered', 1_000)).rejects.toThrow(/still: a workflow task/);
      expect((await env.client.workflow.getHandle('harness-unanswered').describe()).status.name).toBe('RUNNING');
    } finally {
      await env.teardown();
    }
  });
});

describe('test harness: the API port', () => {
  const tryToTake = (port: number) =>
    new Promise<string>((resolve) => {
      const intruder = net.createServer();
      intruder.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      intruder.listen(port, '127.0.0.1', () => intruder.close(() => resolve('taken')));
    });

  // The landing CI once failed with EADDRINUSE: a port chosen by freePort was
  // taken while the test system started Temporal and the sinks.
  it('a port from freePort is free for anyone to take before the app listens', async () => {
    expect(await tryToTake(await freePort())).toBe('taken');
  });

  it('the placeholder holds its port until the app serves on it', async () => {
    const { server, port } = await listeningPlaceholder();
    try {
      expect(await tryToTake(port)).toBe('EADDRINUSE');
      server.on('request', (_req, res) => res.end('served'));
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('served');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
