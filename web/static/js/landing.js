// Public landing page: the action plan(s) and every incident's public record.
import { h, api, ApiError, replaceChildren, badge, formatDate, showPageError } from './lib.js';

async function loadPlans() {
  const list = document.getElementById('plans-list');
  try {
    const body = await api('GET', '/api/public/plans');
    const plans = Array.isArray(body) ? body : body.plans || [];
    replaceChildren(list, plans.length
      ? h('ul', { class: 'plain-list' }, plans.map((p) => h('li', {},
        h('a', { href: `/plans/${encodeURIComponent(p.id)}` }, p.title),
        p.startDate ? ` — started ${formatDate(p.startDate)}` : '')))
      : h('p', {}, 'No action plan has been published yet.'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) replaceChildren(list, h('p', {}, 'No action plan has been published yet.'));
    else showPageError(list, err);
  }
}

async function loadIncidents() {
  const list = document.getElementById('incidents-list');
  try {
    const { incidents } = await api('GET', '/api/public/incidents');
    replaceChildren(list, incidents.length
      ? h('ul', { class: 'plain-list', id: 'public-incidents' }, incidents.map((i) => h('li', { class: i.deadlines.missed ? 'overdue' : '' },
        h('a', { href: `/incidents/${encodeURIComponent(i.number)}` }, `${i.number}: ${i.typeLabel}`),
        ` — declared ${formatDate(i.declaredAt)} `, badge(i.status === 'ACTIVE' ? 'OPEN' : 'CLOSED', i.status === 'ACTIVE' ? 'Open' : 'Closed'),
        i.heldByCounsel ? [' ', badge('HELD')] : null,
        h('div', { class: 'small' },
          `${i.publishedStatements} statement${i.publishedStatements === 1 ? '' : 's'} published; deadlines: ${i.deadlines.met} met, ${i.deadlines.missed} missed, ` +
          `${i.deadlines.held ? `${i.deadlines.held} held by counsel, ` : ''}${i.deadlines.open} still open.`))))
      : h('p', {}, 'No critical incidents have been declared.'));
  } catch (err) {
    showPageError(list, err);
  }
}

loadPlans();
loadIncidents();
