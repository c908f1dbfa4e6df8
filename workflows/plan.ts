// The 12-month action plan: on the first business day of each month at the
// plan's local snapshot time, snapshot progress per goal and per item, publish
// it to the public dashboard, and email a digest to stakeholders; after month
// 12, produce the final report and close. Recurring duties are Temporal
// Schedules created once per plan and removed when it closes.
import type { WorkflowSignatures } from '../domain/workflows';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlanActivities } from '../domain/contracts/planActivities';
import {
  itemAddedSignal,
  itemFlaggedForBoardSignal,
  planStateQuery,
  type ActionPlanCarryV1,
  type ActionPlanInputV1,
  type ActionPlanStateV1,
} from '../domain/contracts/plan';
import { notifyPerson, type NotifyPersonInput } from './lib/notify';
import { planMonthSchedule } from '../domain/time/planCalendar';
import { PLAN_REPORT_ACTIVITY_OPTIONS } from '../domain/retry';
import { notificationActivities as notifications } from './lib/notificationActivities';
import { publicActivities } from './lib/publicActivities';
import { PLAN_REPORT_TO_SUBSCRIBERS_PATCH } from '../domain/patches';

const planActivities = proxyActivities<PlanActivities>(PLAN_REPORT_ACTIVITY_OPTIONS);

/** One stakeholder's copy; a recipient who cannot be reached is logged, never fatal to the plan. */
async function sendToStakeholder(message: Omit<NotifyPersonInput, 'channels'>): Promise<void> {
  try {
    const result = await notifyPerson(notifications, { ...message, channels: ['EMAIL'] });
    if (!result.reached) log.warn('plan message reached no channel', { purpose: message.purpose, personId: message.personId });
  } catch (err) {
    log.error('plan message failed for good', { purpose: message.purpose, personId: message.personId, error: String(err) });
  }
}

export async function actionPlanWorkflow(input: ActionPlanInputV1): Promise<ActionPlanStateV1> {
  const workflowId = workflowInfo().workflowId;
  /** Every stakeholder's copy of one message. */
  const sendToStakeholders = (recipients: string[], message: Omit<NotifyPersonInput, 'channels' | 'workflowId' | 'personId' | 'planId'>) =>
    Promise.all(recipients.map((personId) => sendToStakeholder({ ...message, workflowId, personId, planId: input.planId })));
  const carry: ActionPlanCarryV1 = input.carried
    ? { ...input.carried, runs: input.carried.runs + 1 }
    : { snapshots: [], itemIds: [], boardFlags: [], schedulesEnsured: false, runs: 1 };
  let status: 'ACTIVE' | 'CLOSED' = 'ACTIVE';
  let finalReportAt: string | null = null;

  const state = (): ActionPlanStateV1 => {
    const nextMonth = carry.snapshots.length + 1;
    return {
      version: 1,
      planId: input.planId,
      status,
      months: input.months,
      monthsCompleted: carry.snapshots.length,
      nextSnapshotAt: status === 'ACTIVE' && nextMonth <= input.months ? planMonthSchedule(input, nextMonth).snapshotAt.toISOString() : null,
      snapshots: [...carry.snapshots],
      itemCount: carry.itemIds.length,
      pendingBoardFlags: [...carry.boardFlags],
      finalReportAt,
      runs: carry.runs,
    };
  };

  setHandler(planStateQuery, state);
  setHandler(itemAddedSignal, (added) => {
    if (!carry.itemIds.includes(added.itemId)) carry.itemIds.push(added.itemId);
  });
  setHandler(itemFlaggedForBoardSignal, (flag) => {
    // One flag per item per digest; a later flag for the same item replaces the earlier one.
    carry.boardFlags = [...carry.boardFlags.filter((f) => f.itemId !== flag.itemId), flag];
  });

  if (!carry.schedulesEnsured && input.recurringDuties.length > 0) {
    await planActivities.ensureDutySchedules({
      planId: input.planId,
      planWorkflowId: workflowId,
      timeZone: input.timeZone,
      startDate: input.startDate,
      months: input.months,
      holidayCalendar: input.holidayCalendar,
      policyVersion: input.policyVersion,
      itemLadder: input.itemLadder,
      duties: input.recurringDuties,
    });
    carry.schedulesEnsured = true;
  }

  let monthsThisRun = 0;
  while (carry.snapshots.length < input.months) {
    const month = carry.snapshots.length + 1;
    const { period, snapshotAt } = planMonthSchedule(input, month);
    const waitMs = snapshotAt.getTime() - Date.now();
    // Signals (items, board flags) can grow a month's history; hand over early if the server asks.
    if (waitMs > 0 && (await condition(() => workflowInfo().continueAsNewSuggested, waitMs))) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof actionPlanWorkflow>({ ...input, carried: carry });
    }

    const boardFlags = [...carry.boardFlags];
    const summary = await planActivities.takeMonthlySnapshot({
      planId: input.planId,
      month,
      period,
      takenAt: new Date(Date.now()).toISOString(),
      boardFlags,
    });
    const recipients = await planActivities.planDigestRecipients({ planId: input.planId, policyVersion: input.policyVersion });
    await sendToStakeholders(recipients, {
      purpose: 'plan.digest',
      // One digest per plan month per recipient, however often this is retried.
      attemptGroup: `month-${month}`,
      template: 'plan.digest',
      data: { ...summary, counts: summary.totals, boardFlags, timeZone: input.timeZone },
    });
    if (patched(PLAN_REPORT_TO_SUBSCRIBERS_PATCH)) {
      // Residents subscribed to the monthly report hear of it in their language (its own fan-out workflow).
      await publicActivities.startPublicFanOut({ event: { kind: 'plan.report', planId: input.planId, month, period, takenAt: summary.takenAt } });
    }
    const reported = new Set(boardFlags.map((f) => `${f.itemId}|${f.flaggedAt}`));
    carry.boardFlags = carry.boardFlags.filter((f) => !reported.has(`${f.itemId}|${f.flaggedAt}`));
    carry.snapshots.push({ month, period, takenAt: summary.takenAt, digestRecipients: recipients.length, boardFlagsReported: boardFlags.length });
    monthsThisRun += 1;

    const last = carry.snapshots.length >= input.months;
    const cycleLimitReached = input.continueAsNewAfterMonths !== undefined && monthsThisRun >= input.continueAsNewAfterMonths;
    if (!last && (workflowInfo().continueAsNewSuggested || cycleLimitReached)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof actionPlanWorkflow>({ ...input, carried: carry });
    }
  }

  const report = await planActivities.produceFinalReport({ planId: input.planId, at: new Date(Date.now()).toISOString() });
  finalReportAt = report.finalReportAt;
  const recipients = await planActivities.planDigestRecipients({ planId: input.planId, policyVersion: input.policyVersion });
  await sendToStakeholders(recipients, {
    purpose: 'plan.final-report',
    attemptGroup: 'final',
    template: 'plan.final-report',
    data: { ...report, timeZone: input.timeZone },
  });
  if (carry.schedulesEnsured) {
    await planActivities.removeDutySchedules({ planId: input.planId, dutyKeys: input.recurringDuties.map((d) => d.key) });
  }
  status = 'CLOSED';
  await condition(allHandlersFinished);
  return state();
}

// The signature the API starts this workflow with (domain/workflows.ts).
actionPlanWorkflow satisfies WorkflowSignatures['actionPlanWorkflow'];
