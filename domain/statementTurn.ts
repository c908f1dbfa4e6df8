// Whose turn it is on a statement in approval, and whether someone may revise
// and approve it. One rule for the statement workflow (which enforces it) and
// for the approval queue and pages (which only show what a person may do).
import type { ApprovalStepStateV1 } from './contracts/statement';
import { approvalSteps, type RecordedApprovalPolicy } from './policy/approvalChain';
import type { Role } from './roles';

/** What the rule needs of a statement's approval state. */
export interface StatementTurnState {
  awaiting: Role | null;
  chain: ApprovalStepStateV1[];
  currentVersion: number;
  /** The author of the version in approval. */
  authorId?: string;
}

export interface Decider {
  id: string;
  roles: readonly Role[];
}

export type TurnRefusal =
  | { reason: 'nothing-awaited' }
  | { reason: 'not-a-decider'; step: ApprovalStepStateV1; deciders: Role[] }
  | { reason: 'own-version'; step: ApprovalStepStateV1 }
  | { reason: 'approved-another-step' }
  | { reason: 'stale-version' };

/** Who may decide a step: the roles recorded on it, or the step's role in states from before stand-ins. */
export const decidersOf = (step: ApprovalStepStateV1): Role[] => step.deciders ?? [step.role];

export const awaitedStepOf = (state: StatementTurnState): ApprovalStepStateV1 | undefined =>
  state.awaiting ? state.chain.find((step) => step.role === state.awaiting) : undefined;

/**
 * Why `person` may not decide the awaited step now, or null when they may.
 * `version` is the one they read; leave it out to ask about the current one.
 * Separation of duties is on the person: the author of the version never
 * decides on it, and nobody decides two steps of one version.
 */
export function refusalToDecide(state: StatementTurnState, person: Decider, version = state.currentVersion): TurnRefusal | null {
  const step = awaitedStepOf(state);
  if (!step) return { reason: 'nothing-awaited' };
  const deciders = decidersOf(step);
  if (!deciders.some((role) => person.roles.includes(role))) return { reason: 'not-a-decider', step, deciders };
  if (state.authorId !== undefined && person.id === state.authorId) return { reason: 'own-version', step };
  if (state.chain.some((s) => s.decision === 'APPROVED' && s.approverId === person.id)) return { reason: 'approved-another-step' };
  if (version !== state.currentVersion) return { reason: 'stale-version' };
  return null;
}

/** The role a person decides a step as: the step's role, or the stand-in role they hold. */
export const decidedAsFor = (step: ApprovalStepStateV1, roles: readonly Role[]): Role =>
  decidersOf(step).find((role) => roles.includes(role)) ?? step.role;

/**
 * True when a revision by a person holding `reviserRoles`, made at the step for
 * `stepRole`, could be approved at that step by someone else: the reviser
 * becomes the author, so the step goes to its stand-ins (or back to its role
 * when a stand-in revised). False when only the reviser's own roles could
 * decide it, e.g. a role the policy names no stand-in for.
 */
export function revisionIsDecidableByOthers(
  approval: RecordedApprovalPolicy,
  statement: { kind: string; severity?: number | null },
  stepRole: Role,
  reviserRoles: readonly Role[],
): boolean {
  const step = approvalSteps(approval, { ...statement, authorRoles: reviserRoles }).find((s) => s.role === stepRole);
  return step !== undefined && !step.deciders.some((role) => reviserRoles.includes(role));
}
