// Every activity the worker registers, built from injected dependencies so the
// worker, the tests and the benchmarks wire the same code to different
// providers. Each domain contributes one factory; add yours to the merge below.
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Mailer, SmsClient } from './notifications/providers';
import { createIncidentActivities } from './incidents';
import { createMaintenanceActivities } from './maintenance';
import { createNotificationActivities, createSmsRates } from './notifications';
import { createPlanActivities } from './plan';
import { createSessionActivities } from './sessions';
import { createPublicFanOutActivities } from './publicFanOut';
import { createCourtSurveyActivities } from './courtSurvey';
import { createCommentActivities } from './comments';
import { createWarmUpActivities } from './warmUp';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsClient;
  config: Config;
  /** For activities that start or signal other workflows (the action plan). */
  temporal?: Client;
}

export function createActivities(activityDeps: ActivityDeps) {
  // One SMS rate per sender number, whoever the text is for, kept with every other worker through the database.
  const deps = { ...activityDeps, smsRates: createSmsRates(activityDeps.config, activityDeps.db) };
  return {
    ...createNotificationActivities(deps),
    ...createIncidentActivities(deps),
    ...createPlanActivities(deps),
    ...createMaintenanceActivities(deps),
    ...createSessionActivities(deps),
    ...createPublicFanOutActivities(deps),
    ...createCourtSurveyActivities(deps),
    ...createCommentActivities(deps),
    ...createWarmUpActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
