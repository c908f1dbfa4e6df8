// The catalogues under locales/: every language has every key of the default
// language (and nothing else), every plural form its language needs (as
// Intl.PluralRules names them), the same {{placeholders}} per key, and the
// policy's words for every statement kind, and a name for every counsel's-hold
// category of every shipped policy. Adding a language is adding a folder,
// which the loader picks up without code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY, holdCategoryKey, holdCategoryName, registeredPolicies } from '../../policy';
import {
  DEFAULT_LANGUAGE,
  LOCALES_DIR,
  acceptedLanguages,
  catalogue,
  dateLocale,
  languages,
  pickLanguage,
  readCatalogues,
  translatedList,
  translator,
  type Catalogue,
} from '../../lib/i18n';

const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];
const { languages: LANGUAGES, namespaces: NAMESPACES, resources } = readCatalogues();

/** Leaf key -> value, with plural forms grouped under their base key. */
function flatten(cat: Catalogue, prefix = ''): Map<string, { forms: Map<string, string | string[]> }> {
  const out = new Map<string, { forms: Map<string, string | string[]> }>();
  for (const [key, value] of Object.entries(cat)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
      continue;
    }
    const plural = new RegExp(`^(.+)_(${PLURAL_CATEGORIES.join('|')})$`).exec(key);
    const base = `${prefix}${plural ? plural[1] : key}`;
    const entry = out.get(base) ?? { forms: new Map() };
    entry.forms.set(plural ? plural[2] : '', value);
    out.set(base, entry);
  }
  return out;
}

const placeholders = (value: string | string[]): string[] =>
  [...new Set([...(Array.isArray(value) ? value.join(' ') : value).matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]))].sort();

it('has the default language and at least Spanish beside it, each a folder of the same files', () => {
  expect(LANGUAGES[0]).toBe(DEFAULT_LANGUAGE);
  expect(LANGUAGES).toContain('es');
  expect(languages()).toEqual(LANGUAGES);
  for (const language of LANGUAGES) expect(Object.keys(resources[language]).sort()).toEqual(NAMESPACES);
});

describe.each(LANGUAGES.filter((l) => l !== DEFAULT_LANGUAGE))('%s', (language) => {
  const locale = dateLocale(language);
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];

  it('names itself and a locale that formats dates', () => {
    expect(translator(language, 'common')('language.name')).not.toBe(translator(DEFAULT_LANGUAGE, 'common')('language.name'));
    expect(() => new Intl.DateTimeFormat(locale)).not.toThrow();
  });

  it.each(NAMESPACES)('%s: every key of the default language, no other, the same placeholders and every plural form', (namespace) => {
    const base = flatten(resources[DEFAULT_LANGUAGE][namespace]);
    const own = flatten(resources[language][namespace]);
    expect([...own.keys()].sort()).toEqual([...base.keys()].sort());
    for (const [key, { forms }] of own) {
      const plural = [...forms.keys()].some((form) => form !== '');
      if (plural) {
        // Every category the language needs, and a plural key is plural in the default language too (or a plain string there).
        expect({ key, forms: categories.filter((c) => !forms.has(c)) }).toEqual({ key, forms: [] });
      }
      const mine = placeholders([...forms.values()].flat());
      const theirs = placeholders([...base.get(key)!.forms.values()].flat());
      expect({ key, placeholders: mine }).toEqual({ key, placeholders: theirs });
      for (const value of forms.values()) expect({ key, type: Array.isArray(value) }).toEqual({ key, type: Array.isArray([...base.get(key)!.forms.values()][0]) });
    }
  });

  it('has the policy words of every statement kind, with their templates, in this language', () => {
    const words = DEFAULT_POLICY.translations?.[language];
    expect(words).toBeDefined();
    for (const kind of DEFAULT_POLICY.statementKinds) {
      expect(words?.statementKinds?.[kind.key]?.template?.body).toBeTruthy();
      expect(words?.statementKinds?.[kind.key]?.label).toBeTruthy();
    }
    for (const d of DEFAULT_POLICY.deadlines) expect(words?.deadlines?.[d.key]?.title).toBeTruthy();
    for (const t of DEFAULT_POLICY.definition.types) expect(words?.definition?.types?.[t.key]?.label).toBeTruthy();
  });
});

