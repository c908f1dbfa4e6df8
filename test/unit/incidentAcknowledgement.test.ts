import { verifyAuditChain } from '../../lib/audit';
import { acknowledgeUpdate, incidentStateQuery, submitStatementUpdate } from '../../domain/contracts/incident';
import {
  HOUR,
  MINUTE,
  declareIncident,
  eventually,
  failureTypeOf,
  ids,
  messagesFor,
  recipientsOf,
  skipTo,
  useIncidentTestContext,
  WORKFLOW_TEST_TIMEOUT_MS,
  actor,
  terminateWhenIdle,
} from '../harness/incident';
import { FailureType } from '../../domain/failures';

const ctx = useIncidentTestContext('incident-ack-unit');

describe('incident declaration and acknowledgement', () => {
  it('notifies every sev-1 primary at once, calls backups of the silent at 15 minutes and reports who is silent at 30', async () => {
    const p = ctx.people;
    const { handle, input, declaredAt } = await declareIncident(ctx, { severity: 1 });
    const wid = handle.workflowId;
    const primaries = ids(p.mayor, p.mayorProTem, p.alderman2, p.alderman3, p.alderman4, p.alderman5, p.cityManager, p.policeChief, p.pio, p.cityAttorney);

    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toEqual(primaries));
    const declared = messagesFor(ctx, wid, 'incident.declared');
    expect(declared).toHaveLength(20);
    expect(declared[0]).toMatchObject({ template: 'incident.declared', incidentId: input.incidentId, attemptGroup: '1' });
    expect(declared[0].data).toMatchObject({ incidentNumber: input.incidentNumber, severity: 1, ackWindowMinutes: 15, typeLabel: 'Officer-involved shooting' });

    // The mayor and the PIO acknowledge in time; a repeat is answered, not re-recorded.
    const first = await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.mayor.id, via: 'EMAIL_LINK' }] });
    expect(first).toMatchObject({ personId: p.mayor.id, alreadyAcknowledged: false });
    const again = await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.mayor.id, via: 'SMS' }] });
    expect(again).toEqual({ personId: p.mayor.id, acknowledgedAt: first.acknowledgedAt, alreadyAcknowledged: true });
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.pio.id, via: 'SMS' }] });

    // Someone who was never notified cannot acknowledge (yet).
    expect(await failureTypeOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.deputyChief.id, via: 'API' }] }))).toBe(
      FailureType.NotFound,
    );
    expect(await failureTypeOf(handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.pio.id, via: 'PIGEON' as never }] }))).toBe(
      FailureType.InvalidInput,
    );

    // Nothing is escalated before the window closes.
    await skipTo(ctx, declaredAt + 14 * MINUTE);
    expect(messagesFor(ctx, wid, 'incident.ack-escalation')).toHaveLength(0);

    await skipTo(ctx, declaredAt + 15 * MINUTE + 1000);
    // Backups of everyone silent; not of the mayor or the PIO, who acknowledged.
    const escalatedBackups = await eventually(() => {
      const got = recipientsOf(ctx, wid, 'incident.ack-escalation');
      expect(got).toEqual(ids(p.mayorProTem, p.cityClerk, p.assistantCityManager, p.deputyChief, p.deputyCityAttorney));
      return got;
    });
    expect(escalatedBackups).not.toContain(p.deputyPio.id);
    // The mayor pro tem stands in for four aldermen: one message each, by attempt group.
    const standInGroups = messagesFor(ctx, wid, 'incident.ack-escalation')
      .filter((m) => m.personId === p.mayorProTem.id && m.channel === 'EMAIL')
      .map((m) => m.attemptGroup)
      .sort();
    expect(standInGroups).toEqual(ids(p.alderman2, p.alderman3, p.alderman4, p.alderman5));
    const chiefEscalation = messagesFor(ctx, wid, 'incident.ack-escalation').find((m) => m.personId === p.deputyChief.id)!;
    expect(chiefEscalation.data).toMatchObject({ silentPersonName: p.policeChief.name, silentPersonTitle: 'Police Chief', minutesSilent: 15 });

    // The deputy chief is now a BACKUP recipient and acknowledges for the chief.
    await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.deputyChief.id, via: 'API' }] });
    const mid = await handle.query(incidentStateQuery);
    expect(mid.recipients.find((r) => r.personId === p.deputyChief.id)).toMatchObject({
      kind: 'BACKUP',
      standsInForId: p.policeChief.id,
      role: 'POLICE_CHIEF',
    });
    expect(mid.recipients.find((r) => r.personId === p.mayor.id)?.escalatedToBackupAt).toBeNull();

    await skipTo(ctx, declaredAt + 30 * MINUTE + 1000);
    // The city manager is silent too, so their stand-in also gets the report.
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.silent-report')).toEqual(ids(p.cityManager, p.assistantCityManager)));
    const report = messagesFor(ctx, wid, 'incident.silent-report')[0];
    const silentIds = (report.data.silent as { personId: string }[]).map((s) => s.personId).sort();
    expect(silentIds).toEqual(
      ids(
        p.mayorProTem,
        p.alderman2,
        p.alderman3,
        p.alderman4,
        p.alderman5,
        p.cityManager,
        p.cityAttorney,
        p.cityClerk,
        p.assistantCityManager,
        p.deputyCityAttorney,
      ),
    );
    // Acknowledged (mayor, PIO) and covered by a backup (chief, deputy chief) are not reported.
    for (const person of [p.mayor, p.pio, p.policeChief, p.deputyChief]) expect(silentIds).not.toContain(person.id);

    // The database agrees, and the audit chain is intact.
    const rows = await ctx.db.incidentRecipient.findMany({ where: { incidentId: input.incidentId } });
    const byPerson = new Map(rows.map((r) => [r.personId, r]));
    expect(byPerson.get(p.mayor.id)).toMatchObject({ kind: 'PRIMARY', acknowledgedVia: 'EMAIL_LINK', escalatedToBackupAt: null, reportedSilentAt: null });
    expect(byPerson.get(p.policeChief.id)?.escalatedToBackupAt).not.toBeNull();
    expect(byPerson.get(p.deputyChief.id)).toMatchObject({ kind: 'BACKUP', standsInForId: p.policeChief.id, acknowledgedVia: 'API' });
    expect(byPerson.get(p.cityAttorney.id)?.reportedSilentAt).not.toBeNull();
    expect(rows.filter((r) => r.kind === 'BACKUP').map((r) => r.personId).sort()).toEqual(
      ids(p.cityClerk, p.assistantCityManager, p.deputyChief, p.deputyCityAttorney),
    );
    const actions = (await ctx.db.auditEvent.findMany({ where: { incidentId: input.incidentId }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'incident.acknowledged')).toHaveLength(3);
    expect(actions).toContain('incident.silent-reported');
    expect(actions.filter((a) => a === 'incident.ack-escalated-to-backup')).toHaveLength(8);
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true });

    // Nothing is sent twice.
    expect(new Set(ctx.sent.map((m) => m.key)).size).toBe(ctx.sent.length);
    await terminateWhenIdle(ctx, handle.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('escalates nobody when everyone acknowledges in time', async () => {
    const p = ctx.people;
    const { handle, declaredAt } = await declareIncident(ctx, { severity: 3, type: 'OTHER' });
    const wid = handle.workflowId;
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toEqual(ids(p.cityManager, p.policeChief, p.pio)));
    for (const person of [p.cityManager, p.policeChief, p.pio]) {
      await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: person.id, via: 'WEB' }] });
    }
    // Past both acknowledgement checks and up to the holding statement's first reminder (12 h of 24 h):
    // once that reminder is out, the workflow has certainly handled the 15- and 30-minute checks.
    await skipTo(ctx, declaredAt + 12 * HOUR + 1000);
    await eventually(() => expect(recipientsOf(ctx, wid, 'deadline.reminder')).toEqual(ids(p.pio)));
    expect(messagesFor(ctx, wid, 'incident.ack-escalation')).toHaveLength(0);
    expect(messagesFor(ctx, wid, 'incident.silent-report')).toHaveLength(0);
    await terminateWhenIdle(ctx, handle.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);

  it('takes people\'s actions at once while the mail and SMS providers are down, and delivers everything once they recover', async () => {
    const p = ctx.people;
    ctx.providersDown = true;
    let handle: Awaited<ReturnType<typeof declareIncident>>['handle'];
    let input: Awaited<ReturnType<typeof declareIncident>>['input'];
    let statementWorkflowId: string;
    try {
      ({ handle, input } = await declareIncident(ctx, { severity: 3, type: 'OTHER' }));
      // The declaration messages are being retried; the PIO can still submit, and the clock is recorded.
      const submitted = await eventually(() =>
        handle.executeUpdate(submitStatementUpdate, { args: [{ kind: 'HOLDING_STATEMENT', title: 'Holding', body: 'Text', author: actor(p.pio) }] }),
      );
      statementWorkflowId = submitted.workflowId;
      expect(submitted.deadlineKey).toBe('holding_statement');
      const acked = await handle.executeUpdate(acknowledgeUpdate, { args: [{ personId: p.cityManager.id, via: 'WEB' }] });
      expect(acked.alreadyAcknowledged).toBe(false);
      await eventually(async () => expect(await ctx.db.deadline.count({ where: { incidentId: input.incidentId } })).toBe(4));
      expect(messagesFor(ctx, handle.workflowId, 'incident.declared')).toHaveLength(0);
    } finally {
      ctx.providersDown = false;
    }
    // Delayed, not lost: the declaration and the approval request arrive after the outage, once each.
    await eventually(() => expect(recipientsOf(ctx, handle.workflowId, 'incident.declared')).toEqual(ids(p.cityManager, p.policeChief, p.pio)));
    await eventually(() => expect(recipientsOf(ctx, statementWorkflowId, 'statement.approval-request')).toEqual(ids(p.cityManager)));
    expect(messagesFor(ctx, handle.workflowId, 'incident.declared')).toHaveLength(6);
    await terminateWhenIdle(ctx, statementWorkflowId);
    await terminateWhenIdle(ctx, handle.workflowId);
  }, WORKFLOW_TEST_TIMEOUT_MS);
});
