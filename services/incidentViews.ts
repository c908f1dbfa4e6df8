// Read models for incidents: the database projection, enriched with live
// workflow state when the workflow answers. Shared by the staff and public
// routes. Staff see what they need to know: drafts and approvers' comments
// only those who write, approve or oversee statements (the policy's
// readDrafts) and a draft's own author; contact details and provider errors
// only the delivery-log readers.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Role } from '../domain/roles';
import { incidentStateQuery, type IncidentStateV1, type RecipientStateV1 } from '../domain/contracts/incident';
import { statementStateQuery, type StatementStateV1 } from '../domain/contracts/statement';
import { notFound } from './errors';
import { INCIDENT_NUMBER_PATTERN, statementWorkflowId } from '../domain/ids';
import { isDeadlineOverdue } from '../domain/overdue';
import { deadlineRowOf } from '../domain/deadlineRow';
import { deadlineJson } from './deadlineViews';
import { holdRulesFor, holdsForStaff, mayReadHoldDetail } from './holdViews';
import { systemActorOf } from '../domain/systemActors';
import { tryQuery } from './temporal';
import { readTranslations } from '../domain/statementText';
import { isPermitted, isPermittedUnder } from './policyView';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export type IncidentRow = NonNullable<Awaited<ReturnType<Db['incident']['findUnique']>>>;

export async function findIncident(db: Db, idOrNumber: string): Promise<IncidentRow> {
  const where = INCIDENT_NUMBER_PATTERN.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber };
  const incident = await db.incident.findUnique({ where });
  if (!incident) throw notFound(`incident ${idOrNumber}`);
  return incident;
}

export function incidentJson(row: IncidentRow) {
  return {
    id: row.id,
    number: row.number,
    workflowId: row.workflowId,
    type: row.type,
    severity: row.severity,
    title: row.title,
    summary: row.summary,
    location: row.location,
    status: row.status,
    policyVersion: row.policyVersion,
    declaredById: row.declaredById,
    declaredAt: row.declaredAt.toISOString(),
    closedAt: iso(row.closedAt),
    closureSummary: row.closureSummary,
  };
}

const statementInclude = {
  versions: { orderBy: { version: 'asc' as const } },
  approvals: { orderBy: { decidedAt: 'asc' as const } },
  incident: { select: { number: true, policyVersion: true } },
};

type StatementRow = NonNullable<Awaited<ReturnType<typeof loadStatementRow>>>;
const loadStatementRow = (db: Db, id: string) => db.statement.findUnique({ where: { id }, include: statementInclude });

export async function findStatement(db: Db, id: string): Promise<StatementRow> {
  const statement = await loadStatementRow(db, id);
  if (!statement) throw notFound(`statement ${id}`);
  return statement;
}

/** A published or withdrawn statement takes no more revisions or decisions. */
export const isStatementFinished = (statement: { status: string }): boolean =>
  statement.status === 'PUBLISHED' || statement.status === 'WITHDRAWN';

/** The statement's approval workflow (rows written before workflowId was stored name it by id). */
export const statementWorkflowOf = (statement: { id: string; workflowId: string }): string =>
  statement.workflowId || statementWorkflowId(statement.id);

/** Display names by person id, for who wrote each version and who decided. */
export async function personNames(db: Db, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const people = await db.person.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(people.map((p) => [p.id, p.name]));
}

/** Everyone a statement names: its authors and its approvers. */
export const peopleInStatement = (row: StatementRow): string[] => [
  row.createdById,
  ...row.versions.map((v) => v.authorId),
  ...row.approvals.map((a) => a.approverId),
];

/** One statement as `viewer` may see it, with the names of the people it names. */
export async function statementWithNames(db: Db, temporal: Client, row: StatementRow, viewer: Viewer) {
  return statementJson(temporal, row, viewer, await personNames(db, peopleInStatement(row)));
}

/** Who is reading: need-to-know is decided on the person and their roles. */
export interface Viewer {
  personId: string;
  roles: readonly Role[];
}

/** Drafts and approvers' comments: the policy's readDrafts roles, and whoever wrote the statement or one of its versions. */
export const mayReadDrafts = (
  viewer: Viewer,
  row: { createdById: string; versions: readonly { authorId: string }[]; incident: { policyVersion: string } },
): boolean =>
  isPermittedUnder(row.incident.policyVersion, viewer.roles, 'readDrafts') ||
  row.createdById === viewer.personId ||
  row.versions.some((v) => v.authorId === viewer.personId);

/** The statement as `viewer` may see it: without drafts and comments unless they need to know, only its published text. */
export async function statementJson(temporal: Client, row: StatementRow, viewer: Viewer, names: ReadonlyMap<string, string> = new Map()) {
  const live: StatementStateV1 | undefined = isStatementFinished(row)
    ? undefined
    : await tryQuery(temporal, row.workflowId, statementStateQuery);
  const full = statementView(row, live, names);
  if (mayReadDrafts(viewer, row)) return full;
  return {
    ...full,
    versions: full.versions.filter((v) => v.version === row.publishedVersion),
    approvals: full.approvals.map((a) => ({ ...a, comment: null })),
    live: full.live ? { ...full.live, chain: full.live.chain.map((step) => ({ ...step, comment: null })) } : null,
  };
}

