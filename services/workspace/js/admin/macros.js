// Settings › Macros: shared and personal macros (list, create, edit with an
// action builder fed by /macros/actions, groups, agents and the ticket
// fields) and the review queue of macros proposed from solved tickets
// (inactive, review_required: accept activates, reject deletes).
//   #/admin/macros            the list
//   #/admin/macros/new        a new macro
//   #/admin/macros/<id>       one macro
//   #/admin/macros/review     the review queue
import { t, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { get, api, post, put } from '../api.js';
import { session } from '../state.js';
import { field, input, select, showErrors, clearErrors, statusLine, say, busy, heading, link, table, staffOptions, groupOptions } from './content_kit.js';

const isAdmin = () => session.user?.role === 'admin';

export async function render(body, { rest }) {
  if (rest[0] === 'review') return review(body);
  if (rest[0] === 'new') return editor(body, null);
  if (rest[0]) return editor(body, (await get(`/api/v2/macros/${encodeURIComponent(rest[0])}`)).macro);
  return list(body);
}

function tabs(current, pending) {
  const tab = (id, href, label) => h('a', { href, class: 'ac-tab', 'aria-current': id === current ? 'page' : null }, label);
  return h('nav', { class: 'ac-tabs', 'aria-label': t('ac.macros.tabs') },
    tab('list', '#/admin/macros', t('ac.macros.list')),
    isAdmin() ? tab('review', '#/admin/macros/review', pending === undefined ? t('ac.macros.review') : t('ac.macros.review_n', { n: pending })) : null);
}

function scopeOf(m) {
  const r = m.restriction;
  if (!r) return t('ac.macros.shared');
  if (r.type === 'User') return t('ac.macros.personal');
  return t('ac.macros.group_only');
}

async function allMacros(query = '') {
  const out = [];
  let path = `/api/v2/macros?per_page=100&include=usage_7d${query}`;
  for (let i = 0; path && i < 20; i++) {
    const d = await get(path);
    out.push(...(d.macros || []));
    path = d.next_page ? new URL(d.next_page, location.href).pathname + new URL(d.next_page, location.href).search : null;
  }
  return out;
}

const proposals = (macros) => macros.filter((m) => m.review_required && !m.active);

async function list(body) {
  const macros = await allMacros();
  const pending = proposals(macros).length;
  const rows = macros.filter((m) => !m.review_required || m.active).map((m) => h('tr', {},
    h('td', {}, link(`#/admin/macros/${m.id}`, m.title, { id: `mc-open-${m.id}` })),
    h('td', {}, scopeOf(m)),
    h('td', {}, m.active ? t('ac.yes') : t('ac.no')),
    h('td', {}, String((m.actions || []).length)),
    h('td', {}, String(m.usage_7d ?? 0)),
    h('td', {}, fmtDate(m.updated_at))));
  replace(body,
    heading(t('admin.section.macros'), link('#/admin/macros/new', t('ac.macros.new'), { id: 'mc-new', class: 'button primary' })),
    tabs('list', pending),
    table(t('ac.macros.caption', { n: rows.length }), [t('ac.macros.title'), t('ac.macros.scope'), t('ac.macros.active'), t('ac.macros.actions'), t('ac.macros.usage_7d'), t('ac.updated')], rows, { id: 'mc-list' }));
  body.querySelector('h1').focus();
}

// ---- the action builder ----

// The fields an action may set: the API's definitions, then the ticket's
// custom fields (custom_fields_<id>).
async function definitions() {
  let defs = [];
  try { defs = (await get('/api/v2/macros/actions')).actions || []; } catch { defs = []; }
  try {
    for (const f of (await get('/api/v2/ticket_fields?per_page=100')).ticket_fields || []) {
      if (f.removable === false || f.active === false) continue; // system fields have actions of their own
      defs.push({
        output_key: `custom_fields_${f.id}`, title: f.title, custom: true,
        type: f.custom_field_options ? 'list' : f.type === 'checkbox' ? 'list' : 'text',
        values: f.custom_field_options ? f.custom_field_options.map((o) => ({ value: o.value, title: o.name }))
          : f.type === 'checkbox' ? [{ value: 'true', title: t('ac.yes') }, { value: 'false', title: t('ac.no') }] : [],
      });
    }
  } catch { /* no fields to offer */ }
  return defs;
}

const fieldLabel = (d) => (d.custom ? d.title : t(`ac.macros.field.${d.output_key}`) === `ac.macros.field.${d.output_key}` ? d.title : t(`ac.macros.field.${d.output_key}`));

function valueLabel(d, v) {
  const key = `ac.macros.value.${d.output_key}.${v.value}`;
  const s = t(key);
  return s === key ? v.title : s;
}

// The value control for definition d (id fixed by the caller).
function valueControl(d, value, ctx) {
  // A comment may be stored as [channel, text] (Zendesk's form): edit the text.
  const list = Array.isArray(value) ? (d && d.output_key.startsWith('comment_value') ? [value[value.length - 1]] : value) : null;
  const v = value === undefined || value === null ? '' : list ? list.join(' ') : String(value);
  if (!d) return input({ value: v });
  if (d.type === 'list') return select(d.values.map((x) => [x.value, valueLabel(d, x)]), v);
  if (d.type === 'group') return select([['', t('ac.choose')], ...ctx.groups], v);
  if (d.type === 'user') return select([['', t('ac.choose')], ...d.values.map((x) => [x.value, valueLabel(d, x)]), ...ctx.staff], v);
  if (d.output_key.startsWith('comment_value')) return h('textarea', { rows: 4 }, v);
  return input({ value: v, placeholder: d.type === 'tags' ? t('ac.macros.tags_hint') : null });
}

function readValue(d, el) {
  const v = el.value;
  if (d && d.output_key === 'comment_mode_is_public') return v === 'true';
  if (d && (d.type === 'group' || d.type === 'user') && /^\d+$/.test(v)) return Number(v);
  return v;
}

function actionRow(ctx, i, action) {
  const row = h('li', { class: 'ac-action', dataset: { i: String(i) } });
  const fsel = select([['', t('ac.choose')], ...ctx.defs.map((d) => [d.output_key, fieldLabel(d)])], action.field,
    { id: `mc-act-field-${i}`, 'aria-label': t('ac.macros.action_field', { n: i + 1 }) });
  const slot = h('span', { class: 'ac-action-value' });
  const fill = () => {
    const d = ctx.defs.find((x) => x.output_key === fsel.value);
    const c = valueControl(d, fsel.value === action.field ? action.value : undefined, ctx);
    c.id = `mc-act-value-${i}`;
    c.setAttribute('aria-label', t('ac.macros.action_value', { n: i + 1 }));
    replace(slot, c);
  };
  fsel.addEventListener('change', fill);
  fill();
  const remove = h('button', { type: 'button', id: `mc-act-remove-${i}`, class: 'ac-small' }, t('ac.remove'));
  remove.addEventListener('click', () => { row.remove(); });
  replace(row, fsel, slot, remove);
  return row;
}

function readActions(ctx, box) {
  const out = [];
  for (const row of box.querySelectorAll('li.ac-action')) {
    const f = row.querySelector('select[id^="mc-act-field-"]').value;
    if (!f) continue;
    const d = ctx.defs.find((x) => x.output_key === f);
    out.push({ field: f, value: readValue(d, row.querySelector('[id^="mc-act-value-"]')) });
  }
  return out;
}

async function editor(body, macro) {
  const [defs, groups, staff] = await Promise.all([definitions(), groupOptions(get), staffOptions(get)]);
  const ctx = { defs, groups, staff };
  const m = macro || { title: '', description: '', active: true, actions: [{ field: '', value: '' }], restriction: isAdmin() ? null : { type: 'User', id: session.user.id } };
  const r = m.restriction;
  const scope = !r ? 'shared' : r.type === 'User' ? 'personal' : 'group';
  const form = h('form', { id: 'mc-form', class: 'ac-form', novalidate: true });
  const title = input({ value: m.title || '', required: true, autocomplete: 'off' });
  const desc = h('textarea', { rows: 2 }, m.description || '');
  const scopeSel = select([
    ...(isAdmin() ? [['shared', t('ac.macros.shared')], ['group', t('ac.macros.group_only')]] : []),
    ['personal', t('ac.macros.personal')]], scope);
  const groupSel = select([['', t('ac.choose')], ...groups], r && r.type === 'Group' ? r.id : '');
  const groupField = field('mc-restriction', t('ac.macros.group'), groupSel);
  groupField.hidden = scopeSel.value !== 'group';
  scopeSel.addEventListener('change', () => { groupField.hidden = scopeSel.value !== 'group'; });
  const active = h('input', { type: 'checkbox', id: 'mc-active', checked: m.active ? true : null, disabled: isAdmin() ? null : true });
  const box = h('ol', { id: 'mc-actions', class: 'ac-actions' });
  let n = 0;
  for (const a of (m.actions && m.actions.length ? m.actions : [{ field: '', value: '' }])) box.append(actionRow(ctx, n++, a));
  const add = h('button', { type: 'button', id: 'mc-add-action' }, t('ac.macros.add_action'));
  add.addEventListener('click', () => { const row = actionRow(ctx, n++, { field: '', value: '' }); box.append(row); row.querySelector('select').focus(); });
  const status = statusLine('mc-status');
  const save = h('button', { type: 'submit', id: 'mc-save', class: 'primary' }, t('ac.save'));
  const del = macro ? h('button', { type: 'button', id: 'mc-delete', class: 'danger' }, t('ac.delete')) : null;

  replace(form,
    field('mc-title', t('ac.macros.title'), title, t('ac.macros.title_hint')),
    field('mc-description', t('ac.macros.description'), desc),
    field('mc-scope', t('ac.macros.scope'), scopeSel),
    groupField,
    h('div', { class: 'ac-check' }, active, h('label', { for: 'mc-active' }, t('ac.macros.active'))),
    h('fieldset', { class: 'ac-fieldset' }, h('legend', {}, t('ac.macros.actions')), box,
      h('p', { id: 'mc-actions-err', class: 'error ac-err', 'aria-live': 'polite' }), add),
    h('div', { class: 'ac-buttons' }, save, del, link('#/admin/macros', t('ac.back'))),
    status);
  const msg = macro && macro.review_required ? h('p', { class: 'warn' }, t('ac.macros.is_proposal', { id: macro.source_ticket_id ?? '' })) : null;
  replace(body, heading(macro ? t('ac.macros.edit', { title: macro.title }) : t('ac.macros.new')), msg, form);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const out = { title: title.value, description: desc.value, actions: readActions(ctx, box) };
    if (isAdmin()) out.active = active.checked;
    const s = scopeSel.value;
    out.restriction = s === 'shared' ? null : s === 'personal' ? { type: 'User', id: session.user.id }
      : { type: 'Group', id: groupSel.value ? Number(groupSel.value) : 0 };
    busy(save, async () => {
      const saved = macro ? await put(`/api/v2/macros/${macro.id}`, { macro: out }) : await post('/api/v2/macros', { macro: out });
      say(status, t('ac.saved'));
      if (!macro) location.hash = `#/admin/macros/${saved.macro.id}`;
    }, (e) => showErrors(form, 'mc', e, status));
  });
  if (del) del.addEventListener('click', () => busy(del, async () => {
    if (!confirm(t('ac.macros.confirm_delete', { title: macro.title }))) return;
    await api('DELETE', `/api/v2/macros/${macro.id}`);
    location.hash = '#/admin/macros';
  }, (e) => say(status, e.message, true)));
  title.focus();
}

