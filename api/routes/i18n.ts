// The browser's words: the pages' ES modules load their language's catalogue
// from here (the default language's words under any not yet translated), so
// no page keeps a copy of a sentence.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { catalogue, dateLocale, isLanguage, languageName, languages } from '../../lib/i18n';
import { notFound } from '../../services/errors';
import { supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseParams } from '../validate';

/** The namespaces the browser uses: its own (web), the shared words (roles, topics), the court-user survey's and residents' comments'. */
export const BROWSER_NAMESPACES = ['web', 'common', 'survey', 'comments'] as const;

const LanguageParams = z.object({ language: supportedLanguage() });

documentRoute({
  method: 'get',
  path: '/api/i18n/:language',
  summary: "The pages' words in one language (i18next resources for the browser), with the default language's under any word not yet translated",
  tags: ['i18n'],
  access: 'public',
  params: LanguageParams,
  responses: {
    200: {
      description: 'The catalogue',
      schema: z.object({
        language: z.string(),
        locale: z.string().openapi({ description: 'For dates and numbers, e.g. es-US' }),
        languages: z.array(z.object({ code: z.string(), name: z.string() })),
        resources: z.record(z.record(z.unknown())),
      }),
    },
    404: { description: 'No such language' },
  },
});

export function createI18nRouter(_deps: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  router.get('/api/i18n/:language', (req, res, next) => {
    try {
      const { language } = parseParams(LanguageParams, req);
      if (!isLanguage(language)) throw notFound(`language ${language}`);
      res.setHeader('Cache-Control', 'no-cache');
      res.json({
        language,
        locale: dateLocale(language),
        languages: languages().map((code) => ({ code, name: languageName(code) })),
        resources: Object.fromEntries(BROWSER_NAMESPACES.map((namespace) => [namespace, catalogue(language, namespace)])),
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
