// Who may do what with an action plan: the one place these permissions are
// written. The routes gate on the role lists; the item services apply the
// per-item rules, which need the item. When the policy gains an access
// section, these read from it and nothing else changes.
import { ROLES, type Role } from '../domain/roles';
import { forbidden } from './errors';

/** Creates plans, goals and items, and imports items. */
export const PLAN_MANAGERS: readonly Role[] = ['CITY_MANAGER'];

/** Sees plans and items and may act on the items that are theirs: the city's staff and the stakeholder leads, which is every role. */
export const PLAN_READERS: readonly Role[] = ROLES;

interface Person {
  id: string;
  roles: readonly Role[];
}

const isPlanManager = (person: Person): boolean => person.roles.some((role) => PLAN_MANAGERS.includes(role));

/** Progress, status, completion and reschedule requests: the item's owner, or a plan manager for them. */
export function assertMayActForOwner(person: Person, item: { ownerId: string }): void {
  if (person.id !== item.ownerId && !isPlanManager(person)) throw forbidden("only the item's owner or the city manager may do this");
}

/** A reschedule is decided by the item's sponsor and no one else. */
export function assertMayDecideReschedule(person: Person, item: { sponsorId: string }): void {
  if (person.id !== item.sponsorId) throw forbidden("only the item's sponsor may decide a reschedule");
}
