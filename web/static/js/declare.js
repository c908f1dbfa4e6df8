// Declare an incident: a form driven by the policy, then a confirmation step
// that says exactly who will be told and which clocks will start.
import {
  h, api, ApiError, requireSignIn, may, rolesGranted, replaceChildren, showFormErrors, clearFormErrors, whileBusy,
  field, fetchPolicy, roleTitle, showPageError,
} from './lib.js';
import { describeDuration } from './policy.js';

const root = document.getElementById('declare');

async function start() {
  const me = await requireSignIn();
  const policy = await fetchPolicy();
  if (!may(me, policy, 'declare')) {
    const who = rolesGranted(policy, 'declare');
    replaceChildren(
      root,
      h('div', { class: 'card callout' }, h('p', {}, `Only ${who} can declare a critical incident. `,
        'If you think one is happening, call them now.'), h('p', {}, h('a', { href: '/console' }, 'Back to the console home'))),
    );
    return;
  }
  render(policy);
}

function render(policy) {
  // One key per visit to this page: a double-click or a retry after a network
  // error returns the same incident instead of declaring a second one.
  const idempotencyKey = crypto.randomUUID();
  let severityTouched = false;

  const typeChoices = policy.definition.types.map((t) =>
    h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'type', id: `type-${t.key}`, value: t.key, 'aria-describedby': `type-${t.key}-hint`,
        onchange: () => {
          if (!severityTouched) form.querySelector(`#severity-${t.defaultSeverity}`).checked = true;
        } }),
      h('div', {}, h('label', { for: `type-${t.key}` }, t.label), h('span', { class: 'hint', id: `type-${t.key}-hint` }, t.criteria))),
  );
  const severityChoices = policy.severities.map((s) =>
    h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'severity', id: `severity-${s.level}`, value: String(s.level), 'aria-describedby': `severity-${s.level}-hint`,
        onchange: () => (severityTouched = true) }),
      h('div', {}, h('label', { for: `severity-${s.level}` }, s.label), h('span', { class: 'hint', id: `severity-${s.level}-hint` }, s.description))),
  );

  const form = h('form', { id: 'declare-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    h('details', {}, h('summary', {}, 'What counts as a critical incident?'), h('p', {}, policy.definition.summary)),
    h('fieldset', { 'data-field': 'type', id: 'type', role: 'radiogroup', 'aria-labelledby': 'type-legend' },
      h('legend', { id: 'type-legend' }, 'What happened?'),
      h('span', { class: 'field-error', id: 'type-error' }),
      typeChoices),
    h('fieldset', { 'data-field': 'severity', id: 'severity', role: 'radiogroup', 'aria-labelledby': 'severity-legend' },
      h('legend', { id: 'severity-legend' }, 'How severe is it?'),
      h('span', { class: 'hint' }, 'Severity decides who is notified and how soon the first public statement is due. Choosing a type suggests one; you can change it.'),
      h('span', { class: 'field-error', id: 'severity-error' }),
      severityChoices),
    field({ label: 'Short title', hint: 'A few words the officials will see first, e.g. "Officer-involved shooting on Forsyth Blvd".',
      control: h('input', { type: 'text', name: 'title', id: 'title', maxlength: '200', required: true, autocomplete: 'off' }) }),
    field({ label: 'What we know so far', hint: 'Plain facts only. This goes to the officials, not to the public.',
      control: h('textarea', { name: 'summary', id: 'summary', maxlength: '5000', required: true, rows: '6' }) }),
    field({ label: 'Location (optional)',
      control: h('input', { type: 'text', name: 'location', id: 'location', maxlength: '200', autocomplete: 'off' }) }),
    h('button', { type: 'submit' }, 'Continue'),
  );

  const confirmation = h('section', { id: 'confirm', 'aria-labelledby': 'confirm-heading', hidden: true });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const input = readForm(form);
    const problems = [];
    if (!input.type) problems.push({ field: 'type', message: 'Choose what happened' });
    if (!input.severity) problems.push({ field: 'severity', message: 'Choose a severity' });
    if (!input.title) problems.push({ field: 'title', message: 'Enter a short title' });
    if (!input.summary) problems.push({ field: 'summary', message: 'Say what is known so far' });
    if (problems.length) {
      showFormErrors(form, new ApiError(400, { error: { code: 'invalid_input', message: problems[0].message, details: problems } }));
      return;
    }
    showConfirmation(policy, input);
  });

  function showConfirmation(policy, input) {
    const type = policy.definition.types.find((t) => t.key === input.type);
    const severity = policy.severities.find((s) => s.level === input.severity);
    const deadlines = policy.deadlines
      .filter((d) => d.anchor === 'DECLARED' && d.dueAfter[String(input.severity)])
      .map((d) => h('li', {}, `${d.title}: due within ${describeDuration(d.dueAfter[String(input.severity)])}`,
        d.repeatEvery ? `, then every ${describeDuration(d.repeatEvery)} while the investigation is open` : ''));
    const status = h('div', { class: 'form-status', 'aria-live': 'assertive' });
    const declareForm = h('form', { id: 'confirm-form' },
      status,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'danger' }, 'Declare incident now'),
        h('button', { type: 'button', class: 'secondary', onclick: back }, 'Go back and change')));
    replaceChildren(confirmation,
      h('h2', { id: 'confirm-heading', tabindex: '-1' }, 'Check before you declare'),
      h('div', { class: 'card' },
        h('dl', { class: 'facts' },
          h('dt', {}, 'What happened'), h('dd', {}, type ? type.label : input.type),
          h('dt', {}, 'Severity'), h('dd', {}, severity ? severity.label : String(input.severity)),
          h('dt', {}, 'Title'), h('dd', {}, input.title),
          h('dt', {}, 'What we know'), h('dd', { class: 'statement-body' }, input.summary),
          input.location ? [h('dt', {}, 'Location'), h('dd', {}, input.location)] : null)),
      h('h3', {}, 'Who will be notified at once, by email and text'),
      h('p', {}, severity.recipients.map((role) => roleTitle(policy, role)).join(', '), '. Each must acknowledge within ',
        describeDuration(policy.acknowledgement.backupAfter), ' or their backup is contacted.'),
      h('h3', {}, 'Public deadlines that start now'),
      h('ul', {}, deadlines),
      declareForm);
    declareForm.addEventListener('submit', (event) => {
      event.preventDefault();
      submit(input, declareForm);
    });
    form.hidden = true;
    confirmation.hidden = false;
    confirmation.querySelector('h2').focus();
  }

  function back() {
    confirmation.hidden = true;
    form.hidden = false;
    form.querySelector('input[name="type"]:checked, input[name="type"]').focus();
  }

  async function submit(input, declareForm) {
    await whileBusy(declareForm, async () => {
      try {
        const body = { type: input.type, severity: input.severity, title: input.title, summary: input.summary };
        if (input.location) body.location = input.location;
        const result = await api('POST', '/api/incidents', body, { 'Idempotency-Key': idempotencyKey });
        const number = result.number || (result.incident && result.incident.number);
        location.assign(`/console/incidents/${encodeURIComponent(number)}?declared=1`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) {
          back();
          showFormErrors(form, err);
        } else {
          showFormErrors(declareForm, err);
        }
      }
    });
  }

  replaceChildren(root, form, confirmation);
}

function readForm(form) {
  const data = new FormData(form);
  const severity = Number(data.get('severity'));
  return {
    type: data.get('type') || '',
    severity: Number.isInteger(severity) && severity > 0 ? severity : null,
    title: String(data.get('title') || '').trim(),
    summary: String(data.get('summary') || '').trim(),
    location: String(data.get('location') || '').trim(),
  };
}

start().catch((err) => showPageError(root, err));
