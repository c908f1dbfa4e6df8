import type { Client } from '@temporalio/client';
import type { UpdateDefinition, QueryDefinition } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ActorV1 } from '../domain/contracts/common';
import { HttpError, conflict } from './errors';

/** How long a person waits for a workflow to answer an update before we say "try again". */
export const UPDATE_DEADLINE_MS = 15_000;
/** Reads fall back to the database quickly when the workflow cannot answer. */
export const QUERY_DEADLINE_MS = 3_000;

/** The person acting, as workflows record them. */
export const actorOf = (caller: { person: { id: string; name: string; roles: readonly ActorV1['roles'][number][] } }): ActorV1 => ({
  personId: caller.person.id,
  name: caller.person.name,
  roles: [...caller.person.roles],
});

/**
 * Sends a human action to a workflow as an Update and waits for its answer.
 * A workflow that has already finished cannot take actions: that is the
 * caller's 409 (`whenClosed`), not a 404, because the thing itself exists.
 */
export async function executeUpdate<Ret, Arg>(
  temporal: Client,
  workflowId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  whenClosed: string,
): Promise<Ret> {
  const handle = temporal.workflow.getHandle(workflowId);
  try {
    return await temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => handle.executeUpdate(update, { args: [arg] }));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw conflict(whenClosed, 'workflow_closed');
    if (isDeadlineOrCancel(err)) {
      throw new HttpError(503, 'unavailable', 'the workflow did not answer in time; try again shortly');
    }
    throw err;
  }
}

function isDeadlineOrCancel(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  if (name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  const code = (err as { cause?: { code?: number } })?.cause?.code ?? (err as { code?: number })?.code;
  return code === 4; // gRPC DEADLINE_EXCEEDED
}

/** Live state from a workflow query, or undefined when the workflow cannot answer right now. */
export async function tryQuery<Ret>(temporal: Client, workflowId: string, query: QueryDefinition<Ret, []>): Promise<Ret | undefined> {
  try {
    return await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).query(query));
  } catch {
    return undefined;
  }
}

// Starting a workflow once is shared with the activities that repair unstarted workflows (lib/).
export { START_DEADLINE_MS, isRunning, neverStarted, sleepingItem, startItemWorkflowOnce, startWorkflowOnce, startedFor, type StartOutcome } from '../lib/temporalStart';
