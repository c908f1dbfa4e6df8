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
  showPageError, humanise, plainMessage,
} from './lib.js';
import { typeLabel, statementKindLabel, fillTemplate, templateValues, describeDuration } from './policy.js';
import { cityLocalToIso } from './time.js';
import { decisionForm, decidingAs, mayDecide, stepLabel } from './statementForms.js';

const number = mainData('incident');
const root = document.getElementById('board');
const REFRESH_MS = 4000;

let me = null;
let policy = null;
let detail = null;

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
    section('acks', 'Acknowledgements', slots.acks),
    section('deadlines', 'Deadlines', slots.deadlines, slots.extend),
    section('statements', 'Statements', slots.statements, slots.draft),
    section('holds', 'Counsel\'s holds', slots.holds, slots.placeHold),
    slots.close,
    section('timeline', 'Timeline', h('p', { class: 'small muted' }, 'Newest first. Every action is also in the tamper-evident audit log.'), slots.timeline),
  );
  if (new URLSearchParams(location.search).get('declared')) {
    replaceChildren(slots.banner, h('div', { class: 'success-summary', role: 'status' },
      h('strong', {}, 'Incident declared. '), 'Officials are being notified by email and text now. This board updates by itself.'));
  }
}

function render() {
  const { incident } = detail;
  document.getElementById('incident-title').textContent = `${incident.number}: ${incident.title}`;
  document.title = `${incident.number}: ${incident.title} · Common Ground console`;
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
        h('dt', {}, 'Status'), h('dd', {}, badge(state), stateSource === 'database' && state === 'ACTIVE'
          ? h('span', { class: 'small muted' }, ' (live workflow not answering; showing the last saved state)') : null),
        h('dt', {}, 'Type'), h('dd', {}, typeLabel(policy, incident.type)),
        h('dt', {}, 'Severity'), h('dd', {}, policy.severities.find((s) => s.level === incident.severity)?.label || String(incident.severity)),
        h('dt', {}, 'Declared'), h('dd', {}, timeEl(incident.declaredAt)),
        incident.location ? [h('dt', {}, 'Location'), h('dd', {}, incident.location)] : null,
        h('dt', {}, 'Summary'), h('dd', { class: 'statement-body' }, incident.summary),
        incident.closedAt ? [h('dt', {}, 'Closed'), h('dd', {}, timeEl(incident.closedAt), incident.closureSummary ? ` — ${incident.closureSummary}` : '')] : null),
      h('p', { class: 'actions small' },
        h('a', { href: `/incidents/${encodeURIComponent(incident.number)}` }, 'Public page for this incident'),
        may(me, policy, 'readDeliveryLog')
          ? h('a', { href: `/console/deliveries?incident=${encodeURIComponent(incident.number)}` }, 'Delivery log for this incident') : null)));
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
        ? h('p', { class: 'success-summary', role: 'status' }, `You acknowledged this incident at ${formatDateTime(mine.acknowledgedAt)}.`)
        : null;
    }
    const form = h('form', { id: 'ack-form', class: 'ack-panel', 'aria-labelledby': 'ack-heading' },
      h('h2', { id: 'ack-heading' }, 'Please acknowledge'),
      h('p', {}, `You were notified at ${formatDateTime(mine.notifiedAt)} as ${roleTitle(policy, mine.role)}`,
        mine.kind === 'BACKUP' ? ' (as a backup for someone who has not answered)' : '',
        '. Acknowledging tells the City Manager you have seen this. It does not commit you to anything else.'),
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      h('button', { type: 'submit', class: 'big' }, 'I acknowledge'));
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
      status = [badge('ACK', 'Acknowledged'), ' ', timeEl(r.acknowledgedAt)];
      if (r.acknowledgedBy) status.push(h('span', { class: 'small' }, ` by ${r.acknowledgedBy.name} on their behalf`));
    }
    else {
      status = [badge('SILENT', 'Silent')];
      const bits = [];
      if (r.callsPlaced) bits.push(`called ${r.callsPlaced} time${r.callsPlaced === 1 ? '' : 's'}`);
      if (r.escalatedToBackupAt) bits.push(`backup contacted ${formatDateTime(r.escalatedToBackupAt)}`);
      if (r.reportedSilentAt) bits.push(`reported silent ${formatDateTime(r.reportedSilentAt)}`);
      if (bits.length) status.push(h('span', { class: 'small' }, ` ${bits.join('; ')}`));
    }
    return h('tr', { class: r.acknowledgedAt ? '' : 'silent' },
      h('td', { 'data-label': 'Person' }, r.name, r.personId === me.person.id ? ' (you)' : ''),
      h('td', { 'data-label': 'Role' }, roleTitle(policy, r.role),
        r.kind === 'BACKUP' ? h('span', { class: 'small muted' }, ` — backup for ${nameOf.get(r.standsInForId) || 'someone silent'}`) : ''),
      h('td', { 'data-label': 'Status' }, status),
      h('td', { 'data-label': 'Notified' }, timeEl(r.notifiedAt)));
  });
  replaceChildren(slots.acks,
    h('p', {}, h('strong', {}, `${acknowledgements.acknowledged} of ${acknowledgements.expected}`),
      ' people who had to acknowledge have done so.',
      acknowledgements.silent.length ? ` Still silent: ${acknowledgements.silent.map((id) => nameOf.get(id) || id).join(', ')}.` : ''),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'stack', id: 'acks-table' },
        h('caption', { class: 'visually-hidden' }, 'Who was notified and who has acknowledged'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Person'), h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Notified'))),
        h('tbody', {}, rows))));
}

