// Every workflow's signature, by the type name the worker registers it under.
// The API and scripts start workflows through these (services/temporal.ts), so
// the compiler checks a start's arguments against the workflow it starts; each
// workflow module checks itself against its entry here.
import type { ActionItemInputV1, ActionItemStateV1, ActionPlanInputV1, ActionPlanStateV1, RecurringDutyRunInputV1, RecurringDutyRunResultV1 } from './contracts/plan';
import type { DeclareIncidentInputV1, IncidentStateV1 } from './contracts/incident';
import type { IncidentRunOptionsV1 } from './contracts/incidentRun';
import type { StatementStateV1, StatementWorkflowInputV1 } from './contracts/statement';
import type { FanOutProgressV1, PublicFanOutInputV1 } from './contracts/publicFanOut';
import type { SubscriptionWorkflowInputV1, SubscriptionWorkflowResultV1 } from './contracts/subscription';
import type { CommentResponseInputV1, CommentResponseResultV1 } from './contracts/comments';
import type { AuditCheckpointV1, ReconcileReportV1 } from './contracts/maintenance';
import type { CourtSurveyInvitationInputV1, CourtSurveyInvitationResultV1 } from './contracts/courtSurvey';
import type { EngagementSessionInputV1, EngagementSessionStateV1 } from './contracts/engagementSession';

export interface WorkflowSignatures {
  incidentWorkflow(input: DeclareIncidentInputV1, options?: IncidentRunOptionsV1): Promise<IncidentStateV1>;
  statementApprovalWorkflow(input: StatementWorkflowInputV1): Promise<StatementStateV1>;
  actionPlanWorkflow(input: ActionPlanInputV1): Promise<ActionPlanStateV1>;
  actionItemWorkflow(input: ActionItemInputV1): Promise<ActionItemStateV1>;
  recurringDutyWorkflow(input: RecurringDutyRunInputV1): Promise<RecurringDutyRunResultV1>;
  publicFanOutWorkflow(input: PublicFanOutInputV1): Promise<FanOutProgressV1>;
  subscriptionWorkflow(input: SubscriptionWorkflowInputV1): Promise<SubscriptionWorkflowResultV1>;
  commentResponseWorkflow(input: CommentResponseInputV1): Promise<CommentResponseResultV1>;
  reconcileWorkflow(): Promise<ReconcileReportV1>;
  auditCheckpointWorkflow(): Promise<AuditCheckpointV1 | null>;
  courtSurveyInvitationWorkflow(input: CourtSurveyInvitationInputV1): Promise<CourtSurveyInvitationResultV1>;
  courtSurveyQuarterWorkflow(): Promise<{ published: string[] }>;
  engagementSessionWorkflow(input: EngagementSessionInputV1): Promise<EngagementSessionStateV1>;
}

export type WorkflowType = keyof WorkflowSignatures;
