// A server-rendered form's refusals in its reader's language. The services
// state them in English for the API, each with a stable code
// (services/errors.ts REFUSAL_CODES); a form words a refusal by the field it
// names when it has a sentence of its own for that field (the form knows what
// the field is for: "enter an email address such as ..."), and otherwise by
// its code from the catalogue every page shares (common `refusals.<code>`,
// which the console's forms read too). The English stays only for a refusal
// that came without a code.
import { translator } from '../lib/i18n';
import type { ErrorDetail } from '../services/errors';

/**
 * A form's own words for the refusals of its fields, in order: the first entry
 * whose field is the refusal's, or a parent of it (`challenge` covers
 * `challenge.answer`), words it.
 */
export type FieldWords = ReadonlyArray<readonly [field: string, words: (refusal: ErrorDetail) => string]>;

export function refusalsInWords(language: string, refusals: readonly ErrorDetail[], byField: FieldWords = []): ErrorDetail[] {
  const common = translator(language, 'common');
  return refusals.map((refusal) => {
    const own = byField.find(([field]) => refusal.field === field || refusal.field.startsWith(`${field}.`));
    const message = own ? own[1](refusal) : refusal.code ? common(`refusals.${refusal.code}`, refusal.params) : refusal.message;
    return { ...refusal, message };
  });
}
