// The reconciler and the audit checkpoint, on their Temporal Schedules, on the
// whole system: an incident, an action item and an engagement session whose
// workflows never started (their writer died) are started and audited, while a
// cancelled or past session is left alone; a daily checkpoint is signed.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/common';
import { createMaintenanceActivities } from '../../activities/maintenance';
import { engagementSessionStateQuery, sessionAnnouncementKey } from '../../domain/contracts/engagementSession';
import { engagementSessionWorkflowId } from '../../domain/ids';
import type { WorkflowSignatures } from '../../domain/workflows';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import { verifyAuditChain } from '../../lib/audit';
import { sleepingItem } from '../../lib/temporalStart';
import { checkpointVerifyingKey, storedCheckpoints } from '../../lib/auditCheckpoint';
import { AUDIT_CHECKPOINT_SCHEDULE_ID, RECONCILE_SCHEDULE_ID, ensureSystemSchedules } from '../../lib/systemSchedules';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
const longAgo = () => new Date(Date.now() - 10 * 60_000);

beforeAll(async () => {
  sys = await startTestSystem();
});

afterAll(async () => {
  await sys?.stop();
});

async function orphans() {
  const cityManager = Object.values(sys.roster.people).find((p) => p.roles.includes('CITY_MANAGER'))!;
  const lead = Object.values(sys.roster.people).find((p) => p.roles.includes('STAKEHOLDER_LEAD'))!;
  const incident = await sys.db.incident.create({
    data: {
      number: 'CI-2026-9100',
      workflowId: 'incident-CI-2026-9100',
      type: DEFAULT_POLICY.definition.types[0].key,
      severity: 3,
      title: 'Never started',
      summary: 'Its declaration died before the workflow start.',
      policyVersion: DEFAULT_POLICY.version,
      declaredById: cityManager.id,
      declaredAt: longAgo(),
    },
  });
  const plan = await sys.request('/api/plans', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { title: 'Reconciled plan', startDate: new Date().toISOString().slice(0, 10), months: 12, goals: [{ number: 1, title: 'Goal', description: 'd' }] },
  });
  expect(plan.status).toBe(202);
  const planId = (await plan.json()).id as string;
  const goal = await sys.db.goal.findFirstOrThrow({ where: { planId } });
  const itemId = randomUUID();
  const item = await sys.db.actionItem.create({
    data: {
      id: itemId,
      planId,
      goalId: goal.id,
      title: 'Imported, then the API died',
      ownerId: lead.id,
      sponsorId: cityManager.id,
      dueAt: new Date(Date.now() + 60 * 86_400_000),
      workflowId: `action-item-${itemId}`,
      createdAt: longAgo(),
    },
  });
  return { incident, item };
}

test('the reconciler starts an incident and an item whose workflows never started, audits each, and leaves the rest alone', async () => {
  const { incident, item } = await orphans();
  const running = await sys.request('/api/incidents', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { type: DEFAULT_POLICY.definition.types[0].key, severity: 3, title: 'Started normally', summary: 's' },
  });
  expect(running.status).toBe(202);

  const maintenance = createMaintenanceActivities({ db: sys.db, config: sys.config, temporal: sys.temporal });
  const report = await maintenance.reconcileWorkflows({ olderThanMs: 0 });
  expect(report.incidentsStarted).toEqual(['CI-2026-9100']);
  expect(report.itemsStarted).toEqual([item.id]);
  expect((await sys.temporal.workflow.getHandle(incident.workflowId).describe()).status.name).toBe('RUNNING');
  expect((await sys.temporal.workflow.getHandle(item.workflowId).describe()).status.name).toBe('RUNNING');
  // Started as the API starts items: asleep until a day before its first reminder, weeks away.
  expect((await sleepingItem(sys.temporal, item.workflowId))?.nextEvent).toMatchObject({ kind: 'REMINDER' });
  expect(await sys.db.auditEvent.count({ where: { action: 'incident.workflow-started-by-reconciler', incidentId: incident.id } })).toBe(1);
  expect(await sys.db.auditEvent.count({ where: { action: 'item.workflow-started-by-reconciler', entityId: item.id } })).toBe(1);
  // The repaired incident tells its people, like any declared incident.
  await eventually(async () => sys.sinks.mail.messages().some((m) => m.subject.includes('CI-2026-9100')), 'the repaired incident to notify');

  const again = await maintenance.reconcileWorkflows({ olderThanMs: 0 });
  expect(again).toMatchObject({ incidentsStarted: [], itemsStarted: [] });
  expect(again.incidentsChecked).toBeGreaterThanOrEqual(2);
});

