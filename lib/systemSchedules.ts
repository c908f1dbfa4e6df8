// The Temporal Schedules behind the system's upkeep: the reconciler every few
// minutes and the audit checkpoint once a day. Created (or brought up to date)
// when a worker starts; several workers starting at once agree, because a
// Schedule's id is unique.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from './config';

export const RECONCILE_SCHEDULE_ID = 'common-ground-reconcile';
export const AUDIT_CHECKPOINT_SCHEDULE_ID = 'common-ground-audit-checkpoint';
export const COURT_SURVEY_QUARTER_SCHEDULE_ID = 'common-ground-court-survey-quarter';

type ScheduleConfig = Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'CITY_TIME_ZONE' | 'RECONCILE_EVERY_MINUTES'>;

export function systemSchedules(config: ScheduleConfig): ScheduleOptions[] {
  return [
    {
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: `${config.RECONCILE_EVERY_MINUTES}m` }] },
      action: { type: 'startWorkflow', workflowType: 'reconcileWorkflow', workflowId: 'reconcile', taskQueue: config.TEMPORAL_TASK_QUEUE, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
    {
      scheduleId: AUDIT_CHECKPOINT_SCHEDULE_ID,
      // Once a day, early, so the day's checkpoint is on the public site by morning.
      spec: { calendars: [{ hour: 5, minute: 30 }], timezone: config.CITY_TIME_ZONE },
      action: { type: 'startWorkflow', workflowType: 'auditCheckpointWorkflow', workflowId: 'audit-checkpoint', taskQueue: config.TEMPORAL_TASK_QUEUE, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
    {
      scheduleId: COURT_SURVEY_QUARTER_SCHEDULE_ID,
      // The first morning of each quarter publishes the court-user survey's quarter that just closed (and any missed before it).
      spec: { calendars: [{ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 6, minute: 0 }], timezone: config.CITY_TIME_ZONE },
      action: { type: 'startWorkflow', workflowType: 'courtSurveyQuarterWorkflow', workflowId: 'court-survey-quarter', taskQueue: config.TEMPORAL_TASK_QUEUE, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    },
  ];
}

/** Creates the system's Schedules, or updates their spec and action when they exist. */
export async function ensureSystemSchedules(temporal: Client, config: ScheduleConfig): Promise<string[]> {
  const ids: string[] = [];
  for (const options of systemSchedules(config)) {
    try {
      await temporal.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await temporal.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
    }
    ids.push(options.scheduleId);
  }
  return ids;
}
