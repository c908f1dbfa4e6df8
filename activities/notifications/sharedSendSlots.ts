// A sender's SMS rate kept across every worker, not just within one. A
// carrier counts texts per From number, so two workers each pacing themselves
// at the full rate would together send twice it and meet 429s. Each worker
// reserves its send slots from one row per sender in PostgreSQL: a block of
// consecutive slots, `intervalMs` apart, starting where the last block of any
// worker ended (or now), in one statement. A slot is used at its time or not
// at all: a late one could land next to another worker's slot, whether it was
// late when taken or its timer fired late. Slots a worker
// does not use are lost, which can slow a sender down but never speed it up.
//
// The table's times are the database's clock. A worker maps them to its own
// clock with the offset measured on its quickest recent exchange with the
// database (as NTP does), so neither a clock that disagrees nor a slow answer
// moves its slots; a slot is then used within LATE_TOLERANCE_MS of its time.
import type { Db } from '../../lib/db';
import type { SendRateClock } from './sendRate';

export interface SendSlotStore {
  /** Reserves `count` slots `intervalMs` apart; the first slot's time and the time it was reserved, by the store's clock (epoch ms). */
  reserve(sender: string, count: number, intervalMs: number): Promise<{ firstAt: number; storeNow: number }>;
  /** The store's clock (epoch ms). */
  now(): Promise<number>;
}

/** The slots of every worker, in the `sms_send_slots` table. */
export function databaseSendSlotStore(db: Pick<Db, '$queryRaw'>): SendSlotStore {
  return {
    async reserve(sender, count, intervalMs) {
      const span = count * intervalMs;
      const rows = await db.$queryRaw<{ first_at: number; store_now: number }[]>`
        INSERT INTO "sms_send_slots" ("sender", "nextFreeAt")
        VALUES (${sender}, clock_timestamp() + ${span}::double precision * interval '1 millisecond')
        ON CONFLICT ("sender") DO UPDATE
          SET "nextFreeAt" = GREATEST("sms_send_slots"."nextFreeAt", clock_timestamp()) + ${span}::double precision * interval '1 millisecond'
        RETURNING (EXTRACT(EPOCH FROM "nextFreeAt") * 1000 - ${span}::double precision)::double precision AS first_at,
                  (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::double precision AS store_now`;
      return { firstAt: Number(rows[0].first_at), storeNow: Number(rows[0].store_now) };
    },
    async now() {
      const rows = await db.$queryRaw<{ store_now: number }[]>`SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::double precision AS store_now`;
      return Number(rows[0].store_now);
    },
  };
}

/**
 * A slot this close past its time still counts as on time (a timer fires a
 * little late). With slots 1.1 s / rate apart, sends within this of their
 * slots put at most the rate into any carrier second, with the rest of the
 * 100 ms margin left for the request's way to the provider.
 */
const LATE_TOLERANCE_MS = 20;

/** How much of its reserved time a worker has left when it asks for the next block: more than a busy database takes to answer. */
const RESERVE_AHEAD_MS = 150;

