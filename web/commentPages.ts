// The public page of a goal or an action item, server-rendered so it works
// without JavaScript: what the item is, the residents' published comments
// with the City's answers, "you said, we did" both ways, and a form to
// comment with no account (a question to answer; an email address only if
// the resident wants the answer sent, never shown).
//   GET/POST /plans/:planId/items/:itemId
//   GET/POST /plans/:planId/goals/:number
import { Router, type Request, type Response } from 'express';
import { html, type SafeHtml } from '../lib/html';
import { translator, type Translate } from '../lib/i18n';
import { currentPolicy } from '../policy';
import { createCommentThrottle, issueCommentChallenge } from '../services/commentChallenge';
import { CommentSubmission, DISPLAY_NAME_MAX, commentsPolicy, submitComment } from '../services/comments';
import { publicCommentPage } from '../services/commentViews';
import { fromZodError, toHttpError, type ErrorDetail } from '../services/errors';
import { asyncRoute } from './asyncRoute';
import type { WebDeps } from './deps';
import { sendPage } from './layout';
import { refusalsInWords } from './formRefusals';
import { cityDateTime } from './linkPages/linkPage';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const GOAL_NUMBER = /^[1-9]\d?$/;

interface FormValues {
  body: string;
  displayName: string;
  replyEmail: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

type Target = { planId: string; itemId?: string; goalNumber?: number };

/**
 * What went wrong, in the resident's language, worded by field (and a rate
 * limit or closed comments by status). Every refusal comes back with a new
 * question, so a challenge refusal says to answer that one.
 */
function inResidentWords(language: string, status: number, errors: ErrorDetail[]): ErrorDetail[] {
  const c: Translate = translator(language, 'comments');
  if (status === 429 || status === 409) return errors.map((e) => ({ field: e.field, message: c(status === 429 ? 'page.errors.tooMany' : 'page.errors.closed') }));
  return refusalsInWords(language, errors, [
    ['body', () => c('page.errors.body', { max: commentsPolicy().maxLength })],
    ['displayName', () => c('page.errors.displayName', { max: DISPLAY_NAME_MAX })],
    ['replyEmail', () => c('page.errors.replyEmail')],
    ['challenge.token', () => c('page.errors.challengeToken')],
    ['challenge', () => c('page.errors.challengeAnswer')],
  ]);
}

export function createCommentPagesRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const throttle = createCommentThrottle(db, () => commentsPolicy().perAddressPerHour);

  const targetOf = (req: Request): Target | null => {
    const { planId, itemId, number } = req.params as Record<string, string | undefined>;
    if (!planId || !ID.test(planId)) return null;
    if (itemId !== undefined) return ID.test(itemId) ? { planId, itemId } : null;
    return number !== undefined && GOAL_NUMBER.test(number) ? { planId, goalNumber: Number(number) } : null;
  };

