// The page shells. Each gives the page its heading, landmarks and a live
// region; the page's ES module fills in data from the JSON API. Public pages
// say what they are even before the data arrives. Every word is the pages
// catalogue's (locales/<language>/pages.json), in the page's language.
import { html, type SafeHtml } from '../lib/html';
import type { Translate } from '../lib/i18n';

const loading = (t: Translate, what: string): SafeHtml => html`<p class="loading" role="status">${t('common.loading', { what: t(`loading.${what}`) })}</p>`;

const needsScript = (t: Translate) => html`<noscript><p class="error-summary">${t('common.needsScript')}</p></noscript>`;

export const landingBody = (t: Translate): SafeHtml => html`
    <h1>${t('landing.heading')}</h1>
    <p class="lede">${t('landing.lede')}</p>
    ${needsScript(t)}
    <section aria-labelledby="plans-heading" id="plans">
      <h2 id="plans-heading">${t('landing.plansHeading')}</h2>
      <p>${t('landing.plansIntro')}</p>
      <div id="plans-list">${loading(t, 'plan')}</div>
    </section>
    <section aria-labelledby="incidents-heading" id="incidents">
      <h2 id="incidents-heading">${t('landing.incidentsHeading')}</h2>
      <p>${t('landing.incidentsIntro')}</p>
      <div id="incidents-list">${loading(t, 'incidents')}</div>
    </section>
    <section aria-labelledby="feeds-heading" id="feeds">
      <h2 id="feeds-heading">${t('landing.feedsHeading')}</h2>
      <ul>
        <li><a href="/subscribe">${t('landing.subscribeLink')}</a> ${t('landing.subscribeAfter')}</li>
        <li><a href="/feeds/statements.atom">${t('landing.atomLink')}</a> ${t('landing.atomAfter')}</li>
        <li><a href="/feeds/deadlines.ics">${t('landing.icsLink')}</a> ${t('landing.icsAfter')}</li>
      </ul>
      <p class="small muted">${t('landing.staff')} <a href="/console">${t('landing.staffLink')}</a>.</p>
    </section>`;

/** `engagement`: the Goal 1 section, server-rendered below what the script fills in. */
export const planBody = (t: Translate, engagement?: SafeHtml): SafeHtml => html`
    <h1 id="plan-title">${t('plan.heading')}</h1>
    ${needsScript(t)}
    <div id="plan">${loading(t, 'dashboard')}</div>
    <section id="court-survey"></section>
    ${engagement ?? ''}`;

export const publicIncidentBody = (t: Translate, number: string): SafeHtml => html`
    <h1 id="incident-title">${t('publicIncident.heading', { number })}</h1>
    ${needsScript(t)}
    <div id="incident">${loading(t, 'publicRecord')}</div>`;

export const signInBody = (t: Translate): SafeHtml => html`
    <h1>${t('signIn.heading')}</h1>
    <p>${t('signIn.intro')} <a href="/">${t('signIn.publicSite')}</a>.</p>
    <form id="sign-in" novalidate>
      <div class="form-status" aria-live="assertive"></div>
      <div class="field">
        <label for="email">${t('signIn.email')}</label>
        <span class="field-error" id="email-error"></span>
        <input type="email" id="email" name="email" autocomplete="username" required spellcheck="false">
      </div>
      <div class="field">
        <label for="password">${t('signIn.password')}</label>
        <span class="field-error" id="password-error"></span>
        <input type="password" id="password" name="password" autocomplete="current-password" required>
      </div>
      <button type="submit">${t('signIn.submit')}</button>
    </form>
    <section id="email-link" hidden>
      <h2>${t('signIn.linkHeading')}</h2>
      <p>${t('signIn.linkIntro')}</p>
      <button type="button" id="email-link-send">${t('signIn.linkSend')}</button>
      <p class="form-status" id="email-link-status" aria-live="polite"></p>
    </section>
    <section id="use-link" hidden>
      <h2>${t('signIn.useLinkHeading')}</h2>
      <button type="button" id="use-link-button">${t('signIn.useLink')}</button>
      <p class="form-status" id="use-link-status" aria-live="assertive"></p>
    </section>`;

export const consoleHomeBody = (t: Translate): SafeHtml => html`
    <h1>${t('consoleHome.heading')}</h1>
    ${needsScript(t)}
    <div id="home">${loading(t, 'work')}</div>`;

export const declareBody = (t: Translate): SafeHtml => html`
    <h1>${t('declare.heading')}</h1>
    <p class="lede">${t('declare.lede')}</p>
    ${needsScript(t)}
    <div id="declare">${loading(t, 'policy')}</div>`;

export const boardBody = (t: Translate, number: string): SafeHtml => html`
    <h1 id="incident-title">${t('board.heading', { number })}</h1>
    ${needsScript(t)}
    <div id="board">${loading(t, 'board')}</div>`;

export const approvalsBody = (t: Translate): SafeHtml => html`
    <h1>${t('approvals.heading')}</h1>
    <p class="lede">${t('approvals.lede')}</p>
    ${needsScript(t)}
    <div id="approvals">${loading(t, 'approvals')}</div>`;

export const itemsBody = (t: Translate): SafeHtml => html`
    <h1>${t('items.heading')}</h1>
    <p>${t('items.intro')}</p>
    ${needsScript(t)}
    <div id="items">${loading(t, 'items')}</div>`;

export const deliveriesBody = (t: Translate): SafeHtml => html`
    <h1>${t('deliveries.heading')}</h1>
    <p>${t('deliveries.intro')}</p>
    ${needsScript(t)}
    <div id="deliveries">${loading(t, 'deliveries')}</div>`;

export const mediaListBody = (t: Translate): SafeHtml => html`
    <h1>${t('mediaList.heading')}</h1>
    <p>${t('mediaList.intro')}</p>
    ${needsScript(t)}
    <div id="media-list">${loading(t, 'mediaList')}</div>`;

export const notFoundBody = (t: Translate, what: string): SafeHtml => html`
    <h1>${t('notFound.heading')}</h1>
    <p>${t('notFound.text', { what: t(`notFound.what.${what}`) })} <a href="/">${t('notFound.home')}</a>.</p>`;
