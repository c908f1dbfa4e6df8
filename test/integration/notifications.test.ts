// The notification activity against a real PostgreSQL database, the real
// nodemailer pooled SMTP transport talking to the loopback SMTP sink, and the
// real twilio client talking to the Twilio-shaped sink; Twilio's status
// callbacks and inbound texts arrive at the real webhook router, mounted by the
// real API app, with signatures computed by twilio's own helper.
//
// Out of scope here (documented in activities/notifications/index.ts): a crash
// after the provider accepted a message but before the row was marked SENT.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createTwilioWebhooksRouter, type IncidentUpdater } from '../../api/routes/twilioWebhooks';
import { activityLoggingAndRateLimitInterceptor, ProviderFailureType } from '../../activities/interceptors';
import type { NotificationActivities, OutboundMessageV1 } from '../../domain/contracts/notificationActivities';
import { createNotificationActivities, emailMessageId, SendInProgressError } from '../../activities/notifications';
import { ProviderRateLimitError, ProviderUnavailableError } from '../../activities/notifications/errors';
import { createMailer, createSmsClient, type Mailer } from '../../activities/notifications/providers';
import { startSmsSink, type SmsSink } from '../../devsinks/smsSink';
import type { Config } from '../../lib/config';
import { verifyLinkToken } from '../../lib/crypto';
import { notificationKey, incidentWorkflowId } from '../../domain/ids';
import { notifyPerson } from '../../workflows/lib/notify';
import type { AcknowledgeRequestV1 } from '../../domain/contracts/incident';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { startSinks, type TestSinks } from '../harness/sinks';
import { FailureType } from '../../domain/failures';

let database: TestDatabase;
let sinks: TestSinks;
let server: http.Server;
let appUrl: string;
let config: Config;
let mailer: Mailer;
let acts: NotificationActivities;
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  return new Promise((resolve) => {
    const s = http.createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve({ server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }));
  });
}

let personSeq = 0;
async function makePerson(overrides: { email?: string; phone?: string | null; active?: boolean } = {}) {
  personSeq += 1;
  return database.db.person.create({
    data: {
      name: `Test Official ${personSeq}`,
      title: 'Alderman, Ward 9 (fictional)',
      email: overrides.email ?? `official${personSeq}.${Date.now()}@example.org`,
      phone: overrides.phone === undefined ? `+1314555${String(1000 + personSeq).padStart(4, '0')}` : overrides.phone,
      roles: ['ALDERMAN'],
      active: overrides.active ?? true,
    },
  });
}

function message(personId: string, overrides: Partial<OutboundMessageV1> = {}): OutboundMessageV1 {
  return {
    workflowId: 'incident-CI-2026-0042',
    purpose: 'incident.declared',
    personId,
    channel: 'EMAIL',
    attemptGroup: '1',
    template: 'incident.declared',
    data: { incidentNumber: 'CI-2026-0042', title: 'Use of force with serious injury', severity: 1, ackWindowMinutes: 15 },
    ...overrides,
  };
}

async function captureFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** Runs the activity the way the worker does: inside an activity context, through the production interceptor. */
function runThroughInterceptor(msg: OutboundMessageV1, attempt: number, lines: string[] = []) {
  const env = new MockActivityEnvironment(
    {
      attempt,
      activityType: 'sendNotification',
      workflowExecution: { workflowId: msg.workflowId, runId: 'run-1' },
      retryPolicy: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000 },
    },
    {
      interceptors: [activityLoggingAndRateLimitInterceptor({ write: (line) => lines.push(line), random: () => 0.5 })],
      // The SDK's own "Activity failed" warnings are expected here; our interceptor's lines are asserted instead.
      logger: new DefaultLogger('ERROR'),
    },
  );
  return env.run(acts.sendNotification, msg);
}

beforeAll(async () => {
  database = await createTestDatabase();
  let app: express.Express | undefined;
  ({ server, url: appUrl } = await listen((req, res) => app!(req, res)));
  sinks = await startSinks({ publicBaseUrl: appUrl, callbackDelaysMs: [20, 20] });
  config = createTestConfig({ ...sinks.config, PUBLIC_BASE_URL: appUrl });
  // The real API app; it mounts the Twilio webhook router at /webhooks/twilio.
  app = createApp({ db: database.db, temporal, config });
  mailer = createMailer(config);
  acts = createNotificationActivities({ db: database.db, mailer, sms: createSmsClient(config), config });
});

