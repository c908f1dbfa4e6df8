// The court-user survey on the public plan dashboard (Goal 3): each quarter's
// invitations, responses and response rate; from the policy's minimum number
// of responses on, n, the access, fairness and police indices and the answers
// to each statement; and a trend chart of the indices across quarters
// (inline SVG, the numbers in a table too). Reads only
// GET /api/public/court-survey/summary.
import { h, api, replaceChildren, showPageError, t, language, locale } from './lib.js';

const root = document.getElementById('court-survey');
const w = (key, values) => t(`survey:summary.${key}`, values);
const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const show = (value) => (value === null || value === undefined ? '—' : number.format(value));

const SERIES = [
  { key: 'accessIndex', stroke: '#0b4f8a', dash: '' },
  { key: 'fairnessIndex', stroke: '#a3141b', dash: '8 4' },
  { key: 'policeIndex', stroke: '#1c6b36', dash: '2 3' },
];

function trendChart(quarters) {
  const W = 720;
  const H = 280;
  const pad = { left: 48, right: 32, top: 16, bottom: 44 };
  const innerW = W - pad.left - pad.right;
  const innerH = H - pad.top - pad.bottom;
  const x = (i) => pad.left + (quarters.length === 1 ? innerW / 2 : (i * innerW) / (quarters.length - 1));
  // Indices run from 20 to 100 (CourTools: the mean rating times 20).
  const y = (v) => pad.top + innerH - ((v - 20) / 80) * innerH;
  const grid = [20, 40, 60, 80, 100].map((v) => [
    h('line', { class: 'grid-line', x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v) }),
    h('text', { x: pad.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, String(v)),
  ]);
  const labels = quarters.map((q, i) => h('text', { x: x(i), y: H - pad.bottom + 20, 'text-anchor': 'middle' }, q.quarter));
  const series = SERIES.map((s) => {
    // A suppressed quarter has no point: the line breaks there rather than inventing one.
    const points = quarters.map((q, i) => (q[s.key] === null ? null : [x(i), y(q[s.key])])).filter(Boolean);
    return h('g', { class: `series-${s.key}` },
      points.length > 1 ? h('polyline', { points: points.map((p) => p.join(',')).join(' '), fill: 'none', stroke: s.stroke, 'stroke-width': 3, 'stroke-dasharray': s.dash || null }) : null,
      points.map(([cx, cy]) => h('circle', { cx, cy, r: 4, fill: s.stroke })));
  });
  const svg = h('svg', { class: 'chart', id: 'court-survey-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'court-survey-chart-title court-survey-chart-desc' },
    h('title', { id: 'court-survey-chart-title' }, w('trend')),
    h('desc', { id: 'court-survey-chart-desc' }, w('trendSummary')),
    grid,
    h('line', { class: 'axis', x1: pad.left, x2: W - pad.right, y1: y(20), y2: y(20) }),
    labels,
    series);
  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' }, SERIES.map((s) => {
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = s.stroke;
    return h('li', {}, swatch, w(s.key));
  }));
  return [svg, legend];
}

function quartersTable(summary) {
  const { quarters, minimumResponses } = summary;
  // A wide table scrolls sideways on a phone: the region takes keyboard focus so it can be scrolled without a pointer.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': w('heading') }, h('table', { id: 'court-survey-quarters' },
    h('caption', {}, w('heading')),
    h('thead', {}, h('tr', {}, ['quarter', 'invitations', 'responses', 'responseRate', 'n', 'accessIndex', 'fairnessIndex', 'policeIndex'].map((k) => h('th', { scope: 'col' }, w(k))))),
    h('tbody', {}, quarters.map((q) => h('tr', { 'data-quarter': q.quarter, class: q.suppressed ? 'suppressed' : '' },
      h('th', { scope: 'row' }, `${q.quarter} (${w(q.published ? 'published' : 'toDate')})`),
      h('td', {}, show(q.invitations)),
      h('td', {}, show(q.responses)),
      h('td', {}, q.responseRate === null ? '—' : `${show(q.responseRate)}%`),
      q.suppressed
        ? h('td', { colspan: 4 }, w('suppressed', { minimum: minimumResponses }))
        : [h('td', {}, show(q.n)), h('td', {}, show(q.accessIndex)), h('td', {}, show(q.fairnessIndex)), h('td', {}, show(q.policeIndex))]))),
  ));
}

function questionsTable(summary, quarter) {
  const text = new Map(summary.questions.map((q) => [q.key, q.text]));
  const points = ['1', '2', '3', '4', '5', 'NA'];
  return h('details', { id: 'court-survey-questions' }, h('summary', {}, w('questionsFor', { quarter: quarter.quarter })),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': w('questionsFor', { quarter: quarter.quarter }) }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, w('question')),
        points.map((p) => h('th', { scope: 'col' }, p === 'NA' ? w('notApplicable') : summary.scale[Number(p) - 1])),
        h('th', { scope: 'col' }, w('mean')))),
      h('tbody', {}, quarter.questions.map((q) => h('tr', {},
        h('th', { scope: 'row' }, text.get(q.key) || q.key),
        points.map((p) => h('td', {}, show(q.counts[p]))),
        h('td', {}, show(q.mean))))))));
}

async function load() {
  if (!root) return;
  try {
    const summary = await api('GET', `/api/public/court-survey/summary?lang=${encodeURIComponent(language)}`);
    const published = [...summary.quarters].reverse().find((q) => !q.suppressed);
    replaceChildren(root,
      h('h2', { id: 'court-survey-heading' }, w('heading')),
      h('p', {}, w('lede')),
      summary.quarters.length
        ? [trendChart(summary.quarters), quartersTable(summary), published ? questionsTable(summary, published) : null]
        : h('p', {}, w('none')),
      h('p', { class: 'small' }, w('method', { minimum: summary.minimumResponses })));
  } catch (err) {
    showPageError(root, err);
  }
}

load();
