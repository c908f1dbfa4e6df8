// Persistence for counsel's holds and the publication they gate. Like every
// incident activity: each change is written with its audit event in one
// transaction under the incident's row lock, and a retry finds what an
// earlier attempt wrote and adds nothing.
//
// The incident row lock is also what makes "held" and "published" exclusive:
// placing a hold and publishing a statement both take it, so a statement is
// either published before the hold exists or sees the hold and waits.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../lib/db';
import { appendAudit, type TxClient } from '../lib/audit';
import type { ActorV1 } from '../domain/contracts/common';
import type { HoldScopeV1 } from '../domain/contracts/holds';
import type { IncidentActivities, PublicationOutcomeV1 } from '../domain/contracts/incidentActivities';
import { FailureType } from '../domain/failures';
import { scopeCovers } from '../domain/holds';
import { SYSTEM_ACTORS } from '../domain/systemActors';
import { STATEMENT_SYSTEM_ACTOR, recordPublication } from './statementPublication';

type HoldActivities = Pick<
  IncidentActivities,
  'publishStatementUnlessHeld' | 'recordHoldPlaced' | 'recordHoldEnded' | 'recordHoldReminder' | 'holdDeadlineClocks' | 'recordAckCalls'
>;

const SYSTEM_ACTOR = SYSTEM_ACTORS.INCIDENT_WORKFLOW;

