// Staff page for Goal 1's engagement sessions: schedule a session of a plan
// (POST /api/plans/:id/sessions), list the plan's sessions, record a started
// session's attendance by group (POST /api/sessions/:id/attendance), cancel
// a scheduled one, and turn a held session's follow-ups into action items of
// its plan (POST /api/sessions/:id/follow-ups: goal, title, owner, sponsor,
// due date; the API's refusals show next to the field they name). The words
// and the policy's groups come from the server on <main data-words data-groups>.
import { h, api, field, replaceChildren, mainData, onSubmit, showFormSuccess, showPageError, requireSignIn, formatDate, formatDateTime } from './lib.js';

const words = JSON.parse(mainData('words') || '{}');
const groups = JSON.parse(mainData('groups') || '[]');
const form = document.getElementById('schedule-session');
const list = document.getElementById('session-list');
const planSelect = document.getElementById('planId');

/** A datetime-local value (the browser's local time) as an ISO instant with offset. */
const instant = (value) => (value ? new Date(value).toISOString() : '');

function attendanceForm(session) {
  const formEl = h('form', { class: 'attendance-form', 'data-session': session.id, novalidate: true },
    h('h4', {}, words.attendanceHeading),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    groups.map((g) => {
      const id = `count-${session.id}-${g.key}`;
      return h('div', { class: 'field' },
        h('label', { for: id }, g.label),
        h('input', { type: 'number', min: '0', step: '1', id, name: g.key, value: String(session.attendance?.[g.key] ?? 0), inputmode: 'numeric' }));
    }),
    h('div', { class: 'field' },
      h('label', { for: `notes-${session.id}` }, words.notes),
      h('textarea', { id: `notes-${session.id}`, name: 'notes' }, session.notes || '')),
    h('button', { type: 'submit' }, words.record));
  onSubmit(formEl, async () => {
    const counts = groups.map((g) => ({ group: g.key, count: Number(formEl.elements[g.key].value || 0) }));
    const held = await api('POST', `/api/sessions/${encodeURIComponent(session.id)}/attendance`, { counts, notes: formEl.elements.notes.value });
    showFormSuccess(formEl, words.recorded);
    // Held now: its follow-ups can be recorded.
    const card = formEl.closest('article');
    if (card && !card.querySelector('.follow-ups')) card.appendChild(await followUpSection(held));
  });
  return formEl;
}

/** The goals and the people of a plan, for the follow-up forms; asked once per plan. */
const planChoices = new Map();
function choicesFor(planId) {
  if (!planChoices.has(planId)) {
    const loading = Promise.all([
      api('GET', `/api/plans/${encodeURIComponent(planId)}`),
      api('GET', `/api/plans/${encodeURIComponent(planId)}/people`),
    ]).then(([plan, { people }]) => ({ goals: plan.goals, people }));
    loading.catch(() => planChoices.delete(planId));
    planChoices.set(planId, loading);
  }
  return planChoices.get(planId);
}

const itemLink = (planId, item) =>
  h('a', { href: `/plans/${encodeURIComponent(planId)}/items/${encodeURIComponent(item.id)}` }, item.title);

