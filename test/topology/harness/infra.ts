// The production topology's infrastructure for one jest run: started by
// globalSetup with `scripts/up.sh --topology production --infra-only` on free
// ports under .data/test-topology/run-<pid>, described to the test files
// through one environment variable.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../harness/freePort';
import { REPO_ROOT } from '../../harness/paths';

export const TOPOLOGY_ENV = 'CG_TEST_TOPOLOGY';
export const RUNS_DIR = path.join(REPO_ROOT, '.data', 'test-topology');

export interface TopologyPorts {
  pg: number;
  /** Temporal frontend; the server's other services use the next nine ports. */
  temporal: number;
  ui: number;
  proxy: number;
  apis: [number, number];
}

export interface TopologyInfo {
  dataDir: string;
  ports: TopologyPorts;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Ten consecutive free ports for the Temporal server's services, all below
 * 32768: its membership table stores ports as smallint.
 */
async function freePortRange(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const checks = await Promise.all(Array.from({ length: size }, (_, i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no ${size} consecutive free ports found`);
}

export async function allocatePorts(): Promise<TopologyPorts> {
  return {
    pg: await freePort(),
    temporal: await freePortRange(10),
    ui: await freePort(),
    proxy: await freePort(),
    apis: [await freePort(), await freePort()],
  };
}

/** The environment the topology scripts read for this data dir and these ports. */
export function scriptEnv(dataDir: string, ports: TopologyPorts): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CG_DATA_DIR: dataDir,
    CG_PROD_PG_PORT: String(ports.pg),
    CG_PROD_TEMPORAL_PORT: String(ports.temporal),
    CG_PROD_UI_PORT: String(ports.ui),
    CG_PROD_HTTP_PORT: String(ports.proxy),
    CG_PROD_API_PORTS: ports.apis.join(' '),
    // The tests bring their own mail and SMS sinks; keep the operator's providers out.
    SMTP_HOST: '',
  };
}

/** Runs a repository script with the topology's environment; its output goes to stderr (the jest log). */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync('bash', [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

export function topologyInfo(): TopologyInfo {
  const raw = process.env[TOPOLOGY_ENV];
  if (!raw) throw new Error(`${TOPOLOGY_ENV} is not set: run this file in the jest project "topology"`);
  return JSON.parse(raw) as TopologyInfo;
}

/** KEY=VALUE lines, as up.sh writes app.env and secrets.env. */
export function readEnvFile(file: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) entries[match[1]] = match[2];
  }
  return entries;
}