  async function render(res: Response, target: Target, status: number, values: FormValues, errors: ErrorDetail[] = [], sent = false) {
    const language = res.locals.language as string;
    const c: Translate = translator(language, 'comments');
    const p: Translate = translator(language, 'pages');
    errors = inResidentWords(language, status, errors);
    let page: Awaited<ReturnType<typeof publicCommentPage>>;
    try {
      page = await publicCommentPage(db, target);
    } catch (err) {
      if (toHttpError(err).status !== 404) throw err;
      return sendPage(res, config.CITY_TIME_ZONE, { status: 404, title: p('notFound.title'), area: 'public', body: html`<h1>${p('notFound.title')}</h1>` });
    }
    const when = cityDateTime(config.CITY_TIME_ZONE, 'medium', language);
    const { target: about } = page;
    const heading = about.item ? about.item.title : `${c('page.goal', { number: about.goalNumber })}: ${about.goalTitle}`;
    const challenge = issueCommentChallenge(config, commentsPolicy(currentPolicy()));
    const errorOf = (field: string) => errors.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
    const fieldError = (field: string) => (errorOf(field) ? html`<span class="field-error" id="${field}-error">${errorOf(field)}</span>` : '');
    const invalid = (field: string) => (errorOf(field) ? html` aria-invalid="true" aria-describedby="${field}-error"` : '');

    const comments: SafeHtml[] = page.comments.map(
      (comment) => html`<article class="comment" id="comment-${comment.id}">
  <p class="small"><strong>${comment.displayName ?? c('page.anonymous')}</strong>, ${when(comment.receivedAt)}</p>
  <p>${comment.body}</p>
  ${comment.ledTo ? html`<p class="you-said-we-did">${c('page.ledTo')} <a href="${comment.ledTo.path}">${comment.ledTo.title}</a></p>` : ''}
  ${comment.replies.length
    ? comment.replies.map((reply) => html`<div class="reply"><p class="small">${c('page.reply', { by: reply.byName, when: when(reply.createdAt) })}</p><p>${reply.body}</p></div>`)
    : html`<p class="small">${c('page.awaiting', { due: when(comment.dueAt) })}</p>`}
</article>`,
    );

    const body = html`<p><a href="/plans/${page.plan.id}">${page.plan.title}</a></p>
<h1>${heading}</h1>
${about.item
  ? html`<p>${c('page.goal', { number: about.goalNumber })}: ${about.goalTitle}</p>
<p class="small">${c('page.dueAt', { due: when(about.item.dueAt) })}${about.item.organisation ? html` · ${about.item.organisation}` : ''}</p>`
  : html`<h2>${c('page.items')}</h2><ul id="goal-items">${about.items.map((i) => html`<li><a href="${i.path}">${i.title}</a></li>`)}</ul>`}
${page.cameFrom.length
  ? html`<section class="came-from"><h2>${c('page.cameFrom')}</h2><ul>${page.cameFrom.map((from) => html`<li><a href="${from.path}">${from.excerpt}</a></li>`)}</ul></section>`
  : ''}
<section id="comments"><h2>${c('page.title')}</h2>
${comments.length ? comments : html`<p>${c('page.none')}</p>`}
</section>
<section id="comment-form"><h2>${c('page.leave')}</h2>
${sent ? html`<p role="status" class="notice">${c('page.sent')}</p>` : ''}
${errors.length ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${p('common.problem')}</h2><ul>${errors.map((e) => html`<li>${e.message}</li>`)}</ul></div>` : ''}
<form method="post" novalidate>
  <input type="hidden" name="language" value="${language}">
  <input type="hidden" name="token" value="${challenge.token}">
  <div class="field"><label for="comment-body">${c('page.body')}</label>${fieldError('body')}
    <textarea id="comment-body" name="body" rows="5" maxlength="${commentsPolicy().maxLength}" required${invalid('body')}>${values.body}</textarea></div>
  <div class="field"><label for="comment-name">${c('page.displayName')}</label>${fieldError('displayName')}
    <input id="comment-name" name="displayName" autocomplete="nickname" value="${values.displayName}"${invalid('displayName')}></div>
  <div class="field"><label for="comment-email">${c('page.replyEmail')}</label>${fieldError('replyEmail')}
    <input type="email" id="comment-email" name="replyEmail" autocomplete="email" spellcheck="false" value="${values.replyEmail}"${invalid('replyEmail')}></div>
  <div class="field"><label for="comment-answer">${c('page.challenge', { question: `${challenge.question.a} + ${challenge.question.b} = ?` })}</label>${fieldError('challenge')}
    <input id="comment-answer" name="answer" inputmode="numeric" autocomplete="off" required${invalid('challenge')}></div>
  <button type="submit">${c('page.send')}</button>
</form></section>`;
    sendPage(res, config.CITY_TIME_ZONE, { status, title: heading, area: 'public', body });
  }

  const empty: FormValues = { body: '', displayName: '', replyEmail: '' };

  const show = asyncRoute(async (req, res) => {
    const target = targetOf(req);
    if (!target) return void res.status(404).end();
    await render(res, target, 200, empty);
  });

  const receive = asyncRoute(async (req, res) => {
    const target = targetOf(req);
    if (!target) return void res.status(404).end();
    const form = (req.body ?? {}) as Record<string, unknown>;
    const values: FormValues = { body: text(form.body), displayName: text(form.displayName), replyEmail: text(form.replyEmail) };
    const parsed = CommentSubmission.safeParse({ ...values, challenge: { token: text(form.token), answer: text(form.answer) } });
    if (!parsed.success) return render(res, target, 400, values, fromZodError(parsed.error).details ?? []);
    try {
      await submitComment({ db, temporal, config, throttle }, { ...target, ...parsed.data, language: res.locals.language as string }, req.ip ?? 'unknown');
    } catch (err) {
      const refusal = toHttpError(err);
      if (refusal.status >= 500) throw err;
      for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
      return render(res, target, refusal.status, values, refusal.details ?? [{ field: refusal.field ?? 'body', message: refusal.message }]);
    }
    await render(res, target, 202, empty, [], true);
  });

  router.get('/plans/:planId/items/:itemId', show);
  router.post('/plans/:planId/items/:itemId', receive);
  router.get('/plans/:planId/goals/:number', show);
  router.post('/plans/:planId/goals/:number', receive);
  return router;
}
