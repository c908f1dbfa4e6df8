// Progress without signing in: every reminder email carries
// `${PUBLIC_BASE_URL}/progress/<token>` (purpose 'progress', signed and
// expiring). GET shows an accessible form; POST sends postProgress to the
// item's workflow as the person the link was issued to. A link posts once;
// the next reminder brings a new one.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ITEM_STATUSES, postProgressUpdate } from '../../domain/contracts/plan';
import { html } from '../../lib/html';
import type { ActionItemStateV1 } from '../../domain/contracts/plan';
import { itemShortCode } from '../../domain/itemCode';
import { toHttpError, type HttpError } from '../../services/errors';
import { useLinkOnce } from '../../services/signedLinks';
import { actorOf, executeUpdate } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain } from './linkPage';

const STATUS_LABELS: Record<(typeof ITEM_STATUSES)[number], string> = {
  NOT_STARTED: 'Not started',
  IN_PROGRESS: 'In progress',
  BLOCKED: 'Blocked (tells the sponsor at once)',
  DONE: 'Done',
};

const ProgressForm = z.object({
  percentComplete: z
    .string()
    .trim()
    .regex(/^(\d{1,2}|100)$/, 'Enter a whole number from 0 to 100')
    .transform(Number),
  status: z.enum(ITEM_STATUSES, { errorMap: () => ({ message: 'Choose a status' }) }),
  note: z.string().trim().min(1, 'Write a short note about what happened').max(2000, 'Keep the note under 2000 characters'),
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
  const formatDue = cityDateTime(config.CITY_TIME_ZONE, 'full');
  const formatWhen = cityDateTime(config.CITY_TIME_ZONE, 'medium');

  /** The item and the person the link was issued to. */
  const resolve = async (req: Request, res: Response) => {
    const link = readLinkOrExplain(req.params.token, 'progress', config, (problem) =>
      problem === 'expired'
        ? send(res, 410, 'This link has expired', html`<h1>This link has expired</h1>
<p>Reply to the reminder text with the item's code (for example <kbd>PROGRESS K7Q2M 50 met with ECDC</kbd> or <kbd>DONE K7Q2M</kbd>), or sign in to the staff console. The next reminder email carries a fresh link.</p>`)
        : send(res, 400, 'This link does not work', html`<h1>This link does not work</h1>
<p>The link is incomplete or damaged. Open it again from the email, or sign in to the staff console.</p>`),
    );
    if (!link) return undefined;
    const usable = await linkIsUsableOrExplain(
      db,
      req.params.token,
      link,
      { didWhat: 'post progress', next: 'The next reminder email brings a new link; you can also sign in to the staff console, or reply to the reminder text.' },
      (status, title, body) => send(res, status, title, html`<h1>${title}</h1>${body}`),
      formatWhen,
    );
    if (!usable) return undefined;
    const [item, person] = await Promise.all([
      db.actionItem.findUnique({ where: { id: link.itemId }, include: { goal: { select: { number: true, title: true } } } }),
      db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true, roles: true, active: true } }),
    ]);
    if (!item || !person || !person.active) {
      send(res, 404, 'Item not found', html`<h1>Item not found</h1><p>This link points to an action item or person that no longer exists.</p>`);
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
    const errorList = Object.entries(errors) as [keyof FormValues, string][];
    const describedBy = (field: keyof FormValues, hint?: string) =>
      [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;
    const fieldError = (field: keyof FormValues) =>
      errors[field] ? html`<p class="field-error" id="${field}-error">${errors[field]}</p>` : '';
    send(
      res,
      status,
      `Progress: ${item.title}`,
      html`<h1>Post progress</h1>
<p><strong>${item.title}</strong><br>Goal ${item.goal.number}: ${item.goal.title}<br>Due ${formatDue(item.dueAt)}<br>Item code ${itemShortCode(item.id)}</p>
<p>Signed in by this link as ${person.name}.</p>
${errorList.length > 0
  ? html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">Please fix ${errorList.length === 1 ? 'this' : 'these'}</h2>
<ul>${errorList.map(([field, message]) => html`<li><a href="#${field}">${message}</a></li>`)}</ul>
</div>`
  : ''}
<form method="post" action="/progress/${encodeURIComponent(token)}" novalidate>
<div class="field">
<label for="percentComplete">Percent complete</label>
<p class="hint" id="percentComplete-hint">A whole number from 0 to 100.</p>
${fieldError('percentComplete')}
<input id="percentComplete" name="percentComplete" type="number" inputmode="numeric" min="0" max="100" step="1" required value="${values.percentComplete}" aria-describedby="${describedBy('percentComplete', 'percentComplete-hint')}"${errors.percentComplete ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label for="status">Status</label>
${fieldError('status')}
<select id="status" name="status" required${errors.status ? html` aria-invalid="true" aria-describedby="status-error"` : ''}>
${ITEM_STATUSES.map((s) => html`<option value="${s}"${values.status === s ? html` selected` : ''}>${STATUS_LABELS[s]}</option>`)}
</select>
</div>
<div class="field">
<label for="note">What happened since the last update?</label>
${fieldError('note')}
<textarea id="note" name="note" rows="5" maxlength="2000" required${errors.note ? html` aria-invalid="true" aria-describedby="note-error"` : ''}>${values.note}</textarea>
</div>
<button type="submit">Post progress</button>
</form>
<p class="note">What you post here appears on the City's progress dashboard as this item's status and percentage. Notes are seen by city staff.</p>`,
    );
  };

  router.get(
    '/progress/:token',
    linkRoute(resolve, (req, res, found) => {
      if (found.item.status === 'DONE') {
        return send(res, 409, 'Already done', html`<h1>This item is already done</h1><p><strong>${found.item.title}</strong> was marked done. Thank you.</p>`);
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
      const values = formValues(req.body);
      const parsed = ProgressForm.safeParse(values);
      if (!parsed.success) return formPage(res, 400, req.params.token, found, values, fieldErrors(parsed.error));
      if (found.item.status === 'DONE') {
        return send(res, 409, 'Already done', html`<h1>This item is already done</h1><p>Nothing was changed.</p>`);
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
        return send(res, 410, 'This link was already used', html`<h1>This link was already used</h1><p>A link posts progress once. The next reminder email brings a new one.</p>`);
      }
      if ('refusal' in outcome) {
        const { refusal } = outcome;
        // Whatever went wrong behind the form, the person can only try again later.
        const unavailable = refusal.status >= 500;
        return send(
          res,
          unavailable ? 503 : refusal.status,
          'Progress not posted',
          html`<h1>Progress was not posted</h1><p>${unavailable ? 'The system could not reach the item just now. Please try again in a minute.' : refusal.message}</p>`,
        );
      }
      const { state } = outcome;
      send(
        res,
        200,
        'Progress posted',
        html`<h1>Thank you, progress posted</h1>
<p><strong>${item.title}</strong> is now ${state.status === 'DONE' ? 'done' : html`${state.percentComplete}% complete (${STATUS_LABELS[state.status]})`}.</p>
${state.status === 'BLOCKED' ? html`<p>The item's sponsor has been told that it is blocked.</p>` : ''}
<p>This link has now been used. The next reminder email brings a new one; you can also reply to the reminder text with the item's code, ${itemShortCode(item.id)}.</p>`,
      );
    }),
  );

  return router;
}
