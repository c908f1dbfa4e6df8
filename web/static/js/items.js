// "My items": the action items this person owns, with due dates and a
// progress form each; below, the items they sponsor (read only).
import {
  h, api, requireSignIn, replaceChildren, onSubmit, showFormSuccess, field, badge,
  formatDate, describeRemaining, showPageError, statusLabel, t,
} from './lib.js';

const root = document.getElementById('items');
const STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'BLOCKED', 'DONE'];

let data = { items: [], sponsored: [] };
const cards = new Map();

async function start() {
  await requireSignIn();
  await load();
}

async function load() {
  data = await api('GET', '/api/me/items');
  render();
}

function dueLine(item) {
  if (item.status === 'DONE') return h('span', {}, statusLabel('DONE'), item.completedAt ? ` ${formatDate(item.completedAt)}` : '');
  const { text, overdue } = describeRemaining(item.dueAt);
  return h('span', { class: overdue ? 'countdown overdue' : 'countdown' }, t('items.due', { date: formatDate(item.dueAt), remaining: text }));
}

function itemInfo(item) {
  return [
    h('h3', { id: `item-${item.id}-title` }, item.title),
    h('p', {}, badge(item.status), ' ', h('strong', {}, t('items.percent', { percent: item.percentComplete })), ' · ', dueLine(item)),
    h('span', { class: 'progress', role: 'img', 'aria-label': t('items.percentLabel', { percent: item.percentComplete }) }, fill(item.percentComplete)),
    item.description ? h('p', { class: 'small' }, item.description) : null,
    h('p', { class: 'small muted' }, t('items.goalSponsor', { goal: item.goalNumber, sponsor: item.sponsor.name })),
  ];
}

function fill(pct) {
  const span = h('span');
  span.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return span;
}

function progressForm(item) {
  const id = item.id;
  const status = h('select', { name: 'status', id: `status-${id}` },
    STATUSES.map((s) => h('option', { value: s, selected: s === item.status ? true : null }, statusLabel(s))));
  const percent = h('input', { type: 'number', name: 'percentComplete', id: `percent-${id}`, min: '0', max: '100', step: '5', value: String(item.percentComplete), inputmode: 'numeric' });
  const note = h('textarea', { name: 'note', id: `note-${id}`, rows: '3', maxlength: '2000' });
  const form = h('form', { class: 'progress-form', novalidate: true, 'aria-label': t('items.formLabel', { title: item.title }) },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('items.status'), control: status }),
    field({ label: t('items.percentField'), hint: t('items.percentHint'), control: percent }),
    field({ label: t('items.note'), hint: t('items.noteHint'), control: note }),
    h('button', { type: 'submit' }, t('items.post')));
  onSubmit(form, async () => {
    const body = { note: note.value, status: status.value };
    if (percent.value !== '') body.percentComplete = Number(percent.value);
    await api('POST', `/api/plans/${encodeURIComponent(item.planId)}/items/${encodeURIComponent(id)}/progress`, body);
    note.value = '';
    showFormSuccess(form, t('items.posted'));
    await load();
  });
  return form;
}

function render() {
  const { items, sponsored } = data;
  const sections = [];
  if (!items.length) sections.push(h('p', {}, t('items.none')));
  for (const item of items) {
    let card = cards.get(item.id);
    if (!card) {
      card = { root: h('article', { class: 'card item', id: `item-${item.id}`, 'aria-labelledby': `item-${item.id}-title` }), info: h('div'), form: h('div') };
      card.root.append(card.info, card.form);
      cards.set(item.id, card);
    }
    card.root.classList.toggle('alert', item.overdue);
    replaceChildren(card.info, ...itemInfo(item));
    // The form is kept across reloads so a half-written note survives.
    if (item.status === 'DONE') replaceChildren(card.form);
    else if (!card.form.firstChild) replaceChildren(card.form, h('details', { open: item.overdue ? true : null }, h('summary', {}, t('items.post')), progressForm(item)));
    sections.push(card.root);
  }
  if (sponsored && sponsored.length) {
    sections.push(h('section', { 'aria-labelledby': 'sponsored-heading' },
      h('h2', { id: 'sponsored-heading' }, t('items.sponsored')),
      h('ul', { class: 'plain-list' }, sponsored.map((i) => h('li', { class: i.overdue ? 'overdue' : '' },
        h('strong', {}, i.title), t('items.owner', { name: i.owner.name, group: i.owner.organisation || t('items.noGroup') }), dueLine(i), ' ', badge(i.status))))));
  }
  replaceChildren(root, ...sections);
}

start().catch((err) => showPageError(root, err));
