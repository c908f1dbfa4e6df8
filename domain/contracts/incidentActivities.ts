// What the incident and statement workflows may ask of the incident
// activities. Types only: workflows import this file, never the
// implementation (activities/incidents.ts uses Prisma and Node).
//
// Every time is an ISO string taken from workflow time and passed in, so the
// database, the audit trail and the workflow agree on when things happened
// (and time-skipping tests see skipped time, not wall time).
import type { ActorV1 } from './common';
import type { AckChannel, DeadlineStateV1 } from './incident';
import type { HoldScopeV1 } from './holds';
import type { PublicationHeldByV1 } from './statement';
import type { Policy, SeverityLevel } from '../policy/schema';
import type { Role } from '../roles';
import type { StatementTranslationsV1 } from '../statementText';

export interface PersonRefV1 {
  personId: string;
  name: string;
}

export interface ResolvedRecipientV1 extends PersonRefV1 {
  /** The role this person is notified in (the first of the severity's roles they hold). */
  role: Role;
  /** Who stands in when this person stays silent; null when none is on file (or inactive). */
  backup: PersonRefV1 | null;
}

export interface BackupAssignmentV1 {
  primaryId: string;
  backupId: string;
  /** The role the backup stands in for (the primary's). */
  role: Role;
}

/**
 * What the Deadline row holds: the contract's deadline state without the
 * workflow's notice counters (a hold on its clock is written apart, by holdDeadlineClocks).
 */
export type DeadlineRowV1 = Omit<DeadlineStateV1, 'remindersSent' | 'escalationsSent' | 'heldSince' | 'heldBy'>;

export type PublicationOutcomeV1 = { published: true; publishedAt: string } | { published: false; heldBy: PublicationHeldByV1 };

export interface DeadlineClockChangeV1 {
  key: string;
  /** Set: the clock stopped then (by holdId); null: it runs again, due at dueAt. */
  heldSince: string | null;
  holdId: string | null;
  dueAt: string;
}

export interface PersonWithRolesV1 extends PersonRefV1 {
  roles: Role[];
}

export interface AfterActionReportSummaryV1 {
  incidentId: string;
  generatedAt: string;
  final: boolean;
  deadlinesMet: number;
  deadlinesMissed: number;
  acknowledged: number;
  recipients: number;
  statementsPublished: number;
}

export interface DeclarationSetUpV1 {
  policy: Policy;
  recipients: ResolvedRecipientV1[];
}

export interface IncidentActivities {
  /** The pinned policy document; its content lands in history, so replays and continue-as-new keep it. */
  loadIncidentPolicy(input: { version: string }): Promise<Policy>;

  /** Active people holding any of the roles, with their roles (ordered by name). */
  listPeopleByRoles(input: { roles: Role[] }): Promise<PersonWithRolesV1[]>;

  /** Finds the primary recipients for the severity's roles and records them on the incident. */
  resolveIncidentRecipients(input: { incidentId: string; roles: Role[]; at: string }): Promise<ResolvedRecipientV1[]>;

  /**
   * A declaration's set-up in one round trip: the pinned policy (as
   * loadIncidentPolicy) and the primary recipients its severity names,
   * recorded on the incident (as resolveIncidentRecipients).
   */
  prepareDeclaration(input: { version: string; severity: SeverityLevel; incidentId: string; at: string }): Promise<DeclarationSetUpV1>;

  /** Marks primaries as escalated and records their backups as BACKUP recipients. */
  recordBackupEscalations(input: { incidentId: string; assignments: BackupAssignmentV1[]; at: string }): Promise<void>;

  /** Records that the city manager was told these people were silent. */
  recordSilentReport(input: { incidentId: string; silentPersonIds: string[]; reportedToIds: string[]; at: string }): Promise<void>;

  recordAcknowledgement(input: {
    incidentId: string;
    personId: string;
    via: AckChannel;
    at: string;
    /** Present when someone acknowledged on the person's behalf: the acting person. */
    by?: { personId: string; name: string };
  }): Promise<{ acknowledgedAt: string; alreadyAcknowledged: boolean }>;

  /** Creates deadlines that do not exist yet (by incident + key). */
  createDeadlines(input: { incidentId: string; deadlines: DeadlineRowV1[]; at: string }): Promise<void>;

