// The pieces that keep retries honest: the per-sender send rate, which
// provider refusals are final, which database errors are, heartbeats while an
// attempt runs, and whose lease a retry may take over.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { activityLoggingAndRateLimitInterceptor } from '../../activities/interceptors';
import { classifySmtpError, classifyTwilioError } from '../../activities/notifications/classify';
import { ProviderRateLimitError } from '../../activities/notifications/errors';
import { LEASE_MS, leaseDecision, leaseFor, UNCONFIRMED } from '../../activities/notifications/lease';
import { AdaptiveSendRate, SendRates } from '../../activities/notifications/sendRate';
import { SharedSendSlots, type SendSlotStore } from '../../activities/notifications/sharedSendSlots';
import { FailureType } from '../../domain/failures';
import { ACTIVITY_HEARTBEAT_TIMEOUT, INCIDENT_ACTIVITY_OPTIONS, NOTIFICATION_ACTIVITY_OPTIONS, PLAN_ACTIVITY_OPTIONS } from '../../domain/retry';
import { permanentDatabaseFault } from '../../lib/dbErrors';

/** A clock that moves only when told to, running the timers that fall due. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    schedule: (fn: () => void, ms: number) => {
      timers.push({ at: now + ms, fn });
    },
    /** Runs timers until none are left (or `until` is reached), letting promise callbacks run in between. */
    async run(until = Number.POSITIVE_INFINITY) {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) return;
        timers.shift();
        now = Math.max(now, next.at);
        next.fn();
      }
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('AdaptiveSendRate', () => {
  test('paces queued sends evenly: never more than the allowance in any 1.1-second window, and no burst within one', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveSendRate(5, clock);
    const starts: number[] = [];
    const all = Promise.all(Array.from({ length: 40 }, () => rate.acquire().then(() => starts.push(clock.now()))));
    await clock.run();
    await all;
    const busiest = Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + 1_100).length));
    expect(busiest).toBe(5);
    expect(Math.min(...starts.slice(1).map((t, i) => t - starts[i]))).toBeGreaterThanOrEqual(219);
  });

  test('a late timer does not release a bunch: the window counts actual release times', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveSendRate(5, clock);
    const starts: number[] = [];
    const all = Promise.all(Array.from({ length: 12 }, () => rate.acquire().then(() => starts.push(clock.now()))));
    await clock.run(1);
    clock.advance(3_000); // the event loop was busy for three seconds
    await clock.run();
    await all;
    const busiest = Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + 1_100).length));
    expect(busiest).toBeLessThanOrEqual(5);
  });

  test('a 429 halves the allowance (never below 1) and holds the queue for its Retry-After; successes win it back', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveSendRate(8, clock);
    rate.throttled(3_000);
    expect(rate.currentPerSecond).toBe(4);
    const sent = rate.acquire();
    await clock.run();
    await sent;
    expect(clock.now()).toBe(3_000);
    for (let i = 0; i < 5; i += 1) rate.throttled();
    expect(rate.currentPerSecond).toBe(1);
    for (let i = 0; i < 100; i += 1) rate.succeeded();
    expect(rate.currentPerSecond).toBe(8);
  });

  test('a send that would wait longer than its caller can is refused with the expected wait', async () => {
    const clock = fakeClock();
    const rate = new AdaptiveSendRate(1, clock);
    rate.throttled(20_000);
    await expect(rate.acquire(10_000)).rejects.toMatchObject({ name: 'SendRateWait', retryAfterMs: 20_000 });
    const later = rate.acquire(30_000);
    await clock.run();
    await later;
    expect(clock.now()).toBe(20_000);
  });
});

/** The slot table's rule (sharedSendSlots.ts's SQL) on a fake clock, `skewMs` ahead of the workers': a block starts where the last one ended, or now. */
function memorySlotStore(clock: { now(): number; schedule?(fn: () => void, ms: number): void }, skewMs = 0, answerMs = 0): SendSlotStore & { reservations: number } {
  let nextFree = 0;
  // The statement runs halfway through the exchange, as the database sees it.
  const halfway = () => (answerMs > 0 ? new Promise<void>((resolve) => clock.schedule!(resolve, answerMs / 2)) : Promise.resolve());
  return {
    reservations: 0,
    async reserve(_sender, count, intervalMs) {
      this.reservations += 1;
      await halfway();
      const storeNow = clock.now() + skewMs;
      const firstAt = Math.max(nextFree, storeNow);
      nextFree = firstAt + count * intervalMs;
      await halfway();
      return { firstAt, storeNow };
    },
    async now() {
      await halfway();
      const storeNow = clock.now() + skewMs;
      await halfway();
      return storeNow;
    },
  };
}

