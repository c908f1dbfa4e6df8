// The dev sinks behave like the services they stand in for, as seen by the
// real clients (nodemailer, twilio) and by the app's webhooks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import twilio from 'twilio';
import { startMailSink, type MailSink } from '../../devsinks/mailSink';
import { parseMail, decodeEncodedWords } from '../../devsinks/mime';
import { startSmsSink, type SmsSink } from '../../devsinks/smsSink';
import { createSmsClient } from '../../activities/notifications/providers';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'sink-test-auth-token';

interface Received {
  path: string;
  params: Record<string, string>;
  signatureValid: boolean;
}

/** A stand-in for the app: records webhook posts and checks their signature with twilio's validator. */
async function startReceiver(reply = '<Response><Message>Thanks &amp; noted</Message></Response>') {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`;
      const signatureValid = twilio.validateRequest(AUTH_TOKEN, String(req.headers['x-twilio-signature'] ?? ''), url, params);
      received.push({ path: req.url ?? '', params, signatureValid });
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('mime parsing', () => {
  test('decodes encoded words, quoted-printable and base64 parts of a multipart message', () => {
    const raw = Buffer.from(
      [
        'From: =?UTF-8?Q?Caf=C3=A9?= <cafe@example.org>',
        'To: a@example.org,',
        ' b@example.org',
        'Subject: =?UTF-8?B?SMOpbGxv?= =?UTF-8?Q?_w=C3=B6rld?=',
        'Message-ID: <abc@example.org>',
        'Content-Type: multipart/alternative; boundary="XYZ"',
        '',
        'preamble',
        '--XYZ',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 link https://example.org/ack/a.b and a long line that is wrapped=',
        ' here',
        '--XYZ',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('<p>Café</p>').toString('base64'),
        '--XYZ--',
        '',
      ].join('\r\n'),
      'latin1',
    );
    const parsed = parseMail(raw);
    expect(parsed.headers.from).toBe('Café <cafe@example.org>');
    expect(parsed.headers.to).toBe('a@example.org, b@example.org');
    expect(parsed.headers.subject).toBe('Héllo wörld');
    expect(parsed.text).toBe('Café link https://example.org/ack/a.b and a long line that is wrapped here');
    expect(parsed.html).toBe('<p>Café</p>');
    expect(decodeEncodedWords('plain')).toBe('plain');
  });
});

describe('mail sink', () => {
  let sink: MailSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, pool: true, maxConnections: 2 });
  });
  afterEach(() => sink.clear());
  afterAll(async () => {
    transport.close();
    await sink.close();
  });

  test('stores what nodemailer sent: headers, text, html, Message-ID, envelope', async () => {
    await transport.sendMail({
      from: 'Common Ground <no-reply@commonground.example.org>',
      to: 'Zoë Official <zoe@example.org>',
      subject: 'Sev 1 — incident CI-2026-0001',
      text: 'Acknowledge: http://127.0.0.1:3000/ack/x.y',
      html: '<p>Acknowledge <a href="http://127.0.0.1:3000/ack/x.y">here</a></p>',
      messageId: '<notification-abc@commonground.example.org>',
    });
    const [mail] = sink.messages();
    expect(mail).toMatchObject({
      messageId: '<notification-abc@commonground.example.org>',
      from: 'Common Ground <no-reply@commonground.example.org>',
      to: ['Zoë Official <zoe@example.org>'],
      subject: 'Sev 1 — incident CI-2026-0001',
      text: 'Acknowledge: http://127.0.0.1:3000/ack/x.y',
      envelope: { from: 'no-reply@commonground.example.org', to: ['zoe@example.org'] },
    });
    expect(mail.html).toContain('<a href="http://127.0.0.1:3000/ack/x.y">here</a>');
    expect(Date.parse(mail.receivedAt)).not.toBeNaN();
  });

  test('keeps the newest maxMessages and counts every message accepted since the last clear', async () => {
    const small = await startMailSink({ smtpPort: 0, httpPort: 0, maxMessages: 3 });
    const to = nodemailer.createTransport({ host: '127.0.0.1', port: small.smtpPort, secure: false });
    try {
      for (let n = 1; n <= 5; n++) await to.sendMail({ from: 'a@example.org', to: 'b@example.org', subject: `m${n}`, text: 'x' });
      expect(small.messages().map((m) => m.subject)).toEqual(['m3', 'm4', 'm5']);
      expect(small.acceptedCount()).toBe(5);
      small.clear();
      expect([small.messages().length, small.acceptedCount()]).toEqual([0, 0]);
    } finally {
      to.close();
      await small.close();
    }
  });

  test('refuses "bounce" mailboxes with a permanent 550 at RCPT TO and injects transient 451s on request', async () => {
    const bounce = await transport.sendMail({ from: 'a@example.org', to: 'bounce-me@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(bounce).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    sink.failNext(1);
    const transient = await transport.sendMail({ from: 'a@example.org', to: 'ok@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(transient).toMatchObject({ responseCode: 451, command: 'MAIL FROM' });
    await transport.sendMail({ from: 'a@example.org', to: 'ok@example.org', subject: 's', text: 't' });
    expect(sink.messages().map((m) => m.envelope.to)).toEqual([['ok@example.org']]);
  });

  test('a permanent fault at DATA comes after the message was sent; a refusal window refuses everything until it ends', async () => {
    sink.failNext(1, 552, 'DATA');
    const tooBig = await transport.sendMail({ from: 'a@example.org', to: 'ok@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ responseCode: 552, command: 'DATA' });
    const until = Date.now() + 1_000;
    sink.refuse(451, until);
    for (let i = 0; i < 2; i += 1) {
      const refused = await transport.sendMail({ from: 'a@example.org', to: 'ok@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ responseCode: 451 });
    }
    await new Promise((resolve) => setTimeout(resolve, until - Date.now() + 50));
    await transport.sendMail({ from: 'a@example.org', to: 'ok@example.org', subject: 's', text: 't' });
    expect(sink.messages()).toHaveLength(1);
  });

  test('inbox page escapes content and makes links clickable; JSON listing filters and clears', async () => {
    await transport.sendMail({
      from: 'a@example.org',
      to: 'reader@example.org',
      subject: '<script>alert(1)</script>',
      text: 'Open https://example.org/progress/tok.sig now.',
    });
    await transport.sendMail({ from: 'a@example.org', to: 'other@example.org', subject: 'second', text: 'x' });
    const base = `http://127.0.0.1:${sink.httpPort}`;

    const pageHtml = await (await fetch(`${base}/`)).text();
    expect(pageHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(pageHtml).not.toContain('<script>alert(1)</script>');
    expect(pageHtml).toContain('<a href="https://example.org/progress/tok.sig">https://example.org/progress/tok.sig</a> now.');

    const filtered = (await (await fetch(`${base}/api/messages?to=reader@example.org`)).json()) as { subject: string }[];
    expect(filtered.map((m) => m.subject)).toEqual(['<script>alert(1)</script>']);
    const detail = await fetch(`${base}/messages/${sink.messages()[0].id}`);
    expect(detail.status).toBe(200);
    expect((await fetch(`${base}/api/messages/9999`)).status).toBe(404);

    expect((await fetch(`${base}/api/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${base}/api/messages`)).json()).toEqual([]);
  });
});

