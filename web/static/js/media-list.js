// The media list: the newsrooms that receive every published statement by
// email. Kept by the roles the policy grants manageMediaList; a newsroom that
// unsubscribed itself stays listed as such and cannot be put back by staff.
import {
  h, api, requireSignIn, may, fetchPolicy, rolesGranted, replaceChildren, onSubmit, field, showFormSuccess, badge, timeEl,
  showPageError, t, siteLanguages, languageNameInPage,
} from './lib.js';

const root = document.getElementById('media-list');
const table = h('div', { id: 'media-contacts' });

async function start() {
  const me = await requireSignIn();
  const policy = await fetchPolicy();
  if (!may(me, policy, 'manageMediaList')) {
    replaceChildren(root, h('div', { class: 'card callout' }, h('p', {}, t('mediaList.onlyFor', { roles: rolesGranted(policy, 'manageMediaList') }))));
    return;
  }
  replaceChildren(root, addForm(), table);
  await load();
}

async function load() {
  const { contacts } = await api('GET', '/api/media-list');
  const columns = [t('mediaList.colOutlet'), t('mediaList.colEmail'), t('mediaList.colLanguage'), t('mediaList.colStatus'), t('mediaList.colAdded'), ''];
  replaceChildren(table, contacts.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'media-contacts-table' },
      h('caption', { class: 'visually-hidden' }, t('mediaList.caption')),
      h('thead', {}, h('tr', {}, columns.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, contacts.map((c) => h('tr', {},
        h('td', { 'data-label': columns[0] }, c.outlet),
        h('td', { 'data-label': columns[1] }, c.email),
        h('td', { 'data-label': columns[2] }, languageNameInPage(c.language)),
        h('td', { 'data-label': columns[3] }, badge(c.status)),
        h('td', { 'data-label': columns[4] }, timeEl(c.addedAt)),
        h('td', {}, h('button', {
          type: 'button',
          class: 'link-button',
          'aria-label': t('mediaList.removeLabel', { outlet: c.outlet }),
          onclick: async () => {
            if (!confirm(t('mediaList.removeConfirm', { outlet: c.outlet }))) return;
            await api('DELETE', `/api/media-list/${encodeURIComponent(c.id)}`);
            await load();
          },
        }, t('mediaList.remove'))))))))
    : h('p', {}, t('mediaList.empty')));
}

function addForm() {
  const language = h('select', { name: 'language', id: 'media-language' },
    siteLanguages().map((code) => h('option', { value: code, lang: code }, languageNameInPage(code))));
  const form = h('form', { id: 'media-form', novalidate: true },
    h('div', { class: 'form-status', 'aria-live': 'assertive' }),
    field({ label: t('mediaList.outlet'), control: h('input', { type: 'text', name: 'outlet', id: 'media-outlet', maxlength: '200', autocomplete: 'organization' }) }),
    field({ label: t('mediaList.email'), control: h('input', { type: 'email', name: 'email', id: 'media-email', maxlength: '254', spellcheck: 'false' }) }),
    field({ label: t('mediaList.language'), control: language }),
    h('button', { type: 'submit' }, t('mediaList.add')));
  onSubmit(form, async () => {
    await api('POST', '/api/media-list', { outlet: form.outlet.value, email: form.email.value, language: language.value });
    form.reset();
    showFormSuccess(form, t('mediaList.added'));
    await load();
  });
  return h('section', { class: 'card', 'aria-labelledby': 'media-add-heading' }, h('h2', { id: 'media-add-heading' }, t('mediaList.addHeading')), form);
}

start().catch((err) => showPageError(root, err));
