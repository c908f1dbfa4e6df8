// The small pieces of the communications policy (fetchPolicy in lib.js) the
// pages render: labels and the PIO's templates.
import { formatDate } from './lib.js';

export function typeLabel(policy, key) {
  return policy?.definition?.types?.find((t) => t.key === key)?.label || key;
}

export function statementKindLabel(policy, key) {
  return policy?.statementKinds?.find((k) => k.key === key)?.label || key;
}

/** Same substitution as the policy module's fillTemplate: unknown placeholders stay visible as [name]. */
export function fillTemplate(text, values) {
  return text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_whole, name) => {
    const value = values[name];
    return value !== undefined && value !== null && value !== '' ? value : `[${name}]`;
  });
}

/** Template values for one incident, from its detail JSON. */
export function templateValues(detail) {
  const { incident, deadlines } = detail;
  const nextUpdate = deadlines
    .filter((d) => d.kind === 'PUBLIC_UPDATE' && d.status === 'OPEN')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const finalReport = deadlines.find((d) => d.kind === 'FINAL_REPORT');
  return {
    incidentNumber: incident.number,
    incidentTitle: incident.title,
    incidentSummary: incident.summary,
    declaredDate: formatDate(incident.declaredAt),
    nextUpdateDate: nextUpdate ? formatDate(nextUpdate.dueAt) : '',
    finalReportDate: finalReport ? formatDate(finalReport.dueAt) : '',
  };
}

/** "1 h", "7 days" from the policy's "1h", "7d". */
export function describeDuration(duration) {
  const match = /^(\d+)([smhdw])$/.exec(duration || '');
  if (!match) return duration;
  const n = Number(match[1]);
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' }[match[2]];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
