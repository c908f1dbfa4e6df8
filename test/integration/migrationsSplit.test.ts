// No migration is split. prisma migrate deploy (the JS schema engine over the
// pg adapter) cuts a file at every semicolon, dollar quotes or not, which
// would leave the audit chain and append-only trigger functions (and the
// public cache's) as broken fragments. lib/migrations.ts, which every process
// and test uses, sends each file whole: on a fresh database every migration
// goes through in name order, the trigger functions arrive intact, a second
// run applies nothing, and a migration edited after it was applied is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations, loadMigrations, MIGRATIONS_DIR } from '../../lib/migrations';
import { ADMIN_URL_ENV } from '../harness/pgCluster';

async function withFreshDatabase(run: (url: string, client: Client) => Promise<void>): Promise<void> {
  const adminUrl = process.env[ADMIN_URL_ENV]!;
  const name = `cg_migrations_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await run(url.toString(), client);
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

test('every migration applies whole, in name order, with its trigger functions intact; a second run applies nothing', async () => {
  await withFreshDatabase(async (url, client) => {
    const names = loadMigrations().map((m) => m.name);
    expect(names).toEqual([...names].sort());
    const first = await applyMigrations(url);
    expect(first.applied).toEqual(names);

    const { rows: triggers } = await client.query<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgname LIKE 'Audit%' ORDER BY tgname`);
    expect(triggers.map((t) => t.tgname)).toEqual([
      'AuditCheckpoint_no_truncate',
      'AuditCheckpoint_no_update_or_delete',
      'AuditEvent_chain_at_commit',
      'AuditEvent_no_truncate',
      'AuditEvent_no_update_or_delete',
    ]);
    // A split would have cut these bodies at their first semicolon.
    const { rows: functions } = await client.query<{ proname: string; prosrc: string }>(
      `SELECT proname, prosrc FROM pg_proc WHERE proname IN ('audit_chain_at_commit', 'audit_append_only', 'bump_public_data_version') ORDER BY proname`,
    );
    expect(functions.map((f) => f.proname)).toEqual(['audit_append_only', 'audit_chain_at_commit', 'bump_public_data_version']);
    for (const f of functions) expect(f.prosrc.trim()).toMatch(/END;?$/);

    const second = await applyMigrations(url);
    expect(second).toEqual({ applied: [], alreadyApplied: names.length });
  });
});

test('a migration edited after it was applied is refused, naming it', async () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-migrations-'));
  try {
    fs.cpSync(MIGRATIONS_DIR, copy, { recursive: true });
    await withFreshDatabase(async (url) => {
      await applyMigrations(url, copy);
      const last = loadMigrations(copy).at(-1)!.name;
      fs.appendFileSync(path.join(copy, last, 'migration.sql'), '\n-- edited afterwards\n');
      await expect(applyMigrations(url, copy)).rejects.toThrow(`migration ${last} was edited after it was applied`);
    });
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
