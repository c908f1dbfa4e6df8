// Request and response schemas shared by the routers. Requests are validated
// with these; responses are documented with them (OpenAPI), and the handlers
// build their bodies to match.
import { z } from 'zod';
import type { ReviseAndApprove, StatementDecision } from '../services/statementActions';
import { DEFAULT_LANGUAGE, languages } from '../lib/i18n';
import type { StatementTranslationsV1 } from '../domain/statementText';
import { ROLES } from '../domain/roles';
import { SYSTEM_ACTOR_CODES } from '../domain/systemActors';
import { isInFuture } from '../domain/overdue';
import { IDEMPOTENCY_KEY } from '../services/declareIncident';
import { refusalParams } from '../services/errors';
import { currentPolicyView, isPolicySeverity } from '../services/policyView';
import { idField, languageTag, nonBlankText, offsetDateTime, plainText } from './fields';
import { policyEnum } from './openapi';
import { IncidentHoldsSchema } from './holdSchemas';

const isoDate = z.string().openapi({ format: 'date-time', example: '2026-11-21T15:04:05.000Z' });
const roleEnum = z.enum(ROLES);

/** `CI-2026-0007` or the incident's internal id. */

export const IncidentIdParams = z.object({
  id: idField().openapi({ description: 'Incident number (CI-2026-0007) or internal id', example: 'CI-2026-0007' }),
});

// ------------------------------------------------------------------ requests

const nonBlank = nonBlankText;

/**
 * The statement in the city's other languages ({ "es": { title, body } }),
 * written beside the original and approved with it: one optional member per
 * language under locales/ other than the default, so the document names them.
 */
const StatementTranslationsRequest = z
  .object(
    Object.fromEntries(
      languages()
        .filter((language) => language !== DEFAULT_LANGUAGE)
        .map((language) => [language, z.object({ title: nonBlank(200), body: nonBlank(20000) }).strict().optional()]),
    ),
  )
  .strict()
  .transform((value) => Object.fromEntries(Object.entries(value).filter(([, text]) => text !== undefined)) as StatementTranslationsV1)
  .optional()
  .openapi({ description: 'The same statement in other languages, approved with it; a language left out is published in the original words' });

/** The type is checked against the current policy by the declaration (field `type`). */
export const DeclareIncidentRequest = z
  .object({
    type: z
      .string()
      .min(1)
      .max(64)
      .openapi({ description: "Incident type key from the policy's definition", example: 'OFFICER_INVOLVED_SHOOTING', ...policyEnum('incidentTypes') }),
    severity: z
      .number()
      .int()
      .refine(isPolicySeverity, () => ({ message: `must be one of: ${currentPolicyView().severities.join(', ')}`, params: refusalParams({ code: 'invalid_choice' }) }))
      .openapi({ description: 'Severity level from the policy (GET /api/policy; 1 is the most severe)', example: 1, ...policyEnum('severities') }),
    title: nonBlank(200),
    summary: nonBlank(5000),
    location: plainText(200).optional(),
  })
  .strict()
  .openapi('DeclareIncidentRequest');

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 1-200 visible ASCII characters')
    .optional()
    .openapi({ description: 'Any unique string of 1-200 visible ASCII characters. A repeat with the same key returns the first incident (200).' }),
});

export const AcknowledgeRequest = z
  .object({
    personId: idField()
      .optional()
      .openapi({ description: "Defaults to the caller. Acknowledging for someone else needs the policy's acknowledgeForOthers permission." }),
  })
  .strict()
  .openapi('AcknowledgeRequest');

export const SubmitStatementRequest = z
  .object({
    kind: z.string().min(1).max(64).openapi({ description: 'Statement kind key from the policy', example: 'HOLDING_STATEMENT', ...policyEnum('statementKinds') }),
    title: nonBlank(200),
    body: nonBlank(20000),
    translations: StatementTranslationsRequest,
  })
  .strict()
  .openapi('SubmitStatementRequest');

