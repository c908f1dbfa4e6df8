// The court-user survey's pages for the person invited, server-rendered so
// they work without JavaScript and on any phone:
//   GET/POST /survey/:token           the survey (POST stores the answers, once)
//   GET/POST /survey/:token/opt-out   no more messages (GET asks, POST does it: mail scanners open links)
//   GET      /console/court-survey    the court clerk's page (record contacts, import a CSV, see their status)
// The token is the single-use link from the invitation. Pages are in the
// invitation's language unless ?lang= (the switcher) asks for another.
import { Router, type Request, type Response } from 'express';
import { html, type SafeHtml } from '../lib/html';
import { isLanguage, translator, type Translate } from '../lib/i18n';
import { COURT_SURVEY_TOKEN_PATTERN, courtSurveyPaths } from '../lib/courtSurveyLinks';
import { COURT_SURVEY_SECTIONS } from '../domain/policy/schema';
import { toHttpError, type ErrorDetail } from '../services/errors';
import { invitationForToken, optOut, submitAnswers, type InvitationView } from '../services/courtSurvey';
import { asyncRoute } from './asyncRoute';
import type { WebDeps } from './deps';
import { sendPage } from './layout';

const ANSWER_VALUES = ['1', '2', '3', '4', '5', 'NA'] as const;

