// Acknowledgement calls (policy clayton-2026.3, severity 1) on the
// time-skipping server: officials still silent after the email and the text
// are phoned at 5 minutes, and again at 8 and 11; pressing 1 (an acknowledge
// via PHONE) stops their calls; then the ladder moves to the backups at 15
// minutes, who are phoned the same way, counted from their own notification,
// until someone answers for the primary. A phone the provider refuses for
// good is not called again.
import { acknowledgeUpdate, incidentStateQuery } from '../../domain/contracts/incident';
import type { Person } from '../../generated/prisma/client';
import {
  MINUTE,
  declareIncident,
  eventually,
  ids,
  messagesFor,
  recipientsOf,
  skipTo,
  terminateWhenIdle,
  useIncidentTestContext,
} from '../harness/incident';

const ctx = useIncidentTestContext('ack-calls-unit');
const POLICY = 'clayton-2026.3';

/** Who got call number `attempt` of this incident, sorted. */
const called = (workflowId: string, attempt: number): string[] =>
  messagesFor(ctx, workflowId, 'incident.ack-call')
    .filter((m) => m.attemptGroup === String(attempt))
    .map((m) => {
      expect(m.channel).toBe('VOICE');
      return m.personId;
    })
    .sort();

const ackBy = (person: Person, via: 'PHONE' | 'SMS' | 'API' = 'PHONE') => ({ args: [{ personId: person.id, via }] as [any] });

