// Progress without signing in: every reminder email carries
// `${PUBLIC_BASE_URL}/progress/<token>` (purpose 'progress', signed and
// expiring). GET shows an accessible form; POST sends postProgress to the
// item's workflow as the person the link was issued to. A link posts once;
// the next reminder brings a new one.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ITEM_STATUSES, postProgressUpdate } from '../../domain/contracts/plan';
import { html } from '../../lib/html';
import { isLanguage, translator, type Translate } from '../../lib/i18n';
import type { ActionItemStateV1 } from '../../domain/contracts/plan';
import { itemShortCode } from '../../domain/itemCode';
import { toHttpError, type HttpError } from '../../services/errors';
import { useLinkOnce } from '../../services/signedLinks';
import { actorOf, executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { LINK_PROBLEM_STATUS, cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain } from './linkPage';

/** The form's rules, worded in the reader's language. */
const progressForm = (t: Translate) =>
  z.object({
    percentComplete: z
      .string()
      .trim()
      .regex(/^(\d{1,2}|100)$/, t('progress.errors.percent'))
      .transform(Number),
    status: z.enum(ITEM_STATUSES, { errorMap: () => ({ message: t('progress.errors.status') }) }),
    note: z.string().trim().min(1, t('progress.errors.noteMissing')).max(2000, t('progress.errors.noteLong')),
  });

type FormValues = { percentComplete: string; status: string; note: string };
type FieldErrors = Partial<Record<keyof FormValues, string>>;

/** The posted fields as typed, so the form can show them again next to their errors. */
function formValues(body: unknown): FormValues {
  const posted = (body ?? {}) as Record<string, unknown>;
  const text = (field: keyof FormValues) => (typeof posted[field] === 'string' ? (posted[field] as string) : '');
  return { percentComplete: text('percentComplete'), status: text('status'), note: text('note') };
}

function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[issue.path[0] as keyof FormValues] ??= issue.message;
  return errors;
}

