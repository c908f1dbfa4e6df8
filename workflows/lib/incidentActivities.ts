// The incident activities as the incident and statement workflows call them (one retry policy for both).
import { proxyActivities } from '@temporalio/workflow';
import type { IncidentActivities } from '../../domain/contracts/incidentActivities';
import { INCIDENT_ACTIVITY_OPTIONS } from '../../domain/retry';

export const incidentActivities = proxyActivities<IncidentActivities>(INCIDENT_ACTIVITY_OPTIONS);
