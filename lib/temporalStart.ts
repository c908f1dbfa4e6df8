// Starting a workflow exactly once under its business id, shared by the API's
// services and by the activities that repair what a crash left unstarted.
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowSignatures, WorkflowType } from '../domain/workflows';

/** Starting a workflow takes milliseconds; past this (a loaded server) the caller treats the start as failed. */
export const START_DEADLINE_MS = 10_000;

/**
 * `started`: this call started the workflow (also when the server's answer was
 * lost on the way back to us but the workflow is running under the id).
 * `already-started`: the server refused the id, because a workflow already
 * has it (REJECT_DUPLICATE, FAIL on conflict).
 */
export type StartOutcome = 'started' | 'already-started';

/**
 * Starts a workflow once under its business id, typed by the workflow it
 * starts. When unsure whether the start reached the server (no answer in
 * time), it asks whether the workflow is running; throws when it is not.
 */
export async function startWorkflowOnce<T extends WorkflowType>(
  temporal: Client,
  taskQueue: string,
  workflowType: T,
  workflowId: string,
  args: Parameters<WorkflowSignatures[T]>,
  options: { memo?: Record<string, string> } = {},
): Promise<StartOutcome> {
  try {
    await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      temporal.workflow.start<WorkflowSignatures[T]>(workflowType, {
        taskQueue,
        workflowId,
        args,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        ...(options.memo ? { memo: options.memo } : {}),
      } as WorkflowStartOptions<WorkflowSignatures[T]>),
    );
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
    if (await isRunning(temporal, workflowId)) return 'started';
    throw err;
  }
}

/** True when a workflow with this id is running now (false when unknown or the server cannot say). */
export async function isRunning(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await temporal.withDeadline(Date.now() + 2_000, () => temporal.workflow.getHandle(workflowId).describe());
    return description.status.name === 'RUNNING';
  } catch {
    return false;
  }
}

/**
 * True when the workflow under this id was started for `value` (its memo says
 * so): a start that answered "already started" may have lost a race with a
 * repair of the same record, which is no conflict at all.
 */
export async function startedFor(temporal: Client, workflowId: string, memoKey: string, value: string): Promise<boolean> {
  try {
    const description = await temporal.withDeadline(Date.now() + 5_000, () => temporal.workflow.getHandle(workflowId).describe());
    return description.memo?.[memoKey] === value;
  } catch {
    return false;
  }
}

/** True only when the server says no workflow ever ran under this id (not when it cannot be asked). */
export async function neverStarted(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    await temporal.withDeadline(Date.now() + 5_000, () => temporal.workflow.getHandle(workflowId).describe());
    return false;
  } catch (err) {
    return err instanceof WorkflowNotFoundError;
  }
}
