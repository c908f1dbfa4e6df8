// Lets a flood of cheap work wait its turn behind the work that matters.
// Node runs every ready I/O callback of a loop turn before the next turn; if
// hundreds of public reads are ready, a staff action's next step waits behind
// all of them, and a closed loop of readers keeps the process busy. Callers
// that await their turn here start at most TURNS_PER_LOOP per loop turn
// (setImmediate runs after the turn's I/O) and at most `perSecond` a second,
// so the work they guard can use only that share of the process, and other
// work waits behind a few of them at most; waiting callers are served in
// order, not refused, until `maxWaiting` are already waiting.

export class TurnQueueFull extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} requests are already waiting their turn`);
    this.name = 'TurnQueueFull';
  }
}

export interface TurnQueue {
  /** Resolves when it is this caller's turn; throws TurnQueueFull when too many already wait. */
  wait(): Promise<void>;
  /** Callers waiting now. */
  readonly waiting: number;
}

/**
 * Callers started per loop turn at most. A public read served from the cache
 * takes a few hundredths of a millisecond, so a staff request's next step
 * waits behind well under a millisecond of them; one per turn capped the
 * reads at the loop's turn rate, far below what the cache can serve.
 */
export const TURNS_PER_LOOP = 8;

export function turnQueue({ perSecond, maxWaiting }: { perSecond: number; maxWaiting: number }): TurnQueue {
  const queue: (() => void)[] = [];
  // A short burst is let through at once; beyond it, turns are spaced evenly.
  const burst = Math.max(1, Math.round(perSecond / 20));
  let tokens = burst;
  let refilledAt = performance.now();
  let scheduled = false;

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) * perSecond) / 1000);
    refilledAt = now;
  };

  const schedule = () => {
    scheduled = true;
    if (tokens >= 1) setImmediate(release);
    else setTimeout(release, Math.ceil(((1 - tokens) * 1000) / perSecond));
  };

  function release(): void {
    scheduled = false;
    refill();
    for (let started = 0; started < TURNS_PER_LOOP && queue.length > 0 && tokens >= 1; started++) {
      tokens -= 1;
      queue.shift()!();
    }
    if (queue.length > 0) schedule();
  }

  return {
    wait: () => {
      if (queue.length >= maxWaiting) return Promise.reject(new TurnQueueFull(queue.length));
      return new Promise<void>((resolve) => {
        queue.push(resolve);
        if (!scheduled) schedule();
      });
    },
    get waiting() {
      return queue.length;
    },
  };
}

/** Resolves on a later turn of the event loop, after the I/O callbacks and timers that are due. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `start(item)` for every item, `perTurn` of them in each loop turn, and all
 * their results. For work that is quick per item but long for a batch
 * (rendering and handing a hundred emails to the transport): in one turn it
 * held timers up for tens of milliseconds, and a text whose send slot fell in
 * that time lost the slot (activities/notifications/sharedSendSlots.ts).
 */
export async function startInTurns<T, R>(items: readonly T[], perTurn: number, start: (item: T, index: number) => R | Promise<R>): Promise<Awaited<R>[]> {
  const started: Promise<Awaited<R>>[] = [];
  for (const [index, item] of items.entries()) {
    if (index > 0 && index % perTurn === 0) await nextTurn();
    const result = Promise.resolve().then(() => start(item, index)) as Promise<Awaited<R>>;
    // Handled by the Promise.all below; marked now so a failure while later items wait their turn is not reported as unhandled.
    result.catch(() => undefined);
    started.push(result);
  }
  return Promise.all(started);
}
