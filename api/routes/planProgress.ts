// Progress without signing in: every reminder email carries
// `${PUBLIC_BASE_URL}/progress/<token>` (purpose 'progress', signed and
// expiring). GET shows an accessible form; POST sends postProgress to the
// item's workflow as the person the link was issued to.
import { Router, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { InvalidLinkTokenError, verifyLinkToken } from '../../lib/crypto';
import { ITEM_STATUSES, postProgressUpdate } from '../../domain/contracts/plan';
import { html, type SafeHtml } from '../../lib/html';
import { renderPage, setPageHeaders } from '../../web/layout';
import { toHttpError } from '../../services/errors';
import { executeUpdate } from '../../services/temporal';

export interface ProgressLinkPayload {
  p: 'progress';
  itemId: string;
  personId: string;
}

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

export function createProgressLinksRouter({ db, temporal, config }: { db: Db; temporal: Client; config: Config }): Router {
  const router = Router();

  const send = (res: Response, status: number, title: string, body: SafeHtml) => {
    setPageHeaders(res);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.status(status).type('html').send(renderPage({ title, area: 'public', body, timeZone: config.CITY_TIME_ZONE }));
  };

  const linkProblem = (res: Response, err: InvalidLinkTokenError) => {
    if (err.reason === 'expired') {
      return send(res, 410, 'This link has expired', html`<h1>This link has expired</h1>
<p>Reply to the reminder text with a number and a note (for example <kbd>50 met with ECDC</kbd>) or <kbd>DONE</kbd>, or sign in to the staff console. The next reminder email carries a fresh link.</p>`);
    }
    return send(res, 400, 'This link does not work', html`<h1>This link does not work</h1>
<p>The link is incomplete or damaged. Open it again from the email, or sign in to the staff console.</p>`);
  };

  const resolve = async (res: Response, token: string) => {
    let payload: ProgressLinkPayload;
    try {
      if (token.length > 4096) throw new InvalidLinkTokenError('malformed');
      payload = verifyLinkToken<ProgressLinkPayload>(token, 'progress', config.LINK_SIGNING_SECRET);
      if (typeof payload.itemId !== 'string' || typeof payload.personId !== 'string') throw new InvalidLinkTokenError('malformed');
    } catch (err) {
      if (err instanceof InvalidLinkTokenError) {
        linkProblem(res, err);
        return undefined;
      }
      throw err;
    }
    const [item, person] = await Promise.all([
      db.actionItem.findUnique({ where: { id: payload.itemId }, include: { goal: { select: { number: true, title: true } } } }),
      db.person.findUnique({ where: { id: payload.personId }, select: { id: true, name: true, roles: true, active: true } }),
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
    const due = new Intl.DateTimeFormat('en-US', { timeZone: config.CITY_TIME_ZONE, dateStyle: 'full', timeStyle: 'short' }).format(item.dueAt);
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
<p><strong>${item.title}</strong><br>Goal ${item.goal.number}: ${item.goal.title}<br>Due ${due}</p>
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

  router.get('/progress/:token', async (req, res, next) => {
    try {
      const found = await resolve(res, req.params.token);
      if (!found) return;
      if (found.item.status === 'DONE') {
        return send(res, 409, 'Already done', html`<h1>This item is already done</h1><p><strong>${found.item.title}</strong> was marked done. Thank you.</p>`);
      }
      formPage(res, 200, req.params.token, found, {
        percentComplete: String(found.item.percentComplete),
        status: found.item.status === 'NOT_STARTED' ? 'IN_PROGRESS' : found.item.status,
        note: '',
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/progress/:token', async (req, res, next) => {
    try {
      const found = await resolve(res, req.params.token);
      if (!found) return;
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const values: FormValues = {
        percentComplete: typeof raw.percentComplete === 'string' ? raw.percentComplete : '',
        status: typeof raw.status === 'string' ? raw.status : '',
        note: typeof raw.note === 'string' ? raw.note : '',
      };
      const parsed = ProgressForm.safeParse(values);
      if (!parsed.success) {
        const errors: FieldErrors = {};
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] as keyof FormValues;
          errors[field] ??= issue.message;
        }
        return formPage(res, 400, req.params.token, found, values, errors);
      }
      if (found.item.status === 'DONE') {
        return send(res, 409, 'Already done', html`<h1>This item is already done</h1><p>Nothing was changed.</p>`);
      }
      const { item, person } = found;
      try {
        const state = await executeUpdate(
          temporal,
          item.workflowId,
          postProgressUpdate,
          {
            percentComplete: parsed.data.percentComplete,
            status: parsed.data.status,
            note: parsed.data.note,
            by: { personId: person.id, name: person.name, roles: [...person.roles] },
            via: 'EMAIL_LINK',
          },
          'the item is done',
        );
        send(
          res,
          200,
          'Progress posted',
          html`<h1>Thank you, progress posted</h1>
<p><strong>${item.title}</strong> is now ${state.status === 'DONE' ? 'done' : html`${state.percentComplete}% complete (${STATUS_LABELS[state.status]})`}.</p>
${state.status === 'BLOCKED' ? html`<p>The item's sponsor has been told that it is blocked.</p>` : ''}
<p><a href="/progress/${encodeURIComponent(req.params.token)}">Post another update</a></p>`,
        );
      } catch (err) {
        const httpError = toHttpError(err);
        const status = httpError.status >= 500 ? 503 : httpError.status;
        send(
          res,
          status,
          'Progress not posted',
          html`<h1>Progress was not posted</h1><p>${httpError.status >= 500 ? 'The system could not reach the item just now. Please try again in a minute.' : httpError.message}</p>`,
        );
      }
    } catch (err) {
      next(err);
    }
  });

  return router;
}
