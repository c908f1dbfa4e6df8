// What an approver does with a statement, shared by the incident board and the
// approval queue: approve, send back with a comment, or revise and approve in
// one step. The statement workflow decides whose turn it is; these helpers
// only decide what to show, with the same rule (domain/statementTurn.ts).
import { h, api, ApiError, onSubmit, field, roleTitle } from './lib.js';

/** The roles that may decide a step (older states name only the step's role). */
export const decidersOf = (step) => step.deciders || [step.role];

/** "Deputy Public Information Officer or City Manager in place of the Public Information Officer", or the role's title. */
export function stepLabel(policy, step) {
  if (!step.standIn) return roleTitle(policy, step.role);
  return `${decidersOf(step).map((role) => roleTitle(policy, role)).join(' or ')} in place of the ${roleTitle(policy, step.role)}`;
}

/**
 * True when the signed-in person may decide the awaited step of this live
 * state now: they hold a role that decides it, did not write the version,
 * and have not approved another step of it.
 */
export function mayDecide(me, live) {
  if (!me || !live || live.status !== 'PENDING_APPROVAL' || !live.awaiting) return false;
  const step = live.chain.find((s) => s.role === live.awaiting);
  if (!step || !decidersOf(step).some((role) => me.roles.includes(role))) return false;
  if (live.authorId && live.authorId === me.person.id) return false;
  return !live.chain.some((s) => s.decision === 'APPROVED' && s.approverId === me.person.id);
}

/** The role the person decides the step as. */
export const decidingAs = (me, step) => decidersOf(step).find((role) => me.roles.includes(role)) || step.role;

/**
 * Approve or send back `version` of statement `id`. `as` names the person's
 * part ("Public Information Officer", "... in place of ..."), `author` whom a
 * rejection goes back to.
 */
export function decisionForm({ id, version, as, author, onDone }) {
  const form = h('form', { class: 'decision-form', novalidate: true, 'aria-label': `Your decision as ${as}` },
    h('h4', {}, `Your decision as ${as} on version ${version}`),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    h('fieldset', { 'data-field': 'decision', id: `decision-${id}`, role: 'radiogroup', 'aria-labelledby': `decision-${id}-legend` },
      h('legend', { id: `decision-${id}-legend` }, 'Decision'),
      h('span', { class: 'field-error', id: `decision-${id}-error` }),
      h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'decision', value: 'APPROVE', id: `approve-${id}` }), h('label', { for: `approve-${id}` }, 'Approve this version')),
      h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'decision', value: 'REJECT', id: `reject-${id}` }),
        h('label', { for: `reject-${id}` }, `Send back to ${author || 'the author'} with changes`))),
    field({ label: 'Comment', hint: 'Needed when you send it back: say what should change.',
      control: h('textarea', { name: 'comment', id: `comment-${id}`, rows: '3', maxlength: '5000' }) }),
    h('button', { type: 'submit' }, 'Submit decision'));
  onSubmit(form, async () => {
    const decision = form.querySelector('input[name="decision"]:checked')?.value;
    if (!decision) throw new ApiError(400, { error: { code: 'invalid_input', message: 'Choose approve or send back', field: 'decision' } });
    const comment = form.comment.value.trim();
    await api('POST', `/api/statements/${encodeURIComponent(id)}/decisions`, { version, decision, ...(comment ? { comment } : {}) });
    await onDone(decision === 'APPROVE' ? 'approved' : 'sent back');
  });
  return form;
}

/**
 * Rewrite the text and approve the rewrite in one step. It becomes a new
 * version by this person; `nextDecider` says who then approves in their place.
 */
export function reviseAndApproveForm({ id, version, title, body, nextDecider, onDone }) {
  const form = h('form', { class: 'revise-approve-form', novalidate: true },
    h('p', { class: 'small' }, `Your text becomes version ${version + 1}, written and approved by you. Because you wrote it, `,
      `${nextDecider} then approves it in your place before the rest of the chain sees it. Every version stays in the statement's history.`),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: 'Title', control: h('input', { type: 'text', name: 'title', id: `revise-approve-title-${id}`, maxlength: '200', value: title }) }),
    field({ label: 'Statement text', control: h('textarea', { name: 'body', id: `revise-approve-body-${id}`, rows: '10', maxlength: '20000' }, body) }),
    field({ label: 'What you changed (optional)', hint: 'Recorded with your approval and sent to the author.',
      control: h('textarea', { name: 'comment', id: `revise-approve-comment-${id}`, rows: '2', maxlength: '5000' }) }),
    h('button', { type: 'submit' }, 'Approve my revision'));
  onSubmit(form, async () => {
    const comment = form.comment.value.trim();
    await api('POST', `/api/statements/${encodeURIComponent(id)}/revise-and-approve`, {
      version, title: form.title.value, body: form.body.value, ...(comment ? { comment } : {}),
    });
    await onDone('revised and approved');
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Revise and approve in one step'), form);
}
