// The approval queue: every statement waiting for my decision, across
// incidents, soonest deadline first, with the time left, the approvals given
// and still to come; approve, send back with a comment, or revise and approve
// in one step. Below it, what else is in approval and whom it waits for. The
// page refreshes itself; a form someone is filling in is never rebuilt.
import {
  h, api, ApiError, requireSignIn, replaceChildren, fetchPolicy, roleTitle, badge, countdown, resetCountdowns,
  timeEl, formatDateTime, refreshEvery, showPageError, plainMessage, t, language,
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
    h('section', { 'aria-labelledby': 'mine-heading' }, h('h2', { id: 'mine-heading' }, t('approvals.mine')), slots.mine),
    h('section', { 'aria-labelledby': 'others-heading' }, h('h2', { id: 'others-heading' }, t('approvals.others')), slots.others));
  await render();
  refreshEvery(REFRESH_MS, render);
}

async function render() {
  const lang = `&lang=${encodeURIComponent(language)}`;
  const [mine, everyone] = await Promise.all([api('GET', `/api/approvals?awaiting=me${lang}`), api('GET', `/api/approvals?awaiting=anyone${lang}`)]);
  resetCountdowns();
  renderMine(mine);
  renderOthers(everyone.statements.filter((s) => !s.mine), everyone.unavailable);
}

/** "the City Manager", "nobody else: your approval publishes it". */
const rolesInWords = (roles) => roles.map((role) => t('roles.the', { role: roleTitle(policy, role) })).join(t('chain.or'));

function deadlineFacts(s) {
  if (!s.deadline) return [h('dt', {}, t('approvals.deadline')), h('dd', {}, t('approvals.noDeadline'))];
  const d = s.deadline;
  return [
    h('dt', {}, t('approvals.deadline')),
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
    replaceChildren(slots.mine, h('p', { id: 'nothing-waiting' }, t('approvals.nothing')));
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
      h('dt', {}, t('approvals.incident')),
      h('dd', {}, h('a', { href: `/console/incidents/${encodeURIComponent(s.incident.number)}` }, `${s.incident.number}: ${s.incident.title}`),
        t('approvals.severity', { severity: s.incident.severity })),
      ...deadlineFacts(s),
      h('dt', {}, t('approvals.version')),
      h('dd', {}, t('approvals.writtenBy', { version: s.version, author: s.author.name || t('approvals.someone') }), timeEl(s.writtenAt)),
      h('dt', {}, t('approvals.waitingSince')),
      h('dd', {}, step.since ? timeEl(step.since) : '—', s.escalatesAt ? h('span', { class: 'small' }, t('approvals.escalates', { date: formatDateTime(s.escalatesAt) })) : null),
      h('dt', {}, t('approvals.approvedSoFar')),
      h('dd', {}, s.approved.length
        ? s.approved.map((a) => `${roleTitle(policy, a.decidedAs)}${a.approverName ? ` (${a.approverName})` : ''}`).join('; ')
        : t('approvals.nobodyYet')),
      h('dt', {}, t('approvals.stillToCome')),
      h('dd', { class: 'still-to-come' }, s.stillToCome.length
        ? s.stillToCome.map((x) => stepLabel(policy, x)).join(t('approvals.then'))
        : t('approvals.publishes'))),
    step.standIn
      ? h('p', { class: 'card callout' }, step.revisedBy
        ? t('approvals.revisedBy', { name: step.revisedBy.name || t('approvals.theApprover'), role: roleTitle(policy, step.role) })
        : t('approvals.inPlaceOf', { role: roleTitle(policy, step.role) }))
      : null,
    h('div', { class: 'statement-body' }, s.body),
    Object.entries(s.translations || {}).map(([code, text]) => h('div', { class: 'statement-translation', lang: code },
      h('h4', {}, text.title), h('div', { class: 'statement-body' }, text.body))));
}

function renderActions(el, s) {
  const key = `${s.version}:${s.awaiting.role}:${s.canReviseAndApprove}`;
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  const as = s.awaiting.standIn
    ? t('chain.asInPlaceOf', { as: roleTitle(policy, s.awaiting.roles.find((role) => me.roles.includes(role)) || s.awaiting.role), role: roleTitle(policy, s.awaiting.role) })
    : roleTitle(policy, s.awaiting.role);
  const done = (what) => afterAction(t(`approvals.done.${what}`, { title: s.title, number: s.incident.number }));
  replaceChildren(el,
    decisionForm({ id: s.statementId, version: s.version, as, author: s.author.name, onDone: done }),
    s.canReviseAndApprove
      ? reviseAndApproveForm({
        id: s.statementId, version: s.version, title: s.title, body: s.body, translations: s.translations, nextDecider: rolesInWords(s.revisionApprovedBy), onDone: done,
      })
      : null);
}

async function afterAction(message) {
  replaceChildren(slots.status, h('div', { class: 'success-summary', tabindex: '-1' }, message, t('approvals.audited')));
  await render();
  slots.status.firstChild.focus();
}

function renderOthers(statements, unavailable) {
  const rows = statements.map((s) =>
    h('tr', {},
      h('td', { 'data-label': t('approvals.colStatement') }, h('a', { href: `/console/incidents/${encodeURIComponent(s.incident.number)}#statement-${s.statementId}` }, s.title ?? s.kindLabel),
        h('span', { class: 'small muted' }, t('approvals.kindVersion', { kind: s.kindLabel, version: s.version }))),
      h('td', { 'data-label': t('approvals.colIncident') }, s.incident.number),
      h('td', { 'data-label': t('approvals.colWaitingFor') }, stepLabel(policy, s.awaiting)),
      h('td', { 'data-label': t('approvals.colTimeLeft') }, s.deadline && s.deadline.status === 'OPEN' ? countdown(s.deadline.dueAt) : s.deadline ? badge(s.deadline.status) : '—')));
  const columns = [t('approvals.colStatement'), t('approvals.colIncident'), t('approvals.colWaitingFor'), t('approvals.colTimeLeft')];
  replaceChildren(slots.others,
    rows.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'other-approvals-table' },
        h('caption', { class: 'visually-hidden' }, t('approvals.othersCaption')),
        h('thead', {}, h('tr', {}, columns.map((text) => h('th', { scope: 'col' }, text)))),
        h('tbody', {}, rows)))
      : h('p', {}, t('approvals.nothingElse')),
    unavailable ? h('p', { class: 'small muted' }, t('approvals.unavailable', { count: unavailable })) : null);
}

start().catch((err) => {
  if (err instanceof ApiError && err.status === 403) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, plainMessage(err)), h('p', {}, h('a', { href: '/console' }, t('common.backHome')))));
  } else showPageError(root, err);
});
