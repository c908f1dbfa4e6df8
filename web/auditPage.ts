// /audit: the audit log's signed checkpoints on the public site, and
// /feeds/audit-checkpoints.atom: the same as an Atom feed, one entry a day,
// so that residents' feed readers keep copies the City cannot take back.
import { Router } from 'express';
import { html } from '../lib/html';
import { checkpointStatement } from '../lib/auditCheckpoint';
import { publishedCheckpoints } from '../services/auditCheckpoints';
import { asyncRoute } from './asyncRoute';
import { buildAtomFeed } from './feedFormats';
import type { WebDeps } from './deps';
import { sendPage } from './layout';

export function createAuditPageRouter({ db, config }: WebDeps): Router {
  const router = Router();
  const base = config.PUBLIC_BASE_URL.replace(/\/$/, '');

  router.get(
    '/audit',
    asyncRoute(async (_req, res) => {
      const published = await publishedCheckpoints(db, config);
      const rows = published.checkpoints.map(
        (c) => html`<tr id="checkpoint-${c.seq}"><td>${c.signedAt}</td><td>${c.seq}</td><td><code>${c.headHash}</code></td><td><code>${c.signature}</code></td></tr>`,
      );
      sendPage(res, config.CITY_TIME_ZONE, {
        title: 'Audit log checkpoints',
        area: 'public',
        description: "Signed daily checkpoints of the City's tamper-evident audit log.",
        body: html`<h1>Audit log checkpoints</h1>
<p>Everything the system does is recorded in a hash-chained audit log. Once a day the head of that chain is signed with a key the
database does not hold, and published here and in the <a href="/feeds/audit-checkpoints.atom">checkpoint feed</a>. Keep a copy
(<a href="/api/public/audit/checkpoints">JSON</a>): if events were ever deleted or rewritten, the log would no longer hold the
checkpoints you kept, and <code>npm run audit:verify -- --checkpoints &lt;your copy&gt;</code> names the first missing event.</p>
<p>Key ${published.keyId} (${published.algorithm}, base64 SPKI): <code>${published.publicKey}</code></p>
<p>Each signature covers exactly: <code>${published.statement.replace(/\n/g, ' ⏎ ')}</code></p>
<table>
<thead><tr><th scope="col">Signed</th><th scope="col">Last event (seq)</th><th scope="col">Its hash</th><th scope="col">Signature</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="4">No checkpoint yet.</td></tr>`}</tbody>
</table>`,
      });
    }),
  );

  router.get(
    '/feeds/audit-checkpoints.atom',
    asyncRoute(async (_req, res) => {
      const now = new Date();
      const published = await publishedCheckpoints(db, config);
      const xml = buildAtomFeed({
        id: `${base}/feeds/audit-checkpoints.atom`,
        title: 'City of Clayton: audit log checkpoints',
        subtitle: `The audit log's head, signed daily with key ${published.keyId} (Ed25519). Keep these entries: they prove what the log held.`,
        selfUrl: `${base}/feeds/audit-checkpoints.atom`,
        siteUrl: `${base}/audit`,
        now,
        entries: published.checkpoints.slice(0, 100).map((c) => ({
          id: `${base}/audit#checkpoint-${c.seq}-${c.signedAt}`,
          title: `Audit log checkpoint: ${c.seq} events`,
          published: new Date(c.signedAt),
          updated: new Date(c.signedAt),
          link: `${base}/audit#checkpoint-${c.seq}`,
          content: `${checkpointStatement(c)}\nsignature ${c.signature}\nkey ${c.keyId}\npublic key ${published.publicKey}`,
          author: 'City of Clayton',
          category: 'audit-checkpoint',
        })),
      });
      res.setHeader('Cache-Control', 'no-cache');
      res.type('application/atom+xml; charset=utf-8').send(xml);
    }),
  );
  return router;
}
