// Withdrawing a published statement, with a public note, by the roles the
// incident's pinned policy names (withdrawal.allowedRoles). The statement's
// approval workflow ended when it was published and the incident's workflow
// may have finished long ago, so the withdrawal is recorded here, atomically
// with its audit event; the incident workflow, while it runs, is then told so
// that it tells the people the policy names. The public record keeps the
// fact: what was published when, that it was withdrawn, and the note.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Db } from '../lib/db';
import { appendAudit } from '../lib/audit';
import type { ActorV1 } from '../domain/contracts/common';
import { statementWithdrawnSignal } from '../domain/contracts/incident';
import { rolesInWords } from '../domain/policy/approvalChain';
import { conflict, forbidden, notFound } from './errors';
import { isPermittedUnder, pinnedPolicyOf } from './policyView';

export async function withdrawStatement(
  { db, temporal }: { db: Db; temporal: Client },
  { statementId, note, by }: { statementId: string; note: string; by: ActorV1 },
) {
  const statement = await db.statement.findUnique({ where: { id: statementId }, include: { incident: true } });
  if (!statement) throw notFound(`statement ${statementId}`);
  const { incident } = statement;
  const withdrawal = pinnedPolicyOf(incident.policyVersion)?.withdrawal;
  if (!withdrawal) throw conflict(`incident ${incident.number} follows policy ${incident.policyVersion}, under which statements cannot be withdrawn`, 'no_withdrawal_in_policy');
  if (!isPermittedUnder(incident.policyVersion, by.roles, 'withdrawStatements')) {
    throw forbidden(`only ${rolesInWords(withdrawal.allowedRoles)} may withdraw a published statement`);
  }

  const at = new Date();
  const withdrawn = await db.$transaction(async (tx) => {
    // Conditional: a second withdrawal (or a double click) finds it no longer PUBLISHED.
    const changed = await tx.statement.updateMany({
      where: { id: statementId, status: 'PUBLISHED' },
      data: { status: 'WITHDRAWN', withdrawnAt: at, withdrawnById: by.personId, withdrawalNote: note },
    });
    if (changed.count === 0) return false;
    await appendAudit(tx, {
      actorId: by.personId,
      actorLabel: by.name,
      action: 'statement.withdrawn',
      entityType: 'Statement',
      entityId: statementId,
      incidentId: incident.id,
      at,
      data: { kind: statement.kind, publishedVersion: statement.publishedVersion, note },
    });
    return true;
  });
  if (!withdrawn) {
    const now = await db.statement.findUniqueOrThrow({ where: { id: statementId }, select: { status: true } });
    throw conflict(`statement is ${now.status.toLowerCase().replace('_', ' ')}; only a published statement can be withdrawn`, 'statement_not_published');
  }

  const title = await db.statementVersion.findFirst({ where: { statementId, version: statement.publishedVersion ?? statement.currentVersion }, select: { title: true } });
  try {
    await temporal.workflow.getHandle(incident.workflowId).signal(statementWithdrawnSignal, {
      statementId,
      title: title?.title ?? '',
      note,
      withdrawnAt: at.toISOString(),
      by,
    });
  } catch (err) {
    // A finished incident workflow tells nobody; the withdrawal itself is recorded and public.
    if (!(err instanceof WorkflowNotFoundError)) console.error(JSON.stringify({ component: 'withdrawal', msg: 'could not tell the incident workflow', error: (err as Error).message }));
  }
  return { statementId, status: 'WITHDRAWN' as const, withdrawnAt: at.toISOString(), note };
}
