// The names the policy gives by code, as a reader reads them. A counsel's-hold
// category is named by the catalogues (common:holdCategories.<KEY> in
// locales/<language>/), keyed by its stable code, so adding a language is a
// folder of files; the policy's label is its documentation. A category no
// catalogue names (one a POLICY_FILE adds) falls back to the policy's own
// words for it, translated where the policy translates them.
import { translator } from '../lib/i18n';

/** Where the catalogues name a hold category: common.json, under this key. */
export const holdCategoryKey = (category: string): string => `holdCategories.${category}`;

/**
 * A hold category's name in `language`: the catalogue's (the default
 * language's where this one lacks it), else `policyLabel` (the policy's word,
 * in that language if it has one), else the code.
 */
export function holdCategoryName(language: string, category: string, policyLabel?: string): string {
  return translator(language, 'common')(holdCategoryKey(category), { defaultValue: policyLabel ?? category });
}
