// The incident board: who has acknowledged, every deadline with a countdown,
// each statement's place in its approval chain, counsel's holds, and the
// timeline. The actions each role can take (acknowledge, draft, approve,
// revise, extend, place or release a hold, withdraw, close) sit next to what
// they act on; revising and approving in one step is on the approval queue
// page. Who may hold and withdraw comes from the incident's own policy
// (detail.holds.rules). The page refreshes itself every few seconds.
import {
  h, api, ApiError, requireSignIn, may, hasRole, replaceChildren, onSubmit, showFormSuccess,
  field, fetchPolicy, roleTitle, badge, countdown, resetCountdowns, timeEl, formatDateTime, refreshEvery, mainData,
  showPageError, humanise, plainMessage, t, siteLanguages, languageNameInPage,
} from './lib.js';
import { typeLabel, statementKindLabel, holdCategoryLabel, fillTemplate, templateValues, deadlineTitle, policyIn, describeDuration } from './policy.js';
import { cityLocalToIso } from './time.js';
import { decisionForm, decidingAs, mayDecide, stepLabel, translationFields, translationLanguages } from './statementForms.js';

const number = mainData('incident');
const root = document.getElementById('board');
const REFRESH_MS = 4000;

let me = null;
let policy = null;
let detail = null;
/** The policy in each of the site's languages: the templates a draft starts from, the original's and each translation's. */
let templatePolicies = {};

// Persistent containers; forms live in keyed slots that are rebuilt only when
// what they act on changes, so a refresh never wipes what someone is typing.
const slots = {
  banner: h('div', { id: 'banner' }),
  facts: h('div', { id: 'facts' }),
  ack: h('div', { id: 'ack-slot' }),
  acks: h('div', { id: 'acks-body' }),
  deadlines: h('div', { id: 'deadlines-body' }),
  extend: h('div', { id: 'extend-slot' }),
  statements: h('div', { id: 'statements-list' }),
  draft: h('div', { id: 'draft-slot' }),
  holds: h('div', { id: 'holds-body' }),
  placeHold: h('div', { id: 'place-hold-slot' }),
  close: h('div', { id: 'close-slot' }),
  timeline: h('div', { id: 'timeline-body' }),
};
const statementCards = new Map();

function keyed(slot, key, build) {
  if (slot.dataset.key === key) return;
  slot.dataset.key = key;
  replaceChildren(slot, build());
}

async function start() {
  me = await requireSignIn();
  [policy, detail] = await Promise.all([fetchPolicy(), loadDetail()]);
  const codes = siteLanguages();
  templatePolicies = Object.fromEntries(await Promise.all(codes.map(async (code) => [code, await policyIn(code)])));
  layout();
  render();
  refreshEvery(REFRESH_MS, async () => {
    detail = await loadDetail();
    render();
  });
}

const loadDetail = () => api('GET', `/api/incidents/${encodeURIComponent(number)}`);

async function reload() {
  detail = await loadDetail();
  render();
}

function layout() {
  const section = (id, title, ...content) =>
    h('section', { 'aria-labelledby': `${id}-heading`, class: 'board-section' }, h('h2', { id: `${id}-heading` }, title), ...content);
  replaceChildren(
    root,
    slots.banner,
    slots.ack,
    slots.facts,
    section('acks', t('board.acks'), slots.acks),
    section('deadlines', t('board.deadlines'), slots.deadlines, slots.extend),
    section('statements', t('board.statements'), slots.statements, slots.draft),
    section('holds', t('board.holds'), slots.holds, slots.placeHold),
    slots.close,
    section('timeline', t('board.timeline'), h('p', { class: 'small muted' }, t('board.timelineNote')), slots.timeline),
  );
  if (new URLSearchParams(location.search).get('declared')) {
    replaceChildren(slots.banner, h('div', { class: 'success-summary', role: 'status' },
      h('strong', {}, t('board.declared')), t('board.declaredText')));
  }
}

function render() {
  const { incident } = detail;
  document.getElementById('incident-title').textContent = `${incident.number}: ${incident.title}`;
  document.title = `${incident.number}: ${incident.title} · ${t('common.consoleSuffix')}`;
  renderFacts();
  renderAckPanel();
  renderAcks();
  renderDeadlines();
  renderStatements();
  renderDraftForm();
  renderHolds();
  renderPlaceHoldForm();
  renderCloseForm();
  renderTimeline();
}

// ------------------------------------------------------------------ facts

