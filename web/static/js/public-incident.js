// Public accountability timeline for one incident: what the plan promised and
// when, what was published (and what was withdrawn, with the City's note),
// which deadlines were met, missed or held by counsel. Only the public API is
// used, so nothing private can appear here: a counsel's hold shows when it
// began and its category, never its detail.
import {
  h, api, ApiError, replaceChildren, mainData, formatDateTime, timeEl, countdown, badge, showPageError, t, language,
} from './lib.js';

const number = mainData('incident');
const root = document.getElementById('incident');

const heldText = (held, key = 'incident.hold.heldSince') => t(key, { date: formatDateTime(held.since), reason: held.reason });

function result(d) {
  if (d.status === 'met') {
    return [badge('MET', d.metOnTime === false ? t('incident.metLate') : t('incident.met')), ' ', d.metAt ? h('span', { class: 'small' }, formatDateTime(d.metAt)) : null];
  }
  if (d.status === 'held') {
    return [badge('HELD'), ' ', h('span', { class: 'small held-by-counsel' }, heldText(d.heldByCounsel))];
  }
  if (d.status === 'missed') {
    return [badge('MISSED', t('incident.missed')), d.heldByCounsel ? h('div', { class: 'small held-by-counsel' }, heldText(d.heldByCounsel, 'incident.hold.nowHeldSince')) : null];
  }
  if (d.status === 'waived') return badge('WAIVED', t('incident.waived'));
  return [badge('OPEN', t('incident.notYetDue')), ' ', countdown(d.dueAt)];
}

function moved(d) {
  if (!d.extended) return null;
  return h('div', { class: 'small' }, t(d.movedBy === 'hold' ? 'incident.hold.movedAfter' : 'incident.extended', { date: formatDateTime(d.originalDueAt) }));
}

function holdItem(hold) {
  const ended = hold.status === 'active'
    ? t('incident.hold.lapsesBy', { date: formatDateTime(hold.lapsesAt) })
    : t(hold.status === 'lapsed' ? 'incident.hold.lapsedOn' : 'incident.hold.releasedOn', { date: formatDateTime(hold.endedAt) });
  return h('li', { id: `hold-${hold.id}`, class: hold.status === 'active' ? 'held' : '' },
    badge(hold.status === 'active' ? 'HELD' : hold.status.toUpperCase()), ' ',
    h('strong', {}, t(hold.status === 'active' ? 'incident.hold.sinceLabel' : 'incident.hold.fromLabel')), timeEl(hold.since),
    t('incident.hold.itemAfter', { reason: hold.reason, covers: hold.covers }), ended);
}

/** The feeds speak the page's language when asked to (English is their default). */
const feedUrl = (path) => (language === 'en' ? path : `${path}?lang=${encodeURIComponent(language)}`);

