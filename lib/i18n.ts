// Translations. Every word people read (messages, pages, the browser's
// catalogue) comes from locales/<language>/<namespace>.json, in i18next's
// JSON format: nested keys, {{name}} placeholders, and plural forms as key
// suffixes named by Intl.PluralRules (_one, _other; Spanish adds _many).
// Adding a language is adding a folder of the same files: nothing here names a
// language except the default, English, which every other one falls back to
// word by word. One i18next instance per process holds them all (no global
// i18next state); callers take a translator fixed to a language.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGE_CODE_PATTERN } from '../domain/languages';

export { DEFAULT_LANGUAGE };
export const LOCALES_DIR = path.resolve(__dirname, '..', 'locales');

/** A translator fixed to one language and namespace: t('key', { name: 'value', count: 2 }). */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** One namespace of one language: nested keys to strings (or lists of strings, e.g. SMS keywords). */
export type Catalogue = { [key: string]: string | string[] | Catalogue };

export interface Catalogues {
  /** The default language first, then the others in folder order. */
  languages: string[];
  namespaces: string[];
  resources: Record<string, Record<string, Catalogue>>;
}

/** Reads every language folder under `dir`. A folder whose name is not a language code is an error. */
export function readCatalogues(dir: string = LOCALES_DIR): Catalogues {
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  if (!folders.includes(DEFAULT_LANGUAGE)) throw new Error(`${dir} has no ${DEFAULT_LANGUAGE}/ folder: the default language is required`);
  const resources: Catalogues['resources'] = {};
  const namespaces = new Set<string>();
  for (const language of folders) {
    if (!LANGUAGE_CODE_PATTERN.test(language)) throw new Error(`${path.join(dir, language)}: not a language code (es, pt-BR)`);
    resources[language] = {};
    for (const file of fs.readdirSync(path.join(dir, language)).filter((f) => f.endsWith('.json')).sort()) {
      const namespace = file.slice(0, -'.json'.length);
      const where = path.join(dir, language, file);
      try {
        resources[language][namespace] = JSON.parse(fs.readFileSync(where, 'utf8')) as Catalogue;
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      namespaces.add(namespace);
    }
  }
  const languages = [DEFAULT_LANGUAGE, ...folders.filter((l) => l !== DEFAULT_LANGUAGE)];
  return { languages, namespaces: [...namespaces].sort(), resources };
}

interface Loaded {
  catalogues: Catalogues;
  instance: i18n;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const catalogues = readCatalogues();
  const instance = i18next.createInstance();
  void instance.init({
    resources: catalogues.resources,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: catalogues.languages,
    // pt-BR is its own folder; never look for a bare "pt".
    load: 'currentOnly',
    ns: catalogues.namespaces,
    defaultNS: 'common',
    initAsync: false,
    returnNull: false,
    // Pages escape what they interpolate (lib/html.ts); plain-text messages must not carry entities.
    interpolation: { escapeValue: false },
  });
  loaded = { catalogues, instance };
  return loaded;
}

/** The languages there are folders for, the default first. */
export const languages = (): string[] => [...load().catalogues.languages];

export function isLanguage(code: unknown): code is string {
  return typeof code === 'string' && load().catalogues.languages.includes(code);
}

/** A supported language, or the default. */
export const languageOr = (code: unknown): string => (isLanguage(code) ? code : DEFAULT_LANGUAGE);

export function translator(language: string, namespace: string): Translate {
  const t = load().instance.getFixedT(languageOr(language), namespace);
  return (key, values) => String(t(key, values as never));
}

/** A list kept in a catalogue (e.g. SMS keywords): [] when the key holds none. */
export function translatedList(language: string, namespace: string, key: string): string[] {
  const value = load().instance.getFixedT(languageOr(language), namespace)(key, { returnObjects: true } as never) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The language's own name ("Español") and its locale for dates and numbers ("es-US"). */
export const languageName = (language: string): string => translator(language, 'common')('language.name');
export const dateLocale = (language: string): string => translator(language, 'common')('language.locale');

function mergeUnder(base: Catalogue, over: Catalogue): Catalogue {
  const merged: Catalogue = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && under && typeof under === 'object' && !Array.isArray(under)
        ? mergeUnder(under, value)
        : value;
  }
  return merged;
}

/**
 * One namespace of a language as the browser receives it: the language's
 * words over the default language's, so a word not yet translated shows in
 * the default language rather than as a key.
 */
export function catalogue(language: string, namespace: string): Catalogue {
  const { resources } = load().catalogues;
  const base = resources[DEFAULT_LANGUAGE][namespace] ?? {};
  const own = resources[languageOr(language)][namespace] ?? {};
  return language === DEFAULT_LANGUAGE ? base : mergeUnder(base, own);
}

/** The languages an Accept-Language header asks for, best first (q-values respected; "es-MX" also offers "es"). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.tag && x.tag !== '*' && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .flatMap(({ tag }) => {
      const [base, region] = tag.split('-');
      const exact = region ? `${base.toLowerCase()}-${region.toUpperCase()}` : base.toLowerCase();
      return exact === base.toLowerCase() ? [exact] : [exact, base.toLowerCase()];
    });
}

/** The first supported language among the candidates, best first; the default when none is. */
export function pickLanguage(candidates: readonly (string | null | undefined)[]): string {
  return candidates.find((c): c is string => isLanguage(c)) ?? DEFAULT_LANGUAGE;
}
