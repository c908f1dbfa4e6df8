// The monthly cycle with the real parts on the time-skipping server: the plan
// activities on a fresh PostgreSQL database, the real notification activity
// sending over SMTP to the local mail sink. The snapshot and the digest
// activities are made to fail right AFTER their real work on the first attempt,
// so Temporal retries them: the plan still has exactly one snapshot per month
// and every stakeholder exactly one digest email per month. Residents'
// comments the ladder took to the board are listed in each digest until
// answered.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createActivities } from '../../activities';
import type { OutboundMessageV1 } from '../../domain/contracts/notificationActivities';
import { createMailer, createSmsClient } from '../../activities/notifications/providers';
import type { TakeMonthlySnapshotInput } from '../../domain/contracts/planActivities';
import { verifyAuditChain } from '../../lib/audit';
import { actionPlanWorkflowId } from '../../domain/ids';
import { itemFlaggedForBoardSignal } from '../../domain/contracts/plan';
import { createPlan } from '../../services/planService';
import { seedDemoRoster } from '../../scripts/seed-roster';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { startSinks, type TestSinks } from '../harness/sinks';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import { DEFAULT_POLICY } from '../../policy/index';
import { digestRecipientIds } from '../../activities/plan';

let env: TestWorkflowEnvironment;
let database: TestDatabase;
let sinks: TestSinks;
let worker: Worker;
let running: Promise<void>;
let mailer: ReturnType<typeof createMailer>;
const attempts: Record<string, number> = {};

beforeAll(async () => {
  [env, database, sinks] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), startSinks()]);
  await seedDemoRoster(database.db, { embeddedTokens: false });
  const config = createTestConfig({ ...sinks.config, TEMPORAL_TASK_QUEUE: 'plan-digest' });
  mailer = createMailer(config);
  const real = createActivities({ db: database.db, mailer, sms: createSmsClient(config), config, temporal: env.client });

  const failOnceAfter = <A extends unknown[], R>(name: string, key: (...args: A) => string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await fn(...args);
      const k = `${name}:${key(...args)}`;
      attempts[k] = (attempts[k] ?? 0) + 1;
      if (Context.current().info.attempt === 1) throw new Error(`injected failure after ${name} did its work`);
      return result;
    };

  worker = await createTestWorker(env, null, {
    taskQueue: 'plan-digest',
    activities: {
      ...(real as unknown as Record<string, (...args: any[]) => Promise<unknown>>),
      takeMonthlySnapshot: failOnceAfter('snapshot', (i: TakeMonthlySnapshotInput) => String(i.month), real.takeMonthlySnapshot),
      sendNotification: failOnceAfter('send', (m: OutboundMessageV1) => `${m.purpose}|${m.personId}|${m.attemptGroup}`, real.sendNotification),
    },
    workerOptions: { maxConcurrentActivityTaskExecutions: 20 },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await env?.teardown();
  mailer?.close();
  await sinks?.close();
  await database?.drop();
});

