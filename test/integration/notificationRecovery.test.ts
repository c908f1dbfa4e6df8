// How the notification activity recovers from an attempt that died or could
// not see the provider's answer, and when it stops retrying. Real PostgreSQL,
// the real twilio client against the Twilio-shaped sink, pooled SMTP against
// the mail sink; attempts run the way the worker runs them (an activity
// context with its run, activity id and attempt number).
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createNotificationActivities, SendInProgressError, type NotificationDeps } from '../../activities/notifications';
import { ProviderUnavailableError } from '../../activities/notifications/errors';
import { createMailer, createSmsClient, type Mailer, type SmsClient } from '../../activities/notifications/providers';
import type { NotificationActivities, OutboundMessageV1, SendResultV1 } from '../../domain/contracts/notificationActivities';
import { FailureType } from '../../domain/failures';
import { notificationKey } from '../../domain/ids';
import type { Config } from '../../lib/config';
import { notifyPerson } from '../../workflows/lib/notify';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { eventually } from '../harness/eventually';
import { startSinks, type TestSinks } from '../harness/sinks';

let database: TestDatabase;
let sinks: TestSinks;
let config: Config;
let mailer: Mailer;
let sms: SmsClient;
let acts: NotificationActivities;

let seq = 0;
async function makePerson(overrides: { email?: string } = {}) {
  seq += 1;
  return database.db.person.create({
    data: {
      name: `Recovery Official ${seq}`,
      title: 'Alderman (fictional)',
      email: overrides.email ?? `recovery${seq}.${Date.now()}@example.org`,
      phone: `+1314555${String(2000 + seq).padStart(4, '0')}`,
      roles: ['ALDERMAN'],
    },
  });
}

function message(personId: string, overrides: Partial<OutboundMessageV1> = {}): OutboundMessageV1 {
  seq += 1;
  return {
    workflowId: 'incident-CI-2026-0077',
    purpose: `incident.declared.recovery-${seq}`,
    personId,
    channel: 'SMS',
    attemptGroup: '1',
    template: 'incident.declared',
    data: { incidentNumber: 'CI-2026-0077', title: 'Recovery test', severity: 1, ackWindowMinutes: 15 },
    ...overrides,
  };
}

/** One attempt of one activity, as the worker runs it. */
function attempt(activities: NotificationActivities, msg: OutboundMessageV1, activityId: string, n: number): Promise<SendResultV1> {
  const env = new MockActivityEnvironment(
    { attempt: n, activityId, activityType: 'sendNotification', workflowExecution: { workflowId: msg.workflowId, runId: 'run-recovery' } },
    { logger: new DefaultLogger('ERROR') },
  );
  return env.run(activities.sendNotification, msg) as Promise<SendResultV1>;
}

/** The real SMS client, except that create() never answers after Twilio accepted (or before it is called): a worker killed mid-send. */
function dyingSms(stage: 'before-send' | 'after-accept'): NotificationDeps['sms'] {
  return {
    messages: {
      create: (async (params: Parameters<SmsClient['messages']['create']>[0]) => {
        if (stage === 'after-accept') await sms.messages.create(params);
        return new Promise(() => undefined);
      }) as SmsClient['messages']['create'],
      list: sms.messages.list.bind(sms.messages),
    },
  };
}

const outbound = () => sinks.sms.messages().filter((m) => m.direction === 'outbound-api');

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

beforeAll(async () => {
  database = await createTestDatabase();
  sinks = await startSinks({ callbackDelaysMs: [2_000, 2_000] });
  config = createTestConfig({ ...sinks.config });
  mailer = createMailer(config);
  sms = createSmsClient(config);
  acts = createNotificationActivities({ db: database.db, mailer, sms, config });
});

afterEach(async () => {
  sinks.mail.clear();
  sinks.sms.clear();
  sinks.sms.outage(null);
  sinks.mail.refuse(null);
});

afterAll(async () => {
  mailer?.close();
  await sinks?.close();
  await database?.drop();
});

