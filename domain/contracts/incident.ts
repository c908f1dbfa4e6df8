// Incident workflow message contract. Defined once; the API imports these.
// Versioned: add a V2 type beside V1 rather than changing V1 while incidents run.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';
import type { Role } from '../roles';
import type { SeverityLevel } from '../policy/schema';
import type { StatementTranslationsV1 } from '../statementText';

export interface DeclareIncidentInputV1 {
  version: 1;
  incidentId: string; // Incident.id (row written by the API before the start)
  incidentNumber: string; // CI-2026-0007
  type: string; // policy incident type key
  severity: SeverityLevel;
  title: string;
  summary: string;
  declaredBy: ActorV1;
  declaredAt: string; // ISO
  policyVersion: string; // pinned for the life of the incident
}

export type AckChannel = 'API' | 'WEB' | 'EMAIL_LINK' | 'SMS';

export interface AcknowledgeRequestV1 {
  personId: string;
  via: AckChannel;
}
export interface AcknowledgeResultV1 {
  personId: string;
  acknowledgedAt: string;
  alreadyAcknowledged: boolean;
}

export interface SubmitStatementRequestV1 {
  kind: string; // policy statement kind, e.g. HOLDING_STATEMENT
  title: string;
  body: string;
  /** The same statement in other languages, written and approved with it. */
  translations?: StatementTranslationsV1;
  author: ActorV1;
}
export interface SubmitStatementResultV1 {
  statementId: string;
  workflowId: string;
  deadlineKey: string | null;
}

export interface ExtendDeadlineRequestV1 {
  deadlineKey: string;
  newDueAt: string; // ISO, must be later than the current due time
  reason: string;
  by: ActorV1;
}

export interface CloseIncidentRequestV1 {
  summary: string;
  by: ActorV1;
}

/** Sent by a statement workflow (by workflow id, so it reaches the latest run). */
export interface StatementPublishedV1 {
  statementId: string;
  kind: string;
  deadlineKey: string | null;
  publishedAt: string;
}

export interface RecipientStateV1 {
  personId: string;
  name: string;
  role: Role;
  kind: 'PRIMARY' | 'BACKUP';
  standsInForId: string | null;
  notifiedAt: string;
  acknowledgedAt: string | null;
  escalatedToBackupAt: string | null;
  reportedSilentAt: string | null;
}

export interface DeadlineStateV1 {
  key: string;
  kind: string;
  title: string;
  dueAt: string;
  originalDueAt: string;
  status: 'OPEN' | 'MET' | 'MISSED' | 'WAIVED';
  metAt: string | null;
  overdueAt: string | null;
  remindersSent: number;
  escalationsSent: number;
}

export interface StatementRefV1 {
  statementId: string;
  kind: string;
  deadlineKey: string | null;
  workflowId: string;
  published: boolean;
}

export interface IncidentStateV1 {
  version: 1;
  incidentId: string;
  incidentNumber: string;
  status: 'ACTIVE' | 'CLOSED';
  severity: SeverityLevel;
  policyVersion: string;
  recipients: RecipientStateV1[];
  deadlines: DeadlineStateV1[];
  statements: StatementRefV1[];
  closedAt: string | null;
}

export const acknowledgeUpdate = defineUpdate<AcknowledgeResultV1, [AcknowledgeRequestV1]>('acknowledge');
export const submitStatementUpdate = defineUpdate<SubmitStatementResultV1, [SubmitStatementRequestV1]>('submitStatement');
export const extendDeadlineUpdate = defineUpdate<DeadlineStateV1, [ExtendDeadlineRequestV1]>('extendDeadline');
export const closeIncidentUpdate = defineUpdate<IncidentStateV1, [CloseIncidentRequestV1]>('closeIncident');
export const statementPublishedSignal = defineSignal<[StatementPublishedV1]>('statementPublished');
export const incidentStateQuery = defineQuery<IncidentStateV1>('incidentState');
