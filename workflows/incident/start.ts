// Starting an incident: who is told, the SOP clock, and the first messages.
import { patched } from '@temporalio/workflow';
import { deadlinesForAnchor } from '../../domain/deadlines';
import type { ResolvedRecipientV1 } from '../../domain/contracts/incidentActivities';
import { INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH } from '../../domain/patches';
import type { Policy } from '../../domain/policy/schema';
import { declarationChannels, incidentTypePolicy, severityPolicy } from '../../domain/policy/lookups';
import { durationMs } from '../../domain/policy/schema';
import { announce } from '../lib/announce';
import { incidentData, type IncidentContext } from './context';
import { persistNewDeadlines } from './deadlineRecords';

export async function startIncident(ctx: IncidentContext): Promise<void> {
  const { input, activities, workflowId } = ctx;
  const { policy, resolved, startedAt } = await prepare(ctx);
  const severity = severityPolicy(policy, input.severity);
  const declaredAtMs = Number.isFinite(Date.parse(input.declaredAt)) ? Date.parse(input.declaredAt) : Date.now();
  // In state before anyone is told, so the very first query already shows the clock.
  const sop = deadlinesForAnchor(policy, input.severity, 'DECLARED', declaredAtMs);
  ctx.incident = {
    version: 1,
    policy,
    status: 'ACTIVE',
    recipients: resolved.map((r) => ({
      personId: r.personId,
      name: r.name,
      role: r.role,
      kind: 'PRIMARY',
      standsInForId: null,
      notifiedAt: startedAt,
      acknowledgedAt: null,
      escalatedToBackupAt: null,
      reportedSilentAt: null,
      backup: r.backup,
      standsInFor: [],
    })),
    notifiedAt: startedAt,
    backupEscalationDone: false,
    silentReportDone: false,
    deadlines: sop,
    statements: [],
    pendingPublications: [],
    closedAt: null,
    finalReportRendered: false,
    generation: 0,
  };
  const typeLabel = incidentTypePolicy(policy, input.type)?.label ?? input.type;
  // Channels only where the policy names them, so a declaration under an older policy sends what it always sent.
  const addressees = resolved.map((r) => (severity.channels?.[r.role] ? { ...r, channels: declarationChannels(severity, r.role) } : r));
  await ctx.deliveries.send(() =>
    announce(addressees, {
      workflowId,
      purpose: 'incident.declared',
      attemptGroup: '1',
      template: 'incident.declared',
      incidentId: input.incidentId,
      data: incidentData(input, {
        type: input.type,
        typeLabel,
        summary: input.summary,
        declaredByName: input.declaredBy.name,
        declaredAt: input.declaredAt,
        ackWindowMinutes: Math.round(durationMs(policy.acknowledgement.backupAfter) / 60_000),
      }),
    }),
  );
  await persistNewDeadlines(ctx, sop, new Date().toISOString());
}

/** The pinned policy and who is told; histories from before the patch asked for them in two activities. */
async function prepare({ input, activities }: IncidentContext): Promise<{ policy: Policy; resolved: ResolvedRecipientV1[]; startedAt: string }> {
  if (patched(INCIDENT_DECLARATION_IN_ONE_ACTIVITY_PATCH)) {
    const startedAt = new Date().toISOString();
    const { policy, recipients } = await activities.prepareDeclaration({
      version: input.policyVersion,
      severity: input.severity,
      incidentId: input.incidentId,
      at: startedAt,
    });
    return { policy, resolved: recipients, startedAt };
  }
  const policy = await activities.loadIncidentPolicy({ version: input.policyVersion });
  const roles = severityPolicy(policy, input.severity).recipients;
  const startedAt = new Date().toISOString();
  const resolved = await activities.resolveIncidentRecipients({ incidentId: input.incidentId, roles, at: startedAt });
  return { policy, resolved, startedAt };
}
