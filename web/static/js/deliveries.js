// Delivery log: every message for an incident, its channel and status, as the
// providers reported it. Refreshes itself while open.
import {
  h, api, ApiError, requireSignIn, may, fetchPolicy, rolesGranted, replaceChildren, badge, timeEl, refreshEvery, showPageError, humanise, plainMessage,
} from './lib.js';

const root = document.getElementById('deliveries');
const CHANNEL_LABELS = { SMS: 'Text (SMS)', EMAIL: 'Email', VOICE: 'Phone call' };

async function start() {
  const me = await requireSignIn();
  const policy = await fetchPolicy();
  if (!may(me, policy, 'readDeliveryLog')) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, `The delivery log is for ${rolesGranted(policy, 'readDeliveryLog', 'and')}.`)));
    return;
  }
  const { incidents } = await api('GET', '/api/incidents?limit=100');
  const params = new URLSearchParams(location.search);
  const chosen = params.get('incident') || (incidents[0] && incidents[0].number) || '';

  const select = h('select', { id: 'incident-select', name: 'incident' },
    incidents.map((i) => h('option', { value: i.number, selected: i.number === chosen ? true : null }, `${i.number}: ${i.title}`)));
  const picker = h('form', { id: 'pick-incident', method: 'get', action: '/console/deliveries', class: 'inline-form' },
    h('div', { class: 'field' }, h('label', { for: 'incident-select' }, 'Incident'), select),
    h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  const summary = h('p', { id: 'delivery-summary' });
  const table = h('div', { id: 'delivery-table' });
  replaceChildren(root, incidents.length ? picker : h('p', {}, 'No incidents yet.'), summary, table);
  if (!chosen) return;

  const load = async () => {
    try {
      const { notifications } = await api('GET', `/api/notifications?incidentId=${encodeURIComponent(chosen)}`);
      render(notifications, summary, table);
    } catch (err) {
      if (err instanceof ApiError) replaceChildren(table, h('p', { class: 'error-summary', role: 'alert' }, plainMessage(err)));
      else throw err;
    }
  };
  await load();
  refreshEvery(5000, load);
}

function render(notifications, summary, table) {
  const byStatus = {};
  for (const n of notifications) byStatus[n.status] = (byStatus[n.status] || 0) + 1;
  replaceChildren(summary, `${notifications.length} messages. `,
    Object.entries(byStatus).map(([status, count]) => [badge(status, `${count} ${humanise(status).toLowerCase()}`), ' ']));
  const idToRow = new Map(notifications.map((n) => [n.id, n]));
  const rows = notifications.map((n) => {
    const fallbackFor = n.fallbackForId && idToRow.get(n.fallbackForId);
    return h('tr', { class: n.status === 'FAILED' || n.status === 'UNDELIVERABLE' ? 'overdue' : '' },
      h('td', { 'data-label': 'Created' }, timeEl(n.createdAt)),
      h('td', { 'data-label': 'To' }, n.personName || '—', h('div', { class: 'small muted' }, n.toAddress)),
      h('td', { 'data-label': 'Channel' }, CHANNEL_LABELS[n.channel] || n.channel,
        fallbackFor ? h('div', { class: 'small' }, `fallback after ${fallbackFor.channel === 'SMS' ? 'text' : 'email'} failed`) : null),
      h('td', { 'data-label': 'Purpose' }, humanise(n.purpose), n.subject ? h('div', { class: 'small muted' }, n.subject) : null),
      h('td', { 'data-label': 'Status' }, badge(n.status), n.providerStatus ? h('div', { class: 'small muted' }, `provider: ${n.providerStatus}`) : null,
        n.lastError ? h('div', { class: 'small' }, n.lastError) : null),
      h('td', { 'data-label': 'Attempts' }, String(n.attempts)));
  });
  replaceChildren(table, rows.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'notifications-table' },
      h('caption', { class: 'visually-hidden' }, 'Messages sent for this incident, oldest first'),
      h('thead', {}, h('tr', {}, ['Created', 'To', 'Channel', 'Purpose', 'Status', 'Attempts'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)))
    : h('p', {}, 'No messages yet.'));
}

start().catch((err) => showPageError(root, err));
