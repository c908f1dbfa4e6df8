// Goal 1's engagement sessions on the site:
//   GET /sessions           the public page: upcoming and past sessions, with
//                           attendance by group once held (server-rendered)
//   GET /feeds/plan.ics     the sessions and the action plan's item due dates
//                           (iCalendar, the same builder as /feeds/deadlines.ics)
//   GET /console/sessions   the staff page: schedule a session, record its
//                           attendance, cancel it, turn its follow-ups into
//                           action items (its script calls the API)
// The public page and the feed read only services/engagementPublicViews.ts,
// which never returns staff notes. ?lang= (or the page's language) picks the
// words; session titles and places are as staff wrote them.
import { Router, type Response } from 'express';
import { html, type SafeHtml } from '../lib/html';
import { DEFAULT_LANGUAGE, languageName, languageOr, languages, translator, type Translate } from '../lib/i18n';
import { engagementWords, publicItemDueDates, publicSessions, type PublicSession } from '../services/engagementPublicViews';
import { buildCalendar, type CalendarEvent } from './feedFormats';
import { asyncRoute } from './asyncRoute';
import type { WebDeps } from './deps';
import { sendPage } from './layout';
import { cityDateTime } from './linkPages/linkPage';
import { publicSessionUrl } from '../lib/workflowInputs';

const sessionWords = (res: Response): Translate => translator(typeof res.locals.language === 'string' ? res.locals.language : 'en', 'sessions');

function sessionArticle(t: Translate, session: PublicSession, sayDate: (when: string) => string): SafeHtml {
  const status =
    session.status === 'CANCELLED'
      ? html` <span class="badge">${t('public.cancelled')}</span>`
      : session.status === 'HELD'
        ? html` <span class="badge">${t('public.held')}</span>`
        : Date.parse(session.endsAt) < Date.now()
          ? html` <span class="badge">${t('public.awaitingReport')}</span>`
          : '';
  return html`<article class="card session" id="session-${session.id}" aria-labelledby="session-${session.id}-title">
      <h3 id="session-${session.id}-title">${session.title}${status}</h3>
      <dl>
        <dt>${t('public.when')}</dt><dd><time datetime="${session.startsAt}">${sayDate(session.startsAt)}</time> – <time datetime="${session.endsAt}">${sayDate(session.endsAt)}</time></dd>
        ${session.place ? html`<dt>${t('public.where')}</dt><dd>${session.place}</dd>` : ''}
        ${session.onlineUrl ? html`<dt>${t('public.online')}</dt><dd><a href="${session.onlineUrl}" rel="noopener">${t('public.joinOnline')}</a></dd>` : ''}
        <dt>${t('public.languages')}</dt><dd>${session.languages.map(languageName).join(', ')}</dd>
        ${session.accessibilityNotes ? html`<dt>${t('public.accessibility')}</dt><dd>${session.accessibilityNotes}</dd>` : ''}
      </dl>
      ${session.description ? html`<p>${session.description}</p>` : ''}
      ${session.attendance.length
        ? html`<div class="table-wrap"><table class="attendance">
        <caption>${t('public.attendanceCaption', { title: session.title })}</caption>
        <thead><tr><th scope="col">${t('public.group')}</th><th scope="col">${t('public.people')}</th></tr></thead>
        <tbody>${session.attendance.map((a) => html`<tr><th scope="row">${a.label}</th><td>${a.count}</td></tr>`)}
        <tr><th scope="row">${t('public.total')}</th><td>${session.attendance.reduce((sum, a) => sum + a.count, 0)}</td></tr></tbody>
      </table></div>`
        : ''}
    </article>`;
}

