// One public statement: PIO draft -> approval chain (in policy order) ->
// publication -> the incident is told by signal, so the deadline it answers
// is met. A rejection (with a comment) returns it to the PIO; a revision is a
// new version and the chain starts again. An approver who sits on a draft is
// reminded, then escalated (policy approval.reminderAfter/escalationAfter,
// counted from when the draft reached them).
import type { WorkflowSignatures } from '../domain/workflows';
import { allHandlersFinished, condition, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { approvalEscalationRoles, statementKindPolicy } from '../domain/policy/lookups';
import { durationMs, type Policy } from '../domain/policy/schema';
import { ROLE_TITLES, type Role } from '../domain/roles';
import { STATEMENT_NOTIFY_IN_BACKGROUND_PATCH } from '../domain/patches';
import { statementPublishedSignal, type StatementPublishedV1 } from '../domain/contracts/incident';
import {
  decideUpdate,
  reviseUpdate,
  statementStateQuery,
  type DecisionRequestV1,
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

  /** When the awaited approver received the current version; their reminder clock. */
  let awaitingSince = 0;
  let reminded = false;
  let escalated = false;

  setHandler(statementStateQuery, () => ({ ...state, chain: state.chain.map((s) => ({ ...s })) }));

  const isSetUp = () => policy !== null;
  const loaded = (): Policy => {
    if (!policy) throw invalidState('the statement is still being set up; try again in a moment');
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

  /** Tells the statement's author, in the background; `data` is taken now, before state moves on. */
  const tellAuthor = (template: 'statement.changes-requested' | 'statement.published', attemptGroup: string, data: Record<string, unknown>) =>
    deliver(() =>
      announce([{ personId: draft.author.personId, name: draft.author.name }], {
        workflowId,
        purpose: template,
        attemptGroup,
        template,
        incidentId: input.incidentId,
        data,
      }),
    );

  function startChain(now: number): void {
    state.chain = loaded().approval.chain.map((role) => ({ role, decision: null, approverId: null, decidedAt: null, comment: null }));
    state.awaiting = state.chain[0].role;
    state.status = 'PENDING_APPROVAL';
    awaitingSince = now;
    reminded = false;
    escalated = false;
  }

  async function requestApproval(): Promise<void> {
    const role = state.awaiting;
    if (!role) return;
    const p = loaded();
    await announce(await people([role]), {
      workflowId,
      purpose: 'statement.approval-request',
      attemptGroup: `v${state.currentVersion}:${role}`,
      template: 'statement.approval-request',
      incidentId: input.incidentId,
      data: statementData({
        awaitingRole: role,
        decideBy: new Date(awaitingSince + durationMs(p.approval.reminderAfter)).toISOString(),
      }),
    });
  }

  // ---------------------------------------------------------------- decide

  function validateDecision(req: DecisionRequestV1): void {
    // A decision that arrives while the statement is still being set up is
    // not refused: the handler waits for set-up and then runs these checks in
    // full. Until then only the request itself is checked.
    const setUp = isSetUp();
    if (setUp && state.status !== 'PENDING_APPROVAL') {
      throw invalidState(`statement is ${state.status}; there is nothing to decide`);
    }
    if (!req || (req.decision !== 'APPROVE' && req.decision !== 'REJECT')) throw invalidField('decision', 'must be APPROVE or REJECT');
    validateActor(req.approver, 'approver');
    if (setUp) {
      const awaiting = state.awaiting as Role;
      if (!req.approver.roles.includes(awaiting)) {
        throw notPermitted(`the statement is waiting for the ${ROLE_TITLES[awaiting]}`);
      }
      if (state.chain.some((step) => step.decision === 'APPROVED' && step.approverId === req.approver.personId)) {
        throw notPermitted('you have already approved this version in another role; a second approver must decide');
      }
      if (req.version !== state.currentVersion) {
        throw invalidState(`you reviewed version ${req.version}, but the current version is ${state.currentVersion}; please review it again`);
      }
    }
    if (req.comment !== undefined && (typeof req.comment !== 'string' || req.comment.length > MAX_COMMENT)) {
      throw invalidField('comment', `must be text of at most ${MAX_COMMENT} characters`);
    }
    if (req.decision === 'REJECT' && (!req.comment || req.comment.trim() === '')) {
      throw invalidField('comment', 'a rejection needs a comment for the PIO');
    }
  }

  setHandler(
    decideUpdate,
    (req: DecisionRequestV1) =>
      afterSetUp(isSetUp, () => lock.runExclusive(async () => {
        validateDecision(req); // again: another decision may have landed while we waited
        const p = loaded();
        const now = Date.now();
        const at = new Date(now).toISOString();
        const role = state.awaiting as Role;
        const comment = req.comment?.trim() || null;
        const approved = req.decision === 'APPROVE';
        await acts.recordApproval({
          statementId: input.statementId,
          version: state.currentVersion,
          role,
          decision: approved ? 'APPROVED' : 'REJECTED',
          comment,
          approver: req.approver,
          at,
        });
        const step = state.chain.find((s) => s.role === role)!;
        Object.assign(step, { decision: approved ? 'APPROVED' : 'REJECTED', approverId: req.approver.personId, decidedAt: at, comment });

        if (!approved) {
          await acts.setStatementStatus({ statementId: input.statementId, status: 'CHANGES_REQUESTED', version: state.currentVersion, at, actor: req.approver });
          state.status = 'CHANGES_REQUESTED';
          state.awaiting = null;
          const changesData = statementData({ reviewerName: req.approver.name, reviewerTitle: ROLE_TITLES[role], comment });
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
            await publish(now);
          }
        }
        dirty = true;
        return { ...state, chain: state.chain.map((s) => ({ ...s })) };
      })),
    { validator: validateDecision },
  );

  async function publish(now: number): Promise<void> {
    const { publishedAt } = await acts.publishStatement({
      statementId: input.statementId,
      version: state.currentVersion,
      at: new Date(now).toISOString(),
    });
    state.status = 'PUBLISHED';
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
      throw invalidState(`statement is ${state.status}; it can no longer be revised`);
    }
    validateDraft(req);
    const drafter = setUp ? loaded().approval.drafter : null;
    if (drafter && !req.author.roles.includes(drafter)) {
      throw notPermitted(`only the ${ROLE_TITLES[drafter]} revises statements`);
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
          author: req.author,
          at: new Date(now).toISOString(),
        });
        draft = { title: req.title, body: req.body, author: req.author };
        state.currentVersion = version;
        startChain(now);
        await deliver(requestApproval);
        dirty = true;
        return { ...state, chain: state.chain.map((s) => ({ ...s })) };
      })),
    { validator: validateRevision },
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
    if (state.status !== 'PENDING_APPROVAL' || !state.awaiting) return;
    const now = Date.now();
    const role = state.awaiting;
    const group = `v${state.currentVersion}:${role}`;
    if (!reminded && now >= reminderAt()) {
      await announce(await people([role]), {
        workflowId,
        purpose: 'statement.approval-reminder',
        attemptGroup: group,
        template: 'statement.approval-reminder',
        incidentId: input.incidentId,
        data: statementData({ awaitingRole: role, requestedAt: new Date(awaitingSince).toISOString() }),
      });
      reminded = true;
    }
    if (!escalated && now >= escalationAt()) {
      const approvers = await people([role]);
      await announce(await people(approvalEscalationRoles(p.approval, role)), {
        workflowId,
        purpose: 'statement.approval-escalation',
        attemptGroup: group,
        template: 'statement.approval-escalation',
        incidentId: input.incidentId,
        data: statementData({
          awaitingRole: role,
          approverName: approvers.map((a) => a.name).join(', ') || undefined,
          approverTitle: ROLE_TITLES[role],
          hoursWaiting: Math.round(((now - awaitingSince) / 3_600_000) * 10) / 10,
        }),
      });
      escalated = true;
    }
  }

  while (state.status !== 'PUBLISHED' && state.status !== 'WITHDRAWN') {
    await lock.runExclusive(handleApproverClock);
    dirty = false;
    const timers = state.status === 'PENDING_APPROVAL' ? [!reminded ? reminderAt() : null, !escalated ? escalationAt() : null] : [];
    const next = timers.filter((t): t is number => t !== null);
    if (next.length === 0) await condition(() => dirty);
    else await condition(() => dirty, Math.max(1, Math.min(...next) - Date.now()));
  }

  await condition(() => allHandlersFinished());
  await deliveries.drain();
  return { ...state, chain: state.chain.map((s) => ({ ...s })) };
}

// The signature the API starts this workflow with (domain/workflows.ts).
statementApprovalWorkflow satisfies WorkflowSignatures['statementApprovalWorkflow'];
