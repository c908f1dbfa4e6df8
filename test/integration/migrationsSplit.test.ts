// prisma migrate deploy (command (a), production) runs each migration through
// the pg driver adapter, which splits the file at every semicolon, quoting or
// not. Every migration must survive that: applied the same way here, on a
// fresh database, each one must go through.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { REPO_ROOT } from '../harness/paths';
import { ADMIN_URL_ENV } from '../harness/pgCluster';

test('every migration applies statement by statement, split at semicolons as the Prisma CLI splits it', async () => {
  const adminUrl = process.env[ADMIN_URL_ENV]!;
  const name = `cg_split_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const dir = path.join(REPO_ROOT, 'prisma', 'migrations');
    const migrations = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'migration.sql'))).sort();
    for (const migration of migrations) {
      const statements = fs.readFileSync(path.join(dir, migration, 'migration.sql'), 'utf8').split(';').map((s) => s.trim()).filter(Boolean);
      for (const statement of statements) {
        await client.query(statement).catch((err: Error) => {
          throw new Error(`${migration}: ${err.message} in: ${statement.slice(0, 200)}`);
        });
      }
    }
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname LIKE 'Audit%'`);
    expect(rows[0].n).toBeGreaterThanOrEqual(5);
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
});
