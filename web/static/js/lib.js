// Shared browser helpers: the page's words (i18next with the catalogue the
// API serves for the page's language), DOM building without innerHTML, the
// JSON API client (cookie session + CSRF header), field-error display, and
// time formatting in the page's language.
import i18next from '/static/vendor/i18next.js';

// ------------------------------------------------------------------ words

/** The page's language, as the server chose it (?lang=, the switcher's cookie, the person, Accept-Language). */
export const language = document.documentElement.lang || 'en';

const catalogue = await fetch(`/api/i18n/${encodeURIComponent(language)}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
  .then((res) => (res.ok ? res.json() : null))
  .catch(() => null);

/** The locale dates and numbers are written in (e.g. es-US). */
export const locale = catalogue?.locale || 'en-US';

const words = i18next.createInstance();
await words.init({
  lng: language,
  fallbackLng: false,
  resources: catalogue ? { [language]: catalogue.resources } : {},
  ns: ['web', 'common'],
  defaultNS: 'web',
  initAsync: false,
  returnNull: false,
  // Text goes into text nodes (h() below), never into markup.
  interpolation: { escapeValue: false },
});

/** t('board.youAcknowledged', { date }) -> the page language's words; plurals by its rules ({ count }). */
export const t = (key, values) => words.t(key, values);

/** Every language the site has, the default first (the server lists them in the language switcher). */
export const siteLanguages = () =>
  [...document.querySelectorAll('.language-switcher a[hreflang]')].map((a) => a.getAttribute('hreflang'));

const languageNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames([locale], { type: 'language' }) : null;
/** "Spanish" (or "español" on a Spanish page): a language named in the page's language. */
export const languageNameInPage = (code) => languageNames?.of(code) || code;

// ------------------------------------------------------------------ DOM

/**
 * h('p', { class: 'x' }, 'text', child) -> element. Strings become text nodes,
 * so API data can never inject markup. null/false children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = tag.includes(':') || SVG_TAGS.has(tag)
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

const SVG_TAGS = new Set(['svg', 'g', 'line', 'polyline', 'path', 'circle', 'rect', 'text', 'title', 'desc']);

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function replaceChildren(el, ...children) {
  el.textContent = '';
  append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const mainData = (key) => document.getElementById('main').dataset[key];

// ------------------------------------------------------------------ API client

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || t('errors.requestFailed', { status }));
    this.status = status;
    this.code = err.code || 'error';
    this.field = err.field;
    this.details = Array.isArray(err.details) ? err.details : [];
  }
}

const CSRF_KEY = 'cg.csrfToken';

export function rememberCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
}

export function forgetCsrf() {
  sessionStorage.removeItem(CSRF_KEY);
}

export async function api(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  // A string body with its own Content-Type (a CSV file) goes as it is; anything else as JSON.
  const raw = typeof body === 'string' && !!extraHeaders['Content-Type'];
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = sessionStorage.getItem(CSRF_KEY);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// ------------------------------------------------------------------ policy words

let policyPromise = null;

/** The communications policy (GET /api/policy), in the page's language: the words pages use for roles, types and kinds. */
export function fetchPolicy() {
  policyPromise ??= api('GET', `/api/policy?lang=${encodeURIComponent(language)}`);
  return policyPromise;
}

/** "POLICE_CHIEF" -> "Police Chief", as the policy words it. */
export const roleTitle = (policy, role) => policy?.roleTitles?.[role] || role;

// ------------------------------------------------------------------ session

let mePromise = null;

/** The signed-in person ({ person, roles, csrfToken? }) or null. */
export function fetchMe() {
  mePromise ??= api('GET', '/api/me').then(
    (me) => {
      const csrf = me && (me.csrfToken || (me.session && me.session.csrfToken));
      if (csrf) rememberCsrf(csrf);
      return normaliseMe(me);
    },
    (err) => {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    },
  );
  return mePromise;
}

function normaliseMe(me) {
  if (!me) return null;
  const person = me.person || me;
  const roles = me.roles || person.roles || [];
  return { person, roles, grants: me.grants || [], raw: me };
}

export const hasRole = (me, ...roles) => !!me && roles.some((r) => me.roles.includes(r));

/**
 * Whether this person holds a permission: by role, as the policy grants it (GET /api/policy `access`: declare, close,
 * readDeliveryLog, ...), or by what they own (GET /api/me `grants`: an item's owner moderates its comments).
 */
export const may = (me, policy, permission) => hasRole(me, ...(policy?.access?.[permission] || [])) || (!!me && (me.grants || []).includes(permission));

/** "the City Manager or the Police Chief": the roles the policy grants a permission, in words. */
export function rolesGranted(policy, permission, conjunction = 'or') {
  const names = (policy?.access?.[permission] || []).map((role) => t('roles.the', { role: roleTitle(policy, role) }));
  return names.length < 2 ? names.join('') : t(`roles.list.${conjunction}`, { first: names.slice(0, -1).join(', '), last: names[names.length - 1] });
}

/** Console pages call this first: redirects to sign-in when nobody is signed in. */
export async function requireSignIn() {
  // Only for the role titles in the header: a page without them still works.
  const policy = fetchPolicy().catch(() => null);
  const me = await fetchMe();
  if (!me) {
    const next = location.pathname + location.search;
    location.assign(`/console/sign-in?next=${encodeURIComponent(next)}`);
    return new Promise(() => {}); // the page is going away
  }
  showWho(me, await policy);
  return me;
}

function showWho(me, policy) {
  const who = document.getElementById('who');
  if (who) {
    replaceChildren(
      who,
      t('who.signedInAs', { name: me.person.name }),
      me.roles.length ? ` (${me.roles.map((role) => roleTitle(policy, role)).join(', ')})` : '',
      ' · ',
      h('button', { type: 'button', class: 'link-button', onclick: signOut }, t('who.signOut')),
    );
  }
  for (const li of document.querySelectorAll('.site-nav [data-permission]')) {
    li.hidden = !may(me, policy, li.dataset.permission);
  }
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } finally {
    forgetCsrf();
    location.assign('/console/sign-in');
  }
}

// ------------------------------------------------------------------ forms

/**
 * What the API refused, in the page's words. The API says it in English beside a stable code: each field's
 * refusal (`details[].code`, with `params` for its bounds: common `refusals.<code>`) and a conflict (a 409's
 * `code`: common `conflicts.<code>`). Its English is kept only for a code the catalogue does not know.
 */
const inPageWords = (key, values, english) => (words.exists(key) ? t(key, values) : english);
export const refusalWords = (detail) => (detail.code ? inPageWords(`common:refusals.${detail.code}`, detail.params, detail.message) : detail.message);
const conflictWords = (error) => (error.status === 409 ? inPageWords(`common:conflicts.${error.code}`, undefined, error.message) : error.message);

/** Clears previous errors, then puts each API field error next to its field. */
export function showFormErrors(form, error) {
  clearFormErrors(form);
  const summary = form.querySelector('.form-status');
  const fieldErrors = [];
  if (error instanceof ApiError) {
    for (const d of error.details) if (d && d.field) fieldErrors.push({ field: d.field, message: refusalWords(d) });
    if (error.field && !fieldErrors.some((f) => f.field === error.field)) {
      fieldErrors.push({ field: error.field, message: plainMessage(error) });
    }
  }
  const placed = [];
  for (const { field, message } of fieldErrors) {
    const target = findField(form, field);
    if (!target) continue;
    const { control, focusEl } = target;
    const errId = `${control.id}-error`;
    let slot = form.querySelector(`[id="${errId}"]`);
    if (!slot) {
      slot = h('span', { class: 'field-error', id: errId });
      control.insertAdjacentElement(control.tagName === 'FIELDSET' ? 'afterbegin' : 'beforebegin', slot);
    }
    slot.textContent = message;
    control.setAttribute('aria-invalid', 'true');
    const described = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    described.add(errId);
    control.setAttribute('aria-describedby', [...described].join(' '));
    placed.push({ control, focusEl, message });
  }
  if (summary) {
    const list = placed.map(({ control, focusEl, message }) =>
      h('li', {}, h('a', { href: `#${focusEl.id}` }, `${labelText(form, control)}: ${message}`)),
    );
    replaceChildren(
      summary,
      h(
        'div',
        { class: 'error-summary', role: 'alert', tabindex: '-1' },
        h('h2', {}, t('errors.problem')),
        placed.length ? h('ul', {}, list) : h('p', {}, plainMessage(error)),
      ),
    );
    summary.firstChild.focus();
  }
  if (placed.length && !summary) placed[0].focusEl.focus();
}