describe('SMS sink (Twilio-shaped) through the real twilio client', () => {
  let sink: SmsSink;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: twilio.Twilio;

  beforeAll(async () => {
    receiver = await startReceiver();
    sink = await startSmsSink({
      port: 0,
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      appWebhookUrl: `${receiver.url}/webhooks/twilio/sms`,
      callbackDelaysMs: [5, 5],
    });
    client = createSmsClient({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: `http://127.0.0.1:${sink.port}` });
  });
  afterEach(async () => {
    await sink.settled();
    sink.clear();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await sink.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  test('201 with a Twilio message resource, then signed sent/delivered callbacks to StatusCallback', async () => {
    const message = await client.messages.create({
      to: '+13145550123',
      from: '+15005550006',
      body: 'Reply ACK',
      statusCallback: `${receiver.url}/webhooks/twilio/status?n=abc`,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({ status: 'queued', to: '+13145550123', from: '+15005550006', body: 'Reply ACK', accountSid: ACCOUNT_SID, direction: 'outbound-api' });

    await sink.settled();
    expect(receiver.received.map((r) => [r.path, r.params.MessageStatus, r.params.MessageSid, r.signatureValid])).toEqual([
      ['/webhooks/twilio/status?n=abc', 'sent', message.sid, true],
      ['/webhooks/twilio/status?n=abc', 'delivered', message.sid, true],
    ]);
    expect(sink.messages()[0].status).toBe('delivered');
    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.status).toBe('delivered');
  });

  test('wrong credentials: 401 with Twilio code 20003', async () => {
    const wrong = createSmsClient({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'not-the-token', TWILIO_API_BASE_URL: `http://127.0.0.1:${sink.port}` });
    const err = await wrong.messages.create({ to: '+13145550123', from: '+15005550006', body: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 20003 });
    expect(sink.messages()).toHaveLength(0);
  });

  test("numbers starting +1555000 are invalid: 400, code 21211, Twilio's message and error shape", async () => {
    const err = await client.messages.create({ to: '+15550001234', from: '+15005550006', body: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      code: 21211,
      message: "The 'To' number +15550001234 is not a valid phone number.",
      moreInfo: 'https://www.twilio.com/docs/errors/21211',
    });
    const raw = await fetch(`http://127.0.0.1:${sink.port}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: 'not-a-number', From: '+15005550006', Body: 'x' }).toString(),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      code: 21211,
      message: "The 'To' number not-a-number is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
  });

  test('injected faults: 429 (20429, Retry-After) then 500 (20500), then normal again', async () => {
    sink.failNext(429, 1);
    sink.failNext(500, 1);
    const url = `http://127.0.0.1:${sink.port}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+13145550123', From: '+15005550006', Body: 'x' }).toString(),
      });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ code: 20429, status: 429 });
    const broken = await post();
    expect(broken.status).toBe(500);
    expect(await broken.json()).toMatchObject({ code: 20500, status: 500 });
    expect((await post()).status).toBe(201);

    // The same faults through the HTTP control endpoint, as the page and scripts use it.
    const control = await fetch(`http://127.0.0.1:${sink.port}/_sink/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 429, count: 1 }),
    });
    expect(await control.json()).toEqual({ pending: 1 });
    const err = await client.messages.create({ to: '+13145550123', from: '+15005550006', body: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ProviderRateLimitError', retryAfterMs: 1000, code: 20429 });
    const invalid = await fetch(`http://127.0.0.1:${sink.port}/_sink/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 1 }),
    });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.field).toBe('status');
  });

  test("the Messages list as Twilio's clients read it: newest first, filtered by To, From and DateSent, paged", async () => {
    // Slow callbacks: the messages stay queued (no date_sent) until settled.
    const slow = await startSmsSink({ port: 0, accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackDelaysMs: [300, 10] });
    try {
      await listScenario(slow, createSmsClient({ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_API_BASE_URL: `http://127.0.0.1:${slow.port}` }));
    } finally {
      await slow.close();
    }
  });

  async function listScenario(sink: SmsSink, client: twilio.Twilio): Promise<void> {
    const send = (to: string, body: string) => client.messages.create({ to, from: '+15005550006', body });
    const first = await send('+13145550123', 'one');
    await send('+13145550999', 'other number');
    const second = await send('+13145550123', 'two');
    // Queued messages have no date_sent yet, so a DateSent filter does not see them.
    const today = new Date(new Date().toISOString().slice(0, 10));
    expect(await client.messages.list({ to: '+13145550123', dateSentAfter: today })).toHaveLength(0);
    const listed = await client.messages.list({ to: '+13145550123', pageSize: 1 });
    expect(listed.map((m) => m.sid)).toEqual([second.sid, first.sid]);
    expect(listed[0]).toMatchObject({ body: 'two', direction: 'outbound-api', from: '+15005550006' });
    expect(await client.messages.list({ from: '+15005550007' })).toHaveLength(0);

    await sink.settled();
    const sentToday = await client.messages.list({ to: '+13145550123', dateSentAfter: today });
    expect(sentToday.map((m) => m.body)).toEqual(['two', 'one']);
    expect(sentToday[0].dateSent).toBeInstanceOf(Date);
    expect(await client.messages.list({ dateSentBefore: new Date('2001-01-01T00:00:00Z') })).toHaveLength(0);

    const auth = { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };
    const base = `http://127.0.0.1:${sink.port}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
    const page = await (await fetch(`${base}?To=%2B13145550123&PageSize=1`, { headers: auth })).json();
    expect(page).toMatchObject({ page: 0, page_size: 1, start: 0, end: 0, previous_page_uri: null });
    expect(page.next_page_uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?To=%2B13145550123&PageSize=1&Page=1`);
    const badSize = await fetch(`${base}?PageSize=5000`, { headers: auth });
    expect(badSize.status).toBe(400);
    const badDate = await fetch(`${base}?DateSent=yesterday`, { headers: auth });
    expect(await badDate.json()).toMatchObject({ status: 400, code: 20001 });
    expect((await fetch(base)).status).toBe(401);
  }

  test('an outage answers every call with the status until it ends; a fault after accepting keeps the message', async () => {
    sink.outage(503, Date.now() + 200);
    const down = await client.messages.create({ to: '+13145550123', from: '+15005550006', body: 'x' }).catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 503, code: 20503 });
    expect(await client.messages.list({}).catch((e: unknown) => e)).toMatchObject({ status: 503 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    sink.failNext(500, 1, { afterAccepting: true });
    const lost = await client.messages.create({ to: '+13145550123', from: '+15005550006', body: 'kept' }).catch((e: unknown) => e);
    expect(lost).toMatchObject({ status: 500, code: 20500 });
    expect(sink.messages().map((m) => m.body)).toEqual(['kept']);
    expect(sink.createRequests().map((r) => r.httpStatus)).toEqual([500]);
  });

  test('numbers starting +1555001 are accepted but end undelivered with ErrorCode 30003', async () => {
    await client.messages.create({ to: '+15550011234', from: '+15005550006', body: 'x', statusCallback: `${receiver.url}/s` });
    await sink.settled();
    expect(receiver.received.map((r) => [r.params.MessageStatus, r.params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
  });

  test('/_sink/reply posts a signed inbound SMS to the app and records its TwiML answer as the reply', async () => {
    const response = await fetch(`http://127.0.0.1:${sink.port}/_sink/reply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+13145550199', body: 'ACK' }),
    });
    expect(await response.json()).toMatchObject({ httpStatus: 200 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      path: '/webhooks/twilio/sms',
      signatureValid: true,
      params: { From: '+13145550199', Body: 'ACK', AccountSid: ACCOUNT_SID, SmsStatus: 'received' },
    });
    expect(receiver.received[0].params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    const directions = sink.messages().map((m) => [m.direction, m.body]);
    expect(directions).toEqual([
      ['inbound', 'ACK'],
      ['outbound-reply', 'Thanks & noted'],
    ]);

    const invalid = await fetch(`http://127.0.0.1:${sink.port}/_sink/reply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: 'someone', body: 'ACK' }),
    });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.field).toBe('from');
  });

  test('page lists messages with their status, escaped', async () => {
    await client.messages.create({ to: '+13145550123', from: '+15005550006', body: '<b>bold</b> https://example.org/x' });
    const html = await (await fetch(`http://127.0.0.1:${sink.port}/`)).text();
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('<a href="https://example.org/x">');
    const listing = (await (await fetch(`http://127.0.0.1:${sink.port}/_sink/messages`)).json()) as { body: string }[];
    expect(listing.map((m) => m.body)).toEqual(['<b>bold</b> https://example.org/x']);
  });
});
