import type { Response } from 'express';
import { html, type SafeHtml } from '../lib/html';
import { sendWritten, writtenBody, type WrittenBody } from '../lib/writtenBody';
import { DEFAULT_LANGUAGE, languageName, languages, translator, type Translate } from '../lib/i18n';

export type Area = 'public' | 'console';

export interface PageOptions {
  title: string;
  area: Area;
  /** The language the page is written in (lang attribute, words of the frame). */
  language: string;
  /** The address of this page, for the language switcher's links (req.originalUrl). */
  path?: string;
  /** Path of the nav entry to mark as the current page. */
  current?: string;
  /** Main content; client-rendered pages put a placeholder here. */
  body: SafeHtml;
  /** ES module under /static/js/ that renders or enhances this page. */
  script?: string;
  /** Values the page's script needs (e.g. the incident number), put on <main> as data-* attributes. */
  data?: Record<string, string>;
  timeZone: string;
  description?: string;
}

interface NavEntry {
  href: string;
  /** Key under layout.nav in the pages catalogue. */
  label: string;
  /** Shown only to people the policy grants this permission (GET /api/policy `access`); the page script reveals it. */
  permission?: string;
}

const PUBLIC_NAV: NavEntry[] = [
  { href: '/', label: 'home' },
  { href: '/#plans', label: 'plans' },
  { href: '/#incidents', label: 'incidents' },
  { href: '/sessions', label: 'sessions' },
  { href: '/subscribe', label: 'subscribe' },
  { href: '/#feeds', label: 'feeds' },
];

const CONSOLE_NAV: NavEntry[] = [
  { href: '/console', label: 'consoleHome' },
  { href: '/console/declare', label: 'declare', permission: 'declare' },
  { href: '/console/approvals', label: 'approvals', permission: 'decideStatements' },
  { href: '/console/items', label: 'items' },
  { href: '/console/comments', label: 'comments', permission: 'moderateComments' },
  { href: '/console/deliveries', label: 'deliveries', permission: 'readDeliveryLog' },
  { href: '/console/media-list', label: 'mediaList', permission: 'manageMediaList' },
  { href: '/console/court-survey', label: 'courtSurvey', permission: 'recordCourtContacts' },
  { href: '/console/sessions', label: 'sessions', permission: 'scheduleSessions' },
  { href: '/', label: 'publicSite' },
];

function nav(t: Translate, area: Area, current: string | undefined): SafeHtml {
  const entries = area === 'public' ? PUBLIC_NAV : CONSOLE_NAV;
  return html`<nav class="site-nav" aria-label="${t(area === 'public' ? 'layout.navPublic' : 'layout.navConsole')}">
      <ul>
        ${entries.map(
          (e) =>
            html`<li${e.permission ? html` data-permission="${e.permission}" hidden` : ''}><a href="${e.href}"${
              e.href === current ? html` aria-current="page"` : ''
            }>${t(`layout.nav.${e.label}`)}</a></li>`,
        )}
      </ul>
    </nav>`;
}