const failure = (type: FailureType, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

async function lockRow(tx: TxClient, table: 'Incident' | 'Statement', id: string): Promise<void> {
  const rows =
    table === 'Incident'
      ? await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Incident" WHERE "id" = ${id} FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Statement" WHERE "id" = ${id} FOR UPDATE`;
  if (rows.length === 0) throw failure(FailureType.NotFound, `${table.toLowerCase()} ${id} not found`);
}

const scopeColumns = (scope: HoldScopeV1) => ({
  scope: scope.kind,
  statementKind: scope.kind === 'STATEMENT_KIND' ? scope.statementKind : null,
  statementId: scope.kind === 'STATEMENT' ? scope.statementId : null,
});

/** The scope of a hold row, as the workflow wrote it. */
export function scopeOfRow(row: { scope: string; statementKind: string | null; statementId: string | null }): HoldScopeV1 {
  if (row.scope === 'STATEMENT_KIND' && row.statementKind) return { kind: 'STATEMENT_KIND', statementKind: row.statementKind };
  if (row.scope === 'STATEMENT' && row.statementId) return { kind: 'STATEMENT', statementId: row.statementId };
  return { kind: 'ALL' };
}

const actorFields = (actor: ActorV1 | null) => (actor ? { actorId: actor.personId, actorLabel: actor.name } : { actorId: null, actorLabel: SYSTEM_ACTOR });

export function createHoldActivities({ db }: { db: Db }): HoldActivities {
  const inTx = <T>(fn: (tx: TxClient) => Promise<T>): Promise<T> => db.$transaction(fn);

  return {
    async publishStatementUnlessHeld({ statementId, version, at }): Promise<PublicationOutcomeV1> {
      const when = new Date(at);
      return inTx(async (tx) => {
        const incident = await tx.statement.findUnique({ where: { id: statementId }, select: { incidentId: true } });
        if (!incident) throw failure(FailureType.NotFound, `statement ${statementId} not found`);
        // Incident first, then statement: the order placing a hold and every other statement activity agree on.
        await lockRow(tx, 'Incident', incident.incidentId);
        await lockRow(tx, 'Statement', statementId);
        const s = await tx.statement.findUniqueOrThrow({ where: { id: statementId } });
        if (s.status === 'PUBLISHED' && s.publishedAt) return { published: true, publishedAt: s.publishedAt.toISOString() };
        if (s.status === 'WITHDRAWN') throw failure(FailureType.InvalidState, `statement ${statementId} is withdrawn`);
        const approvals = await tx.approval.count({ where: { statementId, version, decision: 'APPROVED' } });
        if (approvals === 0) throw failure(FailureType.InvalidState, `version ${version} has no approvals`);

        const active = await tx.publicationHold.findMany({ where: { incidentId: s.incidentId, status: 'ACTIVE' }, orderBy: { placedAt: 'asc' } });
        const hold = active.find((h) => scopeCovers(scopeOfRow(h), { statementKind: s.kind, statementId }));
        if (hold) {
          if (s.status !== 'APPROVED' || s.currentVersion !== version) {
            await tx.statement.update({ where: { id: statementId }, data: { status: 'APPROVED', currentVersion: version } });
          }
          // Once per hold and version: a retry, or the same hold found again, adds nothing.
          const already = await tx.auditEvent.findFirst({
            where: { entityId: statementId, action: 'statement.publication-held', data: { path: ['holdId'], equals: hold.id } },
            select: { seq: true, data: true },
          });
          if (!already || (already.data as { version?: number }).version !== version) {
            await appendAudit(tx, {
              actorLabel: STATEMENT_SYSTEM_ACTOR,
              action: 'statement.publication-held',
              entityType: 'Statement',
              entityId: statementId,
              incidentId: s.incidentId,
              at: when,
              data: { version, holdId: hold.id, category: hold.category },
            });
          }
          return { published: false, heldBy: { holdId: hold.id, category: hold.category, placedAt: hold.placedAt.toISOString() } };
        }

        await recordPublication(tx, s, version, when);
        return { published: true, publishedAt: when.toISOString() };
      });
    },

    async recordHoldPlaced({ holdId, incidentId, scope, category, detail, by, lapsesAt, notifiedPersonIds, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockRow(tx, 'Incident', incidentId);
        if (await tx.publicationHold.findUnique({ where: { id: holdId }, select: { id: true } })) return;
        if (scope.kind === 'STATEMENT') {
          const statement = await tx.statement.findUnique({ where: { id: scope.statementId }, select: { incidentId: true, status: true } });
          if (!statement || statement.incidentId !== incidentId) throw failure(FailureType.NotFound, `statement ${scope.statementId} not found on this incident`);
          if (statement.status === 'PUBLISHED' || statement.status === 'WITHDRAWN') {
            throw failure(FailureType.InvalidState, `the statement is already ${statement.status.toLowerCase()}; a published statement can be withdrawn instead`);
          }
        }
        await tx.publicationHold.create({
          data: { id: holdId, incidentId, ...scopeColumns(scope), category, detail, status: 'ACTIVE', placedById: by.personId, placedAt: when, lapsesAt: new Date(lapsesAt) },
        });
        await appendAudit(tx, {
          ...actorFields(by),
          action: 'hold.placed',
          entityType: 'PublicationHold',
          entityId: holdId,
          incidentId,
          at: when,
          data: { holdId, scope, category, detail, lapsesAt, notifiedPersonIds },
        });
      });
    },

    async recordHoldEnded({ holdId, incidentId, status, by, note, notifiedPersonIds, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockRow(tx, 'Incident', incidentId);
        const hold = await tx.publicationHold.findUnique({ where: { id: holdId } });
        if (!hold || hold.incidentId !== incidentId) throw failure(FailureType.NotFound, `hold ${holdId} not found on this incident`);
        if (hold.status !== 'ACTIVE') return;
        await tx.publicationHold.update({ where: { id: holdId }, data: { status, endedAt: when, endedById: by?.personId ?? null, endNote: note } });
        await appendAudit(tx, {
          ...actorFields(by),
          action: status === 'RELEASED' ? 'hold.released' : 'hold.lapsed',
          entityType: 'PublicationHold',
          entityId: holdId,
          incidentId,
          at: when,
          data: { holdId, category: hold.category, placedAt: hold.placedAt.toISOString(), ...(note ? { note } : {}), notifiedPersonIds },
        });
      });
    },

    async recordHoldReminder({ holdId, incidentId, sequence, notifiedPersonIds, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockRow(tx, 'Incident', incidentId);
        // The workflow time of the reminder is its identity: a retried activity finds its own event.
        const already = await tx.auditEvent.findFirst({ where: { incidentId, entityId: holdId, action: 'hold.reminder-sent', at: when }, select: { seq: true } });
        if (already) return;
        await appendAudit(tx, {
          actorLabel: SYSTEM_ACTOR,
          action: 'hold.reminder-sent',
          entityType: 'PublicationHold',
          entityId: holdId,
          incidentId,
          at: when,
          data: { holdId, sequence, notifiedPersonIds },
        });
      });
    },

    async holdDeadlineClocks({ incidentId, changes, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockRow(tx, 'Incident', incidentId);
        for (const change of changes) {
          const d = await tx.deadline.findUnique({ where: { incidentId_key: { incidentId, key: change.key } } });
          if (!d) throw failure(FailureType.NotFound, `deadline ${change.key} not found on incident ${incidentId}`);
          const heldSince = change.heldSince ? new Date(change.heldSince) : null;
          const dueAt = new Date(change.dueAt);
          const same = (d.heldSince?.getTime() ?? null) === (heldSince?.getTime() ?? null) && d.heldByHoldId === change.holdId && d.dueAt.getTime() === dueAt.getTime();
          if (same) continue;
          await tx.deadline.update({ where: { id: d.id }, data: { heldSince, heldByHoldId: change.holdId, dueAt } });
          const stopped = heldSince !== null;
          await appendAudit(tx, {
            actorLabel: SYSTEM_ACTOR,
            action: stopped ? 'deadline.held' : 'deadline.resumed',
            entityType: 'Deadline',
            entityId: d.id,
            incidentId,
            at: when,
            data: stopped
              ? { key: d.key, holdId: change.holdId, dueAt: d.dueAt.toISOString() }
              : { key: d.key, heldSince: d.heldSince?.toISOString() ?? null, fromDueAt: d.dueAt.toISOString(), toDueAt: change.dueAt },
          });
        }
      });
    },

    async recordAckCalls({ incidentId, calls, at }) {
      const when = new Date(at);
      await inTx(async (tx) => {
        await lockRow(tx, 'Incident', incidentId);
        const already = await tx.auditEvent.findFirst({ where: { incidentId, entityId: incidentId, action: 'incident.ack-calls', at: when }, select: { seq: true } });
        if (already) return;
        await appendAudit(tx, {
          actorLabel: SYSTEM_ACTOR,
          action: 'incident.ack-calls',
          entityType: 'Incident',
          entityId: incidentId,
          incidentId,
          at: when,
          data: { calls },
        });
      });
    },
  };
}