export function createProgressRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const send = linkPageSender('public', config.CITY_TIME_ZONE);
  const words = (res: Response): Translate => translator(res.locals.language as string, 'pages');
  const formatWhen = (res: Response) => cityDateTime(config.CITY_TIME_ZONE, 'medium', res.locals.language as string);

  /** The item and the person the link was issued to. The page speaks their language unless ?lang= asks for another. */
  const resolve = async (req: Request, res: Response) => {
    const t = words(res);
    const link = readLinkOrExplain(req.params.token, 'progress', config, (problem) =>
      problem === 'expired'
        ? send(res, 410, t('progress.expiredTitle'), html`<h1>${t('progress.expiredTitle')}</h1>
<p>${t('progress.expiredBefore')} <kbd>${t('progress.expiredExample')}</kbd>${t('progress.expiredOr')} <kbd>DONE K7Q2M</kbd>${t('progress.expiredAfter')}</p>`)
        : send(res, LINK_PROBLEM_STATUS[problem], t('progress.damagedTitle'), html`<h1>${t('progress.damagedTitle')}</h1>
<p>${t('progress.damagedText')}</p>`),
    );
    if (!link) return undefined;
    const usable = await linkIsUsableOrExplain(
      db,
      req.params.token,
      link,
      'progress',
      t,
      (status, title, body) => send(res, status, title, html`<h1>${title}</h1>${body}`),
      formatWhen(res),
    );
    if (!usable) return undefined;
    const [item, person] = await Promise.all([
      db.actionItem.findUnique({ where: { id: link.itemId }, include: { goal: { select: { number: true, title: true } } } }),
      db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true, roles: true, active: true, language: true } }),
    ]);
    if (person && !(typeof req.query.lang === 'string' && isLanguage(req.query.lang))) res.locals.language = person.language;
    if (!item || !person || !person.active) {
      const ts = words(res);
      send(res, 404, ts('progress.notFoundTitle'), html`<h1>${ts('progress.notFoundTitle')}</h1><p>${ts('progress.notFoundText')}</p>`);
      return undefined;
    }
    return { item, person };
  };

  const formPage = (
    res: Response,
    status: number,
    token: string,
    found: NonNullable<Awaited<ReturnType<typeof resolve>>>,
    values: FormValues,
    errors: FieldErrors = {},
  ) => {
    const { item, person } = found;
    const t = words(res);
    const formatDue = cityDateTime(config.CITY_TIME_ZONE, 'full', res.locals.language as string);
    const errorList = Object.entries(errors) as [keyof FormValues, string][];
    const describedBy = (field: keyof FormValues, hint?: string) =>
      [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;
    const fieldError = (field: keyof FormValues) =>
      errors[field] ? html`<p class="field-error" id="${field}-error">${errors[field]}</p>` : '';
    send(
      res,
      status,
      t('progress.title', { item: item.title }),
      html`<h1>${t('progress.heading')}</h1>
<p><strong>${item.title}</strong><br>${t('progress.goal', { number: item.goal.number, title: item.goal.title })}<br>${t('progress.due', { when: formatDue(item.dueAt) })}<br>${t('progress.itemCode', { code: itemShortCode(item.id) })}</p>
<p>${t('progress.signedInAs', { name: person.name })}</p>
${errorList.length > 0
  ? html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${t('progress.fix', { count: errorList.length })}</h2>
<ul>${errorList.map(([field, message]) => html`<li><a href="#${field}">${message}</a></li>`)}</ul>
</div>`
  : ''}
<form method="post" action="/progress/${encodeURIComponent(token)}" novalidate>
<div class="field">
<label for="percentComplete">${t('progress.percent')}</label>
<p class="hint" id="percentComplete-hint">${t('progress.percentHint')}</p>
${fieldError('percentComplete')}
<input id="percentComplete" name="percentComplete" type="number" inputmode="numeric" min="0" max="100" step="1" required value="${values.percentComplete}" aria-describedby="${describedBy('percentComplete', 'percentComplete-hint')}"${errors.percentComplete ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label for="status">${t('progress.status')}</label>
${fieldError('status')}
<select id="status" name="status" required${errors.status ? html` aria-invalid="true" aria-describedby="status-error"` : ''}>
${ITEM_STATUSES.map((s) => html`<option value="${s}"${values.status === s ? html` selected` : ''}>${t(`progress.statuses.${s}`)}</option>`)}
</select>
</div>
<div class="field">
<label for="note">${t('progress.note')}</label>
${fieldError('note')}
<textarea id="note" name="note" rows="5" maxlength="2000" required${errors.note ? html` aria-invalid="true" aria-describedby="note-error"` : ''}>${values.note}</textarea>
</div>
<button type="submit">${t('progress.submit')}</button>
</form>
<p class="note">${t('progress.footnote')}</p>`,
    );
  };

  router.get(
    '/progress/:token',
    linkRoute(resolve, (req, res, found) => {
      if (found.item.status === 'DONE') {
        const t = words(res);
        return send(res, 409, t('progress.alreadyDoneTitle'), html`<h1>${t('progress.alreadyDoneHeading')}</h1><p><strong>${found.item.title}</strong> ${t('progress.alreadyDoneText')}</p>`);
      }
      formPage(res, 200, req.params.token, found, {
        percentComplete: String(found.item.percentComplete),
        status: found.item.status === 'NOT_STARTED' ? 'IN_PROGRESS' : found.item.status,
        note: '',
      });
    }),
  );

  router.post(
    '/progress/:token',
    linkRoute(resolve, async (req, res, found) => {
      const t = words(res);
      const values = formValues(req.body);
      const parsed = progressForm(t).safeParse(values);
      if (!parsed.success) return formPage(res, 400, req.params.token, found, values, fieldErrors(parsed.error));
      if (found.item.status === 'DONE') {
        return send(res, 409, t('progress.alreadyDoneTitle'), html`<h1>${t('progress.alreadyDoneHeading')}</h1><p>${t('progress.nothingChanged')}</p>`);
      }
      const { item } = found;
      const outcome = await useLinkOnce<{ state: ActionItemStateV1 } | { refusal: HttpError }>(db, req.params.token, { purpose: 'progress', personId: found.person.id }, async () => {
        try {
          const state = await executeUpdate(temporal, item.workflowId, postProgressUpdate, { ...parsed.data, by: actorOf(found), via: 'EMAIL_LINK' }, 'the item is done');
          return { acted: true, result: { state } };
        } catch (err) {
          return { acted: false, result: { refusal: toHttpError(err) } };
        }
      });
      if (!outcome) {
        return send(res, 410, t('progress.usedTitle'), html`<h1>${t('progress.usedTitle')}</h1><p>${t('progress.usedText')}</p>`);
      }
      if ('refusal' in outcome) {
        const { refusal } = outcome;
        // Whatever went wrong behind the form, the person can only try again later.
        const unavailable = refusal.status >= 500;
        return send(
          res,
          unavailable ? 503 : refusal.status,
          t('progress.notPostedTitle'),
          html`<h1>${t('progress.notPostedHeading')}</h1><p>${unavailable ? t('progress.unavailable') : refusal.message}</p>`,
        );
      }
      const { state } = outcome;
      send(
        res,
        200,
        t('progress.postedTitle'),
        html`<h1>${t('progress.postedHeading')}</h1>
<p><strong>${item.title}</strong> ${state.status === 'DONE' ? t('progress.nowDone') : t('progress.nowAt', { percent: state.percentComplete, status: t(`progress.statuses.${state.status}`) })}</p>
${state.status === 'BLOCKED' ? html`<p>${t('progress.sponsorTold')}</p>` : ''}
<p>${t('progress.linkUsedNow', { code: itemShortCode(item.id) })}</p>`,
      );
    }),
  );

  return router;
}