/** This page's address in another language: the same path and query, with ?lang= set. */
export function inLanguage(path: string, language: string): string {
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.set('lang', language);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Every language as a link to this page in it, each named in its own language. */
function languageSwitcher(t: Translate, current: string, path: string): SafeHtml {
  const all = languages();
  if (all.length < 2) return html``;
  return html`<nav class="language-switcher" aria-label="${t('layout.language')}">
      <ul>
        ${all.map((code) =>
          code === current
            ? html`<li><a href="${inLanguage(path, code)}" lang="${code}" hreflang="${code}" aria-current="true">${languageName(code)}</a></li>`
            : html`<li><a href="${inLanguage(path, code)}" lang="${code}" hreflang="${code}">${languageName(code)}</a></li>`,
        )}
      </ul>
    </nav>`;
}

export function renderPage(opts: PageOptions): string {
  const t = translator(opts.language, 'pages');
  const dataAttrs = Object.entries(opts.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const page = html`<!doctype html>
<html lang="${opts.language}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${opts.title} · ${t(opts.area === 'console' ? 'layout.consoleSuffix' : 'layout.siteSuffix')}</title>
  ${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
  <meta name="cg-time-zone" content="${opts.timeZone}">
  <link rel="stylesheet" href="/static/site.css">
  <link rel="alternate" type="application/atom+xml" title="${t('layout.feedTitle')}" href="/feeds/statements.atom">
  ${opts.script ? html`<script type="module" src="/static/js/${opts.script}"></script>` : ''}
</head>
<body class="area-${opts.area}">
  <a class="skip-link" href="#main">${t('layout.skip')}</a>
  <header class="site-header">
    <div class="bar">
      <a class="brand" href="${opts.area === 'console' ? '/console' : '/'}">Common Ground<small>${t(
        opts.area === 'console' ? 'layout.brandConsole' : 'layout.brandPublic',
      )}</small></a>
      ${nav(t, opts.area, opts.current)}
      ${languageSwitcher(t, opts.language, opts.path ?? '/')}
      ${opts.area === 'console' ? html`<p class="who" id="who" aria-live="polite"></p>` : ''}
    </div>
  </header>
  <main id="main" tabindex="-1"${dataAttrs}>
${opts.body}
  </main>
  <footer class="site-footer">
    <div class="bar">
      <p>${t('layout.footer', { zone: opts.timeZone.replace('_', ' ') })}</p>
    </div>
  </footer>
</body>
</html>
`;
  return page.value;
}

/**
 * The Content-Security-Policy of the pages, in helmet's form; the app sets it
 * with the other security headers on every response (api/app.ts). Pages load
 * only our own scripts and styles. 'unsafe-inline' is not needed: every script
 * is a file under /static and no markup carries style attributes.
 */
export const PAGE_CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

export type PageResponse = Omit<PageOptions, 'timeZone' | 'language' | 'path'> & { status?: number };

/**
 * Answers with a whole page in the language the request chose (web/language.ts
 * put it in res.locals). A page can show a person's own data, so no cache
 * keeps it; its words depend on the language, so caches must not share it.
 */
export function sendPage(res: Response, timeZone: string, page: PageResponse): void {
  const { language, path } = pageRequest(res);
  res
    .status(page.status ?? 200)
    .type('html')
    .send(renderPage({ ...page, timeZone, language, path }));
}

/** The headers every page has; the language and address it is written for. */
function pageRequest(res: Response): { language: string; path: string } {
  res.setHeader('Cache-Control', 'no-store');
  res.vary('Accept-Language').vary('Cookie');
  return {
    language: typeof res.locals.language === 'string' ? res.locals.language : DEFAULT_LANGUAGE,
    path: typeof res.locals.pagePath === 'string' ? res.locals.pagePath : '/',
  };
}

/**
 * sendPage for pages that are the same for everyone asking at the same
 * address in the same language (the public ones, whose data the page's script
 * fetches): each is written once (bytes and ETag) and kept, at most `keep`
 * (the oldest goes first; an address's query string can make any number).
 * `page` is called only to write one.
 */
export function writtenPageSender(timeZone: string, keep = 2_000): (res: Response, page: () => PageResponse) => void {
  const written = new Map<string, { status: number; body: WrittenBody }>();
  return (res, page) => {
    const { language, path } = pageRequest(res);
    const key = `${language} ${path}`;
    let entry = written.get(key);
    if (!entry) {
      const made = page();
      entry = { status: made.status ?? 200, body: writtenBody(renderPage({ ...made, timeZone, language, path })) };
      written.set(key, entry);
      if (written.size > keep) written.delete(written.keys().next().value as string);
    }
    res.status(entry.status);
    sendWritten(res, 'text/html', entry.body);
  };
}

/** The pages catalogue's translator for the language the request chose. */
export const pageWords = (res: Response): Translate =>
  translator(typeof res.locals.language === 'string' ? res.locals.language : DEFAULT_LANGUAGE, 'pages');
