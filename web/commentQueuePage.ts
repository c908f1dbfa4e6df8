// The staff page of the comment moderation queue (/console/comments): a shell
// whose script (static/js/comments.js) reads and acts through the API.
import { Router } from 'express';
import { html } from '../lib/html';
import { translator } from '../lib/i18n';
import type { WebDeps } from './deps';
import { sendPage } from './layout';

export function createCommentQueuePageRouter({ config }: WebDeps): Router {
  const router = Router();
  router.get('/console/comments', (_req, res) => {
    const c = translator(res.locals.language as string, 'comments');
    sendPage(res, config.CITY_TIME_ZONE, {
      title: c('console.title'),
      area: 'console',
      current: '/console/comments',
      body: html`<h1>${c('console.title')}</h1><div id="comment-queue" aria-live="polite"></div>`,
      script: 'comments.js',
    });
  });
  return router;
}