it('the default language has every plural form it needs', () => {
  const categories = new Intl.PluralRules(dateLocale(DEFAULT_LANGUAGE)).resolvedOptions().pluralCategories as string[];
  for (const namespace of NAMESPACES) {
    for (const [key, { forms }] of flatten(resources[DEFAULT_LANGUAGE][namespace])) {
      if ([...forms.keys()].some((f) => f !== '')) expect({ key, missing: categories.filter((c) => !forms.has(c)) }).toEqual({ key, missing: [] });
    }
  }
});

/** A word a language's own catalogue has (not one it would borrow from the default language). */
function ownWord(language: string, namespace: string, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), resources[language][namespace]);
}

it.each(LANGUAGES)("%s names every counsel's-hold category of every shipped policy in its own catalogue", (language) => {
  const categories = [...new Set(registeredPolicies().flatMap((policy) => (policy.holds?.categories ?? []).map((c) => c.key)))];
  expect(categories).toContain('LITIGATION');
  const missing = categories.filter((key) => {
    const word = ownWord(language, 'common', holdCategoryKey(key));
    return typeof word !== 'string' || !word.trim();
  });
  expect({ language, missing }).toEqual({ language, missing: [] });
});

it("hold categories are named by the catalogue for their code; the policy's words only for a code no catalogue names", () => {
  expect(holdCategoryName('es', 'LITIGATION', 'Lawsuit')).toBe('Litigio');
  expect(holdCategoryName('en', 'LITIGATION', 'Lawsuit')).toBe('Litigation');
  expect(holdCategoryName('es', 'JUVENILE_INVOLVED')).toBe('Hay menores involucrados');
  // A category a POLICY_FILE adds: the policy's word for it in the reader's language, else its code.
  expect(holdCategoryName('es', 'GRAND_JURY', 'Gran jurado')).toBe('Gran jurado');
  expect(holdCategoryName('es', 'GRAND_JURY')).toBe('GRAND_JURY');
});

it('every language the policy translates has a folder', () => {
  for (const language of Object.keys(DEFAULT_POLICY.translations ?? {})) expect(LANGUAGES).toContain(language);
});

it('picks plural forms by the language rules', () => {
  const t = translator('es', 'messages');
  expect(t('item.reminder.daysLeft', { count: 1 })).toBe(', dentro de 1 día');
  expect(t('item.reminder.daysLeft', { count: 3 })).toBe(', dentro de 3 días');
  expect(translator('en', 'messages')('item.reminder.daysLeft', { count: 1 })).toBe(', in 1 day');
});

it('the browser catalogue is the language over the default, so an untranslated word shows in the default language', () => {
  const es = catalogue('es', 'common') as { roles: Record<string, string> };
  expect(es.roles.CITY_MANAGER).toBe('Administrador de la Ciudad');
  expect(catalogue('xx', 'common')).toEqual(catalogue('en', 'common'));
});

it('reads Accept-Language and picks a supported language, else the default', () => {
  expect(acceptedLanguages('es-MX,es;q=0.9,en;q=0.8')).toEqual(['es-MX', 'es', 'es', 'en']);
  expect(pickLanguage(acceptedLanguages('fr-CA, es;q=0.5'))).toBe('es');
  expect(pickLanguage(acceptedLanguages('de, fr;q=0.5'))).toBe(DEFAULT_LANGUAGE);
  expect(pickLanguage(acceptedLanguages('en;q=0.2, es;q=0.9'))).toBe('es');
  expect(pickLanguage([undefined, 'xx', 'es'])).toBe('es');
  expect(translatedList('en', 'sms', 'keywords.stop')).toContain('STOP');
  expect(translatedList('es', 'sms', 'keywords.stop')).toContain('ALTO');
});

it('a third language is a folder: the loader finds it with no code', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-locales-'));
  try {
    for (const language of [...LANGUAGES, 'pt-BR']) {
      fs.mkdirSync(path.join(dir, language));
      for (const namespace of NAMESPACES) {
        fs.copyFileSync(path.join(LOCALES_DIR, language === 'pt-BR' ? 'es' : language, `${namespace}.json`), path.join(dir, language, `${namespace}.json`));
      }
    }
    const read = readCatalogues(dir);
    expect(read.languages).toEqual([DEFAULT_LANGUAGE, ...LANGUAGES.filter((l) => l !== DEFAULT_LANGUAGE), 'pt-BR'].filter((l, i, all) => all.indexOf(l) === i));
    fs.mkdirSync(path.join(dir, 'Not A Language'));
    expect(() => readCatalogues(dir)).toThrow(/not a language code/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
