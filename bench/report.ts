// What every benchmark reports: its figures, each with its target and
// whether it was met, the command, the date and the machine. `npm run bench`
// collects these into one JSON file and one Markdown table (bench/all.ts).
import fs from 'node:fs';
import os from 'node:os';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 1000"; null for a figure reported for context only. */
  target: string | null;
  met: boolean | null;
}

export interface BenchmarkReport {
  bench: string;
  command: string;
  date: string;
  machine: { cpus: number; model: string; memoryGb: number; loadAverageAtEnd: number[]; node: string };
  conditions: Record<string, unknown>;
  figures: Figure[];
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function benchmarkReport(bench: string, command: string, figures: Figure[], conditions: Record<string, unknown>): BenchmarkReport {
  return {
    bench,
    command,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
      node: process.version,
    },
    conditions,
    figures,
  };
}

/** Written where BENCH_OUTPUT says (npm run bench sets it); printed either way. */
export function writeReport(report: BenchmarkReport): void {
  const target = process.env.BENCH_OUTPUT;
  if (target) fs.writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
  for (const f of report.figures) {
    const verdict = f.met === null ? '' : f.met ? '  met' : '  MISSED';
    console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target} ${f.unit})` : ''}${verdict}`);
  }
}