export const ReviseStatementRequest = z
  .object({
    statementId: idField(),
    title: nonBlank(200),
    body: nonBlank(20000),
    translations: StatementTranslationsRequest,
  })
  .strict()
  .openapi('ReviseStatementRequest');

export const StatementDraftRequest = z.union([SubmitStatementRequest, ReviseStatementRequest]).openapi('StatementDraftRequest', {
  description: 'Without statementId: a new draft of `kind`. With statementId: a revision after changes were requested.',
});

/**
 * The service's decision (services/statementActions.ts StatementDecisionRequest), with its rule "a
 * rejection needs a comment" stated as two shapes, so the document can say it.
 */
const decisionVersion = z.number().int().min(1).openapi({ description: 'The statement version the approver read' });
export const DecisionRequest = z
  .discriminatedUnion('decision', [
    z.object({ version: decisionVersion, decision: z.literal('APPROVE'), comment: plainText(5000).optional() }).strict(),
    z
      .object({ version: decisionVersion, decision: z.literal('REJECT'), comment: nonBlank(5000, 1, { message: 'a rejection needs a comment for the author', code: 'comment_to_reject' }).openapi({ description: 'Required when rejecting: what the PIO should change' }) })
      .strict(),
  ])
  .openapi('DecisionRequest') satisfies z.ZodType<StatementDecision, z.ZodTypeDef, unknown>;

/** The service's revise-and-approve (services/statementActions.ts ReviseAndApproveRequest), strict like every request. */
export const ReviseAndApproveRequest = z
  .object({
    version: z.number().int().min(1).openapi({ description: 'The statement version the approver read and revised' }),
    title: nonBlank(200),
    body: nonBlank(20000),
    translations: StatementTranslationsRequest,
    comment: plainText(5000).optional().openapi({ description: 'What you changed; recorded with your approval' }),
  })
  .strict()
  .openapi('ReviseAndApproveRequest', {
    description: 'Your revision of the version you read; it becomes a new version by you, approved by you',
  }) satisfies z.ZodType<ReviseAndApprove, z.ZodTypeDef, unknown>;

export const ApprovalQueueQuery = z.object({
  awaiting: z
    .enum(['me', 'anyone'])
    .default('me')
    .openapi({ description: 'me: statements you may decide now (default); anyone: every statement in approval, with whose turn it is' }),
  lang: languageTag().optional().openapi({ description: "Policy words (kinds, deadline titles) in this language (e.g. es); unknown ones read as the default" }),
});

export const DeadlineParams = IncidentIdParams.extend({
  kind: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be a deadline key such as holding_statement')
    .openapi({ description: 'Deadline key within the incident, e.g. holding_statement or public_update_2' }),
});

export const ExtendDeadlineRequest = z
  .object({
    newDueAt: offsetDateTime().refine((s) => isInFuture(s, Date.now()), { message: 'must be in the future', params: refusalParams({ code: 'in_past' }, true) }),
    reason: nonBlank(2000, 3).openapi({ description: 'Why: at least 3 characters besides surrounding white space' }),
  })
  .strict()
  .openapi('ExtendDeadlineRequest');

export const CloseIncidentRequest = z.object({ summary: nonBlank(20000) }).strict().openapi('CloseIncidentRequest');

