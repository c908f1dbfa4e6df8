// Public action-plan dashboard: progress per goal, a month-by-month trend
// chart (inline SVG, with the numbers in a table too), and overdue items named
// with the group that owns them. Reads only GET /api/public/plans/:id.
import { h, api, ApiError, replaceChildren, mainData, formatDate, badge, showPageError, requireSignIn, refreshEvery, t, locale } from './lib.js';
// The Goal 3 court-user survey's quarterly summary, in its own section of the dashboard.
import './court-survey-summary.js';

const planId = mainData('plan');
const root = document.getElementById('plan');

// Colour and dash both differ, so the lines are told apart without colour too.
const SERIES_STYLE = [
  { stroke: '#0b4f8a', dash: '' },
  { stroke: '#a3141b', dash: '8 4' },
  { stroke: '#1c6b36', dash: '2 3' },
  { stroke: '#5a2e8a', dash: '10 3 2 3' },
  { stroke: '#1b1f24', dash: '4 4' },
];

/**
 * The figures to show and the monthly history. Public page: the latest
 * published snapshot (GET /api/public/plans/:id). Staff page: the live figures
 * (GET /api/plans/:id/dashboard), which change as soon as progress is posted.
 */
function readPlan(body) {
  const plan = body.plan || {};
  const history = (body.history || body.snapshots || []).map((s) => ({
    month: s.month,
    period: s.period,
    takenAt: s.takenAt,
    goals: s.goals || [],
    totals: s.totals || null,
    items: s.items || [],
  }));
  const latest = history[history.length - 1];
  const current = body.current || null;
  return {
    plan,
    history,
    goalTitles: body.goals || [],
    goals: current?.goals || latest?.goals || [],
    items: current?.items || latest?.items || [],
    totals: current?.totals || latest?.totals || null,
    asOf: current?.asOf || latest?.takenAt || null,
    live: !!current,
    finalReport: body.finalReport || null,
  };
}

const groupOf = (item) => item.organisation || item.owner?.organisation || t('plan.unnamedGroup');

function goalCard(goal) {
  const pct = Math.max(0, Math.min(100, Math.round(goal.averagePercent ?? 0)));
  return h('article', { class: 'card goal', 'aria-labelledby': `goal-${goal.number}-title` },
    h('h3', { id: `goal-${goal.number}-title` }, t('plan.goalTitle', { number: goal.number, title: goal.title })),
    h('p', {}, h('strong', {}, t('plan.percent', { percent: pct })), t('plan.acrossItems', { count: goal.items })),
    h('span', { class: 'progress', role: 'img', 'aria-label': t('plan.percentLabel', { percent: pct }) }, progressFill(pct)),
    h('p', { class: 'small' },
      t('plan.goalCounts', { done: goal.done, inProgress: goal.inProgress, blocked: goal.blocked, notStarted: goal.notStarted }),
      goal.overdue ? [', ', h('strong', { class: 'overdue-text' }, t('plan.overdueCount', { count: goal.overdue }))] : '', '.'));
}

/** The bar's width is set through the SVG-free CSSOM, which a strict CSP allows. */
function progressFill(pct) {
  const fill = h('span');
  fill.style.width = `${pct}%`;
  return fill;
}

