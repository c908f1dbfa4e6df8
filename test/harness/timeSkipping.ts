import fs from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { actorClaimSigner } from '../../lib/actorClaims';
import { createTestConfig } from './config';
import { eventually } from './eventually';
import { TEST_SERVER_WRAPPER } from './paths';
import { installQuietRuntime } from './runtime';

/**
 * Temporal's Java time-skipping test server, started through
 * scripts/temporal-test-server.sh (jars cached under ~/.cache, never
 * downloaded by the SDK). One environment per test file: time skipping is
 * global to the environment.
 */
const START_ATTEMPTS = 3;

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!fs.existsSync(TEST_SERVER_WRAPPER)) throw new Error(`missing ${TEST_SERVER_WRAPPER}`);
  installQuietRuntime();
  // Core gives the server 5 s to listen. Two JVMs starting at once on a loaded
  // 2-core CI machine can miss that, so a start that timed out is tried again
  // (on a fresh port) before the test file fails.
  for (let attempt = 1; ; attempt++) {
    // The environment's client signs updates as the API does, by the test server's (skipped) clock.
    let env: TestWorkflowEnvironment | undefined;
    const now = async () => (env ? Number(await env.currentTimeMs()) : Date.now());
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({
        client: { interceptors: { workflow: [actorClaimSigner(createTestConfig().ACTOR_CLAIM_SECRET, { now })] } },
        // No --enable-time-skipping: that flag starts the server with skipping
        // unlocked, while the SDK expects it locked and unlocks it itself around
        // result() and sleep() (with the flag, the first sleep() overshoots and the
        // server logs "Unbalanced lock and unlock calls").
        server: { executable: { type: 'existing-path', path: TEST_SERVER_WRAPPER } },
      });
      return env;
    } catch (err) {
      const slowStart = /did not start within/.test(String((err as Error)?.message ?? err));
      if (!slowStart || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

// Terminating a workflow on this server. Every workflow task, activity task,
// child-workflow start and signal to another workflow holds the server's
// time-skipping lock until it is answered; a termination drops the workflow
// without releasing those locks (an answer that comes after it is refused as
// "Completed workflow"), and from then on the server's clock only moves as
// fast as the wall clock: a later env.sleep('30 minutes') takes 30 minutes.
// DescribeWorkflowExecution on this server never reports the pending workflow
// task, so the only complete picture is the history.

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** What a run has outstanding on the server, read from its history. */
export interface OutstandingWork {
  /** A workflow task scheduled or being worked on. */
  workflowTask: boolean;
  /** Activities scheduled and not closed (queued, running, or waiting to retry). */
  activities: number;
  /** Child workflows initiated and not yet started (or failed to start). */
  childStarts: number;
  /** Signals to other workflows initiated and not yet delivered (or failed). */
  externalSignals: number;
  /** When each open timer fires, ms since epoch on the server's clock. */
  timersDueAt: number[];
}

const msOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t ? Number(String(t.seconds ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;

export function outstandingWork(events: readonly HistoryEvent[]): OutstandingWork {
  let workflowTask = false;
  const activities = new Set<number>();
  const childStarts = new Set<number>();
  const externalSignals = new Set<number>();
  const timers = new Map<number, number>();
  for (const event of events) {
    const id = Number(String(event.eventId));
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        workflowTask = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        // A failed or timed-out task is followed by a newly scheduled one.
        workflowTask = false;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.add(id);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        activities.delete(Number(String(event.activityTaskCompletedEventAttributes?.scheduledEventId)));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        activities.delete(Number(String(event.activityTaskFailedEventAttributes?.scheduledEventId)));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        activities.delete(Number(String(event.activityTaskTimedOutEventAttributes?.scheduledEventId)));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        activities.delete(Number(String(event.activityTaskCanceledEventAttributes?.scheduledEventId)));
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        childStarts.add(id);
        break;
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
        childStarts.delete(Number(String(event.childWorkflowExecutionStartedEventAttributes?.initiatedEventId)));
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
        childStarts.delete(Number(String(event.startChildWorkflowExecutionFailedEventAttributes?.initiatedEventId)));
        break;
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        externalSignals.add(id);
        break;
      case EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
        externalSignals.delete(Number(String(event.externalWorkflowExecutionSignaledEventAttributes?.initiatedEventId)));
        break;
      case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
        externalSignals.delete(Number(String(event.signalExternalWorkflowExecutionFailedEventAttributes?.initiatedEventId)));
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        timers.set(id, msOf(event.eventTime) + msOf(event.timerStartedEventAttributes?.startToFireTimeout));
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED:
        timers.delete(Number(String(event.timerFiredEventAttributes?.startedEventId)));
        break;
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(Number(String(event.timerCanceledEventAttributes?.startedEventId)));
        break;
      default:
        break;
    }
  }
  return {
    workflowTask,
    activities: activities.size,
    childStarts: childStarts.size,
    externalSignals: externalSignals.size,
    timersDueAt: [...timers.values()].sort((x, y) => x - y),
  };
}

/** The outstanding work that holds the time-skipping lock, in words; empty when there is none. */
export function lockHolders(work: OutstandingWork): string[] {
  return [
    work.workflowTask ? 'a workflow task' : '',
    work.activities ? `${work.activities} activit${work.activities === 1 ? 'y' : 'ies'}` : '',
    work.childStarts ? `${work.childStarts} child workflow start(s)` : '',
    work.externalSignals ? `${work.externalSignals} signal(s) to other workflows` : '',
  ].filter(Boolean);
}

const historyOf = async (handle: WorkflowHandle): Promise<HistoryEvent[]> => (await handle.fetchHistory()).events ?? [];

/**
 * The server's clock crawls at wall-clock speed between sleeps, so a timer due
 * this soon could fire between the last look at the history and the
 * termination; the workflow is left to handle it first.
 */
const TIMER_MARGIN_MS = 30_000;

/**
 * Terminates a workflow's current run once it has nothing in flight and no
 * timer about to fire, then checks from the history that nothing slipped in
 * between (it throws if something did: time skipping is stalled for the rest of
 * the environment, and every later sleep would hang). On a server without time
 * skipping it only waits for the workflow to be idle.
 */
export async function terminateIdleWorkflow(env: TestWorkflowEnvironment, workflowId: string, timeoutMs = 60_000): Promise<void> {
  const latest = env.client.workflow.getHandle(workflowId);
  let busy: string[] = [];
  const idleRun = await eventually(
    async () => {
      const { status, runId } = await latest.describe();
      if (status.name !== 'RUNNING') return { run: null };
      // Pinned to this run: a run that continued as new in the meantime is not terminated unseen.
      const run = env.client.workflow.getHandle(workflowId, runId);
      const work = outstandingWork(await historyOf(run));
      busy = lockHolders(work);
      if (env.supportsTimeSkipping) {
        const now = await env.currentTimeMs();
        if (work.timersDueAt.some((at) => at - now < TIMER_MARGIN_MS)) busy.push('a timer about to fire');
      }
      return busy.length === 0 && { run };
    },
    () => `${workflowId} to have nothing in flight (still: ${busy.join(', ')})`,
    timeoutMs,
  );
  const { run } = idleRun;
  if (!run) return;
  try {
    await run.terminate('test finished');
  } catch (err) {
    if (/not found|already completed/i.test(String(err))) return;
    throw err;
  }
  if (!env.supportsTimeSkipping) return;
  const leftInFlight = lockHolders(outstandingWork(await historyOf(run)));
  if (leftInFlight.length > 0) {
    throw new Error(
      `${workflowId} was terminated with ${leftInFlight.join(', ')} in flight: the test server no longer skips time in this environment`,
    );
  }
}
