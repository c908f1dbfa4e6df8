// Retry shapes for activities, shared by the workflows that schedule them and
// the activity interceptor that computes jittered delays for provider errors.
import type { ActivityOptions } from '@temporalio/common';
import { FailureType } from './failures';

/**
 * Retry shape for notification activities. The Temporal server's backoff is
 * exponential without jitter, so the activity interceptor
 * (activities/interceptors.ts) sets an explicit nextRetryDelay for provider
 * failures: this same exponential curve with jitter applied, and never less
 * than the provider's Retry-After.
 */
export const NOTIFICATION_RETRY = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
} as const;

/**
 * How soon an attempt on a worker that died is given up and retried on
 * another. Activities heart-beat while they run (activities/interceptors.ts),
 * so a live attempt is never cut short by it. Changing timeouts does not
 * change a workflow's commands: saved histories replay.
 */
export const ACTIVITY_HEARTBEAT_TIMEOUT = '10s';

/**
 * Recommended options for `proxyActivities<NotificationActivities>(...)`.
 * No attempt limit: a provider outage delays messages, it must not drop them
 * (a message no provider takes within its delivery window is given up by the
 * activity itself, which the workflow then falls back from). A workflow that
 * must not wait on delivery should run notifyPerson in the background (e.g.
 * without awaiting it before starting its own timers).
 */
export const NOTIFICATION_ACTIVITY_OPTIONS: ActivityOptions = {
  // Room for a wait for a send slot (at most 10 s) and the provider's own timeout (15 s); an
  // attempt on a worker that died is retried after the heartbeat timeout, not this.
  startToCloseTimeout: '60s',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: NOTIFICATION_RETRY.initialIntervalMs,
    backoffCoefficient: NOTIFICATION_RETRY.backoffCoefficient,
    maximumInterval: NOTIFICATION_RETRY.maximumIntervalMs,
    nonRetryableErrorTypes: [FailureType.UndeliverableRecipient, FailureType.InvalidInput, FailureType.PermanentDatabaseError],
  },
};

/**
 * Incident and statement persistence. A database outage delays the workflow;
 * it never fails it. The listed types are mistakes retrying cannot fix.
 */
export const INCIDENT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [FailureType.NotFound, FailureType.InvalidState, FailureType.InvalidInput, FailureType.PermanentDatabaseError],
  },
};

const PLAN_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Action items and recurring duties: progress, reschedules, escalations, schedules. */
export const PLAN_ACTIVITY_OPTIONS: ActivityOptions = { startToCloseTimeout: '1 minute', heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT, retry: PLAN_RETRY };

/** The plan itself: monthly snapshots and the final report read the whole plan. */
export const PLAN_REPORT_ACTIVITY_OPTIONS: ActivityOptions = { startToCloseTimeout: '2 minutes', retry: PLAN_RETRY };

/**
 * Telling the public: starting a fan-out, reading a page of subscribers,
 * sending a batch. Like notifications, no attempt limit (an outage delays the
 * news, it does not drop it); a batch that hit the sender's SMS rate is
 * retried when a slot is free (ProviderRateLimitError through the interceptor).
 */
export const PUBLIC_FAN_OUT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: NOTIFICATION_RETRY.initialIntervalMs,
    backoffCoefficient: NOTIFICATION_RETRY.backoffCoefficient,
    maximumInterval: NOTIFICATION_RETRY.maximumIntervalMs,
    nonRetryableErrorTypes: [FailureType.InvalidInput],
  },
};
