// Records the plan histories replayed by planReplay.test.ts into
// test/replay/histories/plan-*.json. Run it (then commit the files) only when a
// workflow change is meant to be incompatible and is shipped behind `patched`,
// or to add a history of a new shape; name files to record only those:
//   npx tsx test/unit/planReplayRecord.ts [plan-item-asleep.json ...]
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { createTimeSkippingEnv } from '../harness/timeSkipping';
import { createTestWorker } from '../harness/worker';
import {
  completeItemUpdate,
  decideRescheduleUpdate,
  itemStateQuery,
  postProgressUpdate,
  requestRescheduleUpdate,
  setItemStatusUpdate,
} from '../../domain/contracts/plan';
import type { actionItemWorkflow } from '../../workflows/actionItem';
import type { actionPlanWorkflow } from '../../workflows/plan';
import type { recurringDutyWorkflow } from '../../workflows/planDuty';
import { actor, createPlanFakes, itemInput, planInput } from './planFakes';
import { historyToJson } from './planHistoryJson';
import { startItemWorkflowOnce } from '../../lib/temporalStart';

const OUT = path.resolve(__dirname, '../replay/histories');
const only = process.argv.slice(2);
/** True when this run records `name` (every file when none is named). */
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function save(name: string, handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), JSON.stringify(historyToJson(history), null, 1) + '\n');
  console.log(`wrote ${name}: ${history.events?.length} events`);
}

async function skipUntil(env: Awaited<ReturnType<typeof createTimeSkippingEnv>>, iso: string) {
  const ms = Date.parse(iso) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

async function main() {
  const env = await createTimeSkippingEnv();
  const fakes = createPlanFakes();
  const worker = await createTestWorker(env, null, { taskQueue: 'plan-replay', activities: fakes.activities });
  try {
    await worker.runUntil(async () => {
      // An item started asleep (lib/temporalStart.ts), woken by the server a day before its first reminder,
      // reminded, then done. Recorded first: its start delay is reckoned by the wall clock.
      if (wanted('plan-item-asleep.json')) {
        const dueAt = new Date(Date.now() + 30 * 86_400_000);
        dueAt.setUTCHours(23, 0, 0, 0);
        const input = itemInput({ itemId: 'replay-asleep', dueAt: dueAt.toISOString(), ownerName: 'Harper Osei', goalTitle: 'Engagement' });
        await startItemWorkflowOnce(env.client, { TEMPORAL_TASK_QUEUE: 'plan-replay', ITEM_WORKFLOW_WAKE_LEAD_SECONDS: 86_400 }, input);
        const asleep = env.client.workflow.getHandle<typeof actionItemWorkflow>(`action-item-${input.itemId}`);
        await skipUntil(env, new Date(dueAt.getTime() - 10 * 86_400_000).toISOString());
        await asleep.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'API', percentComplete: 80, note: 'nearly there' }] });
        await asleep.executeUpdate(completeItemUpdate, { args: [{ by: actor('owner'), via: 'API', note: 'done' }] });
        await save('plan-item-asleep.json', asleep);
      }

      // An item through its whole life: reminders, progress, BLOCKED, a rejected and an approved reschedule, escalations, done.
      if (wanted('plan-item-lifecycle.json')) {
        const item = await env.client.workflow.start<typeof actionItemWorkflow>('actionItemWorkflow', {
          taskQueue: 'plan-replay',
          workflowId: 'action-item-replay-1',
          args: [itemInput({ itemId: 'replay-1', dueAt: '2027-03-16T22:00:00Z', ownerName: 'Harper Osei', goalTitle: 'Engagement' })],
        });
        await item.query(itemStateQuery);
        await skipUntil(env, '2027-03-05T00:00:00Z');
        await item.executeUpdate(postProgressUpdate, { args: [{ by: actor('owner'), via: 'SMS', percentComplete: 50, note: 'met with ECDC' }] });
        await item.executeUpdate(setItemStatusUpdate, { args: [{ by: actor('owner'), via: 'WEB', status: 'BLOCKED', note: 'room booking' }] });
        const first = await item.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: '2027-03-30T22:00:00Z', reason: 'room booking' }] });
        await item.executeUpdate(decideRescheduleUpdate, { args: [{ by: actor('sponsor'), requestId: first.requestId, decision: 'REJECT', note: 'find another room' }] });
        await skipUntil(env, '2027-03-21T00:00:00Z'); // overdue: owner, then sponsor
        const second = await item.executeUpdate(requestRescheduleUpdate, { args: [{ by: actor('owner'), toDueAt: '2027-04-20T22:00:00Z', reason: 'new venue' }] });
        await item.executeUpdate(decideRescheduleUpdate, { args: [{ by: actor('sponsor'), requestId: second.requestId, decision: 'APPROVE' }] });
        await skipUntil(env, '2027-04-10T00:00:00Z'); // the new date's 14-day reminder
        await item.executeUpdate(completeItemUpdate, { args: [{ by: actor('owner'), via: 'EMAIL_LINK', note: 'held' }] });
        await save('plan-item-lifecycle.json', item);
      }

      // A four-month plan with a duty schedule, board flags and items arriving, continuing as new every two months.
      if (wanted('plan-monthly-first-run.json') || wanted('plan-monthly-final-run.json')) {
        const plan = await env.client.workflow.start<typeof actionPlanWorkflow>('actionPlanWorkflow', {
          taskQueue: 'plan-replay',
          workflowId: 'action-plan-replay',
          args: [
            planInput({
              planId: 'replay',
              startDate: '2027-05-01',
              months: 4,
              continueAsNewAfterMonths: 2,
              recurringDuties: [
                { key: 'goal3-court-survey', goalNumber: 3, title: 'Court survey', description: '', cadence: 'QUARTERLY', ownerId: 'court', sponsorId: 'cm', dueLocalTime: '17:00' },
              ],
            }),
          ],
        });
        await plan.signal('itemAdded', { itemId: 'a', goalId: 'g1', title: 'A', dueAt: '2027-06-01T22:00:00Z' });
        await skipUntil(env, '2027-06-10T00:00:00Z');
        await plan.signal('itemFlaggedForBoard', { itemId: 'a', title: 'A', ownerId: 'owner', dueAt: '2027-05-20T22:00:00Z', flaggedAt: '2027-06-03T22:00:00Z' });
        await plan.result();
        const firstRun = env.client.workflow.getHandle('action-plan-replay', plan.firstExecutionRunId);
        await save('plan-monthly-first-run.json', firstRun);
        await save('plan-monthly-final-run.json', env.client.workflow.getHandle('action-plan-replay'));
      }

      if (wanted('plan-duty-run.json')) {
        const duty = await env.client.workflow.start<typeof recurringDutyWorkflow>('recurringDutyWorkflow', {
          taskQueue: 'plan-replay',
          workflowId: 'duty-replay-run',
          args: [
            {
              version: 1,
              planId: 'replay',
              planWorkflowId: 'action-plan-replay',
              timeZone: 'America/Chicago',
              holidayCalendar: 'US_FEDERAL',
              policyVersion: 'clayton-2026.1',
              itemLadder: planInput().itemLadder,
              duty: { key: 'goal1-community-session', goalNumber: 1, title: 'Community session', description: '', cadence: 'MONTHLY', ownerId: 'lead', sponsorId: 'cm', dueLocalTime: '17:00' },
              periodOf: '2027-10-01',
            },
          ],
        });
        await duty.result();
        await save('plan-duty-run.json', duty);
      }
    });
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
