// Staff page for Goal 1's engagement sessions: schedule a session of a plan
// (POST /api/plans/:id/sessions), list the plan's sessions, record a started
// session's attendance by group (POST /api/sessions/:id/attendance) and cancel
// a scheduled one. The words and the policy's groups come from the server on
// <main data-words data-groups>.
import { h, api, replaceChildren, mainData, onSubmit, showFormSuccess, showPageError, requireSignIn, formatDateTime } from './lib.js';

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
    await api('POST', `/api/sessions/${encodeURIComponent(session.id)}/attendance`, { counts, notes: formEl.elements.notes.value });
    showFormSuccess(formEl, words.recorded);
  });
  return formEl;
}

function sessionCard(session) {
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
    session.status !== 'CANCELLED' && started ? attendanceForm(session) : null);
}

async function loadSessions() {
  const planId = planSelect.value;
  if (!planId) return replaceChildren(list, h('p', {}, words.noSessions));
  const { sessions } = await api('GET', `/api/plans/${encodeURIComponent(planId)}/sessions`);
  replaceChildren(list, sessions.length ? sessions.map(sessionCard) : h('p', {}, words.noSessions));
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