function renderFacts() {
  const { incident, state, stateSource } = detail;
  replaceChildren(slots.facts,
    h('div', { class: 'card' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('board.status')), h('dd', {}, badge(state), stateSource === 'database' && state === 'ACTIVE'
          ? h('span', { class: 'small muted' }, t('board.notAnswering')) : null),
        h('dt', {}, t('board.type')), h('dd', {}, typeLabel(policy, incident.type)),
        h('dt', {}, t('board.severity')), h('dd', {}, policy.severities.find((s) => s.level === incident.severity)?.label || String(incident.severity)),
        h('dt', {}, t('board.declaredAt')), h('dd', {}, timeEl(incident.declaredAt)),
        incident.location ? [h('dt', {}, t('board.location')), h('dd', {}, incident.location)] : null,
        h('dt', {}, t('board.summary')), h('dd', { class: 'statement-body' }, incident.summary),
        incident.closedAt ? [h('dt', {}, t('board.closed')), h('dd', {}, timeEl(incident.closedAt), incident.closureSummary ? ` — ${incident.closureSummary}` : '')] : null),
      h('p', { class: 'actions small' },
        h('a', { href: `/incidents/${encodeURIComponent(incident.number)}` }, t('board.publicPage')),
        may(me, policy, 'readDeliveryLog')
          ? h('a', { href: `/console/deliveries?incident=${encodeURIComponent(incident.number)}` }, t('board.deliveryLog')) : null)));
}

// ------------------------------------------------------------------ acknowledgements

function myRecipient() {
  return detail.recipients.find((r) => r.personId === me.person.id);
}

