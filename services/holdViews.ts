// Counsel's holds as staff see them, and what an incident's pinned policy
// says about holds and withdrawal, so the console offers each action to the
// roles that incident's plan names. The private detail is need-to-know: the
// roles the policy involves in holds (who place and release them, who are
// reminded and told), not every reader of the incident.
import type { Db } from '../lib/db';
import type { Role } from '../domain/roles';
import { DEFAULT_LANGUAGE } from '../lib/i18n';
import { holdCategoryName } from '../policy';
import { pinnedPolicyOf } from './policyView';

/**
 * What the incident's pinned policy says about holds and withdrawal: the
 * console offers the actions by it. Category labels are the catalogue's names
 * in the default language; the pages name each category by its key in their
 * own language.
 */
export function holdRulesFor(incident: { policyVersion: string }) {
  const policy = pinnedPolicyOf(incident.policyVersion);
  return {
    available: !!policy?.holds,
    categories: policy?.holds?.categories.map((c) => ({ key: c.key, label: holdCategoryName(DEFAULT_LANGUAGE, c.key, c.label) })) ?? [],
    placeBy: [...(policy?.holds?.placeBy ?? [])] as Role[],
    releaseBy: [...(policy?.holds?.releaseBy ?? [])] as Role[],
    maxDuration: policy?.holds?.maxDuration ?? null,
    withdrawBy: [...(policy?.withdrawal?.allowedRoles ?? [])] as Role[],
  };
}

/** Whether someone with `roles` may read holds' private detail and release notes on an incident under this policy. */
export function mayReadHoldDetail(roles: readonly Role[], incident: { policyVersion: string }): boolean {
  const holds = pinnedPolicyOf(incident.policyVersion)?.holds;
  if (!holds) return false;
  const involved = new Set<Role>([...holds.placeBy, ...holds.releaseBy, ...holds.remind, ...holds.notify]);
  return roles.some((role) => involved.has(role));
}

/** Every hold of an incident for staff, newest first: who placed and ended it, and the private detail to those who need it. */
export async function holdsForStaff(db: Db, incident: { id: string; policyVersion: string }, viewerRoles: readonly Role[]) {
  const detailReader = mayReadHoldDetail(viewerRoles, incident);
  const rows = await db.publicationHold.findMany({ where: { incidentId: incident.id }, orderBy: { placedAt: 'desc' } });
  const names = await namesOf(db, rows.flatMap((r) => [r.placedById, r.endedById].filter((id): id is string => !!id)));
  const labels = new Map(holdRulesFor(incident).categories.map((c) => [c.key, c.label]));
  return rows.map((r) => ({
    holdId: r.id,
    scope: r.scope,
    statementKind: r.statementKind,
    statementId: r.statementId,
    category: r.category,
    categoryLabel: labels.get(r.category) ?? holdCategoryName(DEFAULT_LANGUAGE, r.category),
    detail: detailReader ? r.detail : null,
    status: r.status,
    placedAt: r.placedAt.toISOString(),
    placedById: r.placedById,
    placedByName: names.get(r.placedById) ?? null,
    lapsesAt: r.lapsesAt.toISOString(),
    endedAt: r.endedAt ? r.endedAt.toISOString() : null,
    endedById: r.endedById,
    endedByName: r.endedById ? (names.get(r.endedById) ?? null) : null,
    endNote: detailReader ? r.endNote : null,
  }));
}

async function namesOf(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const people = await db.person.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(people.map((p) => [p.id, p.name]));
}