export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const described = (input.getAttribute('aria-describedby') || '')
      .split(' ')
      .filter((id) => id && id !== `${input.id}-error`);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    else input.removeAttribute('aria-describedby');
  }
  const summary = form.querySelector('.form-status');
  if (summary) summary.textContent = '';
}

export function showFormSuccess(form, message) {
  const summary = form.querySelector('.form-status');
  if (!summary) return;
  replaceChildren(summary, h('div', { class: 'success-summary', role: 'status' }, message));
}

/**
 * The element that carries aria-invalid (an input, or a fieldset for a group
 * of radios) and the element to focus. API paths may be dotted
 * ("body.severity") or bare ("severity").
 */
function findField(form, field) {
  const candidates = [field, field.split('.').pop(), field.replace(/^body\./, '')];
  for (const name of candidates) {
    const el = form.querySelector(`[data-field="${CSS.escape(name)}"], [name="${CSS.escape(name)}"]`);
    if (!el) continue;
    if (el.matches('input, select, textarea')) return { control: el, focusEl: el };
    const first = el.querySelector('input, select, textarea');
    if (!el.id) el.id = uid(`${name}-group`);
    return { control: el, focusEl: first || el };
  }
  return null;
}

function labelText(form, control) {
  if (control.tagName === 'FIELDSET') return control.querySelector('legend')?.textContent.trim() || '';
  const label = form.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  if (label) return label.textContent.trim();
  const legend = control.closest('fieldset')?.querySelector('legend');
  return legend ? legend.textContent.trim() : control.name;
}

