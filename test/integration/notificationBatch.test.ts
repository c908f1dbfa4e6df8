// sendNotificationBatch against real PostgreSQL, the pooled SMTP transport to
// the loopback SMTP sink and the twilio client to the Twilio-shaped sink: many
// messages in one activity, each with its own key, row and outcome, exactly as
// if each had been sent alone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createMailer, createNotificationActivities, createSmsClient } from '../../activities/notifications';
import type { Mailer } from '../../activities/notifications/providers';
import type { NotificationActivities, NotificationBatchResultV1, NotificationBatchV1, OutboundMessageV1 } from '../../domain/contracts/notificationActivities';
import { notificationKey } from '../../domain/ids';
import type { Config } from '../../lib/config';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { startSinks, type TestSinks } from '../harness/sinks';

let database: TestDatabase;
let sinks: TestSinks;
let server: http.Server;
let config: Config;
let mailer: Mailer;
let acts: NotificationActivities;
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

/** "Name <address>" as the sink records a To: header, to the address. */
const addressOf = (to: string) => /<([^>]+)>/.exec(to)?.[1] ?? to;

let personSeq = 0;
async function makePerson(phone: string | null = null) {
  personSeq += 1;
  return database.db.person.create({
    data: {
      name: `Batch Official ${personSeq}`,
      title: 'Alderman (fictional)',
      email: `batch.official${personSeq}.${Date.now()}@example.org`,
      phone: phone === null ? `+1314558${String(1000 + personSeq).padStart(4, '0')}` : phone,
      roles: ['ALDERMAN'],
    },
  });
}

function message(personId: string, channel: OutboundMessageV1['channel'], workflowId = 'incident-CI-2026-0077'): OutboundMessageV1 {
  return {
    workflowId,
    purpose: 'incident.declared',
    personId,
    channel,
    attemptGroup: '1',
    template: 'incident.declared',
    data: { incidentNumber: 'CI-2026-0077', title: 'Use of force with serious injury', severity: 1, ackWindowMinutes: 15 },
  };
}

