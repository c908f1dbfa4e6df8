// The whole system on the production topology, for one test file: a fresh
// database owned by the app's role on the topology's PostgreSQL, the mail and
// SMS sinks in this process, two worker processes and two API processes (the
// proxy's two ports) reaching the Temporal server over mTLS, and the demo
// roster. Its shape follows test/harness/app.ts, so a test written for the
// integration harness runs here unchanged: the topology project maps
// '../harness/app' to this file (jest.config.js).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { createDb, type Db } from '../../../lib/db';
import { temporalConnectionOptions } from '../../../lib/temporalConnection';
import { makeBuildCurrent } from '../../../worker/versioning';
import { seedDemoRoster, type RoleKey, type SeededRoster } from '../../../scripts/seed-roster';
import { applyMigrations } from '../../harness/database';
import { startSinks, type TestSinks } from '../../harness/sinks';
import { startApi, startWorker, type AppProcess, type StartOptions, type WorkerProcess } from './appProcesses';
import { freePort } from '../../harness/freePort';
import { readEnvFile, runScript, scriptEnv, topologyInfo, type TopologyInfo } from './infra';

export interface TopologySystemOptions {
  /** Worker processes to start (default 2). */
  workers?: number;
  /** API processes to start behind the proxy, on ports picked now (default 2, at most 2). */
  apis?: number;
  /** SMS sink callback delays (sent, delivered). */
  smsCallbackDelaysMs?: [number, number];
  /** Added to every app process's environment (e.g. POLICY_FILE). */
  env?: Record<string, string>;
}

