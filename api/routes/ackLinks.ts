import { Router, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../lib/db';
import type { Config } from '../../lib/config';
import { InvalidLinkTokenError, verifyLinkToken } from '../../lib/crypto';
import { acknowledgeUpdate } from '../../domain/contracts/incident';
import { toHttpError } from '../../services/errors';
import { documentRoute } from '../openapi';
import { executeUpdate } from '../../services/temporal';

/** Payload the notification templates sign into `${PUBLIC_BASE_URL}/ack/<token>`. */
export interface AckLinkPayload {
  p: 'ack';
  incidentNumber: string;
  personId: string;
}

const AckTokenParams = z.object({ token: z.string().min(1).max(4096) });

documentRoute({
  method: 'get',
  path: '/ack/:token',
  summary: 'Acknowledge link from an incident email: a confirmation page (does not acknowledge by itself)',
  tags: ['links'],
  access: 'signed-link',
  params: AckTokenParams,
  responses: {
    200: { description: 'HTML confirmation page', contentType: 'text/html', schema: z.string() },
    400: { description: 'HTML page: the link is damaged' },
    410: { description: 'HTML page: the link has expired' },
  },
});
documentRoute({
  method: 'post',
  path: '/ack/:token',
  summary: 'Acknowledge through the signed link',
  tags: ['links'],
  access: 'signed-link',
  params: AckTokenParams,
  responses: {
    200: { description: 'HTML page: acknowledged', contentType: 'text/html', schema: z.string() },
    400: { description: 'HTML page: the link is damaged' },
    404: { description: 'HTML page: unknown incident or not a recipient' },
    409: { description: 'HTML page: the incident is closed' },
    410: { description: 'HTML page: the link has expired' },
  },
});

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function page(res: Response, status: number, title: string, bodyHtml: string): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Common Ground</title>
<style>
  body { font: 1.125rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
  main { max-width: 34rem; margin: 0 auto; padding: 1.5rem 1rem; }
  h1 { font-size: 1.5rem; line-height: 1.25; }
  button { font: inherit; font-weight: 600; color: #fff; background: #0b5394; border: 2px solid #0b5394; border-radius: .375rem; padding: .75rem 1.25rem; min-height: 44px; cursor: pointer; }
  button:focus-visible, a:focus-visible { outline: 3px solid #e69138; outline-offset: 2px; }
  a { color: #0b5394; }
  .note { color: #444; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</main>
</body>
</html>`);
}

function linkProblemPage(res: Response, err: InvalidLinkTokenError): void {
  if (err.reason === 'expired') {
    page(res, 410, 'This link has expired', '<p>Acknowledge from the staff console, reply ACK to the text message, or ask the city manager’s office for a new link.</p>');
    return;
  }
  page(res, 400, 'This link does not work', '<p>The link is incomplete or damaged. Open it again from the email, or acknowledge from the staff console.</p>');
}

export function createAckLinksRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  const resolve = async (res: Response, token: string) => {
    const parsed = AckTokenParams.safeParse({ token });
    if (!parsed.success) {
      linkProblemPage(res, new InvalidLinkTokenError('malformed'));
      return undefined;
    }
    let payload: AckLinkPayload;
    try {
      payload = verifyLinkToken<AckLinkPayload>(token, 'ack', config.LINK_SIGNING_SECRET);
    } catch (err) {
      if (err instanceof InvalidLinkTokenError) {
        linkProblemPage(res, err);
        return undefined;
      }
      throw err;
    }
    if (typeof payload.incidentNumber !== 'string' || typeof payload.personId !== 'string') {
      linkProblemPage(res, new InvalidLinkTokenError('malformed'));
      return undefined;
    }
    const [incident, person] = await Promise.all([
      db.incident.findUnique({ where: { number: payload.incidentNumber } }),
      db.person.findUnique({ where: { id: payload.personId }, select: { id: true, name: true } }),
    ]);
    if (!incident || !person) {
      page(res, 404, 'Incident not found', '<p>This link points to an incident or person that no longer exists.</p>');
      return undefined;
    }
    return { incident, person };
  };

  router.get('/ack/:token', async (req, res, next) => {
    try {
      const found = await resolve(res, req.params.token);
      if (!found) return;
      const { incident, person } = found;
      const title = `Acknowledge incident ${incident.number}`;
      if (incident.status === 'CLOSED') {
        page(res, 409, `Incident ${incident.number} is closed`, '<p>No acknowledgement is needed any more.</p>');
        return;
      }
      page(
        res,
        200,
        title,
        `<p>${escapeHtml(person.name)}, please confirm that you have received the notification about
<strong>${escapeHtml(incident.title)}</strong> (severity ${incident.severity}).</p>
<form method="post" action="/ack/${encodeURIComponent(req.params.token)}">
<button type="submit">I acknowledge incident ${escapeHtml(incident.number)}</button>
</form>
<p class="note">Confirming tells the city manager you are aware. It does not share anything publicly.</p>`,
      );
    } catch (err) {
      next(err);
    }
  });

  router.post('/ack/:token', async (req, res, next) => {
    try {
      const found = await resolve(res, req.params.token);
      if (!found) return;
      const { incident, person } = found;
      if (incident.status === 'CLOSED') {
        page(res, 409, `Incident ${incident.number} is closed`, '<p>No acknowledgement is needed any more.</p>');
        return;
      }
      try {
        const result = await executeUpdate(
          temporal,
          incident.workflowId,
          acknowledgeUpdate,
          { personId: person.id, via: 'EMAIL_LINK' },
          `incident ${incident.number} is no longer running`,
        );
        const when = new Date(result.acknowledgedAt).toLocaleString('en-US', { timeZone: config.CITY_TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
        page(
          res,
          200,
          result.alreadyAcknowledged ? 'Already acknowledged' : 'Thank you, acknowledged',
          `<p role="status">${escapeHtml(person.name)}, your acknowledgement of incident ${escapeHtml(incident.number)} is recorded (${escapeHtml(when)}).</p>`,
        );
      } catch (err) {
        const mapped = toHttpError(err);
        if (mapped.status >= 500 && mapped.status !== 503) throw err;
        const titles: Record<number, string> = {
          403: 'You are not asked to acknowledge this incident',
          404: 'You are not on this incident’s notification list',
          409: 'This incident no longer takes acknowledgements',
          503: 'Please try again in a moment',
        };
        page(res, mapped.status, titles[mapped.status] ?? 'This could not be done', `<p>${escapeHtml(mapped.message)}</p>`);
      }
    } catch (err) {
      next(err);
    }
  });

  return router;
}
