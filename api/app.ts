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

export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
  /** Mounted after the API routes and before the web pages, e.g. `{ path: '/api', router }`. */
  extraRouters?: { path: string; router: Router }[];
}

type RouterFactory = (deps: { db: Db; temporal: Client; config: Config }) => Router;

/**
 * Routers owned by other parts of the project, mounted when their module is
 * present. MOUNT POINTS (kept here so they are easy to find):
 *   api/routes/twilioWebhooks.ts  createTwilioWebhooksRouter  at /webhooks/twilio
 *   api/routes/plans.ts           createPlansRouter           at /api
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

  const deps = { db, temporal, config };
  app.use(createSystemRouter(deps));
  app.use(createSessionRouter(deps));
  app.use(createIncidentsRouter(deps));
  app.use(createStatementsRouter(deps));
  app.use(createNotificationsRouter(deps));
  app.use(createPublicRouter(deps));
  app.use(createPolicyRouter(deps));
  app.use(createAckLinksRouter(deps));

  const twilioWebhooks = optionalRouterFactory('api/routes/twilioWebhooks', 'createTwilioWebhooksRouter');
  if (twilioWebhooks) app.use('/webhooks/twilio', twilioWebhooks(deps));
  const plans = optionalRouterFactory('api/routes/plans', 'createPlansRouter');
  if (plans) app.use('/api', plans(deps));

  for (const extra of extraRouters) app.use(extra.path, extra.router);

  // Unknown API paths answer in the API's error shape rather than falling through to the pages.
  app.use(['/api', '/webhooks'], (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));

  const web = optionalRouterFactory('web/router', 'createWebRouter');
  if (web) app.use('/', web(deps));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(errorHandler);
  return app;
}
