// Worker and API processes of the production topology, started the way
// scripts/topology/up.sh starts them (worker/main.ts and api/main.ts, with
// app.env plus their own certificate), as real OS processes the tests can
// kill -9 or freeze.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../harness/freePort';
import { REPO_ROOT } from '../../harness/paths';

export type ProcessKind = 'worker' | 'api';

export interface AppProcess {
  readonly name: string;
  readonly kind: ProcessKind;
  readonly pid: number;
  /** API: the port it serves on. Worker: its Prometheus port. */
  readonly port: number;
  readonly logFile: string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | string>;
  signal(signal: NodeJS.Signals): void;
  running(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  log(): string;
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

async function waitUntil(what: string, proc: AppProcess, timeoutMs: number, probe: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void proc.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${proc.name} exited while waiting for ${what}:\n${tail(proc.log())}`);
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name}: ${what} after ${timeoutMs} ms did not happen:\n${tail(proc.log())}`);
}

function launch(kind: ProcessKind, name: string, port: number, env: Record<string, string>, logDir: string): AppProcess {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', kind === 'worker' ? 'worker/main.ts' : 'api/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  let done = false;
  void exited.then(() => (done = true));
  const proc: AppProcess = {
    name,
    kind,
    pid: child.pid!,
    port,
    logFile,
    exited,
    signal: (signal) => {
      if (!done) child.kill(signal);
    },
    running: () => !done,
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    log: () => fs.readFileSync(logFile, 'utf8'),
  };
  return proc;
}

export interface StartOptions {
  /** app.env plus the test's overrides (database, sinks, task queue, ...). */
  env: Record<string, string>;
  certDir: string;
  logDir: string;
  /** Receives each process as soon as it is spawned, so a failed start still gets cleaned up. */
  track?: (proc: AppProcess) => void;
}

export interface WorkerProcess extends AppProcess {
  /** The Worker Deployment version it joined (its "worker started" log line). */
  buildId: string;
}

export async function startWorker(name: string, options: StartOptions): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const proc = launch(
    'worker',
    name,
    metricsPort,
    {
      ...options.env,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      TEMPORAL_TLS_CERT_FILE: path.join(options.certDir, 'worker.pem'),
      TEMPORAL_TLS_KEY_FILE: path.join(options.certDir, 'worker-key.pem'),
    },
    options.logDir,
  );
  options.track?.(proc);
  // The worker bundles the workflows first (webpack): allow for a busy machine.
  await waitUntil('"worker started"', proc, 120_000, () => proc.log().includes('"worker started"'));
  const started = proc
    .log()
    .split('\n')
    .find((line) => line.includes('"worker started"'))!;
  const version = (JSON.parse(started) as { version: { buildId: string } | null }).version;
  return { ...proc, buildId: version?.buildId ?? '' };
}

export async function startApi(name: string, port: number, options: StartOptions): Promise<AppProcess> {
  const proc = launch(
    'api',
    name,
    port,
    {
      ...options.env,
      API_PORT: String(port),
      TEMPORAL_TLS_CERT_FILE: path.join(options.certDir, 'api.pem'),
      TEMPORAL_TLS_KEY_FILE: path.join(options.certDir, 'api-key.pem'),
    },
    options.logDir,
  );
  options.track?.(proc);
  await waitUntil('/readyz answering', proc, 60_000, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
  return proc;
}
