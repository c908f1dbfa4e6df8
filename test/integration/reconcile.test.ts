// The reconciler and the audit checkpoint, on their Temporal Schedules, on the
// whole system: an incident and an action item whose workflows never started
// (their writer died) are started and audited; a daily checkpoint is signed.
import { randomUUID } from 'node:crypto';
import { createMaintenanceActivities } from '../../activities/maintenance';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import { verifyAuditChain } from '../../lib/audit';
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
  expect(await sys.db.auditEvent.count({ where: { action: 'incident.workflow-started-by-reconciler', incidentId: incident.id } })).toBe(1);
  expect(await sys.db.auditEvent.count({ where: { action: 'item.workflow-started-by-reconciler', entityId: item.id } })).toBe(1);
  // The repaired incident tells its people, like any declared incident.
  await eventually(async () => sys.sinks.mail.messages().some((m) => m.subject.includes('CI-2026-9100')), 'the repaired incident to notify');

  const again = await maintenance.reconcileWorkflows({ olderThanMs: 0 });
  expect(again).toMatchObject({ incidentsStarted: [], itemsStarted: [] });
  expect(again.incidentsChecked).toBeGreaterThanOrEqual(2);
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
