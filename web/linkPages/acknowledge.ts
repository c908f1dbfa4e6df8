// The acknowledge link from an incident email: /ack/<token> (purpose 'ack').
// GET only asks for confirmation, so a mail scanner that opens links does not
// acknowledge for the person; POST acknowledges as them, via EMAIL_LINK.
import { Router, type Request, type Response } from 'express';
import { acknowledgeUpdate } from '../../domain/contracts/incident';
import { html, type SafeHtml } from '../../lib/html';
import { isLanguage, translator } from '../../lib/i18n';
import { executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { cityDateTime, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

const REFUSAL_STATUSES = [403, 404, 409, 503];

export function createAcknowledgeRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const sendLinkPage = linkPageSender('console', config.CITY_TIME_ZONE);
  const send = (res: Response, status: number, title: string, body: SafeHtml) => sendLinkPage(res, status, title, html`<h1>${title}</h1>\n${body}`);
  const words = (res: Response) => translator(res.locals.language as string, 'pages');

  /** Who acknowledges which open incident. The page speaks their language unless ?lang= asks for another. */
  const resolve = async (req: Request, res: Response) => {
    const t = words(res);
    const link = readLinkOrExplain(req.params.token, 'ack', config, (problem) =>
      problem === 'expired'
        ? send(res, 410, t('ack.expiredTitle'), html`<p>${t('ack.expiredText')}</p>`)
        : send(res, 400, t('ack.damagedTitle'), html`<p>${t('ack.damagedText')}</p>`),
    );
    if (!link) return undefined;
    const [incident, person] = await Promise.all([
      db.incident.findUnique({ where: { number: link.incidentNumber } }),
      db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true, language: true } }),
    ]);
    if (person && !(typeof req.query.lang === 'string' && isLanguage(req.query.lang))) res.locals.language = person.language;
    const ts = words(res);
    if (!incident || !person) {
      send(res, 404, ts('ack.notFoundTitle'), html`<p>${ts('ack.notFoundText')}</p>`);
      return undefined;
    }
    if (incident.status === 'CLOSED') {
      send(res, 409, ts('ack.closedTitle', { number: incident.number }), html`<p>${ts('ack.closedText')}</p>`);
      return undefined;
    }
    return { incident, person };
  };

  router.get(
    '/ack/:token',
    linkRoute(resolve, (req, res, { incident, person }) => {
      const t = words(res);
      send(
        res,
        200,
        t('ack.title', { number: incident.number }),
        html`<p>${t('ack.confirmBefore', { name: person.name })}
<strong>${incident.title}</strong> ${t('ack.confirmAfter', { severity: incident.severity })}</p>
<form method="post" action="/ack/${encodeURIComponent(req.params.token)}">
<button type="submit">${t('ack.button', { number: incident.number })}</button>
</form>
<p class="note">${t('ack.note')}</p>`,
      );
    }),
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
        const title = REFUSAL_STATUSES.includes(refusal.status) ? words(res)(`ack.refused.${refusal.status}`) : words(res)('ack.refused.other');
        return send(res, refusal.status, title, html`<p>${refusal.message}</p>`);
      }
      const t = words(res);
      const formatWhen = cityDateTime(config.CITY_TIME_ZONE, 'medium', res.locals.language as string);
      send(
        res,
        200,
        t(result.alreadyAcknowledged ? 'ack.alreadyTitle' : 'ack.doneTitle'),
        html`<p role="status">${t('ack.done', { name: person.name, number: incident.number, when: formatWhen(result.acknowledgedAt) })}</p>`,
      );
    }),
  );

  return router;
}
