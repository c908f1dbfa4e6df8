// The approval queue: every statement waiting for my decision, across
// incidents, soonest deadline first, with the time left, the approvals given
// and still to come; approve, send back with a comment, or revise and approve
// in one step. Below it, what else is in approval and whom it waits for. The
// page refreshes itself; a form someone is filling in is never rebuilt.
import {
  h, api, ApiError, requireSignIn, replaceChildren, fetchPolicy, roleTitle, badge, countdown, resetCountdowns,
  timeEl, formatDateTime, refreshEvery, showPageError, plainMessage,
} from './lib.js';
import { decisionForm, reviseAndApproveForm, stepLabel } from './statementForms.js';

const root = document.getElementById('approvals');
const REFRESH_MS = 8000;

let me = null;
let policy = null;

const slots = {
  status: h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' }),
  mine: h('div', { id: 'my-approvals' }),
  others: h('div', { id: 'other-approvals' }),
};
/** One card per statement waiting for me: its facts are redrawn on refresh, its forms only when what they act on changes. */
const cards = new Map();

async function start() {
  me = await requireSignIn();
  policy = await fetchPolicy();
  replaceChildren(root,
    slots.status,
    h('section', { 'aria-labelledby': 'mine-heading' }, h('h2', { id: 'mine-heading' }, 'Waiting for your decision'), slots.mine),
    h('section', { 'aria-labelledby': 'others-heading' }, h('h2', { id: 'others-heading' }, 'Also in approval'), slots.others));
  await render();
  refreshEvery(REFRESH_MS, render);
}

async function render() {
  const [mine, everyone] = await Promise.all([api('GET', '/api/approvals?awaiting=me'), api('GET', '/api/approvals?awaiting=anyone')]);
  resetCountdowns();
  renderMine(mine);
  renderOthers(everyone.statements.filter((s) => !s.mine), everyone.unavailable);
}

/** "the City Manager", "nobody else: your approval publishes it". */
const rolesInWords = (roles) => roles.map((role) => `the ${roleTitle(policy, role)}`).join(' or ');

function deadlineFacts(s) {
  if (!s.deadline) return [h('dt', {}, 'Deadline'), h('dd', {}, 'None: this statement answers no open deadline.')];
  const d = s.deadline;
  return [
    h('dt', {}, 'Deadline'),
    h('dd', { class: 'deadline' }, `${d.title}: `, d.status === 'OPEN' ? countdown(d.dueAt) : badge(d.status), ' (', timeEl(d.dueAt), ')'),
  ];
}

function renderMine({ statements }) {
  const seen = new Set();
  for (const s of statements) {
    seen.add(s.statementId);
    let card = cards.get(s.statementId);
    if (!card) {
      card = {
        root: h('article', { class: 'card statement', id: `statement-${s.statementId}`, 'aria-labelledby': `statement-${s.statementId}-title` }),
        info: h('div'),
        actions: h('div'),
      };
      card.root.append(card.info, card.actions);
      cards.set(s.statementId, card);
    }
    renderInfo(card.info, s);
    renderActions(card.actions, s);
  }
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.root.remove();
      cards.delete(id);
    }
  }
  if (!statements.length) {
    replaceChildren(slots.mine, h('p', { id: 'nothing-waiting' }, 'Nothing is waiting for your decision.'));
    return;
  }
  const wanted = statements.map((s) => cards.get(s.statementId).root);
  if (wanted.some((c, i) => slots.mine.children[i] !== c) || slots.mine.children.length !== wanted.length) {
    for (const child of [...slots.mine.children]) if (!wanted.includes(child)) child.remove();
    wanted.forEach((c) => slots.mine.append(c));
  }
}

