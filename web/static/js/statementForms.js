// What an approver does with a statement, shared by the incident board and the
// approval queue: approve, send back with a comment, or revise and approve in
// one step. The statement workflow decides whose turn it is; these helpers
// only decide what to show, with the same rule (domain/statementTurn.ts).
import { h, api, ApiError, onSubmit, field, roleTitle, t, siteLanguages, languageNameInPage } from './lib.js';

/** The roles that may decide a step (older states name only the step's role). */
export const decidersOf = (step) => step.deciders || [step.role];

/** "Deputy Public Information Officer or City Manager in place of the Public Information Officer", or the role's title. */
export function stepLabel(policy, step) {
  if (!step.standIn) return roleTitle(policy, step.role);
  return t('chain.inPlaceOf', { deciders: decidersOf(step).map((role) => roleTitle(policy, role)).join(t('chain.or')), role: roleTitle(policy, step.role) });
}

/** The languages a statement is written in besides the original (the site's other languages). */
export const translationLanguages = () => siteLanguages().slice(1);

/**
 * A title and a text for each of the site's other languages, written beside
 * the original and approved with it. `values` fills them ({ es: { title,
 * body } }); read() gives the ones written (an empty pair is left out: that
 * language then reads the original, with a note).
 */
export function translationFields(idPrefix, values = {}) {
  const inputs = translationLanguages().map((code) => {
    const name = languageNameInPage(code);
    const title = h('input', { type: 'text', name: `title-${code}`, id: `${idPrefix}-title-${code}`, maxlength: '200', lang: code, value: values[code]?.title || '' });
    const body = h('textarea', { name: `body-${code}`, id: `${idPrefix}-body-${code}`, rows: '8', maxlength: '20000', lang: code }, values[code]?.body || '');
    const group = h('fieldset', { class: 'translation', 'data-field': `translations.${code}` },
      h('legend', {}, t('statement.translationLegend', { language: name })),
      h('p', { class: 'hint' }, t('statement.translationHint', { language: name })),
      field({ label: t('statement.translationTitle', { language: name }), control: title }),
      field({ label: t('statement.translationBody', { language: name }), control: body }));
    title.setAttribute('data-field', `translations.${code}.title`);
    body.setAttribute('data-field', `translations.${code}.body`);
    return { code, title, body, group };
  });
  return {
    elements: inputs.map((i) => i.group),
    /** Fills the fields again (e.g. from a template), unless someone has typed in them since. */
    fill(next) {
      for (const i of inputs) {
        if (next[i.code]) {
          i.title.value = next[i.code].title;
          i.body.value = next[i.code].body;
        }
      }
    },
    read() {
      const out = {};
      for (const i of inputs) {
        if (i.title.value.trim() || i.body.value.trim()) out[i.code] = { title: i.title.value, body: i.body.value };
      }
      return Object.keys(out).length ? out : undefined;
    },
  };
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
  const form = h('form', { class: 'decision-form', novalidate: true, 'aria-label': t('decision.label', { as }) },
    h('h4', {}, t('decision.heading', { as, version })),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    h('fieldset', { 'data-field': 'decision', id: `decision-${id}`, role: 'radiogroup', 'aria-labelledby': `decision-${id}-legend` },
      h('legend', { id: `decision-${id}-legend` }, t('decision.legend')),
      h('span', { class: 'field-error', id: `decision-${id}-error` }),
      h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'decision', value: 'APPROVE', id: `approve-${id}` }), h('label', { for: `approve-${id}` }, t('decision.approve'))),
      h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'decision', value: 'REJECT', id: `reject-${id}` }),
        h('label', { for: `reject-${id}` }, t('decision.sendBack', { author: author || t('decision.theAuthor') })))),
    field({ label: t('decision.comment'), hint: t('decision.commentHint'),
      control: h('textarea', { name: 'comment', id: `comment-${id}`, rows: '3', maxlength: '5000' }) }),
    h('button', { type: 'submit' }, t('decision.submit')));
  onSubmit(form, async () => {
    const decision = form.querySelector('input[name="decision"]:checked')?.value;
    if (!decision) throw new ApiError(400, { error: { code: 'invalid_input', message: t('decision.choose'), field: 'decision' } });
    const comment = form.comment.value.trim();
    // A rejection always sends its comment, blank or not, so an empty one is refused by its own rule and words.
    await api('POST', `/api/statements/${encodeURIComponent(id)}/decisions`, { version, decision, ...(comment || decision === 'REJECT' ? { comment } : {}) });
    await onDone(decision === 'APPROVE' ? 'approved' : 'sentBack');
  });
  return form;
}

/**
 * Rewrite the text and approve the rewrite in one step. It becomes a new
 * version by this person; `nextDecider` says who then approves in their place.
 */
export function reviseAndApproveForm({ id, version, title, body, translations, nextDecider, onDone }) {
  const others = translationFields(`revise-approve-${id}`, translations);
  const form = h('form', { class: 'revise-approve-form', novalidate: true },
    h('p', { class: 'small' }, t('revise.becomes', { version: version + 1, next: nextDecider })),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('statement.title'), control: h('input', { type: 'text', name: 'title', id: `revise-approve-title-${id}`, maxlength: '200', value: title }) }),
    field({ label: t('statement.body'), control: h('textarea', { name: 'body', id: `revise-approve-body-${id}`, rows: '10', maxlength: '20000' }, body) }),
    others.elements,
    field({ label: t('revise.changed'), hint: t('revise.changedHint'),
      control: h('textarea', { name: 'comment', id: `revise-approve-comment-${id}`, rows: '2', maxlength: '5000' }) }),
    h('button', { type: 'submit' }, t('revise.approveMine')));
  onSubmit(form, async () => {
    const comment = form.comment.value.trim();
    const written = others.read();
    await api('POST', `/api/statements/${encodeURIComponent(id)}/revise-and-approve`, {
      version, title: form.title.value, body: form.body.value, ...(written ? { translations: written } : {}), ...(comment ? { comment } : {}),
    });
    await onDone('revisedAndApproved');
  });
  return h('details', { class: 'card' }, h('summary', {}, t('revise.summary')), form);
}
