// Public accountability timeline for one incident: what the plan promised and
// when, what was published, which deadlines were met or missed. Only the
// public API is used, so nothing private can appear here.
import {
  h, api, ApiError, replaceChildren, mainData, formatDateTime, timeEl, countdown, badge, humanise, showPageError,
} from './lib.js';

const number = mainData('incident');
const root = document.getElementById('incident');

function result(d) {
  if (d.status === 'met') {
    return [badge('MET', d.metOnTime === false ? 'Met late' : 'Met'), ' ', d.metAt ? h('span', { class: 'small' }, formatDateTime(d.metAt)) : null];
  }
  if (d.status === 'missed') return badge('MISSED', 'Missed');
  if (d.status === 'waived') return badge('WAIVED', 'Waived');
  return [badge('OPEN', 'Not yet due'), ' ', countdown(d.dueAt)];
}

function render(incident) {
  document.getElementById('incident-title').textContent = `Incident ${incident.number}: ${incident.typeLabel}`;
  document.title = `Incident ${incident.number}: ${incident.typeLabel} · Common Ground`;
  const byKey = new Map(incident.deadlineList.map((d) => [d.key, d]));

  const promises = incident.deadlineList.map((d) =>
    h('tr', { class: d.status === 'missed' ? 'overdue' : '', 'data-deadline': d.key },
      h('td', { 'data-label': 'Promise' }, h('strong', {}, d.title)),
      h('td', { 'data-label': 'Due by' }, timeEl(d.dueAt),
        d.extended ? h('div', { class: 'small' }, `Extended; first due ${formatDateTime(d.originalDueAt)}`) : null),
      h('td', { 'data-label': 'Result' }, result(d))));

  const statements = incident.statements.map((s) => {
    const met = s.deadlineKey && byKey.get(s.deadlineKey);
    return h('article', { class: 'card', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title` },
      h('h3', { id: `statement-${s.id}-title` }, s.title),
      h('p', { class: 'small' }, `${humanise(s.kind)}, published `, timeEl(s.publishedAt),
        met ? `. This was the ${met.title.toLowerCase()} the plan requires.` : '.'),
      h('div', { class: 'statement-body' }, s.body));
  });

  const events = [
    { at: incident.declaredAt, text: 'The incident was declared and officials were notified.' },
    ...incident.statements.map((s) => ({ at: s.publishedAt, text: `Published: ${s.title}` })),
    ...incident.deadlineList
      .filter((d) => d.status !== 'open')
      .map((d) => ({
        at: d.status === 'met' && d.metAt ? d.metAt : d.dueAt,
        text: d.status === 'met' ? `Deadline met: ${d.title}${d.metOnTime === false ? ' (late)' : ''}` : d.status === 'missed' ? `Deadline missed: ${d.title}` : `Deadline waived: ${d.title}`,
        missed: d.status === 'missed',
      })),
    ...(incident.closedAt ? [{ at: incident.closedAt, text: 'The incident was closed.' }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));

  replaceChildren(root,
    h('p', { class: 'lede' }, `Declared ${formatDateTime(incident.declaredAt)}. `,
      incident.status === 'CLOSED' ? `Closed ${formatDateTime(incident.closedAt)}.` : 'The investigation is open.'),
    h('ul', { class: 'stats', 'aria-label': 'Deadline record' },
      h('li', {}, h('strong', {}, String(incident.deadlines.met)), 'deadlines met'),
      h('li', {}, h('strong', {}, String(incident.deadlines.missed)), 'deadlines missed'),
      h('li', {}, h('strong', {}, String(incident.deadlines.open)), 'still to come'),
      h('li', {}, h('strong', {}, String(incident.publishedStatements)), 'statements published')),
    h('section', { 'aria-labelledby': 'promised-heading' },
      h('h2', { id: 'promised-heading' }, 'What the plan promised, and when'),
      h('p', {}, 'The City\'s Critical Incident Communications Plan sets these deadlines for every incident of this severity.'),
      promises.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'promises' },
          h('caption', { class: 'visually-hidden' }, 'Deadlines and whether they were met'),
          h('thead', {}, h('tr', {}, ['Promise', 'Due by', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, promises)))
        : h('p', {}, 'No deadlines yet.')),
    h('section', { 'aria-labelledby': 'published-heading' },
      h('h2', { id: 'published-heading' }, 'What the City published'),
      statements.length ? statements : h('p', {}, 'Nothing has been published yet.')),
    h('section', { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Timeline'),
      h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: e.missed ? 'overdue' : '' }, timeEl(e.at), e.text)))),
    h('p', { class: 'small' }, 'Follow new statements with the ', h('a', { href: '/feeds/statements.atom' }, 'Atom feed'),
      ' or add upcoming deadlines to your calendar with the ', h('a', { href: '/feeds/deadlines.ics' }, 'calendar feed'), '.'));
}

async function start() {
  try {
    render(await api('GET', `/api/public/incidents/${encodeURIComponent(number)}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replaceChildren(root, h('p', {}, 'There is no incident with this number. ', h('a', { href: '/' }, 'See all incidents')));
    } else showPageError(root, err);
  }
}

start();