function render(incident) {
  document.getElementById('incident-title').textContent = t('incident.title', { number: incident.number, type: incident.typeLabel });
  document.title = `${t('incident.title', { number: incident.number, type: incident.typeLabel })} · ${t('common.siteSuffix')}`;
  const byKey = new Map(incident.deadlineList.map((d) => [d.key, d]));
  const holds = incident.holds || [];
  const withdrawn = incident.withdrawnStatements || [];

  const promises = incident.deadlineList.map((d) =>
    h('tr', { class: d.status === 'missed' ? 'overdue' : d.status === 'held' ? 'held' : '', 'data-deadline': d.key },
      h('td', { 'data-label': t('incident.promise') }, h('strong', {}, d.title)),
      h('td', { 'data-label': t('incident.dueBy') }, timeEl(d.dueAt),
        d.movedBy === 'extension' ? h('div', { class: 'small' }, t('incident.extended', { date: formatDateTime(d.originalDueAt) })) : moved(d)),
      h('td', { 'data-label': t('incident.result') }, result(d))));

  const statements = incident.statements.map((s) => {
    const met = s.deadlineKey && byKey.get(s.deadlineKey);
    // A statement not written in the page's language shows in its own, and says so.
    const other = s.language && s.language !== language;
    return h('article', { class: 'card', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title`, lang: other ? s.language : null },
      h('h3', { id: `statement-${s.id}-title` }, s.title),
      h('p', { class: 'small', lang: other ? language : null }, t('incident.publishedKind', { kind: s.kindLabel || s.kind }), timeEl(s.publishedAt),
        met ? t('incident.requiredBy', { deadline: met.title.toLowerCase() }) : '.'),
      other ? h('p', { class: 'small muted', lang: language }, t('incident.notTranslated')) : null,
      h('div', { class: 'statement-body' }, s.body));
  });
  const withdrawnCards = withdrawn.map((s) =>
    h('article', { class: 'card withdrawn', id: `statement-${s.id}`, 'aria-labelledby': `statement-${s.id}-title` },
      h('h3', { id: `statement-${s.id}-title` }, t('incident.withdrawn.title', { kind: s.kindLabel })),
      h('p', { class: 'small' }, badge('WITHDRAWN'), t('incident.withdrawn.published'), timeEl(s.publishedAt), t('incident.withdrawn.withdrawn'), timeEl(s.withdrawnAt), '.'),
      h('p', {}, h('strong', {}, t('incident.withdrawn.note')), s.note)));

  const events = [
    { at: incident.declaredAt, text: t('incident.eventDeclared') },
    ...incident.statements.map((s) => ({ at: s.publishedAt, text: t('incident.eventPublished', { title: s.title }) })),
    ...withdrawn.flatMap((s) => [
      { at: s.publishedAt, text: t('incident.withdrawn.eventPublished', { kind: s.kindLabel.toLowerCase() }) },
      { at: s.withdrawnAt, text: t('incident.withdrawn.eventWithdrawn', { kind: s.kindLabel.toLowerCase(), note: s.note }) },
    ]),
    ...holds.flatMap((hold) => [
      { at: hold.since, text: t('incident.hold.eventPlaced', { covers: hold.covers, reason: hold.reason }), held: true },
      ...(hold.endedAt ? [{ at: hold.endedAt, text: t(hold.status === 'lapsed' ? 'incident.hold.eventLapsed' : 'incident.hold.eventReleased') }] : []),
    ]),
    ...incident.deadlineList
      .filter((d) => d.status !== 'open' && d.status !== 'held')
      .map((d) => ({
        at: d.status === 'met' && d.metAt ? d.metAt : d.dueAt,
        text: d.status === 'met'
          ? t(d.metOnTime === false ? 'incident.eventMetLate' : 'incident.eventMet', { title: d.title })
          : d.status === 'missed' ? t('incident.eventMissed', { title: d.title }) : t('incident.eventWaived', { title: d.title }),
        missed: d.status === 'missed',
      })),
    ...(incident.closedAt ? [{ at: incident.closedAt, text: t('incident.eventClosed') }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const activeHolds = holds.filter((hold) => hold.status === 'active');
  replaceChildren(root,
    h('p', { class: 'lede' }, t('incident.declaredOn', { date: formatDateTime(incident.declaredAt) }),
      incident.status === 'CLOSED' ? t('incident.closedOn', { date: formatDateTime(incident.closedAt) }) : t('incident.open')),
    h('p', { class: 'card callout subscribe-callout' }, h('a', { href: `/subscribe?incident=${encodeURIComponent(incident.number)}` }, t('incident.subscribe')),
      t('incident.subscribeAfter')),
    activeHolds.length
      ? h('p', { class: 'card callout', id: 'held-notice' },
        h('strong', {}, t('incident.hold.noticeLead')),
        t('incident.hold.notice', {
          holds: activeHolds.map((hold) => t('incident.hold.noticeHold', { covers: hold.covers, reason: hold.reason, date: formatDateTime(hold.since) })).join('; '),
        }),
        t('incident.hold.noticeAfter', { count: activeHolds.length }))
      : null,
    h('ul', { class: 'stats', 'aria-label': t('incident.record') },
      h('li', {}, h('strong', {}, String(incident.deadlines.met)), t('incident.statsMet', { count: incident.deadlines.met })),
      h('li', {}, h('strong', {}, String(incident.deadlines.missed)), t('incident.statsMissed', { count: incident.deadlines.missed })),
      incident.deadlines.held ? h('li', {}, h('strong', {}, String(incident.deadlines.held)), t('incident.statsHeld', { count: incident.deadlines.held })) : null,
      h('li', {}, h('strong', {}, String(incident.deadlines.open)), t('incident.statsOpen', { count: incident.deadlines.open })),
      h('li', {}, h('strong', {}, String(incident.publishedStatements)), t('incident.statsPublished', { count: incident.publishedStatements }))),
    h('section', { 'aria-labelledby': 'promised-heading' },
      h('h2', { id: 'promised-heading' }, t('incident.promisedHeading')),
      h('p', {}, t('incident.promisedIntro')),
      promises.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'promises' },
          h('caption', { class: 'visually-hidden' }, t('incident.promisesCaption')),
          h('thead', {}, h('tr', {}, [t('incident.promise'), t('incident.dueBy'), t('incident.result')].map((text) => h('th', { scope: 'col' }, text)))),
          h('tbody', {}, promises)))
        : h('p', {}, t('incident.noDeadlines'))),
    holds.length
      ? h('section', { 'aria-labelledby': 'holds-heading', id: 'holds' },
        h('h2', { id: 'holds-heading' }, t('incident.hold.heading')),
        h('p', {}, t('incident.hold.intro')),
        h('ul', { class: 'holds' }, holds.map(holdItem)))
      : null,
    h('section', { 'aria-labelledby': 'published-heading' },
      h('h2', { id: 'published-heading' }, t('incident.publishedHeading')),
      statements.length || withdrawnCards.length ? [...statements, ...withdrawnCards] : h('p', {}, t('incident.nothingPublished'))),
    h('section', { 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, t('incident.timeline')),
      h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: e.missed ? 'overdue' : '' }, timeEl(e.at), e.text)))),
    h('p', { class: 'small' }, t('incident.followBefore'), h('a', { href: feedUrl('/feeds/statements.atom') }, t('incident.atom')),
      t('incident.followMiddle'), h('a', { href: feedUrl('/feeds/deadlines.ics') }, t('incident.ics')), '.'));
}

async function start() {
  try {
    render(await api('GET', `/api/public/incidents/${encodeURIComponent(number)}?lang=${encodeURIComponent(language)}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replaceChildren(root, h('p', {}, t('incident.noSuch'), h('a', { href: '/' }, t('incident.seeAll'))));
    } else showPageError(root, err);
  }
}

start();
