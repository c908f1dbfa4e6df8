// The people-facing pages: the staff console (/console/...) and the public site.
// Pages are HTML shells plus small ES modules that call the JSON API; the only
// server-side data this router serves are the two feeds (views over the same
// public data the public API returns) and the signed review-link page.
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Config } from '../lib/config';
import { renderPage, setPageHeaders, type Area } from './layout';
import type { SafeHtml } from '../lib/html';
import * as pages from './pages';
import { createFeedsRouter } from './feeds';
import { createReviewRouter } from './review';

export interface WebDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

export const STATIC_DIR = path.join(__dirname, 'static');

/** Incident numbers look like CI-2026-0007; anything else is not an incident page. */
const INCIDENT_NUMBER = /^CI-\d{4}-\d{4,}$/;
const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function createWebRouter(deps: WebDeps): Router {
  const { config } = deps;
  const router = Router();

  router.use(
    '/static',
    express.static(STATIC_DIR, {
      index: false,
      fallthrough: true,
      setHeaders: (res) => {
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );

  const send = (
    res: Response,
    opts: { title: string; area: Area; body: SafeHtml; script?: string; current?: string; data?: Record<string, string>; status?: number; description?: string },
  ) => {
    setPageHeaders(res);
    res
      .status(opts.status ?? 200)
      .type('html')
      .send(renderPage({ ...opts, timeZone: config.CITY_TIME_ZONE }));
  };

  const notFound = (res: Response, area: Area, what: string) =>
    send(res, { title: 'Page not found', area, body: pages.notFoundBody(what), status: 404 });

  // ---------------------------------------------------------------- public site
  router.get('/', (_req, res) =>
    send(res, {
      title: 'Public accountability',
      area: 'public',
      current: '/',
      body: pages.landingBody(),
      script: 'landing.js',
      description: "What the City of Clayton promised after the 2018 police incident, when it is due, and whether it was kept.",
    }),
  );

  router.get('/plans/:id', (req: Request, res: Response) => {
    const id = req.params.id;
    if (!PLAN_ID.test(id)) return notFound(res, 'public', 'that action plan');
    send(res, { title: 'Action plan dashboard', area: 'public', body: pages.planBody(), script: 'plan.js', data: { plan: id } });
  });

  router.get('/incidents/:number', (req: Request, res: Response) => {
    const number = req.params.number;
    if (!INCIDENT_NUMBER.test(number)) return notFound(res, 'public', 'that incident');
    send(res, {
      title: `Incident ${number}`,
      area: 'public',
      body: pages.publicIncidentBody(number),
      script: 'public-incident.js',
      data: { incident: number },
    });
  });

  router.use(createFeedsRouter(deps));

  // ---------------------------------------------------------------- staff console
  router.get('/console/sign-in', (_req, res) =>
    send(res, { title: 'Sign in', area: 'console', body: pages.signInBody(), script: 'sign-in.js' }),
  );
  router.get('/console', (_req, res) =>
    send(res, { title: 'Home', area: 'console', current: '/console', body: pages.consoleHomeBody(), script: 'console-home.js' }),
  );
  router.get('/console/declare', (_req, res) =>
    send(res, { title: 'Declare an incident', area: 'console', current: '/console/declare', body: pages.declareBody(), script: 'declare.js' }),
  );
  router.get('/console/incidents/:number', (req: Request, res: Response) => {
    const number = req.params.number;
    if (!INCIDENT_NUMBER.test(number)) return notFound(res, 'console', 'that incident');
    send(res, {
      title: `Incident ${number}`,
      area: 'console',
      body: pages.boardBody(number),
      script: 'board.js',
      data: { incident: number },
    });
  });
  router.get('/console/items', (_req, res) =>
    send(res, { title: 'My items', area: 'console', current: '/console/items', body: pages.itemsBody(), script: 'items.js' }),
  );
  router.get('/console/plans/:id', (req: Request, res: Response) => {
    const id = req.params.id;
    if (!PLAN_ID.test(id)) return notFound(res, 'console', 'that action plan');
    send(res, { title: 'Action plan (live)', area: 'console', body: pages.planBody(), script: 'plan.js', data: { plan: id, source: 'staff' } });
  });
  router.get('/console/deliveries', (_req, res) =>
    send(res, { title: 'Delivery log', area: 'console', current: '/console/deliveries', body: pages.deliveriesBody(), script: 'deliveries.js' }),
  );

  router.use(createReviewRouter(deps));

  // A person who mistypes an address gets a page, not the API's JSON 404.
  router.get('*', (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    notFound(res, req.path.startsWith('/console') ? 'console' : 'public', 'that page');
  });

  return router;
}
