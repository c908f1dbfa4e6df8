// Console home: what needs this person now, by role. Declare (city manager,
// chief); incidents waiting for my acknowledgement, statements waiting for my
// approval (from the approval queue); open
// incidents with overdue counts; my action items.
import {
  h, api, ApiError, requireSignIn, may, replaceChildren, fetchPolicy, roleTitle, badge, timeEl, formatDate, refreshEvery, showPageError, t,
  language, onSubmit, field, showFormSuccess,
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
      todo.push(h('li', {}, boardLink(d, t('home.acknowledge', { number: d.incident.number, title: d.incident.title }))));
    }
    for (const s of work.needDecision) {
      todo.push(h('li', {}, h('a', { href: `/console/approvals#statement-${encodeURIComponent(s.statementId)}` },
        t('home.decide', { title: s.title, number: s.incident.number }))));
    }
    for (const { d, s } of work.needRevision) {
      const v = s.versions.find((x) => x.version === s.currentVersion);
      todo.push(h('li', {}, boardLink(d, t('home.revise', { title: v ? v.title : s.kind, number: d.incident.number }))));
    }
  }
  const overdueItems = (items || []).filter((i) => i.status !== 'DONE' && Date.parse(i.dueAt) < Date.now());
  if (overdueItems.length) todo.push(h('li', {}, h('a', { href: '/console/items' }, t('home.itemsOverdue', { count: overdueItems.length }))));

  sections.push(h('section', { 'aria-labelledby': 'todo-heading', class: todo.length ? 'card alert' : 'card' },
    h('h2', { id: 'todo-heading' }, t('home.needsYou')),
    todo.length ? h('ul', { id: 'todo' }, todo) : h('p', {}, t('home.nothing'))));

  if (may(me, policy, 'declare')) {
    sections.push(h('section', { 'aria-labelledby': 'declare-heading', class: 'card callout' },
      h('h2', { id: 'declare-heading' }, t('home.declareHeading')),
      h('p', {}, t('home.declareText')),
      h('a', { class: 'button', href: '/console/declare' }, t('home.declareButton'))));
  }

  if (work) {
    const rows = work.incidents.map((i) =>
      h('tr', { class: i.deadlines.overdue ? 'overdue' : '' },
        h('td', { 'data-label': t('home.colIncident') }, h('a', { href: `/console/incidents/${encodeURIComponent(i.number)}` }, `${i.number}: ${i.title}`)),
        h('td', { 'data-label': t('home.colDeclared') }, timeEl(i.declaredAt)),
        h('td', { 'data-label': t('home.colAcknowledged') }, t('home.ackOf', { done: i.acknowledgements.acknowledged, expected: i.acknowledgements.expected })),
        h('td', { 'data-label': t('home.colDeadlines') }, i.deadlines.overdue ? badge('MISSED', t('home.overdue', { count: i.deadlines.overdue })) : badge('OPEN', t('home.open', { count: i.deadlines.open })),
          i.deadlines.missed ? [' ', badge('MISSED', t('home.missed', { count: i.deadlines.missed }))] : null,
          i.deadlines.met ? [' ', badge('MET', t('home.met', { count: i.deadlines.met }))] : null)));
    sections.push(h('section', { 'aria-labelledby': 'open-heading' },
      h('h2', { id: 'open-heading' }, t('home.openHeading')),
      rows.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'open-incidents' },
          h('thead', {}, h('tr', {}, [t('home.colIncident'), t('home.colDeclared'), t('home.colAcknowledged'), t('home.colDeadlines')].map((text) => h('th', { scope: 'col' }, text)))),
          h('tbody', {}, rows)))
        : h('p', {}, t('home.noneOpen'))));
  }

  if (items && items.length) {
    const open = items.filter((i) => i.status !== 'DONE');
    sections.push(h('section', { 'aria-labelledby': 'items-heading' },
      h('h2', { id: 'items-heading' }, t('home.itemsHeading')),
      h('p', {}, t('home.itemsCounts', { open: open.length, done: items.length - open.length }), h('a', { href: '/console/items' }, t('home.itemsLink'))),
      h('ul', { class: 'plain-list' }, open.slice(0, 5).map((i) =>
        h('li', { class: Date.parse(i.dueAt) < Date.now() ? 'overdue' : '' }, i.title, t('home.due'), formatDate(i.dueAt), ' ', badge(i.status))))));
  }

  if (plans.length) {
    sections.push(h('section', { 'aria-labelledby': 'plans-heading' },
      h('h2', { id: 'plans-heading' }, t('home.plansHeading')),
      h('ul', {}, plans.map((p) => h('li', {},
        h('a', { href: `/console/plans/${encodeURIComponent(p.id)}` }, t('home.live', { title: p.title })), ' · ',
        h('a', { href: `/plans/${encodeURIComponent(p.id)}` }, t('home.publicDashboard')))))));
  }

  sections.push(h('p', { class: 'small muted' }, t('home.roles', { roles: me.roles.map((role) => roleTitle(policy, role)).join(', ') || t('home.noRoles') })));
  sections.push(languageSection());
  replaceChildren(root, ...sections);
}

/** Where the person says which language their messages (and these pages) are in; kept across refreshes. */
let languageCard = null;
function languageSection() {
  if (languageCard) return languageCard;
  const select = h('select', { name: 'language', id: 'my-language' },
    (catalogueLanguages()).map(({ code, name }) => h('option', { value: code, lang: code, selected: code === (me.person.language || language) ? true : null }, name)));
  const form = h('form', { id: 'language-form', class: 'inline-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'polite' }),
    field({ label: t('home.languageLabel'), hint: t('home.languageHint'), control: select }),
    h('button', { type: 'submit', class: 'secondary' }, t('home.languageSave')));
  onSubmit(form, async () => {
    await api('PUT', '/api/me/language', { language: select.value });
    showFormSuccess(form, t('home.languageSaved'));
    if (select.value !== language) location.assign(`${location.pathname}?lang=${encodeURIComponent(select.value)}`);
  });
  languageCard = h('section', { 'aria-labelledby': 'language-heading', class: 'card' }, h('h2', { id: 'language-heading' }, t('home.languageHeading')), form);
  return languageCard;
}

function catalogueLanguages() {
  return [...document.querySelectorAll('.language-switcher a[hreflang]')].map((a) => ({ code: a.getAttribute('hreflang'), name: a.textContent }));
}

start().catch((err) => showPageError(root, err));
