// The policy in a reader's language: its own words (types, severities,
// deadlines, statement kinds and their templates, counsel's-hold categories)
// replaced by the translations the policy carries for that language, word by
// word. A word the policy does not translate stays as written. Pure: pages,
// messages and the API all read translated policy words through here.
import type { Policy, PolicyTranslation } from './schema';

/** The translation a policy carries for `language`, if any. */
export function policyTranslation(policy: Pick<Policy, 'translations'>, language: string): PolicyTranslation | undefined {
  const translations = policy.translations ?? {};
  return Object.prototype.hasOwnProperty.call(translations, language) ? translations[language] : undefined;
}

/**
 * A copy of the policy with its words in `language`. The rules (who, when,
 * which chain) are untouched: only labels, descriptions, titles and templates
 * change. `fallback` is consulted for words the policy itself lacks (an
 * incident pinned to an older version reads the current version's words for
 * the same keys).
 */
export function localisePolicy<P extends Policy>(policy: P, language: string, fallback?: Pick<Policy, 'translations'>): P {
  const own = policyTranslation(policy, language);
  const other = fallback ? policyTranslation(fallback, language) : undefined;
  if (!own && !other) return policy;
  const pick = <T>(read: (t: PolicyTranslation) => T | undefined): T | undefined =>
    (own ? read(own) : undefined) ?? (other ? read(other) : undefined);
  return {
    ...policy,
    name: pick((t) => t.name) ?? policy.name,
    definition: {
      summary: pick((t) => t.definition?.summary) ?? policy.definition.summary,
      types: policy.definition.types.map((type) => ({
        ...type,
        label: pick((t) => t.definition?.types?.[type.key]?.label) ?? type.label,
        criteria: pick((t) => t.definition?.types?.[type.key]?.criteria) ?? type.criteria,
      })),
    },
    severities: policy.severities.map((s) => {
      const level = String(s.level) as '1' | '2' | '3';
      return {
        ...s,
        label: pick((t) => t.severities?.[level]?.label) ?? s.label,
        description: pick((t) => t.severities?.[level]?.description) ?? s.description,
      };
    }),
    deadlines: policy.deadlines.map((d) => ({ ...d, title: pick((t) => t.deadlines?.[d.key]?.title) ?? d.title })),
    statementKinds: policy.statementKinds.map((k) => ({
      ...k,
      label: pick((t) => t.statementKinds?.[k.key]?.label) ?? k.label,
      template: pick((t) => t.statementKinds?.[k.key]?.template) ?? k.template,
    })),
    ...(policy.holds
      ? {
          holds: {
            ...policy.holds,
            categories: policy.holds.categories.map((c) => ({ ...c, label: pick((t) => t.holds?.categories?.[c.key]?.label) ?? c.label })),
          },
        }
      : {}),
    ...(policy.engagement
      ? {
          engagement: {
            ...policy.engagement,
            cadence: pick((t) => t.engagement?.cadence) ?? policy.engagement.cadence,
            groups: policy.engagement.groups.map((g) => ({ ...g, label: pick((t) => t.engagement?.groups?.[g.key]?.label) ?? g.label })),
          },
        }
      : {}),
  };
}

/**
 * A deadline's title as a reader of `language` sees it. Stored titles are the
 * policy's words, with the cycle number appended for recurring deadlines
 * ("Public update 2"); anything else (a title the policy no longer has) stays
 * as stored.
 */
export function localiseDeadlineTitle(
  original: Pick<Policy, 'deadlines'>,
  localised: Pick<Policy, 'deadlines'>,
  deadline: { kind: string; title: string },
): string {
  const index = original.deadlines.findIndex((d) => d.kind === deadline.kind);
  if (index < 0) return deadline.title;
  const from = original.deadlines[index].title;
  const to = localised.deadlines[index]?.title ?? from;
  if (deadline.title === from) return to;
  const cycle = deadline.title.startsWith(`${from} `) ? deadline.title.slice(from.length + 1) : '';
  return /^\d+$/.test(cycle) ? `${to} ${cycle}` : deadline.title;
}
