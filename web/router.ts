// The people-facing pages: the staff console (/console/...) and the public site.
// Pages are HTML shells plus small ES modules that call the JSON API; the only
// server-side data this router serves are the two feeds (views over the same
// public data the public API returns) and the signed-link pages (acknowledge,
// review, progress) that stand in for signing in.
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { INCIDENT_NUMBER_PATTERN } from '../domain/ids';
import type { SafeHtml } from '../lib/html';
import type { Translate } from '../lib/i18n';
import { pageWords, sendPage, writtenPageSender, type Area, type PageResponse } from './layout';
import { languageMiddleware } from './language';
import { createSubscriptionPagesRouter } from './subscriptionPages';
import { createCourtSurveyPagesRouter } from './courtSurveyPages';
import { createCommentPagesRouter } from './commentPages';
import { createCommentQueuePageRouter } from './commentQueuePage';
import { createSessionPagesRouter } from './sessionPages';
import { engagementSection } from './engagementDashboard';
import { engagementWords, planEngagement } from '../services/engagementPublicViews';
import { translator } from '../lib/i18n';
import { cityDateTime } from './linkPages/linkPage';
import { asyncRoute } from './asyncRoute';
import * as pages from './pages';
import type { WebDeps } from './deps';
import { createFeedsRouter } from './feeds';
import { createAuditPageRouter } from './auditPage';
import { createAcknowledgeRouter } from './linkPages/acknowledge';
import { createProgressRouter } from './linkPages/progress';
import { createReviewRouter } from './linkPages/review';

export const STATIC_DIR = path.join(__dirname, 'static');
/** i18next's own ES module build, for the pages' scripts (web/static/js/lib.js imports it). */
const I18NEXT_BROWSER_BUILD = path.join(path.dirname(require.resolve('i18next/package.json')), 'dist', 'esm', 'i18next.js');

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
  router.get('/static/vendor/i18next.js', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').sendFile(I18NEXT_BROWSER_BUILD);
  });

  // Every page below is in the language the request chose.
  router.use(languageMiddleware(config));

  const send = (res: Response, page: PageResponse) => sendPage(res, config.CITY_TIME_ZONE, page);
  // A public page is the same for every resident at its address in their language (its script fetches the data).
  const sendPublicPage = writtenPageSender(config.CITY_TIME_ZONE);
  const answer = (res: Response, area: Area, build: () => Omit<PageResponse, 'area'>) =>
    area === 'public' ? sendPublicPage(res, () => ({ area, ...build() })) : send(res, { area, ...build() });

  /** The plan page's Goal 1 section (web/engagementDashboard.ts); none for an unknown plan or a policy without sessions. */
  const engagementOfPlan = async (planId: string, res: Response): Promise<SafeHtml | undefined> => {
    const language = typeof res.locals.language === 'string' ? res.locals.language : 'en';
    const words = engagementWords(language);
    const figures = words ? await planEngagement(deps.db, planId, language).catch(() => null) : null;
    if (!words || !figures) return undefined;
    return engagementSection(translator(language, 'sessions'), figures, words, cityDateTime(config.CITY_TIME_ZONE, 'medium', language));
  };

  const notFound = (res: Response, area: Area, what: string) =>
    send(res, { title: pageWords(res)('notFound.title'), area, body: pages.notFoundBody(pageWords(res), what), status: 404 });

  /** A page whose words come from the request's language. */
  const page =
    (area: Area, build: (t: Translate) => Omit<PageResponse, 'area'>) =>
    (_req: Request, res: Response) =>
      answer(res, area, () => build(pageWords(res)));

  /** The page about one plan or incident; an id that cannot name one gets page-not-found. */
  const pageAbout =
    (area: Area, idPattern: RegExp, what: string, build: (t: Translate, id: string) => Omit<PageResponse, 'area'>) => (req: Request, res: Response) =>
      idPattern.test(req.params.id) ? answer(res, area, () => build(pageWords(res), req.params.id)) : notFound(res, area, what);

  /** An incident's page, public or staff; its script reads the number from <main data-incident>. */
  const incidentPage = (area: Area, body: (t: Translate, number: string) => SafeHtml, script: string) =>
    pageAbout(area, INCIDENT_NUMBER_PATTERN, 'incident', (t, number) => ({
      title: t('titles.incident', { number }),
      body: body(t, number),
      script,
      data: { incident: number },
    }));

  // ---------------------------------------------------------------- public site
  router.get(
    '/',
    page('public', (t) => ({
      title: t('titles.landing'),
      current: '/',
      body: pages.landingBody(t),
      script: 'landing.js',
      description: t('landing.description'),
    })),
  );

  router.get(
    '/plans/:id',
    asyncRoute(async (req, res) => {
      if (!PLAN_ID.test(req.params.id)) return notFound(res, 'public', 'plan');
      const t = pageWords(res);
      send(res, { area: 'public', title: t('titles.plan'), body: pages.planBody(t, await engagementOfPlan(req.params.id, res)), script: 'plan.js', data: { plan: req.params.id } });
    }),
  );
  router.get('/incidents/:id', incidentPage('public', pages.publicIncidentBody, 'public-incident.js'));

  router.use(createFeedsRouter(deps));
  router.use(createSessionPagesRouter(deps));
  router.use(createSubscriptionPagesRouter(deps));
  router.use(createCourtSurveyPagesRouter(deps));
  router.use(createCommentPagesRouter(deps));
  router.use(createAuditPageRouter(deps));

  // ---------------------------------------------------------------- staff console
  router.get('/console/sign-in', page('console', (t) => ({ title: t('titles.signIn'), body: pages.signInBody(t), script: 'sign-in.js' })));
  router.get('/console', page('console', (t) => ({ title: t('titles.consoleHome'), current: '/console', body: pages.consoleHomeBody(t), script: 'console-home.js' })));
  router.get(
    '/console/declare',
    page('console', (t) => ({ title: t('titles.declare'), current: '/console/declare', body: pages.declareBody(t), script: 'declare.js' })),
  );
  router.get('/console/incidents/:id', incidentPage('console', pages.boardBody, 'board.js'));
  router.get(
    '/console/approvals',
    page('console', (t) => ({ title: t('titles.approvals'), current: '/console/approvals', body: pages.approvalsBody(t), script: 'approvals.js' })),
  );
  router.get('/console/items', page('console', (t) => ({ title: t('titles.items'), current: '/console/items', body: pages.itemsBody(t), script: 'items.js' })));
  router.get(
    '/console/plans/:id',
    pageAbout('console', PLAN_ID, 'plan', (t, id) => ({
      title: t('titles.planLive'),
      body: pages.planBody(t),
      script: 'plan.js',
      data: { plan: id, source: 'staff' },
    })),
  );
  router.use(createCommentQueuePageRouter(deps));
  router.get(
    '/console/deliveries',
    page('console', (t) => ({ title: t('titles.deliveries'), current: '/console/deliveries', body: pages.deliveriesBody(t), script: 'deliveries.js' })),
  );
  router.get(
    '/console/media-list',
    page('console', (t) => ({ title: t('titles.mediaList'), current: '/console/media-list', body: pages.mediaListBody(t), script: 'media-list.js' })),
  );

  // ---------------------------------------------------------------- signed links (no sign-in)
  router.use(createAcknowledgeRouter(deps));
  router.use(createReviewRouter(deps));
  router.use(createProgressRouter(deps));

  // A person who mistypes an address gets a page, not the API's JSON 404.
  router.get('*', (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    notFound(res, req.path.startsWith('/console') ? 'console' : 'public', 'page');
  });

  return router;
}
