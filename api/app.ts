import express, { type Router } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { authenticate } from './auth';
import { createSessionRouter } from './session';
import { HttpError } from '../services/errors';
import { errorHandler } from './errors';
import { createIncidentsRouter } from './routes/incidents';
import { createNotificationsRouter } from './routes/notifications';
import { createPolicyRouter } from './routes/policy';
import { createPublicRouter } from './routes/public';
import { createStatementsRouter } from './routes/statements';
import { createSystemRouter } from './routes/system';
import { createTwilioWebhooksRouter } from './routes/twilioWebhooks';
import { planProgressSmsHandler } from './routes/planSms';
import { createPlansRouter } from './routes/plans';
import { createSubscriptionsRouter } from './routes/subscriptions';
import { createMediaListRouter } from './routes/mediaList';
import { createI18nRouter } from './routes/i18n';
import { createMeRouter } from './routes/me';
import { subscriberSmsHandler } from '../services/subscriberSms';
import { documentRoute } from './openapi';
// The signed-link pages are served by the web router; their OpenAPI entries register on import.
import './linkPageDocs';
import { createWebRouter } from '../web/router';
import { PAGE_CONTENT_SECURITY_POLICY } from '../web/layout';
import { rejectUnsafeTextMiddleware } from './validate';

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
 *   web/router.ts                 createWebRouter             at /, after every API route (pages, feeds,
 *                                                             and the signed-link pages /ack, /progress, /statements/:id/review)
 */

// The webhook router is mounted here, so its routes are documented here.
for (const [route, summary] of [
  ['/webhooks/twilio/status', 'Twilio delivery status callback (updates the Notification row; never moves a status backwards)'],
  ['/webhooks/twilio/sms', 'Inbound SMS ("ACK" acknowledges the sender\'s open incidents; YES, STOP, START and HELP from subscribers); answers TwiML'],
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

/**
 * Security headers on every response. The pages' Content-Security-Policy is
 * the one web/layout.ts states. HSTS binds browsers to https for the host for
 * a long time, so it is only sent where the public address is https.
 */
function securityHeaders(config: Config) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: PAGE_CONTENT_SECURITY_POLICY },
    strictTransportSecurity: new URL(config.PUBLIC_BASE_URL).protocol === 'https:',
    // Pages tell our own pages where a person came from; the signed-link pages send nothing (web/linkPages).
    referrerPolicy: { policy: 'same-origin' },
    // The CSP's frame-ancestors 'none', for browsers that only know the older header.
    xFrameOptions: { action: 'deny' },
  });
}

export function createApp({ db, temporal, config, extraRouters = [] }: AppDeps): express.Express {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(config));

  const limit = config.API_BODY_LIMIT_BYTES;
  app.use(express.json({ limit }));
  // HTML forms and Twilio webhooks post urlencoded bodies.
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(cookieParser());
  // Text the database cannot store is refused here, naming the field, before any route or page sees it.
  app.use(rejectUnsafeTextMiddleware);
  app.use(authenticate(db));
  app.use((req, res, next) => {
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
  app.use(createI18nRouter(deps));
  app.use(createMeRouter(deps));
  app.use(createSubscriptionsRouter(deps));
  app.use(createMediaListRouter(deps));

  // Subscribers' keywords (YES, STOP, START, HELP) before the plan's progress replies.
  app.use('/webhooks/twilio', createTwilioWebhooksRouter({ ...deps, inboundHandlers: [subscriberSmsHandler(deps), planProgressSmsHandler(deps)] }));
  app.use('/api', createPlansRouter(deps));

  for (const extra of extraRouters) app.use(extra.path, extra.router);

  // Unknown API paths answer in the API's error shape rather than falling through to the pages.
  app.use(['/api', '/webhooks'], (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));

  app.use('/', createWebRouter(deps));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(errorHandler);
  return app;
}
