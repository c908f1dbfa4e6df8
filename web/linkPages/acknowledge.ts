// The acknowledge link from an incident email: /ack/<token> (purpose 'ack').
// GET only asks for confirmation, so a mail scanner that opens links does not
// acknowledge for the person; POST acknowledges as them, via EMAIL_LINK. The
// link acknowledges once, and only for a person still active.
import { Router, type Request, type Response } from 'express';
import { acknowledgeUpdate, type AcknowledgeResultV1 } from '../../domain/contracts/incident';
import type { HttpError } from '../../services/errors';
import { html, type SafeHtml } from '../../lib/html';
import { useLinkOnce } from '../../services/signedLinks';
import { executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

const REFUSAL_TITLES: Record<number, string> = {
  403: 'You are not asked to acknowledge this incident',
  404: 'You are not on this incident’s notification list',
  409: 'This incident no longer takes acknowledgements',
  503: 'Please try again in a moment',
};

export function createAcknowledgeRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const sendLinkPage = linkPageSender('console', config.CITY_TIME_ZONE);
  const send = (res: Response, status: number, title: string, body: SafeHtml) => sendLinkPage(res, status, title, html`<h1>${title}</h1>\n${body}`);
  const formatWhen = cityDateTime(config.CITY_TIME_ZONE, 'medium');

  /** Who acknowledges which open incident. */
  const resolve = async (req: Request, res: Response) => {
    const link = readLinkOrExplain(req.params.token, 'ack', config, (problem) =>
      problem === 'expired'
        ? send(res, 410, 'This link has expired', html`<p>Acknowledge from the staff console, reply ACK to the text message, or ask the city manager’s office for a new link.</p>`)
        : send(res, 400, 'This link does not work', html`<p>The link is incomplete or damaged. Open it again from the email, or acknowledge from the staff console.</p>`),
    );
    if (!link) return undefined;
    const usable = await linkIsUsableOrExplain(
      db,
      req.params.token,
      link,
      { didWhat: 'acknowledge the incident', next: 'Your acknowledgement is recorded; the staff console shows the incident.' },
      (status, title, body) => send(res, status, title, body),
      formatWhen,
    );
    if (!usable) return undefined;
    const [incident, person] = await Promise.all([
      db.incident.findUnique({ where: { number: link.incidentNumber } }),
      db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true } }),
    ]);
    if (!incident || !person) {
      send(res, 404, 'Incident not found', html`<p>This link points to an incident or person that no longer exists.</p>`);
      return undefined;
    }
    if (incident.status === 'CLOSED') {
      send(res, 409, `Incident ${incident.number} is closed`, html`<p>No acknowledgement is needed any more.</p>`);
      return undefined;
    }
    return { incident, person };
  };

  router.get(
    '/ack/:token',
    linkRoute(resolve, (req, res, { incident, person }) =>
      send(
        res,
        200,
        `Acknowledge incident ${incident.number}`,
        html`<p>${person.name}, please confirm that you have received the notification about
<strong>${incident.title}</strong> (severity ${incident.severity}).</p>
<form method="post" action="/ack/${encodeURIComponent(req.params.token)}">
<button type="submit">I acknowledge incident ${incident.number}</button>
</form>
<p class="note">Confirming tells the city manager you are aware. It does not share anything publicly.</p>`,
      ),
    ),
  );

  router.post(
    '/ack/:token',
    linkRoute(resolve, async (req, res, { incident, person }) => {
      const outcome = await useLinkOnce<{ result: AcknowledgeResultV1 } | { refusal: HttpError }>(db, req.params.token, { purpose: 'ack', personId: person.id }, async () => {
        try {
          const result = await executeUpdate(
            temporal,
            incident.workflowId,
            acknowledgeUpdate,
            { personId: person.id, via: 'EMAIL_LINK' },
            `incident ${incident.number} is no longer running`,
          );
          return { acted: true, result: { result } };
        } catch (err) {
          return { acted: false, result: { refusal: refusalOrRethrow(err) } };
        }
      });
      if (!outcome) {
        // Another request used the link between the check and now.
        return send(res, 410, 'This link was already used', html`<p>A link works only once. Your acknowledgement is recorded.</p>`);
      }
      if ('refusal' in outcome) {
        const { refusal } = outcome;
        return send(res, refusal.status, REFUSAL_TITLES[refusal.status] ?? 'This could not be done', html`<p>${refusal.message}</p>`);
      }
      const { result } = outcome;
      send(
        res,
        200,
        result.alreadyAcknowledged ? 'Already acknowledged' : 'Thank you, acknowledged',
        html`<p role="status">${person.name}, your acknowledgement of incident ${incident.number} is recorded (${formatWhen(result.acknowledgedAt)}).</p>`,
      );
    }),
  );

  return router;
}
