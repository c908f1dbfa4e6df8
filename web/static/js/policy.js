// The small pieces of the communications policy (fetchPolicy in lib.js) the
// pages render: labels and the PIO's templates. Hold categories are named by
// the catalogue, keyed by their code.
import { api, formatDate, t, language, siteLanguages } from './lib.js';

export function typeLabel(policy, key) {
  return policy?.definition?.types?.find((t) => t.key === key)?.label || key;
}

export function statementKindLabel(policy, key) {
  return policy?.statementKinds?.find((k) => k.key === key)?.label || key;
}

/**
 * A counsel's-hold category in the page's language: the catalogue's name for
 * its key (common: holdCategories), else the name the API gave (a category
 * no catalogue names yet), else the key.
 */
export function holdCategoryLabel(key, fallback) {
  return t(`common:holdCategories.${key}`, { defaultValue: fallback || key });
}

/**
 * A deadline's title in the page's language: the policy's word for its key,
 * with the cycle number of a recurring one ("Public update 2"). The stored
 * title when the policy (in the default language) says nothing else.
 */
export function deadlineTitle(policy, deadline) {
  if (!policy || language === siteLanguages()[0]) return deadline.title;
  const rule = policy.deadlines?.find((d) => deadline.key === d.key || deadline.key.startsWith(`${d.key}_`));
  if (!rule) return deadline.title;
  const cycle = deadline.key.slice(rule.key.length + 1);
  return /^\d+$/.test(cycle) ? `${rule.title} ${cycle}` : rule.title;
}

const policies = new Map();
/** The policy in another language (its statement templates, for the other-language drafts). */
export function policyIn(code) {
  if (!policies.has(code)) policies.set(code, api('GET', `/api/policy?lang=${encodeURIComponent(code)}`));
  return policies.get(code);
}

/** Same substitution as the policy module's fillTemplate: unknown placeholders stay visible as [name]. */
export function fillTemplate(text, values) {
  return text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_whole, name) => {
    const value = values[name];
    return value !== undefined && value !== null && value !== '' ? value : `[${name}]`;
  });
}

/** Template values for one incident, from its detail JSON; dates in `dateLocale` (a template's own language). */
export function templateValues(detail, dateLocale) {
  const { incident, deadlines } = detail;
  const nextUpdate = deadlines
    .filter((d) => d.kind === 'PUBLIC_UPDATE' && d.status === 'OPEN')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const finalReport = deadlines.find((d) => d.kind === 'FINAL_REPORT');
  const date = dateLocale ? dateIn(dateLocale) : formatDate;
  return {
    incidentNumber: incident.number,
    incidentTitle: incident.title,
    incidentSummary: incident.summary,
    declaredDate: date(incident.declaredAt),
    nextUpdateDate: nextUpdate ? date(nextUpdate.dueAt) : '',
    finalReportDate: finalReport ? date(finalReport.dueAt) : '',
  };
}

const timeZone = document.querySelector('meta[name="cg-time-zone"]')?.content || 'America/Chicago';
/** A city date written as `locale` writes it ("21 de noviembre de 2026"). */
const dateIn = (locale) => {
  const format = new Intl.DateTimeFormat(locale, { timeZone, month: 'long', day: 'numeric', year: 'numeric' });
  return (iso) => format.format(new Date(iso));
};

/** "1 hour", "7 days" from the policy's "1h", "7d", in the page's language. */
export function describeDuration(duration) {
  const match = /^(\d+)([smhdw])$/.exec(duration || '');
  if (!match) return duration;
  const unit = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days', w: 'weeks' }[match[2]];
  return t(`duration.${unit}`, { count: Number(match[1]) });
}
