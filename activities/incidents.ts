// Persistence for the incident and statement workflows. Every state change is
// written together with its audit event in one transaction, and every
// activity is safe to retry: rows are keyed by unique business keys, updates
// are conditional, and the audit event is appended only when something
// actually changed (so a retry after a lost reply adds nothing).
import { ApplicationFailure } from '@temporalio/activity';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { appendAudit, type AuditInput, type TxClient } from '../lib/audit';
import { type ActorV1 } from '../domain/contracts/common';
import { durationMs, getPolicy, PolicyError, type Policy, type Role } from '../policy';
import { initPolicy } from '../policy/load';
import type { Prisma } from '../generated/prisma/client';
import type {
  AfterActionReportSummaryV1,
  DeclarationSetUpV1,
  IncidentActivities,
  PersonWithRolesV1,
  ResolvedRecipientV1,
} from '../domain/contracts/incidentActivities';
import { renderAfterActionReport } from './reports';
import { createHoldActivities } from './holds';
import { FailureType } from '../domain/failures';
import { deadlineRowOf } from '../domain/deadlineRow';
import { severityPolicy } from '../domain/policy/lookups';
import { SYSTEM_ACTORS } from '../domain/systemActors';
import { readTranslations, type StatementTranslationsV1 } from '../domain/statementText';
import { STATEMENT_SYSTEM_ACTOR, recordPublication } from './statementPublication';

/** Other languages of a statement version, as the column keeps them (nothing when there are none). */
const translationsColumn = (translations: StatementTranslationsV1 | undefined) => {
  const clean = readTranslations(translations);
  return Object.keys(clean).length ? { translations: clean as unknown as Prisma.InputJsonObject } : {};
};

export interface IncidentActivityDeps {
  db: Db;
  config: Pick<Config, 'POLICY_FILE'>;
}

const SYSTEM_ACTOR = SYSTEM_ACTORS.INCIDENT_WORKFLOW;

const actorAudit = (actor: ActorV1 | null): Pick<AuditInput, 'actorId' | 'actorLabel'> =>
  actor ? { actorId: actor.personId, actorLabel: actor.name } : { actorId: null, actorLabel: STATEMENT_SYSTEM_ACTOR };

function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.NotFound, message, nonRetryable: true });
}

/** A change the workflow made to a deadline, in the audit trail as the system's doing. */
function auditDeadline(tx: TxClient, e: { incidentId: string; deadlineId: string; action: string; at: Date; data: Record<string, unknown> }) {
  return appendAudit(tx, { actorLabel: SYSTEM_ACTOR, action: e.action, entityType: 'Deadline', entityId: e.deadlineId, incidentId: e.incidentId, at: e.at, data: e.data });
}

/**
 * Row lock on the incident (or statement) for the rest of the transaction.
 * Two executions of the same activity (a retry racing a slow first attempt)
 * then run one after the other, and the second sees what the first wrote.
 * NO KEY UPDATE, not UPDATE: rows that merely reference the incident (its
 * notifications, recipients, deadlines) take a key-share lock for their
 * foreign key, which FOR UPDATE would make wait for this whole transaction.
 */
async function lockIncident(tx: TxClient, incidentId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Incident" WHERE "id" = ${incidentId} FOR NO KEY UPDATE`;
  if (rows.length === 0) throw notFound(`incident ${incidentId} not found`);
}

async function incidentOrThrow(tx: TxClient, incidentId: string) {
  await lockIncident(tx, incidentId);
  const incident = await tx.incident.findUnique({ where: { id: incidentId } });
  if (!incident) throw notFound(`incident ${incidentId} not found`);
  return incident;
}

