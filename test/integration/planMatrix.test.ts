// The action plan's role x route matrix on the running system: every plan
// route without a token (401), with a bad token (401), with each role that may
// not use it (403: by role, or by not being the item's owner or sponsor) and
// with each role that may (2xx).
import { documentedRoutes } from '../../api/openapi';
import { ROLES } from '../../domain/roles';
import { DEFAULT_POLICY } from '../../policy';
import type { RoleKey } from '../../scripts/seed-roster';
import { formatCivilDate, localDateOf } from '../../domain/time/cityTime';
import { startTestSystem, type TestSystem } from '../harness/app';
import { apiCaller } from '../harness/http';

let sys: TestSystem;
const serverErrors: string[] = [];
const inDays = (days: number) => formatCivilDate(localDateOf(Date.now() + days * 86_400_000, 'America/Chicago'));

const send = apiCaller(() => sys.request, { serverErrors });

const ITEM_ACTORS: RoleKey[] = ['CITY_MANAGER', 'STAKEHOLDER_LEAD'];
const s: { planId: string; sharedItem: string; itemFor: Record<string, string>; requestId: string } = {
  planId: '',
  sharedItem: '',
  itemFor: {},
  requestId: '',
};

interface Row {
  method: 'GET' | 'POST';
  route: string;
  path: (role?: RoleKey) => string;
  allowed: RoleKey[] | 'public';
  expect: number;
  body?: (role: RoleKey) => unknown;
  csv?: (role: RoleKey) => string;
}

let goalCounter = 10;
/** Who the policy lets read plans (every staff role and the plan's leads; not the court clerk). */
const readers = [...DEFAULT_POLICY.access.readPlans] as RoleKey[];
/** The item a role acts on for one-shot actions (its own), else the shared one. */
const item = (role: RoleKey | undefined, purpose: 'complete' | 'reschedule') => (role && s.itemFor[`${purpose}:${role}`]) || s.sharedItem;

