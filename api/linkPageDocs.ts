// The OpenAPI entries of the signed-link pages. The pages are served by
// web/linkPages/ (mounted by app.ts with the other web pages); they are
// documented here because the registry belongs to the API, and web/ does not
// import the API. Each page is authorised by the signed token in its link.
import { z } from 'zod';
import { linkToken } from './fields';
import { documentRoute, type DocumentedRoute } from './openapi';

const LinkTokenParams = z.object({ token: linkToken() });

const linkPage = (page: Pick<DocumentedRoute, 'method' | 'path' | 'summary' | 'responses'>) =>
  documentRoute({ ...page, tags: ['links'], access: 'signed-link', params: LinkTokenParams, errorPages: true });

const htmlPage = (description: string) => ({ description, contentType: 'text/html', schema: z.string() });
const damaged = { description: 'HTML page: the link is damaged' };
const expired = { description: 'HTML page: the link has expired, or it was already used (a link acts once)' };
const refused = { description: 'HTML page: the link does not carry our signature, or its person is no longer active or their links were withdrawn' };

linkPage({
  method: 'get',
  path: '/ack/:token',
  summary: 'Acknowledge link from an incident email: a confirmation page (does not acknowledge by itself)',
  responses: { 200: htmlPage('HTML confirmation page'), 400: damaged, 403: refused, 410: expired },
});
linkPage({
  method: 'post',
  path: '/ack/:token',
  summary: 'Acknowledge through the signed link',
  responses: {
    200: htmlPage('HTML page: acknowledged'),
    400: damaged,
    403: refused,
    404: { description: 'HTML page: unknown incident or not a recipient' },
    409: { description: 'HTML page: the incident is closed' },
    410: expired,
  },
});
linkPage({
  method: 'get',
  path: '/progress/:token',
  summary: 'Progress link from an item reminder email: the progress form for that item (HTML)',
  responses: { 200: htmlPage('HTML form'), 400: damaged, 403: refused, 410: expired },
});
linkPage({
  method: 'post',
  path: '/progress/:token',
  summary: 'Post progress (percent complete, status, note) through the signed link (HTML form post)',
  responses: {
    200: htmlPage('HTML page: progress recorded'),
    400: { description: 'HTML page: the link is damaged, or the form shows field errors' },
    403: refused,
    410: expired,
  },
});