export function createSessionPagesRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  const host = new URL(base).hostname;

  router.get(
    '/sessions',
    asyncRoute(async (_req, res) => {
      const language = typeof res.locals.language === 'string' ? res.locals.language : 'en';
      const t = sessionWords(res);
      const sayDate = cityDateTime(config.CITY_TIME_ZONE, 'full', language);
      const { upcoming, past } = await publicSessions(db, language);
      const policy = engagementWords(language);
      sendPage(res, config.CITY_TIME_ZONE, {
        title: t('titles.public'),
        area: 'public',
        current: '/sessions',
        description: t('public.heading'),
        body: html`<h1>${t('public.heading')}</h1>
    ${policy ? html`<p class="lede">${t('public.lede', { cadence: policy.cadence, count: policy.promisedPerYear })}</p>` : ''}
    <ul>
      <li><a href="/feeds/plan.ics${language === 'en' ? '' : `?lang=${language}`}">${t('public.calendar')}</a></li>
      <li><a href="/subscribe">${t('public.subscribe')}</a></li>
    </ul>
    <section aria-labelledby="upcoming-heading" id="upcoming">
      <h2 id="upcoming-heading">${t('public.upcoming')}</h2>
      ${upcoming.length ? upcoming.map((s) => sessionArticle(t, s, sayDate)) : html`<p>${t('public.none')}</p>`}
    </section>
    <section aria-labelledby="past-heading" id="past">
      <h2 id="past-heading">${t('public.past')}</h2>
      ${past.length ? past.map((s) => sessionArticle(t, s, sayDate)) : html`<p>${t('public.nonePast')}</p>`}
    </section>`,
      });
    }),
  );

  router.get(
    '/feeds/plan.ics',
    asyncRoute(async (req, res) => {
      const now = new Date();
      const language = languageOr(req.query.lang);
      const t = translator(language, 'sessions');
      const [{ upcoming, past }, items] = await Promise.all([publicSessions(db, language, now), publicItemDueDates(db)]);
      const sessionUrl = (id: string) => publicSessionUrl(config, id);
      const events: CalendarEvent[] = [
        ...[...upcoming, ...past].map((s) => ({
          // Stable across reschedules: a calendar moves the event rather than adding a second one.
          uid: `session-${s.id}@${host}`,
          start: new Date(s.startsAt),
          end: new Date(s.endsAt),
          summary: s.status === 'CANCELLED' ? t('feed.sessionCancelled', { title: s.title }) : s.title,
          description: [s.description, t('feed.sessionText', { url: sessionUrl(s.id) })].filter(Boolean).join('\n\n'),
          location: s.place ?? s.onlineUrl ?? undefined,
          url: sessionUrl(s.id),
          categories: [t('feed.session')],
          ...(s.status === 'CANCELLED' ? { status: 'CANCELLED' as const } : {}),
        })),
        ...items.map((item) => ({
          uid: `item-${item.id}@${host}`,
          start: item.dueAt,
          summary: t('feed.itemDue', { title: item.title, goal: item.goal.number }),
          description: t('feed.itemText', { url: `${base}/plans/${encodeURIComponent(item.planId)}` }),
          url: `${base}/plans/${encodeURIComponent(item.planId)}`,
          categories: [t('feed.item')],
        })),
      ].sort((a, b) => a.start.getTime() - b.start.getTime());
      const ics = buildCalendar({ name: t('feed.name'), description: t('feed.description'), events, now });
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Disposition', 'inline; filename="clayton-plan.ics"');
      res.type('text/calendar; charset=utf-8').send(ics);
    }),
  );

  router.get('/console/sessions', (_req, res) => {
    const language = typeof res.locals.language === 'string' ? res.locals.language : 'en';
    const t = sessionWords(res);
    const groups = engagementWords(language)?.groups ?? [];
    sendPage(res, config.CITY_TIME_ZONE, {
      title: t('titles.console'),
      area: 'console',
      current: '/console/sessions',
      script: 'sessions-console.js',
      data: {
        words: JSON.stringify({
          scheduled: t('console.scheduled'),
          noSessions: t('console.noSessions'),
          record: t('console.record'),
          recorded: t('console.recorded'),
          cancel: t('console.cancel'),
          cancelReason: t('console.cancelReason'),
          cancelledDone: t('console.cancelledDone'),
          notes: t('console.notes'),
          attendanceHeading: t('console.attendanceHeading'),
          followUpHeading: t('console.followUpHeading'),
          followUpLede: t('console.followUpLede'),
          followUpAdd: t('console.followUpAdd'),
          followUpGoal: t('console.followUpGoal'),
          followUpTitle: t('console.followUpTitle'),
          followUpDescription: t('console.followUpDescription'),
          followUpOwner: t('console.followUpOwner'),
          followUpOwnerHint: t('console.followUpOwnerHint'),
          followUpSponsor: t('console.followUpSponsor'),
          followUpSponsorHint: t('console.followUpSponsorHint'),
          followUpChoosePerson: t('console.followUpChoosePerson'),
          followUpDueAt: t('console.followUpDueAt'),
          followUpDueAtHint: t('console.followUpDueAtHint'),
          followUpSubmit: t('console.followUpSubmit'),
          followUpCreated: t('console.followUpCreated'),
          followUpDue: t('console.followUpDue', { date: '{{date}}' }),
        }),
        groups: JSON.stringify(groups),
      },
      body: html`<h1>${t('console.heading')}</h1>
    <p class="lede">${t('console.lede')}</p>
    <form id="schedule-session" novalidate>
      <h2>${t('console.scheduleHeading')}</h2>
      <div class="form-status" aria-live="assertive"></div>
      <div class="field"><label for="planId">${t('console.plan')}</label><select id="planId" name="planId" required></select></div>
      <div class="field"><label for="title">${t('console.title')}</label><input id="title" name="title" required maxlength="200"></div>
      <div class="field"><label for="description">${t('console.description')}</label><textarea id="description" name="description" maxlength="2000"></textarea></div>
      <div class="field"><label for="startsAt">${t('console.startsAt')}</label><input type="datetime-local" id="startsAt" name="startsAt" required></div>
      <div class="field"><label for="endsAt">${t('console.endsAt')}</label><input type="datetime-local" id="endsAt" name="endsAt" required></div>
      <div class="field"><label for="place">${t('console.place')}</label><input id="place" name="place" maxlength="300"></div>
      <div class="field"><label for="onlineUrl">${t('console.onlineUrl')}</label><input type="url" id="onlineUrl" name="onlineUrl" maxlength="500"></div>
      <fieldset id="languages"><legend>${t('console.languages')}</legend>
        ${languages().map(
          (code) => html`<label><input type="checkbox" name="languages" value="${code}"${code === DEFAULT_LANGUAGE ? html` checked` : ''}> ${languageName(code)}</label> `,
        )}
      </fieldset>
      <div class="field"><label for="accessibilityNotes">${t('console.accessibilityNotes')}</label><textarea id="accessibilityNotes" name="accessibilityNotes" maxlength="1000"></textarea></div>
      <button type="submit">${t('console.schedule')}</button>
    </form>
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">${t('console.listHeading')}</h2>
      <p class="small muted">${t('console.followUp')}</p>
      <div id="session-list" aria-live="polite"></div>
    </section>`,
    });
  });

  return router;
}