function trendChart(history, goals) {
  if (history.length === 0) {
    return h('p', {}, t('plan.noSnapshot'));
  }
  const W = 720;
  const H = 300;
  const pad = { left: 48, right: 48, top: 16, bottom: 48 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const x = (i) => pad.left + (history.length === 1 ? innerW / 2 : (i * innerW) / (history.length - 1));
  const y = (v) => pad.top + innerH - (v / 100) * innerH;
  const goalNumbers = goals.length ? goals.map((g) => g.number) : [...new Set(history.flatMap((s) => s.goals.map((g) => g.number)))];

  const grid = [0, 25, 50, 75, 100].map((v) => [
    h('line', { class: 'grid-line', x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v) }),
    h('text', { x: pad.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, `${v}%`),
  ]);
  const labels = history.map((s, i) => h('text', { x: x(i), y: H - pad.bottom + 20, 'text-anchor': 'middle' }, shortPeriod(s.period)));
  const series = goalNumbers.map((n, k) => {
    const style = SERIES_STYLE[k % SERIES_STYLE.length];
    const points = history
      .map((s, i) => {
        const g = s.goals.find((x) => x.number === n);
        return g ? [x(i), y(g.averagePercent ?? 0)] : null;
      })
      .filter(Boolean);
    return h('g', {},
      h('polyline', { points: points.map((p) => p.join(',')).join(' '), fill: 'none', stroke: style.stroke, 'stroke-width': 3, 'stroke-dasharray': style.dash || null }),
      points.map(([cx, cy]) => h('circle', { cx, cy, r: 4, fill: style.stroke })));
  });
  const svg = h('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'trend-title trend-desc' },
    h('title', { id: 'trend-title' }, t('plan.chartTitle')),
    h('desc', { id: 'trend-desc' }, t('plan.chartDesc')),
    grid,
    h('line', { class: 'axis', x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0) }),
    labels,
    series);
  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' }, goalNumbers.map((n, k) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = SERIES_STYLE[k % SERIES_STYLE.length].stroke;
    return h('li', {}, swatch, t('plan.goal', { number: n }));
  }));
  const table = h('details', {}, h('summary', {}, t('plan.showNumbers')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'trend-table' },
      h('caption', {}, t('plan.tableCaption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('plan.month')), goalNumbers.map((n) => h('th', { scope: 'col' }, t('plan.goal', { number: n }))))),
      h('tbody', {}, history.map((s) => h('tr', {}, h('th', { scope: 'row' }, longPeriod(s.period)),
        goalNumbers.map((n) => {
          const g = s.goals.find((x) => x.number === n);
          return h('td', {}, g ? `${Math.round(g.averagePercent ?? 0)}%` : '—');
        })))))));
  return [svg, legend, table];
}

// Month names in the page's language: a calendar month, so no time-zone shift.
const shortMonth = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const longMonth = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
function monthOf(period, format) {
  const m = /^(\d{4})-(\d{2})$/.exec(period || '');
  return m ? format.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : String(period ?? '');
}
const shortPeriod = (period) => monthOf(period, shortMonth);
const longPeriod = (period) => monthOf(period, longMonth);

function overdueList(items) {
  const overdue = items.filter((i) => i.overdue).sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  if (!overdue.length) return h('p', { id: 'overdue-none' }, t('plan.noneOverdue'));
  return h('ul', { class: 'plain-list', id: 'overdue-items' }, overdue.map((i) => {
    const days = Math.max(1, Math.floor((Date.now() - Date.parse(i.dueAt)) / 86_400_000));
    return h('li', { class: 'overdue' },
      h('strong', {}, i.title), h('br'),
      t('plan.overdueLine', { group: groupOf(i), date: formatDate(i.dueAt), count: days }),
      badge(i.status));
  }));
}

function itemsTable(items, goals) {
  if (!items.length) return null;
  const goalTitle = new Map(goals.map((g) => [g.number, g.title]));
  const columns = [t('plan.colItem'), t('plan.colGoal'), t('plan.colOwner'), t('plan.colDue'), t('plan.colProgress')];
  return h('details', {}, h('summary', {}, t('plan.allItems', { count: items.length })),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'plan-items' },
      h('caption', { class: 'visually-hidden' }, t('plan.itemsCaption')),
      h('thead', {}, h('tr', {}, columns.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, items.map((i) => h('tr', { class: i.overdue ? 'overdue' : '' },
        h('td', { 'data-label': columns[0] }, i.title),
        h('td', { 'data-label': columns[1] }, h('abbr', { title: goalTitle.get(i.goalNumber) || '' }, t('plan.goal', { number: i.goalNumber }))),
        h('td', { 'data-label': columns[2] }, groupOf(i)),
        h('td', { 'data-label': columns[3] }, formatDate(i.dueAt)),
        h('td', { 'data-label': columns[4] }, badge(i.status), ` ${i.percentComplete}%`)))))));
}

