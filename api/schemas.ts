// Request and response schemas shared by the routers. Requests are validated
// with these; responses are documented with them (OpenAPI), and the handlers
// build their bodies to match.
import { z } from 'zod';
import { ReviseAndApproveRequest as ReviseAndApproveBody, StatementDecisionRequest, StatementTranslationsRequest } from '../services/statementActions';
import { ROLES } from '../domain/roles';
import { isInFuture } from '../domain/overdue';
import { currentPolicyView, isPolicySeverity } from '../services/policyView';
import './openapi';

const isoDate = z.string().openapi({ format: 'date-time', example: '2026-11-21T15:04:05.000Z' });
const roleEnum = z.enum(ROLES);

/** `CI-2026-0007` or the incident's internal id. */

export const IncidentIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ description: 'Incident number (CI-2026-0007) or internal id', example: 'CI-2026-0007' }),
});

// ------------------------------------------------------------------ requests

const nonBlank = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** The type is checked against the current policy by the declaration (field `type`). */
export const DeclareIncidentRequest = z
  .object({
    type: z.string().min(1).max(64).openapi({ description: "Incident type key from the policy's definition", example: 'OFFICER_INVOLVED_SHOOTING' }),
    severity: z
      .number()
      .int()
      .refine(isPolicySeverity, () => ({ message: `must be one of: ${currentPolicyView().severities.join(', ')}` }))
      .openapi({ description: 'Severity level from the policy (GET /api/policy; 1 is the most severe)', example: 1 }),
    title: nonBlank(200),
    summary: nonBlank(5000),
    location: z.string().trim().max(200).optional(),
  })
  .openapi('DeclareIncidentRequest');

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({ description: 'Any unique string (1-200 visible characters). A repeat with the same key returns the first incident (200).' }),
});

export const AcknowledgeRequest = z
  .object({
    personId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Defaults to the caller. Acknowledging for someone else needs the policy's acknowledgeForOthers permission." }),
  })
  .openapi('AcknowledgeRequest');

export const SubmitStatementRequest = z
  .object({
    kind: z.string().min(1).max(64).openapi({ description: 'Statement kind key from the policy', example: 'HOLDING_STATEMENT' }),
    title: nonBlank(200),
    body: nonBlank(20000),
    translations: StatementTranslationsRequest,
  })
  .openapi('SubmitStatementRequest');

export const ReviseStatementRequest = z
  .object({
    statementId: z.string().min(1).max(64),
    title: nonBlank(200),
    body: nonBlank(20000),
    translations: StatementTranslationsRequest,
  })
  .openapi('ReviseStatementRequest');

export const StatementDraftRequest = z.union([SubmitStatementRequest, ReviseStatementRequest]).openapi('StatementDraftRequest', {
  description: 'Without statementId: a new draft of `kind`. With statementId: a revision after changes were requested.',
});

export const DecisionRequest = StatementDecisionRequest.openapi('DecisionRequest');

export const ReviseAndApproveRequest = ReviseAndApproveBody.openapi('ReviseAndApproveRequest', {
  description: 'Your revision of the version you read; it becomes a new version by you, approved by you',
});

export const ApprovalQueueQuery = z.object({
  awaiting: z
    .enum(['me', 'anyone'])
    .default('me')
    .openapi({ description: 'me: statements you may decide now (default); anyone: every statement in approval, with whose turn it is' }),
  lang: z.string().max(10).optional().openapi({ description: "Policy words (kinds, deadline titles) in this language (e.g. es); unknown ones read as the default" }),
});

export const DeadlineParams = IncidentIdParams.extend({
  kind: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be a deadline key such as holding_statement')
    .openapi({ description: 'Deadline key within the incident, e.g. holding_statement or public_update_2' }),
});

export const ExtendDeadlineRequest = z
  .object({
    newDueAt: z
      .string()
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-21T18:00:00-06:00' })
      .refine((s) => isInFuture(s, Date.now()), 'must be in the future')
      .openapi({ format: 'date-time' }),
    reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000),
  })
  .openapi('ExtendDeadlineRequest');

export const CloseIncidentRequest = z.object({ summary: nonBlank(20000) }).openapi('CloseIncidentRequest');

