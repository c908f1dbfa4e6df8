// Residents' subscriptions through the API (the public pages in web/ use the
// same services): ask for updates with no account, and, with the signed link
// from any message, download or delete what we keep or unsubscribe. Nothing
// here lists subscribers, and a request is answered the same whatever the
// address (known, unknown or asked too often).
import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { readLinkToken } from '../../lib/links';
import { InvalidLinkTokenError } from '../../lib/crypto';
import { INCIDENT_NUMBER_PATTERN } from '../../domain/ids';
import { SUBSCRIPTION_TOPICS } from '../../domain/contracts/publicFanOut';
import { HttpError, notFound } from '../../services/errors';
import {
  SubscribeRequest,
  createSubscribeThrottle,
  deleteSubscription,
  exportSubscription,
  requestSubscription,
  unsubscribe,
  type SubscribeThrottle,
} from '../../services/subscriptions';
import { linkToken, nonBlankText, supportedLanguage } from '../fields';
import { documentRoute } from '../openapi';
import { parseBody, parseParams } from '../validate';

/**
 * The request as the API takes it, stated exactly (strict, code points);
 * the service's SubscribeRequest then normalises the address, and what only
 * the channel decides (is it an email address or a mobile number) is a 422.
 */
const SubscribeBody = z
  .object({
    channel: z.enum(['EMAIL', 'SMS']),
    address: nonBlankText(254).openapi({ description: 'An email address (EMAIL), or a mobile number (SMS; US numbers may be written 314-555-0100); one that does not fit its channel is a 422' }),
    language: supportedLanguage().openapi({ description: 'The language of the messages' }),
    topics: z
      .array(
        z
          .object({
            topic: z.enum(SUBSCRIPTION_TOPICS),
            incident: z.string().regex(INCIDENT_NUMBER_PATTERN, 'must be an incident number such as CI-2026-0007').optional().openapi({ description: 'For INCIDENT (required there, else a 422): the incident number' }),
          })
          .strict(),
      )
      .min(1)
      .max(10),
  })
  .strict()
  .openapi('SubscribeRequest');

const TokenParams = z.object({ token: linkToken() });

/** What a subscriber's link can meet, the same on every route that takes one. */
const LINK_ANSWERS = {
  400: { description: 'The link is damaged' },
  403: { description: 'The link does not carry our signature' },
  404: { description: 'The subscription was deleted' },
  410: { description: 'The link has expired' },
};

documentRoute({
  method: 'post',
  path: '/api/public/subscriptions',
  summary: 'Ask for public updates by email or text message, with no account: a confirmation (a link, or "reply YES") is sent first',
  tags: ['subscriptions'],
  access: 'public',
  body: SubscribeBody,
  responses: {
    202: { description: 'A confirmation is on its way (the same answer for any address)', schema: z.object({ status: z.literal('PENDING'), channel: z.enum(['EMAIL', 'SMS']) }) },
    400: { description: 'A field is wrong' },
    422: { description: 'The address does not fit the channel, or an INCIDENT topic names no incident' },
    429: { description: 'Too many requests from this address; Retry-After says when to try again' },
  },
});
documentRoute({
  method: 'get',
  path: '/api/public/subscriptions/:token',
  summary: "Everything kept about a subscription, and every message sent to it (the subscriber's own download)",
  tags: ['subscriptions'],
  access: 'signed-link',
  params: TokenParams,
  responses: { 200: { description: 'The subscription and its messages' }, ...LINK_ANSWERS },
});
documentRoute({
  method: 'post',
  path: '/api/public/subscriptions/:token/unsubscribe',
  summary: 'Unsubscribe (nothing more is sent until the subscriber takes it back)',
  tags: ['subscriptions'],
  access: 'signed-link',
  params: TokenParams,
  responses: { 200: { description: 'Unsubscribed', schema: z.object({ status: z.string() }) }, ...LINK_ANSWERS },
});
documentRoute({
  method: 'delete',
  path: '/api/public/subscriptions/:token',
  summary: 'Delete the subscription and the addresses and words of every message sent to it',
  tags: ['subscriptions'],
  access: 'signed-link',
  params: TokenParams,
  responses: { 204: { description: 'Deleted' }, ...LINK_ANSWERS },
});

/** The subscription a subscriber's link names; 400/410 for a link that cannot be used. */
export function subscriptionOfToken(token: string, config: Pick<Config, 'LINK_SIGNING_SECRET'>): string {
  try {
    return readLinkToken(token, 'subscription', config).subscriptionId;
  } catch (err) {
    if (!(err instanceof InvalidLinkTokenError)) throw err;
    if (err.reason === 'expired') throw new HttpError(410, 'link_expired', 'this link has expired; every new message carries a fresh one');
    if (err.reason === 'bad-signature') throw new HttpError(403, 'invalid_link', 'this link does not carry our signature');
    throw new HttpError(400, 'invalid_link', 'this link is damaged');
  }
}

/** Who asks, for the requests-per-address limit: the client address as express sees it behind the trusted proxy. */
const requesterOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function createSubscriptionsRouter({ db, temporal, config, throttle }: { db: Db; temporal: Client; config: Config; throttle?: SubscribeThrottle }): Router {
  const router = Router();
  const subscribeThrottle = throttle ?? createSubscribeThrottle(db);

  router.post('/api/public/subscriptions', async (req, res, next) => {
    try {
      const input = SubscribeRequest.parse(parseBody(SubscribeBody, req));
      res.status(202).json(await requestSubscription({ db, temporal, config, throttle: subscribeThrottle }, input, requesterOf(req)));
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/public/subscriptions/:token', async (req, res, next) => {
    try {
      const id = subscriptionOfToken(parseParams(TokenParams, req).token, config);
      const data = await exportSubscription(db, id);
      if (!data) throw notFound('subscription');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.json(data);
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/public/subscriptions/:token/unsubscribe', async (req, res, next) => {
    try {
      const id = subscriptionOfToken(parseParams(TokenParams, req).token, config);
      const subscription = await unsubscribe(db, id);
      if (!subscription) throw notFound('subscription');
      res.json({ status: subscription.status });
    } catch (err) {
      next(err);
    }
  });

  router.delete('/api/public/subscriptions/:token', async (req, res, next) => {
    try {
      const id = subscriptionOfToken(parseParams(TokenParams, req).token, config);
      if (!(await deleteSubscription(db, id))) throw notFound('subscription');
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  return router;
}
