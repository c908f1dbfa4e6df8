// Who drafts a statement and who approves it, step by step, as the pinned
// policy says. Pure: the statement workflow, the incident workflow and the
// approval queue all decide with these functions.
//
// A workflow reads the policy document its history recorded, which may be in
// the shape of an older schema (clayton-2026.1 histories carry `drafter` and
// no chain rules or stand-ins), so these functions accept that shape too.
import { ROLE_TITLES, type Role } from '../roles';
import type { ApprovalPolicy } from './schema';

/** The approval section as a saved history may hold it. */
export type RecordedApprovalPolicy = Pick<ApprovalPolicy, 'chain'> &
  Partial<Pick<ApprovalPolicy, 'drafters' | 'chainRules' | 'standIns'>> & { drafter?: Role };

/** One step of a statement's chain for the version in approval. */
export interface ApprovalStep {
  /** The chain role this step stands for (PIO, CITY_MANAGER, ...). */
  role: Role;
  /** Who may decide it: the role itself, or its stand-ins when the version's author holds the role. */
  deciders: Role[];
  /** True when the stand-ins decide because the author of the version holds `role`. */
  standIn: boolean;
}

/** The roles allowed to draft and revise statements. */
export function draftersOf(approval: RecordedApprovalPolicy): Role[] {
  return approval.drafters ?? (approval.drafter ? [approval.drafter] : []);
}

/**
 * The chain for a statement of `kind` in an incident of `severity`: the first
 * rule that matches both, else the default chain. Without a severity (a
 * statement started before severities were passed) only rules that name no
 * severities can match.
 */
export function chainFor(approval: RecordedApprovalPolicy, statement: { kind: string; severity?: number | null }): Role[] {
  const rule = (approval.chainRules ?? []).find(
    (r) =>
      (r.kinds === undefined || r.kinds.includes(statement.kind)) &&
      (r.severities === undefined || (statement.severity != null && r.severities.includes(statement.severity))),
  );
  return [...(rule?.chain ?? approval.chain)];
}

/** The roles the policy names to approve in `role`'s place, leaving out anyone with another step in `chain`. */
export function standInsFor(approval: RecordedApprovalPolicy, role: Role, chain: readonly Role[]): Role[] {
  const named = (approval.standIns ?? []).find((s) => s.for === role)?.roles ?? [];
  const outside = named.filter((standIn) => !chain.includes(standIn));
  return outside.length > 0 ? outside : [...named];
}

/**
 * The steps for one version. Separation of duties is on the person: where the
 * version's author holds a step's role, the policy's stand-ins decide that
 * step instead; with no stand-in named, the step stays with the role and the
 * author is refused by the decision rules (another holder must decide).
 */
export function approvalSteps(
  approval: RecordedApprovalPolicy,
  statement: { kind: string; severity?: number | null; authorRoles: readonly Role[] },
): ApprovalStep[] {
  const chain = chainFor(approval, statement);
  return chain.map((role) => {
    const standIns = statement.authorRoles.includes(role) ? standInsFor(approval, role, chain) : [];
    return standIns.length > 0 ? { role, deciders: standIns, standIn: true } : { role, deciders: [role], standIn: false };
  });
}

/** Every role that decides some step under this policy: each chain's roles and every stand-in. */
export function deciderRoles(approval: RecordedApprovalPolicy): Role[] {
  const chains = [approval.chain, ...(approval.chainRules ?? []).map((r) => r.chain)];
  const roles = [...chains.flat(), ...(approval.standIns ?? []).flatMap((s) => s.roles)];
  return [...new Set(roles)];
}

/** "the Deputy Public Information Officer or the City Manager". */
export function rolesInWords(roles: readonly Role[]): string {
  const names = roles.map((role) => `the ${ROLE_TITLES[role]}`);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
