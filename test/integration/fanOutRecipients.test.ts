// Who a public event goes to, read a page at a time by the fan-out
// (listFanOutRecipients): the right subscriptions, in id order, and a query
// whose cost stays per page, not per page times subscribers, on a database
// whose statistics have not caught up with a bulk load of subscribers.
import { Client as PgClient } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { createPublicFanOutActivities } from '../../activities/publicFanOut';
import { createMailer, createSmsClient } from '../../activities/notifications/providers';
import { publicFanOutPlan, type PublicFanOutPlanV1 } from '../../domain/contracts/publicFanOut';
import type { Db } from '../../lib/db';
import { createTestConfig } from '../harness/config';
import { createTestDatabase, type TestDatabase } from '../harness/database';

let database: TestDatabase;
/** A client that reports each query it sends, to explain the very statement the activity ran. */
const loggingClient = (url: string) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: 'event', level: 'query' }] });
let logged: ReturnType<typeof loggingClient>;
const queries: { query: string; params: string }[] = [];

const config = createTestConfig();
const activitiesOn = (db: Db) =>
  createPublicFanOutActivities({ db, mailer: createMailer(config), sms: createSmsClient(config), config, temporal: undefined });

const published = (incidentNumber: string, at: Date): PublicFanOutPlanV1 =>
  publicFanOutPlan({ kind: 'statement.published', statementId: 'st-1', incidentId: 'inc-1', incidentNumber, publishedAt: at.toISOString(), deadline: null });

beforeAll(async () => {
  database = await createTestDatabase();
  logged = loggingClient(database.url);
  logged.$on('query', (e) => queries.push({ query: e.query, params: e.params }));
});

afterAll(async () => {
  await logged?.$disconnect();
  await database?.drop();
});

type Row = { id: string; channel: 'EMAIL' | 'SMS'; audience?: 'RESIDENT' | 'MEDIA'; status?: 'ACTIVE' | 'PENDING'; confirmedAt?: Date | null; topics: { topic: 'ALL_INCIDENTS' | 'INCIDENT' | 'PLAN_REPORT'; scope?: string }[] };

async function subscribe(rows: Row[]) {
  await database.db.subscription.createMany({
    data: rows.map((r) => ({ id: r.id, channel: r.channel, audience: r.audience ?? 'RESIDENT', address: `${r.id}@example.org`, status: r.status ?? 'ACTIVE', confirmedAt: r.confirmedAt === undefined ? new Date('2026-11-01T00:00:00Z') : r.confirmedAt })),
  });
  await database.db.subscriptionTopic.createMany({ data: rows.flatMap((r) => r.topics.map((t) => ({ subscriptionId: r.id, topic: t.topic, scope: t.scope ?? '' }))) });
}

describe('the recipients of a public event', () => {
  const at = new Date('2026-11-20T12:00:00Z');

  beforeAll(async () => {
    await subscribe([
      { id: 'r-01', channel: 'EMAIL', topics: [{ topic: 'ALL_INCIDENTS' }] },
      { id: 'r-02', channel: 'SMS', topics: [{ topic: 'INCIDENT', scope: '2026-0042' }] },
      { id: 'r-03', channel: 'EMAIL', topics: [{ topic: 'INCIDENT', scope: '2026-0007' }] },
      { id: 'r-04', channel: 'EMAIL', topics: [{ topic: 'PLAN_REPORT' }] },
      { id: 'r-05', channel: 'EMAIL', status: 'PENDING', confirmedAt: null, topics: [{ topic: 'ALL_INCIDENTS' }] },
      { id: 'r-06', channel: 'SMS', confirmedAt: new Date('2026-11-20T12:00:01Z'), topics: [{ topic: 'ALL_INCIDENTS' }] },
      { id: 'r-07', channel: 'SMS', topics: [{ topic: 'ALL_INCIDENTS' }, { topic: 'INCIDENT', scope: '2026-0042' }] },
      { id: 'r-08', channel: 'EMAIL', confirmedAt: at, topics: [{ topic: 'INCIDENT', scope: '2026-0042' }] },
      { id: 'm-01', channel: 'EMAIL', audience: 'MEDIA', confirmedAt: null, topics: [] },
    ]);
  });

  it('residents confirmed by the event and subscribed to one of its topics, each once, in id order, by channel when asked', async () => {
    const list = activitiesOn(database.db).listFanOutRecipients;
    const plan = published('2026-0042', at);
    expect(await list({ plan, audience: 'RESIDENT', cursor: null, limit: 100 })).toEqual([
      { id: 'r-01', channel: 'EMAIL' },
      { id: 'r-02', channel: 'SMS' },
      { id: 'r-07', channel: 'SMS' },
      { id: 'r-08', channel: 'EMAIL' },
    ]);
    expect(await list({ plan, audience: 'RESIDENT', cursor: null, limit: 100, channel: 'SMS' })).toEqual([
      { id: 'r-02', channel: 'SMS' },
      { id: 'r-07', channel: 'SMS' },
    ]);
    expect(await list({ plan, audience: 'RESIDENT', cursor: 'r-02', limit: 2 })).toEqual([
      { id: 'r-07', channel: 'SMS' },
      { id: 'r-08', channel: 'EMAIL' },
    ]);
    // A page is at least one subscription long.
    expect(await list({ plan, audience: 'RESIDENT', cursor: null, limit: 0 })).toEqual([{ id: 'r-01', channel: 'EMAIL' }]);
  });

  it('newsrooms by email, whatever the topics', async () => {
    const list = activitiesOn(database.db).listFanOutRecipients;
    expect(await list({ plan: published('2026-0042', at), audience: 'MEDIA', cursor: null, limit: 100 })).toEqual([{ id: 'm-01', channel: 'EMAIL' }]);
  });

  it('reads a page through each subscription\'s own topics, not through every topic row once per subscription, before statistics exist', async () => {
    const many = Array.from({ length: 3000 }, (_, n): Row => ({ id: `s-${String(n).padStart(5, '0')}`, channel: n % 10 === 0 ? 'SMS' : 'EMAIL', topics: [{ topic: 'ALL_INCIDENTS' }] }));
    for (let i = 0; i < many.length; i += 1000) await subscribe(many.slice(i, i + 1000));
    // No ANALYZE: the planner sees what it sees right after a bulk load, before autovacuum gets to the tables.
    queries.length = 0;
    const page = await activitiesOn(logged as unknown as Db).listFanOutRecipients({ plan: published('2026-0042', new Date()), audience: 'RESIDENT', cursor: 's-01000', limit: 500, channel: 'EMAIL' });
    expect(page).toHaveLength(500);
    expect(queries).toHaveLength(1);

    const pg = new PgClient({ connectionString: database.url });
    await pg.connect();
    try {
      const [{ 'QUERY PLAN': plan }] = (await pg.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${queries[0].query}`, JSON.parse(queries[0].params))).rows;
      // Topic rows the plan read, counted over every time each node ran.
      type Node = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; 'Rows Removed by Join Filter'?: number; Plans?: Node[] };
      const topicRowsRead = (node: Node): number =>
        (node['Relation Name'] === 'SubscriptionTopic' ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'] : 0) +
        (node.Plans ?? []).reduce((sum, child) => sum + topicRowsRead(child), 0);
      // Prisma's `topics: { some }` read the topic rows again for each candidate: 3.6 million here.
      expect(topicRowsRead(plan[0].Plan)).toBeLessThanOrEqual(2 * many.length);
    } finally {
      await pg.end();
    }
  });
});
