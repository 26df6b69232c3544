// Settings › Support addresses (Zendesk's recipient_addresses): the
// addresses customers write to, which one is the default, and whether
// forwarding to Hana Desk works. "Verify" mails a token to the address; when
// that mail comes back in through the mail channel (forwarded), the address
// shows as verified. Admins only, as the API.
import { t, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { get, api, post, put } from '../api.js';
import { field, input, showErrors, clearErrors, statusLine, say, busy, heading, table } from './content_kit.js';

const PATH = '/api/v2/recipient_addresses';

const statusBadge = (s) => h('span', { class: `badge ${s === 'verified' ? 'ok' : 'warn'}` }, t(`ac.ad.status.${s}`));

export async function render(body) {
  const list = (await get(PATH)).recipient_addresses || [];
  const status = statusLine('ad-status');
  const reload = async (msg) => { await render(body); if (msg) say(document.getElementById('ad-status'), msg); };
  const rows = list.map((a) => {
    const verify = h('button', { type: 'button', id: `ad-verify-${a.id}` }, a.forwarding_status === 'verified' ? t('ac.ad.verify_again') : t('ac.ad.verify'));
    verify.addEventListener('click', () => busy(verify, async () => {
      await put(`${PATH}/${a.id}/verify`, { type: 'forwarding' });
      await reload(t('ac.ad.sent', { email: a.email }));
    }, (e) => say(status, e.message, true)));
    const makeDefault = a.default ? null : h('button', { type: 'button', id: `ad-default-${a.id}` }, t('ac.ad.make_default'));
    if (makeDefault) makeDefault.addEventListener('click', () => busy(makeDefault, async () => {
      await put(`${PATH}/${a.id}`, { recipient_address: { default: true } });
      await reload(t('ac.saved'));
    }, (e) => say(status, e.message, true)));
    const del = h('button', { type: 'button', id: `ad-delete-${a.id}`, class: 'danger' }, t('ac.delete'));
    del.addEventListener('click', () => busy(del, async () => {
      if (!confirm(t('ac.ad.confirm_delete', { email: a.email }))) return;
      await api('DELETE', `${PATH}/${a.id}`);
      await reload(t('ac.ad.deleted', { email: a.email }));
    }, (e) => say(status, e.message, true)));
    return h('tr', { id: `ad-row-${a.id}` },
      h('td', {}, h('code', {}, a.email), a.default ? [' ', h('span', { class: 'badge ok' }, t('ac.ad.default'))] : null),
      h('td', {}, a.name),
      h('td', { id: `ad-state-${a.id}` }, statusBadge(a.forwarding_status)),
      h('td', {}, fmtDate(a.updated_at)),
      h('td', {}, h('div', { class: 'ac-buttons' }, verify, makeDefault, del)));
  });

  const form = h('form', { id: 'ad-form', class: 'ac-form ac-inline', novalidate: true });
  const name = input({ autocomplete: 'off' });
  const email = input({ type: 'email', autocomplete: 'off', placeholder: 'help@example.com' });
  const add = h('button', { type: 'submit', id: 'ad-add', class: 'primary' }, t('ac.ad.add'));
  replace(form, field('ad-email', t('ac.ad.email'), email), field('ad-name', t('ac.ad.name'), name), add);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(add, async () => {
      await post(PATH, { recipient_address: { name: name.value, email: email.value } });
      await reload(t('ac.saved'));
    }, (e) => showErrors(form, 'ad', e, status));
  });

  replace(body,
    heading(t('admin.section.addresses')),
    h('p', { class: 'meta' }, t('ac.ad.help')),
    status,
    table(t('ac.ad.caption', { n: rows.length }), [t('ac.ad.email'), t('ac.ad.name'), t('ac.ad.forwarding'), t('ac.updated'), t('ac.ad.actions')], rows, { id: 'ad-list' }),
    h('h2', {}, t('ac.ad.add')), form);
  body.querySelector('h1').focus();
}
