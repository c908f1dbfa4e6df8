// Starting a workflow exactly once under its business id (and a session's
// reminder workflow by signal-with-start), shared by the API's services and by
// the activities that repair what a crash left unstarted.
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowSignatures, WorkflowType } from '../domain/workflows';
import { sessionChangedSignal, type SessionScheduleV1 } from '../domain/contracts/engagementSession';
import { actionItemWorkflowId, engagementSessionWorkflowId } from '../domain/ids';
import type { ActionItemInputV1, LadderEventV1 } from '../domain/contracts/plan';
import { itemStartDelay } from '../domain/planLadder';
import type { EngagementPolicy } from '../domain/policy/schema';
import type { Config } from './config';
import { sessionSchedule, sessionWorkflowInput, type SessionRowForInput } from './workflowInputs';

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
  options: { memo?: Record<string, unknown>; startDelayMs?: number } = {},
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
        ...(options.startDelayMs ? { startDelay: options.startDelayMs } : {}),
      } as WorkflowStartOptions<WorkflowSignatures[T]>),
    );
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
    if (await isRunning(temporal, workflowId)) return 'started';
    throw err;
  }
}

/**
 * Starts an action item's workflow once, asleep until its ladder comes near
 * (ITEM_WORKFLOW_WAKE_LEAD_SECONDS): the API, the reconciler and the seed all
 * start items here, so an item sleeps the same however it was started.
 */
export function startItemWorkflowOnce(
  temporal: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'ITEM_WORKFLOW_WAKE_LEAD_SECONDS'>,
  input: ActionItemInputV1,
): Promise<StartOutcome> {
  const { firstStep, delayMs } = itemStartDelay(input, Date.now(), config.ITEM_WORKFLOW_WAKE_LEAD_SECONDS * 1000);
  // What an item's page shows while it sleeps: its first step cannot change without waking it.
  const memo = delayMs > 0 ? { [FIRST_STEP_MEMO]: firstStep } : undefined;
  return startWorkflowOnce(temporal, config.TEMPORAL_TASK_QUEUE, 'actionItemWorkflow', actionItemWorkflowId(input.itemId), [input], { startDelayMs: delayMs, memo });
}

/** The memo key under which a sleeping item's workflow keeps its first ladder step. */
export const FIRST_STEP_MEMO = 'firstStep';

/**
 * A sleeping item's workflow: when the server wakes it and the step it wakes
 * for; undefined once it has run (or when the server cannot say).
 */
export async function sleepingItem(temporal: Client, workflowId: string): Promise<{ wakesAt: string; nextEvent: LadderEventV1 | null } | undefined> {
  try {
    const description = await temporal.withDeadline(Date.now() + 2_000, () => temporal.workflow.getHandle(workflowId).describe());
    const wakesAt = description.executionTime;
    // Its history is the start alone until the server wakes it (or an update does).
    const asleep = description.status.name === 'RUNNING' && wakesAt !== undefined && wakesAt > description.startTime && description.historyLength <= 1;
    if (!asleep) return undefined;
    return { wakesAt: wakesAt.toISOString(), nextEvent: (description.memo?.[FIRST_STEP_MEMO] as LadderEventV1 | undefined) ?? null };
  } catch {
    return undefined;
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

/**
 * Where a workflow id stands: `running`, `closed` (it ran and ended),
 * `never` (the server never heard of it) or `unknown` (the server could not
 * be asked, so nothing should be decided on it).
 */
export async function workflowStanding(temporal: Client, workflowId: string): Promise<'running' | 'closed' | 'never' | 'unknown'> {
  try {
    const description = await temporal.withDeadline(Date.now() + 5_000, () => temporal.workflow.getHandle(workflowId).describe());
    return description.status.name === 'RUNNING' ? 'running' : 'closed';
  } catch (err) {
    return err instanceof WorkflowNotFoundError ? 'never' : 'unknown';
  }
}

/**
 * Tells a session's reminder workflow of the session as its row now is.
 * Signal-with-start is the conflict policy: a running workflow takes the
 * change (an older revision than it holds is ignored); a finished or
 * never-started one starts with it, announcing the session only when
 * `announce`. So the API and the reconciler may both call this for one
 * session, in any order. Cancelled and held sessions only signal: there is
 * nothing to start for them, and no policy is needed.
 */
export async function tellSessionWorkflow(
  temporal: Client,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'PUBLIC_BASE_URL'>,
  row: SessionRowForInput,
  engagement: () => EngagementPolicy,
  announce: boolean,
): Promise<void> {
  const workflowId = engagementSessionWorkflowId(row.id);
  if (row.status !== 'SCHEDULED') {
    try {
      await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).signal(sessionChangedSignal, sessionSchedule(row, config)));
    } catch (err) {
      // Finished already (its last reminder sent and the session begun): nothing is left to stop.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return;
  }
  const input = sessionWorkflowInput(row, engagement(), config, announce);
  await temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    temporal.workflow.signalWithStart<WorkflowSignatures['engagementSessionWorkflow'], [SessionScheduleV1]>('engagementSessionWorkflow', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [input],
      signal: sessionChangedSignal,
      signalArgs: [input.schedule],
    }),
  );
}
