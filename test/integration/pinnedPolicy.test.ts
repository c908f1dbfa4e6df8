// A running incident keeps the policy it was declared under, also for who
// decides on its statements: an incident declared under clayton-2026.1
// (statements approved by the city manager, then the police chief) finishes
// its approvals after the current policy has become clayton-2026.2 (the PIO
// approves; the chief no longer does), through the API and its role checks.
// Counsel's holds and withdrawal follow the pinned policy the same way.
import { currentPolicy, getPolicy, parsePolicy, setCurrentPolicy } from '../../policy';
import { startTestSystem, type TestSystem } from '../harness/app';
import { eventually } from '../harness/eventually';
import { apiCaller } from '../harness/http';

let sys: TestSystem;
const serverErrors: string[] = [];
const call = apiCaller(() => sys.request, { serverErrors });
const adopted = currentPolicy();

beforeAll(async () => {
  sys = await startTestSystem();
}, 240_000);

afterAll(async () => {
  setCurrentPolicy(adopted);
  await sys?.stop();
}, 60_000);

it("an incident declared under clayton-2026.1 is approved by that version's chain after the default moved on", async () => {
  setCurrentPolicy(getPolicy('clayton-2026.1'));
  const declared = await call('POST', '/api/incidents', {
    as: 'CITY_MANAGER',
    json: { type: 'OTHER', severity: 3, title: 'Declared under the earlier plan', summary: 'A fictional incident.' },
  });
  expect(declared.status).toBe(202);
  expect(declared.json.policyVersion).toBe('clayton-2026.1');
  const number: string = declared.json.number;
  await eventually(async () => {
    const detail = await call('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' });
    return detail.json?.stateSource === 'workflow' && detail.json.deadlines.length > 0;
  }, `incident ${number} to start`);
  const draft = await call('POST', `/api/incidents/${number}/statements`, {
    as: 'PIO',
    json: { kind: 'HOLDING_STATEMENT', title: 'Holding statement', body: 'We are aware of an incident.' },
  });
  expect(draft.status).toBe(201);

  setCurrentPolicy(adopted);
  expect(currentPolicy().version).not.toBe('clayton-2026.1');
  const decide = (as: 'CITY_MANAGER' | 'POLICE_CHIEF') =>
    call('POST', `/api/statements/${draft.json.statementId}/decisions`, { as, json: { version: 1, decision: 'APPROVE' } });
  await eventually(async () => (await decide('CITY_MANAGER')).status === 200 || undefined, 'the city manager to approve');
  const chief = await decide('POLICE_CHIEF');
  expect([chief.status, chief.json?.status]).toEqual([200, 'PUBLISHED']);
  // The chief reads the draft history of that incident's statement too (need to know under its own policy).
  const statement = await call('GET', `/api/statements/${draft.json.statementId}`, { as: 'POLICE_CHIEF' });
  expect(statement.json.approvals.map((a: { role: string }) => a.role)).toEqual(['CITY_MANAGER', 'POLICE_CHIEF']);
  // clayton-2026.1 has neither holds nor withdrawal, whatever the current policy allows.
  const withdraw = await call('POST', `/api/statements/${draft.json.statementId}/withdraw`, { as: 'PIO', json: { note: 'Superseded.' } });
  expect(withdraw.status).toBe(409);
  const hold = await call('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: { scope: { kind: 'ALL' }, category: 'LITIGATION', detail: 'A pending claim.' } });
  expect(hold.status).toBe(409);
  expect(serverErrors).toEqual([]);
});

it("who places and releases counsel's holds follows the incident's policy after the current one names someone else", async () => {
  const declared = await call('POST', '/api/incidents', {
    as: 'CITY_MANAGER',
    json: { type: 'OTHER', severity: 3, title: 'Declared under the adopted plan', summary: 'A fictional incident.' },
  });
  expect(declared.status).toBe(202);
  const number: string = declared.json.number;
  const pinned = declared.json.policyVersion as string;
  expect(getPolicy(pinned).holds?.placeBy).toEqual(['CITY_ATTORNEY']);
  await eventually(async () => (await call('GET', `/api/incidents/${number}`, { as: 'CITY_MANAGER' })).json?.stateSource === 'workflow' || undefined, `incident ${number} to start`);

  const managerHolds = parsePolicy({ ...adopted, version: `${adopted.version}-manager-holds`, holds: { ...adopted.holds!, placeBy: ['CITY_MANAGER'], releaseBy: ['CITY_MANAGER'] } });
  setCurrentPolicy(managerHolds);
  const body = { scope: { kind: 'ALL' }, category: 'LITIGATION', detail: 'A pending claim.' };
  expect((await call('POST', `/api/incidents/${number}/holds`, { as: 'CITY_MANAGER', json: body })).status).toBe(403);
  const placed = await call('POST', `/api/incidents/${number}/holds`, { as: 'CITY_ATTORNEY', json: body });
  expect(placed.status).toBe(201);
  expect((await call('POST', `/api/incidents/${number}/holds/${placed.json.holdId}/release`, { as: 'CITY_MANAGER', json: {} })).status).toBe(403);
  expect((await call('POST', `/api/incidents/${number}/holds/${placed.json.holdId}/release`, { as: 'CITY_ATTORNEY', json: {} })).status).toBe(200);
  setCurrentPolicy(adopted);
  expect(serverErrors).toEqual([]);
});
