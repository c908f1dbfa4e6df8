// Counsel's hold (policy clayton-2026.3) on the time-skipping server: a held
// statement waits with its approvals intact; the deadlines a hold covers are
// held, not missed; the attorney, the city manager and the mayor are reminded
// before it lapses; at its limit it lapses and escalates, and publication
// resumes; releasing it restarts the clocks as the policy says.
import type { Person } from '../../generated/prisma/client';
import { incidentStateQuery, submitStatementUpdate } from '../../domain/contracts/incident';
import { placeHoldUpdate, releaseHoldUpdate, type HoldScopeV1 } from '../../domain/contracts/holds';
import { decideUpdate, statementStateQuery } from '../../domain/contracts/statement';
import { FailureType } from '../../domain/failures';
import type { statementApprovalWorkflow } from '../../workflows/statement';
import {
  DAY,
  HOUR,
  MINUTE,
  actor,
  declareIncident,
  eventually,
  failureTypeOf,
  ids,
  messagesFor,
  recipientsOf,
  skipTo,
  terminateWhenIdle,
  useIncidentTestContext,
} from '../harness/incident';

const ctx = useIncidentTestContext('counsel-holds-unit');
const POLICY = 'clayton-2026.3';
const HOLDING = { kind: 'HOLDING_STATEMENT', title: 'Statement on the Forsyth incident', body: 'We are aware of an incident on Forsyth Blvd.' };

const hold = (scope: HoldScopeV1, by: Person, category = 'LITIGATION') => ({
  args: [{ scope, category, detail: 'Claim 24-117 filed by the family; ask the City Attorney.', by: actor(by) }] as [any],
});

/** A severity-2 incident under clayton-2026.3 (the PIO alone approves; nobody is phoned), started. */
async function incident() {
  const declared = await declareIncident(ctx, { severity: 2, type: 'OTHER', policyVersion: POLICY });
  await eventually(async () => expect((await declared.handle.query(incidentStateQuery)).deadlines.length).toBeGreaterThan(0));
  return declared;
}

/** Workflow time and the test's reading of the server clock differ by the moments a request takes. */
const near = (actual: number, expected: number) => {
  expect(actual).toBeGreaterThanOrEqual(expected - 5_000);
  expect(actual).toBeLessThanOrEqual(expected + 5_000);
};

async function deadline(incidentId: string, key: string) {
  return ctx.db.deadline.findUniqueOrThrow({ where: { incidentId_key: { incidentId, key } } });
}

/** The chief drafts the holding statement and the PIO approves it: every approval given. */
async function approvedStatement(handle: Awaited<ReturnType<typeof incident>>['handle']) {
  const p = ctx.people;
  const submitted = await handle.executeUpdate(submitStatementUpdate, { args: [{ ...HOLDING, author: actor(p.policeChief) }] });
  const statement = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(submitted.workflowId);
  await eventually(async () => expect((await statement.query(statementStateQuery)).awaiting).toBe('PIO'));
  const after = await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.pio) }] });
  return { statement, statementId: submitted.statementId, after };
}

