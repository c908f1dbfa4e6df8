import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { createDb, type Db } from '../../lib/db';
import { applyMigrations } from '../../lib/migrations';
import { ADMIN_URL_ENV, startTestCluster } from './pgCluster';

export { ADMIN_URL_ENV, applyMigrations };

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

let lazyAdminUrl: Promise<string> | undefined;

/** Outside jest (e.g. a bench script) there is no global setup: start a private cluster for this process. */
function adminUrl(): Promise<string> {
  const fromSetup = process.env[ADMIN_URL_ENV];
  if (fromSetup) return Promise.resolve(fromSetup);
  lazyAdminUrl ??= startTestCluster().then((cluster) => {
    process.once('exit', () => cluster.stop());
    return cluster.adminUrl;
  });
  return lazyAdminUrl;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: await adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, fully migrated database on the test cluster, with its own Prisma client. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const name = `cg_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(await adminUrl(), name);
  try {
    await applyMigrations(url);
  } catch (err) {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw err;
  }
  const db = createDb(url, { max: options.poolSize ?? 5 });
  let dropped = false;
  return {
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
