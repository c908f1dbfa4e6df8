import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDED_POSTGRES_SCRIPT, REPO_ROOT } from './paths';
import { freePort } from './freePort';

/**
 * One throwaway PostgreSQL cluster per jest run (per process that calls this),
 * on a free port under .data/test-pg/run-<pid>. Several helpers or CI jobs can
 * run jest at once without sharing or stopping each other's cluster; initdb
 * with fsync off costs about two seconds.
 */
/** Set by test/harness/globalSetup.ts for every jest worker; set it yourself to use an existing server. */
export const ADMIN_URL_ENV = 'CG_TEST_PG_ADMIN_URL';

export interface TestCluster {
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): void;
}

const RUNS_DIR = path.join(REPO_ROOT, '.data', 'test-pg');

function script(args: string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync('bash', [EMBEDDED_POSTGRES_SCRIPT, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and removes clusters left behind by runs that died without tearing down. */
function reapAbandonedRuns(): void {
  if (!fs.existsSync(RUNS_DIR)) return;
  for (const entry of fs.readdirSync(RUNS_DIR)) {
    const match = /^run-(\d+)-(\d+)$/.exec(entry);
    if (!match || pidAlive(Number(match[1]))) continue;
    const runDir = path.join(RUNS_DIR, entry);
    try {
      script(['destroy', path.join(runDir, 'data'), match[2]]);
    } catch {
      // already stopped
    }
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

export async function startTestCluster(): Promise<TestCluster> {
  reapAbandonedRuns();
  const port = process.env.TEST_PG_PORT ? Number(process.env.TEST_PG_PORT) : await freePort();
  const runDir = path.join(RUNS_DIR, `run-${process.pid}-${port}`);
  const dataDir = path.join(runDir, 'data');
  fs.mkdirSync(runDir, { recursive: true });
  script(['start', dataDir, String(port)], { PG_FSYNC: 'off' });
  let stopped = false;
  return {
    adminUrl: `postgresql://commonground@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop() {
      if (stopped) return;
      stopped = true;
      script(['destroy', dataDir, String(port)]);
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
