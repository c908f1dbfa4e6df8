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
}

export function permissionsOf(policy: Policy): Record<Permission, Role[]> {
  return {
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
  };
}

function view(policy: Policy): PolicyView {
  return {
    version: policy.version,
    incidentTypes: policy.definition.types.map((t) => ({ key: t.key, label: t.label })),
    severities: policy.severities.map((s) => s.level),
    statementKinds: policy.statementKinds.map((k) => ({ key: k.key, label: k.label })),
    approverRoles: deciderRoles(policy.approval),
    permissions: permissionsOf(policy),
  };
}

export const currentPolicyView = (): PolicyView => view(currentPolicy());

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

/** A severity level the current policy defines. */
export const isPolicySeverity = (level: number): level is SeverityLevel => currentPolicyView().severities.includes(level);

/** Keys the current policy allows for a field, for "must be one of" answers. */
export const incidentTypeKeys = (): string[] => currentPolicyView().incidentTypes.map((t) => t.key);
export const statementKindKeys = (): string[] => currentPolicyView().statementKinds.map((k) => k.key);
