// Replays saved histories of the incident and statement workflows against the
// current workflow code. A change that alters the commands an existing
// history produced fails here: guard it with patched() and keep the old path.
import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { INCIDENT_HISTORY, STATEMENT_HISTORY, recordIncidentHistories } from '../replay/incidentScenario';
import { workflowBundle } from '../harness/worker';
import { installQuietRuntime } from '../harness/runtime';
import { historyFromJson } from './planHistoryJson';

const regenerate = process.env.SAVE_INCIDENT_HISTORY === '1';

function load(file: string): { events: { eventType: string }[] } {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing; record it with SAVE_INCIDENT_HISTORY=1 npx jest --selectProjects unit --testPathPattern incidentReplay`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('replay of saved workflow histories', () => {
  beforeAll(async () => {
    installQuietRuntime();
    if (regenerate) await recordIncidentHistories();
  }, 300_000);

  it('replays a complete incident (acks, escalation, statements, extension, close, after-action review)', async () => {
    const history = load(INCIDENT_HISTORY);
    const types = history.events.map((e) => e.eventType);
    // The saved history really exercises what it claims to.
    expect(types[0]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    for (const t of ['EVENT_TYPE_TIMER_FIRED', 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED', 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED']) {
      expect(types).toContain(t);
    }
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJson(history), 'incident-replay');
  });

  it('fails when the code no longer produces the saved commands (so the test can catch a missing patched())', async () => {
    const history = load(INCIDENT_HISTORY) as unknown as {
      events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[];
    };
    const scheduled = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
    expect(scheduled.activityTaskScheduledEventAttributes?.activityType?.name).toBe('loadIncidentPolicy');
    scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'loadSomethingElse';
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJson(history), 'tampered')).rejects.toThrow(
      /nondetermin|Nondetermin|DeterminismViolation/i,
    );
  });

  it('replays a statement approval with a rejection and a revision', async () => {
    const history = load(STATEMENT_HISTORY);
    const types = history.events.map((e) => e.eventType);
    expect(types).toContain('EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED');
    expect(types[types.length - 1]).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJson(history), 'statement-replay');
  });
});