function statementView(row: StatementRow, live: StatementStateV1 | undefined, names: ReadonlyMap<string, string>) {
  return {
    id: row.id,
    incidentId: row.incidentId,
    incidentNumber: row.incident.number,
    kind: row.kind,
    deadlineKey: row.deadlineKey,
    workflowId: row.workflowId,
    status: row.status,
    currentVersion: row.currentVersion,
    publishedVersion: row.publishedVersion,
    publishedAt: iso(row.publishedAt),
    withdrawnAt: iso(row.withdrawnAt),
    withdrawnById: row.withdrawnById,
    withdrawalNote: row.withdrawalNote,
    createdById: row.createdById,
    createdAt: row.createdAt.toISOString(),
    versions: row.versions.map((v) => ({
      version: v.version,
      title: v.title,
      body: v.body,
      /** The same text in other languages, approved with it. */
      translations: readTranslations(v.translations),
      authorId: v.authorId,
      authorName: names.get(v.authorId) ?? null,
      createdAt: v.createdAt.toISOString(),
    })),
    approvals: row.approvals.map((a) => ({
      version: a.version,
      approverId: a.approverId,
      approverName: names.get(a.approverId) ?? null,
      role: a.role as Role,
      decision: a.decision,
      comment: a.comment,
      decidedAt: a.decidedAt.toISOString(),
    })),
    live: live ?? null,
  };
}

async function statementsWithNames(db: Db, temporal: Client, rows: StatementRow[], viewer: Viewer) {
  const names = await personNames(db, rows.flatMap(peopleInStatement));
  return Promise.all(rows.map((row) => statementJson(temporal, row, viewer, names)));
}

function recipientsFromDb(
  rows: {
    personId: string;
    person: { name: string };
    role: Role;
    kind: string;
    standsInForId: string | null;
    notifiedAt: Date;
    acknowledgedAt: Date | null;
    escalatedToBackupAt: Date | null;
    reportedSilentAt: Date | null;
  }[],
): RecipientStateV1[] {
  return rows.map((r) => ({
    personId: r.personId,
    name: r.person.name,
    role: r.role,
    kind: r.kind === 'BACKUP' ? 'BACKUP' : 'PRIMARY',
    standsInForId: r.standsInForId,
    notifiedAt: r.notifiedAt.toISOString(),
    acknowledgedAt: iso(r.acknowledgedAt),
    escalatedToBackupAt: iso(r.escalatedToBackupAt),
    reportedSilentAt: iso(r.reportedSilentAt),
  }));
}

/**
 * Everything staff see about one incident. The running workflow is the
 * source of truth for acknowledgements and deadlines; the database projection
 * answers when the workflow is closed or unreachable.
 */
