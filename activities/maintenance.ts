// The system's upkeep. A process that wrote an incident, an action item or an
// engagement session and died before starting its workflow leaves a record
// nobody's clock runs for; the reconciler finds those and starts them, and
// says so in the audit log.
// The checkpoint signs the audit chain's head with a key the database does
// not hold, so a deleted tail can be told from an intact one.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit, takeCheckpoint } from '../lib/audit';
import { checkpointSigningKey } from '../lib/auditCheckpoint';
import { neverStarted, startItemWorkflowOnce, startWorkflowOnce, tellSessionWorkflow, workflowStanding } from '../lib/temporalStart';
import { incidentWorkflowInput, itemWorkflowInput } from '../lib/workflowInputs';
import type { MaintenanceActivities, ReconcileReportV1 } from '../domain/contracts/maintenance';
import type { EngagementPolicy } from '../domain/policy/schema';
import type { Role } from '../domain/roles';
import { currentPolicy } from '../policy/index';

export interface MaintenanceDeps {
  db: Db;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'AUDIT_CHECKPOINT_KEY' | 'PUBLIC_BASE_URL' | 'ITEM_WORKFLOW_WAKE_LEAD_SECONDS'>;
  /** Defaults to the worker's own client. */
  temporal?: Client;
}

const RECONCILER = 'system:reconciler';
/** A record this young may still be having its workflow started by the request that wrote it. */
const DEFAULT_GRACE_MS = 2 * 60_000;

/** Ids of the running workflows of one type, from the server's visibility store. */
async function runningIds(temporal: Client, workflowType: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const execution of temporal.workflow.list({ query: `WorkflowType = '${workflowType}' AND ExecutionStatus = 'Running'` })) {
    ids.add(execution.workflowId);
  }
  return ids;
}

export function createMaintenanceActivities(deps: MaintenanceDeps): MaintenanceActivities {
  const { db, config } = deps;
  const temporal = (): Client => deps.temporal ?? Context.current().client;

  /** Starts `workflowId` if the server never heard of it; true when this call started it. */
  async function startIfNeverStarted(start: () => Promise<'started' | 'already-started'>, workflowId: string): Promise<boolean> {
    if (!(await neverStarted(temporal(), workflowId))) return false;
    return (await start()) === 'started';
  }

  /**
   * Sessions still to come whose reminder workflow is not running. Only a
   * scheduled session has reminders to send: a cancelled or held one is never
   * started again.
   */
  async function reconcileSessions(client: Client, before: Date, engagement: EngagementPolicy) {
    const sessions = await db.engagementSession.findMany({ where: { status: 'SCHEDULED', startsAt: { gt: new Date() }, createdAt: { lt: before } } });
    const started: string[] = [];
    const running = sessions.length > 0 ? await runningIds(client, 'engagementSessionWorkflow') : new Set<string>();
    for (const session of sessions.filter((s) => !running.has(s.workflowId))) {
      // The visibility store lags, so the server itself is asked. A workflow that ran and ended while
      // its session is still to come (a change rolled back after the workflow took it) starts again
      // without announcing the session twice, as the API's own restart does.
      const standing = await workflowStanding(client, session.workflowId);
      if (standing === 'running' || standing === 'unknown') continue;
      await tellSessionWorkflow(client, config, session, () => engagement, standing === 'never');
      // A cancel or a new time written meanwhile found no workflow to tell: its newer revision is told
      // now, so a cancelled session is not reminded and a moved one is reminded for its new time.
      const latest = await db.engagementSession.findUnique({ where: { id: session.id } });
      if (latest && latest.updatedAt.getTime() !== session.updatedAt.getTime()) await tellSessionWorkflow(client, config, latest, () => engagement, false);
      started.push(session.id);
      await appendAudit(db, {
        actorLabel: RECONCILER,
        action: 'session.workflow-started-by-reconciler',
        entityType: 'EngagementSession',
        entityId: session.id,
        planId: session.planId,
        data: {
          workflowId: session.workflowId,
          startsAt: session.startsAt.toISOString(),
          reason: standing === 'never' ? 'the session was recorded but its workflow never started' : 'the session is still to come but its workflow had ended',
        },
      });
    }
    return { sessionsChecked: sessions.length, sessionsStarted: started };
  }

  return {
    async reconcileWorkflows({ olderThanMs = DEFAULT_GRACE_MS }): Promise<ReconcileReportV1> {
      const client = temporal();
      const before = new Date(Date.now() - olderThanMs);
      const report: ReconcileReportV1 = {
        version: 1,
        incidentsChecked: 0,
        incidentsStarted: [],
        itemsChecked: 0,
        itemsStarted: [],
        sessionsChecked: 0,
        sessionsStarted: [],
      };

      const incidents = await db.incident.findMany({ where: { status: 'ACTIVE', declaredAt: { lt: before } } });
      report.incidentsChecked = incidents.length;
      const runningIncidents = incidents.length > 0 ? await runningIds(client, 'incidentWorkflow') : new Set<string>();
      for (const incident of incidents.filter((i) => !runningIncidents.has(i.workflowId))) {
        const declarer = await db.person.findUnique({ where: { id: incident.declaredById }, select: { id: true, name: true, roles: true } });
        const declaredBy = { personId: incident.declaredById, name: declarer?.name ?? 'unknown', roles: (declarer?.roles ?? []) as Role[] };
        const started = await startIfNeverStarted(
          () => startWorkflowOnce(client, config.TEMPORAL_TASK_QUEUE, 'incidentWorkflow', incident.workflowId, [incidentWorkflowInput(incident, declaredBy)], { memo: { incidentId: incident.id } }),
          incident.workflowId,
        );
        if (!started) continue;
        report.incidentsStarted.push(incident.number);
        await appendAudit(db, {
          actorLabel: RECONCILER,
          action: 'incident.workflow-started-by-reconciler',
          entityType: 'Incident',
          entityId: incident.id,
          incidentId: incident.id,
          data: { number: incident.number, workflowId: incident.workflowId, reason: 'the incident was recorded but its workflow never started' },
        });
      }

      const items = await db.actionItem.findMany({
        where: { status: { not: 'DONE' }, createdAt: { lt: before }, plan: { status: 'ACTIVE' } },
        include: { owner: { select: { name: true } }, goal: { select: { title: true } }, plan: { select: { id: true, timeZone: true } } },
      });
      report.itemsChecked = items.length;
      const runningItems = items.length > 0 ? await runningIds(client, 'actionItemWorkflow') : new Set<string>();
      const policy = currentPolicy();
      for (const item of items.filter((i) => !runningItems.has(i.workflowId))) {
        const started = await startIfNeverStarted(
          () => startItemWorkflowOnce(client, config, itemWorkflowInput(item, item.plan, policy)),
          item.workflowId,
        );
        if (!started) continue;
        report.itemsStarted.push(item.id);
        await appendAudit(db, {
          actorLabel: RECONCILER,
          action: 'item.workflow-started-by-reconciler',
          entityType: 'ActionItem',
          entityId: item.id,
          planId: item.planId,
          data: { workflowId: item.workflowId, reason: 'the item was recorded but its workflow never started' },
        });
      }

      if (policy.engagement) Object.assign(report, await reconcileSessions(client, before, policy.engagement));
      return report;
    },

    async signAuditCheckpoint() {
      return takeCheckpoint(db, checkpointSigningKey(config.AUDIT_CHECKPOINT_KEY), new Date());
    },
  };
}
