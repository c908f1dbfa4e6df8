// Statement approval workflow contract (a child of the incident workflow).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActorV1 } from './common';
import type { Role } from '../roles';
import type { StatementTranslationsV1 } from '../statementText';

export interface StatementWorkflowInputV1 {
  version: 1;
  statementId: string;
  incidentId: string;
  incidentNumber: string;
  incidentWorkflowId: string;
  kind: string;
  deadlineKey: string | null;
  policyVersion: string;
  firstDraft: { title: string; body: string; author: ActorV1; translations?: StatementTranslationsV1 };
  /**
   * The incident's severity, which picks the chain (policy approval.chainRules).
   * Absent in statements started before chains depended on it: those use the
   * chain their policy gives every severity.
   */
  severity?: number;
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
  translations?: StatementTranslationsV1;
  author: ActorV1;
}

/**
 * The approver whose turn it is rewrites the text and approves it in one step.
 * It becomes a new version by them; since they wrote it, their step is then
 * decided by someone else (see statementApprovalWorkflow).
 */
export interface ReviseAndApproveRequestV1 {
  /** The version the approver read and revised; a stale one is refused (409). */
  version: number;
  title: string;
  body: string;
  translations?: StatementTranslationsV1;
  /** What they changed, recorded with their approval. */
  comment?: string;
  approver: ActorV1;
}

export interface ApprovalStepStateV1 {
  role: Role;
  decision: 'APPROVED' | 'REJECTED' | null;
  approverId: string | null;
  decidedAt: string | null;
  comment: string | null;
  /** Who may decide this step (absent in older states: the role alone). */
  deciders?: Role[];
  /** The author of this version holds `role`, so `deciders` (the policy's stand-ins) decide in its place. */
  standIn?: boolean;
  /** The role the approver decided as (a stand-in role, or `role`). */
  decidedAs?: Role | null;
  /** Set when this step's approver revised and approved this version: they wrote it, so someone else decides. */
  revisedBy?: string | null;
}

/** The counsel's hold a fully approved statement waits behind. */
export interface PublicationHeldByV1 {
  holdId: string;
  category: string;
  placedAt: string;
}

export interface StatementStateV1 {
  version: 1;
  statementId: string;
  kind: string;
  /** APPROVED: every approval given, publication held by counsel (see heldBy); it publishes when the hold ends. */
  status: 'PENDING_APPROVAL' | 'CHANGES_REQUESTED' | 'APPROVED' | 'PUBLISHED' | 'WITHDRAWN';
  currentVersion: number;
  /** The role whose decision is awaited, or null. */
  awaiting: Role | null;
  chain: ApprovalStepStateV1[];
  publishedAt: string | null;
  /** The roles that may decide the awaited step (its stand-ins when the author holds `awaiting`). */
  awaitingRoles?: Role[];
  /** When the awaited step received this version (its reminder clock). */
  awaitingSince?: string | null;
  /** Who wrote the version in approval: they never decide on it. */
  authorId?: string;
  /** While APPROVED: the hold publication waits behind. */
  heldBy?: PublicationHeldByV1 | null;
}

/** Sent by the incident workflow when a counsel's hold ends: a held statement tries to publish again. */
export interface PublicationReleasedV1 {
  holdId: string;
}

export const decideUpdate = defineUpdate<StatementStateV1, [DecisionRequestV1]>('decide');
export const reviseUpdate = defineUpdate<StatementStateV1, [ReviseRequestV1]>('revise');
export const reviseAndApproveUpdate = defineUpdate<StatementStateV1, [ReviseAndApproveRequestV1]>('reviseAndApprove');
export const statementStateQuery = defineQuery<StatementStateV1>('statementState');
export const publicationReleasedSignal = defineSignal<[PublicationReleasedV1]>('publicationReleased');
