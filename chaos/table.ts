// The chaos run's result as a Markdown table (it goes into the README as is),
// followed by each scenario's checks and notes.
import type { ScenarioResult } from './scenarios/common';

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

export function formatTable(results: ScenarioResult[]): string {
  const header = ['Scenario', 'Expected', 'Delivered', 'Lost', 'Duplicated', 'Email re-sent (same Message-ID)', 'Worst delay', 'HTTP 5xx', 'Checks'];
  const rows = results.map((r) => [
    r.name,
    `${r.expected} ${r.unit}`,
    String(r.delivered),
    String(r.lost),
    String(r.duplicated),
    String(r.emailResends),
    r.worstDelayMs === null ? '-' : `${seconds(r.worstDelayMs)} after ${r.delayFrom}`,
    String(r.http5xx),
    r.checks.length === 0 ? '-' : r.checks.every((c) => c.ok) ? 'pass' : 'FAIL',
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const details = results.flatMap((r) => [
    `- ${r.name}:`,
    ...r.checks.map((c) => `  - ${c.ok ? 'ok' : 'FAILED'}: ${c.name} (${c.detail})`),
    ...r.notes.map((n) => `  - ${n}`),
    ...(r.missing.length > 0 ? [`  - missing (first ${r.missing.length}): ${r.missing.join('; ')}`] : []),
    ...(r.duplicates.length > 0 ? [`  - accepted more than once (first ${r.duplicates.length}): ${r.duplicates.join('; ')}`] : []),
  ]);
  return [...lines, '', ...details].join('\n');
}
