// Notifications in the running system: a sev-1 declaration through the API on
// a real Temporal dev server reaches every recipient by email and SMS through
// the sinks, the invalid number falls back to email (recorded), Twilio's status
// callbacks mark texts DELIVERED, and an "ACK" text acknowledges the incident
// through the incident workflow.
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
});

afterAll(async () => {
  await sys?.stop();
});


test('a sev-1 declaration reaches everyone; the invalid number falls back to email; ACK by text acknowledges', async () => {
  const declaredAt = Date.now();
  const res = await sys.request('/api/incidents', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Notification system test', summary: 'Fictional incident for the notification test' },
  });
  expect(res.status).toBe(202);
  const { number } = (await res.json()) as { number: string };
  const incident = await sys.db.incident.findUniqueOrThrow({ where: { number } });

  const recipients = await eventually(async () => {
    const rows = await sys.db.incidentRecipient.findMany({ where: { incidentId: incident.id, kind: 'PRIMARY' }, include: { person: true } });
    return rows.length > 0 && rows;
  }, 'recipients to be recorded');

  const invalid = recipients.filter((r) => r.person.phone?.startsWith('+1555000'));
  const reachable = recipients.filter((r) => r.person.phone && !r.person.phone.startsWith('+1555000'));
  expect(invalid.length).toBeGreaterThan(0); // the demo roster has one alderman with an invalid number

  await eventually(async () => {
    const mailTo = new Set(sys.sinks.mail.messages().flatMap((m) => m.envelope.to));
    const textTo = new Set(sys.sinks.sms.messages().filter((m) => m.direction === 'outbound-api').map((m) => m.to));
    return recipients.every((r) => mailTo.has(r.person.email)) && reachable.every((r) => textTo.has(r.person.phone!));
  }, 'every recipient to get email and SMS');
  console.log(`[notifications] declaration to every email and SMS accepted by the sinks: ${Date.now() - declaredAt} ms`);

  // Exactly one declaration message per person and channel, plus the recorded fallback for the invalid number.
  const rows = await sys.db.notification.findMany({ where: { incidentId: incident.id, purpose: { startsWith: 'incident.declared' } } });
  for (const r of reachable) {
    expect(rows.filter((n) => n.personId === r.personId && n.purpose === 'incident.declared').map((n) => n.channel).sort()).toEqual(['EMAIL', 'SMS']);
  }
  for (const r of invalid) {
    const sms = rows.find((n) => n.personId === r.personId && n.channel === 'SMS' && n.purpose === 'incident.declared');
    expect(sms).toMatchObject({ status: 'UNDELIVERABLE' });
    expect(sms!.lastError).toContain('21211');
    // Written PENDING before the provider is called: wait for the outcome, not just the row.
    const fallback = await eventually(async () => {
      const row = await sys.db.notification.findFirst({ where: { incidentId: incident.id, personId: r.personId, purpose: 'incident.declared.fallback' } });
      return row?.status !== 'PENDING' && row;
    }, 'the fallback email');
    expect(fallback).toMatchObject({ channel: 'EMAIL', fallbackForId: sms!.id, status: 'SENT' });
  }
  expect(sys.sinks.sms.messages().filter((m) => m.direction === 'outbound-api')).toHaveLength(reachable.length);

  // Twilio's status callbacks reach the app signed and move every text to DELIVERED.
  await eventually(async () => {
    const texts = await sys.db.notification.findMany({ where: { incidentId: incident.id, channel: 'SMS', purpose: 'incident.declared', status: { not: 'UNDELIVERABLE' } } });
    return texts.length === reachable.length && texts.every((t) => t.status === 'DELIVERED');
  }, 'status callbacks');

  // One recipient answers the text.
  const responder = reachable[0];
  const answer = await sys.sinks.sms.reply({ from: responder.person.phone!, body: 'ACK' });
  expect(answer.httpStatus).toBe(200);
  expect(answer.body).toContain(`Acknowledged ${number}. Thank you.`);
  const acknowledged = await sys.db.incidentRecipient.findUniqueOrThrow({ where: { id: responder.id } });
  expect(acknowledged.acknowledgedAt).toBeInstanceOf(Date);
  expect(acknowledged.acknowledgedVia).toBe('SMS');

  const again = await sys.sinks.sms.reply({ from: responder.person.phone!, body: 'ACK' });
  expect(again.body).toContain('no open incident');
});
