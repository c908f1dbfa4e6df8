// A worker-side limit on how fast one sender (a Twilio From number) sends.
// Waiting sends queue in order and are released one at a time: evenly paced
// (one every 1.1 s / allowance) and never more than the allowance within any
// 1.1 s of actual release times, so a late timer (a busy event loop) cannot
// let a bunch through at once. A 429 halves the allowance and holds the queue
// for its Retry-After; successes win the allowance back. A send that would
// wait longer than its caller can is refused with the expected wait, so the
// activity retries later instead of sitting on a worker slot.
// With shared slots (sharedSendSlots.ts) the slots do the pacing: a few
// queued sends at a time wait for their slots in the sender's timeline across
// every worker, and this queue keeps their order, the deadlines and a 429's
// hold (the halved allowance widens the slots asked for next).
import { SharedSlotWait, type SharedSendSlots } from './sharedSendSlots';

/** One second, plus room for the time a request takes to reach the provider, so the provider never counts more in its own second. */
const WINDOW_MS = 1_100;

/**
 * With shared slots, how many of a sender's sends wait for their slots at
 * once: enough that the next slot always has a send waiting for it, few
 * enough that one worker does not reserve far ahead of the others.
 */
const SENDS_AHEAD_OF_SHARED_SLOTS = 4;

export interface SendRateClock {
  now(): number;
  schedule(fn: () => void, ms: number): void;
}

export const realClock: SendRateClock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    setTimeout(fn, ms);
  },
};

/** No send slot within the wait the caller allows; try again after `retryAfterMs`. */
export class SendRateWait extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`this sender's send rate is taken for the next ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'SendRateWait';
  }
}

interface Waiter {
  deadline: number;
  resolve(): void;
  reject(err: Error): void;
}

export class AdaptiveSendRate {
  private allowance: number;
  private nextAt = 0;
  private readonly released: number[] = [];
  private readonly queue: Waiter[] = [];
  private timerArmed = false;
  /** Sends released here and now waiting for (or just given) their shared slot. */
  private takingSharedSlots = 0;

  constructor(
    readonly maxPerSecond: number,
    private readonly clock: SendRateClock = realClock,
    private readonly shared?: { slots: SharedSendSlots; sender: string },
  ) {
    if (!(maxPerSecond >= 1)) throw new Error('maxPerSecond must be at least 1');
    this.allowance = maxPerSecond;
  }

  /** Sends allowed per second now (at most maxPerSecond). */
  get currentPerSecond(): number {
    return Math.floor(this.allowance);
  }

  private get intervalMs(): number {
    return WINDOW_MS / this.currentPerSecond;
  }

  /** Resolves when this send may go; rejects with SendRateWait when that would be more than `maxWaitMs` from now. */
  async acquire(maxWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
    const started = this.clock.now();
    await this.acquireHere(maxWaitMs);
    if (!this.shared) return;
    try {
      await this.shared.slots.take(this.shared.sender, this.intervalMs, Math.max(0, maxWaitMs - (this.clock.now() - started)));
    } catch (err) {
      if (err instanceof SharedSlotWait) throw new SendRateWait(err.retryAfterMs);
      throw err;
    } finally {
      this.takingSharedSlots -= 1;
      this.release();
    }
  }

  /** This worker's own pacing. */
  private acquireHere(maxWaitMs: number): Promise<void> {
    const now = this.clock.now();
    const expected = Math.max(0, this.nextAt - now) + this.queue.length * this.intervalMs;
    if (expected > maxWaitMs) return Promise.reject(new SendRateWait(expected));
    return new Promise((resolve, reject) => {
      this.queue.push({ deadline: now + maxWaitMs, resolve, reject });
      this.release();
    });
  }

  /** The provider said "too many requests" (and when to come back). */
  throttled(retryAfterMs = 0): void {
    this.allowance = Math.max(1, this.allowance / 2);
    this.nextAt = Math.max(this.nextAt, this.clock.now() + retryAfterMs);
  }

  /** The provider accepted a send. */
  succeeded(): void {
    this.allowance = Math.min(this.maxPerSecond, this.allowance + 0.5);
  }

  private release(): void {
    if (this.timerArmed) return;
    for (;;) {
      const now = this.clock.now();
      while (this.released.length > 0 && this.released[0] <= now - WINDOW_MS) this.released.shift();
      const head = this.queue[0];
      if (!head) return;
      if (head.deadline < now) {
        this.queue.shift();
        head.reject(new SendRateWait(Math.max(0, this.nextAt - now) + this.queue.length * this.intervalMs));
        continue;
      }
      // With shared slots the slots space the sends; pacing here as well ran a second clock beside
      // theirs, and each late timer here made a send miss its slot (lost, as slots are never used late).
      if (this.shared && this.takingSharedSlots >= SENDS_AHEAD_OF_SHARED_SLOTS) return;
      const allowed = this.currentPerSecond;
      const windowWait = this.shared || this.released.length < allowed ? 0 : this.released[this.released.length - allowed] + WINDOW_MS - now;
      const wait = Math.max(windowWait, this.nextAt - now);
      if (wait > 0) {
        this.timerArmed = true;
        this.clock.schedule(() => {
          this.timerArmed = false;
          this.release();
        }, wait);
        return;
      }
      this.queue.shift();
      if (this.shared) {
        this.takingSharedSlots += 1;
      } else {
        this.released.push(now);
        this.nextAt = now + this.intervalMs;
      }
      head.resolve();
    }
  }
}

/** One AdaptiveSendRate per sender, created on first use; with `shared`, every worker's sends of a sender share its rate. */
export class SendRates {
  private readonly bySender = new Map<string, AdaptiveSendRate>();

  constructor(
    private readonly maxPerSecond: number,
    private readonly clock: SendRateClock = realClock,
    private readonly shared?: SharedSendSlots,
  ) {}

  /** At start-up: the shared slots' clock measured, so the first text waits for no measuring. */
  async warmUp(): Promise<'measured' | 'not shared'> {
    if (!this.shared) return 'not shared';
    await this.shared.measureClock();
    return 'measured';
  }

  for(sender: string): AdaptiveSendRate {
    let rate = this.bySender.get(sender);
    if (!rate) {
      rate = new AdaptiveSendRate(this.maxPerSecond, this.clock, this.shared ? { slots: this.shared, sender } : undefined);
      this.bySender.set(sender, rate);
    }
    return rate;
  }
}