describe('an attempt that died mid-send', () => {
  test('Twilio accepted, the worker died before writing SENT: the next attempt takes over at once, finds the message in Twilio and does not send it again', async () => {
    const person = await makePerson();
    const msg = message(person.id);
    const dying = createNotificationActivities({ db: database.db, mailer, sms: dyingSms('after-accept'), config });
    void attempt(dying, msg, 'activity-7', 1);
    await eventually(async () => outbound().length === 1, 'Twilio to accept the first attempt');

    // The status callbacks are delayed 2 s here, so only the lookup can know it was sent.
    const result = await attempt(acts, msg, 'activity-7', 2);
    expect(result.status).toBe('SENT');
    expect(result.providerMessageId).toBe(outbound()[0].sid);
    expect(outbound()).toHaveLength(1);
    const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(msg) } });
    expect(row).toMatchObject({ status: 'SENT', providerMessageId: outbound()[0].sid, attempts: 2 });
  });

  test('died before Twilio got it: the next attempt sends it, once', async () => {
    const person = await makePerson();
    const msg = message(person.id);
    const dying = createNotificationActivities({ db: database.db, mailer, sms: dyingSms('before-send'), config });
    void attempt(dying, msg, 'activity-8', 1);
    await eventually(() => database.db.notification.findUnique({ where: { idempotencyKey: notificationKey(msg) } }), 'the first attempt to write its row');

    const result = await attempt(acts, msg, 'activity-8', 2);
    expect(result.status).toBe('SENT');
    expect(outbound()).toHaveLength(1);
  });

  test('an attempt of another activity holding the lease still makes this one wait', async () => {
    const person = await makePerson();
    const msg = message(person.id);
    const dying = createNotificationActivities({ db: database.db, mailer, sms: dyingSms('before-send'), config });
    void attempt(dying, msg, 'activity-9', 1);
    await eventually(() => database.db.notification.findUnique({ where: { idempotencyKey: notificationKey(msg) } }), 'the first attempt to write its row');
    await expect(attempt(acts, msg, 'another-activity', 1)).rejects.toBeInstanceOf(SendInProgressError);
    expect(outbound()).toHaveLength(0);
  });

  test('an attempt whose lease was taken over while it was held up does not send as well', async () => {
    const person = await makePerson();
    const msg = message(person.id);
    const dying = createNotificationActivities({ db: database.db, mailer, sms: dyingSms('before-send'), config });
    void attempt(dying, msg, 'activity-11', 1);
    await eventually(() => database.db.notification.findUnique({ where: { idempotencyKey: notificationKey(msg) } }), 'attempt 1 to write its row');

    // Attempt 2 asks Twilio (nothing sent yet), then stalls (a busy process) past its timeout.
    let resume: () => void = () => undefined;
    let stalled = false;
    const stalling: NotificationDeps['sms'] = {
      messages: {
        create: sms.messages.create.bind(sms.messages),
        list: (async (params: Parameters<SmsClient['messages']['list']>[0]) => {
          const listed = await sms.messages.list(params);
          stalled = true;
          await new Promise<void>((resolve) => (resume = resolve));
          return listed;
        }) as SmsClient['messages']['list'],
      },
    };
    const replaced = attempt(createNotificationActivities({ db: database.db, mailer, sms: stalling, config }), msg, 'activity-11', 2);
    await eventually(async () => stalled, 'attempt 2 to stall');
    // Temporal gave attempt 2 up and started attempt 3, which takes the lease over and sends.
    expect((await attempt(acts, msg, 'activity-11', 3)).status).toMatch(/^(SENT|DELIVERED)$/);
    resume();
    await expect(replaced).rejects.toBeInstanceOf(SendInProgressError);
    expect(outbound()).toHaveLength(1);
  });

  test('a send that would wait longer for a slot than its attempt may is retried later, not held', async () => {
    const limited = createNotificationActivities({ db: database.db, mailer, sms, config: { ...config, SMS_SENDS_PER_SECOND: 1 } });
    const people = await Promise.all(Array.from({ length: 12 }, () => makePerson()));
    const started = Date.now();
    const outcomes = await Promise.allSettled(people.map((p, i) => attempt(limited, message(p.id, { purpose: `incident.declared.slot-${i}` }), `slot-${i}`, 1)));
    expect(Date.now() - started).toBeLessThan(15_000);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) expect(r.reason).toMatchObject({ name: 'ProviderRateLimitError', retryAfterMs: expect.any(Number) });
    expect(outbound().length).toBe(12 - refused.length);
  });

  test('Twilio accepted but answered 500: the retry asks Twilio first and does not send it again', async () => {
    const person = await makePerson();
    const msg = message(person.id);
    sinks.sms.failNext(500, 1, { afterAccepting: true });
    await expect(attempt(acts, msg, 'activity-10', 1)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(outbound()).toHaveLength(1);

    const result = await attempt(acts, msg, 'activity-10', 2);
    expect(result.providerMessageId).toBe(outbound()[0].sid);
    expect(outbound()).toHaveLength(1);
  });
});

