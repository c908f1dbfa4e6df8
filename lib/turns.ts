// Lets a flood of cheap work wait its turn behind the work that matters.
// Node runs every ready I/O callback of a loop turn before the next turn; if
// hundreds of public reads are ready, a staff action's next step waits behind
// all of them, and a closed loop of readers keeps the process busy. A caller
// that awaits its turn here starts at most one per loop turn (setImmediate
// runs after the turn's I/O) and at most `perSecond` a second, so the work it
// guards can use only that share of the process; waiting callers are served
// in order, not refused, until `maxWaiting` are already waiting.

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
    if (queue.length > 0 && tokens >= 1) {
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