/** The active people holding the roles, recorded on the incident as its primary recipients (once). */
export async function recordIncidentRecipients(tx: TxClient, incidentId: string, roles: Role[], when: Date): Promise<ResolvedRecipientV1[]> {
  await incidentOrThrow(tx, incidentId);
  const people = await tx.person.findMany({
    where: { active: true, roles: { hasSome: roles } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    include: { backup: { select: { id: true, name: true, active: true } } },
  });
  const recipients: ResolvedRecipientV1[] = people.map((p) => ({
    personId: p.id,
    name: p.name,
    role: roles.find((r) => p.roles.includes(r)) as Role,
    backup: p.backup && p.backup.active && p.backup.id !== p.id ? { personId: p.backup.id, name: p.backup.name } : null,
  }));
  const existing = new Set(
    (await tx.incidentRecipient.findMany({ where: { incidentId }, select: { personId: true } })).map((r) => r.personId),
  );
  const fresh = recipients.filter((r) => !existing.has(r.personId));
  if (fresh.length > 0) {
    await tx.incidentRecipient.createMany({
      data: fresh.map((r) => ({ incidentId, personId: r.personId, role: r.role, kind: 'PRIMARY', notifiedAt: when })),
      skipDuplicates: true,
    });
    await appendAudit(tx, {
      actorLabel: SYSTEM_ACTOR,
      action: 'incident.recipients-resolved',
      entityType: 'Incident',
      entityId: incidentId,
      incidentId,
      at: when,
      data: { roles, recipients: fresh.map((r) => ({ personId: r.personId, name: r.name, role: r.role, backupId: r.backup?.personId ?? null })) },
    });
  }
  return recipients;
}

export function createIncidentActivities(deps: IncidentActivityDeps): IncidentActivities {
  const { db } = deps;
  // Validates POLICY_FILE now, so an invalid policy stops the worker at start-up.
  initPolicy(deps.config);

  const inTx = <T>(fn: (tx: TxClient) => Promise<T>): Promise<T> => db.$transaction(fn);

  async function lockStatement(tx: TxClient, statementId: string): Promise<void> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Statement" WHERE "id" = ${statementId} FOR NO KEY UPDATE`;
    if (rows.length === 0) throw notFound(`statement ${statementId} not found`);
  }

  async function deadlineOrThrow(tx: TxClient, incidentId: string, key: string) {
    const deadline = await tx.deadline.findUnique({ where: { incidentId_key: { incidentId, key } } });
    if (!deadline) throw notFound(`deadline ${key} not found on incident ${incidentId}`);
    return deadline;
  }

  async function statementOrThrow(tx: TxClient, statementId: string) {
    await lockStatement(tx, statementId);
    const statement = await tx.statement.findUnique({ where: { id: statementId } });
    if (!statement) throw notFound(`statement ${statementId} not found`);
    return statement;
  }

  /** A policy the incident pinned; a version this build does not know can never be loaded by retrying. */
  function pinnedPolicy(version: string): Policy {
    return policyLookup(() => getPolicy(version));
  }

  function policyLookup<T>(lookup: () => T): T {
    try {
      return lookup();
    } catch (err) {
      if (err instanceof PolicyError) {
        throw ApplicationFailure.create({ type: FailureType.NotFound, message: err.message, nonRetryable: true });
      }
      throw err;
    }
  }

  return {
    ...createHoldActivities({ db }),

    async loadIncidentPolicy({ version }): Promise<Policy> {
      return pinnedPolicy(version);
    },

    async listPeopleByRoles({ roles }): Promise<PersonWithRolesV1[]> {
      if (roles.length === 0) return [];
      const people = await db.person.findMany({
        where: { active: true, roles: { hasSome: roles } },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        select: { id: true, name: true, roles: true },
      });
      return people.map((p) => ({ personId: p.id, name: p.name, roles: p.roles as Role[] }));
    },

    async resolveIncidentRecipients({ incidentId, roles, at }): Promise<ResolvedRecipientV1[]> {
      return inTx((tx) => recordIncidentRecipients(tx, incidentId, roles, new Date(at)));
    },

    async prepareDeclaration({ version, severity, incidentId, at }): Promise<DeclarationSetUpV1> {
      const policy = pinnedPolicy(version);
      const roles = policyLookup(() => severityPolicy(policy, severity).recipients);
      return { policy, recipients: await inTx((tx) => recordIncidentRecipients(tx, incidentId, roles, new Date(at))) };
    },

    async recordBackupEscalations({ incidentId, assignments, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        for (const a of assignments) {
          const primary = await tx.incidentRecipient.findUnique({ where: { incidentId_personId: { incidentId, personId: a.primaryId } } });
          if (!primary) throw notFound(`person ${a.primaryId} is not a recipient of incident ${incidentId}`);
          if (primary.escalatedToBackupAt) continue;
          await tx.incidentRecipient.update({ where: { id: primary.id }, data: { escalatedToBackupAt: when } });
          const backup = await tx.incidentRecipient.findUnique({ where: { incidentId_personId: { incidentId, personId: a.backupId } } });
          if (!backup) {
            await tx.incidentRecipient.create({
              data: { incidentId, personId: a.backupId, role: a.role, kind: 'BACKUP', standsInForId: a.primaryId, notifiedAt: when },
            });
          } else if (!backup.standsInForId) {
            await tx.incidentRecipient.update({ where: { id: backup.id }, data: { standsInForId: a.primaryId } });
          }
          await appendAudit(tx, {
            actorLabel: SYSTEM_ACTOR,
            action: 'incident.ack-escalated-to-backup',
            entityType: 'IncidentRecipient',
            entityId: primary.id,
            incidentId,
            at: when,
            data: { primaryId: a.primaryId, backupId: a.backupId, role: a.role },
          });
        }
      });
    },

    async recordSilentReport({ incidentId, silentPersonIds, reportedToIds, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const updated = await tx.incidentRecipient.updateMany({
          where: { incidentId, personId: { in: silentPersonIds }, reportedSilentAt: null },
          data: { reportedSilentAt: when },
        });
        if (updated.count === 0) return;
        await appendAudit(tx, {
          actorLabel: SYSTEM_ACTOR,
          action: 'incident.silent-reported',
          entityType: 'Incident',
          entityId: incidentId,
          incidentId,
          at: when,
          data: { silentPersonIds, reportedToIds },
        });
      });
    },

    async recordAcknowledgement({ incidentId, personId, via, at, by }) {
      const when = new Date(at);
      return inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const recipient = await tx.incidentRecipient.findUnique({
          where: { incidentId_personId: { incidentId, personId } },
          include: { person: { select: { name: true } } },
        });
        if (!recipient) throw notFound(`person ${personId} is not a recipient of incident ${incidentId}`);
        if (recipient.acknowledgedAt) {
          return { acknowledgedAt: recipient.acknowledgedAt.toISOString(), alreadyAcknowledged: true };
        }
        await tx.incidentRecipient.update({ where: { id: recipient.id }, data: { acknowledgedAt: when, acknowledgedVia: via } });
        // The actor is who acted: the person, or whoever acknowledged on their behalf.
        await appendAudit(tx, {
          actorId: by?.personId ?? personId,
          actorLabel: by?.name ?? recipient.person.name,
          action: 'incident.acknowledged',
          entityType: 'IncidentRecipient',
          entityId: recipient.id,
          incidentId,
          at: when,
          data: {
            personId,
            via,
            kind: recipient.kind,
            standsInForId: recipient.standsInForId,
            ...(by ? { onBehalfOf: { personId, name: recipient.person.name }, acknowledgedBy: { personId: by.personId, name: by.name } } : {}),
          },
        });
        return { acknowledgedAt: when.toISOString(), alreadyAcknowledged: false };
      });
    },

    async createDeadlines({ incidentId, deadlines, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await incidentOrThrow(tx, incidentId);
        const existing = new Set(
          (await tx.deadline.findMany({ where: { incidentId, key: { in: deadlines.map((d) => d.key) } }, select: { key: true } })).map((d) => d.key),
        );
        const fresh = deadlines.filter((d) => !existing.has(d.key));
        for (const d of fresh) {
          const row = await tx.deadline.create({
            data: { incidentId, ...deadlineRowOf(d) },
          });
          await appendAudit(tx, {
            actorLabel: SYSTEM_ACTOR,
            action: 'deadline.created',
            entityType: 'Deadline',
            entityId: row.id,
            incidentId,
            at: when,
            data: { key: d.key, kind: d.kind, dueAt: d.dueAt },
          });
        }
      });
    },

    async updateDeadlineStatus({ incidentId, key, status, metAt, overdueAt, reason, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const d = await deadlineOrThrow(tx, incidentId, key);
        const wantMet = metAt ? new Date(metAt) : null;
        const wantOverdue = overdueAt ? new Date(overdueAt) : null;
        const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
        if (d.status === status && sameTime(d.metAt, wantMet) && sameTime(d.overdueAt, wantOverdue)) return;
        await tx.deadline.update({ where: { id: d.id }, data: { status, metAt: wantMet, overdueAt: wantOverdue } });
        const action =
          status === 'MISSED' && d.status === 'MISSED' && wantMet ? 'deadline.delivered-late' : `deadline.${status.toLowerCase()}`;
        await auditDeadline(tx, { incidentId, deadlineId: d.id, action, at: when, data: { key, from: d.status, to: status, metAt, overdueAt, ...(reason ? { reason } : {}) } });
      });
    },

    async recordDeadlineNotice({ incidentId, key, notice, sequence, notifiedPersonIds, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const d = await deadlineOrThrow(tx, incidentId, key);
        const action = notice === 'REMINDER' ? 'deadline.reminder-sent' : 'deadline.overdue-escalated';
        // The workflow time of the notice is its identity: a retried activity finds its own event.
        const already = await tx.auditEvent.findFirst({ where: { incidentId, entityId: d.id, action, at: when }, select: { seq: true } });
        if (already) return;
        await auditDeadline(tx, { incidentId, deadlineId: d.id, action, at: when, data: { key, sequence, notifiedPersonIds } });
      });
    },

    async extendDeadline({ incidentId, key, fromDueAt, toDueAt, reason, by, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const d = await deadlineOrThrow(tx, incidentId, key);
        const to = new Date(toDueAt);
        if (d.dueAt.getTime() === to.getTime()) return; // a retry of an extension that already committed
        if (d.status !== 'OPEN') {
          throw ApplicationFailure.create({ type: FailureType.InvalidState, message: `deadline ${key} is ${d.status}`, nonRetryable: true });
        }
        await tx.deadlineExtension.create({
          data: { deadlineId: d.id, fromDueAt: new Date(fromDueAt), toDueAt: to, reason, byId: by.personId, at: when },
        });
        await tx.deadline.update({ where: { id: d.id }, data: { dueAt: to } });
        await appendAudit(tx, {
          actorId: by.personId,
          actorLabel: by.name,
          action: 'deadline.extended',
          entityType: 'Deadline',
          entityId: d.id,
          incidentId,
          at: when,
          data: { key, fromDueAt, toDueAt, reason },
        });
      });
    },

    async createStatementDraft({ statementId, incidentId, workflowId, kind, deadlineKey, title, body, translations, author, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await incidentOrThrow(tx, incidentId);
        if (await tx.statement.findUnique({ where: { id: statementId }, select: { id: true } })) return;
        await tx.statement.create({
          data: {
            id: statementId,
            incidentId,
            kind,
            deadlineKey,
            workflowId,
            status: 'DRAFT',
            currentVersion: 1,
            createdById: author.personId,
            createdAt: when,
            versions: { create: { version: 1, title, body, ...translationsColumn(translations), authorId: author.personId, createdAt: when } },
          },
        });
        await appendAudit(tx, {
          actorId: author.personId,
          actorLabel: author.name,
          action: 'statement.drafted',
          entityType: 'Statement',
          entityId: statementId,
          incidentId,
          at: when,
          data: { kind, deadlineKey, version: 1, title },
        });
      });
    },

    async setStatementStatus({ statementId, status, version, at, actor }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        const s = await statementOrThrow(tx, statementId);
        if (s.status === status && s.currentVersion === version) return;
        if (s.status === 'PUBLISHED' || s.status === 'WITHDRAWN') {
          throw ApplicationFailure.create({ type: FailureType.InvalidState, message: `statement is ${s.status}`, nonRetryable: true });
        }
        await tx.statement.update({ where: { id: statementId }, data: { status, currentVersion: version } });
        await appendAudit(tx, {
          ...actorAudit(actor),
          action: status === 'PENDING_APPROVAL' ? 'statement.submitted-for-approval' : 'statement.changes-requested',
          entityType: 'Statement',
          entityId: statementId,
          incidentId: s.incidentId,
          at: when,
          data: { version, from: s.status, to: status },
        });
      });
    },

    async recordApproval({ statementId, version, role, decision, comment, approver, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        const s = await statementOrThrow(tx, statementId);
        const existing = await tx.approval.findUnique({ where: { statementId_version_role: { statementId, version, role } } });
        if (existing) return;
        await tx.approval.create({
          data: { statementId, version, role, decision, comment, approverId: approver.personId, decidedAt: when },
        });
        await appendAudit(tx, {
          actorId: approver.personId,
          actorLabel: approver.name,
          action: decision === 'APPROVED' ? 'statement.approved' : 'statement.rejected',
          entityType: 'Statement',
          entityId: statementId,
          incidentId: s.incidentId,
          at: when,
          data: { version, role, comment },
        });
      });
    },

    async addStatementVersion({ statementId, version, title, body, translations, author, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        const s = await statementOrThrow(tx, statementId);
        const existing = await tx.statementVersion.findUnique({ where: { statementId_version: { statementId, version } } });
        if (existing) return;
        if (s.status === 'PUBLISHED' || s.status === 'WITHDRAWN') {
          throw ApplicationFailure.create({ type: FailureType.InvalidState, message: `statement is ${s.status}`, nonRetryable: true });
        }
        await tx.statementVersion.create({ data: { statementId, version, title, body, ...translationsColumn(translations), authorId: author.personId, createdAt: when } });
        await tx.statement.update({ where: { id: statementId }, data: { currentVersion: version, status: 'PENDING_APPROVAL' } });
        await appendAudit(tx, {
          actorId: author.personId,
          actorLabel: author.name,
          action: 'statement.revised',
          entityType: 'Statement',
          entityId: statementId,
          incidentId: s.incidentId,
          at: when,
          data: { version, title },
        });
      });
    },

    async publishStatement({ statementId, version, at }) {
      const when = new Date(at);
      return inTx(async (tx) => {
        const s = await statementOrThrow(tx, statementId);
        if (s.status === 'PUBLISHED' && s.publishedAt) return { publishedAt: s.publishedAt.toISOString() };
        const approvals = await tx.approval.count({ where: { statementId, version, decision: 'APPROVED' } });
        if (approvals === 0) {
          throw ApplicationFailure.create({ type: FailureType.InvalidState, message: `version ${version} has no approvals`, nonRetryable: true });
        }
        await recordPublication(tx, s, version, when);
        return { publishedAt: when.toISOString() };
      });
    },

    async closeIncident({ incidentId, summary, by, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        const incident = await incidentOrThrow(tx, incidentId);
        if (incident.status === 'CLOSED') return;
        await tx.incident.update({
          where: { id: incidentId },
          data: { status: 'CLOSED', closedAt: when, closedById: by.personId, closureSummary: summary },
        });
        await appendAudit(tx, {
          actorId: by.personId,
          actorLabel: by.name,
          action: 'incident.closed',
          entityType: 'Incident',
          entityId: incidentId,
          incidentId,
          at: when,
          data: { summary },
        });
      });
    },

    async renderAfterActionReport({ incidentId, at, final }): Promise<AfterActionReportSummaryV1> {
      const when = new Date(at);
      return inTx(async (tx) => {
        await lockIncident(tx, incidentId);
        const report = await renderAfterActionReport(tx, incidentId, when, final, (version) => {
          try {
            return durationMs(getPolicy(version).acknowledgement.backupAfter);
          } catch {
            return null;
          }
        });
        if (!report) throw notFound(`incident ${incidentId} not found`);
        await tx.incident.update({ where: { id: incidentId }, data: { afterActionReport: report as unknown as Prisma.InputJsonValue } });
        await appendAudit(tx, {
          actorLabel: SYSTEM_ACTOR,
          action: final ? 'incident.after-action-report-finalised' : 'incident.after-action-report-rendered',
          entityType: 'Incident',
          entityId: incidentId,
          incidentId,
          at: when,
          data: { deadlines: report.deadlineSummary, acknowledgements: { recipients: report.acknowledgements.recipients, acknowledged: report.acknowledgements.acknowledged } },
        });
        return {
          incidentId,
          generatedAt: when.toISOString(),
          final,
          deadlinesMet: report.deadlineSummary.metOnTime,
          deadlinesMissed: report.deadlineSummary.missed,
          acknowledged: report.acknowledgements.acknowledged,
          recipients: report.acknowledgements.recipients,
          statementsPublished: report.statements.filter((s) => s.status === 'PUBLISHED').length,
        };
      });
    },
  };
}