// ------------------------------------------------------------------ deadlines

function deadlineStatus(d) {
  if (d.heldSince) {
    return [d.status === 'MISSED' ? [badge('MISSED'), ' '] : null, badge('HELD'), h('span', { class: 'small' }, ` since ${formatDateTime(d.heldSince)}`)];
  }
  if (d.status === 'OPEN' && d.overdue) return badge('MISSED', 'Overdue');
  if (d.status === 'MET' && d.metAt) return [badge('MET'), h('span', { class: 'small' }, ` ${formatDateTime(d.metAt)}`)];
  return badge(d.status);
}

function renderDeadlines() {
  resetCountdowns();
  const rows = detail.deadlines.map((d) =>
    h('tr', { class: d.overdue ? 'overdue' : d.heldSince ? 'held' : '', 'data-deadline': d.key },
      h('td', { 'data-label': 'Deadline' }, h('strong', {}, d.title),
        d.extensions.length ? h('span', { class: 'small' }, ` — extended from ${formatDateTime(d.originalDueAt)}: ${d.extensions[d.extensions.length - 1].reason}`) : ''),
      h('td', { 'data-label': 'Due' }, timeEl(d.dueAt)),
      h('td', { 'data-label': 'Time left' }, d.status === 'OPEN' && !d.heldSince ? countdown(d.dueAt) : d.heldSince ? 'Paused by the hold' : '—'),
      h('td', { 'data-label': 'Status' }, deadlineStatus(d))));
  const overdue = detail.deadlines.filter((d) => d.overdue).length;
  replaceChildren(slots.deadlines,
    overdue ? h('p', { class: 'card alert' }, h('strong', {}, `${overdue} deadline${overdue === 1 ? ' is' : 's are'} overdue.`)) : null,
    rows.length
      ? h('div', { class: 'table-wrap' },
        h('table', { class: 'stack', id: 'deadlines-table' },
          h('caption', { class: 'visually-hidden' }, 'Public communication deadlines'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Deadline'), h('th', { scope: 'col' }, 'Due'), h('th', { scope: 'col' }, 'Time left'), h('th', { scope: 'col' }, 'Status'))),
          h('tbody', {}, rows)))
      : h('p', {}, 'No deadlines yet.'));
  renderExtendForm();
}

function renderExtendForm() {
  const open = detail.deadlines.filter((d) => d.status === 'OPEN');
  const allowed = detail.state === 'ACTIVE' && open.length > 0 && may(me, policy, 'extendDeadlines');
  keyed(slots.extend, allowed ? `extend:${open.map((d) => d.key).join(',')}` : 'none', () => {
    if (!allowed) return null;
    const select = h('select', { name: 'deadlineKey', id: 'extend-deadline' },
      open.map((d) => h('option', { value: d.key }, `${d.title} (due ${formatDateTime(d.dueAt)})`)));
    const form = h('form', { id: 'extend-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: 'Deadline', control: select }),
      field({ label: 'New due date and time', hint: `In ${document.querySelector('meta[name="cg-time-zone"]').content} time.`,
        control: h('input', { type: 'datetime-local', name: 'newDueAt', id: 'extend-due' }) }),
      field({ label: 'Reason', hint: 'Published with the deadline, so write it for the public.',
        control: h('textarea', { name: 'reason', id: 'extend-reason', rows: '3', maxlength: '2000' }) }),
      h('button', { type: 'submit', class: 'secondary' }, 'Extend deadline'));
    onSubmit(form, async () => {
      const key = form.deadlineKey.value;
      const newDueAt = form.newDueAt.value ? cityLocalToIso(form.newDueAt.value) : '';
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/deadlines/${encodeURIComponent(key)}/extensions`,
        { newDueAt, reason: form.reason.value });
      showFormSuccess(form, 'Deadline extended.');
      await reload();
    });
    return h('details', { class: 'card' }, h('summary', {}, 'Extend a deadline'), form);
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
  s.versions.find((v) => v.authorId === personId)?.authorName || s.approvals.find((a) => a.approverId === personId)?.approverName || 'someone';

function chainList(s) {
  const { steps, awaiting } = chainOf(s);
  const v = currentVersionOf(s);
  const items = [h('li', { class: 'done' }, `Version ${versionNumberOf(s)} written by ${v?.authorName || 'its author'}`)];
  for (const step of steps) {
    const label = stepLabel(policy, step);
    const revised = step.revisedBy ? ` (revised and approved by ${nameOf(s, step.revisedBy)})` : '';
    const cls = step.decision === 'APPROVED' ? 'done' : step.decision === 'REJECTED' ? 'rejected' : step.role === awaiting ? 'current' : '';
    const text = step.decision === 'APPROVED' ? `${label}: approved`
      : step.decision === 'REJECTED' ? `${label}: changes requested`
        : step.role === awaiting ? `${label}: waiting now${revised}` : `${label}: not yet`;
    items.push(h('li', { class: cls, 'aria-current': step.role === awaiting ? 'step' : null }, text));
  }
  const published = statusOf(s) === 'PUBLISHED' || statusOf(s) === 'WITHDRAWN';
  const held = statusOf(s) === 'APPROVED' && s.live?.heldBy;
  items.push(h('li', { class: published ? 'done' : held ? 'current' : '', 'aria-current': held ? 'step' : null },
    published ? 'Published' : held ? 'Publish: held by counsel' : 'Publish'));
  return h('ol', { class: 'chain', 'aria-label': 'Approval chain' }, items);
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
    replaceChildren(slots.statements, h('p', {}, 'No statements have been drafted yet.'));
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
      deadline ? h('span', { class: 'small' }, ` — meets the "${deadline.title}" deadline`) : null),
    status === 'APPROVED' && s.live?.heldBy
      ? h('p', { class: 'card callout held-statement' }, badge('HELD'), ` Every approval is given; a counsel's hold (${holdLabel(s.live.heldBy.category)}) has held its publication since ${formatDateTime(s.live.heldBy.placedAt)}. It is published when the hold ends.`)
      : null,
    s.withdrawnAt
      ? h('p', { class: 'card callout' }, `Withdrawn ${formatDateTime(s.withdrawnAt)}. Public note: `, s.withdrawalNote || '')
      : null,
    chainList(s),
    v ? h('div', { class: 'statement-body' }, v.body) : null,
    rejections.length
      ? h('details', {}, h('summary', {}, `Comments from approvers (${rejections.length})`),
        h('ul', {}, rejections.map((a) => h('li', {}, h('strong', {}, `${a.approverName || roleTitle(policy, a.role)} (${roleTitle(policy, a.role)}), version ${a.version}: `), a.comment, ' ', h('span', { class: 'small muted' }, formatDateTime(a.decidedAt))))))
      : null,
    s.versions.length > 1
      ? h('details', { class: 'version-history' }, h('summary', {}, `Earlier versions (${s.versions.length - 1})`),
        s.versions.filter((x) => x !== v).map((x) =>
          h('div', {}, h('h4', {}, `Version ${x.version}: ${x.title}`),
            h('p', { class: 'small muted' }, `Written by ${x.authorName || 'someone'} `, timeEl(x.createdAt)),
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
      ? `${roleTitle(policy, decidingAs(me, step))} in place of the ${roleTitle(policy, step.role)}`
      : roleTitle(policy, step.role);
    return [
      decisionForm({ id: s.id, version, as, author: currentVersionOf(s)?.authorName, onDone: reload }),
      h('p', { class: 'small' }, 'To change the wording yourself and approve it in one step, use the ',
        h('a', { href: `/console/approvals#statement-${s.id}` }, 'approval queue'), '.'),
    ];
  });
}

function reviseForm(s) {
  const v = currentVersionOf(s);
  const form = h('form', { class: 'revise-form', novalidate: true },
    h('h4', {}, 'Revise and send back for approval'),
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: 'Title', control: h('input', { type: 'text', name: 'title', id: `revise-title-${s.id}`, maxlength: '200', value: v?.title || '' }) }),
    field({ label: 'Statement text', control: h('textarea', { name: 'body', id: `revise-body-${s.id}`, rows: '10', maxlength: '20000' }, v?.body || '') }),
    h('button', { type: 'submit' }, 'Send revision for approval'));
  onSubmit(form, async () => {
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/statements`, {
      statementId: s.id, title: form.title.value, body: form.body.value,
    });
    await reload();
  });
  return form;
}

function withdrawForm(s) {
  const form = h('form', { class: 'withdraw-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: 'Public note', hint: 'Shown on the public page and in the feed where the statement was. Its text is taken down; the record that it was published stays.',
      control: h('textarea', { name: 'note', id: `withdraw-note-${s.id}`, rows: '3', maxlength: '2000' }) }),
    h('button', { type: 'submit', class: 'secondary' }, 'Withdraw this statement'));
  onSubmit(form, async () => {
    await api('POST', `/api/statements/${encodeURIComponent(s.id)}/withdraw`, { note: form.note.value });
    await reload();
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Withdraw this published statement'), form);
}

// ------------------------------------------------------------------ counsel's holds

const holdLabel = (category) => detail.holds.rules.categories.find((c) => c.key === category)?.label || humanise(category);

function holdScopeText(hold) {
  if (hold.scope === 'ALL') return 'All publication for this incident';
  if (hold.scope === 'STATEMENT_KIND') return `Every ${statementKindLabel(policy, hold.statementKind).toLowerCase()}`;
  const s = detail.statements.find((x) => x.id === hold.statementId);
  return s ? `The statement "${currentVersionOf(s)?.title || statementKindLabel(policy, s.kind)}"` : 'One statement';
}

function renderHolds() {
  const { rules, list } = detail.holds;
  const signature = JSON.stringify([list.map((x) => [x.holdId, x.status]), rules.available]);
  if (slots.holds.dataset.sig === signature) return;
  slots.holds.dataset.sig = signature;
  if (!rules.available && !list.length) {
    replaceChildren(slots.holds, h('p', { class: 'small muted' }, 'The plan this incident follows has no counsel\'s holds.'));
    return;
  }
  const mayRelease = hasRole(me, ...rules.releaseBy);
  replaceChildren(slots.holds,
    h('p', { class: 'small' }, `A hold stops publication of what it covers, whatever its approvals, and pauses those deadlines. `,
      `The public sees that it is held, since when and its category, never the detail. It lapses after ${rules.maxDuration ? describeDuration(rules.maxDuration) : 'the time the plan sets'} unless released.`),
    list.length
      ? h('ul', { class: 'holds', id: 'holds-list' }, list.map((hold) =>
        h('li', { class: hold.status === 'ACTIVE' ? 'held' : '', id: `hold-${hold.holdId}` },
          badge(hold.status === 'ACTIVE' ? 'HELD' : hold.status), ' ',
          h('strong', {}, `${holdScopeText(hold)}: ${hold.categoryLabel}`),
          h('div', { class: 'small' }, `Placed by ${hold.placedByName || 'someone'} `, timeEl(hold.placedAt),
            hold.status === 'ACTIVE' ? ['; lapses ', timeEl(hold.lapsesAt)] : hold.endedAt
              ? [hold.status === 'LAPSED' ? '; lapsed ' : `; released by ${hold.endedByName || 'someone'} `, timeEl(hold.endedAt)] : null),
          h('div', { class: 'small' }, h('strong', {}, 'Private detail (staff only): '), hold.detail),
          hold.endNote ? h('div', { class: 'small' }, h('strong', {}, 'Release note: '), hold.endNote) : null,
          hold.status === 'ACTIVE' && mayRelease ? releaseForm(hold) : null)))
      : h('p', {}, 'Nothing is held.'));
}

function releaseForm(hold) {
  const form = h('form', { class: 'release-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: 'Note for staff (optional)', control: h('textarea', { name: 'note', id: `release-note-${hold.holdId}`, rows: '2', maxlength: '2000' }) }),
    h('button', { type: 'submit', class: 'secondary' }, 'Release this hold'));
  onSubmit(form, async () => {
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/holds/${encodeURIComponent(hold.holdId)}/release`, { note: form.note.value });
    await reload();
  });
  return h('details', {}, h('summary', {}, 'Release this hold'), form);
}

function renderPlaceHoldForm() {
  const { rules } = detail.holds;
  const unpublished = detail.statements.filter((s) => !['PUBLISHED', 'WITHDRAWN'].includes(statusOf(s)));
  const allowed = rules.available && hasRole(me, ...rules.placeBy);
  keyed(slots.placeHold, allowed ? `place:${unpublished.map((s) => s.id).join(',')}` : 'none', () => {
    if (!allowed) return null;
    const scope = h('select', { name: 'scope', id: 'hold-scope' },
      h('option', { value: 'ALL' }, 'All publication for this incident'),
      h('optgroup', { label: 'Every statement of a kind' },
        policy.statementKinds.map((k) => h('option', { value: `STATEMENT_KIND:${k.key}` }, `Every ${k.label.toLowerCase()}`))),
      unpublished.length
        ? h('optgroup', { label: 'One statement not yet published' },
          unpublished.map((s) => h('option', { value: `STATEMENT:${s.id}` }, `${statementKindLabel(policy, s.kind)}: ${currentVersionOf(s)?.title || ''}`)))
        : null);
    const category = h('select', { name: 'category', id: 'hold-category' }, rules.categories.map((c) => h('option', { value: c.key }, c.label)));
    const form = h('form', { id: 'place-hold-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: 'What to hold', control: scope }),
      field({ label: 'Reason (public)', hint: 'The public sees this category and since when, nothing more.', control: category }),
      field({ label: 'Detail (private)', hint: 'For staff only: the matter and whom to ask. Never published.',
        control: h('textarea', { name: 'detail', id: 'hold-detail', rows: '3', maxlength: '2000' }) }),
      h('button', { type: 'submit' }, 'Place the hold'));
    onSubmit(form, async () => {
      const [kind, value] = form.scope.value.split(':');
      const body = {
        scope: kind === 'ALL' ? { kind } : kind === 'STATEMENT_KIND' ? { kind, statementKind: value } : { kind, statementId: value },
        category: form.category.value,
        detail: form.detail.value,
      };
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/holds`, body);
      showFormSuccess(form, 'Held. The PIO and the City Manager have been told; the public page shows the hold.');
      await reload();
    });
    return h('details', { class: 'card', id: 'place-hold-card' }, h('summary', {}, 'Place a counsel\'s hold'), form);
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

function draftForm() {
  let edited = false;
  const kind = h('select', { name: 'kind', id: 'draft-kind' },
    policy.statementKinds.map((k) => h('option', { value: k.key }, k.label)));
  const title = h('input', { type: 'text', name: 'title', id: 'draft-title', maxlength: '200' });
  const body = h('textarea', { name: 'body', id: 'draft-body', rows: '12', maxlength: '20000' });
  const fillFromTemplate = () => {
    const k = policy.statementKinds.find((x) => x.key === kind.value);
    const values = templateValues(detail);
    title.value = fillTemplate(k.template.title, values);
    body.value = fillTemplate(k.template.body, values);
    edited = false;
  };
  title.addEventListener('input', () => (edited = true));
  body.addEventListener('input', () => (edited = true));
  kind.addEventListener('change', () => {
    if (!edited || confirm('Replace your text with the template for this kind of statement?')) fillFromTemplate();
  });
  kind.value = suggestedKind();
  fillFromTemplate();
  const form = h('form', { id: 'draft-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: 'Kind of statement', hint: 'The text below starts from the plan\'s template. Replace everything in [square brackets].', control: kind }),
    field({ label: 'Title', control: title }),
    field({ label: 'Statement text', control: body }),
    h('button', { type: 'submit' }, 'Send for approval'));
  onSubmit(form, async () => {
    await api('POST', `/api/incidents/${encodeURIComponent(number)}/statements`, {
      kind: kind.value, title: title.value, body: body.value,
    });
    showFormSuccess(form, 'Sent for approval. The first approver has been notified.');
    await reload();
    fillFromTemplate();
    kind.value = suggestedKind();
    fillFromTemplate();
  });
  return h('details', { class: 'card', id: 'draft-card', open: detail.statements.length === 0 ? true : null },
    h('summary', {}, 'Draft a new statement'), form);
}

// ------------------------------------------------------------------ close

function renderCloseForm() {
  const allowed = detail.state === 'ACTIVE' && may(me, policy, 'close');
  keyed(slots.close, allowed ? 'close' : 'none', () => {
    if (!allowed) return null;
    const form = h('form', { id: 'close-form', novalidate: true },
      h('div', { class: 'form-status', 'aria-live': 'assertive' }),
      field({ label: 'Closing summary', hint: 'What was concluded. The after-action review falls due once the incident is closed.',
        control: h('textarea', { name: 'summary', id: 'close-summary', rows: '4', maxlength: '20000' }) }),
      h('button', { type: 'submit', class: 'secondary' }, 'Close this incident'));
    onSubmit(form, async () => {
      await api('POST', `/api/incidents/${encodeURIComponent(number)}/close`, { summary: form.summary.value });
      await reload();
    });
    return h('details', { class: 'card' }, h('summary', {}, 'Close the incident'), form);
  });
}

// ------------------------------------------------------------------ timeline

const ACTION_LABELS = {
  'incident.declared': 'Incident declared',
  'incident.recipients-resolved': 'Officials notified',
  'incident.acknowledged': 'Acknowledged',
  'incident.ack-escalated-to-backup': 'No acknowledgement in time: backup contacted',
  'incident.silent-reported': 'Silent officials reported to the City Manager',
  'incident.closed': 'Incident closed',
  'incident.after-action-report-rendered': 'After-action report drafted',
  'incident.after-action-report-finalised': 'After-action report finalised',
  'deadline.created': 'Deadline set',
  'deadline.extended': 'Deadline extended',
  'deadline.met': 'Deadline met',
  'deadline.missed': 'Deadline missed',
  'statement.drafted': 'Statement drafted',
  'statement.submitted-for-approval': 'Sent for approval',
  'statement.changes-requested': 'Changes requested',
  'statement.approved': 'Statement approved',
  'statement.rejected': 'Statement sent back',
  'statement.revised': 'Statement revised',
  'statement.published': 'Statement published',
  'statement.publication-held': 'Approved; publication held by counsel',
  'statement.withdrawn': 'Statement withdrawn',
  'hold.placed': 'Counsel\'s hold placed',
  'hold.released': 'Counsel\'s hold released',
  'hold.lapsed': 'Counsel\'s hold reached its limit and lapsed',
  'hold.reminder-sent': 'Reminder: the hold lapses soon',
  'deadline.held': 'Deadline paused by a counsel\'s hold',
  'deadline.resumed': 'Deadline running again after the hold',
  'incident.ack-calls': 'Phoned the officials still silent',
  'incident.email-reply-refused': 'A reply to the incident email did not acknowledge',
  'notification.undeliverable': 'Message could not be delivered',
  'notification.fallback': 'Sent by the other channel instead',
};

function describeEntry(e) {
  const label = ACTION_LABELS[e.action] || humanise(e.action);
  const d = e.data || {};
  const extra = [];
  if (typeof d.title === 'string') extra.push(d.title);
  else if (typeof d.key === 'string') extra.push(detail.deadlines.find((x) => x.key === d.key)?.title || humanise(d.key));
  else if (e.entityType === 'Statement' && typeof d.kind === 'string') extra.push(statementKindLabel(policy, d.kind));
  if (typeof d.version === 'number') extra.push(`version ${d.version}`);
  if (typeof d.role === 'string') extra.push(`as ${roleTitle(policy, d.role)}`);
  if (d.kind === 'BACKUP') extra.push('as a backup');
  if (typeof d.via === 'string') extra.push(`via ${VIA_LABELS[d.via] || humanise(d.via).toLowerCase()}`);
  if (typeof d.toDueAt === 'string') extra.push(`now due ${formatDateTime(d.toDueAt)}`);
  if (typeof d.reason === 'string') extra.push(`reason: ${d.reason}`);
  if (typeof d.comment === 'string' && d.comment) extra.push(`comment: ${d.comment}`);
  if (typeof d.category === 'string' && e.entityType === 'PublicationHold') extra.push(`reason: ${holdLabel(d.category)}`);
  if (typeof d.note === 'string' && d.note) extra.push(`note: ${d.note}`);
  if (Array.isArray(d.calls)) extra.push(`${d.calls.length} call${d.calls.length === 1 ? '' : 's'}`);
  return { label, extra: extra.join(' · ') };
}

const VIA_LABELS = { WEB: 'the console', API: 'the API', EMAIL_LINK: 'the email link', SMS: 'text message', PHONE: 'a phone call (pressed 1)', EMAIL_REPLY: 'a reply to the email' };

function renderTimeline() {
  const entries = [...detail.timeline].reverse();
  if (slots.timeline.dataset.count === String(entries.length)) return;
  slots.timeline.dataset.count = String(entries.length);
  replaceChildren(slots.timeline, entries.length
    ? h('ol', { class: 'timeline', reversed: true }, entries.map((e) => {
      const { label, extra } = describeEntry(e);
      return h('li', {}, timeEl(e.at), h('strong', {}, label), ` by ${e.actorLabel}`, extra ? h('div', { class: 'small' }, extra) : null);
    }))
    : h('p', {}, 'Nothing recorded yet.'));
}

start().catch((err) => {
  if (err instanceof ApiError && err.status === 403) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, plainMessage(err)), h('p', {}, h('a', { href: '/console' }, 'Back to the console home'))));
  } else showPageError(root, err);
});
