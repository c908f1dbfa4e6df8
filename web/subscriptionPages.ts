// The public pages of subscriptions, server-rendered so they work without
// JavaScript and on any phone:
//   GET/POST /subscribe                       ask for updates (email or text, language, topics)
//   GET/POST /subscriptions/confirm/:token    the confirmation link (GET asks, POST confirms: mail scanners open links)
//   GET      /subscriptions/:token            the subscriber's own page: what we keep, language, unsubscribe, download, delete
//   GET/POST /subscriptions/:token/unsubscribe one click (POST is also RFC 8058's List-Unsubscribe-Post target)
//   POST     /subscriptions/:token/{language,resubscribe,delete}
//   GET      /subscriptions/:token/export      everything we keep, as JSON
// The token is the signed link from a message; it stands in for an account.
// Pages are in the subscription's language unless ?lang= asks for another.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopicV1 } from '../domain/contracts/publicFanOut';
import { INCIDENT_NUMBER_PATTERN } from '../domain/ids';
import { html, type SafeHtml } from '../lib/html';
import { isLanguage, languageName, languages, translator, type Translate } from '../lib/i18n';
import { subscriptionLinkUrls } from '../lib/links';
import { topicsInWords } from '../lib/subscriptionData';
import { fromZodError, toHttpError, type ErrorDetail } from '../services/errors';
import {
  SubscribeRequest,
  confirmSubscription,
  createSubscribeThrottle,
  deleteSubscription,
  exportSubscription,
  findSubscription,
  requestSubscription,
  resubscribe,
  setSubscriptionLanguage,
  unsubscribe,
  type SubscriptionWithTopics,
} from '../services/subscriptions';
import { asyncRoute } from './asyncRoute';
import type { WebDeps } from './deps';
import { inLanguage, sendPage } from './layout';
import { refusalsInWords } from './formRefusals';
import { LINK_PROBLEM_STATUS, cityDateTime, readLinkOrExplain, type LinkProblem } from './linkPages/linkPage';

const TOPIC_ORDER: readonly SubscriptionTopicV1[] = ['ALL_INCIDENTS', 'INCIDENT', 'PLAN_REPORT', 'ENGAGEMENT_SESSIONS'];

interface FormValues {
  channel: string;
  email: string;
  phone: string;
  language: string;
  topics: string[];
  incident: string;
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function createSubscriptionPagesRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const throttle = createSubscribeThrottle(db);

  const send = (res: Response, status: number, title: string, body: SafeHtml, opts: { token?: boolean } = {}) => {
    if (opts.token) res.setHeader('Referrer-Policy', 'no-referrer');
    sendPage(res, config.CITY_TIME_ZONE, { status, title, area: 'public', current: '/subscribe', body });
  };
  const words = (res: Response): Translate => translator(res.locals.language as string, 'pages');
  const common = (res: Response): Translate => translator(res.locals.language as string, 'common');

  // ---------------------------------------------------------------- subscribe

