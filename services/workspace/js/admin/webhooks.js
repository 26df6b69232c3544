// Settings › Webhooks: the list, create and edit (endpoint, method, format,
// status, the events it subscribes to, authentication), the test call
// (status, headers and time — the API never shows the receiver's body), the
// delivery log with each delivery's attempts, and the dead letters with
// replay. Admins only, as the API.
//   #/admin/webhooks          the list
//   #/admin/webhooks/new      a new webhook
//   #/admin/webhooks/<id>     one webhook, its test, log and dead letters
import { t, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { get, api, post } from '../api.js';
import { field, input, select, showErrors, clearErrors, statusLine, say, busy, heading, link, table } from './content_kit.js';

const HOOKS = '/api/v2/webhooks';
const EVENTS = ['conditional_ticket_events', 'zen:event-type:ticket.created', 'zen:event-type:ticket.updated',
  'zen:event-type:ticket.solved', 'zen:event-type:ticket.comment_added', 'zen:event-type:ticket.sla_warning',
  'zen:event-type:ticket.sla_breached', 'zen:event-type:knowledge.card_expired'];
const eventLabel = (e) => t(`ac.wh.event.${e.replace('zen:event-type:', '')}`);

export async function render(body, { rest }) {
  if (rest[0] === 'new') return editor(body, null);
  if (rest[0]) return page(body, (await get(`${HOOKS}/${encodeURIComponent(rest[0])}`)).webhook);
  return list(body);
}

async function list(body) {
  const hooks = (await get(`${HOOKS}?page[size]=100`)).webhooks || [];
  const rows = hooks.map((w) => h('tr', {},
    h('td', {}, link(`#/admin/webhooks/${w.id}`, w.name, { id: `wh-open-${w.id}` })),
    h('td', {}, h('code', {}, w.endpoint)),
    h('td', {}, h('span', { class: `badge ${w.status === 'active' ? 'ok' : 'warn'}` }, t(`ac.wh.status.${w.status}`))),
    h('td', {}, fmtDate(w.updated_at))));
  replace(body,
    heading(t('admin.section.webhooks'), link('#/admin/webhooks/new', t('ac.wh.new'), { id: 'wh-new', class: 'button primary' })),
    table(t('ac.wh.caption', { n: rows.length }), [t('ac.wh.name'), t('ac.wh.endpoint'), t('ac.wh.status'), t('ac.updated')], rows, { id: 'wh-list' }));
  body.querySelector('h1').focus();
}

function hookForm(w, onSaved) {
  const form = h('form', { id: 'wh-form', class: 'ac-form', novalidate: true });
  const name = input({ value: w.name || '', autocomplete: 'off' });
  const endpoint = input({ type: 'url', value: w.endpoint || '', autocomplete: 'off', placeholder: 'https://' });
  const method = select(['POST', 'PUT', 'PATCH', 'GET', 'DELETE'].map((m) => [m, m]), w.http_method || 'POST');
  const format = select([['json', 'JSON'], ['form_encoded', t('ac.wh.form_encoded')], ['xml', 'XML']], w.request_format || 'json');
  const status = select([['active', t('ac.wh.status.active')], ['inactive', t('ac.wh.status.inactive')]], w.status || 'active');
  const subs = new Set(w.subscriptions || ['conditional_ticket_events']);
  const events = h('fieldset', { class: 'ac-fieldset', id: 'wh-subscriptions', 'aria-describedby': 'wh-subscriptions-err' },
    h('legend', {}, t('ac.wh.subscriptions')),
    EVENTS.map((e, i) => h('div', { class: 'ac-check' },
      h('input', { type: 'checkbox', id: `wh-sub-${i}`, value: e, checked: subs.has(e) ? true : null }),
      h('label', { for: `wh-sub-${i}` }, eventLabel(e)))),
    h('p', { id: 'wh-subscriptions-err', class: 'error ac-err', 'aria-live': 'polite' }));
  // Custom headers: name/value rows (the API refuses bad names, CR/LF and
  // its own signature headers, naming custom_headers).
  const hdrBox = h('ol', { class: 'ac-actions', id: 'wh-headers' });
  let nh = 0;
  const hdrRow = (k, v) => {
    const i = nh++;
    const row = h('li', { class: 'ac-action' },
      input({ id: `wh-hdr-name-${i}`, value: k, autocomplete: 'off', 'aria-label': t('ac.wh.header_name', { n: i + 1 }) }),
      input({ id: `wh-hdr-value-${i}`, value: v, autocomplete: 'off', 'aria-label': t('ac.wh.header_value', { n: i + 1 }) }));
    const rm = h('button', { type: 'button', class: 'ac-small' }, t('ac.remove'));
    rm.addEventListener('click', () => row.remove());
    row.append(rm);
    hdrBox.append(row);
    return row;
  };
  for (const [k, v] of Object.entries(w.custom_headers || {})) hdrRow(k, v);
  const addHdr = h('button', { type: 'button', id: 'wh-add-header' }, t('ac.wh.add_header'));
  addHdr.addEventListener('click', () => hdrRow('', '').querySelector('input').focus());
  const headers = h('fieldset', { class: 'ac-fieldset', id: 'wh-custom_headers', 'aria-describedby': 'wh-custom_headers-err' },
    h('legend', {}, t('ac.wh.headers')), hdrBox,
    h('p', { id: 'wh-custom_headers-err', class: 'error ac-err', 'aria-live': 'polite' }), addHdr);
  const auth = w.authentication || {};
  const authType = select([['', t('ac.wh.auth.none')], ['bearer_token', t('ac.wh.auth.bearer_token')], ['basic_auth', t('ac.wh.auth.basic_auth')], ['api_key', t('ac.wh.auth.api_key')]], auth.type || '');
  const secret1 = input({ autocomplete: 'off', value: (auth.data && (auth.data.username || auth.data.name)) || '' });
  const secret2 = input({ type: 'password', autocomplete: 'new-password' });
  const f1 = field('wh-auth-1', t('ac.wh.auth.user_or_name'), secret1);
  const f2 = field('wh-auth-2', t('ac.wh.auth.secret'), secret2, w.id ? t('ac.wh.auth.kept') : null);
  const showAuth = () => { f1.hidden = !['basic_auth', 'api_key'].includes(authType.value); f2.hidden = !authType.value; };
  authType.addEventListener('change', showAuth);
  showAuth();
  const st = statusLine('wh-status-line');
  const save = h('button', { type: 'submit', id: 'wh-save', class: 'primary' }, t('ac.save'));
  const del = w.id ? h('button', { type: 'button', id: 'wh-delete', class: 'danger' }, t('ac.delete')) : null;
  replace(form,
    field('wh-name', t('ac.wh.name'), name),
    field('wh-endpoint', t('ac.wh.endpoint'), endpoint),
    field('wh-http_method', t('ac.wh.method'), method),
    field('wh-request_format', t('ac.wh.format'), format),
    field('wh-status', t('ac.wh.status'), status),
    events,
    field('wh-authentication', t('ac.wh.auth.type'), authType), f1, f2,
    headers,
    h('div', { class: 'ac-buttons' }, save, del, link('#/admin/webhooks', t('ac.back'))), st);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const out = { name: name.value, endpoint: endpoint.value, http_method: method.value, request_format: format.value, status: status.value,
      subscriptions: [...form.querySelectorAll('[id^="wh-sub-"]:checked')].map((c) => c.value),
      custom_headers: Object.fromEntries([...hdrBox.querySelectorAll('li')]
        .map((li) => [li.querySelector('[id^="wh-hdr-name-"]').value.trim(), li.querySelector('[id^="wh-hdr-value-"]').value])
        .filter(([k]) => k)) };
    const at = authType.value;
    if (at && (secret2.value || !w.id || at !== auth.type)) {
      const data = at === 'bearer_token' ? { token: secret2.value } : at === 'basic_auth' ? { username: secret1.value, password: secret2.value } : { name: secret1.value, value: secret2.value };
      out.authentication = { type: at, data, add_position: 'header' };
    } else if (!at && w.authentication) out.authentication = null;
    busy(save, async () => {
      if (w.id) { await api('PATCH', `${HOOKS}/${w.id}`, { webhook: out }); say(st, t('ac.saved')); onSaved(w.id); } else {
        const saved = (await post(HOOKS, { webhook: out })).webhook;
        location.hash = `#/admin/webhooks/${saved.id}`;
      }
    }, (e) => showErrors(form, 'wh', e, st));
  });
  if (del) del.addEventListener('click', () => busy(del, async () => {
    if (!confirm(t('ac.wh.confirm_delete', { name: w.name }))) return;
    await api('DELETE', `${HOOKS}/${w.id}`);
    location.hash = '#/admin/webhooks';
  }, (e) => say(st, e.message, true)));
  return form;
}

