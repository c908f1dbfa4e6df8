/**
 * npm run chaos (CHAOS_SHORT=1 for the CI version; knobs in chaos/knobs.ts)
 *
 * Starts the whole system as command (a) wires it, on its own data and free
 * ports, runs each fault scenario against it, and prints one row per
 * scenario: messages (or items) expected, delivered, lost, duplicated, the
 * worst delay and the HTTP 5xx answers seen. Exits 1 on any loss, duplicate,
 * 5xx or failed check (a missed delivery target, an SMS rate above the
 * configured one, a second incident for one Idempotency-Key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/harness/paths';
import { readKnobs } from './knobs';
import { burstScenario } from './scenarios/burst';
import type { Scenario, ScenarioResult } from './scenarios/common';
import { csvImportScenario } from './scenarios/csvImport';
import { providerScenarios } from './scenarios/providers';
import { temporalKillScenario } from './scenarios/temporalKill';
import { workerKillScenario } from './scenarios/workerKill';
import { ChaosSystem, log } from './system';
import { formatTable } from './table';

async function main(): Promise<number> {
  const knobs = readKnobs();
  const all: { key: string; scenario: Scenario }[] = [
    { key: 'worker-kill', scenario: workerKillScenario(knobs) },
    { key: 'temporal-kill', scenario: temporalKillScenario(knobs) },
    ...providerScenarios(knobs).map((scenario, i) => ({ key: ['sms-storm', 'smtp-refusing', 'providers-down'][i], scenario })),
    { key: 'burst', scenario: burstScenario(knobs) },
    { key: 'csv-import', scenario: csvImportScenario(knobs) },
  ];
  const chosen = knobs.scenarios ? all.filter((s) => knobs.scenarios!.includes(s.key)) : all;
  if (chosen.length === 0) throw new Error(`CHAOS_SCENARIOS names none of: ${all.map((s) => s.key).join(', ')}`);

  const dataDir = path.join(REPO_ROOT, '.data', `chaos-${process.pid}`);
  const system = new ChaosSystem({ dataDir, smsSendsPerSecond: knobs.smsPerSecond, sev1Recipients: knobs.recipients });
  const stopOnSignal = (signal: string) => {
    log(`${signal}: stopping`);
    void system.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stopOnSignal('SIGINT'));
  process.once('SIGTERM', () => stopOnSignal('SIGTERM'));

  const started = Date.now();
  const results: ScenarioResult[] = [];
  try {
    log(`${knobs.short ? 'short' : 'full'} run: ${chosen.map((s) => s.key).join(', ')}`);
    await system.start();
    for (const { key, scenario } of chosen) {
      log(`scenario ${key}: ${scenario.name}`);
      const began = Date.now();
      try {
        results.push(await scenario.run(system));
      } catch (err) {
        log(`scenario ${key} could not complete: ${(err as Error).stack ?? String(err)}`);
        results.push({
          name: scenario.name, unit: '-', expected: 0, delivered: 0, lost: 0, duplicated: 0, worstDelayMs: null, delayFrom: '',
          http5xx: 0, checks: [{ name: 'scenario completed', ok: false, detail: (err as Error).message }], notes: [], missing: [], duplicates: [], emailResends: 0,
        });
      }
      log(`scenario ${key} took ${((Date.now() - began) / 1000).toFixed(0)} s`);
    }
  } finally {
    await system.stop();
    // The processes' logs outlive the run (the last run's only); the data does not.
    const keptLogs = path.join(REPO_ROOT, '.data', 'chaos-logs');
    fs.rmSync(keptLogs, { recursive: true, force: true });
    if (fs.existsSync(system.logDir)) fs.renameSync(system.logDir, keptLogs);
    fs.rmSync(dataDir, { recursive: true, force: true });
    log(`logs: ${path.relative(REPO_ROOT, keptLogs)}/`);
  }

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(`\n${formatTable(results)}\n\n${knobs.short ? 'CHAOS_SHORT=1 ' : ''}npm run chaos: ${results.length} scenarios in ${minutes} min\n`);
  const failed = results.filter((r) => r.lost > 0 || r.duplicated > 0 || r.http5xx > 0 || r.checks.some((c) => !c.ok));
  process.stdout.write(failed.length === 0 ? 'PASS: nothing lost, nothing doubled, no 5xx, every check met\n' : `FAIL: ${failed.map((r) => r.name).join('; ')}\n`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
