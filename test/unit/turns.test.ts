// lib/turns.ts: public reads wait their turn, in order, at a bounded rate,
// and are refused only when the backlog is full; a batch's work is started a
// slice per turn.
import { TURNS_PER_LOOP, TurnQueueFull, startInTurns, turnQueue } from '../../lib/turns';

describe('turn queue', () => {
  it('serves waiters in order, a few per event-loop turn, letting other work run between them', async () => {
    const queue = turnQueue({ perSecond: 100_000, maxWaiting: 100 });
    const order: string[] = [];
    const reads = Array.from({ length: 3 * TURNS_PER_LOOP }, (_, i) => i + 1);
    const waiters = reads.map((n) => queue.wait().then(() => order.push(`read ${n}`)));
    // Work that arrives meanwhile (a staff request's next step) waits behind one turn's reads, not all of them.
    setImmediate(() => order.push('staff'));
    await Promise.all(waiters);
    expect(order.indexOf('staff')).toBe(TURNS_PER_LOOP);
    expect(order.filter((x) => x.startsWith('read'))).toEqual(reads.map((n) => `read ${n}`));
  });

  it('lets through at most about perSecond a second', async () => {
    const queue = turnQueue({ perSecond: 100, maxWaiting: 1000 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 30 }, () => queue.wait()));
    // A burst of 5 at once, then one every 10 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('refuses a caller only when maxWaiting already wait', async () => {
    const queue = turnQueue({ perSecond: 1, maxWaiting: 2 });
    const first = queue.wait();
    const second = queue.wait();
    await expect(queue.wait()).rejects.toBeInstanceOf(TurnQueueFull);
    await first;
    expect(queue.waiting).toBe(1);
    await second;
  });
});

describe('startInTurns', () => {
  it('starts a slice per loop turn, so a timer that falls due meanwhile runs between slices, and gives every result in order', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('timer'));
    const results = await startInTurns([1, 2, 3, 4, 5], 2, (n) => {
      order.push(`item ${n}`);
      return n * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(order).toEqual(['item 1', 'item 2', 'timer', 'item 3', 'item 4', 'item 5']);
  });

  it('an early failure rejects the whole, after every item was started, and is never reported as unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const startedItems: number[] = [];
      const all = startInTurns([1, 2, 3, 4], 1, async (n) => {
        startedItems.push(n);
        if (n === 1) throw new Error('first failed');
        return n;
      });
      await expect(all).rejects.toThrow('first failed');
      expect(startedItems).toEqual([1, 2, 3, 4]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