const DAY = 86_400_000;

/** A session row as the API writes it, without the workflow start that should follow it. */
async function sessionRow(planId: string, title: string, startsInMs: number, over: { status?: 'SCHEDULED' | 'CANCELLED' } = {}) {
  const id = randomUUID();
  return sys.db.engagementSession.create({
    data: {
      id,
      planId,
      title,
      startsAt: new Date(Date.now() + startsInMs),
      endsAt: new Date(Date.now() + startsInMs + 2 * 3_600_000),
      place: 'Clayton Center, 50 Gay Ave',
      languages: ['en', 'es'],
      workflowId: engagementSessionWorkflowId(id),
      createdAt: longAgo(),
      ...(over.status === 'CANCELLED' ? { status: 'CANCELLED' as const, cancelledAt: longAgo() } : {}),
    },
  });
}

const sessionState = (id: string) => sys.temporal.workflow.getHandle(engagementSessionWorkflowId(id)).query(engagementSessionStateQuery);
const neverRan = async (id: string) =>
  sys.temporal.workflow
    .getHandle(engagementSessionWorkflowId(id))
    .describe()
    .then(
      () => false,
      (err: unknown) => err instanceof WorkflowNotFoundError,
    );

/** A one-hour session scheduled through the API by the engagement lead, starting `inMs` from now; its id. */
async function scheduledThroughApi(planId: string, title: string, inMs: number): Promise<string> {
  const startsAt = Date.now() + inMs;
  const res = await sys.request(`/api/plans/${planId}/sessions`, {
    method: 'POST',
    as: 'STAKEHOLDER_LEAD',
    json: { title, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3_600_000).toISOString(), place: 'City Hall', languages: ['en'] },
  });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

/** A plan made through the API, starting today, with one goal; its id. */
async function planWithOneGoal(title: string): Promise<string> {
  const plan = await sys.request('/api/plans', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { title, startDate: new Date().toISOString().slice(0, 10), goals: [{ number: 1, title: 'Engagement' }] },
  });
  expect(plan.status).toBe(202);
  return (await plan.json()).id as string;
}

test('the reconciler starts the reminders of a session still to come whose workflow is not running, once, and never those of a cancelled or past one', async () => {
  const planId = await planWithOneGoal('Sessions reconciled');
  // Ten days ahead: the policy's reminders (7 days and 1 day before) are both still to come.
  const orphan = await sessionRow(planId, 'Scheduled, then the API died', 10 * DAY);
  const cancelled = await sessionRow(planId, 'Cancelled before its workflow started', 12 * DAY, { status: 'CANCELLED' });
  const past = await sessionRow(planId, 'Took place, attendance not yet recorded', -DAY);
  // Scheduled normally, then cancelled (its workflow ended), then written back to SCHEDULED, as a
  // cancellation rolled back after the workflow took it leaves it: still to come, nothing reminding.
  const endedId = await scheduledThroughApi(planId, 'Its workflow ended too early', 20 * DAY);
  const runningId = await scheduledThroughApi(planId, 'Reminded normally', 30 * DAY);
  expect((await sys.request(`/api/sessions/${endedId}/cancel`, { method: 'POST', as: 'STAKEHOLDER_LEAD', json: { reason: 'by mistake' } })).status).toBe(200);
  await eventually(async () => (await sys.temporal.workflow.getHandle(engagementSessionWorkflowId(endedId)).describe()).status.name === 'COMPLETED', 'the cancelled session workflow to end');
  await sys.db.engagementSession.update({ where: { id: endedId }, data: { status: 'SCHEDULED', cancelledAt: null, createdAt: longAgo() } });
  await sys.db.engagementSession.update({ where: { id: runningId }, data: { createdAt: longAgo() } });

  const maintenance = createMaintenanceActivities({ db: sys.db, config: sys.config, temporal: sys.temporal });
  const report = await maintenance.reconcileWorkflows({ olderThanMs: 0 });
  expect([...(report.sessionsStarted ?? [])].sort()).toEqual([orphan.id, endedId].sort());
  expect(report.sessionsChecked).toBe(3);

  // The orphan is announced, as its scheduling would have done, and its first reminder is set 7 days before it.
  const orphanState = await eventually(async () => {
    const state = await sessionState(orphan.id);
    return state.told.includes(sessionAnnouncementKey(orphan.id)) ? state : undefined;
  }, 'the repaired session to be announced');
  expect(orphanState).toMatchObject({ status: 'SCHEDULED', startsAt: orphan.startsAt.toISOString(), nextReminderAt: new Date(orphan.startsAt.getTime() - 7 * DAY).toISOString() });
  // The one whose workflow had ended is reminded again, but not announced a second time.
  const endedRow = await sys.db.engagementSession.findUniqueOrThrow({ where: { id: endedId } });
  const endedState = await eventually(async () => {
    const state = await sessionState(endedId);
    return state.nextReminderAt ? state : undefined;
  }, 'the restarted session to wait for its reminder');
  expect(endedState).toMatchObject({ status: 'SCHEDULED', told: [], nextReminderAt: new Date(endedRow.startsAt.getTime() - 7 * DAY).toISOString() });
  expect(await sys.db.auditEvent.count({ where: { action: 'session.workflow-started-by-reconciler', entityId: { in: [orphan.id, endedId] } } })).toBe(2);

  // Neither the cancelled session nor the one already past gets a workflow.
  expect(await neverRan(cancelled.id)).toBe(true);
  expect(await neverRan(past.id)).toBe(true);

  const again = await maintenance.reconcileWorkflows({ olderThanMs: 0 });
  expect(again.sessionsStarted).toEqual([]);
  expect(await sys.db.auditEvent.count({ where: { action: 'session.workflow-started-by-reconciler', entityId: { in: [orphan.id, endedId] } } })).toBe(2);
  expect((await sessionState(orphan.id)).told).toEqual([sessionAnnouncementKey(orphan.id)]);
});