describe("counsel's hold", () => {
  it('only the attorney places one, for a category of the policy, and never twice on the same thing; an older policy has none', async () => {
    const p = ctx.people;
    const { handle } = await incident();
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityManager)))).toBe(FailureType.NotPermitted);
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney, 'GOSSIP')))).toBe(FailureType.InvalidInput);
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'STATEMENT_KIND', statementKind: 'TWEET' }, p.cityAttorney)))).toBe(
      FailureType.InvalidInput,
    );
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'STATEMENT', statementId: 'nope' }, p.cityAttorney)))).toBe(FailureType.NotFound);
    const placed = await handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney));
    expect(placed).toMatchObject({ status: 'ACTIVE', category: 'LITIGATION', placedById: p.cityAttorney.id });
    expect(Date.parse(placed.lapsesAt) - Date.parse(placed.placedAt)).toBe(14 * DAY);
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney)))).toBe(FailureType.InvalidState);
    expect(await failureTypeOf(handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: placed.holdId, by: actor(p.cityManager) }] }))).toBe(
      FailureType.NotPermitted,
    );
    // The private detail is kept for staff, with the audit event.
    expect(await ctx.db.publicationHold.findUniqueOrThrow({ where: { id: placed.holdId } })).toMatchObject({
      scope: 'ALL',
      status: 'ACTIVE',
      detail: 'Claim 24-117 filed by the family; ask the City Attorney.',
    });
    await eventually(() => expect(recipientsOf(ctx, handle.workflowId, 'hold.placed')).toEqual(ids(p.cityAttorney, p.cityManager, p.pio)));
    expect(JSON.stringify(messagesFor(ctx, handle.workflowId, 'hold.placed').map((m) => m.data))).not.toContain('Claim 24-117');
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: placed.holdId, by: actor(p.cityAttorney) }] });
    await terminateWhenIdle(ctx, handle.workflowId);

    const older = await declareIncident(ctx, { severity: 2, type: 'OTHER', policyVersion: 'clayton-2026.2' });
    await eventually(async () => expect((await older.handle.query(incidentStateQuery)).deadlines.length).toBeGreaterThan(0));
    expect(await failureTypeOf(older.handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney)))).toBe(FailureType.InvalidState);
    await terminateWhenIdle(ctx, older.handle.workflowId);
  });

  it('a held statement waits with its approvals intact; its deadline is held, not missed; the release publishes it and restarts the clock', async () => {
    const p = ctx.people;
    const { handle, input, declaredAt } = await incident();
    const placed = await handle.executeUpdate(placeHoldUpdate, hold({ kind: 'STATEMENT_KIND', statementKind: 'HOLDING_STATEMENT' }, p.cityAttorney));
    const holdingDue = declaredAt + 4 * HOUR;
    await eventually(async () => expect((await deadline(input.incidentId, 'holding_statement')).heldByHoldId).toBe(placed.holdId));
    // Only what the hold covers stops.
    expect((await deadline(input.incidentId, 'public_update_1')).heldSince).toBeNull();

    const { statement, statementId, after } = await approvedStatement(handle);
    expect(after).toMatchObject({ status: 'APPROVED', awaiting: null, heldBy: { holdId: placed.holdId, category: 'LITIGATION' } });
    expect(after.chain).toEqual([expect.objectContaining({ role: 'PIO', decision: 'APPROVED', approverId: p.pio.id })]);
    expect((await ctx.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status).toBe('APPROVED');
    await eventually(() => expect(recipientsOf(ctx, statement.workflowId, 'statement.publication-held')).toEqual(ids(p.policeChief)));
    // An approved statement waits: nobody can decide on it again.
    expect(await failureTypeOf(statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.pio) }] }))).toBe(
      FailureType.InvalidState,
    );

    // Its due time passes: held, not missed; no overdue ladder.
    await skipTo(ctx, holdingDue + 2 * HOUR);
    const state = await handle.query(incidentStateQuery);
    expect(state.deadlines.find((d) => d.key === 'holding_statement')).toMatchObject({ status: 'OPEN', heldSince: placed.placedAt, heldBy: placed.holdId });
    expect(messagesFor(ctx, handle.workflowId, 'deadline.overdue').filter((m) => m.data.deadlineKey === 'holding_statement')).toHaveLength(0);
    expect((await deadline(input.incidentId, 'holding_statement')).status).toBe('OPEN');
    expect((await statement.query(statementStateQuery)).status).toBe('APPROVED');

    const releasedAt = await ctx.env.currentTimeMs();
    const released = await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: placed.holdId, note: 'Claim settled.', by: actor(p.cityAttorney) }] });
    expect(released).toMatchObject({ status: 'RELEASED', endedById: p.cityAttorney.id });
    // Published at once, approvals as they were; the deadline it answers is met.
    await statement.result();
    const row = await ctx.db.statement.findUniqueOrThrow({ where: { id: statementId } });
    expect(row).toMatchObject({ status: 'PUBLISHED', publishedVersion: 1 });
    await eventually(async () => expect((await deadline(input.incidentId, 'holding_statement')).status).toBe('MET'));
    const met = await deadline(input.incidentId, 'holding_statement');
    expect(met.heldSince).toBeNull();
    // The clock restarted before the publication met it: RESUME (3 h 59 min left at the hold) with at least 4 hours.
    expect(met.dueAt.getTime()).toBeGreaterThanOrEqual(releasedAt + 4 * HOUR);
    expect(met.originalDueAt.getTime()).toBe(holdingDue);
    await eventually(() => expect(recipientsOf(ctx, handle.workflowId, 'hold.released')).toEqual(ids(p.cityAttorney, p.cityManager, p.pio)));
    const audit = (await ctx.db.auditEvent.findMany({ where: { incidentId: input.incidentId }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(['hold.placed', 'deadline.held', 'statement.publication-held', 'hold.released', 'deadline.resumed', 'statement.published']),
    );
    expect(audit.indexOf('hold.released')).toBeLessThan(audit.indexOf('statement.published'));
    await terminateWhenIdle(ctx, handle.workflowId);
  });

  it('released, a stopped clock gives back the time that was left (and at least 4 hours), and can then be missed', async () => {
    const p = ctx.people;
    const { handle, input, declaredAt } = await incident();
    await skipTo(ctx, declaredAt + HOUR);
    const placed = await handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney, 'PENDING_INVESTIGATION'));
    const heldAt = Date.parse(placed.placedAt);
    await eventually(async () => expect((await deadline(input.incidentId, 'public_update_1')).heldSince).not.toBeNull());
    await skipTo(ctx, declaredAt + 2 * DAY);
    const releasedAt = await ctx.env.currentTimeMs();
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: placed.holdId, by: actor(p.cityAttorney) }] });
    const holding = await deadline(input.incidentId, 'holding_statement');
    // About 3 hours were left: the policy's floor of 4 hours applies.
    near(holding.dueAt.getTime(), releasedAt + 4 * HOUR);
    expect(holding.heldSince).toBeNull();
    const update = await deadline(input.incidentId, 'public_update_1');
    near(update.dueAt.getTime(), releasedAt + (declaredAt + 7 * DAY - heldAt));
    // The restarted clock runs: the holding statement is missed at its new time, and its ladder starts.
    await skipTo(ctx, releasedAt + 4 * HOUR + MINUTE);
    await eventually(async () => expect((await deadline(input.incidentId, 'holding_statement')).status).toBe('MISSED'));
    await eventually(() => expect(recipientsOf(ctx, handle.workflowId, 'deadline.overdue', 'holding_statement:escalation:0')).toEqual(ids(p.pio)));
    await terminateWhenIdle(ctx, handle.workflowId);
  });

  it('reminds the attorney, the city manager and the mayor 3 days and 1 day before the limit; at the limit it lapses, escalates, and the held statement publishes', async () => {
    const p = ctx.people;
    const { handle, input } = await incident();
    const placed = await handle.executeUpdate(placeHoldUpdate, hold({ kind: 'ALL' }, p.cityAttorney, 'PERSONNEL_MATTER'));
    const placedAt = Date.parse(placed.placedAt);
    const { statement, statementId } = await approvedStatement(handle);
    const wid = handle.workflowId;
    const reminded = ids(p.cityAttorney, p.cityManager, p.mayor);

    await skipTo(ctx, placedAt + 11 * DAY - MINUTE);
    expect(messagesFor(ctx, wid, 'hold.reminder')).toHaveLength(0);
    await skipTo(ctx, placedAt + 11 * DAY + MINUTE);
    await eventually(() => expect(recipientsOf(ctx, wid, 'hold.reminder', `${placed.holdId}:reminder:1`)).toEqual(reminded));
    await skipTo(ctx, placedAt + 13 * DAY + MINUTE);
    await eventually(() => expect(recipientsOf(ctx, wid, 'hold.reminder', `${placed.holdId}:reminder:2`)).toEqual(reminded));
    expect(messagesFor(ctx, wid, 'hold.lapsed')).toHaveLength(0);
    expect((await statement.query(statementStateQuery)).status).toBe('APPROVED');

    await skipTo(ctx, placedAt + 14 * DAY + MINUTE);
    const aldermen = Object.values(p).filter((person) => person.roles.includes('ALDERMAN'));
    await eventually(() =>
      expect(recipientsOf(ctx, wid, 'hold.lapsed')).toEqual(ids(p.cityAttorney, p.cityManager, p.pio, p.mayor, ...aldermen)),
    );
    await statement.result();
    expect((await ctx.db.statement.findUniqueOrThrow({ where: { id: statementId } })).status).toBe('PUBLISHED');
    const row = await ctx.db.publicationHold.findUniqueOrThrow({ where: { id: placed.holdId } });
    expect(row).toMatchObject({ status: 'LAPSED', endedById: null });
    expect(row.endedAt!.getTime()).toBe(Date.parse(placed.lapsesAt));
    const actions = (await ctx.db.auditEvent.findMany({ where: { incidentId: input.incidentId } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'hold.reminder-sent')).toHaveLength(2);
    expect(actions).toContain('hold.lapsed');
    expect((await handle.query(incidentStateQuery)).holds).toEqual([expect.objectContaining({ holdId: placed.holdId, status: 'LAPSED', remindersSent: 2 })]);
    await terminateWhenIdle(ctx, wid);
  });

  it('a hold on one statement holds it and the deadline it answers, and nothing else; a published one is withdrawn instead', async () => {
    const p = ctx.people;
    const { handle, input } = await incident();
    const first = await handle.executeUpdate(submitStatementUpdate, { args: [{ kind: 'PUBLIC_UPDATE', title: 'Update one', body: 'One.', author: actor(p.policeChief) }] });
    const placed = await handle.executeUpdate(placeHoldUpdate, hold({ kind: 'STATEMENT', statementId: first.statementId }, p.cityAttorney, 'JUVENILE_INVOLVED'));
    await eventually(async () => expect((await deadline(input.incidentId, first.deadlineKey!)).heldByHoldId).toBe(placed.holdId));
    expect((await deadline(input.incidentId, 'holding_statement')).heldSince).toBeNull();

    const { statement: holding } = await approvedStatement(handle);
    await holding.result(); // not covered: published at once
    await eventually(async () =>
      expect((await handle.query(incidentStateQuery)).statements.find((s) => s.kind === 'HOLDING_STATEMENT')?.published).toBe(true),
    );
    const one = ctx.env.client.workflow.getHandle<typeof statementApprovalWorkflow>(first.workflowId);
    await eventually(async () => expect((await one.query(statementStateQuery)).awaiting).toBe('PIO'));
    expect((await one.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.pio) }] })).status).toBe('APPROVED');

    const holdingId = (await ctx.db.statement.findFirstOrThrow({ where: { incidentId: input.incidentId, kind: 'HOLDING_STATEMENT' } })).id;
    expect(await failureTypeOf(handle.executeUpdate(placeHoldUpdate, hold({ kind: 'STATEMENT', statementId: holdingId }, p.cityAttorney)))).toBe(
      FailureType.InvalidState,
    );
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: placed.holdId, by: actor(p.cityAttorney) }] });
    await one.result();
    expect((await ctx.db.statement.findUniqueOrThrow({ where: { id: first.statementId } })).status).toBe('PUBLISHED');
    await terminateWhenIdle(ctx, handle.workflowId);
  });
});
