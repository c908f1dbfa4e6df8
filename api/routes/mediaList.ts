// The media list (newsrooms that receive published statements by email), kept
// by the roles the policy grants manageMediaList.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { caller, requirePermission } from '../auth';
import { MediaContactRequest, addMediaContact, listMediaContacts, removeMediaContact } from '../../services/mediaList';
import { actorOf } from '../../services/temporal';
import { emailAddress, idField, nonBlankText, supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseBody, parseParams } from '../validate';

const MediaContactSchema = z
  .object({
    id: z.string(),
    outlet: z.string(),
    email: z.string(),
    language: z.string(),
    status: z.enum(['PENDING', 'ACTIVE', 'UNSUBSCRIBED']),
    addedAt: z.string(),
    unsubscribedAt: z.string().nullable(),
  })
  .openapi('MediaContact');
const IdParams = z.object({ id: idField() });
/** The service's MediaContactRequest, stated exactly for the API (code points, the shared email pattern, no unknown fields). */
const MediaContactBody = z
  .object({ outlet: nonBlankText(200), email: emailAddress(254), language: supportedLanguage().default('en') })
  .strict()
  .openapi('MediaContactRequest');
const access = { permission: 'manageMediaList' } as const;

documentRoute({
  method: 'get',
  path: '/api/media-list',
  summary: 'The newsrooms that receive published statements by email',
  tags: ['subscriptions'],
  access,
  responses: { 200: { description: 'The media list', schema: z.object({ contacts: z.array(MediaContactSchema) }) } },
});
documentRoute({
  method: 'post',
  path: '/api/media-list',
  summary: 'Add a newsroom to the media list',
  tags: ['subscriptions'],
  access,
  body: MediaContactBody,
  responses: {
    201: { description: 'Added', schema: MediaContactSchema },
    409: { description: 'Already listed, or the newsroom unsubscribed itself' },
  },
});
documentRoute({
  method: 'delete',
  path: '/api/media-list/:id',
  summary: 'Remove a newsroom from the media list (and the addresses of the messages sent to it)',
  tags: ['subscriptions'],
  access,
  params: IdParams,
  responses: { 204: { description: 'Removed' }, 404: { description: 'Unknown' } },
});

export function createMediaListRouter({ db }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();
  const allowed = requirePermission('manageMediaList');

  router.get('/api/media-list', allowed, async (_req, res, next) => {
    try {
      res.json({ contacts: await listMediaContacts(db) });
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/media-list', allowed, async (req, res, next) => {
    try {
      res.status(201).json(await addMediaContact(db, MediaContactRequest.parse(parseBody(MediaContactBody, req)), actorOf(caller(req))));
    } catch (err) {
      next(err);
    }
  });

  router.delete('/api/media-list/:id', allowed, async (req, res, next) => {
    try {
      await removeMediaContact(db, parseParams(IdParams, req).id, actorOf(caller(req)));
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  return router;
}
