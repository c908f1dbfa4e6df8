// What operators rely on, without servers behind it: the Temporal TLS and
// Worker Versioning settings, the build id, the API's /metrics figures read
// from the database, /readyz when dependencies are down, and request log
// lines that carry the workflow ids a request touched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConfigError, parseConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import { temporalConnectionOptions } from '../../lib/temporalConnection';
import { createApiMetrics } from '../../api/metrics';
import { requestLogger, workflowIdRecorder } from '../../api/requestLog';
import { createReadinessRouter } from '../../api/routes/readiness';
import { workerDeploymentOptions, workflowBuildId } from '../../worker/versioning';
import { createTestConfig } from '../harness/config';

async function serve(app: express.Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('Temporal connection settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-tls-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is plain gRPC unless a TLS setting is given', () => {
    expect(temporalConnectionOptions(parseConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('reads the CA, the client certificate and key, and names the server', () => {
    for (const name of ['ca.pem', 'worker.pem', 'worker-key.pem']) fs.writeFileSync(path.join(dir, name), `contents of ${name}`);
    const options = temporalConnectionOptions(
      parseConfig({
        TEMPORAL_ADDRESS: '127.0.0.1:7333',
        TEMPORAL_TLS_CA_FILE: path.join(dir, 'ca.pem'),
        TEMPORAL_TLS_CERT_FILE: path.join(dir, 'worker.pem'),
        TEMPORAL_TLS_KEY_FILE: path.join(dir, 'worker-key.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      }),
    );
    expect(options.tls?.serverNameOverride).toBe('temporal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('contents of ca.pem');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe('contents of worker.pem');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe('contents of worker-key.pem');
  });

  it('refuses a certificate without its key, and a metrics address without a port', () => {
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_FILE: '/x/worker.pem' })).toThrow(ConfigError);
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_FILE: '/x/worker.pem' })).toThrow(/TEMPORAL_TLS_KEY_FILE: the client certificate and its key/);
    expect(() => parseConfig({ WORKER_METRICS_ADDRESS: '9464' })).toThrow(/WORKER_METRICS_ADDRESS: must be host:port/);
  });
});

describe('Worker Versioning', () => {
  it('derives the build id from the workflow bundle, with the actor-claim key masked: same code, same build', () => {
    const bundle = (key: string) => `const key = ${JSON.stringify(key)}; workflows();`;
    expect(workflowBuildId(bundle('first key'), 'first key')).toBe(workflowBuildId(bundle('second key'), 'second key'));
    expect(workflowBuildId(bundle('k'), 'k')).not.toBe(workflowBuildId('other workflows', 'k'));
    expect(workflowBuildId('bundle A')).toMatch(/^[0-9a-f]{12}$/);
  });

  it('joins the deployment with auto-upgrade only when a deployment is named', () => {
    expect(workerDeploymentOptions(parseConfig({}), 'code')).toEqual({});
    const options = workerDeploymentOptions(parseConfig({ TEMPORAL_DEPLOYMENT_NAME: 'common-ground', TEMPORAL_WORKER_BUILD_ID: 'abc123' }), 'code');
    expect(options.workerDeploymentOptions).toEqual({
      useWorkerVersioning: true,
      version: { deploymentName: 'common-ground', buildId: 'abc123' },
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    });
  });
});

describe('GET /metrics', () => {
  const fakeDb = {
    notification: {
      groupBy: async () => [
        { channel: 'EMAIL', status: 'SENT', _count: { _all: 12 } },
        { channel: 'SMS', status: 'UNDELIVERABLE', _count: { _all: 1 } },
      ],
    },
    auditEvent: { groupBy: async () => [{ action: 'incident.ack-escalated-to-backup', _count: { _all: 3 } }] },
    deadline: {
      findMany: async () => [
        { kind: 'HOLDING_STATEMENT', status: 'MISSED', dueAt: new Date(Date.now() - 60_000) },
        { kind: 'HOLDING_STATEMENT', status: 'OPEN', dueAt: new Date(Date.now() - 1_000) },
        { kind: 'PRESS_CONFERENCE', status: 'OPEN', dueAt: new Date(Date.now() + 3_600_000) },
      ],
    },
  } as unknown as Db;

  it('counts requests by route pattern and reports the figures read from the database', async () => {
    const metrics = createApiMetrics({ db: fakeDb });
    const app = express();
    app.use(metrics.recordRequests, metrics.router);
    app.get('/ack/:token', (_req, res) => res.status(500).send('no'));
    const { base, close } = await serve(app);
    try {
      await fetch(`${base}/ack/secret-token-1`);
      await fetch(`${base}/ack/secret-token-2`);
      metrics.setDependencyUp('smtp', false);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('commonground_http_requests_total{method="GET",route="/ack/:token",code="500"} 2');
      expect(text).not.toContain('secret-token');
      expect(text).toContain('commonground_notifications{channel="EMAIL",status="SENT"} 12');
      expect(text).toContain('commonground_escalations_fired{kind="incident.ack-escalated-to-backup"} 3');
      expect(text).toContain('commonground_escalations_fired{kind="item.escalated"} 0');
      expect(text).toContain('commonground_deadlines_missed{kind="HOLDING_STATEMENT"} 2');
      expect(text).not.toContain('kind="PRESS_CONFERENCE"');
      expect(text).toContain('commonground_dependency_up{dependency="smtp"} 0');
      expect(text).toContain('commonground_db_figures_up 1');
    } finally {
      await close();
    }
  });
});

describe('GET /readyz', () => {
  it('is 503 when the database and Temporal are unreachable, and names every dependency', async () => {
    const down = async () => {
      throw new Error('unreachable');
    };
    const db = { $queryRaw: down } as unknown as Db;
    const temporal = { withDeadline: down } as never;
    const config = createTestConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: 1, TWILIO_API_BASE_URL: 'http://127.0.0.1:1' });
    const reported: Record<string, boolean> = {};
    const app = express();
    app.use(createReadinessRouter({ db, temporal, config, onCheck: (dependency, up) => (reported[dependency] = up) }));
    const { base, close } = await serve(app);
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'not_ready', checks: { database: 'down', temporal: 'down', smtp: 'down', sms: 'down' } });
      expect(reported).toEqual({ database: false, temporal: false, smtp: false, sms: false });
    } finally {
      await close();
    }
  });
});

describe('request log lines', () => {
  it('carry the route pattern, the status and the workflow ids the request touched', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(requestLogger({ log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })) }));
    app.post('/api/incidents/:number/acknowledge', async (req, res) => {
      // What the API's Temporal client does on a signal: the interceptor notes the workflow id.
      await workflowIdRecorder.signal!(
        { signalName: 'ack', args: [], headers: {}, workflowExecution: { workflowId: `incident-${req.params.number}` } },
        async () => undefined,
      );
      res.status(202).json({});
    });
    const { base, close } = await serve(app);
    try {
      const res = await fetch(`${base}/api/incidents/CI-2026-0007/acknowledge`, { method: 'POST', headers: { 'x-request-id': 'req-1' } });
      expect(res.headers.get('x-request-id')).toBe('req-1');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 'info',
        msg: 'request',
        requestId: 'req-1',
        method: 'POST',
        route: '/api/incidents/:number/acknowledge',
        status: 202,
        workflowIds: ['incident-CI-2026-0007'],
      });
    } finally {
      await close();
    }
  });
});
