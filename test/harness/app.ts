import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createMailer, createSmsClient } from '../../activities/notifications/providers';
import { createApp } from '../../api/app';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { seedDemoRoster, type RoleKey, type SeededRoster } from '../../scripts/seed-roster';
import { createTestConfig } from './config';
import { createTestDatabase, type TestDatabase } from './database';
import { listeningPlaceholder } from './freePort';
import { createLocalTemporalEnv } from './localTemporal';
import { startSinks, type TestSinks } from './sinks';
import { createTestWorker, type TestWorkerOptions } from './worker';

export interface TestSystem {
  config: Config;
  database: TestDatabase;
  db: Db;
  env: TestWorkflowEnvironment;
  /** Temporal client on the local dev server (the same one the API uses). */
  temporal: Client;
  sinks: TestSinks;
  worker: Worker;
  /** http://127.0.0.1:<port> of the API (and web pages). */
  baseUrl: string;
  roster: SeededRoster;
  /** Bearer token per role: the literal demo tokens (demo-city-manager, ...). */
  tokens: Record<RoleKey, string>;
  /** fetch against the API with `Authorization: Bearer <token of role>` when a role is given. */
  request(path: string, init?: RequestInit & { as?: RoleKey; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  config?: Partial<Config>;
  worker?: TestWorkerOptions;
  /** SMS sink callback delays (sent, delivered). */
  smsCallbackDelaysMs?: [number, number];
  /** Connections the API and the worker share (default 5); a load test wants more. */
  databasePoolSize?: number;
}

/**
 * The whole system as command (a) runs it, on private ports: a fresh migrated
 * database, a real Temporal dev server, the mail and SMS sinks, a worker with
 * every workflow and the real activities, the express app, and the demo roster.
 * Always `await system.stop()` (afterAll).
 */
export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
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
    const { server, port: apiPort } = await listeningPlaceholder();
    let serverClosed: Promise<void> | undefined;
    const closeServer = () =>
      (serverClosed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }));
    // Closed last if start-up fails half-way; closed first (below) once the app serves.
    cleanups.push(closeServer);
    const baseUrl = `http://127.0.0.1:${apiPort}`;

    const database = await createTestDatabase({ poolSize: options.databasePoolSize });
    cleanups.push(() => database.drop());

    const env = await createLocalTemporalEnv();
    cleanups.push(() => env.teardown());

    const sinks = await startSinks({ publicBaseUrl: baseUrl, callbackDelaysMs: options.smsCallbackDelaysMs });
    cleanups.push(() => sinks.close());

    const config = createTestConfig({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      API_HOST: '127.0.0.1',
      API_PORT: apiPort,
      PUBLIC_BASE_URL: baseUrl,
      ...sinks.config,
      ...options.config,
    });

    const mailer = createMailer(config);
    cleanups.push(() => mailer.close());
    const sms = createSmsClient(config);
    const deps = { db: database.db, mailer, sms, config, temporal: env.client };

    const worker = await createTestWorker(env, deps, { taskQueue: config.TEMPORAL_TASK_QUEUE, ...options.worker });
    const running = worker.run();
    running.catch((err) => console.error('[test system] worker stopped with an error:', err));
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });

    // Low bcrypt cost: same password, same verification path, a fraction of the start-up time.
    const roster = await seedDemoRoster(database.db, { embeddedTokens: true, bcryptRounds: 4 });

    const app = createApp({ db: database.db, temporal: env.client, config });
    server.on('request', app);
    cleanups.push(closeServer);

    const request: TestSystem['request'] = (path, init = {}) => {
      const { as, json, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (as) merged.set('authorization', `Bearer ${roster.tokens[as]}`);
      if (json !== undefined) merged.set('content-type', 'application/json');
      return fetch(`${baseUrl}${path}`, { ...rest, headers: merged, body: json !== undefined ? JSON.stringify(json) : rest.body });
    };

    return {
      config,
      database,
      db: database.db,
      env,
      temporal: env.client,
      sinks,
      worker,
      baseUrl,
      roster,
      tokens: roster.tokens,
      request,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Declares an incident through the API as the city manager, as the console does; its number. */
export async function declareIncident(sys: Pick<TestSystem, 'request'>, declaration: { type: string; severity: 1 | 2 | 3; title: string; summary: string }): Promise<string> {
  const res = await sys.request('/api/incidents', { method: 'POST', as: 'CITY_MANAGER', json: declaration });
  if (res.status !== 202) throw new Error(`declaring answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { number: string }).number;
}
