// Statement approval workflow contract (a child of the incident workflow).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';
import type { Role } from '../roles';

export interface StatementWorkflowInputV1 {
  version: 1;
  statementId: string;
  incidentId: string;
  incidentNumber: string;
  incidentWorkflowId: string;
  kind: string;
  deadlineKey: string | null;
  policyVersion: string;
  firstDraft: { title: string; body: string; author: ActorV1 };
}

export interface DecisionRequestV1 {
  /** The version the approver read; a stale decision is refused (409). */
  version: number;
  decision: 'APPROVE' | 'REJECT';
  comment?: string;
  approver: ActorV1;
}

export interface ReviseRequestV1 {
  title: string;
  body: string;
  author: ActorV1;
}

export interface ApprovalStepStateV1 {
  role: Role;
  decision: 'APPROVED' | 'REJECTED' | null;
  approverId: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export interface StatementStateV1 {
  version: 1;
  statementId: string;
  kind: string;
  status: 'PENDING_APPROVAL' | 'CHANGES_REQUESTED' | 'PUBLISHED' | 'WITHDRAWN';
  currentVersion: number;
  /** The role whose decision is awaited, or null. */
  awaiting: Role | null;
  chain: ApprovalStepStateV1[];
  publishedAt: string | null;
}

export const decideUpdate = defineUpdate<StatementStateV1, [DecisionRequestV1]>('decide');
export const reviseUpdate = defineUpdate<StatementStateV1, [ReviseRequestV1]>('revise');
export const statementStateQuery = defineQuery<StatementStateV1>('statementState');
