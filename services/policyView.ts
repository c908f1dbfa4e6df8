// The API's and the pages' narrow view of the communications policy.
// Everything they need from policy/ goes through here, so routes, schemas and
// pages do not depend on the policy's internal shape, and no role list is
// written anywhere but in the policy.
import { currentPolicy, deciderRoles, getPolicy, type Policy, type SeverityLevel } from '../policy';
import type { Role } from '../domain/roles';

/** Everything a role may be granted, named once. */
export const PERMISSIONS = [
  'declare',
  'close',
  'acknowledgeForOthers',
  'readDeliveryLog',
  'readIncidents',
  'managePlans',
  'readPlans',
  'draftStatements',
  'decideStatements',
  'extendDeadlines',
  'manageMediaList',
  'placeHolds',
  'releaseHolds',
  'withdrawStatements',
  'readDrafts',
  'recordCourtContacts',
  'scheduleSessions',
  'moderateComments',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface PolicyView {
  version: string;
  incidentTypes: { key: string; label: string }[];
  severities: number[];
  statementKinds: { key: string; label: string }[];
  /** Every role that decides some step of some chain (stand-ins included). */
  approverRoles: Role[];
  /** The roles granted each permission. */
  permissions: Record<Permission, Role[]>;
  /** Counsel's holds under this policy, or null when it has none (category labels as the policy writes them; pages name them by key, policy/words.ts). */
  holds: { categories: { key: string; label: string }[]; maxDuration: string } | null;
}

export function permissionsOf(policy: Policy): Record<Permission, Role[]> {
  const granted = {
    declare: [...policy.access.declare],
    close: [...policy.access.close],
    acknowledgeForOthers: [...policy.access.acknowledgeForOthers],
    readDeliveryLog: [...policy.access.readDeliveryLog],
    readIncidents: [...policy.access.readIncidents],
    managePlans: [...policy.access.managePlans],
    readPlans: [...policy.access.readPlans],
    draftStatements: [...policy.approval.drafters],
    decideStatements: deciderRoles(policy.approval),
    extendDeadlines: [...policy.extension.allowedRoles],
    manageMediaList: [...policy.access.manageMediaList],
    placeHolds: [...(policy.holds?.placeBy ?? [])],
    releaseHolds: [...(policy.holds?.releaseBy ?? [])],
    withdrawStatements: [...(policy.withdrawal?.allowedRoles ?? [])],
    recordCourtContacts: [...policy.access.recordCourtContacts],
    scheduleSessions: [...(policy.engagement?.scheduleBy ?? [])],
    // By role; an item's owner also moderates the comments on it (services/comments.ts ownershipGrants).
    moderateComments: [...(policy.comments?.moderatorRoles ?? [])],
  };
  // Need to know: whoever drafts or approves statements, and whom the policy adds (the city manager by default).
  const readDrafts = [...new Set([...policy.access.readDrafts, ...granted.draftStatements, ...granted.decideStatements])];
  return { ...granted, readDrafts };
}

function view(policy: Policy): PolicyView {
  return {
    version: policy.version,
    incidentTypes: policy.definition.types.map((t) => ({ key: t.key, label: t.label })),
    severities: policy.severities.map((s) => s.level),
    statementKinds: policy.statementKinds.map((k) => ({ key: k.key, label: k.label })),
    approverRoles: deciderRoles(policy.approval),
    permissions: permissionsOf(policy),
    holds: policy.holds
      ? { categories: policy.holds.categories.map((c) => ({ key: c.key, label: c.label })), maxDuration: policy.holds.maxDuration }
      : null,
  };
}

export const currentPolicyView = (): PolicyView => view(currentPolicy());

/** The policy document an incident pinned, or undefined when this process no longer knows that version. */
export function pinnedPolicyOf(version: string): Policy | undefined {
  try {
    return getPolicy(version);
  } catch {
    return undefined;
  }
}

/** The policy an incident pinned; falls back to the current one if that version is no longer shipped. */
export function policyViewFor(version: string): PolicyView {
  try {
    return view(getPolicy(version));
  } catch {
    return currentPolicyView();
  }
}

/** The roles the current policy grants a permission to. */
export const rolesPermitted = (permission: Permission): Role[] => permissionsOf(currentPolicy())[permission];

/** True when one of these roles is granted the permission by the current policy. */
export const isPermitted = (roles: readonly Role[], permission: Permission): boolean =>
  roles.some((role) => rolesPermitted(permission).includes(role));

/**
 * True when one of these roles is granted the permission by the policy an
 * incident pinned. Who decides and who reads a statement's drafts follow the
 * incident's own policy: an incident declared under an earlier version keeps
 * its approvers when the current policy names others.
 */
export const isPermittedUnder = (policyVersion: string, roles: readonly Role[], permission: Permission): boolean =>
  roles.some((role) => policyViewFor(policyVersion).permissions[permission].includes(role));

/** A severity level the current policy defines. */
export const isPolicySeverity = (level: number): level is SeverityLevel => currentPolicyView().severities.includes(level);

/** Keys the current policy allows for a field, for "must be one of" answers. */
export const incidentTypeKeys = (): string[] => currentPolicyView().incidentTypes.map((t) => t.key);
export const statementKindKeys = (): string[] => currentPolicyView().statementKinds.map((k) => k.key);
