// Counsel's holds as staff see them (private detail included), and what an
// incident's pinned policy says about holds and withdrawal, so the console
// offers each action to the roles that incident's plan names.
import type { Db } from '../lib/db';
import type { Role } from '../domain/roles';
import { pinnedPolicyOf } from './policyView';

/** What the incident's pinned policy says about holds and withdrawal: the console offers the actions by it. */
export function holdRulesFor(incident: { policyVersion: string }) {
  const policy = pinnedPolicyOf(incident.policyVersion);
  return {
    available: !!policy?.holds,
    categories: policy?.holds?.categories.map((c) => ({ key: c.key, label: c.label })) ?? [],
    placeBy: [...(policy?.holds?.placeBy ?? [])] as Role[],
    releaseBy: [...(policy?.holds?.releaseBy ?? [])] as Role[],
    maxDuration: policy?.holds?.maxDuration ?? null,
    withdrawBy: [...(policy?.withdrawal?.allowedRoles ?? [])] as Role[],
  };
}

/** Every hold of an incident for staff, newest first: who placed and ended it, and the private detail. */
export async function holdsForStaff(db: Db, incident: { id: string; policyVersion: string }) {
  const rows = await db.publicationHold.findMany({ where: { incidentId: incident.id }, orderBy: { placedAt: 'desc' } });
  const names = await namesOf(db, rows.flatMap((r) => [r.placedById, r.endedById].filter((id): id is string => !!id)));
  const labels = new Map(holdRulesFor(incident).categories.map((c) => [c.key, c.label]));
  return rows.map((r) => ({
    holdId: r.id,
    scope: r.scope,
    statementKind: r.statementKind,
    statementId: r.statementId,
    category: r.category,
    categoryLabel: labels.get(r.category) ?? r.category,
    detail: r.detail,
    status: r.status,
    placedAt: r.placedAt.toISOString(),
    placedById: r.placedById,
    placedByName: names.get(r.placedById) ?? null,
    lapsesAt: r.lapsesAt.toISOString(),
    endedAt: r.endedAt ? r.endedAt.toISOString() : null,
    endedById: r.endedById,
    endedByName: r.endedById ? (names.get(r.endedById) ?? null) : null,
    endNote: r.endNote,
  }));
}

async function namesOf(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const people = await db.person.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(people.map((p) => [p.id, p.name]));
}
