// A statement's text in other languages, written and approved together with
// the original: { es: { title, body } }. Read from requests, the database and
// workflow state through readTranslations, which keeps only well-formed
// entries, so a malformed value can never reach a page or a message.
import { LANGUAGE_CODE_PATTERN } from './languages';

export interface StatementTextV1 {
  title: string;
  body: string;
}

/** Language code -> the statement in that language. */
export type StatementTranslationsV1 = Record<string, StatementTextV1>;

/** More languages than any city publishes in; bounds what one version may carry. */
export const MAX_STATEMENT_TRANSLATIONS = 8;

export function readTranslations(value: unknown): StatementTranslationsV1 {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: StatementTranslationsV1 = {};
  for (const [language, text] of Object.entries(value as Record<string, unknown>)) {
    if (!LANGUAGE_CODE_PATTERN.test(language) || !text || typeof text !== 'object') continue;
    const { title, body } = text as { title?: unknown; body?: unknown };
    if (typeof title === 'string' && typeof body === 'string' && title.trim() && body.trim()) out[language] = { title, body };
  }
  return out;
}
