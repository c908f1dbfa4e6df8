import { incidentStateQuery, submitStatementUpdate } from '../../domain/contracts/incident';
import { decideUpdate, reviseUpdate, statementStateQuery } from '../../domain/contracts/statement';
import type { statementApprovalWorkflow } from '../../workflows/statement';
import {
  MINUTE,
  actor,
  declareIncident,
  eventually,
  failureTypeOf,
  ids,
  messagesFor,
  recipientsOf,
  skipTo,
  useIncidentTestContext,
  WORKFLOW_TEST_TIMEOUT_MS,
  terminateWhenIdle,
} from '../harness/incident';
import { FailureType } from '../../domain/failures';

const ctx = useIncidentTestContext('statement-unit');

/** A sev-3 incident whose PIO has submitted a holding statement. */
async function submitHoldingStatement() {
  const { handle: incident } = await declareIncident(ctx, { severity: 3, type: 'OTHER' });
  await eventually(() => expect(recipientsOf(ctx, incident.workflowId, 'incident.declared')).toHaveLength(3));
  const submitted = await incident.executeUpdate(submitStatementUpdate, {
    args: [{ kind: 'HOLDING_STATEMENT', title: 'Holding', body: 'Text', author: actor(ctx.people.pio) }],
  });
  const statement = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(submitted.workflowId);
  return { incident, submitted, statement };
}

