// Acknowledging without a browser, end to end on the running system:
//  - by phone: the real twilio client places the call through the Calls API of
//    the Twilio-shaped sink; the callee answers and presses 1; the sink posts
//    the digit to the gather callback signed like Twilio; the API checks the
//    signature with twilio's validateRequest and acknowledges (via PHONE). A
//    busy line is retried as the policy says, then the ladder moves to the
//    backup.
//  - by replying to the incident email: the reply goes to the mail sink's SMTP
//    port, addressed to the email's signed Reply-To; the sink hands it to the
//    inbound webhook signed with the shared secret; a reply from the official
//    acknowledges (via EMAIL_REPLY); a forwarded one, an out-of-office answer
//    or a made-up address does not.
// The policy is clayton-2026.3 with its call ladder in seconds, so a test
// does not wait minutes for the first call.
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { DEFAULT_POLICY, parsePolicy, setCurrentPolicy, type PolicyInput } from '../../policy';
import { INBOUND_SIGNATURE_HEADER, signInboundEmail } from '../../lib/inboundEmailSignature';
import type { SunkMail } from '../../devsinks/mailSink';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
let number = '';
let incidentId = '';

const FAST_CALLS = parsePolicy(
  {
    ...(JSON.parse(JSON.stringify(DEFAULT_POLICY)) as PolicyInput),
    version: 'clayton-2026.3-calls-in-seconds',
    acknowledgement: {
      backupAfter: '45s',
      reportSilentAfter: '120s',
      reportSilentTo: ['CITY_MANAGER'],
      calls: { severities: [1], firstAfter: '2s', attempts: 2, retryAfter: '12s' },
    },
  },
  'test policy',
);

const phoneOf = (key: string) => sys.roster.people[key].phone!;
const recipient = (key: string) =>
  sys.db.incidentRecipient.findFirst({ where: { incidentId, personId: sys.roster.people[key].id } });

beforeAll(async () => {
  setCurrentPolicy(FAST_CALLS);
  sys = await startTestSystem({ smsCallbackDelaysMs: [10, 10] });
  // The chief's line is busy; the city attorney answers and presses the wrong key twice.
  sys.sinks.sms.voice.script(phoneOf('policeChief'), { answer: 'busy' });
  sys.sinks.sms.voice.script(phoneOf('cityAttorney'), { answer: 'press', digits: '22' });
  const res = await sys.request('/api/incidents', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Acknowledgement by phone and reply', summary: 'Fictional incident' },
  });
  expect(res.status).toBe(202);
  ({ number, id: incidentId } = (await res.json()) as { number: string; id: string });
}, 240_000);

afterAll(async () => {
  await sys?.stop();
}, 60_000);

