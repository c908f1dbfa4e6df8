// When the city manager acknowledges for a silent official, the record names
// both: who acted, and for whom. The whole system (workflow, activity, audit
// log, incident view).
import { DEFAULT_POLICY } from '../../policy/defaultPolicy';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';

let sys: TestSystem;
const person = (role: string) => Object.values(sys.roster.people).find((p) => p.roles.includes(role as never))!;

beforeAll(async () => {
  sys = await startTestSystem();
});

afterAll(async () => {
  await sys?.stop();
});

test('an acknowledgement on behalf records the acting person and the person acknowledged for, in the audit log and the incident view', async () => {
  const declared = await sys.request('/api/incidents', {
    method: 'POST',
    as: 'CITY_MANAGER',
    json: { type: DEFAULT_POLICY.definition.types[0].key, severity: 2, title: 'Acknowledged for', summary: 'The PIO is out of reach.' },
  });
  const { number, id } = await declared.json();
  await eventually(async () => {
    const detail = await (await sys.request(`/api/incidents/${number}`, { as: 'CITY_MANAGER' })).json();
    return detail.stateSource === 'workflow' && detail.recipients.length > 0;
  }, 'the incident to start');

  const pio = person('PIO');
  const manager = person('CITY_MANAGER');
  const forPio = await sys.request(`/api/incidents/${number}/acknowledgements`, { method: 'POST', as: 'CITY_MANAGER', json: { personId: pio.id } });
  expect(forPio.status).toBe(200);
  const own = await sys.request(`/api/incidents/${number}/acknowledgements`, { method: 'POST', as: 'CITY_MANAGER', json: {} });
  expect(own.status).toBe(200);

  const events = await sys.db.auditEvent.findMany({ where: { incidentId: id, action: 'incident.acknowledged' }, orderBy: { seq: 'asc' } });
  const onBehalf = events.find((e) => (e.data as { personId: string }).personId === pio.id)!;
  expect(onBehalf).toMatchObject({ actorId: manager.id, actorLabel: manager.name });
  expect(onBehalf.data).toMatchObject({ personId: pio.id, onBehalfOf: { personId: pio.id, name: pio.name }, acknowledgedBy: { personId: manager.id, name: manager.name } });
  const ownEvent = events.find((e) => (e.data as { personId: string }).personId === manager.id)!;
  expect(ownEvent).toMatchObject({ actorId: manager.id });
  expect(ownEvent.data).not.toHaveProperty('acknowledgedBy');

  const detail = await (await sys.request(`/api/incidents/${number}`, { as: 'MAYOR' })).json();
  const recipients = new Map(detail.recipients.map((r: { personId: string }) => [r.personId, r]));
  expect(recipients.get(pio.id)).toMatchObject({ acknowledgedBy: { personId: manager.id, name: manager.name } });
  expect(recipients.get(manager.id)).toMatchObject({ acknowledgedBy: null });
  expect(detail.timeline.find((t: { action: string; data: { personId: string } }) => t.action === 'incident.acknowledged' && t.data.personId === pio.id)).toMatchObject({
    actorId: manager.id,
  });
});
