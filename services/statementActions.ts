// Statements through their approval chain: a drafter submits a new draft
// (to the incident workflow, which starts the statement's approval workflow)
// or revises one after changes were requested; approvers decide on the
// version they read, or revise it and approve the revision in one step.
// Whose turn it is, the statement workflow decides.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../lib/db';
import type { ActorV1 } from '../domain/contracts/common';
import type { Role } from '../domain/roles';
import { submitStatementUpdate } from '../domain/contracts/incident';
import { decideUpdate, reviseAndApproveUpdate, reviseUpdate, type StatementStateV1 } from '../domain/contracts/statement';
import { statementWorkflowId } from '../domain/ids';
import { badRequest, conflict, forbidden, notFound } from './errors';
import { findIncident, findStatement, isStatementFinished, statementWorkflowOf } from './incidentViews';
import type { IncidentClients } from './incidentActions';
import { noLongerRunning } from './incidentActions';
import { isPermittedUnder, statementKindKeys } from './policyView';
import { executeUpdate } from './temporal';
import { DEFAULT_LANGUAGE, isLanguage, languages } from '../lib/i18n';
import type { StatementTranslationsV1 } from '../domain/statementText';

export interface StatementText {
  title: string;
  body: string;
  /** The same statement in other languages, approved with it. */
  translations?: StatementTranslationsV1;
}

/**
 * The statement in the city's other languages (es: { title, body }), written
 * beside the original and approved with it; a language left out is published
 * in the original's words with a note saying so.
 */
export const StatementTranslationsRequest = z
  .record(
    z.string(),
    z.object({
      title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
      body: z.string().trim().min(1, 'must not be empty').max(20000, 'must be at most 20000 characters'),
    }),
  )
  .superRefine((value, ctx) => {
    for (const language of Object.keys(value)) {
      if (!isLanguage(language) || language === DEFAULT_LANGUAGE) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [language], message: `must be one of: ${languages().filter((l) => l !== DEFAULT_LANGUAGE).join(', ')}` });
      }
    }
  })
  .optional()
  .describe('The statement in other languages: { "es": { "title": ..., "body": ... } }');

export async function submitStatement(
  { db, temporal }: IncidentClients,
  { incidentId, kind, text, author }: { incidentId: string; kind: string; text: StatementText; author: ActorV1 },
) {
  const incident = await findIncident(db, incidentId);
  const kinds = statementKindKeys();
  if (!kinds.includes(kind)) throw badRequest('kind', `must be one of: ${kinds.join(', ')}`, 'invalid_input', { code: 'invalid_choice' });
  // No closed-incident check here: deliverables owed after closing (the after-action review) are
  // still submitted; the workflow answers 409 for anything no longer owed.
  return executeUpdate(temporal, incident.workflowId, submitStatementUpdate, { kind, ...text, author }, noLongerRunning(incident));
}

export async function reviseStatement(
  { db, temporal }: IncidentClients,
  { incidentId, statementId, text, author }: { incidentId: string; statementId: string; text: StatementText; author: ActorV1 },
) {
  const incident = await findIncident(db, incidentId);
  const statement = await db.statement.findUnique({ where: { id: statementId } });
  if (!statement || statement.incidentId !== incident.id) throw notFound(`statement ${statementId} of incident ${incident.number}`);
  if (isStatementFinished(statement)) {
    throw conflict(`statement is ${statement.status.toLowerCase()}; it can no longer be revised`, 'statement_not_revisable');
  }
  return executeUpdate(
    temporal,
    statementWorkflowOf(statement),
    reviseUpdate,
    { ...text, author },
    `statement ${statement.id} is no longer in approval`,
  );
}

export const StatementDecisionRequest = z
  .object({
    version: z.number().int().min(1).describe('The statement version the approver read'),
    decision: z.enum(['APPROVE', 'REJECT']),
    comment: z.string().trim().max(5000).optional().describe('Required when rejecting'),
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'REJECT' && !value.comment) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['comment'], message: 'a rejection needs a comment for the author' });
    }
  });