/** When each of `perWorker` texts per worker was let go, in the order they went, once the fake clock has run them all. */
async function sendTimes(clock: ReturnType<typeof fakeClock>, workers: SendRates[], perWorker: number): Promise<number[]> {
  const starts: number[] = [];
  const all = Promise.all(workers.flatMap((rates) => Array.from({ length: perWorker }, () => rates.for('+13145550100').acquire().then(() => starts.push(clock.now())))));
  await clock.run();
  await all;
  return starts;
}

/** The most sends in any window of `windowMs` (a hair under 1.1 s by default: slots 1,100/30 ms apart span 1.1 s give or take floating point). */
const busiest = (starts: number[], windowMs = 1_100 - 0.01) => Math.max(...starts.map((t) => starts.filter((s) => s >= t && s < t + windowMs).length));

describe('SharedSendSlots', () => {
  test('two workers at the full rate each send, together, no more than the rate in any 1.1-second window', async () => {
    const clock = fakeClock();
    // The database's clock is an hour ahead of the workers': slots are still read in the workers' time.
    const store = memorySlotStore(clock, 3_600_000);
    const starts = await sendTimes(clock, [0, 1].map(() => new SendRates(5, clock, new SharedSendSlots(store, clock))), 20);
    expect(starts).toHaveLength(40);
    expect(busiest(starts, 1_100)).toBeLessThanOrEqual(5);
    // Blocks of half a second's slots (two at this rate): a few reservations a second, not one per
    // text; 20 blocks for 40 texts, and each worker asks for one more ahead as its texts run out.
    expect(store.reservations).toBeLessThanOrEqual(22);
  });

  test('without shared slots the same two workers send twice the rate (what a carrier answers with 429s)', async () => {
    const clock = fakeClock();
    const starts = await sendTimes(clock, [0, 1].map(() => new SendRates(5, clock)), 20);
    expect(busiest(starts, 1_100)).toBe(10);
  });

  test('a database slower to answer than a slot may be late loses no slot between blocks: the next block is asked for ahead', async () => {
    const clock = fakeClock();
    // 30 texts a 1.1 s: slots 36.7 ms apart. Each exchange takes 120 ms, so a block asked for when
    // the last slot was gone had its first slots late on arrival, and lost them, in every block.
    const store = memorySlotStore(clock, 0, 120);
    const starts = await sendTimes(clock, [new SendRates(30, clock, new SharedSendSlots(store, clock))], 300);
    const interval = 1_100 / 30;
    // The first block waits for the clocks to be measured (its first slots pass meanwhile); from the
    // second block on, one slot after another, none lost where one block meets the next.
    const firstBlock = Math.floor(500 / interval);
    const gaps = starts.slice(firstBlock + 1).map((t, i) => t - starts[firstBlock + i]);
    expect(gaps).toHaveLength(300 - firstBlock - 1);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(interval + 0.01);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - 0.01);
    expect(busiest(starts)).toBeLessThanOrEqual(30);
  });

  test('with its clock measured at start-up, a worker sends its first text one exchange after asking, with no measuring in front of it', async () => {
    /** Sends one text on a fresh worker whose database answers in 30 ms (too slow to trust for the clock); ms from asking, and clock readings asked for meanwhile. */
    async function firstText(measuredAtStartUp: boolean): Promise<{ ms: number; clockReadings: number }> {
      const clock = fakeClock();
      const store = memorySlotStore(clock, 0, 30);
      let clockReadings = 0;
      const counted = { ...store, reserve: store.reserve.bind(store), now: () => ((clockReadings += 1), store.now()) };
      const rates = new SendRates(30, clock, new SharedSendSlots(counted, clock));
      if (measuredAtStartUp) {
        const warming = rates.warmUp();
        await clock.run();
        expect(await warming).toBe('measured');
      }
      clockReadings = 0;
      const asked = clock.now();
      const sentAt = rates.for('+13145550100').acquire().then(() => clock.now());
      await clock.run();
      return { ms: (await sentAt) - asked, clockReadings };
    }
    const cold = await firstText(false);
    const warm = await firstText(true);
    // Cold, the first slot waits for three more exchanges (the clock) and its time has passed: the text goes later.
    expect(cold.clockReadings).toBe(3);
    expect(cold.ms).toBeGreaterThan(90);
    // Warm, the slot is placed with the start-up measure at once (any re-measuring goes on beside it).
    expect(warm.ms).toBeLessThanOrEqual(30);
  });

  test('without shared slots there is no clock to measure', async () => {
    expect(await new SendRates(30, fakeClock()).warmUp()).toBe('not shared');
  });

  test('timers that fire late, though within a slot\'s tolerance, lose no slot: the slots pace the sends, not a second clock here', async () => {
    const clock = fakeClock();
    // Every timer fires 15 ms late, as on a busy worker.
    const lateClock = { ...clock, schedule: (fn: () => void, ms: number) => clock.schedule(fn, ms + 15) };
    const store = memorySlotStore(clock);
    const starts = await sendTimes(clock, [new SendRates(30, lateClock, new SharedSendSlots(store, lateClock))], 100);
    const interval = 1_100 / 30;
    // One slot after another, each send at most the timer's 15 ms after its slot. Paced here too,
    // each send was released 15 ms after the last one's late timer, fell behind the slots, and
    // lost one now and then (gaps of more than two intervals).
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(interval + 15 + 0.01);
    expect(busiest(starts)).toBeLessThanOrEqual(30);
  });

  test('a slot too far off is refused without being taken, and a slot whose time has passed is never used', async () => {
    const clock = fakeClock();
    const store = memorySlotStore(clock);
    const other = new SharedSendSlots(store, clock);
    const slots = new SharedSendSlots(store, clock);
    // Another worker holds the next half second of the sender's time.
    await other.take('+1', 100, 0);
    await expect(slots.take('+1', 100, 10)).rejects.toMatchObject({ name: 'SharedSlotWait', retryAfterMs: 500 });
    const taken = slots.take('+1', 100, 1_000);
    await clock.run();
    await taken;
    expect(clock.now()).toBe(500);
    // The next reserved slot (600) is long past by 5,000: a new block is reserved from now instead.
    clock.advance(4_500);
    const reservations = store.reservations;
    const late = slots.take('+1', 100, 1_000);
    await clock.run();
    await late;
    expect(store.reservations).toBe(reservations + 1);
    expect(clock.now()).toBe(5_000);
  });
});

