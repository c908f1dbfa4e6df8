import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { publicIncidentJson, publicIncidentListJson } from '../../services/publicViews';
import { sendWritten } from '../../lib/writtenBody';
import { languageTag } from '../fields';
import { documentRoute } from '../openapi';
import { IncidentIdParams, PublicIncidentSchema, PublicIncidentSummarySchema } from '../schemas';
import { parseParams, parseQuery } from '../validate';
import { languageOr } from '../../lib/i18n';

/** ?lang=es: the words of the policy and the statements in that language, where there are any. */
const LanguageQuery = z.object({ lang: languageTag().optional().openapi({ description: 'A language code (e.g. es); unknown ones read as the default' }) });

// Public accountability pages' data; the allow-list that keeps private fields
// out, and the cache these are read from, live in services/publicViews.ts.
// Bodies come written (bytes and ETag), so a reader who has one gets 304.

documentRoute({
  method: 'get',
  path: '/api/public/incidents',
  summary: 'Public list of incidents with their deadline record',
  tags: ['public'],
  access: 'public',
  query: LanguageQuery,
  responses: {
    200: { description: 'Incidents', schema: z.object({ incidents: z.array(PublicIncidentSummarySchema) }) },
    503: { description: 'Too many public requests at this moment; Retry-After says when to try again' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/public/incidents/:id',
  summary: 'Public accountability timeline: published statements and deadlines, met or missed',
  tags: ['public'],
  access: 'public',
  params: IncidentIdParams,
  query: LanguageQuery,
  responses: {
    200: { description: 'The incident', schema: PublicIncidentSchema },
    404: { description: 'Unknown incident' },
    503: { description: 'Too many public requests at this moment; Retry-After says when to try again' },
  },
});

export function createPublicRouter({ db, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  router.get('/api/public/incidents', async (req, res, next) => {
    try {
      const { lang } = parseQuery(LanguageQuery, req);
      sendWritten(res, 'application/json', await publicIncidentListJson({ db, config }, new Date(), languageOr(lang)));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/public/incidents/:id', async (req, res, next) => {
    try {
      const { id } = parseParams(IncidentIdParams, req);
      const { lang } = parseQuery(LanguageQuery, req);
      sendWritten(res, 'application/json', await publicIncidentJson({ db, config }, id, new Date(), languageOr(lang)));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