/** Where a refusal is: a CSV file's cell (the API names it `line <n>.<column>`, services/planCsv.ts csvCellField) by its line and column, any other by its field. */
function placeWords(detail) {
  const cell = /^line (\d+)\.(.+)$/.exec(detail.field);
  return cell ? t('errors.csvCell', { line: cell[1], column: cell[2] }) : detail.field;
}

export function plainMessage(error) {
  if (!(error instanceof ApiError)) return t('errors.network');
  if (error.status === 401) return t('errors.signedOut');
  // The API's reason is English: beside another language's sentence it stays out rather than mix the two.
  const reason = language === 'en' ? error.message : '';
  if (error.status === 403) return t('errors.forbidden', { message: reason }).trim();
  if (error.status === 404) return t('errors.notFound', { message: reason }).trim();
  if (error.status === 429) return reason || t('errors.tooMany');
  if (error.status === 503) return reason || t('errors.unavailable');
  // Refusals of fields this form does not show: each with the field the API names.
  const worded = error.details.filter((d) => d && d.code && d.field);
  if (worded.length) return worded.map((d) => `${placeWords(d)}: ${refusalWords(d)}`).join(' ');
  return conflictWords(error);
}

/** Disables the submit button while the request runs, so a double-click cannot send twice. */
export async function whileBusy(form, work) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    form.removeAttribute('aria-busy');
  }
}

/**
 * Runs `send` when the form is submitted, one submission at a time; what the
 * API refuses shows next to the fields it names.
 */
export function onSubmit(form, send) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    whileBusy(form, async () => {
      try {
        await send();
      } catch (err) {
        showFormErrors(form, err);
      }
    });
  });
}

let idCounter = 0;
export const uid = (prefix) => `${prefix}-${++idCounter}`;

/** A labelled field block: label, optional hint, error slot, control. */
export function field({ label, control, hint }) {
  const id = control.id || (control.id = uid(control.name || 'field'));
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, h('span', { class: 'field-error', id: `${id}-error` }), control);
}

// ------------------------------------------------------------------ time

const timeZone = document.querySelector('meta[name="cg-time-zone"]')?.content || 'America/Chicago';

