// One critical incident, from declaration to the after-action report.
//
// declare -> notify every primary recipient (email + SMS) -> acknowledgements
// (at severity 1 the silent are phoned, then backups called at 15 min, the
// city manager told who is silent at 30 min) -> SOP deadlines on the clock (reminders before, escalation after) ->
// statements through their own approval workflows (publication gated by
// counsel's holds) -> close -> after-action review deadline -> final
// after-action report.
//
// Time is handled in exactly one place: the main loop below asks the pure
// deadline engine (domain/deadlines.ts) and the acknowledgement rules what is
// due now and when to wake next, and sleeps until then or until an update
// sets `replan`. Human actions arrive as updates (validated, answered
// synchronously); each step lives in its own module and works on the one
// IncidentContext.
import type { WorkflowSignatures } from '../../domain/workflows';
import { allHandlersFinished, condition, continueAsNew, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { incidentStateQuery, type DeclareIncidentInputV1, type IncidentStateV1 } from '../../domain/contracts/incident';
import type { IncidentRunOptionsV1 } from '../../domain/contracts/incidentRun';
import { dueDeadlineEvents, nextDeadlineWakeAt, ruleLookupFor } from '../../domain/deadlines';
import { INCIDENT_NOTIFY_IN_BACKGROUND_PATCH } from '../../domain/patches';
import { Deliveries } from '../lib/deliveries';
import { incidentActivities } from '../lib/incidentActivities';
import { WorkflowMutex } from '../lib/mutex';
import {
  acknowledgementWakeTimes,
  backupsDue,
  callBackupsOfTheSilent,
  handleAcknowledgements,
  reportTheSilent,
  silentReportDue,
} from './acknowledgement';
import { callTheSilent, callWakeTimes, callsDue } from './calls';
import { handleClosing, isFinished, renderFinalReport } from './closing';
import { incidentView, started, type IncidentContext, type RunningIncident } from './context';
import { applyPublications, handleDeadlineEvent, handleExtensions } from './deadlines';
import { handleDueHolds, handleHolds, holdWakeTimes, syncHeldDeadlines } from './holds';
import { startIncident } from './start';
import { handleStatements } from './statements';

export async function incidentWorkflow(input: DeclareIncidentInputV1, options: IncidentRunOptionsV1 = {}): Promise<IncidentStateV1> {
  const ctx: IncidentContext = {
    input,
    workflowId: workflowInfo().workflowId,
    activities: incidentActivities,
    lock: new WorkflowMutex(),
    deliveries: new Deliveries(INCIDENT_NOTIFY_IN_BACKGROUND_PATCH),
    incident: options.carried ?? null,
    replan: false,
  };

  setHandler(incidentStateQuery, () => incidentView(ctx));
  handleAcknowledgements(ctx);
  handleStatements(ctx);
  handleExtensions(ctx);
  handleClosing(ctx);
  handleHolds(ctx);

  // Held while starting, so a statement submitted in the first instant finds its deadline already recorded.
  if (options.carried) options.carried.generation += 1;
  else await ctx.lock.runExclusive(async () => startIncident(ctx));
  const run = started(ctx);

  let passes = 0;
  for (;;) {
    await run.lock.runExclusive(() => handleDueEvents(run));
    if (isFinished(run)) break;
    const testLimit = options.continueAsNewAfterPasses;
    if (workflowInfo().continueAsNewSuggested || (testLimit !== undefined && passes >= testLimit)) {
      // Messages in flight finish in this run; the next run must not send them again, nor lose them.
      await condition(() => allHandlersFinished() && !run.lock.isLocked && run.deliveries.idle);
      if (run.incident.pendingPublications.length === 0) {
        log.info('continuing as new', { generation: run.incident.generation, historyLength: workflowInfo().historyLength });
        await continueAsNew<typeof incidentWorkflow>(input, { carried: run.incident, continueAsNewAfterPasses: testLimit });
      }
      continue;
    }
    run.replan = false;
    const wake = nextWakeAt(run, Date.now());
    if (wake === null) await condition(() => run.replan);
    else await condition(() => run.replan, Math.max(1, wake - Date.now()));
    passes += 1;
  }

  await run.deliveries.drain();
  await run.lock.runExclusive(() => renderFinalReport(run));
  await condition(() => allHandlersFinished());
  return incidentView(run);
}

/** One pass of the clock: everything due by now, in this order. */
async function handleDueEvents(run: RunningIncident): Promise<void> {
  const now = Date.now();
  await applyPublications(run, now);
  if (callsDue(run, now)) await callTheSilent(run, now);
  if (backupsDue(run, now)) await callBackupsOfTheSilent(run, now);
  if (silentReportDue(run, now)) await reportTheSilent(run, now);
  await handleDueHolds(run, now);
  // Handling an event can create another (an overdue public update starts the next cycle), so loop until quiet.
  const dueNow = () => dueDeadlineEvents(run.incident.deadlines, ruleLookupFor(run.incident.policy), now);
  for (let events = dueNow(); events.length > 0; events = dueNow()) {
    for (const event of events) await handleDeadlineEvent(run, event, now);
  }
  // Deadlines created in this pass (the next public update, the after-action review) under an active hold.
  await syncHeldDeadlines(run, now);
}

function nextWakeAt(run: RunningIncident, now: number): number | null {
  const candidates = [
    nextDeadlineWakeAt(run.incident.deadlines, ruleLookupFor(run.incident.policy), now),
    ...acknowledgementWakeTimes(run),
    ...callWakeTimes(run),
    ...holdWakeTimes(run, now),
  ];
  const future = candidates.filter((t): t is number => t !== null);
  return future.length === 0 ? null : Math.min(...future);
}

// The signature the API starts this workflow with (domain/workflows.ts).
incidentWorkflow satisfies WorkflowSignatures['incidentWorkflow'];
