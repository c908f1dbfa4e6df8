// An update that arrives in the very workflow task that starts the workflow
// (update-with-start delivers both together, on the real dev server). Its
// handler then runs before the main function has set the workflow up; it must
// wait for set-up and answer by the rules (403 out of turn, or do the work),
// not refuse with "still being set up" (409). Seen as a CI flake in the API
// matrix: a decision sent right after a statement was submitted.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { acknowledgeUpdate, submitStatementUpdate } from '../../domain/contracts/incident';
import { decideUpdate, reviseAndApproveUpdate, reviseUpdate, statementStateQuery, type StatementWorkflowInputV1 } from '../../domain/contracts/statement';
import { FailureType } from '../../domain/failures';
import { incidentWorkflowId, statementWorkflowId } from '../../domain/ids';
import { createIncidentActivities } from '../../activities/incidents';
import { UPDATES_WAIT_FOR_SET_UP_PATCH } from '../../domain/patches';
import type { incidentWorkflow, statementApprovalWorkflow } from '../../workflows';
import { actor, declareIncident, failureTypeOf, recordIncident, terminateWhenIdle, useIncidentTestContext } from '../harness/incident';
import { historyToJson } from '../unit/planHistoryJson';
import { UPDATE_WITH_START_HISTORIES, patchesIn, saveHistory, type SavedHistory } from '../replay/savedHistory';

const ctx = useIncidentTestContext('updates-during-set-up', { server: 'local' });

/** A statement draft row for a running incident, and the start of its approval workflow (not yet sent). */
async function draftStatement() {
  const { handle: incident, input: incidentInput } = await declareIncident(ctx, { severity: 3, type: 'OTHER' });
  const statementId = randomUUID();
  const workflowId = statementWorkflowId(statementId);
  const firstDraft = { title: 'Statement on the Forsyth incident', body: 'We are aware of...', author: actor(ctx.people.pio) };
  await createIncidentActivities({ db: ctx.db, config: { POLICY_FILE: undefined } }).createStatementDraft({
    statementId,
    incidentId: incidentInput.incidentId,
    workflowId,
    kind: 'HOLDING_STATEMENT',
    deadlineKey: 'holding_statement',
    ...firstDraft,
    at: new Date().toISOString(),
  });
  const input: StatementWorkflowInputV1 = {
    version: 1,
    statementId,
    incidentId: incidentInput.incidentId,
    incidentNumber: incidentInput.incidentNumber,
    incidentWorkflowId: incident.workflowId,
    kind: 'HOLDING_STATEMENT',
    deadlineKey: 'holding_statement',
    policyVersion: incidentInput.policyVersion,
    firstDraft,
  };
  const start = new WithStartWorkflowOperation<typeof statementApprovalWorkflow>('statementApprovalWorkflow', {
    workflowId,
    taskQueue: ctx.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
  });
  return { start, statementId };
}

/**
 * The handler took the early path (it consulted the set-up patch). With
 * SAVE_SET_UP_HISTORY=1 the history is kept for the replay test.
 */
async function expectWaitedForSetUp(workflowId: string, keepAs?: string): Promise<void> {
  await terminateWhenIdle(ctx, workflowId);
  const handle = ctx.env.client.workflow.getHandle(workflowId);
  expect(patchesIn(historyToJson(await handle.fetchHistory()) as SavedHistory)).toContain(UPDATES_WAIT_FOR_SET_UP_PATCH);
  if (keepAs && process.env.SAVE_SET_UP_HISTORY) await saveHistory(keepAs, handle);
}

async function incidentStart(severity: 1 | 3) {
  const { input } = await recordIncident(ctx, { severity, type: 'OTHER' });
  return new WithStartWorkflowOperation<typeof incidentWorkflow>('incidentWorkflow', {
    workflowId: incidentWorkflowId(input.incidentNumber),
    taskQueue: ctx.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
  });
}

