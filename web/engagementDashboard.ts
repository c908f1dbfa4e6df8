// The plan dashboard's Goal 1 section, server-rendered into the plan page:
// sessions promised (the policy's yearly number, pro rata to the day) against
// sessions held, and participation by stakeholder group over the plan year,
// as an inline SVG bar chart with the same numbers in accessible tables.
// The figures come from services/engagementPublicViews.ts.
import { html, type SafeHtml } from '../lib/html';
import type { Translate } from '../lib/i18n';
import type { EngagementFigures } from '../domain/engagementFigures';

const BAR_HEIGHT = 22;
const BAR_GAP = 10;
const LABEL_WIDTH = 190;
const CHART_WIDTH = 560;

function groupChart(t: Translate, figures: EngagementFigures): SafeHtml {
  const max = Math.max(1, ...figures.groups.map((g) => g.total));
  const barSpace = CHART_WIDTH - LABEL_WIDTH - 50;
  const height = figures.groups.length * (BAR_HEIGHT + BAR_GAP) + BAR_GAP;
  return html`<svg class="chart engagement-chart" role="img" aria-labelledby="engagement-chart-title engagement-chart-desc" viewBox="0 0 ${CHART_WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
      <title id="engagement-chart-title">${t('dashboard.chartTitle')}</title>
      <desc id="engagement-chart-desc">${t('dashboard.chartDescription')}</desc>
      ${figures.groups.map((g, i) => {
        const y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP);
        const width = Math.round((g.total / max) * barSpace);
        return html`<g>
        <text x="0" y="${y + BAR_HEIGHT * 0.7}">${g.label}</text>
        <rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="#0b4f8a"></rect>
        <text x="${LABEL_WIDTH + width + 6}" y="${y + BAR_HEIGHT * 0.7}">${g.total}</text>
      </g>`;
      })}
    </svg>`;
}

export function engagementSection(t: Translate, figures: EngagementFigures, policy: { cadence: string; promisedPerYear: number }, sayDate: (iso: string) => string): SafeHtml {
  return html`<section aria-labelledby="engagement-heading" id="engagement" class="card">
      <h2 id="engagement-heading">${t('dashboard.heading')}</h2>
      <p>${t('dashboard.promise', { count: policy.promisedPerYear, cadence: policy.cadence, promisedForPlan: figures.promisedForPlan, promisedToDate: figures.promisedToDate })}</p>
      <p id="engagement-promised-vs-held"><strong>${t('dashboard.promisedVsHeld', { promised: figures.promisedToDate, held: figures.held, scheduled: figures.scheduled })}</strong></p>
      <h3>${t('dashboard.participationHeading')}</h3>
      ${figures.held === 0
        ? html`<p>${t('dashboard.noneHeld')}</p>`
        : html`${groupChart(t, figures)}
      <div class="table-wrap"><table id="engagement-by-group">
        <caption>${t('dashboard.byGroupCaption', { total: figures.totalAttendance })}</caption>
        <thead><tr><th scope="col">${t('public.group')}</th><th scope="col">${t('public.people')}</th></tr></thead>
        <tbody>${figures.groups.map((g) => html`<tr><th scope="row">${g.label}</th><td>${g.total}</td></tr>`)}</tbody>
      </table></div>
      <div class="table-wrap"><table id="engagement-by-session" class="stack">
        <caption>${t('dashboard.perSessionCaption')}</caption>
        <thead><tr><th scope="col">${t('dashboard.session')}</th>${figures.groups.map((g) => html`<th scope="col">${g.label}</th>`)}<th scope="col">${t('public.total')}</th></tr></thead>
        <tbody>${figures.sessions.map(
          (s) =>
            html`<tr><th scope="row">${s.title} <span class="small muted">${sayDate(s.startsAt)}</span></th>${figures.groups.map(
              (g) => html`<td data-label="${g.label}">${s.counts[g.key]}</td>`,
            )}<td data-label="${t('public.total')}">${s.total}</td></tr>`,
        )}</tbody>
      </table></div>`}
      <p><a href="/sessions">${t('dashboard.allSessions')}</a></p>
    </section>`;
}