describe('statement approval', () => {
  it('runs PIO draft -> city manager -> chief, with rejection, revision, reminders, escalation and publication', async () => {
    const p = ctx.people;
    // Severity 3: the holding statement is due in 24 h, so it can still be met on time.
    const { handle: incident, input, declaredAt } = await declareIncident(ctx, { severity: 3, type: 'OTHER' });
    await eventually(() => expect(recipientsOf(ctx, incident.workflowId, 'incident.declared')).toHaveLength(3));

    // Only the PIO drafts; unknown kinds and empty bodies name their field.
    const draft = { kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth incident', body: 'We are aware of...' };
    expect(await failureTypeOf(incident.executeUpdate(submitStatementUpdate, { args: [{ ...draft, author: actor(p.cityManager) }] }))).toBe(
      FailureType.NotPermitted,
    );
    expect(await failureTypeOf(incident.executeUpdate(submitStatementUpdate, { args: [{ ...draft, kind: 'TWEET', author: actor(p.pio) }] }))).toBe(
      FailureType.InvalidInput,
    );
    expect(await failureTypeOf(incident.executeUpdate(submitStatementUpdate, { args: [{ ...draft, body: ' ', author: actor(p.pio) }] }))).toBe(
      FailureType.InvalidInput,
    );

    const submitted = await incident.executeUpdate(submitStatementUpdate, { args: [{ ...draft, author: actor(p.pio) }] });
    expect(submitted).toMatchObject({ deadlineKey: 'holding_statement', workflowId: `statement-${submitted.statementId}` });
    const statement = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(submitted.workflowId);
    const sid = submitted.workflowId;

    await eventually(async () => expect(await statement.query(statementStateQuery)).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'CITY_MANAGER', currentVersion: 1 }));
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v1:CITY_MANAGER')).toEqual(ids(p.cityManager)));
    expect(messagesFor(ctx, sid, 'statement.approval-request')[0].data).toMatchObject({
      statementId: submitted.statementId,
      statementTitle: draft.title,
      incidentNumber: input.incidentNumber,
      version: 1,
    });
    expect(await ctx.db.statement.findUniqueOrThrow({ where: { id: submitted.statementId } })).toMatchObject({ status: 'PENDING_APPROVAL', deadlineKey: 'holding_statement' });

    // Not the chief's turn yet (403); a stale version (409); a rejection without a comment (400).
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.policeChief) }] }))).toBe(
      FailureType.NotPermitted,
    );
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 2, decision: 'APPROVE', approver: actor(p.cityManager) }] }))).toBe(
      FailureType.InvalidState,
    );
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'REJECT', approver: actor(p.cityManager) }] }))).toBe(
      FailureType.InvalidInput,
    );

    // The city manager returns it with comments; the PIO is told.
    const rejected = await statement.executeUpdate(decideUpdate, {
      args: [{ version: 1, decision: 'REJECT', comment: 'Name the investigating agency.', approver: actor(p.cityManager) }],
    });
    expect(rejected).toMatchObject({ status: 'CHANGES_REQUESTED', awaiting: null });
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.changes-requested')).toEqual(ids(p.pio)));
    expect(messagesFor(ctx, sid, 'statement.changes-requested')[0].data).toMatchObject({ comment: 'Name the investigating agency.', reviewerTitle: 'City Manager' });
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.cityManager) }] }))).toBe(
      FailureType.InvalidState,
    );

    // Only the PIO revises; version 2 restarts the chain.
    expect(await failureTypeOf(statement.executeUpdate(reviseUpdate, { args: [{ title: 'x', body: 'y', author: actor(p.mayor) }] }))).toBe(FailureType.NotPermitted);
    const revised = await statement.executeUpdate(reviseUpdate, {
      args: [{ title: draft.title, body: 'The St. Louis County Police are investigating.', author: actor(p.pio) }],
    });
    expect(revised).toMatchObject({ status: 'PENDING_APPROVAL', currentVersion: 2, awaiting: 'CITY_MANAGER' });
    expect(revised.chain.every((s) => s.decision === null)).toBe(true);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v2:CITY_MANAGER')).toEqual(ids(p.cityManager)));

    const afterManager = await statement.executeUpdate(decideUpdate, { args: [{ version: 2, decision: 'APPROVE', approver: actor(p.cityManager) }] });
    expect(afterManager).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'POLICE_CHIEF' });
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-request', 'v2:POLICE_CHIEF')).toEqual(ids(p.policeChief)));
    const chiefAskedAt = await ctx.env.currentTimeMs();

    // The chief sits on it: reminded at 30 minutes, escalated to the city manager at 60.
    await skipTo(ctx, chiefAskedAt + 29 * MINUTE);
    expect(messagesFor(ctx, sid, 'statement.approval-reminder')).toHaveLength(0);
    await skipTo(ctx, chiefAskedAt + 30 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-reminder', 'v2:POLICE_CHIEF')).toEqual(ids(p.policeChief)));
    expect(messagesFor(ctx, sid, 'statement.approval-escalation')).toHaveLength(0);
    await skipTo(ctx, chiefAskedAt + 60 * MINUTE + 1000);
    await eventually(() => expect(recipientsOf(ctx, sid, 'statement.approval-escalation', 'v2:POLICE_CHIEF')).toEqual(ids(p.cityManager)));
    expect(messagesFor(ctx, sid, 'statement.approval-escalation')[0].data).toMatchObject({ approverTitle: 'Police Chief', approverName: p.policeChief.name });
    // The city manager cannot approve the chief's step for them.
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 2, decision: 'APPROVE', approver: actor(p.cityManager) }] }))).toBe(
      FailureType.NotPermitted,
    );

    const published = await statement.executeUpdate(decideUpdate, { args: [{ version: 2, decision: 'APPROVE', approver: actor(p.policeChief) }] });
    expect(published.status).toBe('PUBLISHED');
    expect(published.publishedAt).not.toBeNull();
    expect(await statement.result()).toMatchObject({ status: 'PUBLISHED', currentVersion: 2 });

    // Approving a published statement is refused (409) -- here the workflow has finished, which the API maps the same way.
    const row = await ctx.db.statement.findUniqueOrThrow({ where: { id: submitted.statementId }, include: { approvals: true, versions: true } });
    expect(row).toMatchObject({ status: 'PUBLISHED', publishedVersion: 2 });
    expect(row.versions).toHaveLength(2);
    expect(row.approvals.map((a) => `${a.version}:${a.role}:${a.decision}`).sort()).toEqual([
      '1:CITY_MANAGER:REJECTED',
      '2:CITY_MANAGER:APPROVED',
      '2:POLICE_CHIEF:APPROVED',
    ]);

    // The incident hears about it: the holding statement deadline is met.
    await eventually(async () => {
      const state = await incident.query(incidentStateQuery);
      expect(state.deadlines.find((d) => d.key === 'holding_statement')).toMatchObject({ status: 'MET' });
      expect(state.statements).toEqual([expect.objectContaining({ statementId: submitted.statementId, published: true })]);
    });
    const deadline = await ctx.db.deadline.findUniqueOrThrow({ where: { incidentId_key: { incidentId: input.incidentId, key: 'holding_statement' } } });
    expect(deadline.status).toBe('MET');
    expect(deadline.metAt!.getTime()).toBeLessThan(declaredAt + 24 * 60 * MINUTE);

    // The same statement kind again now has no open deadline to meet.
    const second = await incident.executeUpdate(submitStatementUpdate, { args: [{ ...draft, title: 'A second holding statement', author: actor(p.pio) }] });
    expect(second.deadlineKey).toBeNull();
    await terminateWhenIdle(ctx, second.workflowId);
    await terminateWhenIdle(ctx, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('publishes exactly once when the last approver double-clicks', async () => {
    const p = ctx.people;
    const { incident, submitted, statement } = await submitHoldingStatement();
    await eventually(async () => expect((await statement.query(statementStateQuery)).awaiting).toBe('CITY_MANAGER'));
    await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.cityManager) }] });
    // Two identical approvals race: the second is re-checked under the workflow's lock and refused.
    const outcomes = await Promise.allSettled([
      statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.policeChief) }] }),
      statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.policeChief) }] }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const fulfilled = outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>;
    expect(fulfilled.value.status).toBe('PUBLISHED');
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as { cause?: { type?: string } }).cause?.type).toBe(FailureType.InvalidState);
    expect(await ctx.db.approval.count({ where: { statementId: submitted.statementId } })).toBe(2);
    const published = await ctx.db.auditEvent.count({ where: { entityId: submitted.statementId, action: 'statement.published' } });
    expect(published).toBe(1);
    await terminateWhenIdle(ctx, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('answers the approver at once while the mail and SMS providers are down; the messages follow when they recover', async () => {
    const p = ctx.people;
    const { incident, submitted, statement } = await submitHoldingStatement();
    await eventually(() => expect(recipientsOf(ctx, submitted.workflowId, 'statement.approval-request', 'v1:CITY_MANAGER')).toEqual(ids(p.cityManager)));

    ctx.providersDown = true;
    try {
      const asked = Date.now();
      const state = await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.cityManager) }] });
      expect(state).toMatchObject({ status: 'PENDING_APPROVAL', awaiting: 'POLICE_CHIEF' });
      expect(Date.now() - asked).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(messagesFor(ctx, submitted.workflowId, 'statement.approval-request').filter((m) => m.attemptGroup === 'v1:POLICE_CHIEF')).toHaveLength(0);
    } finally {
      ctx.providersDown = false;
    }
    // Retried with backoff until the providers answer again: delayed, not lost.
    await eventually(() => expect(recipientsOf(ctx, submitted.workflowId, 'statement.approval-request', 'v1:POLICE_CHIEF')).toEqual(ids(p.policeChief)));
    await terminateWhenIdle(ctx, submitted.workflowId);
    await terminateWhenIdle(ctx, incident.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);
});
