// The signed review link from an approval-request email:
//   GET  /statements/:id/review?token=...  shows the draft and a decision form
//   POST /statements/:id/review?token=...  records the decision
// The token (purpose 'review', payload { statementId, personId }) stands in
// for a session, so the approver can decide from a phone without signing in.
// The decision is the one POST /api/statements/:id/decisions takes: the same
// rules (services/statementActions.ts), statement lookup and `decide` update.
// A link records one decision; afterwards it answers that it was used.
import { Router, type Request, type Response } from 'express';
import { ROLE_TITLES, type Role } from '../../domain/roles';
import type { StatementStateV1 } from '../../domain/contracts/statement';
import { html, type SafeHtml } from '../../lib/html';
import { isLanguage, translator, type Translate } from '../../lib/i18n';
import { fromZodError, toHttpError, type ErrorDetail, type HttpError } from '../../services/errors';
import { awaitedStepOf, decidedAsFor, decidersOf, refusalToDecide } from '../../domain/statementTurn';
import { findStatement, statementWithNames } from '../../services/incidentViews';
import { useLinkOnce } from '../../services/signedLinks';
import { StatementDecisionRequest, decideOnStatement, decidesStatementsOf } from '../../services/statementActions';
import { actorOf } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

type StatementView = Awaited<ReturnType<typeof statementWithNames>>;

/** A role's title in the reader's language. */
const roleTitleIn = (language: string) => (role: string) =>
  (ROLE_TITLES as Record<string, string>)[role] !== undefined ? translator(language, 'common')(`roles.${role as Role}`) : role;

