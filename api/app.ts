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
import { createTwilioVoiceWebhooksRouter } from './routes/twilioVoiceWebhooks';
import { createInboundEmailRouter } from './routes/inboundEmail';
import { createHoldsRouter } from './routes/holds';
import { planProgressSmsHandler } from './routes/planSms';
import { createPlansRouter } from './routes/plans';
import { createEngagementSessionsRouter } from './routes/engagementSessions';
import { createSubscriptionsRouter } from './routes/subscriptions';
import { createCourtSurveyRouter } from './routes/courtSurvey';
import { createCommentsRouter } from './routes/comments';
import { createMediaListRouter } from './routes/mediaList';
import { createI18nRouter } from './routes/i18n';
import { createMeRouter } from './routes/me';
import { subscriberSmsHandler } from '../services/subscriberSms';
import { createAuditCheckpointsRouter } from './routes/auditCheckpoints';
import { z } from 'zod';
import { documentRoute, type DocumentedResponse } from './openapi';
import { enforceDocumentedOperations } from './contract';
// The signed-link pages are served by the web router; their OpenAPI entries register on import.
import './linkPageDocs';
import { createWebRouter } from '../web/router';
import { PAGE_CONTENT_SECURITY_POLICY } from '../web/layout';
import { rejectUnsafeTextMiddleware } from './validate';
import { admitRequests } from './backpressure';
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
 *   api/routes/twilioVoiceWebhooks.ts                         at /webhooks/twilio/voice (acknowledgement calls)
 *   api/routes/inboundEmail.ts    createInboundEmailRouter    at /webhooks/email, before the JSON parser (raw body signed)
 *   api/routes/plans.ts           createPlansRouter           at /api
 *   web/router.ts                 createWebRouter             at /, after every API route (pages, feeds,
 *                                                             and the signed-link pages /ack, /progress, /statements/:id/review)
 */

// The webhook router is mounted here, so its routes are documented here. Twilio
// posts forms with more fields than these, and adds fields over time: unknown ones
// are ignored (their values are text like any other, so the text rule holds for them too).
const TwilioSignatureHeaders = z.object({
  'x-twilio-signature': z.string().min(1).openapi({ description: "Twilio's signature of the public URL and the form fields" }),
});
const twilioForm = <Shape extends z.ZodRawShape>(fields: Shape) => z.object(fields).catchall(z.string());
const twilioWebhook = (path: string, summary: string, body: z.AnyZodObject, ok: DocumentedResponse, query?: z.AnyZodObject) =>
  documentRoute({
    method: 'post',
    path,
    summary,
    tags: ['webhooks'],
    access: 'webhook-signature',
    description: 'Requires a valid X-Twilio-Signature for the public URL.',
    headers: TwilioSignatureHeaders,
    query,
    body,
    bodyType: 'application/x-www-form-urlencoded',
    responses: {
      200: ok,
      400: { description: 'A required form field is missing' },
      403: { description: 'Missing or invalid X-Twilio-Signature' },
    },
  });
twilioWebhook(
  '/webhooks/twilio/status',
  'Twilio delivery status callback (updates the Notification row; never moves a status backwards)',
  twilioForm({ MessageSid: z.string().min(1), MessageStatus: z.string().min(1), ErrorCode: z.string().optional() }),
  { description: 'Handled', schema: z.object({ ok: z.literal(true), updated: z.boolean() }) },
  z.object({ n: z.string().optional().openapi({ description: 'The notification the message was sent for' }) }),
);
twilioWebhook(
  '/webhooks/twilio/sms',
  'Inbound SMS, acted on once per MessageSid: from an active person\'s number ("ACK" acknowledges the sender\'s newest open incident), or YES, STOP, START and HELP from a subscriber; answers TwiML',
  twilioForm({ MessageSid: z.string().min(1), From: z.string().min(1), Body: z.string() }),
  { description: 'TwiML reply', contentType: 'text/xml', schema: z.string() },
);

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
  // Request logs and metrics see every request; /metrics and /readyz answer before any parsing or auth,
  // and before admission, so probes still answer while requests queue.
  app.use(createObservability({ db, temporal, config }));
  app.use(admitRequests({ concurrent: config.API_MAX_CONCURRENT, queued: config.API_MAX_QUEUED, maxWaitMs: config.API_MAX_QUEUE_WAIT_MS }));
  app.use(securityHeaders(config));
  // 405 for methods and 415 for body types the OpenAPI document does not list, before anything reads the request.
  app.use(enforceDocumentedOperations());
  // Signed over its raw body, so it reads the body itself: mounted before the JSON parser.
  app.use('/webhooks/email', createInboundEmailRouter({ db, temporal, config }));

  const limit = config.API_BODY_LIMIT_BYTES;
  app.use(express.json({ limit }));
  // HTML forms and Twilio webhooks post urlencoded bodies.
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(cookieParser());

  const deps = { db, temporal, config };
  // Twilio's webhooks prove their sender by signature, checked first: an unsigned request is 403 whatever
  // it carries, and the routers apply the text rule to what a signed one carries.
  app.use('/webhooks/twilio/voice', createTwilioVoiceWebhooksRouter(deps));
  // Subscribers' keywords (YES, STOP, START, HELP) from any number; the rest only from an active person's.
  app.use(
    '/webhooks/twilio',
    createTwilioWebhooksRouter({ ...deps, anyNumberHandlers: [subscriberSmsHandler(deps)], inboundHandlers: [planProgressSmsHandler(deps)] }),
  );

  // Text the database cannot store is refused here, naming the field, before any route or page sees it.
  app.use(rejectUnsafeTextMiddleware);
  app.use(authenticate(db));
  app.use((req, res, next) => {
    // Answers for a signed-in caller are theirs alone: no shared cache may keep them.
    if (req.auth) res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.use(createSystemRouter(deps));
  app.use(createSessionRouter(deps));
  app.use(createIncidentsRouter(deps));
  app.use(createStatementsRouter(deps));
  app.use(createNotificationsRouter(deps));
  app.use(createPublicRouter(deps));
  app.use(createPolicyRouter(deps));
  app.use(createAuditCheckpointsRouter(deps));
  app.use(createHoldsRouter(deps));
  app.use(createI18nRouter(deps));
  app.use(createMeRouter(deps));
  app.use(createSubscriptionsRouter(deps));
  app.use(createCommentsRouter(deps));
  app.use(createMediaListRouter(deps));
  app.use(createCourtSurveyRouter(deps));

  app.use('/api', createPlansRouter(deps));
  app.use(createEngagementSessionsRouter(deps));

  for (const extra of extraRouters) app.use(extra.path, extra.router);

  // Unknown API paths answer in the API's error shape rather than falling through to the pages.
  app.use(['/api', '/webhooks'], (req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));

  app.use('/', createWebRouter(deps));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`)));
  app.use(errorHandler);
  return app;
}
