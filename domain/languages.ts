// Languages are data: one folder per language under locales/ (lib/i18n.ts
// reads them). Only their names' shape and the default live here, for the
// policy's translations, the database's language columns and the pages.

/** A language code as folders, policies and people's preferences name it: es, en, pt-BR. */
export const LANGUAGE_CODE_PATTERN = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** The language every other falls back to, word by word. */
export const DEFAULT_LANGUAGE = 'en';