  function subscribeForm(res: Response, status: number, values: FormValues, errors: ErrorDetail[] = []) {
    const t = words(res);
    const c = common(res);
    errors = refusalsInWords(res.locals.language as string, errors, [
      ['channel', () => t('subscribe.errors.channel')],
      ['address', () => t(values.channel === 'SMS' ? 'subscribe.errors.phone' : 'subscribe.errors.email')],
      ['language', () => t('subscribe.errors.language')],
      // "There is no incident X" names the topics; a bad incident number names topics.<n>.incident.
      ['topics', (e) => t(e.code === 'unknown' || e.field.endsWith('.incident') ? 'subscribe.errors.incident' : 'subscribe.errors.topics')],
    ]);
    const errorOf = (field: string) => errors.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
    const invalid = (field: string) => (errorOf(field) ? html` aria-invalid="true" aria-describedby="${field}-error"` : '');
    const fieldError = (field: string) => (errorOf(field) ? html`<span class="field-error" id="${field}-error">${errorOf(field)}</span>` : '');
    const incident = INCIDENT_NUMBER_PATTERN.test(values.incident) ? values.incident : '';
    const topics = TOPIC_ORDER.filter((topic) => topic !== 'INCIDENT' || incident);
    const anchorOf: Record<string, string> = { channel: 'channel-email', address: values.channel === 'SMS' ? 'phone' : 'email', language: 'language', topics: 'topic-ALL_INCIDENTS' };
    send(
      res,
      status,
      t('subscribe.title'),
      html`<h1>${t('subscribe.heading')}</h1>
<p class="lede">${t('subscribe.lede')}</p>
${errors.length
  ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${t('common.problem')}</h2><ul>${errors.map(
      (e) => html`<li><a href="#${anchorOf[e.field.split('.')[0]] ?? 'email'}">${e.message}</a></li>`,
    )}</ul></div>`
  : ''}
<form method="post" action="/subscribe" novalidate>
  <fieldset id="channel"${invalid('channel')}>
    <legend>${t('subscribe.how')}</legend>
    ${fieldError('channel')}
    <div class="choice"><input type="radio" name="channel" value="EMAIL" id="channel-email"${values.channel !== 'SMS' ? html` checked` : ''}><label for="channel-email">${c('channels.EMAIL')}</label></div>
    <div class="choice"><input type="radio" name="channel" value="SMS" id="channel-sms"${values.channel === 'SMS' ? html` checked` : ''}><label for="channel-sms">${c('channels.SMS')}</label></div>
  </fieldset>
  <div class="field">
    <label for="email">${t('subscribe.email')}</label>
    <span class="hint" id="email-hint">${t('subscribe.emailHint')}</span>
    ${values.channel !== 'SMS' ? fieldError('address') : ''}
    <input type="email" id="email" name="email" autocomplete="email" spellcheck="false" value="${values.email}" aria-describedby="email-hint${values.channel !== 'SMS' && errorOf('address') ? ' address-error' : ''}"${values.channel !== 'SMS' && errorOf('address') ? html` aria-invalid="true"` : ''}>
  </div>
  <div class="field">
    <label for="phone">${t('subscribe.phone')}</label>
    <span class="hint" id="phone-hint">${t('subscribe.phoneHint')}</span>
    ${values.channel === 'SMS' ? fieldError('address') : ''}
    <input type="tel" id="phone" name="phone" autocomplete="tel" value="${values.phone}" aria-describedby="phone-hint${values.channel === 'SMS' && errorOf('address') ? ' address-error' : ''}"${values.channel === 'SMS' && errorOf('address') ? html` aria-invalid="true"` : ''}>
  </div>
  <div class="field">
    <label for="language">${t('subscribe.language')}</label>
    ${fieldError('language')}
    <select id="language" name="language"${invalid('language')}>
      ${languages().map((code) => html`<option value="${code}" lang="${code}"${values.language === code ? html` selected` : ''}>${languageName(code)}</option>`)}
    </select>
  </div>
  <fieldset id="topics"${invalid('topics')}>
    <legend>${t('subscribe.what')}</legend>
    ${fieldError('topics')}
    ${topics.map(
      (topic) => html`<div class="choice"><input type="checkbox" name="topics" value="${topic}" id="topic-${topic}"${values.topics.includes(topic) ? html` checked` : ''}><label for="topic-${topic}">${capitalise(c(`topics.${topic}`, { number: incident }))}</label></div>`,
    )}
    ${incident ? html`<input type="hidden" name="incident" value="${incident}">` : ''}
  </fieldset>
  <p class="small">${t('subscribe.privacy')}</p>
  <button type="submit">${t('subscribe.submit')}</button>
</form>`,
    );
  }

  const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  router.get('/subscribe', (req, res) => {
    const incident = text(req.query.incident).toUpperCase();
    subscribeForm(res, 200, {
      channel: 'EMAIL',
      email: '',
      phone: '',
      language: res.locals.language as string,
      topics: INCIDENT_NUMBER_PATTERN.test(incident) ? ['INCIDENT'] : ['ALL_INCIDENTS'],
      incident,
    });
  });

  router.post(
    '/subscribe',
    asyncRoute(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values: FormValues = {
        channel: text(body.channel),
        email: text(body.email),
        phone: text(body.phone),
        language: text(body.language),
        topics: list(body.topics),
        incident: text(body.incident).toUpperCase(),
      };
      // The form's language is the one asked for, so its answer is in it too.
      if (isLanguage(values.language)) res.locals.language = values.language;
      const parsed = SubscribeRequest.safeParse({
        channel: values.channel,
        address: values.channel === 'SMS' ? values.phone : values.email,
        language: values.language,
        topics: values.topics
          .filter((topic): topic is SubscriptionTopicV1 => (SUBSCRIPTION_TOPICS as readonly string[]).includes(topic))
          .map((topic) => (topic === 'INCIDENT' ? { topic, incident: values.incident } : { topic })),
      });
      if (!parsed.success) return subscribeForm(res, 400, values, fromZodError(parsed.error).details ?? []);
      try {
        await requestSubscription({ db, temporal, config, throttle }, parsed.data, req.ip ?? 'unknown');
      } catch (err) {
        const refusal = toHttpError(err);
        if (refusal.status >= 500) throw err;
        if (refusal.status === 429) return send(res, 429, words(res)('subscribe.tooMany'), html`<h1>${words(res)('subscribe.tooMany')}</h1><p>${words(res)('subscribe.tooManyText')}</p>`);
        return subscribeForm(res, refusal.status, values, refusal.details ?? [{ field: refusal.field ?? 'topics', message: refusal.message }]);
      }
      const t = words(res);
      const sms = parsed.data.channel === 'SMS';
      send(
        res,
        202,
        t('subscribe.checkTitle'),
        html`<h1>${t(sms ? 'subscribe.checkPhone' : 'subscribe.checkEmail')}</h1>
<p role="status">${t(sms ? 'subscribe.sentSms' : 'subscribe.sentEmail', { address: parsed.data.address })}</p>
<p>${t('subscribe.window')}</p>`,
      );
    }),
  );

  // ---------------------------------------------------------------- confirmation link

  const linkProblem = (res: Response) => (problem: LinkProblem) => {
    const t = words(res);
    // A forged link reads as a damaged one: the page says nothing more to whoever made it.
    const kind = problem === 'expired' ? 'expired' : 'damaged';
    send(res, LINK_PROBLEM_STATUS[problem], t(`subscription.${kind}Title`), html`<h1>${t(`subscription.${kind}Title`)}</h1><p>${t(`subscription.${kind}Text`)}</p><p><a href="/subscribe">${t('subscription.subscribeAgain')}</a></p>`, { token: true });
  };

  /** Pages about a subscription are in its language unless the reader asked for another. */
  const speak = (req: Request, res: Response, subscription: { language: string }) => {
    if (!(typeof req.query.lang === 'string' && isLanguage(req.query.lang))) res.locals.language = subscription.language;
  };

  const gone = (res: Response) => {
    const t = words(res);
    send(res, 404, t('subscription.goneTitle'), html`<h1>${t('subscription.goneTitle')}</h1><p>${t('subscription.goneText')}</p><p><a href="/subscribe">${t('subscription.subscribeAgain')}</a></p>`, { token: true });
  };

  router.get(
    '/subscriptions/confirm/:token',
    asyncRoute(async (req, res) => {
      const link = readLinkOrExplain(req.params.token, 'subscription-confirm', config, linkProblem(res));
      if (!link) return;
      const subscription = await findSubscription(db, link.subscriptionId);
      if (!subscription || subscription.status === 'UNSUBSCRIBED') return gone(res);
      speak(req, res, subscription);
      const t = words(res);
      send(
        res,
        200,
        t('subscription.confirmTitle'),
        html`<h1>${t('subscription.confirmTitle')}</h1>
<p>${t('subscription.confirmText', { address: subscription.address, topics: topicsInWords(subscription.language, subscription.topics) })}</p>
<form method="post" action="/subscriptions/confirm/${encodeURIComponent(req.params.token)}"><button type="submit">${t('subscription.confirmButton')}</button></form>`,
        { token: true },
      );
    }),
  );

  router.post(
    '/subscriptions/confirm/:token',
    asyncRoute(async (req, res) => {
      const link = readLinkOrExplain(req.params.token, 'subscription-confirm', config, linkProblem(res));
      if (!link) return;
      const subscription = await confirmSubscription({ db, temporal }, link.subscriptionId, { via: 'EMAIL_LINK', welcomed: false });
      if (!subscription) return gone(res);
      speak(req, res, subscription);
      const t = words(res);
      const links = subscriptionLinkUrls(config).subscription(subscription.id);
      send(
        res,
        200,
        t('subscription.confirmedTitle'),
        html`<h1>${t('subscription.confirmedTitle')}</h1>
<p role="status">${t('subscription.confirmedText', { topics: topicsInWords(subscription.language, subscription.topics) })}</p>
<p>${t('subscription.everyMessage')} <a href="${new URL(links.manage).pathname}">${t('subscription.manageLink')}</a></p>`,
        { token: true },
      );
    }),
  );

  // ---------------------------------------------------------------- the subscriber's own pages

  /** The subscription a subscriber's link names; undefined once a page has said why not. */
  async function subscriptionOf(req: Request, res: Response): Promise<SubscriptionWithTopics | undefined> {
    const link = readLinkOrExplain(req.params.token, 'subscription', config, linkProblem(res));
    if (!link) return undefined;
    const subscription = await findSubscription(db, link.subscriptionId);
    if (!subscription) {
      gone(res);
      return undefined;
    }
    speak(req, res, subscription);
    return subscription;
  }

  const base = (req: Request) => `/subscriptions/${encodeURIComponent(req.params.token)}`;

  function managePage(req: Request, res: Response, subscription: SubscriptionWithTopics, message?: SafeHtml, status = 200) {
    const t = words(res);
    const c = common(res);
    const when = cityDateTime(config.CITY_TIME_ZONE, 'medium', res.locals.language as string);
    const active = subscription.status === 'ACTIVE';
    send(
      res,
      status,
      t('subscription.manageTitle'),
      html`<h1>${t('subscription.manageTitle')}</h1>
${message ?? ''}
<p>${t('subscription.manageIntro')}</p>
<dl class="facts">
  <dt>${t('subscription.sentTo')}</dt><dd>${c(`channels.${subscription.channel}`)}: ${subscription.address}${subscription.outlet ? ` (${subscription.outlet})` : ''}</dd>
  <dt>${t('subscription.topics')}</dt><dd>${capitalise(topicsInWords(res.locals.language as string, subscription.topics))}</dd>
  <dt>${t('subscription.status')}</dt><dd>${t(`subscription.statuses.${subscription.status}`)}</dd>
  <dt>${t('subscription.since')}</dt><dd>${subscription.confirmedAt ? when(subscription.confirmedAt) : '—'}</dd>
</dl>
<section aria-labelledby="language-heading">
  <h2 id="language-heading">${t('subscription.languageHeading')}</h2>
  <form method="post" action="${base(req)}/language" class="inline-form">
    <div class="field"><label for="language">${t('subscription.languageLabel')}</label>
    <select id="language" name="language">${languages().map((code) => html`<option value="${code}" lang="${code}"${subscription.language === code ? html` selected` : ''}>${languageName(code)}</option>`)}</select></div>
    <button type="submit" class="secondary">${t('subscription.languageSave')}</button>
  </form>
</section>
<section aria-labelledby="stop-heading">
  <h2 id="stop-heading">${t(active ? 'subscription.stopHeading' : 'subscription.resumeHeading')}</h2>
  ${active
    ? html`<form method="post" action="${base(req)}/unsubscribe"><button type="submit">${t('subscription.unsubscribeButton')}</button></form>`
    : subscription.confirmedAt
      ? html`<p>${t('subscription.stoppedText')}</p><form method="post" action="${base(req)}/resubscribe"><button type="submit" class="secondary">${t('subscription.resubscribeButton')}</button></form>`
      : html`<p>${t('subscription.notConfirmed')}</p>`}
</section>
<section aria-labelledby="data-heading">
  <h2 id="data-heading">${t('subscription.dataHeading')}</h2>
  <p>${t('subscription.dataText')}</p>
  <p><a href="${base(req)}/export" download="common-ground-subscription.json">${t('subscription.exportLink')}</a></p>
  <form method="post" action="${base(req)}/delete" novalidate>
    <div class="choice"><input type="checkbox" name="confirm" value="yes" id="delete-confirm" required><label for="delete-confirm">${t('subscription.deleteConfirm')}</label></div>
    <button type="submit" class="danger">${t('subscription.deleteButton')}</button>
  </form>
</section>`,
      { token: true },
    );
  }

  router.get(
    '/subscriptions/:token',
    asyncRoute(async (req, res) => {
      const subscription = await subscriptionOf(req, res);
      if (subscription) managePage(req, res, subscription);
    }),
  );

  router.get(
    '/subscriptions/:token/unsubscribe',
    asyncRoute(async (req, res) => {
      const subscription = await subscriptionOf(req, res);
      if (!subscription) return;
      const t = words(res);
      if (subscription.status !== 'ACTIVE') return managePage(req, res, subscription, html`<p class="success-summary" role="status">${t('subscription.alreadyStopped')}</p>`);
      send(
        res,
        200,
        t('subscription.unsubscribeTitle'),
        html`<h1>${t('subscription.unsubscribeTitle')}</h1>
<p>${t('subscription.unsubscribeText', { address: subscription.address })}</p>
<form method="post" action="${base(req)}/unsubscribe"><button type="submit">${t('subscription.unsubscribeButton')}</button></form>
<p><a href="${base(req)}">${t('subscription.manageLink')}</a></p>`,
        { token: true },
      );
    }),
  );

  // Also the one-click target of the List-Unsubscribe-Post header (RFC 8058): the body is List-Unsubscribe=One-Click.
  router.post(
    '/subscriptions/:token/unsubscribe',
    asyncRoute(async (req, res) => {
      const found = await subscriptionOf(req, res);
      if (!found) return;
      const subscription = (await unsubscribe(db, found.id)) ?? found;
      managePage(req, res, subscription, html`<div class="success-summary" role="status"><strong>${words(res)('subscription.unsubscribedTitle')}</strong> ${words(res)('subscription.unsubscribedText')}</div>`);
    }),
  );

  router.post(
    '/subscriptions/:token/resubscribe',
    asyncRoute(async (req, res) => {
      const found = await subscriptionOf(req, res);
      if (!found) return;
      const subscription = (await resubscribe(db, found.id)) ?? found;
      managePage(req, res, subscription, html`<div class="success-summary" role="status">${words(res)('subscription.resubscribed')}</div>`);
    }),
  );

  router.post(
    '/subscriptions/:token/language',
    asyncRoute(async (req, res) => {
      const found = await subscriptionOf(req, res);
      if (!found) return;
      const language = text((req.body as Record<string, unknown> | undefined)?.language);
      if (!isLanguage(language)) return managePage(req, res, found, html`<div class="error-summary" role="alert">${words(res)('subscription.noSuchLanguage')}</div>`, 400);
      await setSubscriptionLanguage(db, found.id, language);
      // See the page in the language just chosen.
      res.redirect(303, inLanguage(base(req), language));
    }),
  );

  router.get(
    '/subscriptions/:token/export',
    asyncRoute(async (req, res) => {
      const found = await subscriptionOf(req, res);
      if (!found) return;
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Content-Disposition', 'attachment; filename="common-ground-subscription.json"');
      res.type('application/json').send(`${JSON.stringify(await exportSubscription(db, found.id), null, 2)}\n`);
    }),
  );

  router.post(
    '/subscriptions/:token/delete',
    asyncRoute(async (req, res) => {
      const found = await subscriptionOf(req, res);
      if (!found) return;
      const t = words(res);
      const confirmed = z.literal('yes').safeParse((req.body as Record<string, unknown> | undefined)?.confirm).success;
      if (!confirmed) {
        return managePage(req, res, found, html`<div class="error-summary" role="alert"><h2>${t('common.problem')}</h2><p><a href="#delete-confirm">${t('subscription.deleteNeedsConfirm')}</a></p></div>`, 400);
      }
      await deleteSubscription(db, found.id);
      send(res, 200, t('subscription.deletedTitle'), html`<h1>${t('subscription.deletedTitle')}</h1><p role="status">${t('subscription.deletedText')}</p><p><a href="/">${t('subscription.home')}</a></p>`, { token: true });
    }),
  );

  return router;
}
