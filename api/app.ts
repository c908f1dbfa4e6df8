import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { authenticate, createSessionRouter } from './auth';
import { HttpError, errorHandler } from './errors';
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
import { documentRoute } from './openapi';
import { createWebRouter } from '../web/router';

export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
  /** Mounted after the API routes and before the web pages, e.g. `{ path: '/api', router }`. */
  extraRouters?: { path: string; router: Router }[];
}

type RouterFactory = (deps: { db: Db; temporal: Client; config: Config }) => Router;

/**
 * Routers owned by other parts of the project. MOUNT POINTS:
 *   api/routes/twilioWebhooks.ts  createTwilioWebhooksRouter  at /webhooks/twilio
 *   api/routes/plans.ts           createPlansRouter           at /api   (mounted when the module is present)
 *   web/router.ts                 createWebRouter             at /
 */
function optionalRouterFactory(modulePath: string, exportName: string): RouterFactory | undefined {
  const absolute = path.join(__dirname, '..', modulePath);
  if (!['.ts', '.js'].some((ext) => fs.existsSync(absolute + ext))) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(absolute)[exportName] as RouterFactory | undefined;
  if (typeof factory !== 'function') throw new Error(`${modulePath} does not export ${exportName}`);
  return factory;
}

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

export function createApp({ db, temporal, config, extraRouters = [] }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

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
  const plans = optionalRouterFactory('api/routes/plans', 'createPlansRouter');
  if (plans) app.use('/api', plans(deps));
  app.use(createProgressLinksRouter(deps));

  for (const extra of extraRouters) app.use(extra.path, extra.router);

  // Unknown API paths answer in the API's error shape rather than falling through to the pages.
  app.use(['/api', '/webhooks'], (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));

  app.use('/', createWebRouter(deps));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(errorHandler);
  return app;
}