/** No shared slot within the wait the caller allows. */
export class SharedSlotWait extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`the sender's shared send slots are taken for the next ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'SharedSlotWait';
  }
}

interface SenderSlots {
  /** Reserved slot times, by this worker's clock, earliest first. */
  times: number[];
  reserving: Promise<void> | null;
}

/** An exchange this quick pins the clock offset closely enough (its error is at most half of it). */
const GOOD_EXCHANGE_MS = 10;
/** How long a measured offset stands before a quicker exchange must replace it (clocks drift). */
const OFFSET_TTL_MS = 60_000;

export class SharedSendSlots {
  private readonly bySender = new Map<string, SenderSlots>();
  /** The store's clock minus this worker's, from the quickest exchange lately. */
  private offset: { ms: number; exchangeMs: number; at: number } | null = null;
  private offsetMeasuring: Promise<void> | null = null;

  /**
   * @param blockMs how much of the sender's time one reservation takes: short
   * enough that a worker that stops sending wastes little, long enough that
   * the table sees a few statements a second at most.
   */
  constructor(
    private readonly store: SendSlotStore,
    private readonly clock: SendRateClock,
    private readonly blockMs = 500,
  ) {}

  /**
   * Measures the clock offset now (at start-up), so the first block reserved
   * is placed at once: without a measure, a slow first answer (a cold
   * connection) is followed by up to three more exchanges before any text
   * may go. Reserves nothing.
   */
  async measureClock(): Promise<void> {
    if (!this.offset) await this.exchange((store) => store.now().then((storeNow) => ({ value: storeNow, storeNow })));
    await this.measureOffset();
  }

  /** Resolves at this worker's next shared slot for `sender`; rejects with SharedSlotWait when that is more than `maxWaitMs` away. */
  async take(sender: string, intervalMs: number, maxWaitMs: number): Promise<void> {
    const slots = this.slotsOf(sender);
    for (;;) {
      const now = this.clock.now();
      while (slots.times.length > 0 && slots.times[0] < now - LATE_TOLERANCE_MS) slots.times.shift();
      if (slots.times.length > 0) {
        const wait = slots.times[0] - now;
        // Refused before it is taken: a slot given back this way stays for the next caller.
        if (wait > maxWaitMs) throw new SharedSlotWait(wait);
        const slot = slots.times.shift()!;
        this.reserveAhead(sender, slots, intervalMs, now);
        if (wait > 0) await new Promise<void>((resolve) => this.clock.schedule(resolve, wait));
        // A timer that fired late (a busy event loop) lost its slot: sent now, the text could land next to the next slot's.
        if (this.clock.now() - slot <= LATE_TOLERANCE_MS) return;
        continue;
      }
      await this.startReserving(sender, slots, intervalMs);
    }
  }

  /**
   * The next block is asked for while this one still has RESERVE_AHEAD_MS of
   * slots left, so it arrives before it is due: asked for only once the last
   * slot was gone, its first slot was already late by the exchange's time and
   * lost whenever the database was slower than LATE_TOLERANCE_MS, a slot in
   * every block (a tenth of the rate under load).
   */
  private reserveAhead(sender: string, slots: SenderSlots, intervalMs: number, now: number): void {
    const last = slots.times[slots.times.length - 1];
    if (slots.reserving || (last !== undefined && last - now > RESERVE_AHEAD_MS)) return;
    // A failure reaches whoever next waits for a slot; nobody may be waiting now.
    this.startReserving(sender, slots, intervalMs).catch(() => undefined);
  }

  private startReserving(sender: string, slots: SenderSlots, intervalMs: number): Promise<void> {
    slots.reserving ??= this.reserve(sender, slots, intervalMs).finally(() => {
      slots.reserving = null;
    });
    return slots.reserving;
  }

  private slotsOf(sender: string): SenderSlots {
    let slots = this.bySender.get(sender);
    if (!slots) {
      slots = { times: [], reserving: null };
      this.bySender.set(sender, slots);
    }
    return slots;
  }

  private async reserve(sender: string, slots: SenderSlots, intervalMs: number): Promise<void> {
    const count = Math.max(1, Math.floor(this.blockMs / intervalMs));
    const measuredBefore = this.offset !== null;
    const { firstAt } = await this.exchange((store) => store.reserve(sender, count, intervalMs).then((r) => ({ value: r, storeNow: r.storeNow })));
    if (this.offset!.exchangeMs > GOOD_EXCHANGE_MS) {
      // A slow answer (a cold connection, a busy database) is no measure of the clocks. The first
      // time, ask the time until one is quick before using any slot. Later, the best recent measure
      // places this block and the asking goes on beside it: waited for, it made every block's first
      // slots late while the database was slow, and lost them (a tenth of the rate under load).
      if (!measuredBefore) await this.measureOffset();
      else this.offsetMeasuring ??= this.measureOffset().catch(() => undefined).finally(() => (this.offsetMeasuring = null));
    }
    const first = firstAt - this.offset!.ms;
    for (let i = 0; i < count; i++) slots.times.push(first + i * intervalMs);
  }

  private async measureOffset(): Promise<void> {
    for (let tries = 0; tries < 3 && this.offset!.exchangeMs > GOOD_EXCHANGE_MS; tries++) {
      await this.exchange((store) => store.now().then((storeNow) => ({ value: storeNow, storeNow })));
    }
  }

  /** One call to the store, taken as a sample of the clock offset (kept if it is the quickest lately). */
  private async exchange<T>(call: (store: SendSlotStore) => Promise<{ value: T; storeNow: number }>): Promise<T> {
    const sent = this.clock.now();
    const { value, storeNow } = await call(this.store);
    const received = this.clock.now();
    const sample = { ms: storeNow - (sent + received) / 2, exchangeMs: received - sent, at: received };
    if (!this.offset || sample.exchangeMs <= this.offset.exchangeMs || received - this.offset.at > OFFSET_TTL_MS) this.offset = sample;
    return value;
  }
}