afterEach(async () => {
  await sinks.sms.settled();
  sinks.mail.clear();
  sinks.sms.clear();
});

afterAll(async () => {
  mailer?.close();
  await sinks?.close();
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

describe('sendNotification', () => {
  test('email: row written, pooled SMTP delivers it with a Message-ID derived from the key and a signed ack link', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'EMAIL' });
    const result = await acts.sendNotification(msg);

    const key = notificationKey(msg);
    expect(result).toMatchObject({ status: 'SENT', idempotencyKey: key });
    const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row).toMatchObject({
      id: result.notificationId,
      status: 'SENT',
      channel: 'EMAIL',
      toAddress: person.email,
      purpose: 'incident.declared',
      attempts: 1,
      provider: 'smtp',
      providerMessageId: emailMessageId(key, config.MAIL_FROM),
    });
    expect(row.sentAt).toBeInstanceOf(Date);

    const mails = sinks.mail.messages();
    expect(mails).toHaveLength(1);
    expect(mails[0].envelope.to).toEqual([person.email]);
    expect(mails[0].messageId).toBe(row.providerMessageId);
    expect(mails[0].subject).toBe(row.subject);
    expect(mails[0].subject).toContain('CI-2026-0042');
    const link = /\/ack\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mails[0].text ?? '');
    expect(link).not.toBeNull();
    expect(verifyLinkToken(link![1], 'ack', config.LINK_SIGNING_SECRET)).toMatchObject({
      p: 'ack',
      incidentNumber: 'CI-2026-0042',
      personId: person.id,
    });
    expect(mails[0].html).toContain(`href="${appUrl}/ack/`);
  });

  test('sms: sent through the twilio client; the signed status callbacks move the row to DELIVERED', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'SMS' });
    const result = await acts.sendNotification(msg);
    expect(result.status === 'SENT' || result.status === 'DELIVERED').toBe(true);
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);

    const texts = sinks.sms.messages();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ sid: result.providerMessageId, to: person.phone, from: config.TWILIO_FROM_NUMBER });
    expect(texts[0].body).toContain('Reply ACK');
    expect(texts[0].statusCallback).toBe(`${appUrl}/webhooks/twilio/status?n=${result.notificationId}`);

    await sinks.sms.settled();
    // Both callbacks reached the app and were accepted (a bad signature would have been a 403).
    expect(sinks.sms.messages()[0].callbacks.map((c) => [c.status, c.httpStatus])).toEqual([
      ['sent', 200],
      ['delivered', 200],
    ]);
    const row = await database.db.notification.findUniqueOrThrow({ where: { id: result.notificationId } });
    expect(row).toMatchObject({ status: 'DELIVERED', providerStatus: 'delivered', providerMessageId: result.providerMessageId, attempts: 1 });
  });

  test('a repeated call with the same key does not send twice', async () => {
    const person = await makePerson();
    for (const channel of ['EMAIL', 'SMS'] as const) {
      const msg = message(person.id, { channel });
      const first = await acts.sendNotification(msg);
      const second = await acts.sendNotification(msg);
      expect(second).toEqual({
        notificationId: first.notificationId,
        idempotencyKey: first.idempotencyKey,
        status: 'ALREADY_SENT',
        providerMessageId: first.providerMessageId,
      });
    }
    expect(sinks.mail.messages()).toHaveLength(1);
    expect(sinks.sms.messages().filter((m) => m.direction === 'outbound-api')).toHaveLength(1);
    const rows = await database.db.notification.findMany({ where: { personId: person.id } });
    expect(rows.map((r) => r.attempts)).toEqual([1, 1]);

    // A different attempt group is a deliberate repeat (e.g. the second reminder) and is sent.
    await acts.sendNotification(message(person.id, { channel: 'EMAIL', attemptGroup: '2' }));
    expect(sinks.mail.messages()).toHaveLength(2);
  });

  test('overlapping attempts with the same key: one sends, the other backs off without sending', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'EMAIL', purpose: 'incident.declared.overlap' });
    const outcomes = await Promise.allSettled([acts.sendNotification(msg), acts.sendNotification(msg)]);
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(SendInProgressError);
    expect(sinks.mail.messages()).toHaveLength(1);
    // The retry Temporal would make later finds the message sent.
    expect((await acts.sendNotification(msg)).status).toBe('ALREADY_SENT');
    expect(sinks.mail.messages()).toHaveLength(1);
  });

  test('Twilio 429: recorded, retried after the Retry-After the interceptor surfaces, then sent once', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'SMS', purpose: 'incident.declared.429' });
    sinks.sms.failNext(429, 1);

    const lines: string[] = [];
    const failure = await captureFailure(runThroughInterceptor(msg, 1, lines));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const appFailure = failure as ApplicationFailure;
    expect(appFailure.type).toBe(ProviderFailureType.RateLimited);
    expect(appFailure.nonRetryable).toBe(false);
    // The sink says Retry-After: 1 (second); the next attempt must not come sooner.
    expect(Number(appFailure.nextRetryDelay)).toBeGreaterThanOrEqual(1000);
    expect(appFailure.details?.[0]).toMatchObject({ provider: 'twilio', code: 20429, retryAfterMs: 1000 });
    const logged = JSON.parse(lines[lines.length - 1]);
    expect(logged).toMatchObject({
      workflowId: msg.workflowId,
      runId: 'run-1',
      activityType: 'sendNotification',
      attempt: 1,
      errorType: ProviderFailureType.RateLimited,
    });

    const key = notificationKey(msg);
    let row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, providerMessageId: null });
    expect(row.lastError).toContain('20429');
    expect(sinks.sms.messages()).toHaveLength(0);

    const result = await runThroughInterceptor(msg, 2);
    expect(result).toMatchObject({ notificationId: row.id });
    row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: key } });
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBeNull();
    expect(['SENT', 'DELIVERED']).toContain(row.status);
    expect(sinks.sms.messages()).toHaveLength(1);
  });

  test('Twilio 500: a plain retryable failure with lastError recorded, then sent once', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'SMS', purpose: 'incident.declared.500' });
    sinks.sms.failNext(500, 1);

    const raw = await captureFailure(acts.sendNotification(msg));
    expect(raw).toBeInstanceOf(ProviderUnavailableError);
    expect(raw).toMatchObject({ provider: 'twilio', code: 20500, httpStatus: 500 });
    const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(msg) } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row.lastError).toContain('20500');

    // Through the interceptor the same failure carries a jittered delay on the policy's curve (attempt 3: 4 s, jitter 0.5 -> 3 s).
    sinks.sms.failNext(500, 1);
    const failure = (await captureFailure(runThroughInterceptor(msg, 3))) as ApplicationFailure;
    expect(failure.type).toBe(ProviderFailureType.Unavailable);
    expect(failure.nonRetryable).toBe(false);
    expect(Number(failure.nextRetryDelay)).toBe(3000);

    await acts.sendNotification(msg);
    const after = await database.db.notification.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.attempts).toBe(3);
    expect(['SENT', 'DELIVERED']).toContain(after.status);
    expect(sinks.sms.messages()).toHaveLength(1);
  });

  test('Twilio 21211: UndeliverableRecipient, row UNDELIVERABLE, audited, and never retried', async () => {
    const person = await makePerson({ phone: '+15550001234' });
    const msg = message(person.id, { channel: 'SMS', purpose: 'incident.declared.21211' });

    const failure = (await captureFailure(acts.sendNotification(msg))) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(FailureType.UndeliverableRecipient);
    expect(failure.nonRetryable).toBe(true);
    const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(msg) } });
    expect(failure.details?.[0]).toMatchObject({ notificationId: row.id, channel: 'SMS' });
    expect(row.status).toBe('UNDELIVERABLE');
    expect(row.lastError).toContain("21211");
    expect(row.lastError).toContain("The 'To' number +15550001234 is not a valid phone number.");
    expect(sinks.sms.messages()).toHaveLength(0);

    // The interceptor leaves a non-retryable failure alone.
    const viaInterceptor = (await captureFailure(runThroughInterceptor(msg, 2))) as ApplicationFailure;
    expect(viaInterceptor.type).toBe(FailureType.UndeliverableRecipient);
    expect(viaInterceptor.nonRetryable).toBe(true);

    const audit = await database.db.auditEvent.findMany({ where: { entityId: row.id, action: 'notification.undeliverable' } });
    expect(audit).toHaveLength(1);
  });

  test('no mobile number on file: UndeliverableRecipient without calling the provider', async () => {
    const person = await makePerson({ phone: null });
    const failure = (await captureFailure(acts.sendNotification(message(person.id, { channel: 'SMS' })))) as ApplicationFailure;
    expect(failure.type).toBe(FailureType.UndeliverableRecipient);
    const rows = await database.db.notification.findMany({ where: { personId: person.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'UNDELIVERABLE', attempts: 0, lastError: 'no mobile number on file' });
    expect(sinks.sms.messages()).toHaveLength(0);
  });

  test('SMTP 550 on RCPT is undeliverable; a transient 451 is retried', async () => {
    const bouncing = await makePerson({ email: `bounce.${Date.now()}@example.org` });
    const refused = (await captureFailure(acts.sendNotification(message(bouncing.id)))) as ApplicationFailure;
    expect(refused.type).toBe(FailureType.UndeliverableRecipient);
    const refusedRow = await database.db.notification.findFirstOrThrow({ where: { personId: bouncing.id } });
    expect(refusedRow.status).toBe('UNDELIVERABLE');
    expect(refusedRow.lastError).toContain('550');

    const person = await makePerson();
    sinks.mail.failNext(1);
    const transient = await captureFailure(acts.sendNotification(message(person.id)));
    expect(transient).toBeInstanceOf(ProviderUnavailableError);
    const row = await database.db.notification.findFirstOrThrow({ where: { personId: person.id } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row.lastError).toContain('451');
    expect(sinks.mail.messages()).toHaveLength(0);

    await acts.sendNotification(message(person.id));
    expect(sinks.mail.messages()).toHaveLength(1);
    expect((await database.db.notification.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(2);
  });

  test('unknown template or person: non-retryable InvalidInput, nothing written', async () => {
    const person = await makePerson();
    const badTemplate = (await captureFailure(acts.sendNotification(message(person.id, { template: 'incident.nope' })))) as ApplicationFailure;
    expect(badTemplate.type).toBe(FailureType.InvalidInput);
    expect(badTemplate.nonRetryable).toBe(true);
    const badPerson = (await captureFailure(acts.sendNotification(message('no-such-person')))) as ApplicationFailure;
    expect(badPerson.type).toBe(FailureType.InvalidInput);
    expect(await database.db.notification.count({ where: { personId: person.id } })).toBe(0);
  });
});

describe('notifyPerson with the real activities', () => {
  test('an invalid number falls back to email, and the fallback is recorded', async () => {
    const person = await makePerson({ phone: '+15550009999' });
    const result = await notifyPerson(acts, {
      workflowId: 'incident-CI-2026-0043',
      purpose: 'incident.declared',
      personId: person.id,
      channels: ['EMAIL', 'SMS'],
      attemptGroup: '1',
      template: 'incident.declared',
      data: { incidentNumber: 'CI-2026-0043', title: 'Death in custody', severity: 1 },
    });

    const sms = result.outcomes.find((o) => o.channel === 'SMS' && !o.fallbackFor)!;
    expect(sms.status).toBe('UNDELIVERABLE');
    const fallback = result.outcomes.find((o) => o.fallbackFor)!;
    expect(fallback).toMatchObject({ channel: 'EMAIL', status: 'SENT', fallbackFor: { channel: 'SMS', notificationId: sms.notificationId } });
    expect(result.reached).toBe(true);

    const fallbackRow = await database.db.notification.findUniqueOrThrow({ where: { id: fallback.notificationId! } });
    expect(fallbackRow).toMatchObject({ purpose: 'incident.declared.fallback', fallbackForId: sms.notificationId, status: 'SENT' });
    const mails = sinks.mail.messages();
    expect(mails).toHaveLength(2);
    expect(mails.filter((m) => (m.text ?? '').includes('a text message to your phone could not be delivered'))).toHaveLength(1);
    expect(await database.db.auditEvent.count({ where: { entityId: fallbackRow.id, action: 'notification.fallback' } })).toBe(1);
  });
});

describe('Twilio status webhook (through the API app)', () => {
  const sign = (url: string, params: Record<string, string>, token = config.TWILIO_AUTH_TOKEN) =>
    twilio.getExpectedTwilioSignature(token, url, params);
  const post = (path: string, params: Record<string, string>, signature?: string) =>
    fetch(`${appUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(signature ? { 'X-Twilio-Signature': signature } : {}) },
      body: new URLSearchParams(params).toString(),
    });

  test('rejects a bad or missing signature with 403 and leaves the row alone', async () => {
    const person = await makePerson();
    const sent = await acts.sendNotification(message(person.id, { channel: 'SMS', purpose: 'incident.declared.sig' }));
    await sinks.sms.settled();
    const params = { MessageSid: sent.providerMessageId!, MessageStatus: 'failed', ErrorCode: '30007' };
    const path = '/webhooks/twilio/status';

    const forged = await post(path, params, sign(`${appUrl}${path}`, params, 'not-the-auth-token'));
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe('forbidden');
    expect((await post(path, params)).status).toBe(403);
    // Signed for other parameters than the ones sent.
    expect((await post(path, params, sign(`${appUrl}${path}`, { ...params, MessageStatus: 'delivered' }))).status).toBe(403);

    const row = await database.db.notification.findUniqueOrThrow({ where: { id: sent.notificationId } });
    expect(row.status).toBe('DELIVERED');
  });

  test('a signed callback missing MessageStatus is a 400 naming the field; an unknown sid is a 200 no-op', async () => {
    const path = '/webhooks/twilio/status';
    const missing = { MessageSid: 'SM' + '0'.repeat(32) };
    const bad = await post(path, missing, sign(`${appUrl}${path}`, missing));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('MessageStatus');

    const unknown = { MessageSid: 'SM' + 'f'.repeat(32), MessageStatus: 'delivered' };
    const ok = await post(path, unknown, sign(`${appUrl}${path}`, unknown));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, updated: false });
  });

  test('an undelivered message ends FAILED with the carrier error code; late callbacks do not move it back', async () => {
    const person = await makePerson({ phone: '+15550012345' }); // the sink's "unreachable handset" prefix
    const sent = await acts.sendNotification(message(person.id, { channel: 'SMS', purpose: 'incident.declared.undelivered' }));
    await sinks.sms.settled();
    let row = await database.db.notification.findUniqueOrThrow({ where: { id: sent.notificationId } });
    expect(row).toMatchObject({ status: 'FAILED', providerStatus: 'undelivered', lastError: 'twilio undelivered (ErrorCode 30003)' });

    const path = '/webhooks/twilio/status';
    const late = { MessageSid: sent.providerMessageId!, MessageStatus: 'sent' };
    expect((await post(path, late, sign(`${appUrl}${path}`, late))).status).toBe(200);
    row = await database.db.notification.findUniqueOrThrow({ where: { id: sent.notificationId } });
    expect(row).toMatchObject({ status: 'FAILED', providerStatus: 'undelivered' });
  });
});

describe('inbound SMS webhook: dispatch to handlers', () => {
  let ackSink: SmsSink;
  let ackServer: http.Server;
  const updates: { workflowId: string; args: AcknowledgeRequestV1[] }[] = [];
  // Records what the router asks of Temporal; the real incident workflow is exercised by the system test.
  const fakeTemporal: IncidentUpdater = {
    workflow: {
      getHandle: (workflowId: string) => ({
        executeUpdate: async (_update, options) => {
          updates.push({ workflowId, args: options.args });
          return { personId: options.args[0].personId, acknowledgedAt: new Date().toISOString(), alreadyAcknowledged: false };
        },
      }),
    },
  };
  const customHandled: string[] = [];

  beforeAll(async () => {
    let url = '';
    const app = express();
    ({ server: ackServer, url } = await listen(app));
    app.use(
      '/webhooks/twilio',
      createTwilioWebhooksRouter({
        db: database.db,
        temporal: fakeTemporal,
        config: { ...config, PUBLIC_BASE_URL: url },
        inboundHandlers: [
          async ({ body, person }) => {
            if (!/^progress\b/i.test(body)) return null;
            customHandled.push(`${person?.id}:${body}`);
            return { reply: 'Progress noted' };
          },
        ],
      }),
    );
    ackSink = await startSmsSink({ port: 0, accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, publicBaseUrl: url });
  });

  afterAll(async () => {
    await ackSink?.close();
    await new Promise((resolve) => ackServer?.close(resolve));
  });

  async function openIncident(number: string, recipientIds: string[], acknowledgedIds: string[] = []) {
    const declarer = await makePerson();
    return database.db.incident.create({
      data: {
        number,
        workflowId: incidentWorkflowId(number),
        type: 'use_of_force_serious_injury',
        severity: 1,
        title: `Incident ${number}`,
        summary: 'Fictional test incident',
        policyVersion: 'clayton-2026.1',
        declaredById: declarer.id,
        recipients: {
          create: recipientIds.map((personId) => ({
            personId,
            role: 'ALDERMAN' as const,
            acknowledgedAt: acknowledgedIds.includes(personId) ? new Date() : null,
          })),
        },
      },
    });
  }

  test("'ACK' from a recipient's phone acknowledges the newest open incident through the workflow update, and names the others", async () => {
    const person = await makePerson();
    const other = await makePerson();
    await openIncident('CI-2026-0101', [person.id, other.id]);
    await openIncident('CI-2026-0102', [person.id]);
    await openIncident('CI-2026-0103', [person.id], [person.id]); // already acknowledged
    const closed = await openIncident('CI-2026-0104', [person.id]);
    await database.db.incident.update({ where: { id: closed.id }, data: { status: 'CLOSED' } });

    const answer = await ackSink.reply({ from: person.phone!, body: ' ack ' });
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Common Ground: Acknowledged CI-2026-0102. Thank you. ' +
        'Still waiting for you: CI-2026-0101; reply ACK and the number for each.</Message></Response>',
    );
    expect(updates).toEqual([{ workflowId: 'incident-CI-2026-0102', args: [{ personId: person.id, via: 'SMS' }] }]);
    // The sink records the TwiML answer as the reply text the person would get.
    expect(ackSink.messages().find((m) => m.direction === 'outbound-reply')?.body).toContain('Acknowledged CI-2026-0102');
  });

  test("'ACK <number>' targets one incident; other texts go to the next handler; strangers are told they are not registered", async () => {
    updates.length = 0;
    const person = await makePerson();
    await openIncident('CI-2026-0201', [person.id]);
    await openIncident('CI-2026-0202', [person.id]);
    const targeted = await ackSink.reply({ from: person.phone!, body: 'ACK ci-2026-0202' });
    expect(targeted.body).toContain('Acknowledged CI-2026-0202.');
    expect(updates.map((u) => u.workflowId)).toEqual(['incident-CI-2026-0202']);

    const progress = await ackSink.reply({ from: person.phone!, body: 'progress 50%' });
    expect(progress.body).toContain('<Message>Progress noted</Message>');
    expect(customHandled).toEqual([`${person.id}:progress 50%`]);

    const stranger = await ackSink.reply({ from: '+13145559999', body: 'ACK' });
    expect(stranger.body).toContain('not registered');
    expect(stranger.body).toContain('nothing was changed');
    expect(updates).toHaveLength(1);
    expect(customHandled).toHaveLength(1);

    const unclear = await ackSink.reply({ from: person.phone!, body: 'ACK 7' });
    expect(unclear.body).toContain('is not an incident number');
    expect(updates).toHaveLength(1);
  });

  test('an unsigned inbound text is refused with 403 and reaches no handler', async () => {
    updates.length = 0;
    const person = await makePerson();
    await openIncident('CI-2026-0301', [person.id]);
    const address = ackServer.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${address.port}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' },
      body: new URLSearchParams({ From: person.phone!, Body: 'ACK' }).toString(),
    });
    expect(response.status).toBe(403);
    expect(updates).toHaveLength(0);
  });
});