export const ListIncidentsQuery = z.object({
  status: z.enum(['ACTIVE', 'CLOSED']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const NotificationsQuery = z.object({
  incidentId: z.string().min(1).max(64).optional().openapi({ description: 'Incident number or id' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

// ------------------------------------------------------------------ responses

export const IncidentSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    workflowId: z.string(),
    type: z.string(),
    severity: z.number().int(),
    title: z.string(),
    summary: z.string(),
    location: z.string().nullable(),
    status: z.enum(['ACTIVE', 'CLOSED']),
    policyVersion: z.string(),
    declaredById: z.string(),
    declaredAt: isoDate,
    closedAt: isoDate.nullable(),
    closureSummary: z.string().nullable(),
  })
  .openapi('Incident');

export const IncidentListItemSchema = IncidentSchema.extend({
  acknowledgements: z.object({ expected: z.number(), acknowledged: z.number() }),
  deadlines: z.object({ open: z.number(), overdue: z.number(), met: z.number(), missed: z.number() }),
}).openapi('IncidentListItem');

export const RecipientSchema = z
  .object({
    personId: z.string(),
    name: z.string(),
    role: roleEnum,
    kind: z.enum(['PRIMARY', 'BACKUP']),
    standsInForId: z.string().nullable(),
    notifiedAt: isoDate,
    acknowledgedAt: isoDate.nullable(),
    escalatedToBackupAt: isoDate.nullable(),
    reportedSilentAt: isoDate.nullable(),
  })
  .openapi('Recipient');

/** What every deadline answer states, staff or public. */
const DeadlineFactsSchema = z.object({
  key: z.string(),
  kind: z.string(),
  title: z.string(),
  dueAt: isoDate,
  originalDueAt: isoDate,
  metAt: isoDate.nullable(),
});

export const DeadlineSchema = DeadlineFactsSchema.extend({
  status: z.enum(['OPEN', 'MET', 'MISSED', 'WAIVED']),
  overdueAt: isoDate.nullable(),
  overdue: z.boolean(),
  extensions: z.array(z.object({ fromDueAt: isoDate, toDueAt: isoDate, reason: z.string(), byId: z.string(), at: isoDate })),
}).openapi('Deadline');

export const StatementStateSchema = z
  .object({
    version: z.literal(1),
    statementId: z.string(),
    kind: z.string(),
    status: z.enum(['PENDING_APPROVAL', 'CHANGES_REQUESTED', 'PUBLISHED', 'WITHDRAWN']),
    currentVersion: z.number().int(),
    awaiting: roleEnum.nullable(),
    chain: z.array(
      z.object({
        role: roleEnum,
        decision: z.enum(['APPROVED', 'REJECTED']).nullable(),
        approverId: z.string().nullable(),
        decidedAt: isoDate.nullable(),
        comment: z.string().nullable(),
        deciders: z.array(roleEnum).optional().openapi({ description: 'Who may decide this step' }),
        standIn: z.boolean().optional().openapi({ description: "The author holds this step's role, so the policy's stand-ins decide it" }),
        decidedAs: roleEnum.nullable().optional().openapi({ description: 'The role the approver decided as' }),
        revisedBy: z.string().nullable().optional().openapi({ description: "This step's approver revised and approved the version; someone else decides the step" }),
      }),
    ),
    publishedAt: isoDate.nullable(),
    awaitingRoles: z.array(roleEnum).optional().openapi({ description: 'The roles that may decide the awaited step' }),
    awaitingSince: isoDate.nullable().optional(),
    authorId: z.string().optional().openapi({ description: 'Who wrote the version in approval; they never decide on it' }),
  })
  .openapi('StatementState');

export const StatementSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    incidentNumber: z.string(),
    kind: z.string(),
    deadlineKey: z.string().nullable(),
    workflowId: z.string(),
    status: z.enum(['DRAFT', 'PENDING_APPROVAL', 'CHANGES_REQUESTED', 'APPROVED', 'PUBLISHED', 'WITHDRAWN']),
    currentVersion: z.number().int(),
    publishedVersion: z.number().int().nullable(),
    publishedAt: isoDate.nullable(),
    createdById: z.string(),
    createdAt: isoDate,
    versions: z.array(
      z.object({
        version: z.number().int(),
        title: z.string(),
        body: z.string(),
        translations: z.record(z.object({ title: z.string(), body: z.string() })).openapi({ description: 'The same text in other languages, by language code' }),
        authorId: z.string(),
        authorName: z.string().nullable(),
        createdAt: isoDate,
      }),
    ),
    approvals: z.array(
      z.object({
        version: z.number().int(),
        approverId: z.string(),
        approverName: z.string().nullable(),
        role: roleEnum,
        decision: z.string(),
        comment: z.string().nullable(),
        decidedAt: isoDate,
      }),
    ),
    live: StatementStateSchema.nullable().openapi({ description: 'Approval chain position from the running workflow, when it answers' }),
  })
  .openapi('Statement');

export const AuditEntrySchema = z
  .object({
    seq: z.string(),
    at: isoDate,
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    data: z.record(z.unknown()),
  })
  .openapi('AuditEntry');

export const IncidentDetailSchema = z
  .object({
    incident: IncidentSchema,
    state: z.enum(['ACTIVE', 'CLOSED']),
    stateSource: z.enum(['workflow', 'database']).openapi({ description: 'workflow: live query answered; database: projection fallback' }),
    acknowledgements: z.object({ expected: z.number(), acknowledged: z.number(), silent: z.array(z.string()) }),
    recipients: z.array(RecipientSchema),
    deadlines: z.array(DeadlineSchema),
    statements: z.array(StatementSchema),
    timeline: z.array(AuditEntrySchema),
  })
  .openapi('IncidentDetail');

export const AcknowledgeResultSchema = z
  .object({ personId: z.string(), acknowledgedAt: isoDate, alreadyAcknowledged: z.boolean() })
  .openapi('AcknowledgeResult');

export const SubmitStatementResultSchema = z
  .object({ statementId: z.string(), workflowId: z.string(), deadlineKey: z.string().nullable() })
  .openapi('SubmitStatementResult');

export const NotificationSchema = z
  .object({
    id: z.string(),
    incidentId: z.string().nullable(),
    planId: z.string().nullable(),
    actionItemId: z.string().nullable(),
    personId: z.string().nullable(),
    personName: z.string().nullable(),
    channel: z.enum(['EMAIL', 'SMS']),
    toAddress: z.string(),
    purpose: z.string(),
    subject: z.string().nullable(),
    status: z.enum(['PENDING', 'SENT', 'DELIVERED', 'FAILED', 'UNDELIVERABLE']),
    provider: z.string(),
    providerMessageId: z.string().nullable(),
    providerStatus: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    fallbackForId: z.string().nullable(),
    createdAt: isoDate,
    sentAt: isoDate.nullable(),
    updatedAt: isoDate,
  })
  .openapi('Notification');

export const PublicDeadlineSchema = DeadlineFactsSchema.extend({
  extended: z.boolean(),
  status: z.enum(['open', 'met', 'missed', 'waived']).openapi({
    description: 'met: its deliverable was published; missed: marked missed, or still open past its due time',
  }),
  metOnTime: z.boolean().nullable(),
}).openapi('PublicDeadline');

export const PublicStatementSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    kindLabel: z.string(),
    title: z.string(),
    body: z.string(),
    language: z.string().openapi({ description: 'The language of title and body: the one asked for when the statement was approved in it, else the original' }),
    publishedAt: isoDate,
    deadlineKey: z.string().nullable(),
  })
  .openapi('PublicStatement');

export const PublicIncidentSummarySchema = z
  .object({
    number: z.string(),
    type: z.string(),
    typeLabel: z.string(),
    severity: z.number().int(),
    status: z.enum(['ACTIVE', 'CLOSED']),
    declaredAt: isoDate,
    closedAt: isoDate.nullable(),
    publishedStatements: z.number().int(),
    deadlines: z.object({ open: z.number(), met: z.number(), missed: z.number() }),
  })
  .openapi('PublicIncidentSummary');

export const PublicIncidentSchema = PublicIncidentSummarySchema.extend({
  statements: z.array(PublicStatementSchema),
  deadlineList: z.array(PublicDeadlineSchema),
}).openapi('PublicIncident');

const QueueStepSchema = z.object({
  role: roleEnum,
  roles: z.array(roleEnum).openapi({ description: 'Who may decide the step' }),
  standIn: z.boolean().openapi({ description: "The author holds the step's role, so the policy's stand-ins decide it" }),
});

export const ApprovalQueueItemSchema = z
  .object({
    statementId: z.string(),
    kind: z.string(),
    kindLabel: z.string(),
    incident: z.object({ number: z.string(), title: z.string(), severity: z.number().int() }),
    version: z.number().int().openapi({ description: 'The version in approval; decide on this one' }),
    title: z.string(),
    body: z.string(),
    translations: z.record(z.object({ title: z.string(), body: z.string() })).openapi({ description: 'The same version in other languages, approved with it' }),
    author: z.object({ id: z.string(), name: z.string().nullable() }),
    writtenAt: isoDate,
    awaiting: QueueStepSchema.extend({
      since: isoDate.nullable(),
      revisedBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    }),
    escalatesAt: isoDate.nullable().openapi({ description: 'When the policy escalates the awaited step if nobody decides' }),
    approved: z.array(z.object({ role: roleEnum, decidedAs: roleEnum, approverName: z.string().nullable(), decidedAt: isoDate.nullable() })),
    stillToCome: z.array(QueueStepSchema).openapi({ description: 'Approvals still to come after the awaited one, in order' }),
    deadline: z
      .object({
        key: z.string(),
        title: z.string(),
        dueAt: isoDate,
        status: z.enum(['OPEN', 'MET', 'MISSED', 'WAIVED']),
        overdue: z.boolean(),
        timeLeftSeconds: z.number().int().openapi({ description: 'Until the deadline, when this answer was made; negative once overdue' }),
      })
      .nullable(),
    mine: z.boolean().openapi({ description: 'You may decide it now' }),
    canReviseAndApprove: z.boolean(),
    revisionApprovedBy: z.array(roleEnum).openapi({ description: 'Who would approve your revision at this step in your place (empty when you may not revise and approve)' }),
  })
  .openapi('ApprovalQueueItem');

export const ApprovalQueueSchema = z
  .object({
    statements: z.array(ApprovalQueueItemSchema),
    unavailable: z.number().int().openapi({ description: 'Statements in approval whose workflow did not answer just now' }),
  })
  .openapi('ApprovalQueue');