describe('provider refusals', () => {
  test('SMTP: 5xx at RCPT TO refuses the recipient; any other 5xx refuses the message; 4xx and network errors are retried', () => {
    expect(classifySmtpError({ responseCode: 550, command: 'RCPT TO', message: 'no such user' }).kind).toBe('undeliverable');
    expect(classifySmtpError({ responseCode: 552, command: 'DATA', message: 'too big' }).kind).toBe('rejected');
    expect(classifySmtpError({ responseCode: 554, command: 'MAIL FROM', message: 'transaction failed' }).kind).toBe('rejected');
    expect(classifySmtpError({ responseCode: 451, command: 'MAIL FROM', message: 'try later' })).toMatchObject({ kind: 'transient', unconfirmed: false });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'timeout' })).toMatchObject({ kind: 'transient', unconfirmed: true });
  });

  test('Twilio: 429 slows down; refused numbers and other 4xx are final; 5xx and lost answers are retried but unconfirmed', () => {
    expect(classifyTwilioError(new ProviderRateLimitError('twilio', 1000)).kind).toBe('rate-limited');
    expect(classifyTwilioError({ status: 400, code: 21211, message: 'invalid To' }).kind).toBe('undeliverable');
    expect(classifyTwilioError({ status: 400, code: 21617, message: 'body too long' }).kind).toBe('rejected');
    expect(classifyTwilioError({ status: 500, code: 20500, message: 'oops' })).toMatchObject({ kind: 'transient', unconfirmed: true });
    expect(classifyTwilioError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ kind: 'transient', unconfirmed: false });
    expect(classifyTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ kind: 'transient', unconfirmed: true });
  });
});

