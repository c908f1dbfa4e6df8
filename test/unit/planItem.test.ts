// Time-skipping tests of actionItemWorkflow: the reminder and escalation ladder
// at 09:00 city time across both 2027 DST changes (and a weekend), BLOCKED
// telling the sponsor at once, completion stopping everything, and reschedules.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { actionItemWorkflow } from '../../workflows/actionItem';
import type { actionPlanWorkflow } from '../../workflows/plan';
import {
  completeItemUpdate,
  decideRescheduleUpdate,
  itemStateQuery,
  planStateQuery,
  postProgressUpdate,
  requestRescheduleUpdate,
  setItemStatusUpdate,
} from '../../domain/contracts/plan';
import { actor, itemInput, planInput } from './planFakes';
import { planWorkerPerTest } from './planTestWorker';
import { FailureType } from '../../domain/failures';

const TOLERANCE_MS = 10_000;

const t = planWorkerPerTest('plan-item');

async function skipUntil(iso: string): Promise<void> {
  const ms = Date.parse(iso) - (await t.env.currentTimeMs());
  if (ms > 0) await t.env.sleep(ms);
}

// Each start waits for the workflow's first task (a query needs it), so its
// timers exist before the test skips time.
async function startItem(input: Parameters<typeof actionItemWorkflow>[0]) {
  const handle = await t.env.client.workflow.start<typeof actionItemWorkflow>('actionItemWorkflow', {
    taskQueue: t.taskQueue,
    workflowId: `action-item-${input.itemId}`,
    args: [input],
  });
  await handle.query(itemStateQuery);
  return handle;
}

async function startPlan(planId: string) {
  const handle = await t.env.client.workflow.start<typeof actionPlanWorkflow>('actionPlanWorkflow', {
    taskQueue: t.taskQueue,
    workflowId: `action-plan-${planId}`,
    // Far enough ahead that no snapshot falls inside these tests.
    args: [planInput({ planId, startDate: '2028-06-01' })],
  });
  await handle.query(planStateQuery);
  return handle;
}

/**
 * The state of a workflow that has completed. Not `result()`: on the
 * time-skipping client that unlocks the clock, which then races years ahead.
 */
