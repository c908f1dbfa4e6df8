// Console home: what needs this person now, by role. Declare (city manager,
// chief); incidents waiting for my acknowledgement, statements waiting for my
// approval (from the approval queue); open
// incidents with overdue counts; my action items.
import {
  h, api, ApiError, requireSignIn, may, replaceChildren, fetchPolicy, roleTitle, badge, timeEl, formatDate, refreshEvery, showPageError,
} from './lib.js';

const root = document.getElementById('home');

let me;
let policy;

async function start() {
  me = await requireSignIn();
  policy = await fetchPolicy();
  await render();
  refreshEvery(10_000, render);
}

async function loadIncidentWork() {
  if (!may(me, policy, 'readIncidents')) return null;
  const { incidents } = await api('GET', '/api/incidents?status=ACTIVE');
  // Few incidents are open at once; the detail tells whether I am asked to act.
  const details = await Promise.all(incidents.map((i) => api('GET', `/api/incidents/${encodeURIComponent(i.number)}`).catch(() => null)));
  // Whose turn it is on a statement, the approval queue answers with the workflow's own rule.
  const queue = may(me, policy, 'decideStatements') ? api('GET', '/api/approvals?awaiting=me') : Promise.resolve({ statements: [] });
  const needAck = [];
  const needRevision = [];
  details.forEach((d) => {
    if (!d) return;
    const mine = d.recipients.find((r) => r.personId === me.person.id);
    if (mine && !mine.acknowledgedAt) needAck.push(d);
    for (const s of d.statements) {
      if (s.status === 'CHANGES_REQUESTED' && may(me, policy, 'draftStatements')) needRevision.push({ d, s });
    }
  });
  return { incidents, needAck, needDecision: (await queue).statements, needRevision };
}

async function loadItems() {
  try {
    const body = await api('GET', '/api/me/items');
    return Array.isArray(body) ? body : body.items || [];
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return null;
    throw err;
  }
}

const boardLink = (d, text) => h('a', { href: `/console/incidents/${encodeURIComponent(d.incident.number)}` }, text);

async function loadPlans() {
  try {
    const body = await api('GET', '/api/plans');
    return body.plans || [];
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return [];
    throw err;
  }
}

async function render() {
  const [work, items, plans] = await Promise.all([loadIncidentWork(), loadItems(), loadPlans()]);
  const sections = [];

  const todo = [];
  if (work) {
    for (const d of work.needAck) {
      todo.push(h('li', {}, boardLink(d, `Acknowledge incident ${d.incident.number}: ${d.incident.title}`)));
    }
    for (const s of work.needDecision) {
      todo.push(h('li', {}, h('a', { href: `/console/approvals#statement-${encodeURIComponent(s.statementId)}` },
        `Approve or return "${s.title}" (${s.incident.number})`)));
    }
    for (const { d, s } of work.needRevision) {
      const v = s.versions.find((x) => x.version === s.currentVersion);
      todo.push(h('li', {}, boardLink(d, `Revise "${v ? v.title : s.kind}" after comments (${d.incident.number})`)));
    }
  }
  const overdueItems = (items || []).filter((i) => i.status !== 'DONE' && Date.parse(i.dueAt) < Date.now());
  if (overdueItems.length) todo.push(h('li', {}, h('a', { href: '/console/items' }, `${overdueItems.length} of your action items ${overdueItems.length === 1 ? 'is' : 'are'} overdue`)));

  sections.push(h('section', { 'aria-labelledby': 'todo-heading', class: todo.length ? 'card alert' : 'card' },
    h('h2', { id: 'todo-heading' }, 'Needs you now'),
    todo.length ? h('ul', { id: 'todo' }, todo) : h('p', {}, 'Nothing is waiting for you.')));

  if (may(me, policy, 'declare')) {
    sections.push(h('section', { 'aria-labelledby': 'declare-heading', class: 'card callout' },
      h('h2', { id: 'declare-heading' }, 'Declare a critical incident'),
      h('p', {}, 'Starts the communications plan: officials are notified at once and every public deadline starts.'),
      h('a', { class: 'button', href: '/console/declare' }, 'Declare an incident')));
  }

  if (work) {
    const rows = work.incidents.map((i) =>
      h('tr', { class: i.deadlines.overdue ? 'overdue' : '' },
        h('td', { 'data-label': 'Incident' }, h('a', { href: `/console/incidents/${encodeURIComponent(i.number)}` }, `${i.number}: ${i.title}`)),
        h('td', { 'data-label': 'Declared' }, timeEl(i.declaredAt)),
        h('td', { 'data-label': 'Acknowledged' }, `${i.acknowledgements.acknowledged} of ${i.acknowledgements.expected}`),
        h('td', { 'data-label': 'Deadlines' }, i.deadlines.overdue ? badge('MISSED', `${i.deadlines.overdue} overdue`) : badge('OPEN', `${i.deadlines.open} open`),
          i.deadlines.missed ? [' ', badge('MISSED', `${i.deadlines.missed} missed`)] : null,
          i.deadlines.met ? [' ', badge('MET', `${i.deadlines.met} met`)] : null)));
    sections.push(h('section', { 'aria-labelledby': 'open-heading' },
      h('h2', { id: 'open-heading' }, 'Open incidents'),
      rows.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'open-incidents' },
          h('thead', {}, h('tr', {}, ['Incident', 'Declared', 'Acknowledged', 'Deadlines'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows)))
        : h('p', {}, 'No incident is open.')));
  }

  if (items && items.length) {
    const open = items.filter((i) => i.status !== 'DONE');
    sections.push(h('section', { 'aria-labelledby': 'items-heading' },
      h('h2', { id: 'items-heading' }, 'My action items'),
      h('p', {}, `${open.length} open, ${items.length - open.length} done. `, h('a', { href: '/console/items' }, 'Post progress on your items')),
      h('ul', { class: 'plain-list' }, open.slice(0, 5).map((i) =>
        h('li', { class: Date.parse(i.dueAt) < Date.now() ? 'overdue' : '' }, i.title, ' — due ', formatDate(i.dueAt), ' ', badge(i.status))))));
  }

  if (plans.length) {
    sections.push(h('section', { 'aria-labelledby': 'plans-heading' },
      h('h2', { id: 'plans-heading' }, 'Action plan'),
      h('ul', {}, plans.map((p) => h('li', {},
        h('a', { href: `/console/plans/${encodeURIComponent(p.id)}` }, `${p.title}: live progress`), ' · ',
        h('a', { href: `/plans/${encodeURIComponent(p.id)}` }, 'public dashboard'))))));
  }

  sections.push(h('p', { class: 'small muted' }, `Your roles: ${me.roles.map((role) => roleTitle(policy, role)).join(', ') || 'none'}.`));
  replaceChildren(root, ...sections);
}

start().catch((err) => showPageError(root, err));