describe('permanent refusals end the retries', () => {
  test('SMTP 552 at DATA and 554 at MAIL FROM: FAILED in the delivery log, audited, not retried', async () => {
    for (const [code, stage] of [
      [552, 'DATA'],
      [554, 'MAIL FROM'],
    ] as const) {
      const person = await makePerson();
      const msg = message(person.id, { channel: 'EMAIL' });
      sinks.mail.failNext(1, code, stage);
      const failure = await failureOf(attempt(acts, msg, `activity-smtp-${code}`, 1));
      expect(failure.type).toBe(FailureType.UndeliverableRecipient);
      expect(failure.nonRetryable).toBe(true);
      const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(msg) } });
      expect(row.status).toBe('FAILED');
      expect(row.lastError).toContain(String(code));
      expect(await database.db.auditEvent.count({ where: { entityId: row.id, action: 'notification.failed' } })).toBe(1);
      // A repeat of the same key reports the failure again rather than "already sent".
      expect((await failureOf(attempt(acts, msg, `activity-smtp-${code}`, 2))).type).toBe(FailureType.UndeliverableRecipient);
    }
  });

  test('a message no provider took within its delivery window is FAILED, and the workflow helper falls back to the other channel', async () => {
    const person = await makePerson();
    const msg = message(person.id, { channel: 'EMAIL' });
    sinks.mail.refuse(451);
    await expect(attempt(acts, msg, 'activity-window', 1)).rejects.toBeInstanceOf(ProviderUnavailableError);
    // Half an hour of refusals later.
    await database.db.notification.update({ where: { idempotencyKey: notificationKey(msg) }, data: { createdAt: new Date(Date.now() - 31 * 60_000) } });

    const result = await notifyPerson(
      { sendNotification: (m) => attempt(acts, m, m.channel === 'EMAIL' ? 'activity-window' : 'activity-window-fallback', m.channel === 'EMAIL' ? 2 : 1) },
      { ...msg, channels: ['EMAIL'] },
    );
    expect(result.outcomes.map((o) => [o.channel, o.status])).toEqual([
      ['EMAIL', 'UNDELIVERABLE'],
      ['SMS', expect.stringMatching(/^(SENT|DELIVERED)$/)],
    ]);
    const row = await database.db.notification.findUniqueOrThrow({ where: { idempotencyKey: notificationKey(msg) } });
    expect(row.status).toBe('FAILED');
    expect(row.lastError).toMatch(/30-minute delivery window.*451/);
    expect(outbound()).toHaveLength(1);
  });
});

describe('the per-sender SMS rate', () => {
  test('never more sends in any second than configured, and a 429 storm lowers it', async () => {
    const limited = createNotificationActivities({ db: database.db, mailer, sms, config: { ...config, SMS_SENDS_PER_SECOND: 4 } });
    const people = await Promise.all(Array.from({ length: 12 }, () => makePerson()));
    sinks.sms.failNext(429, 3);
    const sendAll = () =>
      Promise.allSettled(people.map((p, i) => attempt(limited, message(p.id, { purpose: `incident.declared.rate-${i}` }), `rate-${i}`, 1)));
    await sendAll();
    const requests = sinks.sms.createRequests();
    expect(requests.length).toBeGreaterThanOrEqual(12);
    const busiestSecond = Math.max(...requests.map((r) => requests.filter((o) => o.at >= r.at && o.at < r.at + 1000).length));
    expect(busiestSecond).toBeLessThanOrEqual(4);
    expect(requests.filter((r) => r.httpStatus === 429)).toHaveLength(3);
  });
});