export type StatementDecision = z.infer<typeof StatementDecisionRequest>;

/**
 * Whether these roles decide statements under the policy the statement's
 * incident pinned (not the current one): an incident declared under an earlier
 * version keeps its approvers. Whose turn it is, the workflow decides.
 */
export async function decidesStatementsOf(db: Db, statementId: string, roles: readonly Role[]): Promise<boolean> {
  const row = await db.statement.findUnique({ where: { id: statementId }, select: { incident: { select: { policyVersion: true } } } });
  return row !== null && isPermittedUnder(row.incident.policyVersion, roles, 'decideStatements');
}

async function assertDecidesStatementsOf(db: Db, statementId: string, approver: ActorV1): Promise<void> {
  if (!(await decidesStatementsOf(db, statementId, approver.roles))) {
    throw forbidden("your role does not decide statements under this incident's policy");
  }
}

/**
 * Sends the decision to the statement's workflow, which decides whether it is
 * this approver's turn. Separation of duties is checked on the person, not
 * the role: whoever wrote the version cannot approve or reject it, whatever
 * other role they also hold.
 */
export async function decideOnStatement(
  { db, temporal }: IncidentClients,
  statement: { id: string; workflowId: string | null },
  decision: StatementDecision,
  approver: ActorV1,
): Promise<StatementStateV1> {
  await assertDecidesStatementsOf(db, statement.id, approver);
  const version = await db.statementVersion.findUnique({
    where: { statementId_version: { statementId: statement.id, version: decision.version } },
    select: { authorId: true },
  });
  if (version?.authorId === approver.personId) {
    throw forbidden(`you wrote version ${decision.version} of this statement; another approver must decide on it`);
  }
  return executeUpdate(
    temporal,
    statement.workflowId || statementWorkflowId(statement.id),
    decideUpdate,
    { version: decision.version, decision: decision.decision, comment: decision.comment || undefined, approver },
    `statement ${statement.id} is no longer awaiting decisions`,
  );
}

/** A decision through the API: the statement must exist and still be in approval. */
export async function decideStatement(
  { db, temporal }: IncidentClients,
  { statementId, approver, ...decision }: StatementDecision & { statementId: string; approver: ActorV1 },
): Promise<StatementStateV1> {
  const statement = await findStatement(db, statementId);
  if (isStatementFinished(statement)) throw conflict(`statement is already ${statement.status.toLowerCase()}`, 'statement_not_awaiting_decision');
  return decideOnStatement({ db, temporal }, statement, decision, approver);
}

export const ReviseAndApproveRequest = z.object({
  version: z.number().int().min(1).describe('The statement version the approver read and revised'),
  title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  body: z.string().trim().min(1, 'must not be empty').max(20000, 'must be at most 20000 characters'),
  translations: StatementTranslationsRequest,
  comment: z.string().trim().max(5000).optional().describe('What you changed; recorded with your approval'),
});

export type ReviseAndApprove = z.infer<typeof ReviseAndApproveRequest>;

/**
 * The approver whose turn it is writes a new version and approves it in one
 * step. The workflow refuses it when it is not their turn (403), when the
 * version is stale (409), or when nobody else could then approve their step
 * (403: they should send it back instead).
 */
export async function reviseAndApproveStatement(
  { db, temporal }: IncidentClients,
  { statementId, approver, version, title, body, translations, comment }: ReviseAndApprove & { statementId: string; approver: ActorV1 },
): Promise<StatementStateV1> {
  const statement = await findStatement(db, statementId);
  if (isStatementFinished(statement)) throw conflict(`statement is already ${statement.status.toLowerCase()}`, 'statement_not_awaiting_decision');
  await assertDecidesStatementsOf(db, statement.id, approver);
  return executeUpdate(
    temporal,
    statementWorkflowOf(statement),
    reviseAndApproveUpdate,
    { version, title, body, ...(translations ? { translations } : {}), comment: comment || undefined, approver },
    `statement ${statement.id} is no longer awaiting decisions`,
  );
}
