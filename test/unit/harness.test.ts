import { Client as PgClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { createTimeSkippingEnv } from '../harness/timeSkipping';

describe('test harness: database', () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('gives each caller its own migrated database, recorded as Prisma records migrations', async () => {
    expect(first.url).not.toEqual(second.url);
    const rows = await first.db.$queryRawUnsafe<{ migration_name: string; applied_steps_count: number }[]>(
      'SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toEqual({ migration_name: '20261121000000_init', applied_steps_count: 1 });

    await first.db.person.create({ data: { name: 'Harness Probe', title: 'Probe', email: 'probe@example.org', roles: ['PIO'] } });
    expect(await first.db.person.count()).toBe(1);
    expect(await second.db.person.count()).toBe(0);
  });

  it('drop() removes the database', async () => {
    const scratch = await createTestDatabase();
    const name = new URL(scratch.url).pathname.slice(1);
    await scratch.drop();
    const admin = new PgClient({ connectionString: process.env.CG_TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});

describe('test harness: time-skipping server', () => {
  it('skips a day of workflow time in well under a real second', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const before = await env.currentTimeMs();
      const started = Date.now();
      await env.sleep('1 day');
      const after = await env.currentTimeMs();
      // Exactly the day asked for: a server started with skipping unlocked overshoots.
      expect(after - before).toBeGreaterThanOrEqual(24 * 3600 * 1000);
      expect(after - before).toBeLessThan(24 * 3600 * 1000 + 60_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await env.teardown();
    }
  });
});