function render(body) {
  const { plan, history, goalTitles, goals, items, totals, asOf, live, finalReport } = readPlan(body);
  document.getElementById('plan-title').textContent = plan.title || t('plan.defaultHeading');
  document.title = `${plan.title || t('plan.defaultTitle')} · ${t(live ? 'common.consoleSuffix' : 'common.siteSuffix')}`;
  const noFigures = h('div', {},
    h('p', {}, t('plan.noReport')),
    goalTitles.length ? h('ol', {}, goalTitles.map((g) => h('li', {}, g.title))) : null);
  replaceChildren(root,
    h('p', { class: 'lede' },
      plan.startDate ? t('plan.started', { months: plan.months || 12, date: formatDate(plan.startDate) }) : '',
      asOf ? (live ? t('plan.liveAsOf', { date: formatDate(asOf) }) : t('plan.reportOf', { date: formatDate(asOf) })) : ''),
    live ? null : h('p', { class: 'card callout subscribe-callout' }, h('a', { href: '/subscribe' }, t('plan.subscribe')), t('plan.subscribeAfter')),
    totals
      ? h('ul', { class: 'stats', 'aria-label': t('plan.totals'), id: 'plan-totals' },
        h('li', {}, h('strong', {}, String(totals.items)), t('plan.totalItems', { count: totals.items })),
        h('li', {}, h('strong', {}, String(totals.done)), t('plan.totalDone', { count: totals.done })),
        h('li', {}, h('strong', {}, String(totals.inProgress)), t('plan.totalInProgress', { count: totals.inProgress })),
        h('li', {}, h('strong', {}, String(totals.overdue)), t('plan.totalOverdue', { count: totals.overdue })))
      : null,
    finalReport ? h('div', { class: 'card callout' }, h('h2', {}, t('plan.finalReport')), h('p', {}, finalReport.summary || t('plan.closed'))) : null,
    h('section', { 'aria-labelledby': 'goals-heading' }, h('h2', { id: 'goals-heading' }, t('plan.perGoal')),
      goals.length ? h('div', { class: 'grid', id: 'goal-cards' }, goals.map(goalCard)) : noFigures),
    h('section', { 'aria-labelledby': 'trend-heading' }, h('h2', { id: 'trend-heading' }, t('plan.monthByMonth')), trendChart(history, goals)),
    h('section', { 'aria-labelledby': 'overdue-heading' }, h('h2', { id: 'overdue-heading' }, t('plan.overdueHeading')),
      goals.length ? overdueList(items) : h('p', {}, t('plan.overdueLater'))),
    itemsTable(items, goals),
    live ? null : h('section', { 'aria-labelledby': 'comments-heading', id: 'plan-comments' }, h('h2', { id: 'comments-heading' }, t('comments:page.dashboard.title')),
      goalTitles.length ? h('ul', {}, goalTitles.map((g) => h('li', {}, h('a', { href: `/plans/${encodeURIComponent(planId)}/goals/${g.number}` }, `${t('comments:page.goal', { number: g.number })}: ${g.title}`)))) : null));
  if (!live) showCommentFigures();
}

/** Residents' comments, received and answered (on time): the City's promise to answer, counted. */
async function showCommentFigures() {
  const section = document.getElementById('plan-comments');
  try {
    const figures = await api('GET', `/api/public/plans/${encodeURIComponent(planId)}/comment-figures`);
    const rate = figures.onTimeRate === null ? '–' : `${Math.round(figures.onTimeRate * 100)}%`;
    section.insertBefore(h('ul', { class: 'stats', id: 'comment-figures' },
      h('li', {}, h('strong', {}, String(figures.received)), t('comments:page.dashboard.received')),
      h('li', {}, h('strong', {}, String(figures.answered)), t('comments:page.dashboard.answered')),
      h('li', {}, h('strong', {}, String(figures.answeredOnTime)), t('comments:page.dashboard.onTime')),
      h('li', {}, h('strong', {}, rate), t('comments:page.dashboard.rate'))), section.children[1] || null);
  } catch {
    // The figures are extra: the dashboard stands without them.
  }
}

async function start() {
  try {
    const staff = mainData('source') === 'staff';
    if (staff) await requireSignIn();
    let shown = '';
    const load = async () => {
      const body = await api('GET', staff ? `/api/plans/${encodeURIComponent(planId)}/dashboard` : `/api/public/plans/${encodeURIComponent(planId)}`);
      // Re-render only when a figure changed, so open details and focus stay put.
      const signature = JSON.stringify({ ...body, current: body.current ? { ...body.current, asOf: null } : null, live: null });
      if (signature === shown) return;
      shown = signature;
      render(body);
    };
    await load();
    if (staff) refreshEvery(10_000, load);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replaceChildren(root, h('p', {}, t('plan.noSuch'), h('a', { href: '/' }, t('plan.home'))));
    } else showPageError(root, err);
  }
}

start();
