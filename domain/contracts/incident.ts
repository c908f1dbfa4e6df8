// Incident workflow message contract. Defined once; the API imports these.
// Versioned: add a V2 type beside V1 rather than changing V1 while incidents run.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';
import type { Role } from '../roles';
import type { SeverityLevel } from '../policy/schema';
import type { StatementTranslationsV1 } from '../statementText';
import type { HoldStateV1 } from './holds';

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

/** PHONE: pressed 1 on a call; EMAIL_REPLY: replied to the incident email (matched by its signed reply-to address). */
export type AckChannel = 'API' | 'WEB' | 'EMAIL_LINK' | 'SMS' | 'PHONE' | 'EMAIL_REPLY';
export const ACK_CHANNELS: readonly AckChannel[] = ['API', 'WEB', 'EMAIL_LINK', 'SMS', 'PHONE', 'EMAIL_REPLY'];

export interface AcknowledgeRequestV1 {
  personId: string;
  via: AckChannel;
  /** Who acknowledged, when it was someone else on the person's behalf (the city manager for a silent official). */
  by?: ActorV1;
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

/** Sent by the API after it recorded the withdrawal of a published statement, so the workflow tells who must know. */
export interface StatementWithdrawnV1 {
  statementId: string;
  title: string;
  /** The public note. */
  note: string;
  withdrawnAt: string;
  by: ActorV1;
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
  /** Phone calls placed to ask for an acknowledgement (absent before calls existed). */
  callsPlaced?: number;
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
  /** Set while a counsel's hold stops this deadline's clock. */
  heldSince?: string | null;
  heldBy?: string | null;
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
  /** Counsel's holds, active and ended (absent before holds existed). */
  holds?: HoldStateV1[];
}

export const acknowledgeUpdate = defineUpdate<AcknowledgeResultV1, [AcknowledgeRequestV1]>('acknowledge');
export const submitStatementUpdate = defineUpdate<SubmitStatementResultV1, [SubmitStatementRequestV1]>('submitStatement');
export const extendDeadlineUpdate = defineUpdate<DeadlineStateV1, [ExtendDeadlineRequestV1]>('extendDeadline');
export const closeIncidentUpdate = defineUpdate<IncidentStateV1, [CloseIncidentRequestV1]>('closeIncident');
export const statementPublishedSignal = defineSignal<[StatementPublishedV1]>('statementPublished');
export const statementWithdrawnSignal = defineSignal<[StatementWithdrawnV1]>('statementWithdrawn');
export const incidentStateQuery = defineQuery<IncidentStateV1>('incidentState');