async function editor(body, w) {
  const form = hookForm(w || {}, () => {});
  replace(body, heading(t('ac.wh.new')), form);
  form.querySelector('input').focus();
}

// ---- signing secret, test, log, dead letters ----

// The signing secret receivers check X-Zendesk-Webhook-Signature with:
// shown on request only, and replaceable (the old one stops at once).
function secretPanel(w) {
  const slot = h('p', { id: 'wh-secret', 'aria-live': 'polite' });
  const show = h('button', { type: 'button', id: 'wh-secret-show' }, t('ac.wh.secret_show'));
  const reset = h('button', { type: 'button', id: 'wh-secret-reset', class: 'danger' }, t('ac.wh.secret_reset'));
  const showSecret = (s) => replace(slot, h('code', { class: 'ac-code' }, s.secret), ' ', h('span', { class: 'meta' }, s.algorithm));
  show.addEventListener('click', () => busy(show, async () => showSecret((await get(`${HOOKS}/${w.id}/signing_secret`)).signing_secret),
    (e) => say(slot, e.message, true)));
  reset.addEventListener('click', () => busy(reset, async () => {
    if (!confirm(t('ac.wh.secret_confirm'))) return;
    showSecret((await post(`${HOOKS}/${w.id}/signing_secret`)).signing_secret);
  }, (e) => say(slot, e.message, true)));
  return h('section', { 'aria-labelledby': 'wh-secret-h' },
    h('h2', { id: 'wh-secret-h' }, t('ac.wh.secret')), h('p', { class: 'meta' }, t('ac.wh.secret_help')),
    h('div', { class: 'ac-buttons' }, show, reset), slot);
}