export interface TopologySystem {
  info: TopologyInfo;
  db: Db;
  databaseUrl: string;
  sinks: TestSinks;
  /** A client as an operator (cli certificate), on this file's namespace. */
  temporal: Client;
  /** The proxy: what residents and officials would use. */
  baseUrl: string;
  roster: SeededRoster;
  tokens: Record<RoleKey, string>;
  taskQueue: string;
  deploymentName: string;
  workers: WorkerProcess[];
  apis: AppProcess[];
  /** What every app process of this system is started with. */
  processOptions: StartOptions;
  /** Another worker of this system (e.g. after one was killed). */
  addWorker(options?: { env?: Record<string, string> }): Promise<WorkerProcess>;
  /** Makes a build the current version of this system's Worker Deployment, as scripts/promote-build.ts does. */
  setCurrentBuild(buildId: string): Promise<void>;
  request(path: string, init?: RequestInit & { as?: RoleKey; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new PgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new namespace reaches every service of the server within seconds (namespace cache refresh). */
async function namespaceReady(client: Client): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: 'readiness-probe' } });
      return;
    } catch (err) {
      // "workflow not found" means the namespace is known; "namespace <name> is not found" that it is not yet.
      const message = err instanceof Error ? err.message : String(err);
      if (/not found/i.test(message) && !message.includes(client.options.namespace)) return;
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function startTopologySystem(options: TopologySystemOptions = {}): Promise<TopologySystem> {
  const info = topologyInfo();
  const certDir = path.join(info.dataDir, 'certs');
  const appEnv = readEnvFile(path.join(info.dataDir, 'app.env'));
  const secrets = readEnvFile(path.join(info.dataDir, 'secrets.env'));
  const suffix = randomBytes(4).toString('hex');
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const stop = async () => {
    const errors: unknown[] = [];
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  };

  try {
    // A database of its own, owned by the app's role, as up.sh makes `commonground`.
    const adminUrl = `postgresql://commonground:${secrets.PG_ADMIN_PASSWORD}@127.0.0.1:${info.ports.pg}/postgres`;
    const database = `cg_topology_${suffix}`;
    await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE "${database}" OWNER cg_app`));
    cleanups.push(() => withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)));
    const databaseUrl = `postgresql://cg_app:${secrets.APP_DB_PASSWORD}@127.0.0.1:${info.ports.pg}/${database}`;
    await applyMigrations(databaseUrl);
    const db = createDb(databaseUrl, { max: 5 });
    cleanups.push(() => db.$disconnect());

    const baseUrl = `http://127.0.0.1:${info.ports.proxy}`;
    // Production refuses the shipped Twilio token: the sink and the app share a fresh one.
    const sinks = await startSinks({ publicBaseUrl: baseUrl, callbackDelaysMs: options.smsCallbackDelaysMs, twilioAuthToken: randomBytes(24).toString('hex') });
    cleanups.push(() => sinks.close());

    const connection = await Connection.connect(
      temporalConnectionOptions({
        TEMPORAL_ADDRESS: appEnv.TEMPORAL_ADDRESS,
        TEMPORAL_TLS_CA_FILE: path.join(certDir, 'ca.pem'),
        TEMPORAL_TLS_CERT_FILE: path.join(certDir, 'cli.pem'),
        TEMPORAL_TLS_KEY_FILE: path.join(certDir, 'cli-key.pem'),
        TEMPORAL_TLS_SERVER_NAME: appEnv.TEMPORAL_TLS_SERVER_NAME,
      }),
    );
    cleanups.push(() => connection.close());
    // A namespace of its own: incident numbers start again in every fresh database,
    // and workflow ids (incident-CI-2026-0001) are never reused within a namespace.
    const namespace = `cg-topology-${suffix}`;
    await new Client({ connection }).workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1d'),
    });
    const temporal = new Client({ connection, namespace });
    await namespaceReady(temporal);

    // Each test file has its own task queue and Worker Deployment too, so no
    // file's workflows reach another file's workers (or database).
    const taskQueue = `cg-topology-${suffix}`;
    const deploymentName = `cg-topology-${suffix}`;
    const processOptions: StartOptions = {
      certDir,
      logDir: path.join(info.dataDir, 'logs', `system-${suffix}`),
      env: {
        ...appEnv,
        DATABASE_URL: databaseUrl,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_DEPLOYMENT_NAME: deploymentName,
        ...Object.fromEntries(Object.entries(sinks.config).map(([key, value]) => [key, String(value)])),
        ...options.env,
      },
    };

    const workers: WorkerProcess[] = [];
    const apis: AppProcess[] = [];
    // Every process spawned, ready or not: a start that fails halfway leaves nothing running.
    const spawned: AppProcess[] = [];
    cleanups.push(() => Promise.all(spawned.map((proc) => proc.stop())));
    processOptions.track = (proc) => spawned.push(proc);
    let workerNumber = 0;
    const addWorker: TopologySystem['addWorker'] = async (extra = {}) => {
      workerNumber += 1;
      const proc = await startWorker(`worker-${workerNumber}`, { ...processOptions, env: { ...processOptions.env, ...extra.env } });
      workers.push(proc);
      return proc;
    };
    const setCurrentBuild = async (buildId: string) => {
      await makeBuildCurrent(temporal, { deploymentName, buildId });
    };

    const workerCount = options.workers ?? 2;
    await Promise.all(Array.from({ length: workerCount }, () => addWorker()));
    // Every worker bundled the same code, so they report the same build: make it current.
    if (workerCount > 0) await setCurrentBuild(workers[0].buildId);
    // Ports picked now and handed to the proxy (re-rendered and reloaded, as when an
    // operator changes CG_PROD_API_PORTS): ports picked at global set-up could be
    // taken by another program on the machine by the time this file runs.
    const apiCount = Math.min(options.apis ?? 2, 2);
    if (apiCount > 0) {
      const apiPorts: [number, number] = [await freePort(), await freePort()];
      runScript('scripts/topology/proxy.sh', [], scriptEnv(info.dataDir, { ...info.ports, apis: apiPorts }));
      apis.push(...(await Promise.all(apiPorts.slice(0, apiCount).map((port, i) => startApi(`api-${i + 1}`, port, processOptions)))));
    }

    // The fictional people with fresh tokens and no password: production API
    // processes refuse to start while the published demo credentials would work.
    const roster = await seedDemoRoster(db, { embeddedTokens: false });

    const request: TopologySystem['request'] = (requestPath, init = {}) => {
      const { as, json, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (as) merged.set('authorization', `Bearer ${roster.tokens[as]}`);
      if (json !== undefined) merged.set('content-type', 'application/json');
      return fetch(`${baseUrl}${requestPath}`, { ...rest, headers: merged, body: json !== undefined ? JSON.stringify(json) : rest.body });
    };

    return {
      info,
      db,
      databaseUrl,
      sinks,
      temporal,
      baseUrl,
      roster,
      tokens: roster.tokens,
      taskQueue,
      deploymentName,
      workers,
      apis,
      processOptions,
      addWorker,
      setCurrentBuild,
      request,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** test/harness/app.ts's entry point, for tests that run unchanged on this topology. */
export const startTestSystem = startTopologySystem;