// ---- the review queue ----

function summary(m) {
  const c = (m.actions || []).find((a) => a.field === 'comment_value');
  const text = c ? (Array.isArray(c.value) ? c.value[c.value.length - 1] : c.value) : '';
  return h('blockquote', { class: 'ac-quote' }, String(text || ''));
}

async function review(body) {
  if (!isAdmin()) { replace(body, h('p', { role: 'alert' }, t('admin.none'))); return; }
  const queue = proposals(await allMacros('&active=false'));
  const status = statusLine('mc-review-status');
  const items = queue.map((m) => {
    const accept = h('button', { type: 'button', id: `mc-accept-${m.id}`, class: 'primary' }, t('ac.macros.accept'));
    const reject = h('button', { type: 'button', id: `mc-reject-${m.id}`, class: 'danger' }, t('ac.macros.reject'));
    const li = h('li', { class: 'ac-proposal', id: `mc-proposal-${m.id}` },
      h('h2', {}, m.title),
      h('p', { class: 'meta' }, m.source_ticket_id ? [t('ac.macros.from_ticket'), ' ', link(`#/tickets/${m.source_ticket_id}`, `#${m.source_ticket_id}`)] : null,
        ' · ', fmtDate(m.created_at)),
      summary(m),
      h('div', { class: 'ac-buttons' }, accept, reject, link(`#/admin/macros/${m.id}`, t('ac.macros.edit_first'), { id: `mc-edit-${m.id}` })));
    accept.addEventListener('click', () => busy(accept, async () => {
      await put(`/api/v2/macros/${m.id}`, { macro: { active: true } });
      li.remove();
      say(status, t('ac.macros.accepted', { title: m.title }));
    }, (e) => say(status, e.message, true)));
    reject.addEventListener('click', () => busy(reject, async () => {
      await api('DELETE', `/api/v2/macros/${m.id}`);
      li.remove();
      say(status, t('ac.macros.rejected', { title: m.title }));
    }, (e) => say(status, e.message, true)));
    return li;
  });
  replace(body, heading(t('ac.macros.review')), tabs('review', queue.length),
    h('p', { class: 'meta' }, t('ac.macros.review_help')), status,
    items.length ? h('ul', { id: 'mc-review', class: 'ac-proposals' }, items) : h('p', { id: 'mc-review' }, t('ac.macros.review_empty')));
  body.querySelector('h1').focus();
}