async function completedState(handle: Awaited<ReturnType<typeof startItem>>) {
  for (let i = 0; i < 50; i++) {
    if ((await handle.describe()).status.name === 'COMPLETED') return handle.query(itemStateQuery);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('workflow did not complete');
}

function expectNear(actualIso: string, expectedIso: string) {
  const delta = Math.abs(Date.parse(actualIso) - Date.parse(expectedIso));
  if (delta > TOLERANCE_MS) throw new Error(`expected ${actualIso} to be within ${TOLERANCE_MS} ms of ${expectedIso}`);
}

function sentFor(itemId: string) {
  return t.fakes.sent.filter((m) => m.actionItemId === itemId);
}

function failureOf(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  while (current) {
    if (current instanceof ApplicationFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function expectUpdateFailure(promise: Promise<unknown>, type: string, field?: string) {
  const err = await promise.then(
    () => {
      throw new Error('expected the update to be rejected');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const failure = failureOf(err);
  expect(failure?.type).toBe(type);
  if (field) expect(failure?.details?.[0]).toEqual({ field });
}

describe('actionItemWorkflow ladder', () => {
  it('reminds at 09:00 city time 14, 3 and 1 days before and escalates owner -> sponsor -> city manager -> board across spring-forward', async () => {
    await t.worker.runUntil(async () => {
      const plan = await startPlan('spring');
      // Due Tuesday 16 March 2027, 17:00 CDT (two days after the change to daylight time).
      const item = await startItem(itemInput({ itemId: 'spring-1', planId: 'spring', planWorkflowId: 'action-plan-spring', dueAt: '2027-03-16T22:00:00Z' }));
      await skipUntil('2027-04-02T00:00:00Z');

      const sent = sentFor('spring-1').map((m) => ({ purpose: m.purpose, to: m.personId, channel: m.channel, at: m.scheduledAt }));
      const expected = [
        { purpose: 'item.reminder', to: 'owner', at: '2027-03-02T15:00:00Z' }, // 09:00 CST
        { purpose: 'item.reminder', to: 'owner', at: '2027-03-13T15:00:00Z' }, // 09:00 CST, a Saturday
        { purpose: 'item.reminder', to: 'owner', at: '2027-03-15T14:00:00Z' }, // 09:00 CDT
        { purpose: 'item.overdue', to: 'owner', at: '2027-03-16T22:00:00Z' }, // at once
        { purpose: 'item.overdue', to: 'sponsor', at: '2027-03-19T22:00:00Z' }, // +3 days
        { purpose: 'item.overdue', to: 'city-manager', at: '2027-03-23T22:00:00Z' }, // +7 days
      ];
      // Each step exactly once per channel: email and SMS.
      expect(sent).toHaveLength(expected.length * 2);
      expected.forEach((step, i) => {
        const pair = sent.slice(i * 2, i * 2 + 2);
        expect(pair.map((p) => p.channel).sort()).toEqual(['EMAIL', 'SMS']);
        for (const p of pair) {
          expect(p).toMatchObject({ purpose: step.purpose, to: step.to });
          expectNear(p.at, step.at);
        }
      });
      const reminderDays = sentFor('spring-1')
        .filter((m) => m.purpose === 'item.reminder' && m.channel === 'EMAIL')
        .map((m) => m.data.daysBefore);
      expect(reminderDays).toEqual([14, 3, 1]);

      const state = await item.query(itemStateQuery);
      expect(state.fired.map((f) => f.stepKey)).toEqual([
        'reminder-14d',
        'reminder-3d',
        'reminder-1d',
        'overdue-0d-owner',
        'overdue-3d-sponsor',
        'overdue-7d-city_manager',
        'overdue-14d-board_digest',
      ]);
      for (const f of state.fired) expectNear(f.firedAt, f.at);
      expect(state.fired[6].at).toBe('2027-03-30T22:00:00.000Z');
      expect(state.nextEvent).toBeNull();

      // 14 days overdue: flagged for the board's next digest, through the plan workflow.
      const planState = await plan.query(planStateQuery);
      expect(planState.pendingBoardFlags).toEqual([
        expect.objectContaining({ itemId: 'spring-1', dueAt: '2027-03-16T22:00:00.000Z' }),
      ]);
      expectNear(planState.pendingBoardFlags[0].flaggedAt, '2027-03-30T22:00:00Z');
      expect(t.fakes.callsOf('recordItemEscalation').map((c) => c.input.event.notify)).toEqual(['OWNER', 'SPONSOR', 'CITY_MANAGER', 'BOARD_DIGEST']);

      await plan.terminate('test over');
      await item.terminate('test over');
    });
  });

});

describe('actionItemWorkflow human actions', () => {
  it('a reschedule needs a reason and the sponsor; approval recomputes the ladder from the new date', async () => {
    await t.worker.runUntil(async () => {
      const item = await startItem(itemInput({ itemId: 'rs-1', dueAt: '2027-06-15T22:00:00Z' }));
      await skipUntil('2027-06-05T00:00:00Z'); // past the 14-day reminder (1 June)

      await expectUpdateFailure(
        item.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: '2027-08-17T22:00:00Z', reason: '  ' }] }),
        FailureType.InvalidInput,
        'reason',
      );
      await expectUpdateFailure(
        item.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: '2027-01-01T00:00:00Z', reason: 'late' }] }),
        FailureType.InvalidInput,
        'toDueAt',
      );
      const request = await item.executeUpdate(requestRescheduleUpdate, {
        args: [{ by: actor('owner'), toDueAt: '2027-08-17T22:00:00Z', reason: 'The court survey vendor slipped a month' }],
      });
      expect(request).toMatchObject({ status: 'PENDING', fromDueAt: '2027-06-15T22:00:00.000Z', toDueAt: '2027-08-17T22:00:00.000Z' });
      expect(sentFor('rs-1').filter((m) => m.purpose === 'item.reschedule-request').map((m) => m.personId)).toEqual(['sponsor']);

      await expectUpdateFailure(
        item.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: '2027-09-01T22:00:00Z', reason: 'again' }] }),
        FailureType.InvalidState,
      );
      await expectUpdateFailure(
        item.executeUpdate(decideRescheduleUpdate, { args: [{ by: actor('owner'), requestId: request.requestId, decision: 'APPROVE' }] }),
        FailureType.NotPermitted,
      );
      await expectUpdateFailure(
        item.executeUpdate(decideRescheduleUpdate, { args: [{ by: actor('cm', ['CITY_MANAGER']), requestId: request.requestId, decision: 'APPROVE' }] }),
        FailureType.NotPermitted,
      );
      const approved = await item.executeUpdate(decideRescheduleUpdate, {
        args: [{ by: actor('sponsor', ['CITY_MANAGER']), requestId: request.requestId, decision: 'APPROVE', note: 'ok' }],
      });
      expect(approved).toMatchObject({ dueAt: '2027-08-17T22:00:00.000Z', originalDueAt: '2027-06-15T22:00:00.000Z', pendingReschedule: null, reschedulesApproved: 1 });
      expect(approved.nextEvent).toMatchObject({ stepKey: 'reminder-14d', at: '2027-08-03T14:00:00.000Z' });
      expect(t.fakes.callsOf('recordRescheduleDecision').map((c) => c.input)).toEqual([
        expect.objectContaining({ decision: 'APPROVE', newDueAt: '2027-08-17T22:00:00.000Z' }),
      ]);

      await skipUntil('2027-08-18T00:00:00Z');
      const emails = sentFor('rs-1').filter((m) => m.channel === 'EMAIL' && m.purpose !== 'item.reschedule-request');
      // Nothing fired for the old date (12 and 14 June); the new date got its full ladder.
      expect(emails.map((m) => m.purpose)).toEqual(['item.reminder', 'item.reminder', 'item.reminder', 'item.reminder', 'item.overdue']);
      expectNear(emails[0].scheduledAt, '2027-06-01T14:00:00Z');
      expectNear(emails[1].scheduledAt, '2027-08-03T14:00:00Z');
      expectNear(emails[2].scheduledAt, '2027-08-14T14:00:00Z');
      expectNear(emails[3].scheduledAt, '2027-08-16T14:00:00Z');
      expectNear(emails[4].scheduledAt, '2027-08-17T22:00:00Z');
      expect(emails[4].data.dueAt).toBe('2027-08-17T22:00:00.000Z');

      // A rejected request leaves the date alone.
      const second = await item.executeUpdate(requestRescheduleUpdate, {
        args: [{ by: actor('owner'), toDueAt: '2027-10-01T22:00:00Z', reason: 'still waiting' }],
      });
      const rejected = await item.executeUpdate(decideRescheduleUpdate, {
        args: [{ by: actor('sponsor'), requestId: second.requestId, decision: 'REJECT', note: 'no' }],
      });
      expect(rejected).toMatchObject({ dueAt: '2027-08-17T22:00:00.000Z', pendingReschedule: null, reschedulesApproved: 1 });
      await item.terminate('test over');
    });
  });
  it('completing the item stops every later reminder and escalation', async () => {
    await t.worker.runUntil(async () => {
      const item = await startItem(itemInput({ itemId: 'done-1', dueAt: '2027-09-20T22:00:00Z' }));
      await skipUntil('2027-09-10T00:00:00Z'); // after the 14-day reminder (6 September)
      expect(sentFor('done-1').filter((m) => m.channel === 'EMAIL').map((m) => m.purpose)).toEqual(['item.reminder']);

      await expectUpdateFailure(
        item.executeUpdate(completeItemUpdate, { args: [{ by: actor('someone-else'), via: 'API' }] }),
        FailureType.NotPermitted,
      );
      const state = await item.executeUpdate(completeItemUpdate, { args: [{ by: actor('owner'), via: 'API', note: 'Held the session' }] });
      expect(state).toMatchObject({ status: 'DONE', percentComplete: 100, nextEvent: null });
      expect(await completedState(item)).toMatchObject({ status: 'DONE' });

      await skipUntil('2027-10-20T00:00:00Z');
      expect(sentFor('done-1').filter((m) => m.channel === 'EMAIL').map((m) => m.purpose)).toEqual(['item.reminder']);
      expect(t.fakes.callsOf('recordItemEscalation')).toHaveLength(0);
      expect(t.fakes.callsOf('recordItemProgress').map((c) => c.input)).toEqual([
        expect.objectContaining({ itemId: 'done-1', status: 'DONE', percentComplete: 100, note: 'Held the session', via: 'API' }),
      ]);
    });
  });

  it('progress is validated; BLOCKED tells the sponsor at once; DONE through progress ends the workflow', async () => {
    await t.worker.runUntil(async () => {
      const dueAt = new Date((await t.env.currentTimeMs()) + 60 * 86_400_000).toISOString();
      const item = await startItem(itemInput({ itemId: 'prog-1', dueAt }));
      await expectUpdateFailure(
        item.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'API', note: 'x', percentComplete: 140 }] }),
        FailureType.InvalidInput,
        'percentComplete',
      );
      await expectUpdateFailure(
        item.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'API', note: '   ' }] }),
        FailureType.InvalidInput,
        'note',
      );
      const progressed = await item.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'SMS', note: 'met with ECDC', percentComplete: 50 }] });
      expect(progressed).toMatchObject({ status: 'IN_PROGRESS', percentComplete: 50, lastNote: 'met with ECDC' });
      expect(t.fakes.sent.filter((m) => m.actionItemId === 'prog-1')).toHaveLength(0);

      const before = await t.env.currentTimeMs();
      const blocked = await item.executeUpdate(setItemStatusUpdate, { args: [{ by: actor('owner'), via: 'WEB', status: 'BLOCKED', note: 'waiting for the court clerk' }] });
      expect(blocked.status).toBe('BLOCKED');
      const toSponsor = sentFor('prog-1').filter((m) => m.purpose === 'item.blocked');
      expect(toSponsor.map((m) => [m.personId, m.channel]).sort()).toEqual([
        ['sponsor', 'EMAIL'],
        ['sponsor', 'SMS'],
      ]);
      expect(Date.parse(toSponsor[0].scheduledAt) - before).toBeLessThan(TOLERANCE_MS);
      expect(toSponsor[0].data).toMatchObject({ note: 'waiting for the court clerk', itemTitle: 'Item prog-1' });

      // Setting BLOCKED again is not a new transition: no second message.
      await item.executeUpdate(setItemStatusUpdate, { args: [{ by: actor('owner'), via: 'WEB', status: 'BLOCKED' }] });
      expect(sentFor('prog-1').filter((m) => m.purpose === 'item.blocked')).toHaveLength(2);

      await item.executeUpdate(postProgressUpdate, { args: [{ by: actor('cm', ['CITY_MANAGER']), via: 'API', note: 'finished', status: 'DONE' }] });
      expect(await completedState(item)).toMatchObject({ status: 'DONE', percentComplete: 100 });
    });
  });

});

// Last: the environment's clock only moves forward, and this one ends in November 2027.
describe('actionItemWorkflow ladder in the autumn', () => {
  it('keeps 09:00 local across fall-back: 14:00Z before 7 November 2027, 15:00Z after', async () => {
    await t.worker.runUntil(async () => {
      // Due Tuesday 9 November 2027, 17:00 CST.
      const item = await startItem(itemInput({ itemId: 'fall-1', dueAt: '2027-11-09T23:00:00Z' }));
      await skipUntil('2027-11-10T00:00:00Z');
      const emails = sentFor('fall-1').filter((m) => m.channel === 'EMAIL');
      expect(emails.map((m) => m.purpose)).toEqual(['item.reminder', 'item.reminder', 'item.reminder', 'item.overdue']);
      expectNear(emails[0].scheduledAt, '2027-10-26T14:00:00Z'); // 09:00 CDT
      expectNear(emails[1].scheduledAt, '2027-11-06T14:00:00Z'); // 09:00 CDT, Saturday before the change
      expectNear(emails[2].scheduledAt, '2027-11-08T15:00:00Z'); // 09:00 CST
      expectNear(emails[3].scheduledAt, '2027-11-09T23:00:00Z');
      await item.terminate('test over');
    });
  });
});