function renderAckPanel() {
  const mine = myRecipient();
  const needed = mine && !mine.acknowledgedAt && detail.state === 'ACTIVE';
  keyed(slots.ack, needed ? 'needed' : mine?.acknowledgedAt ? 'done' : 'none', () => {
    if (!needed) {
      return mine?.acknowledgedAt
        ? h('p', { class: 'success-summary', role: 'status' }, t('board.youAcknowledged', { date: formatDateTime(mine.acknowledgedAt) }))
        : null;
    }
    const form = h('form', { id: 'ack-form', class: 'ack-panel', 'aria-labelledby': 'ack-heading' },
      h('h2', { id: 'ack-heading' }, t('board.pleaseAck')),
      h('p', {}, t(mine.kind === 'BACKUP' ? 'board.notifiedAsBackup' : 'board.notifiedAs', { date: formatDateTime(mine.notifiedAt), role: roleTitle(policy, mine.role) })),
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      h('button', { type: 'submit', class: 'big' }, t('board.iAcknowledge')));
    onSubmit(form, async () => {
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/acknowledgements`, {});
      await reload();
      slots.ack.querySelector('p')?.setAttribute('tabindex', '-1');
      slots.ack.querySelector('p')?.focus();
    });
    return form;
  });
}

function renderAcks() {
  const { recipients, acknowledgements } = detail;
  const nameOf = new Map(recipients.map((r) => [r.personId, r.name]));
  const rows = recipients.map((r) => {
    let status;
    if (r.acknowledgedAt) {
      status = [badge('ACK', t('status.ACK')), ' ', timeEl(r.acknowledgedAt)];
      if (r.acknowledgedBy) status.push(h('span', { class: 'small' }, ` ${t('board.onBehalf', { name: r.acknowledgedBy.name })}`));
    }
    else {
      status = [badge('SILENT', t('status.SILENT'))];
      const bits = [];
      if (r.callsPlaced) bits.push(t('board.called', { count: r.callsPlaced }));
      if (r.escalatedToBackupAt) bits.push(t('board.backupContacted', { date: formatDateTime(r.escalatedToBackupAt) }));
      if (r.reportedSilentAt) bits.push(t('board.reportedSilent', { date: formatDateTime(r.reportedSilentAt) }));
      if (bits.length) status.push(h('span', { class: 'small' }, ` ${bits.join('; ')}`));
    }
    return h('tr', { class: r.acknowledgedAt ? '' : 'silent' },
      h('td', { 'data-label': t('board.colPerson') }, r.name, r.personId === me.person.id ? t('board.you') : ''),
      h('td', { 'data-label': t('board.colRole') }, roleTitle(policy, r.role),
        r.kind === 'BACKUP' ? h('span', { class: 'small muted' }, t('board.backupFor', { name: nameOf.get(r.standsInForId) || t('board.someoneSilent') })) : ''),
      h('td', { 'data-label': t('board.colStatus') }, status),
      h('td', { 'data-label': t('board.colNotified') }, timeEl(r.notifiedAt)));
  });
  replaceChildren(slots.acks,
    h('p', {}, h('strong', {}, t('board.ackCount', { done: acknowledgements.acknowledged, expected: acknowledgements.expected })),
      t('board.ackCountAfter'),
      acknowledgements.silent.length ? t('board.stillSilent', { names: acknowledgements.silent.map((id) => nameOf.get(id) || id).join(', ') }) : ''),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'stack', id: 'acks-table' },
        h('caption', { class: 'visually-hidden' }, t('board.acksCaption')),
        h('thead', {}, h('tr', {}, [t('board.colPerson'), t('board.colRole'), t('board.colStatus'), t('board.colNotified')].map((text) => h('th', { scope: 'col' }, text)))),
        h('tbody', {}, rows))));
}

// ------------------------------------------------------------------ deadlines

function deadlineStatus(d) {
  if (d.heldSince) {
    return [d.status === 'MISSED' ? [badge('MISSED'), ' '] : null, badge('HELD'), h('span', { class: 'small' }, ` ${t('board.heldSince', { date: formatDateTime(d.heldSince) })}`)];
  }
  if (d.status === 'OPEN' && d.overdue) return badge('MISSED', t('board.overdue'));
  if (d.status === 'MET' && d.metAt) return [badge('MET'), h('span', { class: 'small' }, ` ${formatDateTime(d.metAt)}`)];
  return badge(d.status);
}

function renderDeadlines() {
  resetCountdowns();
  const rows = detail.deadlines.map((d) =>
    h('tr', { class: d.overdue ? 'overdue' : d.heldSince ? 'held' : '', 'data-deadline': d.key },
      h('td', { 'data-label': t('board.colDeadline') }, h('strong', {}, deadlineTitle(policy, d)),
        d.extensions.length ? h('span', { class: 'small' }, t('board.extendedFrom', { date: formatDateTime(d.originalDueAt), reason: d.extensions[d.extensions.length - 1].reason })) : ''),
      h('td', { 'data-label': t('board.colDue') }, timeEl(d.dueAt)),
      h('td', { 'data-label': t('board.colTimeLeft') }, d.status === 'OPEN' && !d.heldSince ? countdown(d.dueAt) : d.heldSince ? t('board.pausedByHold') : '—'),
      h('td', { 'data-label': t('board.colStatus') }, deadlineStatus(d))));
  const overdue = detail.deadlines.filter((d) => d.overdue).length;
  replaceChildren(slots.deadlines,
    overdue ? h('p', { class: 'card alert' }, h('strong', {}, t('board.overdueCount', { count: overdue }))) : null,
    rows.length
      ? h('div', { class: 'table-wrap' },
        h('table', { class: 'stack', id: 'deadlines-table' },
          h('caption', { class: 'visually-hidden' }, t('board.deadlinesCaption')),
          h('thead', {}, h('tr', {}, [t('board.colDeadline'), t('board.colDue'), t('board.colTimeLeft'), t('board.colStatus')].map((text) => h('th', { scope: 'col' }, text)))),
          h('tbody', {}, rows)))
      : h('p', {}, t('board.noDeadlines')));
  renderExtendForm();
}

function renderExtendForm() {
  const open = detail.deadlines.filter((d) => d.status === 'OPEN');
  const allowed = detail.state === 'ACTIVE' && open.length > 0 && may(me, policy, 'extendDeadlines');
  keyed(slots.extend, allowed ? `extend:${open.map((d) => d.key).join(',')}` : 'none', () => {
    if (!allowed) return null;
    const select = h('select', { name: 'deadlineKey', id: 'extend-deadline' },
      open.map((d) => h('option', { value: d.key }, t('board.deadlineOption', { title: deadlineTitle(policy, d), date: formatDateTime(d.dueAt) }))));
    const form = h('form', { id: 'extend-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: t('board.colDeadline'), control: select }),
      field({ label: t('board.newDue'), hint: t('board.newDueHint', { zone: document.querySelector('meta[name="cg-time-zone"]').content }),
        control: h('input', { type: 'datetime-local', name: 'newDueAt', id: 'extend-due' }) }),
      field({ label: t('board.reason'), hint: t('board.reasonHint'),
        control: h('textarea', { name: 'reason', id: 'extend-reason', rows: '3', maxlength: '2000' }) }),
      h('button', { type: 'submit', class: 'secondary' }, t('board.extend')));
    onSubmit(form, async () => {
      const key = form.deadlineKey.value;
      const newDueAt = form.newDueAt.value ? cityLocalToIso(form.newDueAt.value) : '';
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/deadlines/${encodeURIComponent(key)}/extensions`,
        { newDueAt, reason: form.reason.value });
      showFormSuccess(form, t('board.extended'));
      await reload();
    });
    return h('details', { class: 'card' }, h('summary', {}, t('board.extendSummary')), form);
  });
}

// ------------------------------------------------------------------ statements

