// Public accountability: what was promised, when it was due, whether it was
// met, and what was published. Built field by field from an allow-list so
// nothing private (names, addresses, drafts, comments, summaries, a counsel's
// hold's detail) can leak in. The public API and the public feeds are both
// built from these.
import type { Db } from '../lib/db';
import { isDeadlineOverdue } from '../domain/overdue';
import type { DeadlineRow } from '../domain/deadlineRow';
import { deadlineRowSelect } from './deadlineViews';
import { findIncident, type IncidentRow } from './incidentViews';
import { holdCategoryLabel, policyViewFor, type PolicyView } from './policyView';

/** How many incidents the public list shows. */
export const PUBLIC_INCIDENT_LIMIT = 200;

/** held: a counsel's hold stops its clock (shown instead of "missed" while it lasts). */
type PublicDeadlineStatus = 'open' | 'met' | 'missed' | 'waived' | 'held';

/** A deadline row with what the public may know of a hold on it. */
type PublicDeadlineRow = DeadlineRow & { heldSince: Date | null; heldByHoldId: string | null; _count: { extensions: number } };

const publicDeadlineSelect = { ...deadlineRowSelect, heldSince: true, heldByHoldId: true, _count: { select: { extensions: true } } } as const;

/** The public's view of a hold row: when, why (the category), what it covers, how it ended. Never the detail. */
interface HoldRow {
  id: string;
  incidentId: string;
  scope: string;
  statementKind: string | null;
  category: string;
  status: string;
  placedAt: Date;
  lapsesAt: Date;
  endedAt: Date | null;
}

const publicHoldSelect = {
  id: true,
  incidentId: true,
  scope: true,
  statementKind: true,
  category: true,
  status: true,
  placedAt: true,
  lapsesAt: true,
  endedAt: true,
} as const;

/** Missed once marked missed, or while still open past its due time; held while a counsel's hold stops an open one. */
function publicStatus(d: PublicDeadlineRow, now: Date): PublicDeadlineStatus {
  if (d.status === 'MET') return 'met';
  if (d.status === 'WAIVED') return 'waived';
  if (d.status === 'OPEN' && d.heldSince) return 'held';
  return isDeadlineOverdue(d, now) ? 'missed' : 'open';
}

function publicDeadline(d: PublicDeadlineRow, now: Date, holds: HoldRow[], policy: PolicyView) {
  const hold = d.heldByHoldId ? holds.find((h) => h.id === d.heldByHoldId) : undefined;
  const moved = d.dueAt.getTime() !== d.originalDueAt.getTime();
  return {
    key: d.key,
    kind: d.kind,
    title: d.title,
    dueAt: d.dueAt.toISOString(),
    originalDueAt: d.originalDueAt.toISOString(),
    extended: moved,
    /** Why the due time moved: an extension (with a reason, kept for staff) or the end of a counsel's hold. */
    movedBy: !moved ? null : d._count.extensions > 0 ? ('extension' as const) : ('hold' as const),
    status: publicStatus(d, now),
    metAt: d.metAt ? d.metAt.toISOString() : null,
    metOnTime: d.metAt ? d.metAt <= d.dueAt : null,
    heldByCounsel: d.heldSince && hold ? { since: d.heldSince.toISOString(), reason: holdCategoryLabel(policy, hold.category) } : null,
  };
}

function publicHold(h: HoldRow, policy: PolicyView) {
  const kindLabel = h.statementKind ? (policy.statementKinds.find((k) => k.key === h.statementKind)?.label ?? h.statementKind) : null;
  return {
    id: h.id,
    covers: h.scope === 'ALL' ? 'all publication' : h.scope === 'STATEMENT_KIND' ? `every ${(kindLabel ?? 'statement').toLowerCase()}` : 'a statement',
    statementKind: h.scope === 'STATEMENT_KIND' ? h.statementKind : null,
    reason: holdCategoryLabel(policy, h.category),
    category: h.category,
    status: h.status === 'ACTIVE' ? ('active' as const) : h.status === 'LAPSED' ? ('lapsed' as const) : ('released' as const),
    since: h.placedAt.toISOString(),
    lapsesAt: h.lapsesAt.toISOString(),
    endedAt: h.endedAt ? h.endedAt.toISOString() : null,
  };
}

const typeLabel = (incident: IncidentRow, policy: PolicyView): string => policy.incidentTypes.find((t) => t.key === incident.type)?.label ?? incident.type;

