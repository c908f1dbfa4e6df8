// Replays every saved history of the incident and statement workflows
// against the current workflow code. A change that alters the commands an
// existing history produced fails here: guard it with patched(), keep the old
// path, and record a new generation (see test/replay/incidentScenario.ts).
import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { historyFiles, recordIncidentHistories, savedGenerations } from '../replay/incidentScenario';
import { workflowBundle } from '../harness/worker';
import { installQuietRuntime } from '../harness/runtime';
import { historyFromJson } from './planHistoryJson';
import {
  INCIDENT_ACK_CALLS_PATCH,
  INCIDENT_COUNSEL_HOLDS_PATCH,
  INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH,
  LOCK_RECHECK_PATCH,
  NOTIFICATIONS_IN_ONE_BATCH_PATCH,
  STATEMENT_PUBLICATION_HOLD_PATCH,
  UPDATES_WAIT_FOR_SET_UP_PATCH,
} from '../../domain/patches';
import { UPDATE_WITH_START_HISTORIES, loadHistory as load, patchesIn, type SavedHistory } from '../replay/savedHistory';

const toRecord = process.env.SAVE_INCIDENT_HISTORY;

const replay = async (history: SavedHistory, name: string) =>
  Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJson(history), name);

beforeAll(async () => {
  installQuietRuntime();
  if (toRecord) await recordIncidentHistories(toRecord);
}, 300_000);

// Read when the file loads: a generation recorded by this run (SAVE_INCIDENT_HISTORY) is replayed from the next run on.
const generations = savedGenerations();

it('has the original (v1) history and at least one recorded after the lock patch', () => {
  expect(generations[0]).toBe('v1');
  const patchedOnes = generations.filter((g) => patchesIn(load(historyFiles(g).incident)).includes(LOCK_RECHECK_PATCH));
  expect(patchedOnes.length).toBeGreaterThan(0);
  expect(patchesIn(load(historyFiles('v1').incident))).not.toContain(LOCK_RECHECK_PATCH);
});

/** The statement workflow's input and the updates it took, as a saved history holds them. */
function statementRun(history: SavedHistory): { policyVersion: string; updates: string[] } {
  const events = history.events as unknown as {
    workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data: string }[] } };
    workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
  }[];
  const payload = events[0].workflowExecutionStartedEventAttributes!.input!.payloads![0].data;
  const input = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { policyVersion: string };
  const updates = events.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter((n): n is string => !!n);
  return { policyVersion: input.policyVersion, updates };
}

it('keeps histories of both chains: clayton-2026.1 (PIO drafts; city manager, then chief) and clayton-2026.2 (chief drafts; PIO, stand-in, city manager)', () => {
  const runs = generations.map((g) => statementRun(load(historyFiles(g).statement)));
  // An incident that pinned clayton-2026.1 keeps that chain: its histories must go on replaying (below).
  expect(runs.filter((r) => r.policyVersion === 'clayton-2026.1').length).toBeGreaterThanOrEqual(4);
  const newer = runs.filter((r) => r.policyVersion === 'clayton-2026.2');
  expect(newer.length).toBeGreaterThan(0);
  expect(newer[0].updates).toEqual(['decide', 'revise', 'reviseAndApprove', 'decide', 'decide']);
});

it('keeps a history with a counsel\'s hold and acknowledgement calls (clayton-2026.3): placed, a statement held, released, published', () => {
  const withHolds = generations.filter((g) => statementRun(load(historyFiles(g).statement)).policyVersion === 'clayton-2026.3');
  expect(withHolds.length).toBeGreaterThan(0);
  const incident = load(historyFiles(withHolds[0]).incident);
  expect(patchesIn(incident)).toEqual(expect.arrayContaining([INCIDENT_COUNSEL_HOLDS_PATCH, INCIDENT_ACK_CALLS_PATCH]));
  const events = incident.events as unknown as { workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } } }[];
  const updates = events.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean);
  expect(updates).toEqual(expect.arrayContaining(['placeHold', 'releaseHold']));
  const statement = load(historyFiles(withHolds[0]).statement);
  expect(patchesIn(statement)).toContain(STATEMENT_PUBLICATION_HOLD_PATCH);
  const signals = (statement.events as unknown as { workflowExecutionSignaledEventAttributes?: { signalName?: string } }[])
    .map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)
    .filter(Boolean);
  expect(signals).toContain('publicationReleased');
});

it('keeps a history from after the batch patch: the declaration went out in one notification activity', () => {
  const batched = generations.filter((g) => patchesIn(load(historyFiles(g).incident)).includes(NOTIFICATIONS_IN_ONE_BATCH_PATCH));
  expect(batched.length).toBeGreaterThan(0);
  const activities = load(historyFiles(batched[0]).incident)
    .events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((name): name is string => !!name);
  const firstSend = activities.findIndex((name) => name.startsWith('sendNotification'));
  expect(activities[firstSend]).toBe('sendNotificationBatch');
  // Older generations sent one activity per message and keep replaying that way (below).
  expect(patchesIn(load(historyFiles('v6').incident))).not.toContain(NOTIFICATIONS_IN_ONE_BATCH_PATCH);
});

it('keeps a history from after the one-activity declaration patch: policy and recipients came back together', () => {
  const oneActivity = generations.filter((g) => patchesIn(load(historyFiles(g).incident)).includes(INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH));
  expect(oneActivity.length).toBeGreaterThan(0);
  const activities = load(historyFiles(oneActivity[0]).incident)
    .events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
    .filter((name): name is string => !!name);
  expect(activities[0]).toBe('prepareDeclaration');
  expect(activities).not.toContain('loadIncidentPolicy');
  expect(activities).not.toContain('resolveIncidentRecipients');
  // Older generations asked in two activities and keep replaying that way (below).
  expect(patchesIn(load(historyFiles('v7').incident))).not.toContain(INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH);
});

describe.each(generations)('saved histories %s', (generation) => {
  const files = historyFiles(generation);

  it('replays a complete incident (acks, escalation, statements, extension, close, after-action review)', async () => {
    const history = load(files.incident);
    const types = history.events.map((e) => e.eventType);
    // The saved history really exercises what it claims to.
    expect(types[0]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    for (const t of [
      'EVENT_TYPE_TIMER_FIRED',
      'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
      'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
    ]) {
      expect(types).toContain(t);
    }
    await replay(history, `incident-${generation}`);
  });

  it('replays a statement approval with a rejection and a revision', async () => {
    const history = load(files.statement);
    const types = history.events.map((e) => e.eventType);
    expect(types).toContain('EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    await replay(history, `statement-${generation}`);
  });

  it('fails when the code no longer produces the saved commands (so a missing patched() is caught)', async () => {
    const history = load(files.incident);
    const scheduled = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
    // The declaration's first activity: the policy alone before the one-activity patch, policy and recipients after it.
    expect(['loadIncidentPolicy', 'prepareDeclaration']).toContain(scheduled.activityTaskScheduledEventAttributes?.activityType?.name);
    scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'loadSomethingElse';
    await expect(replay(history, 'tampered')).rejects.toThrow(/nondetermin/i);
  });
});

describe.each(Object.entries(UPDATE_WITH_START_HISTORIES))('an update delivered with the start (%s)', (workflow, file) => {
  it('waited for set-up behind its patch, and replays', async () => {
    const history = load(file);
    expect(history.events.map((e) => e.eventType)).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(patchesIn(history)).toContain(UPDATES_WAIT_FOR_SET_UP_PATCH);
    await replay(history, `${workflow}-update-with-start`);
  });
});
