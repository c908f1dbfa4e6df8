// The City's promise to answer a resident's comment: the due date in business
// days (weekends and federal holidays skipped, the wall-clock time kept), the
// ladder it pins (one reminder, then the action plan's overdue ladder), and
// the workflow under time skipping: answered in time, missed (reminder, then
// owner -> sponsor -> city manager -> board in order and spacing), and
// answered after an escalation, which stops the ladder.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { commentResponseWorkflow } from '../../workflows/commentResponse';
import { commentClosedSignal, commentResponseStateQuery, type CommentActivities } from '../../domain/contracts/comments';
import type { OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import { commentDueAt, commentLadder, isAnsweredOnTime } from '../../domain/comments';
import { addBusinessDays } from '../../domain/time/cityTime';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import type { Policy } from '../../domain/policy/schema';

const ZONE = 'America/Chicago';
const TOLERANCE_MS = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('comment due dates', () => {
  const comments = DEFAULT_POLICY.comments!;

  it('counts business days from the day after receipt, skipping weekends', () => {
    expect(addBusinessDays({ year: 2027, month: 3, day: 5 }, 1)).toEqual({ year: 2027, month: 3, day: 8 }); // Friday -> Monday
    expect(addBusinessDays({ year: 2027, month: 3, day: 6 }, 1)).toEqual({ year: 2027, month: 3, day: 8 }); // Saturday -> Monday
    expect(addBusinessDays({ year: 2027, month: 3, day: 3 }, 0)).toEqual({ year: 2027, month: 3, day: 3 });
    expect(() => addBusinessDays({ year: 2027, month: 3, day: 3 }, -1)).toThrow(RangeError);
  });

  it('makes "10 business days" two calendar weeks on plain weeks, keeping the local time across DST', () => {
    // Wednesday 3 March 2027, 14:30 CST; due Wednesday 17 March, 14:30 CDT.
    expect(commentDueAt(Date.parse('2027-03-03T20:30:00Z'), comments, ZONE).toISOString()).toBe('2027-03-17T19:30:00.000Z');
  });

  it('skips federal holidays: Thanksgiving 2026 adds a day', () => {
    // Monday 23 November 2026, 10:00 CST; Thanksgiving (26th) is not a business day, so due Tuesday 8 December.
    expect(commentDueAt(Date.parse('2026-11-23T16:00:00Z'), comments, ZONE).toISOString()).toBe('2026-12-08T16:00:00.000Z');
  });

  it('adds a plain duration, rounded up to the minute (short test policies)', () => {
    expect(commentDueAt(Date.parse('2027-03-03T20:30:10Z'), { respondWithin: '90s', holidayCalendar: 'US_FEDERAL' }, ZONE).toISOString()).toBe('2027-03-03T20:32:00.000Z');
    expect(commentDueAt(Date.parse('2027-03-03T20:30:00Z'), { respondWithin: '2m', holidayCalendar: 'US_FEDERAL' }, ZONE).toISOString()).toBe('2027-03-03T20:32:00.000Z');
  });

  it('pins one reminder and the action plan overdue ladder, step for step', () => {
    const ladder = commentLadder(DEFAULT_POLICY);
    expect(ladder.reminders).toEqual([{ key: 'comment-reminder-2d', secondsBefore: 2 * 86_400 }]);
    expect(ladder.overdue.map((s) => s.notify)).toEqual(DEFAULT_POLICY.actionPlan.overdueLadder.map((s) => s.notify));
    expect(ladder.overdue.map((s) => ('daysAfter' in s ? s.daysAfter : -1))).toEqual([0, 3, 7, 14]);
  });

  it('answered at the due instant is late: the first escalation fires then', () => {
    expect(isAnsweredOnTime('2027-03-17T19:30:00Z', '2027-03-17T19:29:59Z')).toBe(true);
    expect(isAnsweredOnTime('2027-03-17T19:30:00Z', '2027-03-17T19:30:00Z')).toBe(false);
  });
});

describe('commentResponseWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let taskQueue: string;
  let seq = 0;
  let sent: (OutboundMessageV1 & { at: number })[];
  let escalations: { level: string; at: number }[];
  let replies: { commentId: string; replyId: string }[];

  const serverNow = () => Context.current().info.currentAttemptScheduledTimestampMs;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  beforeEach(async () => {
    sent = [];
    escalations = [];
    replies = [];
    taskQueue = `comment-response-${++seq}`;
    const activities: CommentActivities & { sendNotification(m: OutboundMessageV1): Promise<SendResultV1> } = {
      async commentLadderRecipients({ kind, notify }) {
        const who = kind === 'REMINDER' ? ['owner'] : ({ OWNER: ['owner'], SPONSOR: ['sponsor'], CITY_MANAGER: ['city-manager'], BOARD_DIGEST: [] } as Record<string, string[]>)[notify];
        return { personIds: who, data: { targetTitle: 'Publish use-of-force data' } };
      },
      async recordCommentEscalation({ event }) {
        escalations.push({ level: event.kind === 'REMINDER' ? 'REMINDER' : event.notify, at: serverNow() });
      },
      async sendCommentReply(input) {
        replies.push({ commentId: input.commentId, replyId: input.replyId });
        return { sent: true };
      },
      async sendNotification(message) {
        sent.push({ ...message, at: serverNow() });
        return { notificationId: `n${sent.length}`, idempotencyKey: `k${sent.length}`, status: 'SENT', providerMessageId: null };
      },
    };
    worker = await createTestWorker(env, null, { taskQueue, activities: activities as unknown as Record<string, (...args: any[]) => Promise<unknown>> });
  });

  async function start(commentId: string, dueInMs: number, policy: Policy = DEFAULT_POLICY) {
    // Whole minutes, as commentDueAt makes them (day-sized ladder steps keep the local time to the minute).
    const dueAt = new Date(Math.ceil((Number(await env.currentTimeMs()) + dueInMs) / 60_000) * 60_000).toISOString();
    const handle = await env.client.workflow.start<typeof commentResponseWorkflow>('commentResponseWorkflow', {
      taskQueue,
      workflowId: `comment-response-${commentId}`,
      args: [{ version: 1, commentId, dueAt, timeZone: ZONE, ladder: commentLadder(policy) }],
    });
    // The first task has run (its timer exists) before the test skips time.
    await handle.query(commentResponseStateQuery);
    return { handle, dueAt: Date.parse(dueAt) };
  }

  async function skip(ms: number) {
    await env.sleep(ms);
  }

  /** The result once the workflow completes (not result(): that unlocks the clock, which then races ahead). */
  async function finished(handle: Awaited<ReturnType<typeof start>>['handle']) {
    for (let i = 0; i < 100; i++) {
      if ((await handle.describe()).status.name === 'COMPLETED') return handle.result();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('workflow did not complete');
  }

  const expectNear = (actual: number, expected: number) => {
    if (Math.abs(actual - expected) > TOLERANCE_MS) throw new Error(`expected ${new Date(actual).toISOString()} near ${new Date(expected).toISOString()}`);
  };

  it('answered in time: nobody is reminded, the reply is emailed, ANSWERED_ON_TIME', async () => {
    await worker.runUntil(async () => {
      const { handle } = await start('on-time', 10 * DAY);
      await skip(DAY);
      await handle.signal(commentClosedSignal, { outcome: 'ANSWERED', at: new Date(await env.currentTimeMs()).toISOString(), replyId: 'reply-1' });
      const result = await finished(handle);
      expect(result.outcome).toBe('ANSWERED_ON_TIME');
      expect(result.fired).toEqual([]);
      expect(sent).toEqual([]);
      expect(replies).toEqual([{ commentId: 'on-time', replyId: 'reply-1' }]);
    });
  });

  it('missed: reminder, then owner -> sponsor -> city manager -> board, each at the overdue ladder spacing', async () => {
    await worker.runUntil(async () => {
      const { handle, dueAt } = await start('missed', 10 * DAY);
      await skip(10 * DAY + 15 * DAY);
      const state = await handle.query(commentResponseStateQuery);
      expect(state.closed).toBeNull();
      expect(state.fired.map((f) => f.notify)).toEqual(['OWNER', 'OWNER', 'SPONSOR', 'CITY_MANAGER', 'BOARD_DIGEST']);
      expect(state.fired.map((f) => f.kind)).toEqual(['REMINDER', 'OVERDUE', 'OVERDUE', 'OVERDUE', 'OVERDUE']);
      expect(escalations.map((e) => e.level)).toEqual(['REMINDER', 'OWNER', 'SPONSOR', 'CITY_MANAGER', 'BOARD_DIGEST']);
      const expectedAt = [dueAt - 2 * DAY, dueAt, dueAt + 3 * DAY, dueAt + 7 * DAY, dueAt + 14 * DAY];
      escalations.forEach((e, i) => expectNear(e.at, expectedAt[i]));
      expect(sent.map((m) => [m.purpose, m.personId, m.channel])).toEqual([
        ['comment.reminder', 'owner', 'EMAIL'],
        ['comment.overdue', 'owner', 'EMAIL'],
        ['comment.overdue', 'sponsor', 'EMAIL'],
        ['comment.overdue', 'city-manager', 'EMAIL'],
      ]);
      // Each message has its own attempt group: a retried step sends nothing twice.
      expect(new Set(sent.map((m) => m.attemptGroup)).size).toBe(4);
      await handle.signal(commentClosedSignal, { outcome: 'ANSWERED', at: new Date(await env.currentTimeMs()).toISOString() });
      expect((await finished(handle)).outcome).toBe('ANSWERED_LATE');
      expect(replies).toEqual([]);
    });
  });

  it('answered after the sponsor was told: the ladder stops there and the answer is late', async () => {
    await worker.runUntil(async () => {
      const { handle, dueAt } = await start('late', 10 * DAY);
      await skip(10 * DAY + 4 * DAY);
      await handle.signal(commentClosedSignal, { outcome: 'ANSWERED', at: new Date(await env.currentTimeMs()).toISOString(), replyId: 'reply-late' });
      const result = await finished(handle);
      expect(result.outcome).toBe('ANSWERED_LATE');
      expect(result.fired.map((f) => f.notify)).toEqual(['OWNER', 'OWNER', 'SPONSOR']);
      expect(escalations.map((e) => e.level)).toEqual(['REMINDER', 'OWNER', 'SPONSOR']);
      expectNear(escalations[2].at, dueAt + 3 * DAY);
      expect(replies).toEqual([{ commentId: 'late', replyId: 'reply-late' }]);
      // Nothing more after the answer, however long we wait.
      await skip(20 * DAY);
      expect(escalations).toHaveLength(3);
    });
  });

  it('a rejected comment needs no answer: the clock stops', async () => {
    await worker.runUntil(async () => {
      const { handle } = await start('rejected', 10 * DAY);
      await handle.signal(commentClosedSignal, { outcome: 'REJECTED', at: new Date(await env.currentTimeMs()).toISOString() });
      expect((await finished(handle)).outcome).toBe('REJECTED');
      expect(sent).toEqual([]);
    });
  });
});