describe('acknowledging by phone', () => {
  it('the mayor answers the call and presses 1: acknowledged via PHONE, the call recorded as answered', async () => {
    const call = await eventually(
      async () => sys.sinks.sms.voice.calls().find((c) => c.to === phoneOf('mayor') && c.status === 'ringing'),
      'the call to the mayor to ring',
    );
    expect(call.from).toBe(sys.config.TWILIO_FROM_NUMBER);
    expect(call.statusCallbackEvents).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    const answered = await sys.sinks.sms.voice.answer(call.sid, '1');
    expect(answered.status).toBe('completed');
    expect(answered.said[0]).toMatch(new RegExp(`^This is Common Ground, for the City of Clayton\\. A severity 1 critical incident has been declared: C I \\d{4}, [\\d ]+, Acknowledgement by phone and reply\\.`));
    expect(answered.said).toContain('Again: to acknowledge this incident, press 1.');
    expect(answered.said[answered.said.length - 1]).toMatch(/^Thank you\. Your acknowledgement of incident C I .* is recorded\. Goodbye\.$/);
    expect(answered.appResponses[0].httpStatus).toBe(200);

    const mayor = await recipient('mayor');
    expect(mayor).toMatchObject({ acknowledgedVia: 'PHONE' });
    expect(mayor!.acknowledgedAt).toBeTruthy();
    const row = await eventually(
      async () => (await sys.db.notification.findFirst({ where: { incidentId, providerMessageId: call.sid, status: 'DELIVERED' } })) ?? undefined,
      'the call row to be marked answered by the completed callback',
    );
    expect(row).toMatchObject({ channel: 'VOICE', purpose: 'incident.ack-call', providerStatus: 'completed', personId: sys.roster.people.mayor.id });
    // Answered and acknowledged: not called again.
    await new Promise((resolve) => setTimeout(resolve, 13_000));
    expect(sys.sinks.sms.voice.calls().filter((c) => c.to === phoneOf('mayor'))).toHaveLength(1);
  }, 90_000);

  it('another key is asked again once, then nothing is recorded', async () => {
    const call = await eventually(
      async () => sys.sinks.sms.voice.calls().find((c) => c.to === phoneOf('cityAttorney') && c.status === 'completed'),
      'the call to the city attorney',
    );
    expect(call.digits).toEqual(['2', '2']);
    expect(call.said).toContain('To acknowledge the incident, press 1.');
    expect(call.said[call.said.length - 1]).toMatch(/^No acknowledgement was recorded/);
    expect((await recipient('cityAttorney'))?.acknowledgedAt).toBeNull();
  });

  it('a busy line is retried as the policy says, then the ladder moves to the backup', async () => {
    const chiefCalls = await eventually(async () => {
      const calls = sys.sinks.sms.voice.calls().filter((c) => c.to === phoneOf('policeChief') && c.status === 'busy');
      return calls.length === 2 && calls;
    }, 'two busy calls to the chief', 40_000);
    const rows = await eventually(async () => {
      const found = await sys.db.notification.findMany({ where: { incidentId, personId: sys.roster.people.policeChief.id, channel: 'VOICE' } });
      return found.length === 2 && found.every((r) => r.status === 'FAILED') && found;
    }, 'both call rows to be marked FAILED');
    expect(rows.map((r) => r.lastError)).toEqual(['call busy', 'call busy']);
    expect(new Set(rows.map((r) => r.providerMessageId))).toEqual(new Set(chiefCalls.map((c) => c.sid)));
    // At 45 seconds the deputy chief is asked to stand in (by email and text).
    const deputy = sys.roster.people.deputyChief;
    await eventually(
      async () => sys.sinks.mail.messages().some((m) => m.envelope.to.includes(deputy.email) && /backup/i.test(m.subject)),
      'the backup email to the deputy chief',
      60_000,
    );
    expect(sys.sinks.sms.voice.calls().filter((c) => c.to === phoneOf('policeChief'))).toHaveLength(2);
  }, 120_000);

  it('a gather callback without Twilio\'s signature, or for a call we did not place, acknowledges nobody', async () => {
    const row = await sys.db.notification.findFirstOrThrow({ where: { incidentId, channel: 'VOICE', personId: sys.roster.people.pio.id } });
    const url = `${sys.baseUrl}/webhooks/twilio/voice/gather?n=${row.id}`;
    const fields = { CallSid: 'CA' + '0'.repeat(32), Digits: '1', AccountSid: sys.config.TWILIO_ACCOUNT_SID };
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect(unsigned.status).toBe(403);
    const signed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(sys.config.TWILIO_AUTH_TOKEN, url, fields) },
      body: new URLSearchParams(fields).toString(),
    });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('could not be matched');
    expect((await recipient('pio'))?.acknowledgedVia).not.toBe('PHONE');
  });
});

