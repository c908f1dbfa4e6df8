// The SOP clock of the incident workflow on the time-skipping server:
// reminders before each deadline, overdue escalation up the ladder, the
// rolling 7-day public update cadence, report deadlines and extensions.
import { extendDeadlineUpdate, incidentStateQuery, submitStatementUpdate, type DeadlineStateV1 } from '../../domain/contracts/incident';
import { decideUpdate, statementStateQuery } from '../../domain/contracts/statement';
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
  useIncidentTestContext,
  WORKFLOW_TEST_TIMEOUT_MS,
  terminateWhenIdle,
} from '../harness/incident';
import { FailureType } from '../../domain/failures';

const ctx = useIncidentTestContext('incident-sop-unit');

const deadlineOf = (deadlines: DeadlineStateV1[], key: string) => {
  const d = deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no deadline ${key} in ${deadlines.map((x) => x.key).join(', ')}`);
  return d;
};

describe('SOP deadlines', () => {
  it('reminds the PIO before the sev-1 holding statement is due, then escalates PIO -> city manager -> mayor', async () => {
    const p = ctx.people;
    const { handle, input, declaredAt } = await declareIncident(ctx, { severity: 1 });
    const wid = handle.workflowId;
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toHaveLength(10));

    const start = await handle.query(incidentStateQuery);
    expect(start.deadlines.map((d) => [d.key, (Date.parse(d.dueAt) - declaredAt) / HOUR])).toEqual([
      ['holding_statement', 1],
      ['press_conference', 24],
      ['public_update_1', 168],
      ['preliminary_report', 720],
      ['final_report', 2160],
    ]);
    await eventually(async () => expect(await ctx.db.deadline.count({ where: { incidentId: input.incidentId } })).toBe(5));

    const remindersFor = (n: number) => recipientsOf(ctx, wid, 'deadline.reminder', `holding_statement:reminder:${n}`);
    const escalationFor = (step: number) => recipientsOf(ctx, wid, 'deadline.overdue', `holding_statement:escalation:${step}`);

    await skipTo(ctx, declaredAt + 29 * MINUTE);
    expect(remindersFor(1)).toEqual([]);
    await skipTo(ctx, declaredAt + 30 * MINUTE + 1000);
    await eventually(() => expect(remindersFor(1)).toEqual(ids(p.pio)));
    expect(messagesFor(ctx, wid, 'deadline.reminder')[0].data).toMatchObject({ deadlineTitle: 'Holding statement', deadlineKey: 'holding_statement' });

    await skipTo(ctx, declaredAt + 54 * MINUTE + 1000);
    await eventually(() => expect(remindersFor(2)).toEqual(ids(p.pio)));
    expect(escalationFor(0)).toEqual([]);

    await skipTo(ctx, declaredAt + HOUR + 1000);
    await eventually(() => expect(escalationFor(0)).toEqual(ids(p.pio)));
    await eventually(async () => {
      const state = await handle.query(incidentStateQuery);
      expect(deadlineOf(state.deadlines, 'holding_statement')).toMatchObject({ status: 'MISSED', remindersSent: 2, escalationsSent: 1 });
    });
    const row = await ctx.db.deadline.findUniqueOrThrow({ where: { incidentId_key: { incidentId: input.incidentId, key: 'holding_statement' } } });
    expect(row.status).toBe('MISSED');
    expect(row.overdueAt?.getTime()).toBe(declaredAt + HOUR);

    await skipTo(ctx, declaredAt + 89 * MINUTE);
    expect(escalationFor(1)).toEqual([]);
    await skipTo(ctx, declaredAt + 90 * MINUTE + 1000);
    await eventually(() => expect(escalationFor(1)).toEqual(ids(p.cityManager)));
    await skipTo(ctx, declaredAt + 3 * HOUR + 1000);
    await eventually(() => expect(escalationFor(2)).toEqual(ids(p.mayor)));

    const audit = await ctx.db.auditEvent.findMany({ where: { incidentId: input.incidentId }, orderBy: { seq: 'asc' } });
    expect(audit.filter((e) => e.action === 'deadline.reminder-sent')).toHaveLength(2);
    expect(audit.filter((e) => e.action === 'deadline.overdue-escalated')).toHaveLength(3);
    expect(audit.filter((e) => e.action === 'deadline.missed')).toHaveLength(1);
    await terminateWhenIdle(ctx, handle.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('keeps a public update due every 7 days, counts report deadlines, and honours an extension', async () => {
    const p = ctx.people;
    const { handle, input, declaredAt } = await declareIncident(ctx, { severity: 2, type: 'PUBLIC_MEDIA_ATTENTION' });
    const wid = handle.workflowId;
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toHaveLength(5));
    const state = () => handle.query(incidentStateQuery);
    expect((await state()).deadlines.map((d) => d.key)).not.toContain('press_conference');

    // Cycle 1: reminders two days and one day ahead, missed at day 7, and cycle 2 starts from that due time.
    await skipTo(ctx, declaredAt + 5 * DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder', 'public_update_1:reminder:1')).toEqual(ids(p.pio)));
    await skipTo(ctx, declaredAt + 6 * DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder', 'public_update_1:reminder:2')).toEqual(ids(p.pio)));
    await skipTo(ctx, declaredAt + 7 * DAY + 1000);
    await eventually(async () => {
      const s = await state();
      expect(deadlineOf(s.deadlines, 'public_update_1').status).toBe('MISSED');
      expect(Date.parse(deadlineOf(s.deadlines, 'public_update_2').dueAt)).toBe(declaredAt + 14 * DAY);
    });
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.overdue', 'public_update_1:escalation:0')).toEqual(ids(p.pio)));

    // Cycle 2 is met on day 9 by a published update; cycle 3 is then due 7 days after that publication.
    await skipTo(ctx, declaredAt + 9 * DAY);
    const submitted = await handle.executeUpdate(submitStatementUpdate, {
      args: [{ kind: 'PUBLIC_UPDATE', title: 'Update', body: 'The investigation continues.', author: actor(p.pio) }],
    });
    expect(submitted.deadlineKey).toBe('public_update_2');
    const statement = ctx.env.client.workflow.getHandle(submitted.workflowId);
    await eventually(async () => expect((await statement.query(statementStateQuery)).awaiting).toBe('CITY_MANAGER'));
    await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.cityManager) }] });
    const published = await statement.executeUpdate(decideUpdate, { args: [{ version: 1, decision: 'APPROVE', approver: actor(p.policeChief) }] });
    const publishedAt = Date.parse(published.publishedAt!);
    await eventually(async () => {
      const s = await state();
      expect(deadlineOf(s.deadlines, 'public_update_2')).toMatchObject({ status: 'MET', metAt: published.publishedAt });
      expect(Date.parse(deadlineOf(s.deadlines, 'public_update_3').dueAt)).toBe(publishedAt + 7 * DAY);
    });

    // Cycles 3 and 4 pass unanswered: each is missed and the next one starts.
    await skipTo(ctx, publishedAt + 14 * DAY + 1000);
    await eventually(async () => {
      const s = await state();
      expect(deadlineOf(s.deadlines, 'public_update_3').status).toBe('MISSED');
      expect(deadlineOf(s.deadlines, 'public_update_4').status).toBe('MISSED');
      expect(deadlineOf(s.deadlines, 'public_update_5')).toMatchObject({ status: 'OPEN', dueAt: new Date(publishedAt + 21 * DAY).toISOString() });
    });
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.overdue', 'public_update_3:escalation:1')).toEqual(ids(p.cityManager)));

    // Preliminary findings are due on day 30; the city manager extends them to day 35, with a reason.
    const prelimDue = declaredAt + 30 * DAY;
    const request = { deadlineKey: 'preliminary_report', newDueAt: new Date(prelimDue + 5 * DAY).toISOString(), reason: 'Awaiting the county lab results.', by: actor(p.cityManager) };
    expect(await failureTypeOf(handle.executeUpdate(extendDeadlineUpdate, { args: [{ ...request, reason: '  ' }] }))).toBe(FailureType.InvalidInput);
    expect(await failureTypeOf(handle.executeUpdate(extendDeadlineUpdate, { args: [{ ...request, by: actor(p.pio) }] }))).toBe(FailureType.NotPermitted);
    expect(await failureTypeOf(handle.executeUpdate(extendDeadlineUpdate, { args: [{ ...request, newDueAt: new Date(prelimDue - DAY).toISOString() }] }))).toBe(
      FailureType.InvalidInput,
    );
    expect(await failureTypeOf(handle.executeUpdate(extendDeadlineUpdate, { args: [{ ...request, deadlineKey: 'no_such_deadline' }] }))).toBe(FailureType.NotFound);
    expect(await failureTypeOf(handle.executeUpdate(extendDeadlineUpdate, { args: [{ ...request, deadlineKey: 'public_update_1' }] }))).toBe(
      FailureType.InvalidState,
    );
    const extended = await handle.executeUpdate(extendDeadlineUpdate, { args: [request] });
    expect(extended).toMatchObject({ key: 'preliminary_report', status: 'OPEN', dueAt: request.newDueAt, originalDueAt: new Date(prelimDue).toISOString() });
    const extensionRows = await ctx.db.deadlineExtension.findMany({ where: { deadline: { incidentId: input.incidentId } } });
    expect(extensionRows).toEqual([expect.objectContaining({ reason: 'Awaiting the county lab results.', byId: p.cityManager.id })]);

    // Nothing happens at the old due time; the reminder falls one day before the new one, then it is missed.
    await skipTo(ctx, prelimDue + HOUR);
    await eventually(async () => expect(deadlineOf((await state()).deadlines, 'public_update_5').status).toBe('MISSED'));
    expect(deadlineOf((await state()).deadlines, 'preliminary_report').status).toBe('OPEN');
    expect(messagesFor(ctx, wid, 'deadline.overdue').filter((m) => m.attemptGroup.startsWith('preliminary_report'))).toHaveLength(0);
    await skipTo(ctx, prelimDue + 4 * DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder', 'preliminary_report:reminder:2')).toEqual(ids(p.pio, p.policeChief)));
    await skipTo(ctx, prelimDue + 5 * DAY + 1000);
    await eventually(async () => expect(deadlineOf((await state()).deadlines, 'preliminary_report')).toMatchObject({ status: 'MISSED', dueAt: request.newDueAt }));
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.overdue', 'preliminary_report:escalation:0')).toEqual(ids(p.pio)));

    // The final report: reminders 14, 3 and 1 days ahead, missed at day 90, then the city manager and the mayor.
    const finalDue = declaredAt + 90 * DAY;
    await skipTo(ctx, finalDue - 14 * DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder', 'final_report:reminder:1')).toEqual(ids(p.pio, p.policeChief)));
    await skipTo(ctx, finalDue - DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder', 'final_report:reminder:3')).toEqual(ids(p.pio, p.policeChief)));
    await skipTo(ctx, finalDue + 3 * DAY + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.overdue', 'final_report:escalation:2')).toEqual(ids(p.mayor)));
    expect(recipientsOf(ctx, wid, 'deadline.overdue', 'final_report:escalation:1')).toEqual(ids(p.cityManager));

    // Thirteen weeks of public updates, every one of them recorded.
    const s = await state();
    const cycles = s.deadlines.filter((d) => d.kind === 'PUBLIC_UPDATE');
    expect(cycles.length).toBeGreaterThanOrEqual(13);
    expect(cycles.filter((d) => d.status === 'OPEN')).toHaveLength(1);
    expect(await ctx.db.deadline.count({ where: { incidentId: input.incidentId, kind: 'PUBLIC_UPDATE' } })).toBe(cycles.length);
    expect(new Set(ctx.sent.map((m) => m.key)).size).toBe(ctx.sent.length);
    await terminateWhenIdle(ctx, handle.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);
});
