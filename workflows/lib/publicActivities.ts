// The public fan-out and subscription activities as workflows call them (one retry policy).
import { proxyActivities } from '@temporalio/workflow';
import type { PublicFanOutActivities } from '../../domain/contracts/publicFanOut';
import type { SubscriptionActivities } from '../../domain/contracts/subscription';
import { PUBLIC_FAN_OUT_ACTIVITY_OPTIONS } from '../../domain/retry';

export const publicActivities = proxyActivities<PublicFanOutActivities & SubscriptionActivities>(PUBLIC_FAN_OUT_ACTIVITY_OPTIONS);