function renderInfo(el, s) {
  const step = s.awaiting;
  replaceChildren(el,
    h('h3', { id: `statement-${s.statementId}-title` }, `${s.kindLabel}: ${s.title}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Incident'),
      h('dd', {}, h('a', { href: `/console/incidents/${encodeURIComponent(s.incident.number)}` }, `${s.incident.number}: ${s.incident.title}`),
        ` (severity ${s.incident.severity})`),
      ...deadlineFacts(s),
      h('dt', {}, 'Version'),
      h('dd', {}, `${s.version}, written by ${s.author.name || 'someone'} `, timeEl(s.writtenAt)),
      h('dt', {}, 'Waiting for you since'),
      h('dd', {}, step.since ? timeEl(step.since) : '—', s.escalatesAt ? h('span', { class: 'small' }, ` — escalated ${formatDateTime(s.escalatesAt)} if nobody decides`) : null),
      h('dt', {}, 'Approved so far'),
      h('dd', {}, s.approved.length
        ? s.approved.map((a) => `${roleTitle(policy, a.decidedAs)}${a.approverName ? ` (${a.approverName})` : ''}`).join('; ')
        : 'Nobody yet'),
      h('dt', {}, 'Still to come'),
      h('dd', { class: 'still-to-come' }, s.stillToCome.length
        ? s.stillToCome.map((x) => stepLabel(policy, x)).join(', then ')
        : 'Nothing: your approval publishes it')),
    step.standIn
      ? h('p', { class: 'card callout' }, step.revisedBy
        ? `${step.revisedBy.name || 'The approver'} revised this version and approved it. Because they wrote it, you approve it in place of the ${roleTitle(policy, step.role)}.`
        : `You approve in place of the ${roleTitle(policy, step.role)}, who wrote this version: nobody approves their own words.`)
      : null,
    h('div', { class: 'statement-body' }, s.body));
}

function renderActions(el, s) {
  const key = `${s.version}:${s.awaiting.role}:${s.canReviseAndApprove}`;
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  const as = s.awaiting.standIn
    ? `${roleTitle(policy, s.awaiting.roles.find((role) => me.roles.includes(role)) || s.awaiting.role)} in place of the ${roleTitle(policy, s.awaiting.role)}`
    : roleTitle(policy, s.awaiting.role);
  const done = (what) => afterAction(`You ${what} "${s.title}" (${s.incident.number}).`);
  replaceChildren(el,
    decisionForm({ id: s.statementId, version: s.version, as, author: s.author.name, onDone: done }),
    s.canReviseAndApprove
      ? reviseAndApproveForm({
        id: s.statementId, version: s.version, title: s.title, body: s.body, nextDecider: rolesInWords(s.revisionApprovedBy), onDone: done,
      })
      : null);
}

async function afterAction(message) {
  replaceChildren(slots.status, h('div', { class: 'success-summary', tabindex: '-1' }, message, ' It is recorded in the audit log.'));
  await render();
  slots.status.firstChild.focus();
}

function renderOthers(statements, unavailable) {
  const rows = statements.map((s) =>
    h('tr', {},
      h('td', { 'data-label': 'Statement' }, h('a', { href: `/console/incidents/${encodeURIComponent(s.incident.number)}#statement-${s.statementId}` }, s.title ?? s.kindLabel),
        h('span', { class: 'small muted' }, ` ${s.kindLabel}, version ${s.version}`)),
      h('td', { 'data-label': 'Incident' }, s.incident.number),
      h('td', { 'data-label': 'Waiting for' }, stepLabel(policy, s.awaiting)),
      h('td', { 'data-label': 'Time left' }, s.deadline && s.deadline.status === 'OPEN' ? countdown(s.deadline.dueAt) : s.deadline ? badge(s.deadline.status) : '—')));
  replaceChildren(slots.others,
    rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'other-approvals-table' },
        h('caption', { class: 'visually-hidden' }, 'Statements in approval waiting for someone else'),
        h('thead', {}, h('tr', {}, ['Statement', 'Incident', 'Waiting for', 'Time left'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows)))
      : h('p', {}, 'Nothing else is in approval.'),
    unavailable ? h('p', { class: 'small muted' }, `${unavailable} statement${unavailable === 1 ? '' : 's'} in approval could not be read just now; they will show when their workflow answers.`) : null);
}

start().catch((err) => {
  if (err instanceof ApiError && err.status === 403) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, plainMessage(err)), h('p', {}, h('a', { href: '/console' }, 'Back to the console home'))));
  } else showPageError(root, err);
});