test('a session cancelled while the reconciler starts its workflow is not reminded', async () => {
  const orphan = await sessionRow(await planWithOneGoal('Sessions cancelled in the race'), 'Cancelled as it is repaired', 10 * DAY);
  // Staff cancel it between the reconciler's read and its start: the API finds no workflow to tell,
  // so only the row says so. The client is the real one, but for that write before each start.
  const workflow = Object.create(sys.temporal.workflow) as typeof sys.temporal.workflow;
  workflow.signalWithStart = (async (...args: Parameters<typeof sys.temporal.workflow.signalWithStart>) => {
    await sys.db.engagementSession.update({ where: { id: orphan.id }, data: { status: 'CANCELLED', cancelledAt: new Date() } });
    return sys.temporal.workflow.signalWithStart(...args);
  }) as typeof sys.temporal.workflow.signalWithStart;
  const racing = Object.create(sys.temporal, { workflow: { value: workflow } }) as typeof sys.temporal;

  const report = await createMaintenanceActivities({ db: sys.db, config: sys.config, temporal: racing }).reconcileWorkflows({ olderThanMs: 0 });
  expect(report.sessionsStarted).toEqual([orphan.id]);
  // The cancellation reaches the workflow it just started, which ends without a reminder.
  const handle = sys.temporal.workflow.getHandle<WorkflowSignatures['engagementSessionWorkflow']>(engagementSessionWorkflowId(orphan.id));
  await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the workflow of the cancelled session to end');
  const result = await handle.result();
  expect(result).toMatchObject({ status: 'CANCELLED', nextReminderAt: null });
  expect(result.told.filter((key) => key !== sessionAnnouncementKey(orphan.id))).toEqual([]);
});

test('the worker keeps both Schedules in place; a run of each does its job', async () => {
  await ensureSystemSchedules(sys.temporal, sys.config);
  await ensureSystemSchedules(sys.temporal, sys.config);
  const reconcile = sys.temporal.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  const checkpoint = sys.temporal.schedule.getHandle(AUDIT_CHECKPOINT_SCHEDULE_ID);
  expect((await reconcile.describe()).action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileWorkflow' });
  expect((await checkpoint.describe()).spec.calendars?.[0]).toMatchObject({ hour: [{ start: 5, end: 5, step: 1 }] });

  await checkpoint.trigger();
  const stored = await eventually(async () => {
    const list = await storedCheckpoints(sys.db);
    return list.length > 0 ? list : undefined;
  }, 'the checkpoint workflow to sign the head');
  const verdict = await verifyAuditChain(sys.db, { checkpoints: stored, publicKey: checkpointVerifyingKey(sys.config) });
  expect(verdict).toMatchObject({ ok: true, checkpointsChecked: 1 });

  await reconcile.trigger();
  await eventually(async () => (await reconcile.describe()).info.recentActions.length > 0, 'the reconcile schedule to run');
  await Promise.all([reconcile.delete(), checkpoint.delete()]);
});
