// Delivery log: every message for an incident, its channel and status, as the
// providers reported it. Refreshes itself while open.
import {
  h, api, ApiError, requireSignIn, may, fetchPolicy, rolesGranted, replaceChildren, badge, timeEl, refreshEvery, showPageError, humanise, plainMessage,
  statusLabel, t,
} from './lib.js';

const root = document.getElementById('deliveries');
const CHANNEL_LABEL_KEYS = { SMS: 'deliveries.sms', EMAIL: 'deliveries.email', VOICE: 'deliveries.voice' };

async function start() {
  const me = await requireSignIn();
  const policy = await fetchPolicy();
  if (!may(me, policy, 'readDeliveryLog')) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, t('deliveries.onlyFor', { roles: rolesGranted(policy, 'readDeliveryLog', 'and') }))));
    return;
  }
  const { incidents } = await api('GET', '/api/incidents?limit=100');
  const params = new URLSearchParams(location.search);
  const chosen = params.get('incident') || (incidents[0] && incidents[0].number) || '';

  const select = h('select', { id: 'incident-select', name: 'incident' },
    incidents.map((i) => h('option', { value: i.number, selected: i.number === chosen ? true : null }, `${i.number}: ${i.title}`)));
  const picker = h('form', { id: 'pick-incident', method: 'get', action: '/console/deliveries', class: 'inline-form' },
    h('div', { class: 'field' }, h('label', { for: 'incident-select' }, t('deliveries.incident')), select),
    h('button', { type: 'submit', class: 'secondary' }, t('deliveries.show')));
  const summary = h('p', { id: 'delivery-summary' });
  const table = h('div', { id: 'delivery-table' });
  replaceChildren(root, incidents.length ? picker : h('p', {}, t('deliveries.noIncidents')), summary, table);
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
  replaceChildren(summary, t('deliveries.count', { count: notifications.length }),
    Object.entries(byStatus).map(([status, count]) => [badge(status, `${count} ${statusLabel(status).toLowerCase()}`), ' ']));
  const idToRow = new Map(notifications.map((n) => [n.id, n]));
  const rows = notifications.map((n) => {
    const fallbackFor = n.fallbackForId && idToRow.get(n.fallbackForId);
    return h('tr', { class: n.status === 'FAILED' || n.status === 'UNDELIVERABLE' ? 'overdue' : '' },
      h('td', { 'data-label': t('deliveries.colCreated') }, timeEl(n.createdAt)),
      h('td', { 'data-label': t('deliveries.colTo') }, n.personName || '—', h('div', { class: 'small muted' }, n.toAddress)),
      h('td', { 'data-label': t('deliveries.colChannel') }, t(CHANNEL_LABEL_KEYS[n.channel] || 'deliveries.email'),
        fallbackFor ? h('div', { class: 'small' }, t(fallbackFor.channel === 'SMS' ? 'deliveries.fallbackAfterSms' : 'deliveries.fallbackAfterEmail')) : null),
      h('td', { 'data-label': t('deliveries.colPurpose') }, humanise(n.purpose), n.subject ? h('div', { class: 'small muted' }, n.subject) : null),
      h('td', { 'data-label': t('deliveries.colStatus') }, badge(n.status), n.providerStatus ? h('div', { class: 'small muted' }, t('deliveries.provider', { status: n.providerStatus })) : null,
        n.lastError ? h('div', { class: 'small' }, n.lastError) : null),
      h('td', { 'data-label': t('deliveries.colAttempts') }, String(n.attempts)));
  });
  const columns = ['colCreated', 'colTo', 'colChannel', 'colPurpose', 'colStatus', 'colAttempts'].map((key) => t(`deliveries.${key}`));
  replaceChildren(table, rows.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'notifications-table' },
      h('caption', { class: 'visually-hidden' }, t('deliveries.caption')),
      h('thead', {}, h('tr', {}, columns.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, rows)))
    : h('p', {}, t('deliveries.none')));
}

start().catch((err) => showPageError(root, err));