describe('acknowledging by replying to the incident email', () => {
  const inboxOf = (email: string) =>
    sys.sinks.mail.messages().find((m) => m.envelope.to.includes(email) && m.subject.startsWith('[Sev 1] Critical incident') && m.subject.includes(number));
  const repliesTo = (address: string) => sys.sinks.mail.messages().filter((m) => m.envelope.to.includes(address) && m.inbound);
  const outcomeOf = async (reply: () => SunkMail | undefined) =>
    eventually(async () => {
      const attempt = reply()?.inbound?.attempts.find((a) => a.httpStatus !== null);
      return attempt && { status: attempt.httpStatus, ...(JSON.parse(attempt.body) as { outcome: string }) };
    }, 'the reply to reach the app');

  async function reply(from: string, to: string, extra: Record<string, unknown> = {}): Promise<void> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sys.sinks.mail.smtpPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from, to, subject: `Re: incident ${number}`, text: 'Got it, on my way.', ...extra });
    } finally {
      transport.close();
    }
  }

  it('the email carries a signed reply-to address; an out-of-office answer and a forwarded reply do not acknowledge; the official\'s reply does', async () => {
    const pio = sys.roster.people.pio;
    const email = await eventually(async () => inboxOf(pio.email), 'the incident email to the PIO');
    const replyTo = email.headers['reply-to'];
    expect(replyTo).toMatch(/^ack\+[a-z0-9]+\.[a-z2-7]{16}@reply\.commonground\.example\.org$/);
    expect(email.text).toContain('Or reply to this email: any reply from your address acknowledges.');

    await reply(`${pio.name} <${pio.email}>`, replyTo, { headers: { 'Auto-Submitted': 'auto-replied' }, subject: 'Out of office' });
    expect(await outcomeOf(() => repliesTo(replyTo).find((m) => m.subject === 'Out of office'))).toMatchObject({ status: 200, outcome: 'auto-reply' });

    await reply('Someone Else <someone.else@example.org>', replyTo, { subject: 'Fwd reply' });
    expect(await outcomeOf(() => repliesTo(replyTo).find((m) => m.subject === 'Fwd reply'))).toMatchObject({ status: 200, outcome: 'sender-mismatch' });
    expect((await recipient('pio'))?.acknowledgedAt).toBeNull();
    const refused = await sys.db.auditEvent.findFirst({ where: { incidentId, action: 'incident.email-reply-refused' } });
    expect(refused?.data).toMatchObject({ reason: 'the reply did not come from the address the email was sent to', personId: pio.id });

    await reply(`${pio.name} <${pio.email.toUpperCase()}>`, replyTo, { subject: `Re: ${email.subject}`, inReplyTo: email.messageId ?? undefined });
    expect(await outcomeOf(() => repliesTo(replyTo).find((m) => m.subject === `Re: ${email.subject}`))).toMatchObject({ status: 200, outcome: 'acknowledged', incident: number });
    const acknowledged = await recipient('pio');
    expect(acknowledged).toMatchObject({ acknowledgedVia: 'EMAIL_REPLY' });
    const audit = await sys.db.auditEvent.findFirst({ where: { incidentId, action: 'incident.acknowledged', actorId: pio.id } });
    expect(audit?.data).toMatchObject({ via: 'EMAIL_REPLY' });
  });

  it('the sender\'s address alone never acknowledges: a made-up or altered reply address is not ours, and a genuine one stops working once the person\'s links are revoked', async () => {
    const alderman = sys.roster.people.alderman2;
    const email = await eventually(async () => inboxOf(alderman.email), 'the incident email to an alderman');
    const genuine = email.headers['reply-to'];
    const forged = genuine.replace(/\.([a-z2-7])/, (_m, c: string) => `.${c === 'a' ? 'b' : 'a'}`);
    await reply(alderman.email, forged, { subject: 'forged mac' });
    expect(await outcomeOf(() => repliesTo(forged).find((m) => m.subject === 'forged mac'))).toMatchObject({ status: 200, outcome: 'not-for-us' });
    await reply(alderman.email, 'ack+whatever@reply.commonground.example.org', { subject: 'made up' });
    expect(await outcomeOf(() => repliesTo('ack+whatever@reply.commonground.example.org').find((m) => m.subject === 'made up'))).toMatchObject({
      outcome: 'not-for-us',
    });
    // Like a signed link: revoked (services/people.ts deactivatePerson) after the email was sent.
    await sys.db.linkRevocation.create({ data: { personId: alderman.id, revokedAt: new Date() } });
    try {
      await reply(alderman.email, genuine, { subject: 'after revocation' });
      expect(await outcomeOf(() => repliesTo(genuine).find((m) => m.subject === 'after revocation'))).toMatchObject({ status: 200, outcome: 'revoked' });
    } finally {
      await sys.db.linkRevocation.delete({ where: { personId: alderman.id } });
    }
    expect((await recipient('alderman2'))?.acknowledgedAt).toBeNull();
  });

  it('the inbound webhook refuses a missing, wrong or stale signature, and a body that is not the documented JSON', async () => {
    const url = `${sys.baseUrl}/webhooks/email/inbound`;
    const body = JSON.stringify({ from: 'pio@example.org', to: ['ack+x@reply.commonground.example.org'] });
    const post = (headers: Record<string, string>, payload = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    expect((await post({})).status).toBe(403);
    expect((await post({ [INBOUND_SIGNATURE_HEADER]: signInboundEmail(body, 'not-the-secret-at-all') })).status).toBe(403);
    const stale = signInboundEmail(body, sys.config.INBOUND_EMAIL_SECRET, new Date(Date.now() - 3_600_000));
    expect((await post({ [INBOUND_SIGNATURE_HEADER]: stale })).status).toBe(403);
    const ok = await post({ [INBOUND_SIGNATURE_HEADER]: signInboundEmail(body, sys.config.INBOUND_EMAIL_SECRET) });
    expect([ok.status, ((await ok.json()) as { outcome: string }).outcome]).toEqual([200, 'not-for-us']);
    const bad = JSON.stringify({ from: 'pio@example.org' });
    const invalid = await post({ [INBOUND_SIGNATURE_HEADER]: signInboundEmail(bad, sys.config.INBOUND_EMAIL_SECRET) }, bad);
    expect([invalid.status, ((await invalid.json()) as { error: { field: string } }).error.field]).toEqual([400, 'to']);
  });
});
