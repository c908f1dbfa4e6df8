import { startTestSystem, type TestSystem } from '../harness/app';

describe('test harness: the whole system', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('serves the API on its own port, authenticated by the seeded demo tokens', async () => {
    const health = await system.request('/healthz');
    expect(health.status).toBe(200);

    const me = await system.request('/api/me', { as: 'CITY_MANAGER' });
    expect(me.status).toBe(200);
    expect(JSON.stringify(await me.json())).toContain('city.manager@example.org');

    const anonymous = await system.request('/api/me');
    expect(anonymous.status).toBe(401);
  });

  it('seeds every demo person with the demo password', async () => {
    const ok = await system.request('/api/session', { method: 'POST', json: { email: 'pio@example.org', password: 'demo-password' } });
    expect(ok.status).toBe(201);
    const wrong = await system.request('/api/session', { method: 'POST', json: { email: 'pio@example.org', password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
  });

  it('points the providers at the sinks and runs a worker on the dev server', async () => {
    expect(system.config.SMTP_PORT).toBe(system.sinks.mail.smtpPort);
    expect(system.config.TWILIO_API_BASE_URL).toBe(`http://127.0.0.1:${system.sinks.sms.port}`);
    expect(system.worker.getState()).toBe('RUNNING');
    const namespaces = await system.temporal.workflowService.describeNamespace({ namespace: system.config.TEMPORAL_NAMESPACE });
    expect(namespaces.namespaceInfo?.name).toBe(system.config.TEMPORAL_NAMESPACE);
  });
});
