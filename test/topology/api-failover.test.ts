// kill -9 one of the two API processes: the proxy passes every request to the
// other one, so callers see no error, and a declaration made afterwards still
// reaches its recipients.
import { startTopologySystem, type TopologySystem } from './harness/system';
import { declareSev1, eventually, sinkTally } from './harness/incidents';

let sys: TopologySystem;

beforeAll(async () => {
  sys = await startTopologySystem({ workers: 1, apis: 2 });
});

afterAll(async () => {
  await sys?.stop();
});

/** Requests to GET /api/me that this API process has answered, from its own /metrics. */
async function answeredBy(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('commonground_http_requests_total{') && line.includes('route="/api/me"') && line.includes('code="200"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

test('with one API process killed, the other serves every request through the proxy', async () => {
  const [first, second] = sys.apis;
  for (let i = 0; i < 20; i++) expect((await sys.request('/api/me', { as: 'CITY_MANAGER' })).status).toBe(200);
  // The proxy spreads requests over both processes.
  expect(await answeredBy(first.port)).toBeGreaterThan(0);
  expect(await answeredBy(second.port)).toBeGreaterThan(0);

  first.signal('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  await expect(fetch(`http://127.0.0.1:${first.port}/healthz`)).rejects.toThrow();

  const before = await answeredBy(second.port);
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await sys.request('/api/me', { as: 'CITY_MANAGER' })).status);
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
  expect((await answeredBy(second.port)) - before).toBe(40);

  // Writes too: a declaration through the proxy is accepted and delivered.
  const incident = await declareSev1(sys, 'API failover test');
  await eventually(async () => {
    const recipients = await sys.db.incidentRecipient.findMany({ where: { incidentId: incident.id }, include: { person: true } });
    const { emailsTo } = sinkTally(sys);
    return recipients.length > 0 && recipients.every((r) => emailsTo.has(r.person.email));
  }, 'the declaration emails');
  expect((await fetch(`${sys.baseUrl}/readyz`)).status).toBe(200);
});
