import type { Response } from 'express';
import { html, type SafeHtml } from '../lib/html';

export type Area = 'public' | 'console';

export interface PageOptions {
  title: string;
  area: Area;
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
  label: string;
  /** Shown only to people the policy grants this permission (GET /api/policy `access`); the page script reveals it. */
  permission?: string;
}

const PUBLIC_NAV: NavEntry[] = [
  { href: '/', label: 'Home' },
  { href: '/#plans', label: 'Action plan' },
  { href: '/#incidents', label: 'Incidents' },
  { href: '/#feeds', label: 'Feeds' },
];

const CONSOLE_NAV: NavEntry[] = [
  { href: '/console', label: 'Console home' },
  { href: '/console/declare', label: 'Declare an incident', permission: 'declare' },
  { href: '/console/approvals', label: 'Approvals', permission: 'decideStatements' },
  { href: '/console/items', label: 'My items' },
  { href: '/console/deliveries', label: 'Delivery log', permission: 'readDeliveryLog' },
  { href: '/', label: 'Public site' },
];

function nav(area: Area, current: string | undefined): SafeHtml {
  const entries = area === 'public' ? PUBLIC_NAV : CONSOLE_NAV;
  return html`<nav class="site-nav" aria-label="${area === 'public' ? 'Site' : 'Console'}">
      <ul>
        ${entries.map(
          (e) =>
            html`<li${e.permission ? html` data-permission="${e.permission}" hidden` : ''}><a href="${e.href}"${
              e.href === current ? html` aria-current="page"` : ''
            }>${e.label}</a></li>`,
        )}
      </ul>
    </nav>`;
}

export function renderPage(opts: PageOptions): string {
  const dataAttrs = Object.entries(opts.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const page = html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${opts.title} · Common Ground${opts.area === 'console' ? ' console' : ''}</title>
  ${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
  <meta name="cg-time-zone" content="${opts.timeZone}">
  <link rel="stylesheet" href="/static/site.css">
  <link rel="alternate" type="application/atom+xml" title="Published statements" href="/feeds/statements.atom">
  ${opts.script ? html`<script type="module" src="/static/js/${opts.script}"></script>` : ''}
</head>
<body class="area-${opts.area}">
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="site-header">
    <div class="bar">
      <a class="brand" href="${opts.area === 'console' ? '/console' : '/'}">Common Ground<small>${
        opts.area === 'console' ? 'Staff console, City of Clayton' : 'City of Clayton public accountability'
      }</small></a>
      ${nav(opts.area, opts.current)}
      ${opts.area === 'console' ? html`<p class="who" id="who" aria-live="polite"></p>` : ''}
    </div>
  </header>
  <main id="main" tabindex="-1"${dataAttrs}>
${opts.body}
  </main>
  <footer class="site-footer">
    <div class="bar">
      <p>Common Ground keeps the City's promises on the record: what was promised, when it was due, and whether it was met.
      Times are shown in ${opts.timeZone.replace('_', ' ')} time.</p>
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

export type PageResponse = Omit<PageOptions, 'timeZone'> & { status?: number };

/** Answers with a whole page. A page can show a person's own data, so no cache keeps it. */
export function sendPage(res: Response, timeZone: string, page: PageResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  res
    .status(page.status ?? 200)
    .type('html')
    .send(renderPage({ ...page, timeZone }));
}