export function createCourtSurveyPagesRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const deps = { db, temporal, config };

  const send = (res: Response, status: number, title: string, body: SafeHtml) => {
    // The token is the person's: no referrer carries it elsewhere.
    res.setHeader('Referrer-Policy', 'no-referrer');
    sendPage(res, config.CITY_TIME_ZONE, { status, title, area: 'public', body });
  };
  const words = (res: Response): Translate => translator(res.locals.language as string, 'survey');

  /** A page about the link itself (unknown, answered, closed). */
  const notice = (res: Response, status: number, which: 'unknown' | 'used' | 'closed') => {
    const t = words(res);
    send(res, status, t(`page.${which}Title`), html`<h1>${t(`page.${which}Title`)}</h1><p>${t(`page.${which}`)}</p>`);
  };

  /** The invitation behind the link, with the page's language set (?lang=, else the invitation's); undefined after answering with a page. */
  async function invitation(req: Request, res: Response): Promise<{ token: string; view: InvitationView } | undefined> {
    const token = req.params.token;
    if (!COURT_SURVEY_TOKEN_PATTERN.test(token)) {
      notice(res, 404, 'unknown');
      return undefined;
    }
    const asked = typeof req.query.lang === 'string' && isLanguage(req.query.lang) ? req.query.lang : undefined;
    try {
      const view = await invitationForToken(db, token, asked);
      res.locals.language = asked ?? view.language;
      return { token, view };
    } catch (err) {
      if (toHttpError(err).status === 404) {
        notice(res, 404, 'unknown');
        return undefined;
      }
      throw err;
    }
  }

  function surveyForm(res: Response, status: number, token: string, view: InvitationView, chosen: Record<string, string>, errors: ErrorDetail[] = []) {
    const t = words(res);
    const language = res.locals.language as string;
    const scale = [...view.survey.scale.map((label, i) => ({ value: String(i + 1), label })), { value: 'NA', label: view.survey.notApplicable }];
    send(
      res,
      status,
      t('page.title'),
      html`<h1>${t('page.heading')}</h1>
<p class="lede">${t('page.lede')}</p>
<p class="small">${t('page.anonymous', { minimum: view.survey.minimumResponses })}</p>
${errors.length
  ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${t('page.problem')}</h2><ul>${errors.map((e) => html`<li>${e.message}</li>`)}</ul></div>`
  : ''}
<form method="post" action="${courtSurveyPaths.survey(token)}" class="court-survey">
  <input type="hidden" name="lang" value="${language}">
  ${COURT_SURVEY_SECTIONS.filter((section) => view.survey.questions.some((q) => q.section === section)).map(
    (section) => html`<h2>${t(`page.sections.${section}`)}</h2>
  ${view.survey.questions
    .filter((q) => q.section === section)
    .map(
      (q) => html`<fieldset class="survey-question" id="q-${q.key}">
    <legend>${q.text}</legend>
    ${scale.map(
      (point) =>
        html`<div class="choice"><input type="radio" name="q_${q.key}" value="${point.value}" id="q-${q.key}-${point.value}"${chosen[q.key] === point.value ? html` checked` : ''}><label for="q-${q.key}-${point.value}">${point.label}</label></div>`,
    )}
  </fieldset>`,
    )}`,
  )}
  <button type="submit">${t('page.submit')}</button>
</form>
<p><a href="${courtSurveyPaths.optOut(token)}">${t('page.optOutLink')}</a></p>`,
    );
  }

  const closedNotice = (res: Response, view: InvitationView) => notice(res, view.state === 'ANSWERED' ? 409 : 410, view.state === 'ANSWERED' ? 'used' : 'closed');

  router.get(
    '/survey/:token',
    asyncRoute(async (req, res) => {
      const found = await invitation(req, res);
      if (!found) return;
      if (found.view.state !== 'OPEN') return closedNotice(res, found.view);
      surveyForm(res, 200, found.token, found.view, {});
    }),
  );

  router.post(
    '/survey/:token',
    asyncRoute(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.lang === 'string' && isLanguage(body.lang)) req.query.lang = body.lang;
      const found = await invitation(req, res);
      if (!found) return;
      const chosen: Record<string, string> = {};
      for (const q of found.view.survey.questions) {
        const value = body[`q_${q.key}`];
        if (typeof value === 'string' && (ANSWER_VALUES as readonly string[]).includes(value)) chosen[q.key] = value;
      }
      const answers = Object.fromEntries(Object.entries(chosen).map(([key, value]) => [key, value === 'NA' ? 'NA' : Number(value)]));
      try {
        await submitAnswers(deps, found.token, answers, res.locals.language as string);
      } catch (err) {
        const failure = toHttpError(err);
        if (failure.status === 409) return notice(res, 409, 'used');
        if (failure.status === 410) return notice(res, 410, 'closed');
        if (failure.status === 422) return surveyForm(res, 422, found.token, found.view, chosen, failure.details ?? []);
        throw err;
      }
      const t = words(res);
      send(
        res,
        200,
        t('page.thanksTitle'),
        html`<h1>${t('page.thanksTitle')}</h1><p>${t('page.thanks')}</p><p><a href="/#plans">${t('page.dashboardLink')}</a></p>`,
      );
    }),
  );

  router.get(
    '/survey/:token/opt-out',
    asyncRoute(async (req, res) => {
      const found = await invitation(req, res);
      if (!found) return;
      const t = words(res);
      if (found.view.state !== 'OPEN') return closedNotice(res, found.view);
      send(
        res,
        200,
        t('page.optOutTitle'),
        html`<h1>${t('page.optOutTitle')}</h1><p>${t('page.optOutAsk')}</p>
<form method="post" action="${courtSurveyPaths.optOut(found.token)}"><input type="hidden" name="lang" value="${res.locals.language as string}"><button type="submit">${t('page.optOutSubmit')}</button></form>`,
      );
    }),
  );

  router.post(
    '/survey/:token/opt-out',
    asyncRoute(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.lang === 'string' && isLanguage(body.lang)) req.query.lang = body.lang;
      const found = await invitation(req, res);
      if (!found) return;
      try {
        await optOut(deps, found.token);
      } catch (err) {
        const failure = toHttpError(err);
        if (failure.status === 409) return notice(res, 409, 'used');
        if (failure.status === 410) return notice(res, 410, 'closed');
        throw err;
      }
      const t = words(res);
      send(res, 200, t('page.optOutTitle'), html`<h1>${t('page.optOutTitle')}</h1><p>${t('page.optOutDone')}</p>`);
    }),
  );

  // ---------------------------------------------------------------- the clerk's console page

  router.get('/console/court-survey', (_req, res) => {
    const t = words(res);
    sendPage(res, config.CITY_TIME_ZONE, {
      title: t('console.title'),
      area: 'console',
      current: '/console/court-survey',
      script: 'court-survey-contacts.js',
      body: html`<h1>${t('console.heading')}</h1>
    <p>${t('console.lede')}</p>
    <div id="court-survey-contacts"><p class="loading" role="status">${t('console.loading')}</p></div>`,
    });
  });

  return router;
}
