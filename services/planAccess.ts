// The per-item rules of an action plan, which need the item: the routes gate
// on the policy's managePlans/readPlans permissions (services/policyView.ts).
import type { Role } from '../domain/roles';
import { forbidden } from './errors';
import { currentPolicyView } from './policyView';

interface Person {
  id: string;
  roles: readonly Role[];
}

const isPlanManager = (person: Person): boolean => {
  const managers = currentPolicyView().permissions.managePlans;
  return person.roles.some((role) => managers.includes(role));
};

/** Progress, status, completion and reschedule requests: the item's owner, or a plan manager for them. */
export function assertMayActForOwner(person: Person, item: { ownerId: string }): void {
  if (person.id !== item.ownerId && !isPlanManager(person)) throw forbidden("only the item's owner or the city manager may do this");
}

/** A reschedule is decided by the item's sponsor and no one else. */
export function assertMayDecideReschedule(person: Person, item: { sponsorId: string }): void {
  if (person.id !== item.sponsorId) throw forbidden("only the item's sponsor may decide a reschedule");
}