function testPanel(w, onDone) {
  const payload = h('textarea', { rows: 4, class: 'ac-code', spellcheck: 'false' }, '{"type":"zen:event-type:webhook.test","detail":{"message":"웹훅 테스트"}}');
  const run = h('button', { type: 'button', id: 'wh-test', class: 'primary' }, t('ac.wh.test_run'));
  const result = h('div', { id: 'wh-test-result', 'aria-live': 'polite' });
  run.addEventListener('click', () => busy(run, async () => {
    let pl = payload.value.trim();
    try { pl = pl ? JSON.parse(pl) : undefined; } catch { /* sent as text */ }
    const r = (await post(`${HOOKS}/test?webhook_id=${encodeURIComponent(w.id)}`, { request: pl === undefined ? {} : { payload: pl } })).response;
    const ok = r.status_code >= 200 && r.status_code < 300;
    replace(result,
      h('p', { id: 'wh-test-code' }, h('span', { class: `badge ${ok ? 'ok' : 'warn'}` }, r.status_code ? t('ac.wh.test_status', { code: r.status_code, ms: r.duration_ms }) : t('ac.wh.test_no_answer', { error: r.error || '' }))),
      r.error && r.status_code ? h('p', { class: 'error' }, r.error) : null,
      (r.headers || []).length ? h('details', {}, h('summary', {}, t('ac.wh.test_headers', { n: r.headers.length })),
        h('dl', { class: 'ac-headers' }, r.headers.map((x) => [h('dt', {}, x.key), h('dd', {}, x.value)]))) : null);
    await onDone();
  }, (e) => replace(result, h('p', { class: 'error', role: 'alert' }, e.message))));
  return h('section', { id: 'wh-test-section', 'aria-labelledby': 'wh-test-h' },
    h('h2', { id: 'wh-test-h' }, t('ac.wh.test')),
    field('wh-test-payload', t('ac.wh.test_payload'), payload, t('ac.wh.test_hint')), run, result);
}

const deliveryStatus = (s) => h('span', { class: `badge ${s === 'success' ? 'ok' : 'warn'}` }, t(`ac.wh.delivery.${s}`));

