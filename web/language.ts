// Which language a page is in: ?lang= (the switcher's links, which also set a
// cookie so the choice sticks), then that cookie, then the signed-in
// person's own language, then the browser's Accept-Language, then the
// default. The pages and the browser's catalogue follow it.
import type { RequestHandler } from 'express';
import type { Config } from '../lib/config';
import { acceptedLanguages, isLanguage, pickLanguage } from '../lib/i18n';

export const LANGUAGE_COOKIE = 'cg_lang';
const YEAR_MS = 365 * 24 * 3600 * 1000;

export function languageMiddleware(config: Pick<Config, 'PUBLIC_BASE_URL'>): RequestHandler {
  const secure = config.PUBLIC_BASE_URL.startsWith('https:');
  return (req, res, next) => {
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    if (asked && isLanguage(asked)) res.cookie(LANGUAGE_COOKIE, asked, { sameSite: 'lax', httpOnly: true, secure, maxAge: YEAR_MS, path: '/' });
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[LANGUAGE_COOKIE];
    res.locals.language = pickLanguage([
      asked,
      typeof cookie === 'string' ? cookie : undefined,
      req.auth?.person.language,
      ...acceptedLanguages(req.get('accept-language')),
    ]);
    res.locals.pagePath = req.originalUrl;
    next();
  };
}
