// Public accountability: what was promised, when it was due, whether it was
// met, and what was published. Built field by field from an allow-list so
// nothing private (names, addresses, drafts, comments, summaries) can leak in.
// The public API and the public feeds are both built from these.
import type { Db } from '../lib/db';
import { isDeadlineOverdue } from '../domain/overdue';
import type { DeadlineRow } from '../domain/deadlineRow';
import { deadlineRowSelect } from './deadlineViews';
import { findIncident, type IncidentRow } from './incidentViews';
import { policyViewFor } from './policyView';

/** How many incidents the public list shows. */
export const PUBLIC_INCIDENT_LIMIT = 200;

type PublicDeadlineStatus = 'open' | 'met' | 'missed' | 'waived';

/** Missed once marked missed, or while still open past its due time. */
function publicStatus(d: DeadlineRow, now: Date): PublicDeadlineStatus {
  if (d.status === 'MET') return 'met';
  if (d.status === 'WAIVED') return 'waived';
  return isDeadlineOverdue(d, now) ? 'missed' : 'open';
}

const publicDeadline = (d: DeadlineRow, now: Date) => ({
  key: d.key,
  kind: d.kind,
  title: d.title,
  dueAt: d.dueAt.toISOString(),
  originalDueAt: d.originalDueAt.toISOString(),
  extended: d.dueAt.getTime() !== d.originalDueAt.getTime(),
  status: publicStatus(d, now),
  metAt: d.metAt ? d.metAt.toISOString() : null,
  metOnTime: d.metAt ? d.metAt <= d.dueAt : null,
});

const typeLabel = (incident: IncidentRow): string =>
  policyViewFor(incident.policyVersion).incidentTypes.find((t) => t.key === incident.type)?.label ?? incident.type;

function summarise(incident: IncidentRow, deadlines: DeadlineRow[], publishedStatements: number, now: Date) {
  const statuses = deadlines.map((d) => publicStatus(d, now));
  return {
    number: incident.number,
    type: incident.type,
    typeLabel: typeLabel(incident),
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt.toISOString(),
    closedAt: incident.closedAt ? incident.closedAt.toISOString() : null,
    publishedStatements,
    deadlines: {
      open: statuses.filter((s) => s === 'open').length,
      met: statuses.filter((s) => s === 'met').length,
      missed: statuses.filter((s) => s === 'missed').length,
    },
  };
}

/** The public incident list, newest first. */
export async function loadPublicIncidentList(db: Db, now: Date) {
  const incidents = await db.incident.findMany({ orderBy: { declaredAt: 'desc' }, take: PUBLIC_INCIDENT_LIMIT });
  const ids = incidents.map((i) => i.id);
  const [deadlines, published] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: { ...deadlineRowSelect, incidentId: true } }),
    db.statement.groupBy({ by: ['incidentId'], where: { incidentId: { in: ids }, status: 'PUBLISHED' }, _count: { _all: true } }),
  ]);
  const publishedBy = new Map(published.map((p) => [p.incidentId, p._count._all]));
  return incidents.map((i) => summarise(i, deadlines.filter((d) => d.incidentId === i.id), publishedBy.get(i.id) ?? 0, now));
}

/** One incident's public record: published statements and every deadline (404 HttpError if unknown). */
export async function loadPublicIncident(db: Db, idOrNumber: string, now: Date) {
  const incident = await findIncident(db, idOrNumber);
  const [deadlines, statements] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: incident.id }, select: deadlineRowSelect, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({
      where: { incidentId: incident.id, status: 'PUBLISHED', publishedVersion: { not: null } },
      select: { id: true, kind: true, deadlineKey: true, publishedAt: true, publishedVersion: true, versions: { select: { version: true, title: true, body: true } } },
      orderBy: { publishedAt: 'asc' },
    }),
  ]);
  const publicStatements = statements.flatMap((s) => {
    const text = s.versions.find((v) => v.version === s.publishedVersion);
    if (!text || !s.publishedAt) return [];
    return [{ id: s.id, kind: s.kind, title: text.title, body: text.body, publishedAt: s.publishedAt.toISOString(), deadlineKey: s.deadlineKey }];
  });
  return {
    ...summarise(incident, deadlines, publicStatements.length, now),
    statements: publicStatements,
    deadlineList: deadlines.map((d) => publicDeadline(d, now)),
  };
}