async function attemptsOf(w, d, slot) {
  const list = (await get(`${HOOKS}/${w.id}/invocations/${d.id}/attempts`)).attempts || [];
  replace(slot, h('ol', { class: 'ac-attempts' }, list.map((a) => h('li', {},
    `${fmtDate(a.started_at)} · ${a.status_code || '–'} · ${t(`ac.wh.outcome.${a.status}`)} · ${a.duration_ms} ms`, a.error ? ` · ${a.error}` : ''))));
}

function logRow(w, d, extra) {
  const slot = h('div', { id: `wh-attempts-${d.id}` });
  const more = h('button', { type: 'button', class: 'ac-small', id: `wh-show-${d.id}`, 'aria-controls': `wh-attempts-${d.id}` }, t('ac.wh.attempts', { n: d.attempts }));
  more.addEventListener('click', () => busy(more, () => attemptsOf(w, d, slot), (e) => replace(slot, h('p', { class: 'error' }, e.message))));
  return h('tr', { id: `wh-row-${d.id}` },
    h('td', {}, fmtDate(d.created_at)),
    h('td', {}, eventLabel(d.event_type) === `ac.wh.event.${d.event_type.replace('zen:event-type:', '')}` ? d.event_type : eventLabel(d.event_type)),
    h('td', {}, deliveryStatus(d.status)),
    h('td', {}, d.status_code ? String(d.status_code) : '–'),
    h('td', {}, more, slot, d.last_error ? h('p', { class: 'meta' }, d.last_error) : null),
    extra ? h('td', {}, extra) : null);
}

async function logTable(w) {
  const inv = (await get(`${HOOKS}/${w.id}/invocations?page[size]=50`)).invocations || [];
  return table(t('ac.wh.log_caption', { n: inv.length }),
    [t('ac.wh.when'), t('ac.wh.event'), t('ac.wh.result'), t('ac.wh.code'), t('ac.wh.attempts_h')],
    inv.map((d) => logRow(w, d)), { id: 'wh-log' });
}

async function deadTable(w, status, refresh) {
  const dead = (await get(`/api/v2/hd/webhooks/${w.id}/dead_letters?page[size]=50`)).dead_letters || [];
  return table(t('ac.wh.dead_caption', { n: dead.length }),
    [t('ac.wh.when'), t('ac.wh.event'), t('ac.wh.result'), t('ac.wh.code'), t('ac.wh.attempts_h'), t('ac.wh.replay_h')],
    dead.map((d) => {
      const replay = h('button', { type: 'button', id: `wh-replay-${d.id}` }, t('ac.wh.replay'));
      replay.addEventListener('click', () => busy(replay, async () => {
        await post(`/api/v2/hd/webhooks/${w.id}/dead_letters/${d.id}/replay`);
        say(status, t('ac.wh.replayed', { id: d.id }));
        await refresh();
      }, (e) => say(status, e.message, true)));
      return logRow(w, d, replay);
    }), { id: 'wh-dead' });
}

async function page(body, w) {
  const status = statusLine('wh-log-status');
  const logSlot = h('div', { id: 'wh-log-slot' });
  const deadSlot = h('div', { id: 'wh-dead-slot' });
  const refresh = async () => {
    replace(logSlot, await logTable(w));
    replace(deadSlot, await deadTable(w, status, refresh));
  };
  const reload = h('button', { type: 'button', id: 'wh-refresh' }, t('ac.wh.refresh'));
  reload.addEventListener('click', () => busy(reload, refresh, (e) => say(status, e.message, true)));
  const form = hookForm(w, async (id) => { Object.assign(w, (await get(`${HOOKS}/${id}`)).webhook); });
  replace(body,
    heading(t('ac.wh.edit', { name: w.name })),
    h('details', { id: 'wh-settings', class: 'ac-details' }, h('summary', {}, t('ac.wh.settings')), form),
    secretPanel(w),
    testPanel(w, refresh),
    h('section', { 'aria-labelledby': 'wh-log-h' }, h('h2', { id: 'wh-log-h' }, t('ac.wh.log')), reload, status, logSlot),
    h('section', { 'aria-labelledby': 'wh-dead-h' }, h('h2', { id: 'wh-dead-h' }, t('ac.wh.dead')), h('p', { class: 'meta' }, t('ac.wh.dead_help')), deadSlot));
  await refresh();
  body.querySelector('h1').focus();
}
