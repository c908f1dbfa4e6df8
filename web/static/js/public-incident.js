// Public accountability timeline for one incident: what the plan promised and
// when, what was published (and what was withdrawn, with the City's note),
// which deadlines were met, missed or held by counsel. Only the public API is
// used, so nothing private can appear here: a counsel's hold shows when it
// began and its category, never its detail.
import {
  h, api, ApiError, replaceChildren, mainData, formatDateTime, timeEl, countdown, badge, humanise, showPageError,
} from './lib.js';

const number = mainData('incident');
const root = document.getElementById('incident');

const heldText = (held, prefix = 'Held') => `${prefix} by counsel since ${formatDateTime(held.since)}, reason: ${held.reason}`;

function result(d) {
  if (d.status === 'met') {
    return [badge('MET', d.metOnTime === false ? 'Met late' : 'Met'), ' ', d.metAt ? h('span', { class: 'small' }, formatDateTime(d.metAt)) : null];
  }
  if (d.status === 'held') {
    return [badge('HELD'), ' ', h('span', { class: 'small held-by-counsel' }, `${heldText(d.heldByCounsel)}.`)];
  }
  if (d.status === 'missed') {
    return [badge('MISSED', 'Missed'), d.heldByCounsel ? h('div', { class: 'small held-by-counsel' }, `${heldText(d.heldByCounsel, 'Now held')}.`) : null];
  }
  if (d.status === 'waived') return badge('WAIVED', 'Waived');
  return [badge('OPEN', 'Not yet due'), ' ', countdown(d.dueAt)];
}

function moved(d) {
  if (!d.extended) return null;
  const why = d.movedBy === 'hold' ? "Moved after a counsel's hold" : 'Extended';
  return h('div', { class: 'small' }, `${why}; first due ${formatDateTime(d.originalDueAt)}`);
}

function holdItem(hold) {
  const ended = hold.status === 'active'
    ? `It lapses no later than ${formatDateTime(hold.lapsesAt)}.`
    : `${hold.status === 'lapsed' ? 'It reached the longest hold the plan allows and lapsed' : 'Released'} ${formatDateTime(hold.endedAt)}.`;
  return h('li', { id: `hold-${hold.id}`, class: hold.status === 'active' ? 'held' : '' },
    badge(hold.status === 'active' ? 'HELD' : hold.status.toUpperCase()), ' ',
    h('strong', {}, `${hold.status === 'active' ? 'Held by counsel since' : 'Held by counsel from'} `), timeEl(hold.since),
    `, reason: ${hold.reason}. Covers ${hold.covers}. ${ended}`);
}