function summarise(incident: IncidentRow, deadlines: PublicDeadlineRow[], holds: HoldRow[], publishedStatements: number, now: Date) {
  const policy = policyViewFor(incident.policyVersion);
  const statuses = deadlines.map((d) => publicStatus(d, now));
  return {
    number: incident.number,
    type: incident.type,
    typeLabel: typeLabel(incident, policy),
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt.toISOString(),
    closedAt: incident.closedAt ? incident.closedAt.toISOString() : null,
    publishedStatements,
    deadlines: {
      open: statuses.filter((s) => s === 'open').length,
      met: statuses.filter((s) => s === 'met').length,
      missed: statuses.filter((s) => s === 'missed').length,
      held: statuses.filter((s) => s === 'held').length,
    },
    heldByCounsel: holds.filter((h) => h.status === 'ACTIVE').length > 0,
  };
}

/** The public incident list, newest first. */
export async function loadPublicIncidentList(db: Db, now: Date) {
  const incidents = await db.incident.findMany({ orderBy: { declaredAt: 'desc' }, take: PUBLIC_INCIDENT_LIMIT });
  const ids = incidents.map((i) => i.id);
  const [deadlines, holds, published] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: { ...publicDeadlineSelect, incidentId: true } }),
    db.publicationHold.findMany({ where: { incidentId: { in: ids }, status: 'ACTIVE' }, select: publicHoldSelect }),
    db.statement.groupBy({ by: ['incidentId'], where: { incidentId: { in: ids }, status: 'PUBLISHED' }, _count: { _all: true } }),
  ]);
  const publishedBy = new Map(published.map((p) => [p.incidentId, p._count._all]));
  return incidents.map((i) =>
    summarise(
      i,
      deadlines.filter((d) => d.incidentId === i.id),
      holds.filter((h) => h.incidentId === i.id),
      publishedBy.get(i.id) ?? 0,
      now,
    ),
  );
}

/**
 * One incident's public record (404 HttpError if unknown): published
 * statements, statements withdrawn after publication (with their public note,
 * never their text), every deadline, and counsel's holds by category.
 */
export async function loadPublicIncident(db: Db, idOrNumber: string, now: Date) {
  const incident = await findIncident(db, idOrNumber);
  const policy = policyViewFor(incident.policyVersion);
  const [deadlines, statements, holds] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: incident.id }, select: publicDeadlineSelect, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({
      where: { incidentId: incident.id, status: { in: ['PUBLISHED', 'WITHDRAWN'] }, publishedVersion: { not: null } },
      select: {
        id: true,
        kind: true,
        status: true,
        deadlineKey: true,
        publishedAt: true,
        publishedVersion: true,
        withdrawnAt: true,
        withdrawalNote: true,
        versions: { select: { version: true, title: true, body: true } },
      },
      orderBy: { publishedAt: 'asc' },
    }),
    db.publicationHold.findMany({ where: { incidentId: incident.id }, select: publicHoldSelect, orderBy: { placedAt: 'asc' } }),
  ]);
  const publicStatements = statements.flatMap((s) => {
    const text = s.versions.find((v) => v.version === s.publishedVersion);
    if (s.status !== 'PUBLISHED' || !text || !s.publishedAt) return [];
    return [{ id: s.id, kind: s.kind, title: text.title, body: text.body, publishedAt: s.publishedAt.toISOString(), deadlineKey: s.deadlineKey }];
  });
  const withdrawnStatements = statements.flatMap((s) => {
    if (s.status !== 'WITHDRAWN' || !s.publishedAt || !s.withdrawnAt) return [];
    return [
      {
        id: s.id,
        kind: s.kind,
        kindLabel: policy.statementKinds.find((k) => k.key === s.kind)?.label ?? s.kind,
        publishedAt: s.publishedAt.toISOString(),
        withdrawnAt: s.withdrawnAt.toISOString(),
        note: s.withdrawalNote ?? '',
        deadlineKey: s.deadlineKey,
      },
    ];
  });
  return {
    ...summarise(incident, deadlines, holds, publicStatements.length, now),
    statements: publicStatements,
    withdrawnStatements,
    deadlineList: deadlines.map((d) => publicDeadline(d, now, holds, policy)),
    holds: holds.map((h) => publicHold(h, policy)),
  };
}