/** The version in approval now: the live workflow's, which the saved row catches up with a moment later. */
const versionNumberOf = (s) => s.live?.currentVersion ?? s.currentVersion;
const currentVersionOf = (s) => s.versions.find((v) => v.version === versionNumberOf(s)) || s.versions[s.versions.length - 1];

/** The approval chain for the statement's current version: from the live workflow, else from the saved decisions on it. */
function chainOf(s) {
  if (s.live) return { steps: s.live.chain, awaiting: s.live.awaiting, status: s.live.status };
  const steps = s.approvals
    .filter((a) => a.version === versionNumberOf(s))
    .map((a) => ({
      role: a.role,
      decision: a.decision.startsWith('APPROV') ? 'APPROVED' : 'REJECTED',
      approverId: a.approverId,
      decidedAt: a.decidedAt,
      comment: a.comment,
    }));
  return { steps, awaiting: null, status: s.status };
}

const nameOf = (s, personId) =>
  s.versions.find((v) => v.authorId === personId)?.authorName || s.approvals.find((a) => a.approverId === personId)?.approverName || t('board.someone');

function chainList(s) {
  const { steps, awaiting } = chainOf(s);
  const v = currentVersionOf(s);
  const items = [h('li', { class: 'done' }, t('chain.written', { version: versionNumberOf(s), author: v?.authorName || t('chain.itsAuthor') }))];
  for (const step of steps) {
    const label = stepLabel(policy, step);
    const revised = step.revisedBy ? t('chain.revisedBy', { name: nameOf(s, step.revisedBy) }) : '';
    const cls = step.decision === 'APPROVED' ? 'done' : step.decision === 'REJECTED' ? 'rejected' : step.role === awaiting ? 'current' : '';
    const text = step.decision === 'APPROVED' ? t('chain.approved', { label })
      : step.decision === 'REJECTED' ? t('chain.changesRequested', { label })
        : step.role === awaiting ? t('chain.waiting', { label, revised }) : t('chain.notYet', { label });
    items.push(h('li', { class: cls, 'aria-current': step.role === awaiting ? 'step' : null }, text));
  }
  const published = statusOf(s) === 'PUBLISHED' || statusOf(s) === 'WITHDRAWN';
  const held = statusOf(s) === 'APPROVED' && s.live?.heldBy;
  items.push(h('li', { class: published ? 'done' : held ? 'current' : '', 'aria-current': held ? 'step' : null },
    published ? t('chain.published') : held ? t('chain.publishHeld') : t('chain.publish')));
  return h('ol', { class: 'chain', 'aria-label': t('chain.label') }, items);
}

