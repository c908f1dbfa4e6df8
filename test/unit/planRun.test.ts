// Time-skipping tests of actionPlanWorkflow: a full 12-month run yields exactly
// 12 snapshots and one final report at 09:00 city time on first business days
// across both 2027 DST changes; state (snapshots, items, board flags, schedule
// bookkeeping) survives continue-as-new.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import type { actionPlanWorkflow } from '../../workflows/plan';
import { itemAddedSignal, itemFlaggedForBoardSignal, planStateQuery } from '../../domain/contracts/plan';
import { zonedParts } from '../../domain/time/cityTime';
import { createPlanFakes, planInput } from './planFakes';

const TOLERANCE_MS = 10_000;

let env: TestWorkflowEnvironment;

// A fresh server per test: `result()` lets the time-skipping clock run freely,
// so a later test could not start in the year it expects.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

function expectNear(actualIso: string, expectedIso: string) {
  const delta = Math.abs(Date.parse(actualIso) - Date.parse(expectedIso));
  if (delta > TOLERANCE_MS) throw new Error(`expected ${actualIso} to be within ${TOLERANCE_MS} ms of ${expectedIso}`);
}

async function skipUntil(iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

const EXPECTED_2027 = [
  ['2027-01', '2027-02-01T15:00:00Z'], // Monday, CST
  ['2027-02', '2027-03-01T15:00:00Z'], // Monday, CST
  ['2027-03', '2027-04-01T14:00:00Z'], // after the 14 March change: CDT
  ['2027-04', '2027-05-03T14:00:00Z'], // 1 May is a Saturday
  ['2027-05', '2027-06-01T14:00:00Z'],
  ['2027-06', '2027-07-01T14:00:00Z'],
  ['2027-07', '2027-08-02T14:00:00Z'], // 1 August is a Sunday
  ['2027-08', '2027-09-01T14:00:00Z'],
  ['2027-09', '2027-10-01T14:00:00Z'],
  ['2027-10', '2027-11-01T14:00:00Z'], // still CDT: the change is on 7 November
  ['2027-11', '2027-12-01T15:00:00Z'], // CST again
  ['2027-12', '2028-01-03T15:00:00Z'], // 1 January 2028 is a Saturday (holiday observed on 31 December)
];

describe('actionPlanWorkflow', () => {
  it('runs 12 months: exactly 12 snapshots and digests at 09:00 city time on first business days, then one final report', async () => {
    const fakes = createPlanFakes({ digestRecipients: ['city-manager', 'mayor', 'lead'] });
    const worker = await createTestWorker(env, null, { taskQueue: 'plan-run-12', activities: fakes.activities });
    const state = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof actionPlanWorkflow>('actionPlanWorkflow', {
        taskQueue: 'plan-run-12',
        workflowId: 'action-plan-p12',
        args: [planInput({ planId: 'p12', startDate: '2027-01-01' })],
      });
      const early = await handle.query(planStateQuery);
      expect(early).toMatchObject({ status: 'ACTIVE', monthsCompleted: 0, nextSnapshotAt: '2027-02-01T15:00:00.000Z' });
      return handle.result();
    });

    const snapshots = fakes.callsOf('takeMonthlySnapshot');
    expect(snapshots.map((s) => s.input.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(snapshots.map((s) => s.input.period)).toEqual(EXPECTED_2027.map(([period]) => period));
    snapshots.forEach((s, i) => {
      expectNear(s.input.takenAt, EXPECTED_2027[i][1]);
      expectNear(s.scheduledAt, EXPECTED_2027[i][1]);
      expect(zonedParts(Date.parse(s.input.takenAt), 'America/Chicago')).toMatchObject({ hour: 9, minute: 0 });
    });

    // One digest per month per recipient, each with its own month's key.
    const digests = fakes.sent.filter((m) => m.purpose === 'plan.digest');
    expect(digests).toHaveLength(12 * 3);
    expect(new Set(digests.map((d) => `${d.personId}|${d.attemptGroup}`)).size).toBe(36);
    expect(digests.every((d) => d.channel === 'EMAIL' && d.workflowId === 'action-plan-p12')).toBe(true);

    const finals = fakes.callsOf('produceFinalReport');
    expect(finals).toHaveLength(1);
    expectNear(finals[0].input.at, '2028-01-03T15:00:00Z');
    expect(fakes.sent.filter((m) => m.purpose === 'plan.final-report').map((m) => m.personId).sort()).toEqual(['city-manager', 'lead', 'mayor']);
    expect(fakes.callsOf('ensureDutySchedules')).toHaveLength(0);

    expect(state).toMatchObject({ status: 'CLOSED', monthsCompleted: 12, nextSnapshotAt: null, runs: 1 });
    expect(state.snapshots).toHaveLength(12);
    expectNear(state.finalReportAt!, '2028-01-03T15:00:00Z');
  });

  it('keeps snapshots, items, pending board flags and schedule bookkeeping across continue-as-new', async () => {
    const fakes = createPlanFakes();
    const worker = await createTestWorker(env, null, { taskQueue: 'plan-can', activities: fakes.activities });
    const duty = {
      key: 'goal1-community-session',
      goalNumber: 1,
      title: 'Community session',
      description: 'Monthly session',
      cadence: 'MONTHLY' as const,
      ownerId: 'lead',
      sponsorId: 'cm',
      dueLocalTime: '17:00',
    };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof actionPlanWorkflow>('actionPlanWorkflow', {
        taskQueue: 'plan-can',
        workflowId: 'action-plan-pcan',
        args: [planInput({ planId: 'pcan', startDate: '2027-03-01', months: 4, continueAsNewAfterMonths: 1, recurringDuties: [duty] })],
      });
      const firstRunId = handle.firstExecutionRunId;
      await handle.signal(itemAddedSignal, { itemId: 'i1', goalId: 'g1', title: 'One', dueAt: '2027-05-01T22:00:00Z' });
      await handle.signal(itemAddedSignal, { itemId: 'i2', goalId: 'g1', title: 'Two', dueAt: '2027-06-01T22:00:00Z' });
      await handle.signal(itemAddedSignal, { itemId: 'i1', goalId: 'g1', title: 'One', dueAt: '2027-05-01T22:00:00Z' });
      expect(await handle.query(planStateQuery)).toMatchObject({ itemCount: 2, runs: 1 });

      await skipUntil('2027-04-10T00:00:00Z'); // after month 1's snapshot (1 April): one continue-as-new
      const afterFirst = await handle.query(planStateQuery);
      expect(afterFirst).toMatchObject({ runs: 2, monthsCompleted: 1, itemCount: 2 });
      expect((await handle.describe()).runId).not.toBe(firstRunId);

      const flag = { itemId: 'i1', title: 'One', ownerId: 'lead', dueAt: '2027-03-20T22:00:00.000Z', flaggedAt: '2027-04-10T00:00:00.000Z' };
      await handle.signal(itemFlaggedForBoardSignal, flag);
      await handle.signal(itemAddedSignal, { itemId: 'i3', goalId: 'g2', title: 'Three', dueAt: '2027-06-01T22:00:00Z' });
      expect(await handle.query(planStateQuery)).toMatchObject({ pendingBoardFlags: [flag], itemCount: 3 });

      await skipUntil('2027-05-10T00:00:00Z'); // month 2's digest (3 May) reports the flag, in the next run
      const afterSecond = await handle.query(planStateQuery);
      expect(afterSecond).toMatchObject({ runs: 3, monthsCompleted: 2, itemCount: 3, pendingBoardFlags: [] });
      expect(afterSecond.snapshots.map((s) => [s.month, s.period, s.boardFlagsReported])).toEqual([
        [1, '2027-03', 0],
        [2, '2027-04', 1],
      ]);
      const monthTwoDigests = fakes.sent.filter((m) => m.purpose === 'plan.digest' && m.attemptGroup === 'month-2');
      expect(monthTwoDigests.length).toBeGreaterThan(0);
      for (const d of monthTwoDigests) expect(d.data.boardFlags).toEqual([flag]);
      expect(fakes.sent.filter((m) => m.purpose === 'plan.digest' && m.attemptGroup === 'month-1').every((d) => (d.data.boardFlags as unknown[]).length === 0)).toBe(true);

      const final = await handle.result();
      expect(final).toMatchObject({ status: 'CLOSED', runs: 4, monthsCompleted: 4, itemCount: 3 });
      expect(final.snapshots.map((s) => s.period)).toEqual(['2027-03', '2027-04', '2027-05', '2027-06']);
    });
    // Created once, not again by any later run; removed once at the close.
    expect(fakes.callsOf('ensureDutySchedules')).toHaveLength(1);
    expect(fakes.callsOf('removeDutySchedules').map((c) => c.input)).toEqual([{ planId: 'pcan', dutyKeys: ['goal1-community-session'] }]);
    expect(fakes.callsOf('takeMonthlySnapshot')).toHaveLength(4);
    expect(fakes.callsOf('produceFinalReport')).toHaveLength(1);
  });
});
