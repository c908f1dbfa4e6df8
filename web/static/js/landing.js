// Public landing page: the action plan(s) and every incident's public record.
import { h, api, ApiError, replaceChildren, badge, formatDate, showPageError, t, language } from './lib.js';

async function loadPlans() {
  const list = document.getElementById('plans-list');
  try {
    const body = await api('GET', '/api/public/plans');
    const plans = Array.isArray(body) ? body : body.plans || [];
    replaceChildren(list, plans.length
      ? h('ul', { class: 'plain-list' }, plans.map((p) => h('li', {},
        h('a', { href: `/plans/${encodeURIComponent(p.id)}` }, p.title),
        p.startDate ? t('landing.started', { date: formatDate(p.startDate) }) : '')))
      : h('p', {}, t('landing.noPlan')));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) replaceChildren(list, h('p', {}, t('landing.noPlan')));
    else showPageError(list, err);
  }
}

async function loadIncidents() {
  const list = document.getElementById('incidents-list');
  try {
    const { incidents } = await api('GET', `/api/public/incidents?lang=${encodeURIComponent(language)}`);
    replaceChildren(list, incidents.length
      ? h('ul', { class: 'plain-list', id: 'public-incidents' }, incidents.map((i) => h('li', { class: i.deadlines.missed ? 'overdue' : '' },
        h('a', { href: `/incidents/${encodeURIComponent(i.number)}` }, `${i.number}: ${i.typeLabel}`),
        t('landing.declared', { date: formatDate(i.declaredAt) }), badge(i.status === 'ACTIVE' ? 'OPEN' : 'CLOSED', i.status === 'ACTIVE' ? t('landing.open') : t('landing.closed')),
        i.heldByCounsel ? [' ', badge('HELD')] : null,
        h('div', { class: 'small' },
          t('landing.record', { count: i.publishedStatements, met: i.deadlines.met, missed: i.deadlines.missed, open: i.deadlines.open }) + (i.deadlines.held ? ` ${t('landing.heldByCounsel', { count: i.deadlines.held })}` : '')))))
      : h('p', {}, t('landing.noIncidents')));
  } catch (err) {
    showPageError(list, err);
  }
}

loadPlans();
loadIncidents();
