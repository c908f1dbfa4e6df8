// The Temporal Schedules behind a plan's recurring duties: one per duty,
// firing on the first of each month (or quarter) of the plan, each fire
// starting a recurringDutyWorkflow that creates that period's item. Both
// activities are idempotent: a Schedule that already exists (or is already
// gone) counts as done.
import { Context } from '@temporalio/activity';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import { recurringDutyScheduleId } from '../domain/ids';
import type { PlanActivities } from '../domain/contracts/planActivities';
import { dutyMonths, planCalendarSpan } from '../domain/time/planCalendar';
import { daysInMonth, zonedTimeToInstant } from '../domain/time/cityTime';

export interface DutyScheduleDeps {
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
  /** Defaults to the worker's own client (Context.current().client). */
  temporal?: Client;
}

export function createDutyScheduleActivities(deps: DutyScheduleDeps): Pick<PlanActivities, 'ensureDutySchedules' | 'removeDutySchedules'> {
  const temporal = (): Client => deps.temporal ?? Context.current().client;

  return {
    async ensureDutySchedules(input) {
      const client = temporal();
      const { first, last } = planCalendarSpan(input.startDate, input.months);
      const startAt = zonedTimeToInstant({ ...first, day: 1 }, { hour: 0, minute: 0 }, input.timeZone);
      const lastDay = { ...last, day: daysInMonth(last.year, last.month) };
      const endAt = zonedTimeToInstant(lastDay, { hour: 23, minute: 59 }, input.timeZone);
      const scheduleIds: string[] = [];
      for (const duty of input.duties) {
        const scheduleId = recurringDutyScheduleId(input.planId, duty.key);
        scheduleIds.push(scheduleId);
        try {
          await client.schedule.create({
            scheduleId,
            spec: {
              // 09:00 on the 1st is never inside a DST gap or overlap (those are at 01:00-03:00).
              calendars: [{ month: dutyMonths(duty.cadence).map((m) => MONTH_NAMES[m - 1]), dayOfMonth: 1, hour: 9, minute: 0 }],
              timezone: input.timeZone,
              startAt,
              endAt,
            },
            action: {
              type: 'startWorkflow',
              workflowType: 'recurringDutyWorkflow',
              workflowId: `${scheduleId}-run`,
              taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
              args: [
                {
                  version: 1,
                  planId: input.planId,
                  planWorkflowId: input.planWorkflowId,
                  timeZone: input.timeZone,
                  holidayCalendar: input.holidayCalendar,
                  policyVersion: input.policyVersion,
                  itemLadder: input.itemLadder,
                  duty,
                },
              ],
            },
            policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '7 days' },
            // The period the plan starts in gets its item now rather than at the next fire.
            state: { triggerImmediately: true, note: `Recurring duty ${duty.key} of plan ${input.planId}` },
          });
        } catch (err) {
          if (!(err instanceof ScheduleAlreadyRunning)) throw err;
        }
      }
      return { scheduleIds };
    },

    async removeDutySchedules({ planId, dutyKeys }) {
      const client = temporal();
      for (const key of dutyKeys) {
        try {
          await client.schedule.getHandle(recurringDutyScheduleId(planId, key)).delete();
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
    },
  };
}

const MONTH_NAMES = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
] as const;
