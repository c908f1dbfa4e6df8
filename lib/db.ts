import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import type { Config } from './config';
import type { TxClient } from './audit';

export type Db = PrismaClient;

export interface DbOptions {
  /** Connections in the pool. */
  max?: number;
  /** How long a transaction may wait for a connection before it gives up (Prisma's maxWait; P2028, a 503). */
  transactionMaxWaitMs?: number;
  /** How long a transaction may run. */
  transactionTimeoutMs?: number;
  /** How long a query may wait for a connection from the pool before it gives up (a 503). */
  connectTimeoutMs?: number;
}

/**
 * The one way to build a Prisma client: the JS engine over the pg driver
 * adapter. The waits are sized so that a burst queues (a few seconds) rather
 * than failing; only a database that stays saturated makes a request give up,
 * and the API answers that with 503 and Retry-After.
 */
export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000 });
  return new PrismaClient({
    adapter,
    transactionOptions: { maxWait: options.transactionMaxWaitMs ?? 20_000, timeout: options.transactionTimeoutMs ?? 15_000 },
  });
}

/**
 * Opens the pool's connections now (the pool opens them lazily), so the
 * first burst of work after start-up does not wait for them one by one.
 */
export async function openPool(db: Db, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => db.$queryRaw`SELECT 1`));
}

/** The pool and waits a process is configured with (DATABASE_POOL_SIZE and friends). */
export function dbOptionsFrom(config: Pick<Config, 'DATABASE_POOL_SIZE' | 'DATABASE_TX_MAX_WAIT_MS' | 'DATABASE_CONNECT_TIMEOUT_MS'>): DbOptions {
  return { max: config.DATABASE_POOL_SIZE, transactionMaxWaitMs: config.DATABASE_TX_MAX_WAIT_MS, connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS };
}

/** Thrown to end a rehearsal's transaction, so everything it wrote is undone. */
class RehearsalOver extends Error {}

/**
 * Runs `work` in a transaction that is always rolled back, and returns its
 * result. For start-up rehearsals: the statements a first request would run
 * are compiled and planned, and nothing is kept (commit-time triggers, such as
 * the audit chain's and the public data version's, never fire).
 */
export async function rolledBack<T>(db: Db, work: (tx: TxClient) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  try {
    await db.$transaction(async (tx) => {
      result = { value: await work(tx) };
      throw new RehearsalOver();
    });
  } catch (err) {
    if (!(err instanceof RehearsalOver)) throw err;
  }
  if (!result) throw new Error('the rehearsal ended without a result');
  return result.value;
}
