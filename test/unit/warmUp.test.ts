// The worker's start-up warm-up (activities/warmUp.ts) against stand-ins that
// record what it touched: the pool opened to its size, the first queries, the
// declaration's templates in every language, and Twilio's REST resources
// loaded, the mail relay asked once, a declaration rehearsed (nothing sent, nothing kept).
import { createWarmUpActivities } from '../../activities/warmUp';
import type { Db } from '../../lib/db';
import { languages } from '../../lib/i18n';
import { createTestConfig } from '../harness/config';

test('opens the pool, compiles the first queries, renders the templates and loads the Twilio resources, sending nothing', async () => {
  const config = createTestConfig({ DATABASE_POOL_SIZE: 3 });
  const calls: string[] = [];
  const db = {
    $queryRaw: async () => calls.push('SELECT 1'),
    person: { findMany: async () => (calls.push('person.findMany'), []) },
    notification: { findUnique: async () => (calls.push('notification.findUnique'), null) },
    // The rehearsal itself runs on a real database (test/integration/declarationRehearsal.test.ts); here it fails.
    $transaction: async () => {
      calls.push('rehearsal');
      throw new Error('no database in this test');
    },
  } as unknown as Db;
  const touched: string[] = [];
  const sms = {
    get messages() {
      touched.push('messages');
      return { create: () => Promise.reject(new Error('the warm-up must not send')) };
    },
    get calls() {
      touched.push('calls');
      return { create: () => Promise.reject(new Error('the warm-up must not call')) };
    },
  } as never;
  const verified: string[] = [];
  const mailer = { verify: async () => (verified.push('verify'), true as const) };
  const smsRates = { warmUp: async () => (calls.push('sms clock'), 'measured' as const) };
  const result = await createWarmUpActivities({ db, config, sms, mailer, smsRates }).warmUp();
  expect(calls.filter((c) => c === 'SELECT 1')).toHaveLength(3);
  expect(calls).toContain('person.findMany');
  expect(calls).toContain('notification.findUnique');
  expect(calls).toContain('rehearsal');
  expect(calls).toContain('sms clock');
  expect(touched.sort()).toEqual(['calls', 'messages']);
  // A rehearsal that fails is reported, and the rest of the warm-up stands.
  expect(result).toMatchObject({ connections: 3, rendered: 2 * languages().length, relay: 'answered', smsClock: 'measured', rehearsalFailed: 'no database in this test' });
  expect(verified).toEqual(['verify']);
});

test('a mail relay that does not answer is reported after two seconds, not waited for', async () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  try {
    const db = { $queryRaw: async () => 1, person: { findMany: async () => [] }, notification: { findUnique: async () => null }, $transaction: async () => undefined } as unknown as Db;
    const silentRelay = { verify: () => new Promise<true>(() => undefined) };
    let report: { relay?: string } | undefined;
    const warming = createWarmUpActivities({ db, config: createTestConfig({ DATABASE_POOL_SIZE: 1 }), mailer: silentRelay })
      .warmUp()
      .then((r) => (report = r));
    await jest.advanceTimersByTimeAsync(1_999);
    expect(report).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await warming;
    expect(report).toMatchObject({ relay: 'no answer' });
  } finally {
    jest.useRealTimers();
  }
});