describe('a statement decision or revision that comes with the start', () => {
  it('refuses an approver whose turn it is not as not permitted (403), not as still being set up (409)', async () => {
    const { start } = await draftStatement();
    const decision = ctx.env.client.workflow.executeUpdateWithStart(decideUpdate, {
      args: [{ version: 1, decision: 'APPROVE', approver: actor(ctx.people.policeChief) }],
      startWorkflowOperation: start,
    });
    expect(await failureTypeOf(decision)).toBe(FailureType.NotPermitted);
    // The statement itself was set up as usual and still waits for the city manager.
    const statement = await start.workflowHandle();
    expect(await statement.query(statementStateQuery)).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'CITY_MANAGER', currentVersion: 1 });
  });

  it('records the decision of the approver whose turn it is', async () => {
    const { start } = await draftStatement();
    const decided = await ctx.env.client.workflow.executeUpdateWithStart(decideUpdate, {
      args: [{ version: 1, decision: 'APPROVE', approver: actor(ctx.people.cityManager) }],
      startWorkflowOperation: start,
    });
    expect(decided).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'POLICE_CHIEF' });
    expect(decided.chain[0]).toMatchObject({ role: 'CITY_MANAGER', decision: 'APPROVED', approverId: ctx.people.cityManager.id });
    await expectWaitedForSetUp((await start.workflowHandle()).workflowId, UPDATE_WITH_START_HISTORIES.statement);
  });

  it('answers a revise-and-approve by the rules: under clayton-2026.1 nobody stands in for the city manager (403)', async () => {
    const { start, statementId } = await draftStatement();
    const revision = ctx.env.client.workflow.executeUpdateWithStart(reviseAndApproveUpdate, {
      args: [{ version: 1, title: 'Statement on the Forsyth incident', body: 'Edited by the city manager.', approver: actor(ctx.people.cityManager) }],
      startWorkflowOperation: start,
    });
    expect(await failureTypeOf(revision)).toBe(FailureType.NotPermitted);
    const statement = await start.workflowHandle();
    expect(await statement.query(statementStateQuery)).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'CITY_MANAGER', currentVersion: 1 });
    expect(await ctx.db.statementVersion.count({ where: { statementId } })).toBe(1);
  });

  it('takes a revision as version 2', async () => {
    const { start, statementId } = await draftStatement();
    const revised = await ctx.env.client.workflow.executeUpdateWithStart(reviseUpdate, {
      args: [{ title: 'Statement on the Forsyth incident', body: 'The county is investigating.', author: actor(ctx.people.pio) }],
      startWorkflowOperation: start,
    });
    expect(revised).toMatchObject({ status: 'PENDING_APPROVAL', currentVersion: 2, awaiting: 'CITY_MANAGER' });
    expect(await ctx.db.statementVersion.count({ where: { statementId } })).toBe(2);
  });
});

describe('an incident update that comes with the start', () => {
  it('records an acknowledgement from a notified person', async () => {
    const start = await incidentStart(3);
    const ack = await ctx.env.client.workflow.executeUpdateWithStart(acknowledgeUpdate, {
      args: [{ personId: ctx.people.cityManager.id, via: 'API' }],
      startWorkflowOperation: start,
    });
    expect(ack).toMatchObject({ personId: ctx.people.cityManager.id, alreadyAcknowledged: false });
  });

  it('answers an acknowledgement from someone never notified with not found (404)', async () => {
    const start = await incidentStart(3);
    const ack = ctx.env.client.workflow.executeUpdateWithStart(acknowledgeUpdate, {
      args: [{ personId: ctx.people.deputyChief.id, via: 'API' }],
      startWorkflowOperation: start,
    });
    expect(await failureTypeOf(ack)).toBe(FailureType.NotFound);
  });

  it('refuses a statement drafted by someone other than the PIO as not permitted (403)', async () => {
    const start = await incidentStart(3);
    const submission = ctx.env.client.workflow.executeUpdateWithStart(submitStatementUpdate, {
      args: [{ kind: 'HOLDING_STATEMENT', title: 'Statement', body: 'We are aware of...', author: actor(ctx.people.cityManager) }],
      startWorkflowOperation: start,
    });
    expect(await failureTypeOf(submission)).toBe(FailureType.NotPermitted);
  });

  it("takes the PIO's statement and ties it to the holding-statement deadline set up at the start", async () => {
    const start = await incidentStart(3);
    const submitted = await ctx.env.client.workflow.executeUpdateWithStart(submitStatementUpdate, {
      args: [{ kind: 'HOLDING_STATEMENT', title: 'Statement', body: 'We are aware of...', author: actor(ctx.people.pio) }],
      startWorkflowOperation: start,
    });
    expect(submitted).toMatchObject({ deadlineKey: 'holding_statement' });
    await expectWaitedForSetUp((await start.workflowHandle()).workflowId, UPDATE_WITH_START_HISTORIES.incident);
  });
});
