// One public statement: a draft -> the approval chain the pinned policy gives
// its kind and the incident's severity (in order) -> publication -> the
// incident is told by signal, so the deadline it answers is met. A rejection
// (with a comment) returns it to its author; a revision is a new version and
// the chain starts again. An approver who sits on a draft is reminded, then
// escalated (policy approval.reminderAfter/escalationAfter, counted from when
// the draft reached them).
//
// Separation of duties is on the person: nobody decides on a version they
// wrote, whatever roles they hold. Where the author holds a step's role, the
// policy's stand-ins decide that step (approvalSteps in domain/policy).
//
// Revise and approve: the approver whose turn it is writes a new version and
// approves it in one step. It is their text now, so every step starts again on
// it (all approvers approve the same version) with their approval recorded, and
// their own step is decided by someone who did not write it: their stand-in
// (when the PIO revises, the deputy PIO), or the role holder when a stand-in
// revised. Where nobody else could decide that step, the revision is refused
// (send it back instead). The remaining steps then see the revised text.
import type { WorkflowSignatures } from '../domain/workflows';
import { allHandlersFinished, condition, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { approvalEscalationRoles, statementKindPolicy } from '../domain/policy/lookups';
import { approvalSteps, draftersOf, rolesInWords } from '../domain/policy/approvalChain';
import { decidedAsFor, decidersOf, refusalToDecide, revisionIsDecidableByOthers } from '../domain/statementTurn';
import { durationMs, type Policy } from '../domain/policy/schema';
import { ROLE_TITLES, type Role } from '../domain/roles';
import { STATEMENT_NOTIFY_IN_BACKGROUND_PATCH, STATEMENT_PUBLICATION_HOLD_PATCH } from '../domain/patches';
import { statementPublishedSignal, type StatementPublishedV1 } from '../domain/contracts/incident';
import type { ActorV1 } from '../domain/contracts/common';
import type { PersonRefV1 } from '../domain/contracts/incidentActivities';
import {
  decideUpdate,
  publicationReleasedSignal,
  reviseAndApproveUpdate,
  reviseUpdate,
  statementStateQuery,
  type ApprovalStepStateV1,
  type DecisionRequestV1,
  type ReviseAndApproveRequestV1,
  type ReviseRequestV1,
  type StatementStateV1,
  type StatementWorkflowInputV1,
} from '../domain/contracts/statement';
import { announce, peopleWithRoles } from './lib/announce';
import { Deliveries } from './lib/deliveries';
import { incidentActivities as acts } from './lib/incidentActivities';
import { invalidField, invalidState, notPermitted } from './lib/failures';
import { WorkflowMutex } from './lib/mutex';
import { validateActor, validateDraft, type Draft } from './lib/requests';
import { afterSetUp } from './lib/setUp';

const MAX_COMMENT = 5_000;

export async function statementApprovalWorkflow(input: StatementWorkflowInputV1): Promise<StatementStateV1> {
  const workflowId = workflowInfo().workflowId;
  const lock = new WorkflowMutex();
  let dirty = false;

  let policy: Policy | null = null;
  let draft: Draft = input.firstDraft;
  const state: StatementStateV1 = {
    version: 1,
    statementId: input.statementId,
    kind: input.kind,
    status: 'PENDING_APPROVAL',
    currentVersion: 1,
    awaiting: null,
    chain: [],
    publishedAt: null,
  };
  /** Notifications still being sent for decisions already answered. */
  const deliveries = new Deliveries(STATEMENT_NOTIFY_IN_BACKGROUND_PATCH);
  const deliver = (send: () => Promise<void>) => deliveries.send(send);

  /** Holds that ended (signalled by the incident), and how many a publication attempt has already seen. */
  let holdsEnded = 0;
  let holdsEndedSeen = 0;
  setHandler(publicationReleasedSignal, () => {
    holdsEnded += 1;
    dirty = true;
  });

  /** When the awaited approver received the current version; their reminder clock. */
  let awaitingSince = 0;
  let reminded = false;
  let escalated = false;

  const stepFor = (role: Role): ApprovalStepStateV1 | undefined => state.chain.find((step) => step.role === role);
  /** The step whose decision is awaited. */
  const awaitedStep = (): ApprovalStepStateV1 | undefined => (state.awaiting ? stepFor(state.awaiting) : undefined);

  /** The state as queries and update results answer it. */
  const snapshot = (): StatementStateV1 => {
    const step = awaitedStep();
    return {
      ...state,
      chain: state.chain.map((s) => ({ ...s, ...(s.deciders ? { deciders: [...s.deciders] } : {}) })),
      awaitingRoles: step ? [...decidersOf(step)] : [],
      awaitingSince: step ? new Date(awaitingSince).toISOString() : null,
      authorId: draft.author.personId,
    };
  };

  setHandler(statementStateQuery, snapshot);

  const isSetUp = () => policy !== null;
  const loaded = (): Policy => {
    if (!policy) throw invalidState('the statement is still being set up; try again in a moment', 'still_starting');
    return policy;
  };

  const statementData = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    incidentId: input.incidentId,
    incidentNumber: input.incidentNumber,
    statementId: input.statementId,
    statementTitle: draft.title,
    kind: input.kind,
    kindLabel: statementKindPolicy(loaded(), input.kind)?.label ?? input.kind,
    version: state.currentVersion,
    authorName: draft.author.name,
    ...extra,
  });

  const people = (roles: Role[]) => peopleWithRoles(acts, roles);

  /** Nobody is asked to decide on their own words. */
  const exceptAuthor = (persons: PersonRefV1[]) => persons.filter((person) => person.personId !== draft.author.personId);

  type AuthorTemplate = 'statement.changes-requested' | 'statement.published' | 'statement.revised-by-approver' | 'statement.publication-held';
  /** Tells a (past) author, in the background; `data` is taken now, before state moves on. */
  const tell = (author: ActorV1, template: AuthorTemplate, attemptGroup: string, data: Record<string, unknown>) =>
    deliver(() =>
      announce([{ personId: author.personId, name: author.name }], {
        workflowId,
        purpose: template,
        attemptGroup,
        template,
        incidentId: input.incidentId,
        data,
      }),
    );
  const tellAuthor = (template: AuthorTemplate, attemptGroup: string, data: Record<string, unknown>) => tell(draft.author, template, attemptGroup, data);

  /** Every step pending for the version `draft` now holds, decided as its author's roles require. */
  function startChain(now: number): void {
    const steps = approvalSteps(loaded().approval, { kind: input.kind, severity: input.severity, authorRoles: draft.author.roles });
    state.chain = steps.map(({ role, deciders, standIn }) => ({
      role,
      decision: null,
      approverId: null,
      decidedAt: null,
      comment: null,
      deciders,
      standIn,
      decidedAs: null,
      revisedBy: null,
    }));
    state.awaiting = state.chain[0].role;
    state.status = 'PENDING_APPROVAL';
    if (state.heldBy !== undefined) state.heldBy = null;
    awaitingSince = now;
    reminded = false;
    escalated = false;
  }

  /** What approval messages say about the awaited step. */
  const stepData = (step: ApprovalStepStateV1): Record<string, unknown> => ({
    awaitingRole: step.role,
    ...(step.standIn ? { standingInFor: ROLE_TITLES[step.role] } : {}),
  });

  async function requestApproval(): Promise<void> {
    const step = awaitedStep();
    if (!step) return;
    const p = loaded();
    await announce(exceptAuthor(await people(decidersOf(step))), {
      workflowId,
      purpose: 'statement.approval-request',
      attemptGroup: `v${state.currentVersion}:${step.role}`,
      template: 'statement.approval-request',
      incidentId: input.incidentId,
      data: statementData({
        ...stepData(step),
        decideBy: new Date(awaitingSince + durationMs(p.approval.reminderAfter)).toISOString(),
      }),
    });
  }

  /** Refuses anyone who may not decide the awaited step on `version` now. */
  function checkTurn(approver: ActorV1, version: number): ApprovalStepStateV1 {
    const refusal = refusalToDecide(snapshot(), { id: approver.personId, roles: approver.roles }, version);
    switch (refusal?.reason) {
      case undefined:
        return awaitedStep() as ApprovalStepStateV1;
      case 'nothing-awaited':
        throw invalidState(`statement is ${state.status}; there is nothing to decide`, 'statement_not_awaiting_decision');
      case 'not-a-decider':
        throw notPermitted(
          refusal.step.standIn
            ? `the statement is waiting for ${rolesInWords(refusal.deciders)}, in place of the ${ROLE_TITLES[refusal.step.role]} who wrote this version`
            : `the statement is waiting for the ${ROLE_TITLES[refusal.step.role]}`,
        );
      case 'own-version':
        throw notPermitted(`you wrote version ${state.currentVersion}; someone else must approve it for the ${ROLE_TITLES[refusal.step.role]}`);
      case 'approved-another-step':
        throw notPermitted('you have already approved this version in another role; a second approver must decide');
      case 'stale-version':
        throw invalidState(`you reviewed version ${version}, but the current version is ${state.currentVersion}; please review it again`, 'statement_version_changed');
    }
  }

  function validateComment(comment: unknown): void {
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT)) {
      throw invalidField('comment', `must be text of at most ${MAX_COMMENT} characters`);
    }
  }

  // ---------------------------------------------------------------- decide

  function validateDecision(req: DecisionRequestV1): void {
    // A decision that arrives while the statement is still being set up is
    // not refused: the handler waits for set-up and then runs these checks in
    // full. Until then only the request itself is checked.
    const setUp = isSetUp();
    if (setUp && state.status !== 'PENDING_APPROVAL') {
      throw invalidState(`statement is ${state.status}; there is nothing to decide`, 'statement_not_awaiting_decision');
    }
    if (!req || (req.decision !== 'APPROVE' && req.decision !== 'REJECT')) throw invalidField('decision', 'must be APPROVE or REJECT');
    validateActor(req.approver, 'approver');
    if (setUp) checkTurn(req.approver, req.version);
    validateComment(req.comment);
    if (req.decision === 'REJECT' && (!req.comment || req.comment.trim() === '')) {
      throw invalidField('comment', 'a rejection needs a comment for the author');
    }
  }

  setHandler(
    decideUpdate,
    (req: DecisionRequestV1) =>
      afterSetUp(isSetUp, () => lock.runExclusive(async () => {
        validateDecision(req); // again: another decision may have landed while we waited
        const now = Date.now();
        const at = new Date(now).toISOString();
        const step = awaitedStep() as ApprovalStepStateV1;
        const role = step.role;
        const decidedAs = decidedAsFor(step, req.approver.roles);
        const comment = req.comment?.trim() || null;
        const approved = req.decision === 'APPROVE';
        await acts.recordApproval({
          statementId: input.statementId,
          version: state.currentVersion,
          role: decidedAs,
          decision: approved ? 'APPROVED' : 'REJECTED',
          comment,
          approver: req.approver,
          at,
        });
        Object.assign(step, { decision: approved ? 'APPROVED' : 'REJECTED', approverId: req.approver.personId, decidedAt: at, comment, decidedAs });

        if (!approved) {
          await acts.setStatementStatus({ statementId: input.statementId, status: 'CHANGES_REQUESTED', version: state.currentVersion, at, actor: req.approver });
          state.status = 'CHANGES_REQUESTED';
          state.awaiting = null;
          const changesData = statementData({ reviewerName: req.approver.name, reviewerTitle: ROLE_TITLES[decidedAs], comment });
          await tellAuthor('statement.changes-requested', `v${state.currentVersion}:${role}`, changesData);
        } else {
          const next = state.chain.find((s) => s.decision === null);
          if (next) {
            state.awaiting = next.role;
            awaitingSince = now;
            reminded = false;
            escalated = false;
            await deliver(requestApproval);
          } else {
            await publishUnlessHeld(now);
          }
        }
        dirty = true;
        return snapshot();
      })),
    { validator: validateDecision },
  );

  /** Publishes, unless a counsel's hold covers the statement: then it waits, approved, for the hold to end. */
  async function publishUnlessHeld(now: number): Promise<void> {
    if (!patched(STATEMENT_PUBLICATION_HOLD_PATCH)) {
      const { publishedAt } = await acts.publishStatement({ statementId: input.statementId, version: state.currentVersion, at: new Date(now).toISOString() });
      await published(publishedAt);
      return;
    }
    holdsEndedSeen = holdsEnded;
    const outcome = await acts.publishStatementUnlessHeld({ statementId: input.statementId, version: state.currentVersion, at: new Date(now).toISOString() });
    if (outcome.published) {
      await published(outcome.publishedAt);
      return;
    }
    const firstTimeHeld = state.heldBy?.holdId !== outcome.heldBy.holdId;
    state.status = 'APPROVED';
    state.awaiting = null;
    state.heldBy = outcome.heldBy;
    if (firstTimeHeld) {
      await tellAuthor('statement.publication-held', `v${state.currentVersion}:${outcome.heldBy.holdId}`, statementData({ heldSince: outcome.heldBy.placedAt }));
    }
  }

  async function published(publishedAt: string): Promise<void> {
    state.status = 'PUBLISHED';
    if (state.heldBy !== undefined) state.heldBy = null;
    state.awaiting = null;
    state.publishedAt = publishedAt;
    const publication: StatementPublishedV1 = { statementId: input.statementId, kind: input.kind, deadlineKey: input.deadlineKey, publishedAt };
    try {
      // By workflow id, so the signal reaches the incident's latest run after continue-as-new.
      await getExternalWorkflowHandle(input.incidentWorkflowId).signal(statementPublishedSignal, publication);
    } catch (err) {
      log.error('could not tell the incident workflow about the publication', { incidentWorkflowId: input.incidentWorkflowId, error: String(err) });
    }
    await tellAuthor('statement.published', `v${state.currentVersion}`, statementData({ publishedAt }));
  }

  // ---------------------------------------------------------------- revise

  function validateRevision(req: ReviseRequestV1): void {
    // As with decisions: before set-up only the request itself is checked.
    const setUp = isSetUp();
    if (setUp && (state.status === 'PUBLISHED' || state.status === 'WITHDRAWN')) {
      throw invalidState(`statement is ${state.status}; it can no longer be revised`, 'statement_not_revisable');
    }
    validateDraft(req);
    const drafters = setUp ? draftersOf(loaded().approval) : null;
    if (drafters && !drafters.some((role) => req.author.roles.includes(role))) {
      throw notPermitted(`statements are revised by ${rolesInWords(drafters)}`);
    }
  }

  setHandler(
    reviseUpdate,
    (req: ReviseRequestV1) =>
      afterSetUp(isSetUp, () => lock.runExclusive(async () => {
        validateRevision(req);
        const now = Date.now();
        const version = state.currentVersion + 1;
        await acts.addStatementVersion({
          statementId: input.statementId,
          version,
          title: req.title,
          body: req.body,
          ...(req.translations ? { translations: req.translations } : {}),
          author: req.author,
          at: new Date(now).toISOString(),
        });
        draft = { title: req.title, body: req.body, author: req.author, ...(req.translations ? { translations: req.translations } : {}) };
        state.currentVersion = version;
        startChain(now);
        await deliver(requestApproval);
        dirty = true;
        return snapshot();
      })),
    { validator: validateRevision },
  );

  // ---------------------------------------------------------------- revise and approve

  function validateReviseAndApprove(req: ReviseAndApproveRequestV1): void {
    // As with decisions: before set-up only the request itself is checked.
    const setUp = isSetUp();
    if (setUp && state.status !== 'PENDING_APPROVAL') {
      throw invalidState(`statement is ${state.status}; only a statement waiting for approval can be revised and approved`, 'statement_not_revisable');
    }
    validateActor(req?.approver, 'approver');
    validateDraft({ title: req.title, body: req.body, author: req.approver, ...(req.translations !== undefined ? { translations: req.translations } : {}) });
    validateComment(req.comment);
    if (!setUp) return;
    const step = checkTurn(req.approver, req.version);
    // The revision is theirs: their step must then be decidable by someone else.
    if (!revisionIsDecidableByOthers(loaded().approval, { kind: input.kind, severity: input.severity }, step.role, req.approver.roles)) {
      throw notPermitted(
        `the policy names nobody to approve in the ${ROLE_TITLES[step.role]}'s place, so your revision could not be approved by anyone else; send it back with a comment instead`,
      );
    }
  }

  setHandler(
    reviseAndApproveUpdate,
    (req: ReviseAndApproveRequestV1) =>
      afterSetUp(isSetUp, () => lock.runExclusive(async () => {
        validateReviseAndApprove(req);
        const now = Date.now();
        const at = new Date(now).toISOString();
        const step = awaitedStep() as ApprovalStepStateV1;
        const decidedAs = decidedAsFor(step, req.approver.roles);
        const previousAuthor = draft.author;
        const version = state.currentVersion + 1;
        const comment = req.comment?.trim() || null;
        const translations = req.translations ? { translations: req.translations } : {};
        await acts.addStatementVersion({ statementId: input.statementId, version, title: req.title, body: req.body, ...translations, author: req.approver, at });
        draft = { title: req.title, body: req.body, author: req.approver, ...translations };
        state.currentVersion = version;
        startChain(now);
        (stepFor(step.role) as ApprovalStepStateV1).revisedBy = req.approver.personId;
        await acts.recordApproval({ statementId: input.statementId, version, role: decidedAs, decision: 'APPROVED', comment, approver: req.approver, at });
        await deliver(requestApproval);
        if (previousAuthor.personId !== req.approver.personId) {
          const revisedData = statementData({ reviewerName: req.approver.name, reviewerTitle: ROLE_TITLES[decidedAs], comment });
          await tell(previousAuthor, 'statement.revised-by-approver', `v${version}`, revisedData);
        }
        dirty = true;
        return snapshot();
      })),
    { validator: validateReviseAndApprove },
  );

  // ---------------------------------------------------------------- start

  await lock.runExclusive(async () => {
    policy = await acts.loadIncidentPolicy({ version: input.policyVersion });
    const now = Date.now();
    startChain(now);
    await acts.setStatementStatus({
      statementId: input.statementId,
      status: 'PENDING_APPROVAL',
      version: 1,
      at: new Date(now).toISOString(),
      actor: input.firstDraft.author,
    });
    await requestApproval();
  });

  // ---------------------------------------------------------------- approver clock

  const p = loaded();
  const reminderAt = () => awaitingSince + durationMs(p.approval.reminderAfter);
  const escalationAt = () => awaitingSince + durationMs(p.approval.escalationAfter);

  async function handleApproverClock(): Promise<void> {
    const step = awaitedStep();
    if (state.status !== 'PENDING_APPROVAL' || !step) return;
    const now = Date.now();
    const role = step.role;
    const group = `v${state.currentVersion}:${role}`;
    if (!reminded && now >= reminderAt()) {
      await announce(exceptAuthor(await people(decidersOf(step))), {
        workflowId,
        purpose: 'statement.approval-reminder',
        attemptGroup: group,
        template: 'statement.approval-reminder',
        incidentId: input.incidentId,
        data: statementData({ ...stepData(step), requestedAt: new Date(awaitingSince).toISOString() }),
      });
      reminded = true;
    }
    if (!escalated && now >= escalationAt()) {
      const approvers = exceptAuthor(await people(decidersOf(step)));
      await announce(await people(approvalEscalationRoles(p.approval, role)), {
        workflowId,
        purpose: 'statement.approval-escalation',
        attemptGroup: group,
        template: 'statement.approval-escalation',
        incidentId: input.incidentId,
        data: statementData({
          awaitingRole: role,
          approverName: approvers.map((a) => a.name).join(', ') || undefined,
          approverTitle: step.standIn ? decidersOf(step).map((r) => ROLE_TITLES[r]).join(' or ') : ROLE_TITLES[role],
          hoursWaiting: Math.round(((now - awaitingSince) / 3_600_000) * 10) / 10,
        }),
      });
      escalated = true;
    }
  }

  while (state.status !== 'PUBLISHED' && state.status !== 'WITHDRAWN') {
    await lock.runExclusive(handleApproverClock);
    if (state.status === 'APPROVED' && holdsEnded > holdsEndedSeen) {
      await lock.runExclusive(async () => {
        if (state.status === 'APPROVED') await publishUnlessHeld(Date.now());
      });
      continue;
    }
    dirty = false;
    const timers = state.status === 'PENDING_APPROVAL' ? [!reminded ? reminderAt() : null, !escalated ? escalationAt() : null] : [];
    const next = timers.filter((t): t is number => t !== null);
    if (next.length === 0) await condition(() => dirty);
    else await condition(() => dirty, Math.max(1, Math.min(...next) - Date.now()));
  }

  await condition(() => allHandlersFinished());
  await deliveries.drain();
  return snapshot();
}

// The signature the API starts this workflow with (domain/workflows.ts).
statementApprovalWorkflow satisfies WorkflowSignatures['statementApprovalWorkflow'];
