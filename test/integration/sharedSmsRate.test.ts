// Two workers texting from one number keep, together, to that number's rate:
// each reserves its send slots in PostgreSQL (sms_send_slots), and the
// Twilio-shaped sink, enforcing the rate as a carrier does (429 past it in any
// second), refuses none of their texts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createMailer, createNotificationActivities, createSmsClient, createSmsRates } from '../../activities/notifications';
import type { NotificationActivities, OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import type { Config } from '../../lib/config';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { startSinks, type TestSinks } from '../harness/sinks';

const RATE = 4;
const TEXTS_PER_WORKER = 8;

let database: TestDatabase;
let sinks: TestSinks;
let callbacks: http.Server;
let config: Config;

beforeAll(async () => {
  database = await createTestDatabase();
  // The sink's status callbacks land here and are dropped: they are not what this test is about.
  callbacks = http.createServer((_req, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}`;
  sinks = await startSinks({ publicBaseUrl: url, smsMaxPerSecondPerSender: RATE });
  config = createTestConfig({ ...sinks.config, PUBLIC_BASE_URL: url, SMS_SENDS_PER_SECOND: RATE });
});

afterAll(async () => {
  await sinks?.close();
  await new Promise((resolve) => callbacks?.close(resolve));
  await database?.drop();
});

/**
 * A worker's notification activities: its own clients and its own rates, the
 * shared database. Its Twilio client has made a request already, as a
 * running worker's has: a cold client's first request is slower by its module
 * loading, which is no rate's doing.
 */
async function worker(shareThroughDatabase: boolean): Promise<NotificationActivities> {
  const sms = createSmsClient(config);
  await sms.messages.list({ limit: 1 });
  return createNotificationActivities({
    db: database.db,
    mailer: createMailer(config),
    sms,
    config,
    smsRates: createSmsRates(config, shareThroughDatabase ? database.db : undefined),
  });
}

let phoneSeq = 0;

async function textEveryone(workers: NotificationActivities[], run: string): Promise<void> {
  const people = await Promise.all(
    Array.from({ length: workers.length * TEXTS_PER_WORKER }, (_, i) =>
      database.db.person.create({
        data: { name: `Rate Official ${run}-${i}`, title: 'Alderman (fictional)', email: `rate.${run}.${i}@example.org`, phone: `+1314557${String(phoneSeq++).padStart(4, '0')}`, roles: ['ALDERMAN'] },
      }),
    ),
  );
  sinks.sms.clear();
  await Promise.all(
    people.map((person, i) => {
      const acts = workers[i % workers.length];
      const message: OutboundMessageV1 = {
        workflowId: `incident-rate-${run}`,
        purpose: 'incident.declared',
        personId: person.id,
        channel: 'SMS',
        attemptGroup: '1',
        template: 'incident.declared',
        data: { incidentNumber: 'CI-2026-0088', title: 'Use of force with serious injury', severity: 1, ackWindowMinutes: 15 },
      };
      const env = new MockActivityEnvironment(
        { attempt: 1, activityId: `text-${i}`, activityType: 'sendNotification', workflowExecution: { workflowId: `incident-rate-${run}`, runId: 'run-1' } },
        { logger: new DefaultLogger('ERROR') },
      );
      // A 429 fails the attempt (the worker would retry it): the count of 429s is what is compared.
      return (env.run(acts.sendNotification, message) as Promise<SendResultV1>).catch(() => undefined);
    }),
  );
}

/** Most texts the sink accepted from one number within any one second. */
const busiestSecond = (times: number[]) => Math.max(...times.map((t) => times.filter((s) => s >= t && s < t + 1_000).length));

test('two workers sharing the slot table: no 429, never more than the rate in any second', async () => {
  await textEveryone([await worker(true), await worker(true)], 'shared');
  const requests = sinks.sms.createRequests();
  expect(requests.filter((r) => r.httpStatus === 429)).toHaveLength(0);
  const accepted = requests.filter((r) => r.httpStatus === 201);
  expect(accepted).toHaveLength(2 * TEXTS_PER_WORKER);
  expect(busiestSecond(accepted.map((r) => r.at))).toBeLessThanOrEqual(RATE);
  const [slot] = await database.db.smsSendSlot.findMany({ where: { sender: config.TWILIO_FROM_NUMBER } });
  expect(slot.nextFreeAt.getTime()).toBeGreaterThan(accepted[0].at);
}, 60_000);

test('the same two workers pacing only themselves send past the rate, and the carrier refuses texts', async () => {
  await textEveryone([await worker(false), await worker(false)], 'apart');
  expect(sinks.sms.createRequests().filter((r) => r.httpStatus === 429).length).toBeGreaterThan(0);
}, 60_000);
