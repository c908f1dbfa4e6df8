// The people-facing pages: the staff console (/console/...) and the public site.
// Pages are HTML shells plus small ES modules that call the JSON API; the only
// server-side data this router serves are the two feeds (views over the same
// public data the public API returns) and the signed-link pages (acknowledge,
// review, progress) that stand in for signing in.
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { INCIDENT_NUMBER_PATTERN } from '../domain/ids';
import type { SafeHtml } from '../lib/html';
import { sendPage, type Area, type PageResponse } from './layout';
import * as pages from './pages';
import type { WebDeps } from './deps';
import { createFeedsRouter } from './feeds';
import { createAcknowledgeRouter } from './linkPages/acknowledge';
import { createProgressRouter } from './linkPages/progress';
import { createReviewRouter } from './linkPages/review';

export const STATIC_DIR = path.join(__dirname, 'static');

const PLAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function createWebRouter(deps: WebDeps): Router {
  const { config } = deps;
  const router = Router();

  router.use(
    '/static',
    express.static(STATIC_DIR, {
      index: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  const send = (res: Response, page: PageResponse) => sendPage(res, config.CITY_TIME_ZONE, page);

  const notFound = (res: Response, area: Area, what: string) =>
    send(res, { title: 'Page not found', area, body: pages.notFoundBody(what), status: 404 });

  /** The page about one plan or incident; an id that cannot name one gets page-not-found. */
  const pageAbout =
    (area: Area, idPattern: RegExp, what: string, page: (id: string) => Omit<PageResponse, 'area'>) => (req: Request, res: Response) =>
      idPattern.test(req.params.id) ? send(res, { area, ...page(req.params.id) }) : notFound(res, area, what);

  /** An incident's page, public or staff; its script reads the number from <main data-incident>. */
  const incidentPage = (area: Area, body: (number: string) => SafeHtml, script: string) =>
    pageAbout(area, INCIDENT_NUMBER_PATTERN, 'that incident', (number) => ({ title: `Incident ${number}`, body: body(number), script, data: { incident: number } }));

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

  router.get(
    '/plans/:id',
    pageAbout('public', PLAN_ID, 'that action plan', (id) => ({ title: 'Action plan dashboard', body: pages.planBody(), script: 'plan.js', data: { plan: id } })),
  );
  router.get('/incidents/:id', incidentPage('public', pages.publicIncidentBody, 'public-incident.js'));

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
  router.get('/console/incidents/:id', incidentPage('console', pages.boardBody, 'board.js'));
  router.get('/console/approvals', (_req, res) =>
    send(res, { title: 'Approvals', area: 'console', current: '/console/approvals', body: pages.approvalsBody(), script: 'approvals.js' }),
  );
  router.get('/console/items', (_req, res) =>
    send(res, { title: 'My items', area: 'console', current: '/console/items', body: pages.itemsBody(), script: 'items.js' }),
  );
  router.get(
    '/console/plans/:id',
    pageAbout('console', PLAN_ID, 'that action plan', (id) => ({
      title: 'Action plan (live)',
      body: pages.planBody(),
      script: 'plan.js',
      data: { plan: id, source: 'staff' },
    })),
  );
  router.get('/console/deliveries', (_req, res) =>
    send(res, { title: 'Delivery log', area: 'console', current: '/console/deliveries', body: pages.deliveriesBody(), script: 'deliveries.js' }),
  );

  // ---------------------------------------------------------------- signed links (no sign-in)
  router.use(createAcknowledgeRouter(deps));
  router.use(createReviewRouter(deps));
  router.use(createProgressRouter(deps));

  // A person who mistypes an address gets a page, not the API's JSON 404.
  router.get('*', (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    notFound(res, req.path.startsWith('/console') ? 'console' : 'public', 'that page');
  });

  return router;
}