it('a retried snapshot or digest activity duplicates neither the snapshot row nor any email', async () => {
  const db = database.db;
  const cm = await db.person.findFirstOrThrow({ where: { roles: { has: 'CITY_MANAGER' } } });
  const lead = await db.person.findFirstOrThrow({ where: { roles: { has: 'STAKEHOLDER_LEAD' } } });
  const plan = await createPlan(
    { db, temporal: env.client, config: { TEMPORAL_TASK_QUEUE: 'plan-digest', CITY_TIME_ZONE: 'America/Chicago', ITEM_WORKFLOW_WAKE_LEAD_SECONDS: 86_400 } },
    { title: 'Retry plan', startDate: '2027-01-01', months: 2, timeZone: 'America/Chicago', goals: [{ number: 1, title: 'Engagement', description: '' }], duties: [] },
    { id: cm.id, name: cm.name },
  );
  const goal = await db.goal.findFirstOrThrow({ where: { planId: plan.id } });
  await db.actionItem.create({
    data: { id: 'retry-item', planId: plan.id, goalId: goal.id, title: 'Hold a session', ownerId: lead.id, sponsorId: cm.id, dueAt: new Date('2027-01-29T23:00:00Z'), workflowId: 'action-item-retry-item', status: 'IN_PROGRESS', percentComplete: 30 },
  });

  // Residents' comments the comment ladder took to the board: one still unanswered (on the goal), one answered since (on the item).
  const comment = (id: string, fields: { itemId?: string; status: 'PUBLISHED' | 'ANSWERED'; body: string }) =>
    db.publicComment.create({
      data: {
        id,
        planId: plan.id,
        goalId: goal.id,
        itemId: fields.itemId ?? null,
        body: fields.body,
        replyEmail: 'resident@example.net',
        status: fields.status,
        receivedAt: new Date('2027-01-04T18:00:00Z'),
        dueAt: new Date('2027-01-10T18:00:00Z'),
        answeredAt: fields.status === 'ANSWERED' ? new Date('2027-01-28T18:00:00Z') : null,
        lastEscalation: 'BOARD_DIGEST',
        flaggedForBoardAt: new Date('2027-01-24T18:00:00Z'),
        policyVersion: DEFAULT_POLICY.version,
        workflowId: `comment-response-${id}`,
      },
    });
  await comment('board-comment-open', { status: 'PUBLISHED', body: 'Where are the minutes?' });
  await comment('board-comment-answered', { itemId: 'retry-item', status: 'ANSWERED', body: 'Answered already' });

  // The overdue ladder's last rung, as an item workflow would send it: named in the next digest only.
  const handle = env.client.workflow.getHandle(actionPlanWorkflowId(plan.id));
  await handle.signal(itemFlaggedForBoardSignal, { itemId: 'retry-item', title: 'Hold a session', ownerId: lead.id, dueAt: '2027-01-05T23:00:00.000Z', flaggedAt: '2027-01-19T23:00:00.000Z' });
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'CLOSED', monthsCompleted: 2 });

  const recipients = await digestRecipientIds(db, plan.id, DEFAULT_POLICY);
  expect(recipients.length).toBeGreaterThan(5);

  // The first attempt of every one of these did its work and then failed.
  expect(attempts['snapshot:1']).toBe(2);
  expect(attempts['snapshot:2']).toBe(2);
  for (const personId of recipients) {
    expect(attempts[`send:plan.digest|${personId}|month-1`]).toBe(2);
    expect(attempts[`send:plan.digest|${personId}|month-2`]).toBe(2);
  }

  const snapshots = await db.dashboardSnapshot.findMany({ where: { planId: plan.id }, orderBy: { month: 'asc' } });
  expect(snapshots.map((s) => [s.month, s.period, s.takenAt.toISOString()])).toEqual([
    [1, '2027-01', expect.stringMatching(/^2027-02-01T15:00:0/)],
    [2, '2027-02', expect.stringMatching(/^2027-03-01T15:00:0/)],
  ]);
  expect((snapshots[0].data as { totals: { items: number; inProgress: number; overdue: number } }).totals).toMatchObject({ items: 1, inProgress: 1, overdue: 1 });

  const digestRows = await db.notification.findMany({ where: { planId: plan.id, purpose: 'plan.digest' } });
  expect(digestRows).toHaveLength(recipients.length * 2);
  expect(digestRows.every((n) => n.status === 'SENT' || n.status === 'DELIVERED')).toBe(true);

  const people = await db.person.findMany({ where: { id: { in: recipients } }, select: { email: true } });
  const digestMail = sinks.mail.messages().filter((m) => /progress for 2027-0[12]/.test(m.subject ?? ''));
  expect(digestMail).toHaveLength(recipients.length * 2);
  for (const { email } of people) {
    const mine = digestMail.filter((m) => JSON.stringify(m.to).includes(email));
    expect(mine.map((m) => m.subject).sort()).toEqual(['Retry plan: progress for 2027-01', 'Retry plan: progress for 2027-02']);
  }
  const forBoard = (period: string) => digestMail.filter((m) => m.subject.endsWith(period) && (m.text ?? '').includes('For the Board: one item is more than two weeks overdue: "Hold a session"'));
  expect(forBoard('2027-01')).toHaveLength(recipients.length);
  expect(forBoard('2027-02')).toHaveLength(0);
  expect((snapshots[0].data as { boardFlags: unknown[] }).boardFlags).toEqual([expect.objectContaining({ itemId: 'retry-item', title: 'Hold a session' })]);

  // The unanswered comment is in every digest until it is answered; the answered one in none. Neither's words nor address.
  const commentSection = (period: string, line: RegExp) =>
    digestMail.filter((m) => m.subject.endsWith(period) && /For the Board: one resident's comment is past the time/.test(m.text ?? '') && line.test(m.text ?? ''));
  expect(commentSection('2027-01', /Goal 1 \(Engagement\): received .+, answer due .+, 22 days overdue\./)).toHaveLength(recipients.length);
  expect(commentSection('2027-02', /Goal 1 \(Engagement\): received .+, answer due .+, 50 days overdue\./)).toHaveLength(recipients.length);
  for (const m of digestMail) {
    expect(m.text).not.toMatch(/"Hold a session": received/);
    expect(m.text).not.toMatch(/Where are the minutes|Answered already|resident@example\.net/);
  }
  expect((snapshots[1].data as { boardComments: unknown[] }).boardComments).toEqual([
    { commentId: 'board-comment-open', itemId: null, goalNumber: 1, title: 'Engagement', receivedAt: '2027-01-04T18:00:00.000Z', dueAt: '2027-01-10T18:00:00.000Z', daysOverdue: 50 },
  ]);

  const closed = await db.actionPlan.findUniqueOrThrow({ where: { id: plan.id } });
  expect(closed.status).toBe('CLOSED');
  expect(closed.finalReport).toMatchObject({ totals: { items: 1, MISSED: 1 }, goals: [{ number: 1, objectiveStatus: 'NOT_MET' }] });
  expect(sinks.mail.messages().filter((m) => (m.subject ?? '').startsWith('Final report: Retry plan'))).toHaveLength(recipients.length);
  expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
});