describe('database errors no retry can fix', () => {
  test('value errors are permanent; connection, timeout and conflict errors are not', () => {
    expect(permanentDatabaseFault({ code: 'P2000', clientVersion: '6', message: 'value too long' })).toMatch(/^P2000/);
    expect(permanentDatabaseFault({ name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '22021', originalMessage: 'invalid byte sequence' } })).toMatch(/22021/);
    expect(permanentDatabaseFault({ code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '22P05' } } }, message: 'raw' })).toMatch(/22P05/);
    for (const transient of [
      { code: 'P1001', message: "can't reach database server" },
      { code: 'P2028', message: 'transaction API error' },
      { code: 'P2034', message: 'write conflict' },
      { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '40001' } },
      new Error('boom'),
    ]) {
      expect(permanentDatabaseFault(transient)).toBeNull();
    }
  });

  test('the activity interceptor ends the retries of an activity the database refuses for good', async () => {
    const env = new MockActivityEnvironment({ activityType: 'recordStatementDraft' }, {
      interceptors: [activityLoggingAndRateLimitInterceptor({ write: () => undefined })],
      logger: new DefaultLogger('ERROR'),
    });
    const failure = await env
      .run(async () => {
        throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '22021' } });
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.PermanentDatabaseError, nonRetryable: true });
  });
});

describe('heartbeats', () => {
  test('incident, notification and plan item activities are scheduled with a short heartbeat timeout', () => {
    expect(ACTIVITY_HEARTBEAT_TIMEOUT).toBe('10s');
    for (const options of [NOTIFICATION_ACTIVITY_OPTIONS, INCIDENT_ACTIVITY_OPTIONS, PLAN_ACTIVITY_OPTIONS]) {
      expect(options.heartbeatTimeout).toBe(ACTIVITY_HEARTBEAT_TIMEOUT);
    }
  });

  test('an attempt heart-beats while it runs, and not at all when it is quick', async () => {
    const beats: unknown[] = [];
    const env = new MockActivityEnvironment({ activityType: 'sendNotification', heartbeatTimeoutMs: 600 }, {
      interceptors: [activityLoggingAndRateLimitInterceptor({ write: () => undefined })],
      logger: new DefaultLogger('ERROR'),
    });
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(async () => undefined);
    expect(beats).toHaveLength(0);
    await env.run(() => new Promise((resolve) => setTimeout(resolve, 1_100)));
    expect(beats.length).toBeGreaterThanOrEqual(2);
  });
});

describe('lease take-over', () => {
  const me = { activity: 'run-1/7', attempt: 3 };
  const fresh = new Date();
  test('a later attempt of the same activity takes over at once; another activity waits for the lease to expire', () => {
    expect(leaseDecision({ providerStatus: leaseFor({ activity: 'run-1/7', attempt: 2 }), updatedAt: fresh }, me, Date.now())).toEqual({ claim: true, interrupted: true });
    expect(leaseDecision({ providerStatus: leaseFor({ activity: 'run-1/8', attempt: 1 }), updatedAt: fresh }, me, Date.now())).toEqual({ claim: false });
    expect(leaseDecision({ providerStatus: 'in-flight', updatedAt: fresh }, me, Date.now())).toEqual({ claim: false });
    const old = new Date(Date.now() - LEASE_MS - 1);
    expect(leaseDecision({ providerStatus: leaseFor({ activity: 'run-1/8', attempt: 1 }), updatedAt: old }, me, Date.now())).toEqual({ claim: true, interrupted: true });
  });

  test('no lease: claim; after an unconfirmed call the claim says the provider must be asked first', () => {
    expect(leaseDecision({ providerStatus: null, updatedAt: fresh }, me, Date.now())).toEqual({ claim: true, interrupted: false });
    expect(leaseDecision({ providerStatus: UNCONFIRMED, updatedAt: fresh }, me, Date.now())).toEqual({ claim: true, interrupted: true });
  });
});
