// Settings › Ticket forms: the list at #/admin/forms, the editor at
// #/admin/forms/new and #/admin/forms/<id>: name, visibility, default, and
// the form's fields in order — reordered by dragging or with each field's
// Up/Down buttons (keyboard), added from a list of the active fields not on
// the form yet. The API keeps no field conditions (it answers
// end_user_conditions: [] and ignores them), so the editor offers none.
import { api, get } from '../api.js';
import { t } from '../i18n.js';
import { $, $$, h, replace, announce } from '../dom.js';
import { field, input, showErrors, orderable, orderItem, status } from './ui.js';

export async function render(body, { rest }) {
  if (rest[0]) return editor(body, rest[0] === 'new' ? null : Number(rest[0]));
  return list(body);
}

async function list(body) {
  const data = await get('/api/v2/ticket_forms');
  const forms = (data.ticket_forms || []).sort((a, b) => a.position - b.position || a.id - b.id);
  replace(body,
    h('h1', {}, t('admin.section.forms')),
    h('p', {}, h('a', { id: 'adm-form-new', class: 'button', href: '#/admin/forms/new' }, t('adm.new'))),
    h('table', { class: 'list', id: 'adm-form-list' },
      h('caption', {}, t('frm.caption', { n: forms.length })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('frm.name')), h('th', { scope: 'col' }, t('adm.active')),
        h('th', { scope: 'col' }, t('frm.default')), h('th', { scope: 'col' }, t('frm.fields')))),
      h('tbody', {}, forms.map((f) => h('tr', {},
        h('td', {}, h('a', { href: `#/admin/forms/${f.id}` }, f.name)),
        h('td', {}, f.active ? t('adm.active') : t('adm.inactive')),
        h('td', {}, f.default ? '✓' : ''),
        h('td', {}, t('frm.field_count', { n: (f.ticket_field_ids || []).length })))))));
}

async function editor(body, id) {
  const [fd, fo] = await Promise.all([
    get('/api/v2/ticket_fields'),
    id ? get(`/api/v2/ticket_forms/${id}`) : Promise.resolve({ ticket_form: { active: true, end_user_visible: true, ticket_field_ids: [] } }),
  ]);
  const f = fo.ticket_form;
  const all = new Map((fd.ticket_fields || []).map((x) => [x.id, x]));
  const chosen = h('ol', { id: 'adm-form-fields', class: 'adm-order', 'data-api': 'ticket_field_ids', 'aria-labelledby': 'adm-form-fields-label', 'aria-describedby': 'adm-form-fields-error' });
  const adder = h('select', { id: 'adm-form-add-select' });
  const form = h('form', { id: 'adm-form-form', class: 'adm-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(form, id); } },
    field('adm-form-name', t('frm.name'), input({ type: 'text', 'data-api': 'name', value: f.name ?? '' })),
    field('adm-form-display-name', t('frm.display_name'), input({ type: 'text', 'data-api': 'display_name', value: id ? f.display_name : '' })),
    field('adm-form-active', t('adm.active'), h('input', { type: 'checkbox', 'data-api': 'active', checked: !!f.active })),
    field('adm-form-end-user-visible', t('frm.end_user_visible'), h('input', { type: 'checkbox', 'data-api': 'end_user_visible', checked: !!f.end_user_visible })),
    field('adm-form-default', t('frm.default'), h('input', { type: 'checkbox', 'data-api': 'default', checked: !!f.default })),
    h('section', { class: 'adm-fields' },
      h('h2', { id: 'adm-form-fields-label' }, t('frm.fields')),
      chosen,
      h('p', { id: 'adm-form-fields-error', class: 'error' }),
      h('div', { class: 'adm-inline' },
        h('label', { for: 'adm-form-add-select' }, t('frm.add_field')), ' ', adder, ' ',
        h('button', { type: 'button', id: 'adm-form-add', onclick: () => add(chosen, adder, all) }, t('frm.add')))),
    h('p', { class: 'muted' }, t('frm.no_conditions')),
    h('p', { id: 'adm-form-error', class: 'error', role: 'alert' }),
    status('adm-form-status'),
    h('div', { class: 'adm-buttons' },
      h('button', { type: 'submit', id: 'adm-form-save', class: 'primary' }, t('adm.save')),
      id ? h('button', { type: 'button', id: 'adm-form-delete', onclick: () => remove(f) }, t('adm.delete')) : null,
      h('a', { href: '#/admin/forms' }, t('adm.back'))));
  orderable(chosen);
  for (const fid of f.ticket_field_ids || []) if (all.has(fid)) chosen.append(item(chosen, adder, all, all.get(fid)));
  refill(chosen, adder, all);
  replace(body, h('h1', {}, id ? t('frm.edit_title', { name: f.name }) : t('frm.new_title')), form);
}

function item(list, adder, all, fl) {
  const li = orderItem(fl.title, [fl.title, ' ', h('span', { class: 'muted' }, `(${t(`fld.type.${fl.type}`)})`)],
    h('button', { type: 'button', class: 'small', 'aria-label': t('adm.remove_named', { name: fl.title }), onclick: () => {
      li.remove();
      refill(list, adder, all);
      announce(t('adm.remove_named', { name: fl.title }));
      adder.focus();
    } }, t('adm.remove')));
  li.dataset.id = fl.id;
  return li;
}

// The adder offers the active fields not on the form yet.
function refill(list, adder, all) {
  const on = new Set($$('li', list).map((li) => Number(li.dataset.id)));
  const free = [...all.values()].filter((x) => x.active && !on.has(x.id)).sort((a, b) => a.position - b.position || a.id - b.id);
  // Every field already on the form: say so instead of an empty list, and
  // the button beside it does nothing, so it is off too.
  replace(adder, free.length ? free.map((x) => h('option', { value: x.id }, x.title)) : h('option', { value: '' }, t('frm.none_left')));
  adder.disabled = !free.length;
  const button = adder.parentNode && $('#adm-form-add', adder.parentNode);
  if (button) button.disabled = !free.length;
}

function add(list, adder, all) {
  const fl = all.get(Number(adder.value));
  if (!fl) return;
  list.append(item(list, adder, all, fl));
  refill(list, adder, all);
  // The last field added turns the button off: keep the focus on the form.
  if (adder.disabled) { const b = $('button', list.lastElementChild); if (b) b.focus(); }
  announce(t('adm.moved', { name: fl.title, pos: list.children.length }));
}

function collect(form) {
  const out = {};
  for (const el of $$('input[data-api]', form)) out[el.dataset.api] = el.type === 'checkbox' ? el.checked : el.value;
  out.ticket_field_ids = $$('#adm-form-fields > li', form).map((li) => Number(li.dataset.id));
  return out;
}

async function save(form, id) {
  const line = $('#adm-form-status', form);
  try {
    const r = await api(id ? 'PUT' : 'POST', id ? `/api/v2/ticket_forms/${id}` : '/api/v2/ticket_forms', { ticket_form: collect(form) });
    showErrors(form, null, 'adm-form-error');
    line.textContent = t('adm.saved');
    if (!id) location.hash = `#/admin/forms/${r.ticket_form.id}`;
  } catch (e) {
    line.textContent = '';
    showErrors(form, e, 'adm-form-error');
  }
}

async function remove(f) {
  if (!window.confirm(t('adm.confirm_delete', { name: f.name }))) return;
  try {
    await api('DELETE', `/api/v2/ticket_forms/${f.id}`);
    location.hash = '#/admin/forms';
  } catch (e) {
    $('#adm-form-error').textContent = t('app.error', { msg: e.message });
  }
}
