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
 * Recommended options for `proxyActivities<NotificationActivities>(...)`.
 * No attempt limit: a provider outage delays messages, it must not drop them.
 * A workflow that must not wait on delivery should run notifyPerson in the
 * background (e.g. without awaiting it before starting its own timers).
 */
export const NOTIFICATION_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: NOTIFICATION_RETRY.initialIntervalMs,
    backoffCoefficient: NOTIFICATION_RETRY.backoffCoefficient,
    maximumInterval: NOTIFICATION_RETRY.maximumIntervalMs,
    nonRetryableErrorTypes: [FailureType.UndeliverableRecipient, FailureType.InvalidInput],
  },
};

/**
 * Incident and statement persistence. A database outage delays the workflow;
 * it never fails it. The listed types are mistakes retrying cannot fix.
 */
export const INCIDENT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [FailureType.NotFound, FailureType.InvalidState, FailureType.InvalidInput],
  },
};

const PLAN_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Action items and recurring duties: progress, reschedules, escalations, schedules. */
export const PLAN_ACTIVITY_OPTIONS: ActivityOptions = { startToCloseTimeout: '1 minute', retry: PLAN_RETRY };

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
