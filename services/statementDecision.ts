// An approver's decision on a statement, however it arrives (the JSON API or
// the signed review page): what a decision must say, and the update it becomes.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { ActorV1 } from '../domain/contracts/common';
import { decideUpdate, type StatementStateV1 } from '../domain/contracts/statement';
import { statementWorkflowId } from '../domain/ids';
import { executeUpdate } from './temporal';

export const StatementDecisionRequest = z
  .object({
    version: z.number().int().min(1).describe('The statement version the approver read'),
    decision: z.enum(['APPROVE', 'REJECT']),
    comment: z.string().trim().max(5000).optional().describe('Required when rejecting'),
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'REJECT' && !value.comment) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['comment'], message: 'a rejection needs a comment for the PIO' });
    }
  });

export type StatementDecision = z.infer<typeof StatementDecisionRequest>;

/** Sends the decision to the statement's workflow, which decides whether it is this approver's turn. */
export function decideOnStatement(
  temporal: Client,
  statement: { id: string; workflowId: string | null },
  decision: StatementDecision,
  approver: ActorV1,
): Promise<StatementStateV1> {
  return executeUpdate(
    temporal,
    statement.workflowId || statementWorkflowId(statement.id),
    decideUpdate,
    { version: decision.version, decision: decision.decision, comment: decision.comment || undefined, approver },
    `statement ${statement.id} is no longer awaiting decisions`,
  );
}