/** A held session's follow-ups, each an action item of the plan, and the form that adds one. */
async function followUpSection(session) {
  const { goals, people } = await choicesFor(session.planId);
  const prefix = `follow-up-${session.id}`;
  const list = h('ul', { class: 'follow-up-list' },
    session.followUps.map((item) => h('li', {}, itemLink(session.planId, item), ' ', words.followUpDue.replace('{{date}}', formatDate(item.dueAt)))));
  const personOptions = () => [
    h('option', { value: '' }, words.followUpChoosePerson),
    people.map((p) => h('option', { value: p.id }, p.organisation ? `${p.name} (${p.title}, ${p.organisation})` : `${p.name} (${p.title})`)),
  ];
  const formEl = h('form', { class: 'follow-up-form', novalidate: true },
    h('h5', {}, words.followUpAdd),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: words.followUpGoal, control: h('select', { name: 'goalNumber', id: `${prefix}-goal`, required: true },
      goals.map((g) => h('option', { value: String(g.number) }, `${g.number}. ${g.title}`))) }),
    field({ label: words.followUpTitle, control: h('input', { name: 'title', id: `${prefix}-title`, required: true, maxlength: '200' }) }),
    field({ label: words.followUpDescription, control: h('textarea', { name: 'description', id: `${prefix}-description`, maxlength: '2000' }) }),
    field({ label: words.followUpOwner, hint: words.followUpOwnerHint, control: h('select', { name: 'ownerId', id: `${prefix}-owner`, required: true }, personOptions()) }),
    field({ label: words.followUpSponsor, hint: words.followUpSponsorHint, control: h('select', { name: 'sponsorId', id: `${prefix}-sponsor`, required: true }, personOptions()) }),
    field({ label: words.followUpDueAt, hint: words.followUpDueAtHint, control: h('input', { type: 'date', name: 'dueAt', id: `${prefix}-due`, required: true }) }),
    h('button', { type: 'submit' }, words.followUpSubmit));
  onSubmit(formEl, async () => {
    const el = formEl.elements;
    const item = await api('POST', `/api/sessions/${encodeURIComponent(session.id)}/follow-ups`, {
      goalNumber: Number(el.goalNumber.value),
      title: el.title.value,
      description: el.description.value,
      ownerId: el.ownerId.value,
      sponsorId: el.sponsorId.value,
      dueAt: el.dueAt.value,
    });
    list.appendChild(h('li', {}, itemLink(session.planId, item), ' ', words.followUpDue.replace('{{date}}', formatDate(item.dueAt))));
    formEl.reset();
    showFormSuccess(formEl, `${words.followUpCreated} ${item.title}`);
  });
  return h('section', { class: 'follow-ups', 'aria-labelledby': `${prefix}-heading` },
    h('h4', { id: `${prefix}-heading` }, words.followUpHeading),
    h('p', { class: 'small muted' }, words.followUpLede),
    list,
    formEl);
}

async function sessionCard(session) {
  const started = Date.parse(session.startsAt) <= Date.now();
  const cancel = h('button', { type: 'button', class: 'secondary' }, words.cancel);
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      await api('POST', `/api/sessions/${encodeURIComponent(session.id)}/cancel`, { reason: words.cancelReason });
      await loadSessions();
    } catch (err) {
      cancel.disabled = false;
      showPageError(list, err);
    }
  });
  return h('article', { class: 'card', id: `staff-session-${session.id}` },
    h('h3', {}, session.title, ' ', h('span', { class: 'badge' }, session.status)),
    h('p', {}, formatDateTime(session.startsAt), ' – ', formatDateTime(session.endsAt)),
    session.place ? h('p', {}, session.place) : null,
    session.status === 'SCHEDULED' && !started ? cancel : null,
    session.status !== 'CANCELLED' && started ? attendanceForm(session) : null,
    session.status === 'HELD' ? await followUpSection(session) : null);
}

async function loadSessions() {
  const planId = planSelect.value;
  if (!planId) return replaceChildren(list, h('p', {}, words.noSessions));
  const { sessions } = await api('GET', `/api/plans/${encodeURIComponent(planId)}/sessions`);
  replaceChildren(list, sessions.length ? await Promise.all(sessions.map(sessionCard)) : h('p', {}, words.noSessions));
}

async function main() {
  await requireSignIn();
  const { plans } = await api('GET', '/api/plans');
  replaceChildren(planSelect, plans.map((p) => h('option', { value: p.id }, p.title)));
  planSelect.addEventListener('change', () => loadSessions().catch((err) => showPageError(list, err)));
  onSubmit(form, async () => {
    const el = form.elements;
    const body = {
      title: el.title.value,
      description: el.description.value,
      startsAt: instant(el.startsAt.value),
      endsAt: instant(el.endsAt.value),
      languages: [...form.querySelectorAll('input[name="languages"]:checked')].map((c) => c.value),
      accessibilityNotes: el.accessibilityNotes.value,
      ...(el.place.value.trim() ? { place: el.place.value } : {}),
      ...(el.onlineUrl.value.trim() ? { onlineUrl: el.onlineUrl.value.trim() } : {}),
    };
    const session = await api('POST', `/api/plans/${encodeURIComponent(planSelect.value)}/sessions`, body);
    showFormSuccess(form, `${words.scheduled} ${session.title}`);
    await loadSessions();
  });
  await loadSessions();
}

main().catch((err) => showPageError(list, err));
