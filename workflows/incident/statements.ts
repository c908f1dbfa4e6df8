// Statements: a drafter submits a draft, which starts its own approval workflow
// (a child that outlives this run); the child signals back when it is
// published, and the next pass applies that to the deadline it answers.
import { ParentClosePolicy, patched, setHandler, startChild, uuid4 } from '@temporalio/workflow';
import {
  statementPublishedSignal,
  statementWithdrawnSignal,
  submitStatementUpdate,
  type StatementPublishedV1,
  type StatementWithdrawnV1,
  type SubmitStatementRequestV1,
} from '../../domain/contracts/incident';
import { INCIDENT_WITHDRAWAL_NOTICE_PATCH } from '../../domain/patches';
import type { StatementWorkflowInputV1 } from '../../domain/contracts/statement';
import { deadlineForStatement } from '../../domain/deadlines';
import { statementWorkflowId } from '../../domain/ids';
import { draftersOf, rolesInWords } from '../../domain/policy/approvalChain';
import { statementKindPolicy } from '../../domain/policy/lookups';
import { announce, peopleWithRoles } from '../lib/announce';
import { invalidField, invalidState, notPermitted } from '../lib/failures';
import { validateDraft } from '../lib/requests';
import { statementApprovalWorkflow } from '../statement';
import { hasStarted, incidentData, type IncidentContext, type RunningIncident } from './context';
import { setLockedUpdateHandler } from './updates';

/** Deadlines a statement still in approval already answers. */
const claimedDeadlineKeys = ({ incident }: RunningIncident) =>
  new Set(incident.statements.filter((x) => !x.published && x.deadlineKey).map((x) => x.deadlineKey as string));

function validateSubmission(run: RunningIncident, req: SubmitStatementRequestV1): void {
  const { incident } = run;
  if (!req || typeof req.kind !== 'string' || !statementKindPolicy(incident.policy, req.kind)) {
    throw invalidField('kind', `must be one of: ${incident.policy.statementKinds.map((k) => k.key).join(', ')}`);
  }
  validateDraft(req);
  const drafters = draftersOf(incident.policy.approval);
  if (!drafters.some((role) => req.author.roles.includes(role))) {
    throw notPermitted(`statements are drafted by ${rolesInWords(drafters)}`);
  }
  if (incident.status === 'CLOSED' && !deadlineForStatement(incident.deadlines, req.kind, claimedDeadlineKeys(run))) {
    throw invalidState(`incident ${run.input.incidentNumber} is closed and no ${req.kind} is still owed`, 'incident_closed');
  }
}

export function handleStatements(ctx: IncidentContext): void {
  setLockedUpdateHandler(ctx, submitStatementUpdate, validateSubmission, async (run, req) => {
    const { incident, input } = run;
    validateSubmission(run, req);
    const statementId = uuid4();
    const childId = statementWorkflowId(statementId);
    const deadline = deadlineForStatement(incident.deadlines, req.kind, claimedDeadlineKeys(run));
    const deadlineKey = deadline?.key ?? null;
    await run.activities.createStatementDraft({
      statementId,
      incidentId: input.incidentId,
      workflowId: childId,
      kind: req.kind,
      deadlineKey,
      title: req.title,
      body: req.body,
      ...(req.translations ? { translations: req.translations } : {}),
      author: req.author,
      at: new Date().toISOString(),
    });
    incident.statements.push({ statementId, kind: req.kind, deadlineKey, workflowId: childId, published: false });
    const childInput: StatementWorkflowInputV1 = {
      version: 1,
      statementId,
      incidentId: input.incidentId,
      incidentNumber: input.incidentNumber,
      incidentWorkflowId: run.workflowId,
      kind: req.kind,
      deadlineKey,
      policyVersion: input.policyVersion,
      firstDraft: { title: req.title, body: req.body, author: req.author, ...(req.translations ? { translations: req.translations } : {}) },
      severity: input.severity,
    };
    // ABANDON: the approval outlives this run when the incident continues as new.
    await startChild(statementApprovalWorkflow, {
      workflowId: childId,
      args: [childInput],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    ctx.replan = true;
    return { statementId, workflowId: childId, deadlineKey };
  });

  setHandler(statementPublishedSignal, (published: StatementPublishedV1) => {
    if (!ctx.incident) return; // cannot happen: statements are submitted only after start
    ctx.incident.pendingPublications.push(published);
    ctx.replan = true;
  });

  // The withdrawal is already recorded (by the API); this only tells the people the policy names.
  setHandler(statementWithdrawnSignal, (withdrawn: StatementWithdrawnV1) => {
    if (!hasStarted(ctx) || !withdrawn || typeof withdrawn.statementId !== 'string') return;
    const roles = ctx.incident.policy.withdrawal?.notify;
    if (!roles || !patched(INCIDENT_WITHDRAWAL_NOTICE_PATCH)) return;
    const run = ctx;
    void run.deliveries.send(async () =>
      announce(await peopleWithRoles(run.activities, roles), {
        workflowId: run.workflowId,
        purpose: 'statement.withdrawn',
        attemptGroup: withdrawn.statementId,
        template: 'statement.withdrawn',
        incidentId: run.input.incidentId,
        data: incidentData(run.input, {
          statementId: withdrawn.statementId,
          statementTitle: withdrawn.title,
          note: withdrawn.note,
          withdrawnAt: withdrawn.withdrawnAt,
          withdrawnByName: withdrawn.by?.name,
        }),
      }),
    );
  });
}
