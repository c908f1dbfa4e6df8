// The acknowledge link from an incident email: /ack/<token> (purpose 'ack').
// GET only asks for confirmation, so a mail scanner that opens links does not
// acknowledge for the person; POST acknowledges as them, via EMAIL_LINK. The
// link acknowledges once, and only for a person still active.
import { Router, type Request, type Response } from 'express';
import { acknowledgeUpdate, type AcknowledgeResultV1 } from '../../domain/contracts/incident';
import type { HttpError } from '../../services/errors';
import { html, type SafeHtml } from '../../lib/html';
import { isLanguage, translator } from '../../lib/i18n';
import { useLinkOnce } from '../../services/signedLinks';
import { executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { LINK_PROBLEM_STATUS, cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

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
        : send(res, LINK_PROBLEM_STATUS[problem], t('ack.damagedTitle'), html`<p>${t('ack.damagedText')}</p>`),
    );
    if (!link) return undefined;
    const usable = await linkIsUsableOrExplain(
      db,
      req.params.token,
      link,
      'ack',
      t,
      (status, title, body) => send(res, status, title, body),
      cityDateTime(config.CITY_TIME_ZONE, 'medium', res.locals.language as string),
    );
    if (!usable) return undefined;
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
    linkRoute(resolve, async (req, res, { incident, person }) => {
      const t = words(res);
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
        return send(res, 410, t('ack.usedTitle'), html`<p>${t('ack.usedText')}</p>`);
      }
      if ('refusal' in outcome) {
        const { refusal } = outcome;
        const title = REFUSAL_STATUSES.includes(refusal.status) ? t(`ack.refused.${refusal.status}`) : t('ack.refused.other');
        return send(res, refusal.status, title, html`<p>${refusal.message}</p>`);
      }
      const { result } = outcome;
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