export const ListIncidentsQuery = z.object({
  status: z.enum(['ACTIVE', 'CLOSED']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const NotificationsQuery = z.object({
  incidentId: idField().optional().openapi({ description: 'Incident number or id' }),
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
  deadlines: z.object({ open: z.number(), overdue: z.number(), met: z.number(), missed: z.number(), held: z.number().openapi({ description: "Stopped by a counsel's hold" }) }),
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
    acknowledgedBy: z
      .object({ personId: z.string(), name: z.string() })
      .nullable()
      .optional()
      .openapi({ description: 'Who acknowledged on this person\'s behalf (null: the person, or nobody yet)' }),
    escalatedToBackupAt: isoDate.nullable(),
    reportedSilentAt: isoDate.nullable(),
    callsPlaced: z.number().int().optional().openapi({ description: 'Acknowledgement calls placed to them (severities the policy calls at)' }),
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
  heldSince: isoDate.nullable().openapi({ description: "Set while a counsel's hold stops this deadline's clock" }),
  extensions: z.array(z.object({ fromDueAt: isoDate, toDueAt: isoDate, reason: z.string(), byId: z.string(), at: isoDate })),
}).openapi('Deadline');

export const StatementStateSchema = z
  .object({
    version: z.literal(1),
    statementId: z.string(),
    kind: z.string(),
    status: z.enum(['PENDING_APPROVAL', 'CHANGES_REQUESTED', 'APPROVED', 'PUBLISHED', 'WITHDRAWN']).openapi({
      description: "APPROVED: every approval given, publication held by a counsel's hold (heldBy)",
    }),
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
    heldBy: z
      .object({ holdId: z.string(), category: z.string(), placedAt: isoDate })
      .nullable()
      .optional()
      .openapi({ description: 'While APPROVED: the hold publication waits behind' }),
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
    withdrawnAt: isoDate.nullable(),
    withdrawnById: z.string().nullable(),
    withdrawalNote: z.string().nullable().openapi({ description: 'Public' }),
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
    systemActor: z
      .enum(SYSTEM_ACTOR_CODES)
      .nullable()
      .openapi({ description: 'The part of the system that acted on its own (pages name it in their language by this code); null otherwise (a person: actorLabel names them)' }),
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
    holds: IncidentHoldsSchema,
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
    channel: z.enum(['EMAIL', 'SMS', 'VOICE']),
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
  movedBy: z.enum(['extension', 'hold']).nullable().openapi({ description: "Why the due time moved: an extension, or the end of a counsel's hold" }),
  status: z.enum(['open', 'met', 'missed', 'waived', 'held']).openapi({
    description: "met: its deliverable was published; missed: marked missed, or still open past its due time; held: a counsel's hold stops its clock",
  }),
  metOnTime: z.boolean().nullable(),
  heldByCounsel: z
    .object({ since: isoDate, reason: z.string().openapi({ description: "The hold's category, e.g. Litigation" }) })
    .nullable(),
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

export const PublicWithdrawnStatementSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    kindLabel: z.string(),
    publishedAt: isoDate,
    withdrawnAt: isoDate,
    note: z.string().openapi({ description: 'The public note given with the withdrawal' }),
    deadlineKey: z.string().nullable(),
  })
  .openapi('PublicWithdrawnStatement');

export const PublicHoldSchema = z
  .object({
    id: z.string(),
    covers: z.string().openapi({ example: 'every final investigation report' }),
    statementKind: z.string().nullable(),
    reason: z.string().openapi({ description: 'The category label; the detail is never published', example: 'Litigation' }),
    category: z.string(),
    status: z.enum(['active', 'released', 'lapsed']),
    since: isoDate,
    lapsesAt: isoDate,
    endedAt: isoDate.nullable(),
  })
  .openapi('PublicHold');

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
    deadlines: z.object({ open: z.number(), met: z.number(), missed: z.number(), held: z.number() }),
    heldByCounsel: z.boolean().openapi({ description: "A counsel's hold is active" }),
  })
  .openapi('PublicIncidentSummary');

export const PublicIncidentSchema = PublicIncidentSummarySchema.extend({
  statements: z.array(PublicStatementSchema),
  withdrawnStatements: z.array(PublicWithdrawnStatementSchema),
  deadlineList: z.array(PublicDeadlineSchema),
  holds: z.array(PublicHoldSchema),
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
    title: z.string().nullable().openapi({ description: "The draft's title; null for readers who may not read drafts (need to know)" }),
    body: z.string().nullable().openapi({ description: "The draft's text; null for readers who may not read drafts (need to know)" }),
    translations: z
      .record(z.object({ title: z.string(), body: z.string() }))
      .nullable()
      .openapi({ description: 'The same version in other languages, approved with it; null for readers who may not read drafts' }),
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
