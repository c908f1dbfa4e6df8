import fs from 'node:fs';
import path from 'node:path';
import { allocatePorts, RUNS_DIR, runScript, scriptEnv, TOPOLOGY_ENV, type TopologyInfo } from './infra';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Topologies left behind by runs that died without tearing down: stopped and deleted. */
function reapAbandonedRuns(): void {
  if (!fs.existsSync(RUNS_DIR)) return;
  for (const entry of fs.readdirSync(RUNS_DIR)) {
    const match = /^run-(\d+)$/.exec(entry);
    if (!match || pidAlive(Number(match[1]))) continue;
    try {
      runScript('scripts/down.sh', ['--topology', 'production', '--destroy'], { ...process.env, CG_DATA_DIR: path.join(RUNS_DIR, entry) });
    } catch {
      fs.rmSync(path.join(RUNS_DIR, entry), { recursive: true, force: true });
    }
  }
}

/**
 * The production topology's infrastructure for this jest run, made by the
 * same script an operator runs: certificates, PostgreSQL with its roles,
 * Temporal's schemas, the Temporal server (mTLS), the namespace, the UI and
 * the proxy. The test files start the app processes themselves, with their
 * own sinks, databases and namespaces.
 */
export default async function globalSetup(): Promise<void> {
  reapAbandonedRuns();
  const dataDir = path.join(RUNS_DIR, `run-${process.pid}`);
  const ports = await allocatePorts();
  const started = Date.now();
  runScript('scripts/up.sh', ['--topology', 'production', '--infra-only'], scriptEnv(dataDir, ports));
  const info: TopologyInfo = { dataDir, ports };
  process.env[TOPOLOGY_ENV] = JSON.stringify(info);
  console.error(`[topology] infrastructure up in ${((Date.now() - started) / 1000).toFixed(1)} s (${dataDir})`);
}
