import express, { type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { authenticate, createSessionRouter } from './auth';
import { HttpError } from '../services/errors';
import { errorHandler } from './errors';
import { createAckLinksRouter } from './routes/ackLinks';
import { createIncidentsRouter } from './routes/incidents';
import { createNotificationsRouter } from './routes/notifications';
import { createPolicyRouter } from './routes/policy';
import { createPublicRouter } from './routes/public';
import { createStatementsRouter } from './routes/statements';
import { createSystemRouter } from './routes/system';
import { createTwilioWebhooksRouter } from './routes/twilioWebhooks';
import { planProgressSmsHandler } from './routes/planSms';
import { createProgressLinksRouter } from './routes/planProgress';
import { createPlansRouter } from './routes/plans';
import { documentRoute } from './openapi';
import { z } from 'zod';
import { createWebRouter } from '../web/router';
import { createObservability } from './observability';

export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
  /** Mounted after the API routes and before the web pages, e.g. `{ path: '/api', router }`. */
  extraRouters?: { path: string; router: Router }[];
}

/*
 * Routers owned by other parts of the project, and where they are mounted:
 *   api/routes/twilioWebhooks.ts  createTwilioWebhooksRouter  at /webhooks/twilio (with the plan SMS handler)
 *   api/routes/plans.ts           createPlansRouter           at /api
 *   api/routes/planProgress.ts    createProgressLinksRouter   at / (/progress/:token)
 *   web/router.ts                 createWebRouter             at /, after every API route
 */

// The webhook router is mounted here, so its routes are documented here.
for (const [route, summary] of [
  ['/webhooks/twilio/status', 'Twilio delivery status callback (updates the Notification row; never moves a status backwards)'],
  ['/webhooks/twilio/sms', 'Inbound SMS (e.g. "ACK" acknowledges the sender\'s open incidents); answers TwiML'],
] as const) {
  documentRoute({
    method: 'post',
    path: route,
    summary,
    tags: ['webhooks'],
    access: 'webhook-signature',
    description: 'Requires a valid X-Twilio-Signature for the public URL.',
    responses: {
      200: { description: 'Handled: JSON for status callbacks, TwiML for inbound SMS' },
      400: { description: 'A required form field is missing' },
      403: { description: 'Missing or invalid X-Twilio-Signature' },
    },
  });
}

// The progress link pages are mounted here too; like the ack links they are authorised by the signed token.
const ProgressTokenParams = z.object({ token: z.string().min(1).max(4096) });
documentRoute({
  method: 'get',
  path: '/progress/:token',
  summary: 'Progress link from an item reminder email: the progress form for that item (HTML)',
  tags: ['links'],
  access: 'signed-link',
  params: ProgressTokenParams,
  responses: {
    200: { description: 'HTML form' },
    400: { description: 'HTML page: the link is damaged' },
    410: { description: 'HTML page: the link has expired' },
  },
});
documentRoute({
  method: 'post',
  path: '/progress/:token',
  summary: 'Post progress (percent complete, status, note) through the signed link (HTML form post)',
  tags: ['links'],
  access: 'signed-link',
  params: ProgressTokenParams,
  responses: {
    200: { description: 'HTML page: progress recorded' },
    400: { description: 'HTML page: the link is damaged, or the form shows field errors' },
    410: { description: 'HTML page: the link has expired' },
  },
});

export function createApp({ db, temporal, config, extraRouters = [] }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // Request logs and metrics see every request; /metrics and /readyz answer before any parsing or auth.
  app.use(createObservability({ db, temporal, config }));

  const limit = config.API_BODY_LIMIT_BYTES;
  app.use(express.json({ limit }));
  // HTML forms and Twilio webhooks post urlencoded bodies.
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(cookieParser());
  app.use(authenticate(db));
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Answers for a signed-in caller are theirs alone: no shared cache may keep them.
    if (req.auth) res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const deps = { db, temporal, config };
  app.use(createSystemRouter(deps));
  app.use(createSessionRouter(deps));
  app.use(createIncidentsRouter(deps));
  app.use(createStatementsRouter(deps));
  app.use(createNotificationsRouter(deps));
  app.use(createPublicRouter(deps));
  app.use(createPolicyRouter(deps));
  app.use(createAckLinksRouter(deps));

  app.use('/webhooks/twilio', createTwilioWebhooksRouter({ ...deps, inboundHandlers: [planProgressSmsHandler(deps)] }));
  app.use('/api', createPlansRouter(deps));
  app.use(createProgressLinksRouter(deps));

  for (const extra of extraRouters) app.use(extra.path, extra.router);

  // Unknown API paths answer in the API's error shape rather than falling through to the pages.
  app.use(['/api', '/webhooks'], (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));

  app.use('/', createWebRouter(deps));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(errorHandler);
  return app;
}
