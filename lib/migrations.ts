// Applies prisma/migrations to a database: what `prisma migrate deploy` does,
// recorded the same way in _prisma_migrations (Prisma's checksum, so
// `prisma migrate status` agrees), but each migration file is sent to
// PostgreSQL whole. Prisma's JavaScript schema engine splits a file at every
// semicolon, which breaks trigger functions written with dollar quoting (the
// append-only audit and public-cache triggers). One deploy at a time per
// database: an advisory lock serialises several API or job processes.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');

/** Any fixed number: the advisory lock that serialises deploys on one database. */
const DEPLOY_LOCK = 7_331_001;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

let cached: Migration[] | undefined;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const read = () =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
      .map((entry) => entry.name)
      .sort()
      .map((name) => {
        const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
        return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
      });
  if (dir !== MIGRATIONS_DIR) return read();
  cached ??= read();
  return cached;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Runs every migration not yet applied, in name order, each in its own
 * transaction with its _prisma_migrations row. Refuses to continue when an
 * applied migration's file was edited afterwards (its checksum differs).
 */
export async function applyMigrations(url: string, dir?: string): Promise<MigrationReport> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [DEPLOY_LOCK]);
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
    const rows = (
      await client.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )
    ).rows;
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const migration of loadMigrations(dir)) {
      const known = applied.get(migration.name);
      if (known !== undefined) {
        if (known !== migration.checksum) {
          throw new Error(`migration ${migration.name} was edited after it was applied (checksum differs); add a new migration instead`);
        }
        report.alreadyApplied += 1;
        continue;
      }
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
        report.applied.push(migration.name);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`);
      }
    }
    return report;
  } finally {
    await client.end();
  }
}
