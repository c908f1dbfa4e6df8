/**
 * npm run bench
 *
 * Every benchmark, one after another (never two at once: each wants the
 * machine to itself), each writing its figures to a JSON file; then one JSON
 * file and one Markdown table of them all: bench/results/latest.json and
 * bench/results/latest.md, which the README embeds between its
 * <!-- bench:begin --> and <!-- bench:end --> markers (BENCH_README=1 rewrites
 * that part of the README in place). Exit 1 when any benchmark misses a
 * target or fails to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../test/harness/paths';
import type { BenchmarkReport } from './report';

const BENCHES = (process.env.BENCH_ONLY ?? 'declare,plan,public,fanout').split(',').map((b) => b.trim()).filter(Boolean);
const RESULTS = path.join(REPO_ROOT, 'bench', 'results');

function runOne(bench: string, dir: string): BenchmarkReport | { bench: string; error: string } {
  const output = path.join(dir, `${bench}.json`);
  console.log(`\n=== npm run bench:${bench}`);
  const run = spawnSync('npm', ['run', '--silent', `bench:${bench}`], { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, BENCH_OUTPUT: output } });
  if (!fs.existsSync(output)) return { bench, error: `exited ${run.status ?? run.signal} without figures` };
  return JSON.parse(fs.readFileSync(output, 'utf8')) as BenchmarkReport;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function markdown(reports: (BenchmarkReport | { bench: string; error: string })[], machine: string, date: string): string {
  const lines = [
    `Measured ${date} on ${machine}. Each figure comes from the command beside it; \`npm run bench\` runs them all.`,
    '',
    '| Benchmark | Figure | Value | Target | Met |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const report of reports) {
    if ('error' in report) {
      lines.push(`| \`npm run bench:${report.bench}\` | did not finish | ${cell(report.error)} | | no |`);
      continue;
    }
    for (const f of report.figures) {
      const met = f.met === null ? '' : f.met ? 'yes' : 'no';
      lines.push(`| \`${report.command}\` | ${cell(f.name)} | ${f.value} ${cell(f.unit)} | ${f.target ? `${cell(f.target)} ${cell(f.unit)}` : ''} | ${met} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-'));
  const reports = BENCHES.map((bench) => runOne(bench, dir));
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify({ date, machine, reports }, null, 2)}\n`);
  const table = markdown(reports, machine, date);
  fs.writeFileSync(path.join(RESULTS, 'latest.md'), table);
  if (process.env.BENCH_README === '1') {
    const readme = path.join(REPO_ROOT, 'README.md');
    const text = fs.readFileSync(readme, 'utf8');
    const updated = text.replace(/(<!-- bench:begin -->\n)[\s\S]*?(<!-- bench:end -->)/, `$1${table}$2`);
    if (updated === text && !text.includes(table)) console.error('README.md has no <!-- bench:begin --> ... <!-- bench:end --> markers; not updated');
    fs.writeFileSync(readme, updated);
  }
  console.log(`\n${table}\nwritten: bench/results/latest.json, bench/results/latest.md`);
  fs.rmSync(dir, { recursive: true, force: true });
  const failed = reports.some((r) => 'error' in r || r.figures.some((f) => f.met === false));
  process.exitCode = failed ? 1 : 0;
}

main();