export function createReviewRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const send = linkPageSender('console', config.CITY_TIME_ZONE);
  const words = (res: Response): Translate => translator(res.locals.language as string, 'pages');

  const problem = (res: Response, status: number, key: string) => {
    const t = words(res);
    send(res, status, t(`review.problems.${key}.title`), html`<h1>${t(`review.problems.${key}.title`)}</h1><p>${t(`review.problems.${key}.text`)}</p><p>${t('review.alsoConsole')} <a href="/console">${t('review.staffConsole')}</a>.</p>`);
  };

  /**
   * Who is deciding on what. The page speaks their language unless ?lang= asks for another.
   * `justUsed`: the page after this request's own decision, which has just used the link.
   */
  async function resolve(req: Request, res: Response, { justUsed = false } = {}) {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const link = readLinkOrExplain(token, 'review', config, (linkProblem) => problem(res, linkProblem === 'expired' ? 410 : 400, linkProblem));
    if (!link) return undefined;
    if (link.statementId !== req.params.id) {
      problem(res, 400, 'mismatch');
      return undefined;
    }
    const person = await db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true, roles: true, active: true, language: true } });
    if (person && !(typeof req.query.lang === 'string' && isLanguage(req.query.lang))) res.locals.language = person.language;
    if (!person || !person.active) {
      problem(res, 403, 'inactive');
      return undefined;
    }
    if (!justUsed) {
      const usable = await linkIsUsableOrExplain(
        db,
        token,
        link,
        'review',
        words(res),
        (status, title, body) =>
          send(res, status, title, html`<h1>${title}</h1>${body}<p>${words(res)('review.alsoFollow')} <a href="/console">${words(res)('review.staffConsole')}</a>.</p>`),
        cityDateTime(config.CITY_TIME_ZONE, 'medium', res.locals.language as string),
      );
      if (!usable) return undefined;
    }
    let statement: StatementView;
    try {
      statement = await statementWithNames(db, temporal, await findStatement(db, link.statementId), { personId: person.id, roles: person.roles });
    } catch (err) {
      const mapped = toHttpError(err);
      if (mapped.status === 404) {
        problem(res, 404, 'gone');
        return undefined;
      }
      throw err;
    }
    const incident = await db.incident.findUnique({ where: { id: statement.incidentId }, select: { number: true, title: true } });
    return { token, person, statement, incident };
  }

  function reviewPage(
    res: Response,
    ctx: NonNullable<Awaited<ReturnType<typeof resolve>>>,
    opts: { status?: number; errors?: ErrorDetail[]; message?: SafeHtml; values?: { decision?: string; comment?: string } } = {},
  ) {
    const { token, person, statement, incident } = ctx;
    const language = res.locals.language as string;
    const t = words(res);
    const fmt = cityDateTime(config.CITY_TIME_ZONE, 'medium', language);
    const roleTitle = roleTitleIn(language);
    const rolesInWords = (roles: readonly string[]) => roles.map((role) => t('review.theRole', { role: roleTitle(role) })).join(t('review.or'));
    const live: StatementStateV1 | null = statement.live;
    // The live workflow is ahead of the saved row for a moment after a revision.
    const versionNumber = live?.currentVersion ?? statement.currentVersion;
    const version = statement.versions.find((v) => v.version === versionNumber);
    const awaiting = live?.awaiting ?? null;
    const step = live ? awaitedStepOf(live) : undefined;
    const status = live && statement.status !== 'PUBLISHED' ? live.status : statement.status;
    const author = version?.authorName ?? t('review.theAuthor');
    const myTurn =
      status === 'PENDING_APPROVAL' &&
      live !== null &&
      step !== undefined &&
      version !== undefined &&
      refusalToDecide({ ...live, authorId: live.authorId ?? version.authorId }, { id: person.id, roles: person.roles }) === null;
    const decidingAs = step ? decidedAsFor(step, person.roles) : null;
    const errorFor = (field: string) => opts.errors?.find((e) => e.field === field)?.message;
    const decisionError = errorFor('decision');
    const commentError = errorFor('comment');
    const otherErrors = (opts.errors ?? []).filter((e) => e.field !== 'decision' && e.field !== 'comment');
    const chain = live?.chain ?? [];
    const action = `/statements/${encodeURIComponent(statement.id)}/review?token=${encodeURIComponent(token)}`;
    const translations = Object.entries(version?.translations ?? {});

    const form = myTurn
      ? html`<form method="post" action="${action}" novalidate>
      <input type="hidden" name="version" value="${String(versionNumber)}">
      ${opts.errors?.length
        ? html`<div class="error-summary" role="alert"><h2>${t('common.problem')}</h2><ul>${opts.errors.map(
            (e) => html`<li><a href="#${e.field === 'comment' ? 'comment' : 'decision-approve'}">${e.message}</a></li>`,
          )}</ul></div>`
        : ''}
      <fieldset id="decision" role="radiogroup" aria-labelledby="decision-legend"${decisionError ? html` aria-invalid="true" aria-describedby="decision-error"` : ''}>
        <legend id="decision-legend">${step?.standIn
          ? t('review.decisionAsInPlace', { as: roleTitle(decidingAs!), role: roleTitle(step.role) })
          : t('review.decisionAs', { as: roleTitle(decidingAs!) })}</legend>
        ${decisionError ? html`<span class="field-error" id="decision-error">${decisionError}</span>` : ''}
        <div class="choice"><input type="radio" name="decision" value="APPROVE" id="decision-approve"${opts.values?.decision === 'APPROVE' ? html` checked` : ''}><label for="decision-approve">${t('review.approveVersion', { version: versionNumber })}</label></div>
        <div class="choice"><input type="radio" name="decision" value="REJECT" id="decision-reject"${opts.values?.decision === 'REJECT' ? html` checked` : ''}><label for="decision-reject">${t('review.sendBack', { author })}</label></div>
      </fieldset>
      <div class="field">
        <label for="comment">${t('review.comment')}</label>
        <span class="hint" id="comment-hint">${t('review.commentHint')}</span>
        ${commentError ? html`<span class="field-error" id="comment-error">${commentError}</span>` : ''}
        <textarea id="comment" name="comment" rows="4" maxlength="5000" aria-describedby="comment-hint${commentError ? ' comment-error' : ''}"${commentError ? html` aria-invalid="true"` : ''}>${opts.values?.comment ?? ''}</textarea>
      </div>
      <button type="submit">${t('review.submit')}</button>
      <p class="small muted">${t('review.reviseHint')} <a href="/console/approvals">${t('review.approvalQueue')}</a> ${t('review.reviseHintAfter')}</p>
    </form>`
      : '';

    const statusLine =
      status === 'PUBLISHED'
        ? html`<p class="success-summary">${statement.publishedAt ? t('review.publishedOn', { when: fmt(statement.publishedAt) }) : t('review.published')}</p>`
        : status === 'CHANGES_REQUESTED'
          ? html`<p class="card callout">${t('review.changesRequested')}</p>`
          : step && !myTurn
            ? person.id === (live?.authorId ?? version?.authorId)
              ? html`<p class="card callout">${t('review.youWroteIt', { deciders: rolesInWords(decidersOf(step)) })}</p>`
              : html`<p class="card callout">${t('review.notYourTurn', { deciders: rolesInWords(decidersOf(step)) })}</p>`
            : status === 'PENDING_APPROVAL' && (!awaiting || !version)
              ? html`<p class="card callout">${t('review.unreadable')}</p>`
              : '';

    send(
      res,
      opts.status ?? 200,
      t('review.title'),
      html`<h1>${t('review.heading', { title: version?.title ?? t('review.statement') })}</h1>
    ${opts.message ?? ''}
    ${otherErrors.length ? html`<div class="error-summary" role="alert"><h2>${t('review.couldNot')}</h2>${otherErrors.map((e) => html`<p>${e.message}</p>`)}</div>` : ''}
    <p>${incident
      ? html`${t('review.draftFor', { name: person.name })} <strong>${incident.number}: ${incident.title}</strong>.`
      : t('review.draft', { name: person.name })}
    ${version ? t('review.versionWritten', { version: versionNumber, when: fmt(version.createdAt) }) : t('review.version', { version: versionNumber })}</p>
    ${chain.length
      ? html`<ol class="chain" aria-label="${t('review.chain')}"><li class="done">${t('review.writtenBy', { version: versionNumber, author })}</li>${chain.map(
          (s) =>
            html`<li class="${s.decision === 'APPROVED' ? 'done' : s.decision === 'REJECTED' ? 'rejected' : s.role === awaiting ? 'current' : ''}"${
              s.role === awaiting ? html` aria-current="step"` : ''
            }>${s.standIn ? t('review.inPlaceOf', { deciders: decidersOf(s).map(roleTitle).join(t('review.or')), role: roleTitle(s.role) }) : roleTitle(s.role)}: ${
              s.decision === 'APPROVED' ? t('review.stepApproved') : s.decision === 'REJECTED' ? t('review.stepRejected') : s.role === awaiting ? t('review.stepWaiting') : t('review.stepNotYet')
            }</li>`,
        )}<li>${t('review.publish')}</li></ol>`
      : ''}
    ${statusLine}
    <article class="card" aria-labelledby="draft-title">
      <h2 id="draft-title">${version?.title ?? ''}</h2>
      <div class="statement-body">${version?.body ?? ''}</div>
    </article>
    ${translations.map(
      ([code, text]) => html`<article class="card" aria-labelledby="draft-title-${code}" lang="${code}">
      <h2 id="draft-title-${code}">${text.title}</h2>
      <div class="statement-body">${text.body}</div>
    </article>`,
    )}
    ${form}`,
    );
  }

  router.get(
    '/statements/:id/review',
    linkRoute(resolve, (_req, res, ctx) => reviewPage(res, ctx)),
  );

  router.post(
    '/statements/:id/review',
    linkRoute(resolve, async (req, res, ctx) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const values = {
        decision: typeof form.decision === 'string' ? form.decision : undefined,
        comment: typeof form.comment === 'string' ? form.comment : undefined,
      };
      if (!(await decidesStatementsOf(db, ctx.statement.id, ctx.person.roles))) {
        return problem(res, 403, 'notApprover');
      }
      const parsed = StatementDecisionRequest.safeParse({
        version: Number(form.version),
        decision: values.decision,
        comment: values.comment?.trim() ? values.comment : undefined,
      });
      if (!parsed.success) {
        return reviewPage(res, ctx, { status: 400, errors: fromZodError(parsed.error).details ?? [], values });
      }
      if (ctx.statement.status === 'PUBLISHED' || ctx.statement.status === 'WITHDRAWN') {
        return reviewPage(res, ctx, { status: 409, errors: [{ field: 'body', message: words(res)(`review.already.${ctx.statement.status}`) }] });
      }
      const outcome = await useLinkOnce<{ refusal: HttpError | null }>(db, ctx.token, { purpose: 'review', personId: ctx.person.id }, async () => {
        try {
          await decideOnStatement({ db, temporal }, ctx.statement, parsed.data, actorOf(ctx));
          return { acted: true, result: { refusal: null } };
        } catch (err) {
          return { acted: false, result: { refusal: refusalOrRethrow(err) } };
        }
      });
      if (!outcome) {
        // Another request used this link between the page's check and now: the page says so.
        await resolve(req, res);
        return;
      }
      if (outcome.refusal) {
        const { refusal } = outcome;
        const fresh = await resolve(req, res);
        if (!fresh) return;
        return reviewPage(res, fresh, { status: refusal.status, errors: refusal.details?.length ? refusal.details : [{ field: 'body', message: refusal.message }], values });
      }
      const fresh = await resolve(req, res, { justUsed: true });
      if (!fresh) return;
      const t = words(res);
      reviewPage(res, fresh, {
        message: html`<div class="success-summary" role="status"><strong>${t('review.thanks')}</strong> ${t(parsed.data.decision === 'APPROVE' ? 'review.youApproved' : 'review.youSentBack', { version: parsed.data.version })}</div>`,
      });
    }),
  );

  return router;
}
