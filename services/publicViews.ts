// Public accountability: what was promised, when it was due, whether it was
// met, and what was published. Built field by field from an allow-list so
// nothing private (names, addresses, drafts, comments, summaries) can leak in.
// The public API and the public feeds are both built from these.
import type { Db } from '../lib/db';
import { isDeadlineOverdue } from '../domain/overdue';
import type { DeadlineRow } from '../domain/deadlineRow';
import { deadlineRowSelect } from './deadlineViews';
import { findIncident, type IncidentRow } from './incidentViews';
import { DEFAULT_LANGUAGE } from '../lib/i18n';
import { readTranslations } from '../domain/statementText';
import { currentPolicy, getPolicy, localiseDeadlineTitle, localisePolicy, type Policy } from '../policy';

/** How many incidents the public list shows. */
export const PUBLIC_INCIDENT_LIMIT = 200;

type PublicDeadlineStatus = 'open' | 'met' | 'missed' | 'waived';

/** Missed once marked missed, or while still open past its due time. */
function publicStatus(d: DeadlineRow, now: Date): PublicDeadlineStatus {
  if (d.status === 'MET') return 'met';
  if (d.status === 'WAIVED') return 'waived';
  return isDeadlineOverdue(d, now) ? 'missed' : 'open';
}

/** The policy words an incident is read in: its pinned version's, translated (the current version fills gaps for the same keys). */
function wordsFor(incident: Pick<IncidentRow, 'policyVersion'>, language: string): { pinned: Policy; localised: Policy } {
  let pinned: Policy;
  try {
    pinned = getPolicy(incident.policyVersion);
  } catch {
    pinned = currentPolicy();
  }
  return { pinned, localised: language === DEFAULT_LANGUAGE ? pinned : localisePolicy(pinned, language, currentPolicy()) };
}

type Words = ReturnType<typeof wordsFor>;

const publicDeadline = (d: DeadlineRow, now: Date, words: Words) => ({
  key: d.key,
  kind: d.kind,
  title: localiseDeadlineTitle(words.pinned, words.localised, d),
  dueAt: d.dueAt.toISOString(),
  originalDueAt: d.originalDueAt.toISOString(),
  extended: d.dueAt.getTime() !== d.originalDueAt.getTime(),
  status: publicStatus(d, now),
  metAt: d.metAt ? d.metAt.toISOString() : null,
  metOnTime: d.metAt ? d.metAt <= d.dueAt : null,
});

const typeLabel = (incident: IncidentRow, words: Words): string => words.localised.definition.types.find((t) => t.key === incident.type)?.label ?? incident.type;

function summarise(incident: IncidentRow, deadlines: DeadlineRow[], publishedStatements: number, now: Date, language: string) {
  const statuses = deadlines.map((d) => publicStatus(d, now));
  return {
    number: incident.number,
    type: incident.type,
    typeLabel: typeLabel(incident, wordsFor(incident, language)),
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

/** The public incident list, newest first, in `language`'s policy words. */
export async function loadPublicIncidentList(db: Db, now: Date, language: string = DEFAULT_LANGUAGE) {
  const incidents = await db.incident.findMany({ orderBy: { declaredAt: 'desc' }, take: PUBLIC_INCIDENT_LIMIT });
  const ids = incidents.map((i) => i.id);
  const [deadlines, published] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: { in: ids } }, select: { ...deadlineRowSelect, incidentId: true } }),
    db.statement.groupBy({ by: ['incidentId'], where: { incidentId: { in: ids }, status: 'PUBLISHED' }, _count: { _all: true } }),
  ]);
  const publishedBy = new Map(published.map((p) => [p.incidentId, p._count._all]));
  return incidents.map((i) => summarise(i, deadlines.filter((d) => d.incidentId === i.id), publishedBy.get(i.id) ?? 0, now, language));
}

/**
 * One incident's public record: published statements and every deadline (404
 * HttpError if unknown). In `language`: the policy's words, and each
 * statement's text where one was approved in that language (`language` on a
 * statement says which language its text is in).
 */
export async function loadPublicIncident(db: Db, idOrNumber: string, now: Date, language: string = DEFAULT_LANGUAGE) {
  const incident = await findIncident(db, idOrNumber);
  const words = wordsFor(incident, language);
  const [deadlines, statements] = await Promise.all([
    db.deadline.findMany({ where: { incidentId: incident.id }, select: deadlineRowSelect, orderBy: { dueAt: 'asc' } }),
    db.statement.findMany({
      where: { incidentId: incident.id, status: 'PUBLISHED', publishedVersion: { not: null } },
      select: {
        id: true,
        kind: true,
        deadlineKey: true,
        publishedAt: true,
        publishedVersion: true,
        versions: { select: { version: true, title: true, body: true, translations: true } },
      },
      orderBy: { publishedAt: 'asc' },
    }),
  ]);
  const publicStatements = statements.flatMap((s) => {
    const published = s.versions.find((v) => v.version === s.publishedVersion);
    if (!published || !s.publishedAt) return [];
    const translated = language === DEFAULT_LANGUAGE ? undefined : readTranslations(published.translations)[language];
    const text = translated ?? published;
    return [
      {
        id: s.id,
        kind: s.kind,
        kindLabel: words.localised.statementKinds.find((k) => k.key === s.kind)?.label ?? s.kind,
        title: text.title,
        body: text.body,
        language: translated ? language : DEFAULT_LANGUAGE,
        publishedAt: s.publishedAt.toISOString(),
        deadlineKey: s.deadlineKey,
      },
    ];
  });
  return {
    ...summarise(incident, deadlines, publicStatements.length, now, language),
    statements: publicStatements,
    deadlineList: deadlines.map((d) => publicDeadline(d, now, words)),
  };
}
