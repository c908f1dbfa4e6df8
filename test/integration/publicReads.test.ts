// Public reads come from a cache (services/publicViews.ts): a public request
// costs a constant number of queries however many incidents there are (it
// was about three per incident, ~600 per feed), and a publication shows at
// once because the database bumps the cache's version when it commits (so do
// a counsel's hold, its end and a withdrawal).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { Db } from '../../lib/db';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';

const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
let database: TestDatabase;
let counted: Db;
let queries = 0;
let server: Server;
let base: string;
let declarerId: string;
let incidentSeq = 0;

async function addIncident(db: Db, published: boolean) {
  incidentSeq += 1;
  const number = `CI-2025-${String(incidentSeq).padStart(4, '0')}`;
  const incident = await db.incident.create({
    data: {
      number,
      workflowId: `incident-${number}`,
      type: 'OFFICER_INVOLVED_SHOOTING',
      severity: 2,
      title: 'Private title',
      summary: 'Private summary',
      policyVersion: 'clayton-2026.1',
      declaredById: declarerId,
      declaredAt: new Date(Date.parse('2025-01-01T00:00:00Z') + incidentSeq * 60_000),
    },
  });
  const dueAt = new Date(Date.now() + 86_400_000);
  await db.deadline.createMany({
    data: ['holding_statement', 'press_conference', 'public_update_1'].map((key) => ({ incidentId: incident.id, key, kind: key.toUpperCase(), title: key, dueAt, originalDueAt: dueAt })),
  });
  const statement = await db.statement.create({
    data: { incidentId: incident.id, kind: 'HOLDING_STATEMENT', workflowId: `statement-${number}`, createdById: declarerId, status: 'PENDING_APPROVAL' },
  });
  await db.statementVersion.create({ data: { statementId: statement.id, version: 1, title: `Statement on ${number}`, body: 'What we can say.', authorId: declarerId } });
  if (published) await publish(db, statement.id);
  return { number, statementId: statement.id };
}

const publish = (db: Db, statementId: string) =>
  db.statement.update({ where: { id: statementId }, data: { status: 'PUBLISHED', publishedVersion: 1, publishedAt: new Date() } });

async function queriesFor(path: string): Promise<{ count: number; status: number; text: string }> {
  const before = queries;
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  return { count: queries - before, status: res.status, text };
}

const PUBLIC_PATHS = ['/api/public/incidents', '/feeds/statements.atom', '/feeds/deadlines.ics'];