const matrix: Row[] = [
  { method: 'GET', route: '/api/plans', path: () => '/api/plans', allowed: readers, expect: 200 },
  { method: 'POST', route: '/api/plans', path: () => '/api/plans', allowed: ['CITY_MANAGER'], expect: 202, body: () => ({ title: 'Matrix plan 2', startDate: inDays(0), goals: [{ number: 1, title: 'G' }] }) },
  { method: 'GET', route: '/api/plans/:id', path: () => `/api/plans/${s.planId}`, allowed: readers, expect: 200 },
  { method: 'GET', route: '/api/plans/:id/people', path: () => `/api/plans/${s.planId}/people`, allowed: readers, expect: 200 },
  { method: 'POST', route: '/api/plans/:id/goals', path: () => `/api/plans/${s.planId}/goals`, allowed: ['CITY_MANAGER'], expect: 201, body: () => ({ number: ++goalCounter, title: 'Another goal' }) },
  { method: 'GET', route: '/api/plans/:id/items', path: () => `/api/plans/${s.planId}/items`, allowed: readers, expect: 200 },
  {
    method: 'POST',
    route: '/api/plans/:id/items',
    path: () => `/api/plans/${s.planId}/items`,
    allowed: ['CITY_MANAGER'],
    expect: 202,
    body: () => ({ goalNumber: 1, title: 'Matrix item', ownerId: sys.roster.people.engagementLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: inDays(60) }),
  },
  { method: 'GET', route: '/api/plans/:id/items.csv', path: () => `/api/plans/${s.planId}/items.csv`, allowed: readers, expect: 200 },
  { method: 'GET', route: '/api/plans/:id/items.json', path: () => `/api/plans/${s.planId}/items.json`, allowed: readers, expect: 200 },
  {
    method: 'POST',
    route: '/api/plans/:id/items/import',
    path: () => `/api/plans/${s.planId}/items/import`,
    allowed: ['CITY_MANAGER'],
    expect: 202,
    csv: () => `goal,title,owner_email,sponsor_email,due_date\n1,Imported in the matrix,court.lead@example.org,city.manager@example.org,${inDays(50)}\n`,
  },
  { method: 'GET', route: '/api/plans/:id/items/:itemId', path: () => `/api/plans/${s.planId}/items/${s.sharedItem}`, allowed: readers, expect: 200 },
  { method: 'POST', route: '/api/plans/:id/items/:itemId/progress', path: () => `/api/plans/${s.planId}/items/${s.sharedItem}/progress`, allowed: ITEM_ACTORS, expect: 200, body: (r) => ({ note: `progress by ${r}`, percentComplete: 20 }) },
  { method: 'POST', route: '/api/plans/:id/items/:itemId/status', path: () => `/api/plans/${s.planId}/items/${s.sharedItem}/status`, allowed: ITEM_ACTORS, expect: 200, body: () => ({ status: 'IN_PROGRESS' }) },
  { method: 'POST', route: '/api/plans/:id/items/:itemId/complete', path: (r) => `/api/plans/${s.planId}/items/${item(r, 'complete')}/complete`, allowed: ITEM_ACTORS, expect: 200, body: () => ({}) },
  {
    method: 'POST',
    route: '/api/plans/:id/items/:itemId/reschedules',
    path: (r) => `/api/plans/${s.planId}/items/${item(r, 'reschedule')}/reschedules`,
    allowed: ITEM_ACTORS,
    expect: 201,
    body: () => ({ toDueAt: inDays(90), reason: 'Matrix reason' }),
  },
  {
    method: 'POST',
    route: '/api/plans/:id/items/:itemId/reschedules/:requestId/decision',
    path: () => `/api/plans/${s.planId}/items/${s.sharedItem}/reschedules/${s.requestId}/decision`,
    allowed: ['CITY_MANAGER'],
    expect: 200,
    body: () => ({ decision: 'APPROVE' }),
  },
  { method: 'GET', route: '/api/plans/:id/dashboard', path: () => `/api/plans/${s.planId}/dashboard`, allowed: readers, expect: 200 },
  { method: 'GET', route: '/api/me/items', path: () => '/api/me/items', allowed: readers, expect: 200 },
  // Goal 1's engagement sessions of a plan (the rest of their routes: test/integration/api-matrix.test.ts).
  { method: 'GET', route: '/api/plans/:id/sessions', path: () => `/api/plans/${s.planId}/sessions`, allowed: readers, expect: 200 },
  {
    method: 'POST',
    route: '/api/plans/:id/sessions',
    path: () => `/api/plans/${s.planId}/sessions`,
    allowed: ['STAKEHOLDER_LEAD', 'CITY_MANAGER'],
    expect: 201,
    body: (r) => ({
      title: `Session by ${r}`,
      startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 20 * 86_400_000 + 3_600_000).toISOString(),
      place: 'City Hall',
      languages: ['en'],
    }),
  },
  { method: 'GET', route: '/api/public/plans', path: () => '/api/public/plans', allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/public/plans/:id', path: () => `/api/public/plans/${s.planId}`, allowed: 'public', expect: 200 },
  // Residents' comments, as the public reads them (writing and moderating them: test/integration/comments.test.ts).
  { method: 'GET', route: '/api/public/plans/:planId/goals/:number/comments', path: () => `/api/public/plans/${s.planId}/goals/1/comments`, allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/public/plans/:planId/items/:itemId/comments', path: () => `/api/public/plans/${s.planId}/items/${s.sharedItem}/comments`, allowed: 'public', expect: 200 },
  { method: 'GET', route: '/api/public/plans/:planId/comment-figures', path: () => `/api/public/plans/${s.planId}/comment-figures`, allowed: 'public', expect: 200 },
];

beforeAll(async () => {
  sys = await startTestSystem();
  const plan = await send('POST', '/api/plans', { as: 'CITY_MANAGER', json: { title: 'Matrix plan', startDate: inDays(0), goals: [{ number: 1, title: 'Engagement' }] } });
  s.planId = plan.json.id;
  const newItem = async (title: string) => {
    const res = await send('POST', `/api/plans/${s.planId}/items`, {
      as: 'CITY_MANAGER',
      json: { goalNumber: 1, title, ownerId: sys.roster.people.engagementLead.id, sponsorId: sys.roster.people.cityManager.id, dueAt: inDays(30) },
    });
    if (res.status !== 202) throw new Error(`item: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json.id as string;
  };
  s.sharedItem = await newItem('Shared matrix item');
  for (const role of ITEM_ACTORS) {
    // Completing and asking to reschedule are one-shot per item: each actor gets its own.
    s.itemFor[`complete:${role}`] = await newItem(`Completed by ${role}`);
    s.itemFor[`reschedule:${role}`] = await newItem(`Rescheduled by ${role}`);
  }
  const pending = await send('POST', `/api/plans/${s.planId}/items/${s.sharedItem}/reschedules`, { as: 'STAKEHOLDER_LEAD', json: { toDueAt: inDays(45), reason: 'For the decision row' } });
  s.requestId = pending.json.requestId;
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

it('has a row for every documented action-plan route', () => {
  const rows = new Set(matrix.map((r) => `${r.method} ${r.route}`));
  const documented = documentedRoutes()
    .filter((r) => /^\/api\/(plans|me\/items|public\/plans)/.test(r.path))
    .map((r) => `${r.method.toUpperCase()} ${r.path}`);
  expect(documented.filter((r) => !rows.has(r))).toEqual([]);
  expect([...rows].filter((r) => !documented.includes(r))).toEqual([]);
});

for (const row of matrix) {
  const name = `${row.method} ${row.route}`;
  const allowed = row.allowed === 'public' ? readers : row.allowed;
  const forbidden = row.allowed === 'public' ? [] : readers.filter((r) => !allowed.includes(r));
  const payload = (role: RoleKey) => {
    const csv = row.csv?.(role);
    return csv === undefined ? { json: row.body?.(role) } : { body: csv, headers: { 'content-type': 'text/csv' } };
  };

  it(`${name}: no token -> ${row.allowed === 'public' ? row.expect : 401}; bad token -> ${row.allowed === 'public' ? row.expect : 401}`, async () => {
    const anonymous = await send(row.method, row.path(), payload('CITY_MANAGER'));
    const badToken = await send(row.method, row.path(), { token: 'demo-nobody', ...payload('CITY_MANAGER') });
    expect([anonymous.status, badToken.status]).toEqual(row.allowed === 'public' ? [row.expect, row.expect] : [401, 401]);
    if (row.allowed !== 'public') expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  if (forbidden.length > 0) {
    it(`${name}: ${forbidden.join(', ')} -> 403`, async () => {
      for (const role of forbidden) {
        const res = await send(row.method, row.path(role), { as: role, ...payload(role) });
        expect({ role, status: res.status, code: res.json?.error?.code }).toEqual({ role, status: 403, code: 'forbidden' });
      }
    });
  }

  it(`${name}: ${row.allowed === 'public' ? 'every role' : allowed.join(', ')} -> ${row.expect}`, async () => {
    for (const role of allowed) {
      const res = await send(row.method, row.path(role), { as: role, ...payload(role) });
      expect({ role, status: res.status, error: res.json?.error }).toEqual({ role, status: row.expect, error: undefined });
    }
  });
}

it('answered no request with a 5xx', () => {
  expect(serverErrors).toEqual([]);
});