  /** OPEN -> MISSED/MET/WAIVED, or records a late delivery (metAt) on a MISSED one. */
  updateDeadlineStatus(input: {
    incidentId: string;
    key: string;
    status: 'MET' | 'MISSED' | 'WAIVED';
    metAt: string | null;
    overdueAt: string | null;
    reason?: string;
    at: string;
  }): Promise<void>;

  /** Audit-only record of a reminder or overdue escalation sent for a deadline. */
  recordDeadlineNotice(input: {
    incidentId: string;
    key: string;
    notice: 'REMINDER' | 'ESCALATION';
    /** Reminder number (1-based) or escalation step (0-based). */
    sequence: number;
    notifiedPersonIds: string[];
    at: string;
  }): Promise<void>;

  extendDeadline(input: {
    incidentId: string;
    key: string;
    fromDueAt: string;
    toDueAt: string;
    reason: string;
    by: ActorV1;
    at: string;
  }): Promise<void>;

  /** Statement row + version 1 (status DRAFT). Idempotent by statementId. */
  createStatementDraft(input: {
    statementId: string;
    incidentId: string;
    workflowId: string;
    kind: string;
    deadlineKey: string | null;
    title: string;
    body: string;
    translations?: StatementTranslationsV1;
    author: ActorV1;
    at: string;
  }): Promise<void>;

  setStatementStatus(input: {
    statementId: string;
    status: 'PENDING_APPROVAL' | 'CHANGES_REQUESTED';
    version: number;
    at: string;
    actor: ActorV1 | null;
  }): Promise<void>;

  recordApproval(input: {
    statementId: string;
    version: number;
    role: Role;
    decision: 'APPROVED' | 'REJECTED';
    comment: string | null;
    approver: ActorV1;
    at: string;
  }): Promise<void>;

  /** New version N (status back to PENDING_APPROVAL). Idempotent by (statementId, version). */
  addStatementVersion(input: {
    statementId: string;
    version: number;
    title: string;
    body: string;
    translations?: StatementTranslationsV1;
    author: ActorV1;
    at: string;
  }): Promise<void>;

  /** Makes the approved version public. Returns the publication time (the first one on a retry). */
  publishStatement(input: { statementId: string; version: number; at: string }): Promise<{ publishedAt: string }>;

  /**
   * Publishes the approved version unless an active counsel's hold covers the
   * statement; a held one is marked APPROVED and the answer names the hold.
   * The hold check and the publication are one transaction under the
   * incident's row lock, as is placing a hold, so one of them comes first.
   */
  publishStatementUnlessHeld(input: { statementId: string; version: number; at: string }): Promise<PublicationOutcomeV1>;

  /** The hold row, with its private detail, and its audit event. Refused (InvalidState) for a statement already published. */
  recordHoldPlaced(input: {
    holdId: string;
    incidentId: string;
    scope: HoldScopeV1;
    category: string;
    detail: string;
    by: ActorV1;
    lapsesAt: string;
    notifiedPersonIds: string[];
    at: string;
  }): Promise<void>;

  /** A hold released (by a person) or lapsed at its limit (by: null), with who was told. */
  recordHoldEnded(input: {
    holdId: string;
    incidentId: string;
    status: 'RELEASED' | 'LAPSED';
    by: ActorV1 | null;
    note: string | null;
    notifiedPersonIds: string[];
    at: string;
  }): Promise<void>;

  /** Audit-only record of a reminder sent before a hold lapses. */
  recordHoldReminder(input: { holdId: string; incidentId: string; sequence: number; notifiedPersonIds: string[]; at: string }): Promise<void>;

  /** Deadlines whose clock a hold stopped (heldSince set) or restarted (heldSince null, with the new due time). */
  holdDeadlineClocks(input: { incidentId: string; changes: DeadlineClockChangeV1[]; at: string }): Promise<void>;

  /** Audit-only record of a round of acknowledgement calls. */
  recordAckCalls(input: { incidentId: string; calls: { personId: string; attempt: number }[]; at: string }): Promise<void>;

  closeIncident(input: { incidentId: string; summary: string; by: ActorV1; at: string }): Promise<void>;

  /** Builds the after-action report from the database and stores it on Incident.afterActionReport. */
  renderAfterActionReport(input: { incidentId: string; at: string; final: boolean }): Promise<AfterActionReportSummaryV1>;
}
