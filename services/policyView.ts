// The API's narrow view of the communications policy. Everything the API
// needs from policy/ goes through here, so the routes do not depend on the
// policy's internal shape.
import { currentPolicy, getPolicy } from '../policy';
import type { Role } from '../domain/roles';

export interface PolicyView {
  version: string;
  incidentTypes: { key: string; label: string }[];
  severities: number[];
  statementKinds: { key: string; label: string }[];
  drafterRole: Role;
  approverRoles: Role[];
  extensionRoles: Role[];
}

type LoadedPolicy = ReturnType<typeof currentPolicy>;

function view(policy: LoadedPolicy): PolicyView {
  return {
    version: policy.version,
    incidentTypes: policy.definition.types.map((t) => ({ key: t.key, label: t.label })),
    severities: policy.severities.map((s) => s.level),
    statementKinds: policy.statementKinds.map((k) => ({ key: k.key, label: k.label })),
    drafterRole: policy.approval.drafter,
    approverRoles: [...policy.approval.chain],
    extensionRoles: [...policy.extension.allowedRoles],
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