function render(incident) {
  document.getElementById('incident-title').textContent = `Incident ${incident.number}: ${incident.typeLabel}`;
  document.title = `Incident ${incident.number}: ${incident.typeLabel} · Common Ground`;
  const byKey = new Map(incident.deadlineList.map((d) => [d.key, d]));
  const holds = incident.holds || [];
  const withdrawn = incident.withdrawnStatements || [];

  const promises = incident.deadlineList.map((d) =>
    h('tr', { class: d.status === 'missed' ? 'overdue' : d.status === 'held' ? 'held' : '', 'data-deadline': d.key },
      h('td', { 'data-label': 'Promise' }, h('strong', {}, d.title)),
      h('td', { 'data-label': 'Due by' }, timeEl(d.dueAt), moved(d)),
      h('td', { 'data-label': 'Result' }, result(d))));

  const statements = incident.statements.map((s) => {
    const met = s.deadlineKey && byKey.get(s.deadlineKey);
    return h('article', { class: 'card', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title` },
      h('h3', { id: `statement-${s.id}-title` }, s.title),
      h('p', { class: 'small' }, `${humanise(s.kind)}, published `, timeEl(s.publishedAt),
        met ? `. This was the ${met.title.toLowerCase()} the plan requires.` : '.'),
      h('div', { class: 'statement-body' }, s.body));
  });
  const withdrawnCards = withdrawn.map((s) =>
    h('article', { class: 'card withdrawn', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title` },
      h('h3', { id: `statement-${s.id}-title` }, `Withdrawn: ${s.kindLabel}`),
      h('p', { class: 'small' }, badge('WITHDRAWN'), ' Published ', timeEl(s.publishedAt), ', withdrawn ', timeEl(s.withdrawnAt), '.'),
      h('p', {}, h('strong', {}, 'The City\'s note: '), s.note)));

  const events = [
    { at: incident.declaredAt, text: 'The incident was declared and officials were notified.' },
    ...incident.statements.map((s) => ({ at: s.publishedAt, text: `Published: ${s.title}` })),
    ...withdrawn.flatMap((s) => [
      { at: s.publishedAt, text: `Published: a ${s.kindLabel.toLowerCase()}` },
      { at: s.withdrawnAt, text: `Withdrawn: the ${s.kindLabel.toLowerCase()}. ${s.note}` },
    ]),
    ...holds.flatMap((hold) => [
      { at: hold.since, text: `Held by counsel (${hold.covers}), reason: ${hold.reason}.`, held: true },
      ...(hold.endedAt ? [{ at: hold.endedAt, text: `Counsel's hold ${hold.status === 'lapsed' ? 'lapsed at its limit' : 'released'}; paused deadlines run again.` }] : []),
    ]),
    ...incident.deadlineList
      .filter((d) => d.status !== 'open' && d.status !== 'held')
      .map((d) => ({
        at: d.status === 'met' && d.metAt ? d.metAt : d.dueAt,
        text: d.status === 'met' ? `Deadline met: ${d.title}${d.metOnTime === false ? ' (late)' : ''}` : d.status === 'missed' ? `Deadline missed: ${d.title}` : `Deadline waived: ${d.title}`,
        missed: d.status === 'missed',
      })),
    ...(incident.closedAt ? [{ at: incident.closedAt, text: 'The incident was closed.' }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const activeHolds = holds.filter((hold) => hold.status === 'active');
  replaceChildren(root,
    h('p', { class: 'lede' }, `Declared ${formatDateTime(incident.declaredAt)}. `,
      incident.status === 'CLOSED' ? `Closed ${formatDateTime(incident.closedAt)}.` : 'The investigation is open.'),
    activeHolds.length
      ? h('p', { class: 'card callout', id: 'held-notice' },
        h('strong', {}, 'Held by counsel. '),
        `The City Attorney has paused publication (${activeHolds.map((hold) => `${hold.covers}, reason: ${hold.reason}, since ${formatDateTime(hold.since)}`).join('; ')}). `,
        'The deadlines it covers are paused, not missed, and the hold cannot last beyond the limit the plan sets.')
      : null,
    h('ul', { class: 'stats', 'aria-label': 'Deadline record' },
      h('li', {}, h('strong', {}, String(incident.deadlines.met)), 'deadlines met'),
      h('li', {}, h('strong', {}, String(incident.deadlines.missed)), 'deadlines missed'),
      incident.deadlines.held ? h('li', {}, h('strong', {}, String(incident.deadlines.held)), 'held by counsel') : null,
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
    holds.length
      ? h('section', { 'aria-labelledby': 'holds-heading', id: 'holds' },
        h('h2', { id: 'holds-heading' }, 'Counsel\'s holds'),
        h('p', {}, 'The City Attorney may pause publication while a legal matter is pending. The plan limits how long a hold lasts; the reason given is its category.'),
        h('ul', { class: 'holds' }, holds.map(holdItem)))
      : null,
    h('section', { 'aria-labelledby': 'published-heading' },
      h('h2', { id: 'published-heading' }, 'What the City published'),
      statements.length || withdrawnCards.length ? [...statements, ...withdrawnCards] : h('p', {}, 'Nothing has been published yet.')),
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
