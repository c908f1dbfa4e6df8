// Text PostgreSQL cannot store (NUL) or that is not text (unpaired UTF-16
// surrogates) is refused at the door with a 400 naming the field, wherever it
// enters: JSON bodies, query strings, path segments, forms. Before, a NUL in a
// declaration answered 500, and in a statement draft it made the activity
// fail on every retry while holding the incident workflow's lock, so the
// incident's clock stopped for good.
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
const serverErrors: string[] = [];
const send = apiCaller(() => sys.request, { serverErrors });

beforeAll(async () => {
  sys = await startTestSystem();
}, 240_000);

afterAll(async () => {
  await sys?.stop();
}, 60_000);

const declaration = { type: 'OFFICER_INVOLVED_SHOOTING', severity: 1, title: 'Poison input check', summary: 'A fictional incident.' };

it('refuses a NUL or an unpaired surrogate in a declaration with 400 naming the field, and records nothing', async () => {
  const nul = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: { ...declaration, summary: 'shots\u0000fired' } });
  expect([nul.status, nul.json?.error?.field]).toEqual([400, 'summary']);
  const surrogate = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: { ...declaration, title: 'half an emoji \ud83d' } });
  expect([surrogate.status, surrogate.json?.error?.field]).toEqual([400, 'title']);
  const list = await send('GET', '/api/incidents', { as: 'CITY_MANAGER' });
  expect(list.json.incidents).toEqual([]);
});

it('refuses them in query strings and path segments too', async () => {
  const query = await send('GET', '/api/incidents?status=ACTIVE%00', { as: 'CITY_MANAGER' });
  expect([query.status, query.json?.error?.field]).toEqual([400, 'status']);
  const path = await send('GET', '/api/incidents/CI-2026-0001%00', { as: 'CITY_MANAGER' });
  expect([path.status, path.json?.error?.field]).toEqual([400, 'id']);
});

it("a poisoned statement draft is refused and the incident's clock and updates carry on", async () => {
  const declared = await send('POST', '/api/incidents', { as: 'CITY_MANAGER', json: declaration });
  expect(declared.status).toBe(202);
  const number: string = declared.json.number;
  await eventually(async () => {
    const detail = await send('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' });
    return detail.json?.stateSource === 'workflow' && detail.json.deadlines.length > 0;
  }, `incident ${number} to start`);

  const poisoned = await send('POST', `/api/incidents/${number}/statements`, {
    as: 'PIO',
    json: { kind: 'HOLDING_STATEMENT', title: 'Holding statement', body: 'We know\u0000 little yet.' },
  });
  expect([poisoned.status, poisoned.json?.error?.field]).toEqual([400, 'body']);

  // The workflow still answers: a clean draft goes through at once.
  const clean = await send('POST', `/api/incidents/${number}/statements`, {
    as: 'PIO',
    json: { kind: 'HOLDING_STATEMENT', title: 'Holding statement', body: 'We know little yet.' },
  });
  expect(clean.status).toBe(201);
  const extension = await send('POST', `/api/incidents/${number}/deadlines/holding_statement/extensions`, {
    as: 'CITY_MANAGER',
    json: { newDueAt: new Date(Date.now() + 3 * 3_600_000).toISOString(), reason: 'waiting for\u0000 the family' },
  });
  expect([extension.status, extension.json?.error?.field]).toEqual([400, 'reason']);
});

it('no request in this file got a 5xx', () => {
  expect(serverErrors).toEqual([]);
});
