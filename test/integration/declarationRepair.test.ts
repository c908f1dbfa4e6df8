// A declaration that was recorded but whose workflow never started (the API
// died in between) is completed by a retry with the same Idempotency-Key; and
// a database that cannot take a declaration in time is a 503 with
// Retry-After, not a 500. The whole system: Temporal dev server, PostgreSQL,
// worker with the real workflows and activities, the sinks.
import { createApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import { createDb } from '../../lib/db';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
const type = DEFAULT_POLICY.definition.types[0].key;

beforeAll(async () => {
  sys = await startTestSystem();
});

afterAll(async () => {
  await sys?.stop();
});

test('a keyed retry of a declaration whose workflow never started starts it, and the audit log says so', async () => {
  const declaration = { type, severity: 3, title: 'Half a declaration', summary: 'The API died after committing the row.' };
  const cityManager = Object.values(sys.roster.people).find((p) => p.roles.includes('CITY_MANAGER'))!;
  // What recordDeclaration leaves behind when the process dies before starting the workflow.
  const orphan = await sys.db.incident.create({
    data: {
      number: 'CI-2026-9001',
      workflowId: 'incident-CI-2026-9001',
      ...declaration,
      policyVersion: DEFAULT_POLICY.version,
      declaredById: cityManager.id,
      idempotencyKey: `${cityManager.id}:retry-me`,
    },
  });

  const retried = await sys.request('/api/incidents', { method: 'POST', as: 'CITY_MANAGER', json: declaration, headers: { 'Idempotency-Key': 'retry-me' } });
  expect(retried.status).toBe(200);
  expect((await retried.json()).number).toBe('CI-2026-9001');

  const description = await sys.temporal.workflow.getHandle(orphan.workflowId).describe();
  expect(description.status.name).toBe('RUNNING');
  expect(description.memo).toMatchObject({ incidentId: orphan.id });
  // The incident now does what a declared incident does: everyone it names is told.
  await eventually(async () => sys.sinks.mail.messages().filter((m) => m.subject.includes('CI-2026-9001')).length >= 3, 'the declaration emails');
  const audit = await sys.db.auditEvent.findMany({ where: { incidentId: orphan.id, action: 'incident.workflow-started-on-retry' } });
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ actorId: cityManager.id });

  // Another retry finds it running and leaves it alone.
  const again = await sys.request('/api/incidents', { method: 'POST', as: 'CITY_MANAGER', json: declaration, headers: { 'Idempotency-Key': 'retry-me' } });
  expect(again.status).toBe(200);
  expect(await sys.db.auditEvent.count({ where: { incidentId: orphan.id, action: 'incident.workflow-started-on-retry' } })).toBe(1);
});

test('concurrent requests with one Idempotency-Key declare one incident, and none is a 5xx', async () => {
  const declaration = { type, severity: 3, title: 'Twenty clicks', summary: 'One declaration, retried impatiently.' };
  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      sys.request('/api/incidents', { method: 'POST', as: 'CITY_MANAGER', json: declaration, headers: { 'Idempotency-Key': 'impatient' } }),
    ),
  );
  expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 202].sort());
  const numbers = new Set(await Promise.all(answers.map(async (a) => (await a.json()).number)));
  expect(numbers.size).toBe(1);
  expect(await sys.db.incident.count({ where: { title: 'Twenty clicks' } })).toBe(1);
});

test('a database that cannot take a declaration in time answers 503 with Retry-After, not 500', async () => {
  // One connection, and a transaction may wait only a moment for it.
  const starved = createDb(sys.database.url, { max: 1, transactionMaxWaitMs: 300, connectTimeoutMs: 300 });
  const app = createApp({ db: starved, temporal: sys.temporal, config: sys.config });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  try {
    // The one connection is held by a long transaction.
    const holding = starved.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_sleep(2)`;
    }, { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await fetch(`http://127.0.0.1:${port}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.tokens.CITY_MANAGER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type, severity: 3, title: 'Declared into a full pool', summary: 'The pool is busy.' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await res.json()).error.code).toBe('unavailable');
    await holding;
  } finally {
    server.close();
    await starved.$disconnect();
  }
});
