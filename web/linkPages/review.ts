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
import { fromZodError, toHttpError, type ErrorDetail, type HttpError } from '../../services/errors';
import { awaitedStepOf, decidedAsFor, decidersOf, refusalToDecide } from '../../domain/statementTurn';
import { findStatement, statementWithNames } from '../../services/incidentViews';
import { useLinkOnce } from '../../services/signedLinks';
import { StatementDecisionRequest, decideOnStatement, decidesStatementsOf } from '../../services/statementActions';
import { actorOf } from '../../services/temporal';
import type { WebDeps } from '../deps';
import { cityDateTime, linkIsUsableOrExplain, linkPageSender, linkRoute, readLinkOrExplain, refusalOrRethrow } from './linkPage';

type StatementView = Awaited<ReturnType<typeof statementWithNames>>;

const roleTitle = (role: string) => ROLE_TITLES[role as Role] ?? role;
/** "the Deputy Public Information Officer or the City Manager" */
const rolesInWords = (roles: readonly string[]) => roles.map((role) => `the ${roleTitle(role)}`).join(' or ');

export function createReviewRouter({ db, temporal, config }: WebDeps): Router {
  const router = Router();
  const send = linkPageSender('console', config.CITY_TIME_ZONE);
  const fmt = cityDateTime(config.CITY_TIME_ZONE, 'medium');

  const problem = (res: Response, status: number, title: string, message: string) =>
    send(res, status, title, html`<h1>${title}</h1><p>${message}</p><p>You can also decide from the <a href="/console">staff console</a>.</p>`);

  /** Who is deciding on what. `justUsed`: the page after this request's own decision, which has just used the link. */
  async function resolve(req: Request, res: Response, { justUsed = false } = {}) {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const link = readLinkOrExplain(token, 'review', config, (linkProblem) =>
      linkProblem === 'expired'
        ? problem(res, 410, 'This review link has expired', 'Review links work for a limited time.')
        : problem(res, 400, 'This review link does not work', 'The link is incomplete or damaged. Open it again from the email.'),
    );
    if (!link) return undefined;
    if (link.statementId !== req.params.id) {
      problem(res, 400, 'This review link does not work', 'The link does not match this statement.');
      return undefined;
    }
    const person = await db.person.findUnique({ where: { id: link.personId }, select: { id: true, name: true, roles: true, active: true } });
    if (!person || !person.active) {
      problem(res, 403, 'This link is not valid for you any more', 'Your account is not active.');
      return undefined;
    }
    if (!justUsed) {
      const usable = await linkIsUsableOrExplain(
        db,
        token,
        link,
        { didWhat: 'record your decision on this statement', next: 'The staff console shows where the statement stands; a new version comes with a new link.' },
        (status, title, body) => send(res, status, title, html`<h1>${title}</h1>${body}<p>You can also follow the statement in the <a href="/console">staff console</a>.</p>`),
        fmt,
      );
      if (!usable) return undefined;
    }
    let statement: StatementView;
    try {
      statement = await statementWithNames(db, temporal, await findStatement(db, link.statementId), { personId: person.id, roles: person.roles });
    } catch (err) {
      const mapped = toHttpError(err);
      if (mapped.status === 404) {
        problem(res, 404, 'Statement not found', 'This statement no longer exists.');
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
    const live: StatementStateV1 | null = statement.live;
    // The live workflow is ahead of the saved row for a moment after a revision.
    const versionNumber = live?.currentVersion ?? statement.currentVersion;
    const version = statement.versions.find((v) => v.version === versionNumber);
    const awaiting = live?.awaiting ?? null;
    const step = live ? awaitedStepOf(live) : undefined;
    const status = live && statement.status !== 'PUBLISHED' ? live.status : statement.status;
    const author = version?.authorName ?? 'the author';
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

    const form = myTurn
      ? html`<form method="post" action="${action}" novalidate>
      <input type="hidden" name="version" value="${String(versionNumber)}">
      ${opts.errors?.length
        ? html`<div class="error-summary" role="alert"><h2>There is a problem</h2><ul>${opts.errors.map(
            (e) => html`<li><a href="#${e.field === 'comment' ? 'comment' : 'decision-approve'}">${e.message}</a></li>`,
          )}</ul></div>`
        : ''}
      <fieldset id="decision" role="radiogroup" aria-labelledby="decision-legend"${decisionError ? html` aria-invalid="true" aria-describedby="decision-error"` : ''}>
        <legend id="decision-legend">Your decision as ${roleTitle(decidingAs!)}${step?.standIn ? ` in place of the ${roleTitle(step.role)}` : ''}</legend>
        ${decisionError ? html`<span class="field-error" id="decision-error">${decisionError}</span>` : ''}
        <div class="choice"><input type="radio" name="decision" value="APPROVE" id="decision-approve"${opts.values?.decision === 'APPROVE' ? html` checked` : ''}><label for="decision-approve">Approve version ${String(versionNumber)}</label></div>
        <div class="choice"><input type="radio" name="decision" value="REJECT" id="decision-reject"${opts.values?.decision === 'REJECT' ? html` checked` : ''}><label for="decision-reject">Send back to ${author} with changes</label></div>
      </fieldset>
      <div class="field">
        <label for="comment">Comment</label>
        <span class="hint" id="comment-hint">Needed when you send it back: say what should change.</span>
        ${commentError ? html`<span class="field-error" id="comment-error">${commentError}</span>` : ''}
        <textarea id="comment" name="comment" rows="4" maxlength="5000" aria-describedby="comment-hint${commentError ? ' comment-error' : ''}"${commentError ? html` aria-invalid="true"` : ''}>${opts.values?.comment ?? ''}</textarea>
      </div>
      <button type="submit">Submit decision</button>
      <p class="small muted">To change the wording yourself and approve it in one step, use the <a href="/console/approvals">approval queue</a> in the console.</p>
    </form>`
      : '';

    const statusLine =
      status === 'PUBLISHED'
        ? html`<p class="success-summary">This statement was approved by everyone and published${statement.publishedAt ? html` on ${fmt(statement.publishedAt)}` : ''}.</p>`
        : status === 'CHANGES_REQUESTED'
          ? html`<p class="card callout">Changes were requested. It is being revised; you will get a new link when it comes back to you.</p>`
          : step && !myTurn
            ? person.id === (live?.authorId ?? version?.authorId)
              ? html`<p class="card callout">You wrote this version, so someone else approves it: it is waiting for ${rolesInWords(decidersOf(step))}.</p>`
              : html`<p class="card callout">It is waiting for ${rolesInWords(decidersOf(step))}, not for you. You will be asked when it is your turn.</p>`
            : status === 'PENDING_APPROVAL' && (!awaiting || !version)
              ? html`<p class="card callout">Its place in the approval chain could not be read just now. Reload the page in a moment.</p>`
              : '';

    send(
      res,
      opts.status ?? 200,
      `Review statement`,
      html`<h1>Review: ${version?.title ?? 'statement'}</h1>
    ${opts.message ?? ''}
    ${otherErrors.length ? html`<div class="error-summary" role="alert"><h2>This could not be done</h2>${otherErrors.map((e) => html`<p>${e.message}</p>`)}</div>` : ''}
    <p>${person.name}, ${incident ? html`this is a draft statement for incident <strong>${incident.number}: ${incident.title}</strong>` : 'this is a draft statement'}.
    Version ${String(versionNumber)}${version ? html`, written ${fmt(version.createdAt)}` : ''}.</p>
    ${chain.length
      ? html`<ol class="chain" aria-label="Approval chain"><li class="done">Version ${String(versionNumber)} written by ${author}</li>${chain.map(
          (s) =>
            html`<li class="${s.decision === 'APPROVED' ? 'done' : s.decision === 'REJECTED' ? 'rejected' : s.role === awaiting ? 'current' : ''}"${
              s.role === awaiting ? html` aria-current="step"` : ''
            }>${s.standIn ? `${decidersOf(s).map(roleTitle).join(' or ')} in place of the ${roleTitle(s.role)}` : roleTitle(s.role)}: ${
              s.decision === 'APPROVED' ? 'approved' : s.decision === 'REJECTED' ? 'changes requested' : s.role === awaiting ? 'waiting now' : 'not yet'
            }</li>`,
        )}<li>Publish</li></ol>`
      : ''}
    ${statusLine}
    <article class="card" aria-labelledby="draft-title">
      <h2 id="draft-title">${version?.title ?? ''}</h2>
      <div class="statement-body">${version?.body ?? ''}</div>
    </article>
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
        return problem(res, 403, 'You are not an approver', 'Only the people in the approval chain can decide on statements.');
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
        return reviewPage(res, ctx, { status: 409, errors: [{ field: 'body', message: `This statement is already ${ctx.statement.status.toLowerCase()}.` }] });
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
      const decided = parsed.data.decision === 'APPROVE' ? 'approved' : 'sent back to its author';
      reviewPage(res, fresh, {
        message: html`<div class="success-summary" role="status"><strong>Thank you.</strong> You ${decided} version ${String(parsed.data.version)}. Your decision is recorded in the audit log.</div>`,
      });
    }),
  );

  return router;
}
