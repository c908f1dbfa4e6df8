// A CSV import repeated with its Idempotency-Key (the client lost the answer,
// the API died mid-import) writes nothing twice, and starts whatever workflow
// the first attempt did not get to.
import { importedItemId } from '../../services/actionItems';
import { startTestSystem, type TestSystem } from '../harness/app';

let sys: TestSystem;
let planId: string;

const due = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
const csvOf = (titles: string[]) =>
  ['goal,title,description,owner_email,sponsor_email,due_date', ...titles.map((t) => `1,${t},,engagement.lead@example.org,city.manager@example.org,${due}`)].join('\n');
const importCsv = (csv: string, key?: string) =>
  sys.request(`/api/plans/${planId}/items/import`, {
    method: 'POST',
    as: 'CITY_MANAGER',
    body: csv,
    headers: { 'content-type': 'text/csv', ...(key ? { 'Idempotency-Key': key } : {}) },
  });

beforeAll(async () => {
  sys = await startTestSystem();
  const plan = await sys.request('/api/plans', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { title: 'Imported twice', startDate: new Date().toISOString().slice(0, 10), months: 12, goals: [{ number: 1, title: 'Goal', description: 'd' }] },
  });
  planId = (await plan.json()).id;
});

afterAll(async () => {
  await sys?.stop();
});

test('the same import with the same key answers with the first import items, writes none twice; another file with that key is a 409', async () => {
  const csv = csvOf(['First', 'Second', 'Third']);
  const first = await importCsv(csv, 'import-1');
  expect(first.status).toBe(202);
  const firstIds = (await first.json()).items.map((i: { id: string }) => i.id).sort();

  const again = await importCsv(csv, 'import-1');
  expect(again.status).toBe(200);
  const body = await again.json();
  expect(body).toMatchObject({ imported: 3, replayed: true });
  expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(firstIds);
  expect(await sys.db.actionItem.count({ where: { planId } })).toBe(3);
  expect(await sys.db.auditEvent.count({ where: { planId, action: 'item.created' } })).toBe(3);

  const different = await importCsv(csvOf(['Something else']), 'import-1');
  expect(different.status).toBe(409);
  expect((await different.json()).error.code).toBe('idempotency_key_reused');
});

test('items the first attempt wrote but whose workflows it never started (the API died) are started by the repeat', async () => {
  const titles = ['Orphan one', 'Orphan two'];
  const cityManager = Object.values(sys.roster.people).find((p) => p.roles.includes('CITY_MANAGER'))!;
  const lead = Object.values(sys.roster.people).find((p) => p.roles.includes('STAKEHOLDER_LEAD'))!;
  const goal = await sys.db.goal.findFirstOrThrow({ where: { planId } });
  // What the first attempt's transaction left when the process died right after it committed.
  for (const [row, title] of titles.entries()) {
    const id = importedItemId(planId, cityManager.id, 'import-2', row);
    await sys.db.actionItem.create({
      data: { id, planId, goalId: goal.id, title, ownerId: lead.id, sponsorId: cityManager.id, dueAt: new Date(`${due}T22:00:00Z`), workflowId: `action-item-${id}` },
    });
  }
  const repeat = await importCsv(csvOf(titles), 'import-2');
  expect(repeat.status).toBe(200);
  const items: { id: string; workflowId?: string }[] = (await repeat.json()).items;
  expect(items).toHaveLength(2);
  for (const item of items) {
    expect((await sys.temporal.workflow.getHandle(`action-item-${item.id}`).describe()).status.name).toBe('RUNNING');
  }
  expect(await sys.db.actionItem.count({ where: { planId, title: { in: titles } } })).toBe(2);
});
