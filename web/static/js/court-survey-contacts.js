// The court clerk's page (Goal 3): record a person whose case closed (or a
// CSV file of them, all rows or none), and see each invitation's status with
// the address masked. Recording is granted by the policy (recordCourtContacts).
import {
  h, api, requireSignIn, may, fetchPolicy, rolesGranted, replaceChildren, onSubmit, field, showFormSuccess, badge, timeEl,
  showPageError, t, siteLanguages, languageNameInPage,
} from './lib.js';

const root = document.getElementById('court-survey-contacts');
const list = h('div', { id: 'court-survey-list' });
const w = (key, values) => t(`survey:console.${key}`, values);

async function start() {
  const me = await requireSignIn();
  const policy = await fetchPolicy();
  if (!may(me, policy, 'recordCourtContacts')) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, w('onlyFor', { roles: rolesGranted(policy, 'recordCourtContacts') }))));
    return;
  }
  replaceChildren(root, recordForm(), importForm(), h('h2', {}, w('listHeading')), list);
  await load();
}

async function load() {
  const { contacts } = await api('GET', '/api/court-survey/contacts');
  const columns = [w('name'), w('address'), w('language'), w('caseClosedOn'), w('status'), w('recordedOn')];
  replaceChildren(list, contacts.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'court-survey-table' },
      h('caption', { class: 'visually-hidden' }, w('listHeading')),
      h('thead', {}, h('tr', {}, columns.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, contacts.map((c) => h('tr', { 'data-contact': c.id },
        h('td', { 'data-label': columns[0] }, c.name || '—'),
        h('td', { 'data-label': columns[1] }, c.address || '—'),
        h('td', { 'data-label': columns[2] }, languageNameInPage(c.language)),
        h('td', { 'data-label': columns[3] }, c.caseClosedOn),
        h('td', { 'data-label': columns[4] }, badge(c.status)),
        h('td', { 'data-label': columns[5] }, timeEl(c.recordedAt)))))))
    : h('p', {}, w('none')));
}

function recordForm() {
  const language = h('select', { name: 'language', id: 'contact-language' },
    siteLanguages().map((code) => h('option', { value: code, lang: code }, languageNameInPage(code))));
  const channel = h('select', { name: 'channel', id: 'contact-channel' },
    ['EMAIL', 'SMS'].map((value) => h('option', { value }, t(`common:channels.${value}`))));
  const form = h('form', { id: 'contact-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: w('name'), control: h('input', { type: 'text', name: 'name', id: 'contact-name', maxlength: '200', autocomplete: 'off' }) }),
    field({ label: w('channel'), control: channel }),
    field({ label: w('address'), control: h('input', { type: 'text', name: 'address', id: 'contact-address', maxlength: '254', spellcheck: 'false', autocomplete: 'off' }) }),
    field({ label: w('language'), control: language }),
    field({ label: w('caseClosedOn'), control: h('input', { type: 'date', name: 'caseClosedOn', id: 'contact-caseClosedOn' }) }),
    h('button', { type: 'submit' }, w('record')));
  onSubmit(form, async () => {
    const name = form.elements.name.value.trim();
    await api('POST', '/api/court-survey/contacts', {
      ...(name ? { name } : {}),
      channel: channel.value,
      address: form.elements.address.value,
      language: language.value,
      caseClosedOn: form.elements.caseClosedOn.value,
    });
    form.reset();
    showFormSuccess(form, w('recorded'));
    await load();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'contact-heading' }, h('h2', { id: 'contact-heading' }, w('heading')), form);
}

function importForm() {
  const file = h('input', { type: 'file', name: 'file', id: 'contact-csv', accept: '.csv,text/csv' });
  const form = h('form', { id: 'contact-import', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    h('p', { class: 'hint' }, w('csvHint')),
    field({ label: w('csvFile'), control: file }),
    h('button', { type: 'submit' }, w('import')));
  onSubmit(form, async () => {
    const text = file.files && file.files[0] ? await file.files[0].text() : '';
    const result = await api('POST', '/api/court-survey/contacts.csv', text, { 'Content-Type': 'text/csv' });
    form.reset();
    showFormSuccess(form, w('imported', { number: result.imported }));
    await load();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'import-heading' }, h('h2', { id: 'import-heading' }, w('csvHeading')), form);
}

start().catch((err) => showPageError(root, err));
