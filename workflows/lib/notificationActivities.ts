// The notification activities as every workflow calls them (one retry policy for all).
import { proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../../domain/contracts/notificationActivities';
import { NOTIFICATION_ACTIVITY_OPTIONS } from '../../domain/retry';

export const notificationActivities = proxyActivities<NotificationActivities>(NOTIFICATION_ACTIVITY_OPTIONS);