beforeAll(async () => {
  database = await createTestDatabase();
  // The same database, with every operation (raw queries included) counted.
  counted = database.db.$extends({
    query: {
      async $allOperations({ args, query }) {
        queries += 1;
        return query(args);
      },
    },
  }) as unknown as Db;
  declarerId = (await database.db.person.create({ data: { name: 'Declarer', title: 'City Manager', email: 'declarer@example.org', roles: ['CITY_MANAGER'] } })).id;
  const app = createApp({ db: counted, temporal, config: createTestConfig() });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

describe('public reads', () => {
  it('cost the same few queries for 3 incidents as for 40, and one while nothing changed', async () => {
    for (let i = 0; i < 3; i++) await addIncident(database.db, true);
    const small = await queriesFor('/feeds/statements.atom');
    expect(small.status).toBe(200);
    for (let i = 0; i < 37; i++) await addIncident(database.db, i % 2 === 0);
    const costs: Record<string, number[]> = {};
    for (const path of PUBLIC_PATHS) {
      const cold = await queriesFor(path);
      const warm = await queriesFor(path);
      expect(cold.status).toBe(200);
      costs[path] = [cold.count, warm.count];
    }
    // The first read after a change reloads (version + incidents + deadlines + statements + holds); the rest only ask the version.
    expect(small.count).toBeLessThanOrEqual(5);
    expect(costs).toEqual({
      '/api/public/incidents': [expect.any(Number), 1],
      '/feeds/statements.atom': [1, 1],
      '/feeds/deadlines.ics': [1, 1],
    });
    expect(costs['/api/public/incidents'][0]).toBeLessThanOrEqual(5);
    const one = await queriesFor('/api/public/incidents/CI-2025-0004');
    expect(one).toMatchObject({ status: 200, count: 1 });
    expect((await queriesFor('/api/public/incidents/CI-2024-9999')).status).toBe(404);
  });

  it('show a publication at once: the commit bumps the version the cache checks', async () => {
    const { number, statementId } = await addIncident(database.db, false);
    const before = await fetch(`${base}/api/public/incidents/${number}`).then((r) => r.json());
    expect(before.statements).toEqual([]);
    await publish(database.db, statementId);
    const after = await fetch(`${base}/api/public/incidents/${number}`).then((r) => r.json());
    expect(after.statements.map((s: { title: string }) => s.title)).toEqual([`Statement on ${number}`]);
    expect(await fetch(`${base}/feeds/statements.atom`).then((r) => r.text())).toContain(`${number}: Statement on ${number}`);
  });

  it("show a counsel's hold, its release and a withdrawal at once, never the hold's detail", async () => {
    const { number, statementId } = await addIncident(database.db, true);
    const incident = await database.db.incident.update({ where: { number }, data: { policyVersion: 'clayton-2026.3' } });
    const publicIncident = () => fetch(`${base}/api/public/incidents/${number}`).then((r) => r.json());
    expect((await publicIncident()).heldByCounsel).toBe(false);

    const placedAt = new Date();
    const hold = await database.db.publicationHold.create({
      data: { id: `hold-${number}`, incidentId: incident.id, scope: 'ALL', category: 'LITIGATION', detail: 'Private hold detail', placedById: declarerId, placedAt, lapsesAt: new Date(placedAt.getTime() + 14 * 86_400_000) },
    });
    const held = await publicIncident();
    expect(held.heldByCounsel).toBe(true);
    expect(held.holds).toEqual([expect.objectContaining({ status: 'active', reason: 'Litigation', covers: 'all publication' })]);
    expect(await fetch(`${base}/feeds/statements.atom`).then((r) => r.text())).toContain('reason: Litigation');

    await database.db.publicationHold.update({ where: { id: hold.id }, data: { status: 'RELEASED', endedAt: new Date(), endedById: declarerId, endNote: 'Private end note' } });
    const released = await publicIncident();
    expect(released.heldByCounsel).toBe(false);
    expect(released.holds).toEqual([expect.objectContaining({ status: 'released' })]);

    await database.db.statement.update({ where: { id: statementId }, data: { status: 'WITHDRAWN', withdrawnAt: new Date(), withdrawalNote: 'Superseded by the next update.' } });
    const withdrawn = await publicIncident();
    expect(withdrawn.statements).toEqual([]);
    expect(withdrawn.withdrawnStatements).toEqual([expect.objectContaining({ id: statementId, note: 'Superseded by the next update.' })]);

    for (const path of [...PUBLIC_PATHS, `/api/public/incidents/${number}`]) {
      const text = await fetch(`${base}${path}`).then((r) => r.text());
      for (const secret of ['Private hold detail', 'Private end note']) expect({ path, leaks: text.includes(secret) }).toEqual({ path, leaks: false });
    }
  });

  // fetch() adds Cache-Control: no-cache to a conditional request (which a server must answer in full) unless one is given.
  const revalidate = (etag: string | null) => ({ headers: { 'if-none-match': etag ?? '', 'cache-control': 'max-age=0' } });

  it('are written once with an ETag: 304 while nothing changed, and a publication gives a new body and ETag at once', async () => {
    const { number, statementId } = await addIncident(database.db, false);
    const path = `${base}/api/public/incidents/${number}`;
    const first = await fetch(path);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await first.json()).statements).toEqual([]);
    const unchanged = await fetch(path, revalidate(etag));
    expect([unchanged.status, await unchanged.text()]).toEqual([304, '']);

    // Within the same second as the answer kept above: the new data version, not the clock, makes it stale.
    await publish(database.db, statementId);
    const after = await fetch(path, revalidate(etag));
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect((await after.json()).statements.map((s: { title: string }) => s.title)).toEqual([`Statement on ${number}`]);
    const list = await fetch(`${base}/api/public/incidents`);
    expect((await list.json()).incidents.find((i: { number: string }) => i.number === number).publishedStatements).toBe(1);
    expect((await fetch(`${base}/api/public/incidents`, revalidate(list.headers.get('etag')))).status).toBe(304);
  });

  it('write a public page once per address and language, and never mix the languages', async () => {
    const { number } = await addIncident(database.db, true);
    const english = await fetch(`${base}/incidents/${number}`);
    const englishPage = await english.text();
    expect([english.status, english.headers.get('content-type'), english.headers.get('cache-control')]).toEqual([200, 'text/html; charset=utf-8', 'no-store']);
    expect(englishPage).toContain('<html lang="en">');
    expect(englishPage).toContain(`data-incident="${number}"`);
    const again = await fetch(`${base}/incidents/${number}`, revalidate(english.headers.get('etag')));
    expect(again.status).toBe(304);

    const spanish = await fetch(`${base}/incidents/${number}`, { headers: { 'accept-language': 'es' } });
    expect(spanish.headers.get('etag')).not.toBe(english.headers.get('etag'));
    expect(await spanish.text()).toContain('<html lang="es">');
    const other = await addIncident(database.db, true);
    expect(await fetch(`${base}/incidents/${other.number}`).then((r) => r.text())).toContain(`data-incident="${other.number}"`);
    expect((await fetch(`${base}/incidents/not-an-incident`)).status).toBe(404);
  });

  it('never show a draft, a summary or a title that was not published', async () => {
    for (const path of PUBLIC_PATHS) {
      const text = await fetch(`${base}${path}`).then((r) => r.text());
      for (const secret of ['Private title', 'Private summary']) expect({ path, leaks: text.includes(secret) }).toEqual({ path, leaks: false });
    }
  });
});
