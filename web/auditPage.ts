// /audit: the audit log's signed checkpoints on the public site, and
// /feeds/audit-checkpoints.atom: the same as an Atom feed, one entry a day,
// so that residents' feed readers keep copies the City cannot take back.
// The page is in the page's language; the feed in its ?lang= (as the other
// feeds). What is signed (the statement, hashes, keys) is shown as it is.
import { Router } from 'express';
import { html } from '../lib/html';
import { checkpointStatement } from '../lib/auditCheckpoint';
import { DEFAULT_LANGUAGE, translator } from '../lib/i18n';
import { publishedCheckpoints } from '../services/auditCheckpoints';
import { asyncRoute } from './asyncRoute';
import { buildAtomFeed } from './feedFormats';
import { feedLanguage } from './feeds';
import type { WebDeps } from './deps';
import { inLanguage, pageWords, sendPage } from './layout';

/** A link to a page of the site in `language`: the default language's address has no ?lang=. */
const inOwnLanguage = (path: string, language: string): string => (language === DEFAULT_LANGUAGE ? path : inLanguage(path, language));

export function createAuditPageRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  router.get(
    '/audit',
    asyncRoute(async (_req, res) => {
      const t = pageWords(res);
      const language = res.locals.language as string;
      const published = await publishedCheckpoints(db, config);
      const rows = published.checkpoints.map(
        (c) => html`<tr id="checkpoint-${c.seq}"><td>${c.signedAt}</td><td>${c.seq}</td><td><code>${c.headHash}</code></td><td><code>${c.signature}</code></td></tr>`,
      );
      sendPage(res, config.CITY_TIME_ZONE, {
        title: t('audit.title'),
        area: 'public',
        description: t('audit.description'),
        body: html`<h1>${t('audit.title')}</h1>
<p>${t('audit.intro')}</p>
<ul>
  <li><a href="${inOwnLanguage('/feeds/audit-checkpoints.atom', language)}">${t('audit.feedLink')}</a></li>
  <li><a href="/api/public/audit/checkpoints">${t('audit.jsonLink')}</a></li>
</ul>
<p>${t('audit.keep')} <code>npm run audit:verify -- --checkpoints &lt;${t('audit.yourCopy')}&gt;</code></p>
<p>${t('audit.key', { keyId: published.keyId, algorithm: published.algorithm })} <code>${published.publicKey}</code></p>
<p>${t('audit.covers')} <code>${published.statement.replace(/\n/g, ' ⏎ ')}</code></p>
<table>
<thead><tr><th scope="col">${t('audit.signed')}</th><th scope="col">${t('audit.lastEvent')}</th><th scope="col">${t('audit.hash')}</th><th scope="col">${t('audit.signature')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="4">${t('audit.none')}</td></tr>`}</tbody>
</table>`,
      });
    }),
  );

  router.get(
    '/feeds/audit-checkpoints.atom',
    asyncRoute(async (req, res) => {
      const now = new Date();
      const language = feedLanguage(req);
      const t = translator(language, 'pages');
      const city = translator(language, 'common')('app.city');
      const published = await publishedCheckpoints(db, config);
      const xml = buildAtomFeed({
        id: `${base}/feeds/audit-checkpoints.atom`,
        title: t('audit.feedTitle', { city }),
        subtitle: t('audit.feedSubtitle', { keyId: published.keyId }),
        selfUrl: `${base}${inOwnLanguage('/feeds/audit-checkpoints.atom', language)}`,
        siteUrl: `${base}${inOwnLanguage('/audit', language)}`,
        now,
        entries: published.checkpoints.slice(0, 100).map((c) => ({
          id: `${base}/audit#checkpoint-${c.seq}-${c.signedAt}`,
          title: t('audit.entryTitle', { seq: c.seq }),
          published: new Date(c.signedAt),
          updated: new Date(c.signedAt),
          link: `${base}${inOwnLanguage(`/audit#checkpoint-${c.seq}`, language)}`,
          // The statement as signed, and what checks it: data for a verifier, not words to translate.
          content: `${checkpointStatement(c)}\nsignature ${c.signature}\nkey ${c.keyId}\npublic key ${published.publicKey}`,
          author: city,
          category: 'audit-checkpoint',
        })),
      });
      res.setHeader('Cache-Control', 'no-cache');
      res.type('application/atom+xml; charset=utf-8').send(xml);
    }),
  );
  return router;
}
