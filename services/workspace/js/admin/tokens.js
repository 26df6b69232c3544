// API tokens (#/admin/tokens): the account's tokens by description and
// date; a new token's value is shown once, right after it is made (the
// server never shows it again), and any token can be revoked.
import { get, post, api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { $, h, replace, announce } from '../dom.js';
import { useCss, row, input, section, heading, attempt, confirmDelete } from './settings_kit.js';

export async function render(body, opts, fresh) {
  await useCss();
  const tokens = (await get('/api/v2/api_tokens')).api_tokens || [];
  if (!body.isConnected) return;
  replace(body, heading(t('admin.section.tokens')),
    section('tok-new', t('tok.create'), createForm(body, opts), fresh ? shownOnce(fresh) : null),
    section('tok', t('tok.list'), h('table', { id: 'tok-list', class: 'list' },
      h('caption', {}, t('tok.count', { n: tokens.length })),
      h('thead', {}, h('tr', {}, ['tok.description', 'tok.created_at_col', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, tokens.map((k) => h('tr', { dataset: { token: k.id } },
        h('td', {}, k.description || '–'), h('td', {}, fmtDate(k.created_at)),
        h('td', {}, h('button', { type: 'button', class: 'small', id: `tok-revoke-${k.id}`, 'aria-label': t('tok.revoke_of', { name: k.description || k.id }),
          onclick: async () => {
            if (!confirmDelete(k.description || String(k.id))) return;
            await api('DELETE', `/api/v2/api_tokens/${k.id}`);
            announce(t('tok.revoked'));
            render(body, opts);
          } }, t('tok.revoke')))))))));
  if (fresh) $('#tok-value').focus();
}

function shownOnce(tok) {
  return h('div', { id: 'tok-once', class: 'as-once', role: 'status' },
    h('p', {}, h('strong', {}, t('tok.once'))),
    h('label', { for: 'tok-value' }, t('tok.value')),
    h('input', { id: 'tok-value', readonly: true, value: tok.token, class: 'mono', size: '48' }),
    h('button', { type: 'button', id: 'tok-copy', onclick: async () => {
      $('#tok-value').select();
      try { await navigator.clipboard.writeText(tok.token); announce(t('tok.copied')); } catch { announce(t('tok.copy_hint')); }
    } }, t('tok.copy')));
}

function createForm(body, opts) {
  const form = h('form', { id: 'tok-form', class: 'as-form as-inline', novalidate: true },
    row('tok-description', t('tok.description'), input({ autocomplete: 'off' })),
    h('p', { id: 'tok-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'tok-create', class: 'primary' }, t('tok.create_button')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let made = null;
    if (await attempt(form, 'tok', async () => { made = (await post('/api/v2/api_tokens', { api_token: { description: $('#tok-description').value.trim() } })).api_token; }, t('tok.created'))) {
      await render(body, opts, made);
    }
  });
  return form;
}
