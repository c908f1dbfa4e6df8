// Recording that a statement went out: its row and the audit event, written
// the same way by both publishing activities (the one from before counsel's
// holds, kept for running workflows, and the one that checks for a hold).
import type { Statement } from '../generated/prisma/client';
import { appendAudit, type TxClient } from '../lib/audit';
import { SYSTEM_ACTORS } from '../domain/systemActors';

/** Who the audit log names for what the statement workflow does on its own. */
export const STATEMENT_SYSTEM_ACTOR = SYSTEM_ACTORS.STATEMENT_WORKFLOW;

export async function recordPublication(
  tx: TxClient,
  statement: Pick<Statement, 'id' | 'incidentId' | 'kind' | 'deadlineKey'>,
  version: number,
  when: Date,
): Promise<void> {
  await tx.statement.update({
    where: { id: statement.id },
    data: { status: 'PUBLISHED', publishedVersion: version, publishedAt: when, currentVersion: version },
  });
  await appendAudit(tx, {
    actorLabel: STATEMENT_SYSTEM_ACTOR,
    action: 'statement.published',
    entityType: 'Statement',
    entityId: statement.id,
    incidentId: statement.incidentId,
    at: when,
    data: { version, kind: statement.kind, deadlineKey: statement.deadlineKey },
  });
}