export async function incidentDetail(db: Db, temporal: Client, incident: IncidentRow, viewer: Viewer, now = new Date()) {
  const [recipientRows, deadlineRows, statementRows, auditRows] = await Promise.all([
    db.incidentRecipient.findMany({ where: { incidentId: incident.id }, include: { person: { select: { name: true } } }, orderBy: { notifiedAt: 'asc' } }),
    db.deadline.findMany({ where: { incidentId: incident.id }, include: { extensions: { orderBy: { at: 'asc' } } }, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({ where: { incidentId: incident.id }, include: statementInclude, orderBy: { createdAt: 'asc' } }),
    db.auditEvent.findMany({ where: { incidentId: incident.id }, orderBy: { seq: 'asc' } }),
  ]);

  // The workflow keeps running after closing (after-action review), so it is asked even then.
  const live: IncidentStateV1 | undefined = await tryQuery(temporal, incident.workflowId, incidentStateQuery);

  // Who acknowledged for someone else is in the audit log; the view shows it next to the person.
  const onBehalf = new Map(
    auditRows
      .filter((a) => a.action === 'incident.acknowledged')
      .flatMap((a) => {
        const data = (a.data ?? {}) as { personId?: string; acknowledgedBy?: { personId: string; name: string } };
        return data.personId && data.acknowledgedBy ? [[data.personId, data.acknowledgedBy] as const] : [];
      }),
  );
  const recipients = (live ? live.recipients : recipientsFromDb(recipientRows)).map((r) => ({ ...r, acknowledgedBy: onBehalf.get(r.personId) ?? null }));
  const extensionsByKey = new Map(deadlineRows.map((d) => [d.key, d.extensions]));
  const deadlines = live
    ? live.deadlines.map((d) =>
        deadlineJson({ ...deadlineRowOf(d), heldSince: d.heldSince ? new Date(d.heldSince) : null }, extensionsByKey.get(d.key) ?? [], now),
      )
    : deadlineRows.map((d) => deadlineJson(d, d.extensions, now));

  const primaries = recipients.filter((r) => r.kind === 'PRIMARY');
  return {
    incident: incidentJson(incident),
    state: live ? live.status : incident.status,
    stateSource: live ? ('workflow' as const) : ('database' as const),
    acknowledgements: {
      expected: primaries.length,
      acknowledged: primaries.filter((r) => r.acknowledgedAt).length,
      silent: primaries.filter((r) => !r.acknowledgedAt).map((r) => r.personId),
    },
    recipients,
    deadlines,
    statements: await statementsWithNames(db, temporal, statementRows, viewer),
    holds: { rules: holdRulesFor(incident), list: await holdsForStaff(db, incident, viewer.roles) },
    timeline: auditRows.map((a) => ({
      seq: a.seq.toString(),
      at: a.at.toISOString(),
      actorId: a.actorId,
      actorLabel: a.actorLabel,
      systemActor: systemActorOf(a),
      action: a.action,
      entityType: a.entityType,
      entityId: a.entityId,
      data: timelineDataFor(viewer, a, (a.data ?? {}) as Record<string, unknown>, statementRows, incident),
    })),
  };
}

/** Keys under which audit data could hold contact details or a provider's error text. */
const CONTACT_KEYS = new Set(['email', 'phone', 'toAddress', 'address', 'lastError', 'error']);
/** What a notification event says to someone who may not read the delivery log (not its reason: provider errors quote addresses). */
const NOTIFICATION_FIELDS_FOR_ALL = ['personId', 'channel', 'purpose'];
/** Draft text and approvers' comments in statement events. */
const DRAFT_KEYS = new Set(['title', 'comment']);
/** A hold's private detail and release note in hold events. */
const HOLD_DETAIL_KEYS = new Set(['detail', 'note']);

const withoutKeys = (data: Record<string, unknown>, keys: Set<string>) => Object.fromEntries(Object.entries(data).filter(([k]) => !keys.has(k)));

/** A timeline event's data as `viewer` may see it. */
function timelineDataFor(
  viewer: Viewer,
  event: { action: string; entityId: string },
  data: Record<string, unknown>,
  statements: StatementRow[],
  incident: { policyVersion: string },
): Record<string, unknown> {
  let visible = data;
  if (!isPermitted(viewer.roles, 'readDeliveryLog')) {
    visible = event.action.startsWith('notification.')
      ? Object.fromEntries(NOTIFICATION_FIELDS_FOR_ALL.filter((k) => k in data).map((k) => [k, data[k]]))
      : withoutKeys(visible, CONTACT_KEYS);
  }
  if (event.action.startsWith('statement.') && event.action !== 'statement.published') {
    const statement = statements.find((s) => s.id === event.entityId);
    const draftReader = statement ? mayReadDrafts(viewer, statement) : isPermitted(viewer.roles, 'readDrafts');
    if (!draftReader) visible = withoutKeys(visible, DRAFT_KEYS);
  }
  if (event.action.startsWith('hold.') && !mayReadHoldDetail(viewer.roles, incident)) visible = withoutKeys(visible, HOLD_DETAIL_KEYS);
  return visible;
}

/** Board rows: counts only, straight from the projection (one query per table, not per incident). */
export async function incidentList(db: Db, where: { status?: 'ACTIVE' | 'CLOSED' }, limit: number, now = new Date()) {
  const incidents = await db.incident.findMany({ where, orderBy: { declaredAt: 'desc' }, take: limit });
  const ids = incidents.map((i) => i.id);
  const [recipients, deadlines] = await Promise.all([
    db.incidentRecipient.findMany({ where: { incidentId: { in: ids }, kind: 'PRIMARY' }, select: { incidentId: true, acknowledgedAt: true } }),
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: { incidentId: true, status: true, dueAt: true, heldSince: true } }),
  ]);
  return incidents.map((incident) => {
    const mine = recipients.filter((r) => r.incidentId === incident.id);
    const myDeadlines = deadlines.filter((d) => d.incidentId === incident.id);
    return {
      ...incidentJson(incident),
      acknowledgements: { expected: mine.length, acknowledged: mine.filter((r) => r.acknowledgedAt).length },
      deadlines: {
        open: myDeadlines.filter((d) => d.status === 'OPEN').length,
        // Open past its due time: not yet marked missed by the workflow (missed ones are counted below).
        overdue: myDeadlines.filter((d) => d.status === 'OPEN' && isDeadlineOverdue(d, now)).length,
        held: myDeadlines.filter((d) => d.heldSince !== null).length,
        met: myDeadlines.filter((d) => d.status === 'MET').length,
        missed: myDeadlines.filter((d) => d.status === 'MISSED').length,
      },
    };
  });
}