describe('acknowledgement calls', () => {
  it('calls the silent at 5, 8 and 11 minutes; a key press stops their calls; then their backups are called from their own notification', async () => {
    const p = ctx.people;
    const { handle, declaredAt, input } = await declareIncident(ctx, { severity: 1, policyVersion: POLICY });
    const wid = handle.workflowId;
    await eventually(() => expect(recipientsOf(ctx, wid, 'incident.declared')).toHaveLength(10));
    const primaries = (await handle.query(incidentStateQuery)).recipients.map((r) => r.personId);
    const without = (...people: Person[]) => primaries.filter((id) => !people.some((x) => x.id === id)).sort();

    // The mayor answers the text before any call.
    await handle.executeUpdate(acknowledgeUpdate, ackBy(p.mayor, 'SMS'));
    await skipTo(ctx, declaredAt + 5 * MINUTE - 10_000);
    expect(messagesFor(ctx, wid, 'incident.ack-call')).toHaveLength(0);

    await skipTo(ctx, declaredAt + 5 * MINUTE + 1_000);
    await eventually(() => expect(called(wid, 1)).toEqual(without(p.mayor)));
    expect(messagesFor(ctx, wid, 'incident.ack-call')[0]).toMatchObject({ template: 'incident.ack-call', data: { attempt: 1, attempts: 3 } });

    // The PIO presses 1 on the first call.
    expect(await handle.executeUpdate(acknowledgeUpdate, ackBy(p.pio))).toMatchObject({ alreadyAcknowledged: false });
    await skipTo(ctx, declaredAt + 8 * MINUTE + 1_000);
    await eventually(() => expect(called(wid, 2)).toEqual(without(p.mayor, p.pio)));
    // The police chief answers the second call.
    await handle.executeUpdate(acknowledgeUpdate, ackBy(p.policeChief));
    await skipTo(ctx, declaredAt + 11 * MINUTE + 1_000);
    await eventually(() => expect(called(wid, 3)).toEqual(without(p.mayor, p.pio, p.policeChief)));
    // Three calls, no fourth.
    await skipTo(ctx, declaredAt + 14 * MINUTE + 30_000);
    expect(called(wid, 4)).toEqual([]);
    expect(messagesFor(ctx, wid, 'incident.ack-escalation')).toHaveLength(0);

    // At 15 minutes the ladder moves to the backups of those still silent (by email and text).
    await skipTo(ctx, declaredAt + 15 * MINUTE + 1_000);
    const backupOf = (primary: Person) => ctx.people[Object.keys(ctx.people).find((k) => ctx.people[k].id === primary.backupId)!];
    await eventually(() =>
      expect(recipientsOf(ctx, wid, 'incident.ack-escalation')).toEqual(expect.arrayContaining([backupOf(p.cityManager).id, backupOf(p.cityAttorney).id])),
    );
    // The city manager answers for themselves before their backup's first call.
    await handle.executeUpdate(acknowledgeUpdate, ackBy(p.cityManager, 'API'));
    const state = await handle.query(incidentStateQuery);
    const attorneyBackup = state.recipients.find((r) => r.personId === backupOf(p.cityAttorney).id)!;
    expect(attorneyBackup).toMatchObject({ kind: 'BACKUP', standsInForId: p.cityAttorney.id });
    const backupNotifiedAt = Date.parse(attorneyBackup.notifiedAt);

    await skipTo(ctx, backupNotifiedAt + 5 * MINUTE + 1_000);
    await eventually(() => expect(called(wid, 1)).toContain(attorneyBackup.personId));
    expect(called(wid, 1)).not.toContain(backupOf(p.cityManager).id);
    // The attorney acknowledges after all: their backup's calls stop.
    await handle.executeUpdate(acknowledgeUpdate, ackBy(p.cityAttorney));
    await skipTo(ctx, backupNotifiedAt + 12 * MINUTE);
    expect(called(wid, 2)).not.toContain(attorneyBackup.personId);

    const audit = await ctx.db.auditEvent.findMany({ where: { incidentId: input.incidentId, action: 'incident.ack-calls' }, orderBy: { seq: 'asc' } });
    // Rounds at 5, 8 and 11 minutes, then the backups' first round.
    expect(audit.slice(0, 4).map((e) => (e.data as { calls: { attempt: number }[] }).calls[0].attempt)).toEqual([1, 2, 3, 1]);
    const recipients = (await handle.query(incidentStateQuery)).recipients;
    expect(recipients.find((r) => r.personId === p.cityAttorney.id)).toMatchObject({ callsPlaced: 3 });
    expect(recipients.find((r) => r.personId === p.pio.id)).toMatchObject({ callsPlaced: 1 });
    const viaPhone = await ctx.db.incidentRecipient.findMany({ where: { incidentId: input.incidentId, acknowledgedVia: 'PHONE' } });
    expect(viaPhone.map((r) => r.personId).sort()).toEqual(ids(p.pio, p.policeChief, p.cityAttorney));
    await terminateWhenIdle(ctx, wid);
  });

  it('a phone the provider refuses for good is not called again; below severity 1 nobody is called', async () => {
    const p = ctx.people;
    ctx.refuses = (m) => m.channel === 'VOICE' && m.personId === p.alderman2.id;
    try {
      const { handle, declaredAt } = await declareIncident(ctx, { severity: 1, policyVersion: POLICY });
      const wid = handle.workflowId;
      await skipTo(ctx, declaredAt + 5 * MINUTE + 1_000);
      await eventually(() => expect(called(wid, 1).length).toBeGreaterThan(5));
      expect(called(wid, 1)).not.toContain(p.alderman2.id); // refused, so not recorded as sent
      await skipTo(ctx, declaredAt + 8 * MINUTE + 1_000);
      await eventually(() => expect(called(wid, 2).length).toBeGreaterThan(5));
      const state = await handle.query(incidentStateQuery);
      expect(state.recipients.find((r) => r.personId === p.alderman2.id)).toMatchObject({ callsPlaced: 1, acknowledgedAt: null });
      await terminateWhenIdle(ctx, wid);
    } finally {
      ctx.refuses = () => false;
    }

    const minor = await declareIncident(ctx, { severity: 2, policyVersion: POLICY });
    await skipTo(ctx, minor.declaredAt + 16 * MINUTE);
    await eventually(() => expect(messagesFor(ctx, minor.handle.workflowId, 'incident.ack-escalation').length).toBeGreaterThan(0));
    expect(messagesFor(ctx, minor.handle.workflowId, 'incident.ack-call')).toHaveLength(0);
    await terminateWhenIdle(ctx, minor.handle.workflowId);

    // Under clayton-2026.2 nobody is called at any severity.
    const older = await declareIncident(ctx, { severity: 1, policyVersion: 'clayton-2026.2' });
    await skipTo(ctx, older.declaredAt + 16 * MINUTE);
    await eventually(() => expect(messagesFor(ctx, older.handle.workflowId, 'incident.ack-escalation').length).toBeGreaterThan(0));
    expect(messagesFor(ctx, older.handle.workflowId, 'incident.ack-call')).toHaveLength(0);
    await terminateWhenIdle(ctx, older.handle.workflowId);
  });
});
