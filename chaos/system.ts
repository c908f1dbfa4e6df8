// The whole system as command (a) wires it, on its own data and free ports,
// with every piece the chaos run kills as a separate process: PostgreSQL (a
// throwaway cluster), the Temporal dev server persisted to a SQLite file (so
// it can be killed and started again on the same data), the worker and the
// API (tsx, as scripts/up.sh starts them). The mail and SMS sinks run inside
// this process, where the scenarios switch their faults on and off and read
// what arrived.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { DEFAULT_POLICY } from '../policy/defaultPolicy';
import type { Db } from '../lib/db';
import { seedDemoRoster, type RoleKey, type SeededRoster } from '../scripts/seed-roster';
import { createTestDatabase, type TestDatabase } from '../test/harness/database';
import { freePort } from '../test/harness/freePort';
import { REPO_ROOT, TEMPORAL_CLI_PATH } from '../test/harness/paths';
import { startSinks, type TestSinks } from '../test/harness/sinks';
import { bundleWorkflows } from '../worker/workflowBundle';
import { ManagedProcess, sleep, until } from './processes';

export interface ChaosSystemOptions {
  dataDir: string;
  /** Most SMS per second per sender the worker may send (SMS_SENDS_PER_SECOND). */
  smsSendsPerSecond: number;
  /** Sev-1 names this many people (fictional aldermen are added to the demo roster). */
  sev1Recipients: number;
  /** The SMS sink answers 429 past this many texts per second from one number, as a carrier would. Unset: no limit. */
  smsSinkMaxPerSecond?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The policy the Temporal-kill scenario runs under: backups called after `backupAfter`, the silent reported after `reportSilentAfter`. */
export interface ShortAcknowledgement {
  backupAfter: string;
  reportSilentAfter: string;
}

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

export class ChaosSystem {
  database!: TestDatabase;
  sinks!: TestSinks;
  temporal!: Client;
  roster!: SeededRoster;
  temporalServer!: ManagedProcess;
  worker!: ManagedProcess;
  api!: ManagedProcess;
  baseUrl = '';
  private temporalAddress = '';
  private env: NodeJS.ProcessEnv = {};
  private policyFile: string | null = null;
  private connection: Connection | null = null;
  /** HTTP answers of 5xx since the counter was last reset, by status. */
  serverErrors: Record<number, number> = {};

  constructor(readonly options: ChaosSystemOptions) {}

  get db(): Db {
    return this.database.db;
  }

  get logDir(): string {
    return path.join(this.options.dataDir, 'logs');
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.logDir, { recursive: true });
    if (!fs.existsSync(TEMPORAL_CLI_PATH)) throw new Error(`Temporal CLI not found at ${TEMPORAL_CLI_PATH}; run: bash scripts/ensure-temporal-cli.sh`);
    const [temporalPort, apiPort] = [await freePort(), await freePort()];
    this.temporalAddress = `127.0.0.1:${temporalPort}`;
    this.baseUrl = `http://127.0.0.1:${apiPort}`;

    log('PostgreSQL (throwaway cluster), migrations');
    this.database = await createTestDatabase({ poolSize: 10 });
    log('mail and SMS sinks');
    this.sinks = await startSinks({ publicBaseUrl: this.baseUrl, callbackDelaysMs: [50, 100], smsMaxPerSecondPerSender: this.options.smsSinkMaxPerSecond });

    log(`Temporal dev server on ${this.temporalAddress} (state in ${path.relative(REPO_ROOT, this.options.dataDir)}/temporal.db)`);
    this.temporalServer = new ManagedProcess({
      name: 'temporal',
      command: TEMPORAL_CLI_PATH,
      args: [
        'server', 'start-dev',
        '--db-filename', path.join(this.options.dataDir, 'temporal.db'),
        '--sqlite-pragma', 'journal_mode=wal',
        '--ip', '127.0.0.1', '--port', String(temporalPort), '--headless', '--log-level', 'error',
      ],
      env: process.env,
      logFile: path.join(this.logDir, 'temporal.log'),
      ready: () => until(() => this.temporalAnswers()),
    });
    await this.temporalServer.start();
    this.connection = await Connection.connect({ address: this.temporalAddress });
    this.temporal = new Client({ connection: this.connection, namespace: 'default' });

    log('workflow bundle (built once; every worker start reuses it)');
    // The worker's recipe, keyed with this run's own actor-claim key; the bundle on disk holds that key,
    // which is why only a throwaway run like this one may write it (production refuses WORKFLOW_BUNDLE_PATH).
    const actorClaimSecret = randomBytes(32).toString('hex');
    const bundle = await bundleWorkflows(actorClaimSecret, { logger: new DefaultLogger('WARN') });
    const bundlePath = path.join(this.options.dataDir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);

