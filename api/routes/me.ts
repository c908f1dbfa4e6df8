// A signed-in person's own settings: the language their messages and console
// pages are in (Person.language).
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { caller, requireAuth } from '../auth';
import { supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseBody } from '../validate';

const LanguageRequest = z.object({ language: supportedLanguage() }).strict().openapi('LanguageRequest');

documentRoute({
  method: 'put',
  path: '/api/me/language',
  summary: 'Choose the language your messages and console pages are in',
  tags: ['auth'],
  access: 'authenticated',
  body: LanguageRequest,
  responses: { 200: { description: 'Saved', schema: z.object({ language: z.string() }) }, 400: { description: 'Not a language we have' } },
});

export function createMeRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  router.put('/api/me/language', requireAuth(), async (req, res, next) => {
    try {
      const { language } = parseBody(LanguageRequest, req);
      await db.person.update({ where: { id: caller(req).person.id }, data: { language } });
      res.json({ language });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
