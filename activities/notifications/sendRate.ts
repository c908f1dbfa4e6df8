// A worker-side limit on how fast one sender (a Twilio From number) sends.
// Never more than the configured number of sends in any one-second window;
// a 429 halves the allowance and successes win it back, so a provider that
// asks us to slow down gets fewer requests, not the same number retried.

/** One second, plus room for the time a request takes to reach the provider, so the provider never counts more in its own second. */
const WINDOW_MS = 1_100;

export interface SendRateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: SendRateClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class AdaptiveSendRate {
  private readonly recent: number[] = [];
  private allowance: number;

  constructor(
    readonly maxPerSecond: number,
    private readonly clock: SendRateClock = realClock,
  ) {
    if (!(maxPerSecond >= 1)) throw new Error('maxPerSecond must be at least 1');
    this.allowance = maxPerSecond;
  }

  /** Sends allowed per second now (at most maxPerSecond). */
  get currentPerSecond(): number {
    return Math.floor(this.allowance);
  }

  /** Resolves when one more send fits in the last second's allowance, and counts it. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.recent.length > 0 && this.recent[0] <= now - WINDOW_MS) this.recent.shift();
      const allowed = this.currentPerSecond;
      if (this.recent.length < allowed) {
        this.recent.push(now);
        return;
      }
      // The send that must leave the window before one more fits.
      const blocking = this.recent[this.recent.length - allowed];
      await this.clock.sleep(Math.max(1, blocking + WINDOW_MS - now));
    }
  }

  /** The provider said "too many requests". */
  throttled(): void {
    this.allowance = Math.max(1, this.allowance / 2);
  }

  /** The provider accepted a send. */
  succeeded(): void {
    this.allowance = Math.min(this.maxPerSecond, this.allowance + 0.5);
  }
}

/** One AdaptiveSendRate per sender, created on first use. */
export class SendRates {
  private readonly bySender = new Map<string, AdaptiveSendRate>();

  constructor(
    private readonly maxPerSecond: number,
    private readonly clock?: SendRateClock,
  ) {}

  for(sender: string): AdaptiveSendRate {
    let rate = this.bySender.get(sender);
    if (!rate) {
      rate = new AdaptiveSendRate(this.maxPerSecond, this.clock);
      this.bySender.set(sender, rate);
    }
    return rate;
  }
}