function renderStatements() {
  const seen = new Set();
  for (const s of detail.statements) {
    seen.add(s.id);
    let card = statementCards.get(s.id);
    if (!card) {
      card = { root: h('article', { class: 'card statement', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title` }), info: h('div'), action: h('div') };
      card.root.append(card.info, card.action);
      statementCards.set(s.id, card);
    }
    renderStatementInfo(card.info, s);
    renderStatementAction(card.action, s);
  }
  for (const [id, card] of statementCards) {
    if (!seen.has(id)) {
      card.root.remove();
      statementCards.delete(id);
    }
  }
  const cards = detail.statements.map((s) => statementCards.get(s.id).root);
  if (!cards.length) {
    replaceChildren(slots.statements, h('p', {}, t('board.noStatements')));
  } else if (cards.some((c, i) => slots.statements.children[i] !== c) || slots.statements.children.length !== cards.length) {
    // Re-order only when the set changed; appending an existing node moves it without rebuilding it.
    for (const child of [...slots.statements.children]) if (!cards.includes(child)) child.remove();
    cards.forEach((c) => slots.statements.append(c));
  }
}

/** The live workflow is ahead of the saved row for a moment after each action. */
const statusOf = (s) => (s.live && s.status !== 'PUBLISHED' ? s.live.status : s.status);

function renderStatementInfo(el, s) {
  const v = currentVersionOf(s);
  const rejections = s.approvals.filter((a) => a.comment);
  const deadline = s.deadlineKey && detail.deadlines.find((d) => d.key === s.deadlineKey);
  const status = statusOf(s);
  const signature = JSON.stringify([status, s.currentVersion, s.versions.length, s.live?.awaiting, s.live?.awaitingRoles, s.live?.currentVersion, s.approvals.length, s.publishedAt, s.live?.heldBy, s.withdrawnAt]);
  if (el.dataset.sig === signature) return;
  el.dataset.sig = signature;
  replaceChildren(el,
    h('h3', { id: `statement-${s.id}-title` }, `${statementKindLabel(policy, s.kind)}: ${v ? v.title : ''}`),
    h('p', {}, badge(status), s.publishedAt ? [' ', timeEl(s.publishedAt)] : null,
      deadline ? h('span', { class: 'small' }, t('board.meets', { deadline: deadlineTitle(policy, deadline) })) : null),
    status === 'APPROVED' && s.live?.heldBy
      ? h('p', { class: 'card callout held-statement' }, badge('HELD'), t('board.hold.heldStatement', { category: holdLabel(s.live.heldBy.category), date: formatDateTime(s.live.heldBy.placedAt) }))
      : null,
    s.withdrawnAt
      ? h('p', { class: 'card callout' }, t('board.withdraw.withdrawn', { date: formatDateTime(s.withdrawnAt) }), s.withdrawalNote || '')
      : null,
    chainList(s),
    v ? h('div', { class: 'statement-body' }, v.body) : null,
    v ? Object.entries(v.translations || {}).map(([code, text]) => h('div', { class: 'statement-translation', lang: code },
      h('h4', {}, `${languageNameInPage(code)}: ${text.title}`), h('div', { class: 'statement-body' }, text.body))) : null,
    rejections.length
      ? h('details', {}, h('summary', {}, t('board.comments', { count: rejections.length })),
        h('ul', {}, rejections.map((a) => h('li', {}, h('strong', {}, t('board.commentBy', { name: a.approverName || roleTitle(policy, a.role), role: roleTitle(policy, a.role), version: a.version })), a.comment, ' ', h('span', { class: 'small muted' }, formatDateTime(a.decidedAt))))))
      : null,
    s.versions.length > 1
      ? h('details', { class: 'version-history' }, h('summary', {}, t('board.earlier', { count: s.versions.length - 1 })),
        s.versions.filter((x) => x !== v).map((x) =>
          h('div', {}, h('h4', {}, t('board.versionTitle', { version: x.version, title: x.title })),
            h('p', { class: 'small muted' }, t('board.writtenBy', { name: x.authorName || t('board.someone') }), timeEl(x.createdAt)),
            h('div', { class: 'statement-body' }, x.body))))
      : null);
}

function renderStatementAction(el, s) {
  const status = statusOf(s);
  const version = versionNumberOf(s);
  // Decide only on text the approver can see: wait until the saved row has this version.
  const readable = s.versions.some((x) => x.version === version);
  const step = s.live?.chain.find((x) => x.role === s.live.awaiting);
  const canDecide = readable && step && mayDecide(me, s.live);
  const canRevise = status === 'CHANGES_REQUESTED' && may(me, policy, 'draftStatements');
  const canWithdraw = status === 'PUBLISHED' && hasRole(me, ...detail.holds.rules.withdrawBy);
  const key = canDecide ? `decide:${version}:${step.role}` : canRevise ? `revise:${version}` : canWithdraw ? 'withdraw' : 'none';
  keyed(el, key, () => {
    if (canRevise) return reviseForm(s);
    if (canWithdraw) return withdrawForm(s);
    if (!canDecide) return null;
    const as = step.standIn
      ? t('chain.asInPlaceOf', { as: roleTitle(policy, decidingAs(me, step)), role: roleTitle(policy, step.role) })
      : roleTitle(policy, step.role);
    return [
      decisionForm({ id: s.id, version, as, author: currentVersionOf(s)?.authorName, onDone: reload }),
      h('p', { class: 'small' }, t('board.useQueue'),
        h('a', { href: `/console/approvals#statement-${s.id}` }, t('board.approvalQueue')), '.'),
    ];
  });
}

function reviseForm(s) {
  const v = currentVersionOf(s);
  const others = translationFields(`revise-${s.id}`, v?.translations);
  const form = h('form', { class: 'revise-form', novalidate: true },
    h('h4', {}, t('board.reviseHeading')),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('statement.title'), control: h('input', { type: 'text', name: 'title', id: `revise-title-${s.id}`, maxlength: '200', value: v?.title || '' }) }),
    field({ label: t('statement.body'), control: h('textarea', { name: 'body', id: `revise-body-${s.id}`, rows: '10', maxlength: '20000' }, v?.body || '') }),
    others.elements,
    h('button', { type: 'submit' }, t('board.sendRevision')));
  onSubmit(form, async () => {
    const translations = others.read();
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/statements`, {
      statementId: s.id, title: form.title.value, body: form.body.value, ...(translations ? { translations } : {}),
    });
    await reload();
  });
  return form;
}

function withdrawForm(s) {
  const form = h('form', { class: 'withdraw-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('board.withdraw.noteLabel'), hint: t('board.withdraw.noteHint'),
      control: h('textarea', { name: 'note', id: `withdraw-note-${s.id}`, rows: '3', maxlength: '2000' }) }),
    h('button', { type: 'submit', class: 'secondary' }, t('board.withdraw.button')));
  onSubmit(form, async () => {
    await api('POST', `/api/statements/${encodeURIComponent(s.id)}/withdraw`, { note: form.note.value });
    await reload();
  });
  return h('details', { class: 'card' }, h('summary', {}, t('board.withdraw.summary')), form);
}

// ------------------------------------------------------------------ counsel's holds

/** A hold category in the page's language, by its key; the API's name for one the catalogue lacks. */
const holdLabel = (category) =>
  holdCategoryLabel(category, detail.holds.rules.categories.find((c) => c.key === category)?.label || detail.holds.list.find((x) => x.category === category)?.categoryLabel || humanise(category));

function holdScopeText(hold) {
  if (hold.scope === 'ALL') return t('board.hold.scopeAll');
  if (hold.scope === 'STATEMENT_KIND') return t('board.hold.scopeKind', { kind: statementKindLabel(policy, hold.statementKind).toLowerCase() });
  const s = detail.statements.find((x) => x.id === hold.statementId);
  return s ? t('board.hold.scopeStatement', { title: currentVersionOf(s)?.title || statementKindLabel(policy, s.kind) }) : t('board.hold.scopeOne');
}

function renderHolds() {
  const { rules, list } = detail.holds;
  const signature = JSON.stringify([list.map((x) => [x.holdId, x.status]), rules.available]);
  if (slots.holds.dataset.sig === signature) return;
  slots.holds.dataset.sig = signature;
  if (!rules.available && !list.length) {
    replaceChildren(slots.holds, h('p', { class: 'small muted' }, t('board.hold.none')));
    return;
  }
  const mayRelease = hasRole(me, ...rules.releaseBy);
  replaceChildren(slots.holds,
    h('p', { class: 'small' }, t('board.hold.explainStops'),
      t('board.hold.explainPublic', { duration: rules.maxDuration ? describeDuration(rules.maxDuration) : t('board.hold.planTime') })),
    list.length
      ? h('ul', { class: 'holds', id: 'holds-list' }, list.map((hold) =>
        h('li', { class: hold.status === 'ACTIVE' ? 'held' : '', id: `hold-${hold.holdId}` },
          badge(hold.status === 'ACTIVE' ? 'HELD' : hold.status), ' ',
          h('strong', {}, `${holdScopeText(hold)}: ${holdLabel(hold.category)}`),
          h('div', { class: 'small' }, t('board.hold.placedBy', { name: hold.placedByName || t('board.someone') }), timeEl(hold.placedAt),
            hold.status === 'ACTIVE' ? [t('board.hold.lapses'), timeEl(hold.lapsesAt)] : hold.endedAt
              ? [hold.status === 'LAPSED' ? t('board.hold.lapsed') : t('board.hold.releasedBy', { name: hold.endedByName || t('board.someone') }), timeEl(hold.endedAt)] : null),
          hold.detail !== null ? h('div', { class: 'small' }, h('strong', {}, t('board.hold.detail')), hold.detail) : null,
          hold.endNote ? h('div', { class: 'small' }, h('strong', {}, t('board.hold.releaseNote')), hold.endNote) : null,
          hold.status === 'ACTIVE' && mayRelease ? releaseForm(hold) : null)))
      : h('p', {}, t('board.hold.nothingHeld')));
}

function releaseForm(hold) {
  const form = h('form', { class: 'release-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('board.hold.noteForStaff'), control: h('textarea', { name: 'note', id: `release-note-${hold.holdId}`, rows: '2', maxlength: '2000' }) }),
    h('button', { type: 'submit', class: 'secondary' }, t('board.hold.release')));
  onSubmit(form, async () => {
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/holds/${encodeURIComponent(hold.holdId)}/release`, { note: form.note.value });
    await reload();
  });
  return h('details', {}, h('summary', {}, t('board.hold.release')), form);
}

