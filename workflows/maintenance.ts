// The system's upkeep, each run started by a Temporal Schedule
// (lib/systemSchedules.ts): one activity, retried a few times, then left to
// the next run.
import { proxyActivities } from '@temporalio/workflow';
import type { WorkflowSignatures } from '../domain/workflows';
import type { AuditCheckpointV1, MaintenanceActivities, ReconcileReportV1 } from '../domain/contracts/maintenance';

const maintenance = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function reconcileWorkflow(): Promise<ReconcileReportV1> {
  return maintenance.reconcileWorkflows({});
}

export async function auditCheckpointWorkflow(): Promise<AuditCheckpointV1 | null> {
  return maintenance.signAuditCheckpoint({});
}

reconcileWorkflow satisfies WorkflowSignatures['reconcileWorkflow'];
auditCheckpointWorkflow satisfies WorkflowSignatures['auditCheckpointWorkflow'];
