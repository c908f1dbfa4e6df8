// Declare an incident: a form driven by the policy, then a confirmation step
// that says exactly who will be told and which clocks will start.
import {
  h, api, ApiError, requireSignIn, may, rolesGranted, replaceChildren, showFormErrors, clearFormErrors, whileBusy,
  field, fetchPolicy, roleTitle, showPageError, t,
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
      h('div', { class: 'card callout' }, h('p', {}, t('declare.onlyWho', { who }), t('declare.callThem')), h('p', {}, h('a', { href: '/console' }, t('common.backHome')))),
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
    h('details', {}, h('summary', {}, t('declare.whatCounts')), h('p', {}, policy.definition.summary)),
    h('fieldset', { 'data-field': 'type', id: 'type', role: 'radiogroup', 'aria-labelledby': 'type-legend' },
      h('legend', { id: 'type-legend' }, t('declare.whatHappened')),
      h('span', { class: 'field-error', id: 'type-error' }),
      typeChoices),
    h('fieldset', { 'data-field': 'severity', id: 'severity', role: 'radiogroup', 'aria-labelledby': 'severity-legend' },
      h('legend', { id: 'severity-legend' }, t('declare.howSevere')),
      h('span', { class: 'hint' }, t('declare.severityHint')),
      h('span', { class: 'field-error', id: 'severity-error' }),
      severityChoices),
    field({ label: t('declare.title'), hint: t('declare.titleHint'),
      control: h('input', { type: 'text', name: 'title', id: 'title', maxlength: '200', required: true, autocomplete: 'off' }) }),
    field({ label: t('declare.summary'), hint: t('declare.summaryHint'),
      control: h('textarea', { name: 'summary', id: 'summary', maxlength: '5000', required: true, rows: '6' }) }),
    field({ label: t('declare.location'),
      control: h('input', { type: 'text', name: 'location', id: 'location', maxlength: '200', autocomplete: 'off' }) }),
    h('button', { type: 'submit' }, t('declare.continue')),
  );

  const confirmation = h('section', { id: 'confirm', 'aria-labelledby': 'confirm-heading', hidden: true });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFormErrors(form);
    const input = readForm(form);
    const problems = [];
    if (!input.type) problems.push({ field: 'type', message: t('declare.errors.type') });
    if (!input.severity) problems.push({ field: 'severity', message: t('declare.errors.severity') });
    if (!input.title) problems.push({ field: 'title', message: t('declare.errors.title') });
    if (!input.summary) problems.push({ field: 'summary', message: t('declare.errors.summary') });
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
      .map((d) => h('li', {}, t('declare.dueWithin', { title: d.title, within: describeDuration(d.dueAfter[String(input.severity)]) }),
        d.repeatEvery ? t('declare.thenEvery', { every: describeDuration(d.repeatEvery) }) : ''));
    const status = h('div', { class: 'form-status', 'aria-live': 'assertive' });
    const declareForm = h('form', { id: 'confirm-form' },
      status,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'danger' }, t('declare.declareNow')),
        h('button', { type: 'button', class: 'secondary', onclick: back }, t('declare.goBack'))));
    replaceChildren(confirmation,
      h('h2', { id: 'confirm-heading', tabindex: '-1' }, t('declare.check')),
      h('div', { class: 'card' },
        h('dl', { class: 'facts' },
          h('dt', {}, t('declare.factHappened')), h('dd', {}, type ? type.label : input.type),
          h('dt', {}, t('declare.factSeverity')), h('dd', {}, severity ? severity.label : String(input.severity)),
          h('dt', {}, t('declare.factTitle')), h('dd', {}, input.title),
          h('dt', {}, t('declare.factKnown')), h('dd', { class: 'statement-body' }, input.summary),
          input.location ? [h('dt', {}, t('declare.factLocation')), h('dd', {}, input.location)] : null)),
      whoIsTold(policy, severity),
      h('p', {}, t('declare.acknowledgeWithin', { within: describeDuration(policy.acknowledgement.backupAfter) })),
      h('h3', {}, t('declare.deadlinesStart')),
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

/** Who the severity tells at once, grouped by how the policy tells them (email and text, or email only). */
function whoIsTold(policy, severity) {
  const groups = new Map();
  for (const role of severity.recipients) {
    const channels = [...(severity.channels?.[role] || ['EMAIL', 'SMS'])].sort().join('+');
    groups.set(channels, [...(groups.get(channels) || []), roleTitle(policy, role)]);
  }
  const heading = (channels) => t(channels === 'EMAIL+SMS' ? 'declare.toldBoth' : channels === 'EMAIL' ? 'declare.toldEmail' : 'declare.toldSms');
  return [...groups].flatMap(([channels, roles]) => [h('h3', {}, heading(channels)), h('p', { class: 'recipients' }, `${roles.join(', ')}.`)]);
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