    this.env = {
      ...process.env,
      MODE: 'embedded',
      DATABASE_URL: this.database.url,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      PUBLIC_BASE_URL: this.baseUrl,
      SMTP_HOST: this.sinks.config.SMTP_HOST,
      SMTP_PORT: String(this.sinks.config.SMTP_PORT),
      SMTP_SECURE: 'false',
      TWILIO_API_BASE_URL: this.sinks.config.TWILIO_API_BASE_URL,
      TWILIO_ACCOUNT_SID: this.sinks.config.TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: this.sinks.config.TWILIO_AUTH_TOKEN,
      SMS_SENDS_PER_SECOND: String(this.options.smsSendsPerSecond),
      // A 2,000-row CSV is a few hundred kilobytes.
      API_BODY_LIMIT_BYTES: String(2 * 1024 * 1024),
      WORKFLOW_BUNDLE_PATH: bundlePath,
      ACTOR_CLAIM_SECRET: actorClaimSecret,
      LOG_LEVEL: 'warn',
    };
    this.worker = new ManagedProcess({
      name: 'worker',
      command: TSX,
      // WORKER_CPU_PROFILE_DIR: a benchmark's worker writes a V8 CPU profile there when it stops (for finding where its time goes).
      args: process.env.WORKER_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.WORKER_CPU_PROFILE_DIR}`, 'worker/main.ts'] : ['worker/main.ts'],
      env: this.processEnv(),
      logFile: path.join(this.logDir, 'worker.log'),
      ready: (p) => p.waitForLine((line) => line.includes('"worker started"')),
      supervised: true,
    });
    this.api = new ManagedProcess({
      name: 'api',
      command: TSX,
      args: ['api/main.ts'],
      env: this.processEnv(),
      logFile: path.join(this.logDir, 'api.log'),
      ready: () => until(async () => (await fetch(`${this.baseUrl}/healthz`)).ok),
      supervised: true,
    });
    log('worker and API');
    await Promise.all([this.worker.start(), this.api.start()]);

    log('demo roster');
    this.roster = await seedDemoRoster(this.db, { embeddedTokens: true, bcryptRounds: 4 });
    // Every number valid: the run counts deliveries, not the invalid-number fallback the demo shows.
    await this.db.person.updateMany({ where: { phone: { startsWith: '+1555000' } }, data: { phone: '+13145550199' } });
    await this.addSev1Recipients(this.options.sev1Recipients);
  }

  /** Worker and API again, with POLICY_FILE set to a short acknowledgement window (or back to the built-in policy). */
  async usePolicy(ack: ShortAcknowledgement | null): Promise<void> {
    if (ack) {
      // Without acknowledgement calls: their ladder must end before backupAfter, which a window this short
      // cannot hold, and this scenario counts email and text (calls have their own tests: ackCalls, callAndReply).
      const acknowledgement = { ...DEFAULT_POLICY.acknowledgement, ...ack, calls: undefined };
      const policy = { ...DEFAULT_POLICY, version: `chaos-ack-${ack.backupAfter}-${ack.reportSilentAfter}`, acknowledgement };
      this.policyFile = path.join(this.options.dataDir, `policy-${policy.version}.json`);
      fs.writeFileSync(this.policyFile, JSON.stringify(policy, null, 2));
    } else {
      this.policyFile = null;
    }
    this.worker.spec.env = this.processEnv();
    this.api.spec.env = this.processEnv();
    await Promise.all([this.worker.stop(), this.api.stop()]);
    await Promise.all([this.worker.start(), this.api.start()]);
  }

  private processEnv(): NodeJS.ProcessEnv {
    const env = { ...this.env };
    if (this.policyFile) env.POLICY_FILE = this.policyFile;
    else delete env.POLICY_FILE;
    return env;
  }

  private async temporalAnswers(): Promise<boolean> {
    const probe = await Connection.connect({ address: this.temporalAddress, connectTimeout: 1_000 });
    try {
      await probe.workflowService.getSystemInfo({});
      return true;
    } finally {
      await probe.close();
    }
  }

  private async addSev1Recipients(target: number): Promise<void> {
    const roles = DEFAULT_POLICY.severities.find((s) => s.level === 1)!.recipients;
    const existing = await this.db.person.count({ where: { active: true, roles: { hasSome: roles } } });
    for (let i = 0; i < target - existing; i += 1) {
      const n = String(i + 1).padStart(3, '0');
      await this.db.person.create({
        data: {
          name: `Chaos Alderman ${n}`,
          title: `Alderman (chaos fixture ${n})`,
          email: `chaos.alderman.${n}@example.org`,
          phone: `+1314557${String(1000 + i).padStart(4, '0')}`,
          roles: ['ALDERMAN'],
          organisation: 'Board of Aldermen',
        },
      });
    }
  }

  /** fetch against the API (as a demo role when given); every 5xx is counted. Throws when the API cannot be reached. */
  async request(pathname: string, init: { as?: RoleKey; method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers = new Headers(init.headers);
    if (init.as) headers.set('authorization', `Bearer ${this.roster.tokens[init.as]}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${this.baseUrl}${pathname}`, {
      method: init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    if (response.status >= 500) this.serverErrors[response.status] = (this.serverErrors[response.status] ?? 0) + 1;
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** 5xx the SMS sink got from the app's status-callback webhook. */
  callbackServerErrors(): number {
    return this.sinks.sms.messages().reduce((sum, m) => sum + m.callbacks.filter((c) => (c.httpStatus ?? 0) >= 500).length, 0);
  }

  async restartTemporal(downMs: number): Promise<{ killedAt: number; backAt: number }> {
    const killedAt = Date.now();
    await this.temporalServer.kill9();
    await sleep(downMs);
    await this.temporalServer.start();
    return { killedAt, backAt: this.temporalServer.readyAt };
  }

  async stop(): Promise<void> {
    const quietly = async (fn: () => Promise<unknown> | unknown) => {
      try {
        await fn();
      } catch {
        // best effort on the way out
      }
    };
    await quietly(() => this.api?.stop(5_000));
    await quietly(() => this.worker?.stop(5_000));
    await quietly(() => this.connection?.close());
    await quietly(() => this.temporalServer?.stop(5_000));
    await quietly(() => this.sinks?.close());
    await quietly(() => this.database?.drop());
  }
}

let logLabel = 'chaos';

/** Whose progress lines these are (the benches start the same system). */
export function setLogLabel(label: string): void {
  logLabel = label;
}

export function log(message: string): void {
  process.stderr.write(`[${logLabel} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
