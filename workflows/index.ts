// The worker's workflowsPath: re-export every workflow function here, and
// nothing else (this file is bundled into the deterministic workflow sandbox).
export { actionPlanWorkflow } from './plan';
export { actionItemWorkflow } from './actionItem';
export { recurringDutyWorkflow } from './planDuty';
export { incidentWorkflow } from './incident';
export { statementApprovalWorkflow } from './statement';
export { reconcileWorkflow, auditCheckpointWorkflow } from './maintenance';
export { sessionSweepWorkflow } from './sessionSweep';
export { publicFanOutWorkflow } from './publicFanOut';
export { subscriptionWorkflow } from './subscription';
export { courtSurveyInvitationWorkflow, courtSurveyQuarterWorkflow } from './courtSurvey';
export { commentResponseWorkflow } from './commentResponse';
export { engagementSessionWorkflow } from './engagementSession';
export { warmUpWorkflow } from './warmUp';
