import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { createDb, type Db } from '../../lib/db';
import { REPO_ROOT } from './paths';
import { ADMIN_URL_ENV, startTestCluster } from './pgCluster';

export { ADMIN_URL_ENV };

const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');

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

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

let migrations: Migration[] | undefined;

function loadMigrations(): Migration[] {
  migrations ??= fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  return migrations;
}

/**
 * What `prisma migrate deploy` does, without spawning the Prisma CLI (seconds
 * per database): run each migration in order, each in its own transaction, and
 * record it in _prisma_migrations with Prisma's checksum so `migrate status`
 * and later `migrate deploy` see the same history.
 */
export async function applyMigrations(url: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const applied = new Set(
      (await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')).rows.map(
        (row) => row.migration_name,
      ),
    );
    for (const migration of loadMigrations()) {
      if (applied.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.end();
  }
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
