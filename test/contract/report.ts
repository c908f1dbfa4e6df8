// Reads schemathesis's NDJSON event log and sums up what was sent and found:
// test cases, requests, answers per status per operation, failed checks and
// errors. Written next to the log as summary.json and printed as one line.
import fs from 'node:fs';
import path from 'node:path';

interface CheckResult {
  name: string;
  status: string;
}
interface Interaction {
  request: { method: string };
  response?: { status_code: number } | null;
}
interface ScenarioFinished {
  status: string;
  recorder: {
    label: string;
    cases: Record<string, unknown>;
    checks: Record<string, CheckResult[]>;
    interactions: Record<string, Interaction>;
  };
}

export interface ContractSummary {
  cases: number;
  requests: number;
  failedChecks: Record<string, number>;
  errors: number;
  seconds: number;
  statuses: Record<string, Record<string, number>>;
}

export function summariseEvents(lines: string[], seconds: number): ContractSummary {
  const summary: ContractSummary = { cases: 0, requests: 0, failedChecks: {}, errors: 0, seconds, statuses: {} };
  for (const line of lines) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    if ('NonFatalError' in event || 'FatalError' in event) summary.errors += 1;
    const finished = event.ScenarioFinished as ScenarioFinished | undefined;
    if (!finished) continue;
    const { recorder } = finished;
    if (finished.status === 'error') summary.errors += 1;
    summary.cases += Object.keys(recorder.cases ?? {}).length;
    for (const interaction of Object.values(recorder.interactions ?? {})) {
      summary.requests += 1;
      const status = interaction.response ? String(interaction.response.status_code) : 'no answer';
      const label = recorder.label.includes(' ') ? recorder.label : `${interaction.request.method} ${recorder.label}`;
      summary.statuses[label] ??= {};
      summary.statuses[label][status] = (summary.statuses[label][status] ?? 0) + 1;
    }
    for (const checks of Object.values(recorder.checks ?? {})) {
      for (const check of checks) {
        if (check.status === 'failure') summary.failedChecks[check.name] = (summary.failedChecks[check.name] ?? 0) + 1;
      }
    }
  }
  return summary;
}

/** Summarises the run's NDJSON log in `dir` into summary.json; the line to print. */
export function summariseReport(dir: string, ms: number): string {
  const log = fs.readdirSync(dir).find((name) => name.endsWith('.ndjson'));
  if (!log) return `no event log in ${dir}`;
  const summary = summariseEvents(fs.readFileSync(path.join(dir, log), 'utf8').split('\n'), Math.round(ms / 1000));
  fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  const failures = Object.values(summary.failedChecks).reduce((a, b) => a + b, 0);
  const failedNames = Object.entries(summary.failedChecks).map(([name, n]) => `${name} ${n}`).join(', ');
  return `${summary.cases} cases, ${summary.requests} requests, ${failures} failed checks${failedNames ? ` (${failedNames})` : ''}, ${summary.errors} errors, ${summary.seconds} s (${path.join(dir, 'summary.json')})`;
}
