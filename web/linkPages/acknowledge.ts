// The acknowledge link from an incident email: /ack/<token> (purpose 'ack').
// GET only asks for confirmation, so a mail scanner that opens links does not
// acknowledge for the person; POST acknowledges as them, via EMAIL_LINK.
import { Router, type Request, type Response } from 'express';
import { acknowledgeUpdate } from '../../domain/contracts/incident';
import { html, type SafeHtml } from '../../lib/html';
import { executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { LINK_PROBLEM_STATUS, cityDateTime, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

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
        : send(res, LINK_PROBLEM_STATUS[problem], 'This link does not work', html`<p>The link is incomplete or damaged. Open it again from the email, or acknowledge from the staff console.</p>`),
    );
    if (!link) return undefined;
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
    linkRoute(resolve, async (_req, res, { incident, person }) => {
      let result;
      try {
        result = await executeUpdate(
          temporal,
          incident.workflowId,
          acknowledgeUpdate,
          { personId: person.id, via: 'EMAIL_LINK' },
          `incident ${incident.number} is no longer running`,
        );
      } catch (err) {
        const refusal = refusalOrRethrow(err);
        return send(res, refusal.status, REFUSAL_TITLES[refusal.status] ?? 'This could not be done', html`<p>${refusal.message}</p>`);
      }
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
