// Started by a recurring duty's Temporal Schedule (Goal 1 community session
// monthly, Goal 3 court-user survey quarterly): creates the period's action
// item and starts its workflow. The item's recurrenceKey is unique and the item
// workflow id rejects duplicates, so a double fire or a retry cannot create two.
import type { WorkflowSignatures } from '../domain/workflows';
import { WorkflowIdReusePolicy, defineSearchAttributeKey, SearchAttributeType, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, getExternalWorkflowHandle, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { PlanActivities } from '../domain/contracts/planActivities';
import { itemAddedSignal, type RecurringDutyRunInputV1, type RecurringDutyRunResultV1 } from '../domain/contracts/plan';
import { localDateOf, parseCivilDate } from '../domain/time/cityTime';
import { actionItemWorkflow } from './actionItem';
import { dutyPeriod } from '../domain/time/planCalendar';
import { PLAN_ACTIVITY_OPTIONS } from '../domain/retry';
import { ITEM_ADDED_BY_API_PATCH } from '../domain/patches';

const planActivities = proxyActivities<PlanActivities>(PLAN_ACTIVITY_OPTIONS);

const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export async function recurringDutyWorkflow(input: RecurringDutyRunInputV1): Promise<RecurringDutyRunResultV1> {
  // The schedule's nominal fire time decides the period, not when a worker got to it.
  const localDate = input.periodOf
    ? parseCivilDate(input.periodOf)
    : localDateOf(workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME) ?? new Date(Date.now()), input.timeZone);
  const period = dutyPeriod(input.duty.cadence, localDate, input.timeZone, input.duty.dueLocalTime, input.holidayCalendar);
  const recurrenceKey = `${input.duty.key}:${period.key}`;

  const item = await planActivities.createRecurringItem({
    planId: input.planId,
    duty: input.duty,
    periodKey: period.key,
    recurrenceKey,
    dueAt: period.dueAt,
  });

  let workflowStarted = true;
  try {
    await startChild(actionItemWorkflow, {
      workflowId: item.workflowId,
      args: [
        {
          version: 1,
          itemId: item.itemId,
          planId: input.planId,
          planWorkflowId: input.planWorkflowId,
          goalId: item.goalId,
          title: item.title,
          ownerId: input.duty.ownerId,
          sponsorId: input.duty.sponsorId,
          dueAt: item.dueAt,
          timeZone: input.timeZone,
          policyVersion: input.policyVersion,
          ladder: input.itemLadder,
        },
      ],
      // The item outlives this short workflow.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    workflowStarted = false;
  }
  // Items no longer announce themselves (see actionItem.ts); the duty does it for its item.
  if (workflowStarted && patched(ITEM_ADDED_BY_API_PATCH)) {
    try {
      await getExternalWorkflowHandle(input.planWorkflowId).signal(itemAddedSignal, { itemId: item.itemId, goalId: item.goalId, title: item.title, dueAt: item.dueAt });
    } catch {
      // The plan has closed; nothing to count.
    }
  }
  return { itemId: item.itemId, recurrenceKey, created: item.created, workflowStarted };
}

// The signature the API starts this workflow with (domain/workflows.ts).
recurringDutyWorkflow satisfies WorkflowSignatures['recurringDutyWorkflow'];