function renderPlaceHoldForm() {
  const { rules } = detail.holds;
  const unpublished = detail.statements.filter((s) => !['PUBLISHED', 'WITHDRAWN'].includes(statusOf(s)));
  const allowed = rules.available && hasRole(me, ...rules.placeBy);
  keyed(slots.placeHold, allowed ? `place:${unpublished.map((s) => s.id).join(',')}` : 'none', () => {
    if (!allowed) return null;
    const scope = h('select', { name: 'scope', id: 'hold-scope' },
      h('option', { value: 'ALL' }, t('board.hold.scopeAll')),
      h('optgroup', { label: t('board.hold.kindGroup') },
        policy.statementKinds.map((k) => h('option', { value: `STATEMENT_KIND:${k.key}` }, t('board.hold.scopeKind', { kind: k.label.toLowerCase() })))),
      unpublished.length
        ? h('optgroup', { label: t('board.hold.statementGroup') },
          unpublished.map((s) => h('option', { value: `STATEMENT:${s.id}` }, `${statementKindLabel(policy, s.kind)}: ${currentVersionOf(s)?.title || ''}`)))
        : null);
    const category = h('select', { name: 'category', id: 'hold-category' }, rules.categories.map((c) => h('option', { value: c.key }, holdLabel(c.key))));
    const form = h('form', { id: 'place-hold-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: t('board.hold.scopeLabel'), control: scope }),
      field({ label: t('board.hold.reasonLabel'), hint: t('board.hold.reasonHint'), control: category }),
      field({ label: t('board.hold.detailLabel'), hint: t('board.hold.detailHint'),
        control: h('textarea', { name: 'detail', id: 'hold-detail', rows: '3', maxlength: '2000' }) }),
      h('button', { type: 'submit' }, t('board.hold.place')));
    onSubmit(form, async () => {
      const [kind, value] = form.scope.value.split(':');
      const body = {
        scope: kind === 'ALL' ? { kind } : kind === 'STATEMENT_KIND' ? { kind, statementKind: value } : { kind, statementId: value },
        category: form.category.value,
        detail: form.detail.value,
      };
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/holds`, body);
      showFormSuccess(form, t('board.hold.placed'));
      await reload();
    });
    return h('details', { class: 'card', id: 'place-hold-card' }, h('summary', {}, t('board.hold.placeSummary')), form);
  });
}

function renderDraftForm() {
  const allowed = detail.state === 'ACTIVE' && may(me, policy, 'draftStatements');
  keyed(slots.draft, allowed ? 'draft' : 'none', () => (allowed ? draftForm() : null));
}

/** Suggests the kind whose deadline is due soonest and has no statement in progress. */
function suggestedKind() {
  const inProgress = new Set(detail.statements.filter((s) => s.status !== 'WITHDRAWN').map((s) => s.deadlineKey).filter(Boolean));
  const next = detail.deadlines
    .filter((d) => d.status === 'OPEN' && !inProgress.has(d.key))
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const kindForDeadline = next && policy.deadlines.find((p) => p.kind === next.kind)?.statementKind;
  return kindForDeadline || policy.statementKinds[0].key;
}

/** A statement kind's template in one of the site's languages, filled in for this incident. */
function templateIn(code, kindKey) {
  const words = templatePolicies[code];
  const k = words?.statementKinds?.find((x) => x.key === kindKey);
  if (!k) return null;
  const values = templateValues(detail, words.locale);
  return { title: fillTemplate(k.template.title, values), body: fillTemplate(k.template.body, values) };
}

function draftForm() {
  let edited = false;
  const kind = h('select', { name: 'kind', id: 'draft-kind' },
    policy.statementKinds.map((k) => h('option', { value: k.key }, k.label)));
  const title = h('input', { type: 'text', name: 'title', id: 'draft-title', maxlength: '200' });
  const body = h('textarea', { name: 'body', id: 'draft-body', rows: '12', maxlength: '20000' });
  const others = translationFields('draft');
  const fillFromTemplate = () => {
    // The original starts from the plan's own words; each other language from its translation of them.
    const original = templateIn(siteLanguages()[0], kind.value);
    if (original) {
      title.value = original.title;
      body.value = original.body;
    }
    others.fill(Object.fromEntries(translationLanguages().map((code) => [code, templateIn(code, kind.value)]).filter(([, text]) => text)));
    edited = false;
  };
  kind.addEventListener('change', () => {
    if (!edited || confirm(t('board.replaceTemplate'))) fillFromTemplate();
  });
  kind.value = suggestedKind();
  fillFromTemplate();
  const form = h('form', { id: 'draft-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('board.kind'), hint: t('board.kindHint'), control: kind }),
    field({ label: t('statement.title'), control: title }),
    field({ label: t('statement.body'), control: body }),
    others.elements,
    h('button', { type: 'submit' }, t('board.sendForApproval')));
  // Typing in any of the texts keeps them from being replaced by a template without asking.
  form.addEventListener('input', (event) => {
    if (event.target !== kind) edited = true;
  });
  onSubmit(form, async () => {
    const translations = others.read();
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/statements`, {
      kind: kind.value, title: title.value, body: body.value, ...(translations ? { translations } : {}),
    });
    showFormSuccess(form, t('board.sent'));
    await reload();
    fillFromTemplate();
    kind.value = suggestedKind();
    fillFromTemplate();
  });
  return h('details', { class: 'card', id: 'draft-card', open: detail.statements.length === 0 ? true : null },
    h('summary', {}, t('board.draftNew')), form);
}

// ------------------------------------------------------------------ close

function renderCloseForm() {
  const allowed = detail.state === 'ACTIVE' && may(me, policy, 'close');
  keyed(slots.close, allowed ? 'close' : 'none', () => {
    if (!allowed) return null;
    const form = h('form', { id: 'close-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: t('board.closingSummary'), hint: t('board.closingHint'),
        control: h('textarea', { name: 'summary', id: 'close-summary', rows: '4', maxlength: '20000' }) }),
      h('button', { type: 'submit', class: 'secondary' }, t('board.closeButton')));
    onSubmit(form, async () => {
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/close`, { summary: form.summary.value });
      await reload();
    });
    return h('details', { class: 'card' }, h('summary', {}, t('board.closeSummary')), form);
  });
}

// ------------------------------------------------------------------ timeline

/** An audit action's label in the page's words (timeline.actions.<action>), or the action humanised. */
const actionLabel = (action) => (ACTIONS.has(action) ? t(`timeline.actions.${action}`) : humanise(action));
const ACTIONS = new Set([
  'incident.declared', 'incident.recipients-resolved', 'incident.acknowledged', 'incident.ack-escalated-to-backup',
  'incident.silent-reported', 'incident.closed', 'incident.after-action-report-rendered', 'incident.after-action-report-finalised',
  'deadline.created', 'deadline.extended', 'deadline.met', 'deadline.missed',
  'statement.drafted', 'statement.submitted-for-approval', 'statement.changes-requested', 'statement.approved',
  'statement.rejected', 'statement.revised', 'statement.published', 'notification.undeliverable', 'notification.fallback',
  'statement.publication-held', 'statement.withdrawn', 'hold.placed', 'hold.released', 'hold.lapsed', 'hold.reminder-sent',
  'deadline.held', 'deadline.resumed', 'incident.ack-calls', 'incident.email-reply-refused',
]);

function describeEntry(e) {
  const label = actionLabel(e.action);
  const d = e.data || {};
  const extra = [];
  const deadline = typeof d.key === 'string' ? detail.deadlines.find((x) => x.key === d.key) : undefined;
  if (typeof d.title === 'string') extra.push(d.title);
  else if (typeof d.key === 'string') extra.push(deadline ? deadlineTitle(policy, deadline) : humanise(d.key));
  else if (e.entityType === 'Statement' && typeof d.kind === 'string') extra.push(statementKindLabel(policy, d.kind));
  if (typeof d.version === 'number') extra.push(t('timeline.version', { version: d.version }));
  if (typeof d.role === 'string') extra.push(t('timeline.as', { role: roleTitle(policy, d.role) }));
  if (d.kind === 'BACKUP') extra.push(t('timeline.asBackup'));
  if (typeof d.via === 'string') extra.push(t('timeline.via', { via: VIAS.includes(d.via) ? t(`timeline.vias.${d.via}`) : humanise(d.via).toLowerCase() }));
  if (typeof d.toDueAt === 'string') extra.push(t('timeline.nowDue', { date: formatDateTime(d.toDueAt) }));
  if (typeof d.reason === 'string') extra.push(t('timeline.reason', { reason: d.reason }));
  if (typeof d.comment === 'string' && d.comment) extra.push(t('timeline.comment', { comment: d.comment }));
  if (typeof d.category === 'string' && e.entityType === 'PublicationHold') extra.push(t('timeline.reason', { reason: holdLabel(d.category) }));
  if (typeof d.note === 'string' && d.note) extra.push(t('timeline.note', { note: d.note }));
  if (Array.isArray(d.calls)) extra.push(t('board.called', { count: d.calls.length }));
  return { label, extra: extra.join(' · ') };
}

const VIAS = ['WEB', 'API', 'EMAIL_LINK', 'SMS', 'PHONE', 'EMAIL_REPLY'];

function renderTimeline() {
  const entries = [...detail.timeline].reverse();
  if (slots.timeline.dataset.count === String(entries.length)) return;
  slots.timeline.dataset.count = String(entries.length);
  replaceChildren(slots.timeline, entries.length
    ? h('ol', { class: 'timeline', reversed: true }, entries.map((e) => {
      const { label, extra } = describeEntry(e);
      const actor = e.systemActor ? t(`timeline.systemActors.${e.systemActor}`, { defaultValue: e.actorLabel }) : e.actorLabel;
      return h('li', {}, timeEl(e.at), h('strong', {}, label), t('timeline.by', { actor }), extra ? h('div', { class: 'small' }, extra) : null);
    }))
    : h('p', {}, t('timeline.nothing')));
}

start().catch((err) => {
  if (err instanceof ApiError && err.status === 403) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, plainMessage(err)), h('p', {}, h('a', { href: '/console' }, t('common.backHome')))));
  } else showPageError(root, err);
});