const dateTimeFmt = new Intl.DateTimeFormat(locale, {
  timeZone,
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});
const dateFmt = new Intl.DateTimeFormat(locale, { timeZone, month: 'long', day: 'numeric', year: 'numeric' });

export const formatDateTime = (iso) => (iso ? dateTimeFmt.format(new Date(iso)) : '');
const civilDateFmt = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });

/** An instant as a city date; a bare calendar date ("2026-10-01") as itself, with no time-zone shift. */
export const formatDate = (value) => {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return civilDateFmt.format(new Date(`${value}T00:00:00Z`));
  return dateFmt.format(new Date(value));
};

export function timeEl(iso, text) {
  return h('time', { datetime: iso }, text ?? formatDateTime(iso));
}

/** "in 3 h 12 min", "overdue by 2 days 4 h". */
export function describeRemaining(dueIso, now = Date.now()) {
  const ms = new Date(dueIso).getTime() - now;
  const span = humanSpan(Math.abs(ms));
  return ms >= 0 ? { text: t('time.dueIn', { span }), overdue: false } : { text: t('time.overdueBy', { span }), overdue: true };
}

function humanSpan(ms) {
  const minutes = Math.floor(ms / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours ? t('time.daysHours', { count: days, hours }) : t('time.days', { count: days });
  if (hours > 0) return t('time.hoursMinutes', { hours, minutes: mins });
  if (minutes > 0) return t('time.minutes', { minutes: mins });
  return t('time.underAMinute');
}

/** A countdown element that updates every 30 s; its text is the accessible value. */
export function countdown(dueIso) {
  const el = h('span', { class: 'countdown' });
  const tick = () => {
    const { text, overdue } = describeRemaining(dueIso);
    el.textContent = text;
    el.classList.toggle('overdue', overdue);
  };
  tick();
  countdowns.add(tick);
  return el;
}
const countdowns = new Set();
setInterval(() => {
  for (const tick of countdowns) tick();
}, 30_000);

export function resetCountdowns() {
  countdowns.clear();
}

// ------------------------------------------------------------------ live refresh

/**
 * Re-run `load` every `ms` while the tab is visible. Browser-side only: this
 * keeps a page fresh, it does not drive any business timing.
 */
export function refreshEvery(ms, load) {
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  const run = async () => {
    if (document.visibilityState === 'visible') {
      try {
        await load();
      } catch (err) {
        console.warn('refresh failed', err);
      }
    }
    schedule();
  };
  schedule();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') run();
  });
}

// ------------------------------------------------------------------ labels

/** Each status's tone; its label is the catalogue's status.<STATUS>. */
const STATUS_TONE = {
  OPEN: 'info',
  MET: 'ok',
  MISSED: 'bad',
  WAIVED: 'neutral',
  ACTIVE: 'warn',
  CLOSED: 'neutral',
  DRAFT: 'neutral',
  PENDING_APPROVAL: 'warn',
  CHANGES_REQUESTED: 'bad',
  APPROVED: 'ok',
  PUBLISHED: 'ok',
  WITHDRAWN: 'neutral',
  NOT_STARTED: 'neutral',
  IN_PROGRESS: 'info',
  BLOCKED: 'bad',
  DONE: 'ok',
  PENDING: 'warn',
  SENT: 'info',
  DELIVERED: 'ok',
  FAILED: 'bad',
  UNDELIVERABLE: 'bad',
  ACK: 'ok',
  SILENT: 'bad',
  UNSUBSCRIBED: 'neutral',
  HELD: 'warn',
  RELEASED: 'neutral',
  LAPSED: 'neutral',
};

/** A status in the page's words ("Waiting for approval"). */
export const statusLabel = (status) => (STATUS_TONE[status] ? t(`status.${status}`) : humanise(status || 'unknown'));

export function badge(status, override) {
  return h('span', { class: `badge ${STATUS_TONE[status] || 'neutral'}` }, override || statusLabel(status));
}

export function humanise(key) {
  const text = String(key).replace(/[_.-]+/g, ' ').toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function showPageError(container, error) {
  replaceChildren(
    container,
    h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, t('errors.pageNotLoaded')), h('p', {}, plainMessage(error))),
  );
}