/** The batch as the worker runs it: inside an activity context (the lease names this attempt). */
function runBatch(input: NotificationBatchV1, attempt = 1, activityId = 'batch-1'): Promise<NotificationBatchResultV1> {
  const env = new MockActivityEnvironment(
    { attempt, activityId, activityType: 'sendNotificationBatch', workflowExecution: { workflowId: 'incident-CI-2026-0077', runId: 'run-1' } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(acts.sendNotificationBatch, input) as Promise<NotificationBatchResultV1>;
}

beforeAll(async () => {
  database = await createTestDatabase();
  let app: express.Express | undefined;
  const url = await new Promise<string>((resolve) => {
    server = http.createServer((req, res) => app!(req, res));
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
  sinks = await startSinks({ publicBaseUrl: url, callbackDelaysMs: [20, 20] });
  config = createTestConfig({ ...sinks.config, PUBLIC_BASE_URL: url });
  app = createApp({ db: database.db, temporal, config });
  mailer = createMailer(config);
  acts = createNotificationActivities({ db: database.db, mailer, sms: createSmsClient(config), config });
});

afterEach(async () => {
  await sinks.sms.settled();
  sinks.mail.clear();
  sinks.sms.clear();
  sinks.mail.refuse(null);
});

afterAll(async () => {
  mailer?.close();
  await sinks?.close();
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

test('sends every message once, each with its own row and outcome, in the order given', async () => {
  const people = await Promise.all([makePerson(), makePerson(), makePerson()]);
  const messages = people.flatMap((p) => [message(p.id, 'EMAIL'), message(p.id, 'SMS')]);
  const { outcomes } = await runBatch({ messages });

  expect(outcomes.map((o) => o.idempotencyKey)).toEqual(messages.map(notificationKey));
  expect(outcomes.every((o) => o.status === 'SENT' || o.status === 'DELIVERED')).toBe(true);
  const rows = await database.db.notification.findMany({ where: { idempotencyKey: { in: messages.map(notificationKey) } } });
  expect(rows).toHaveLength(6);
  for (const row of rows) {
    const outcome = outcomes.find((o) => o.idempotencyKey === row.idempotencyKey)!;
    expect(outcome.notificationId).toBe(row.id);
    expect(row.providerMessageId).toBe(outcome.providerMessageId);
    expect(['SENT', 'DELIVERED']).toContain(row.status);
    expect(row.sentAt).not.toBeNull();
  }
  expect(sinks.mail.messages().flatMap((m) => m.to).map(addressOf).sort()).toEqual(people.map((p) => p.email).sort());
  expect(sinks.sms.messages().filter((m) => m.direction === 'outbound-api').map((m) => m.to).sort()).toEqual(people.map((p) => p.phone).sort());
});

test('a retried batch (the next attempt after a crash) sends nothing again', async () => {
  const people = await Promise.all([makePerson(), makePerson()]);
  const messages = people.flatMap((p) => [message(p.id, 'EMAIL', 'incident-retried'), message(p.id, 'SMS', 'incident-retried')]);
  await runBatch({ messages }, 1, 'batch-retried');
  await sinks.sms.settled();
  const mails = sinks.mail.messages().length;
  const texts = sinks.sms.messages().length;

  const again = await runBatch({ messages }, 2, 'batch-retried');
  expect(again.outcomes.map((o) => o.status).every((s) => s === 'ALREADY_SENT')).toBe(true);
  expect(sinks.mail.messages()).toHaveLength(mails);
  expect(sinks.sms.messages()).toHaveLength(texts);
  expect(await database.db.notification.count({ where: { idempotencyKey: { in: messages.map(notificationKey) } } })).toBe(4);
});

test('a refused number is UNDELIVERABLE (recorded and audited), a missing person and a relay hiccup are handed back to be sent alone', async () => {
  const refused = await makePerson('+15550001234');
  const fine = await makePerson();
  const messages = [message(refused.id, 'SMS', 'incident-mixed'), message('no-such-person', 'EMAIL', 'incident-mixed'), message(fine.id, 'EMAIL', 'incident-mixed')];
  sinks.mail.refuse(451);
  const { outcomes } = await runBatch({ messages }, 1, 'batch-mixed');

  expect(outcomes[0]).toMatchObject({ status: 'UNDELIVERABLE', idempotencyKey: notificationKey(messages[0]) });
  const refusedRow = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(messages[0]) } });
  expect(refusedRow.status).toBe('UNDELIVERABLE');
  expect(outcomes[0].notificationId).toBe(refusedRow.id);
  expect(await database.db.auditEvent.count({ where: { action: 'notification.undeliverable', entityId: refusedRow.id } })).toBe(1);

  expect(outcomes[1]).toMatchObject({ status: 'SEND_ALONE', notificationId: null });
  expect(outcomes[1].status === 'SEND_ALONE' && outcomes[1].reason).toMatch(/personId/);

  expect(outcomes[2]).toMatchObject({ status: 'SEND_ALONE' });
  const pending = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(messages[2]) } });
  expect(pending.status).toBe('PENDING');
  expect(pending.lastError).toMatch(/451/);

  // Sent alone (as the workflow then does), the same row goes out once the relay recovers.
  sinks.mail.refuse(null);
  const alone = await acts.sendNotification(messages[2]);
  expect(alone.notificationId).toBe(pending.id);
  expect(alone.status).toBe('SENT');
  expect(sinks.mail.messages().filter((m) => m.to.map(addressOf).includes(fine.email))).toHaveLength(1);
});

test('a message given twice in one batch is sent once', async () => {
  const person = await makePerson();
  const twice = message(person.id, 'EMAIL', 'incident-twice');
  const { outcomes } = await runBatch({ messages: [twice, twice] }, 1, 'batch-twice');
  expect(outcomes[0].status).toBe('SENT');
  expect(outcomes[1].notificationId === outcomes[0].notificationId || outcomes[1].status === 'SEND_ALONE').toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  expect(sinks.mail.messages().filter((m) => m.to.map(addressOf).includes(person.email))).toHaveLength(1);
});
