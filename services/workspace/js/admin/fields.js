// Settings › Ticket fields: the list (with an active switch per field) at
// #/admin/fields, the editor at #/admin/fields/new and #/admin/fields/<id>:
// every field type the API takes, the drop-down options (add, remove,
// reorder) and the API's validation messages beside the control they name.
import { api, get } from '../api.js';
import { t } from '../i18n.js';
import { $, $$, h, replace, announce } from '../dom.js';
import { field, input, showErrors, orderable, orderItem, status } from './ui.js';

const TYPES = ['text', 'textarea', 'integer', 'decimal', 'checkbox', 'date', 'regexp', 'tagger', 'multiselect'];
const WITH_OPTIONS = new Set(['tagger', 'multiselect']);
const typeName = (ty) => t(`fld.type.${ty}`);

export async function render(body, { rest }) {
  if (rest[0]) return editor(body, rest[0] === 'new' ? null : Number(rest[0]));
  return list(body);
}

async function list(body) {
  const data = await get('/api/v2/ticket_fields');
  const fields = (data.ticket_fields || []).sort((a, b) => a.position - b.position || a.id - b.id);
  const rows = fields.map((f) => h('tr', {},
    h('td', {}, h('a', { href: `#/admin/fields/${f.id}` }, f.title)),
    h('td', {}, typeName(f.type)),
    h('td', {}, h('input', {
      type: 'checkbox', id: `adm-field-active-${f.id}`, checked: f.active,
      'aria-label': t('adm.toggle_active', { name: f.title }),
      onchange: (e) => toggle(f, e.target),
    })),
    h('td', {}, (f.custom_field_options || []).map((o) => o.name).join(', '))));
  replace(body,
    h('h1', {}, t('admin.section.fields')),
    h('p', {}, h('a', { id: 'adm-field-new', class: 'button', href: '#/admin/fields/new' }, t('adm.new'))),
    status('adm-field-status'),
    h('table', { class: 'list', id: 'adm-field-list' },
      h('caption', {}, t('fld.caption', { n: fields.length })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('fld.title')), h('th', { scope: 'col' }, t('fld.type')),
        h('th', { scope: 'col' }, t('adm.active')), h('th', { scope: 'col' }, t('fld.options')))),
      h('tbody', {}, rows)));
}

async function toggle(f, box) {
  const line = $('#adm-field-status');
  try {
    await api('PUT', `/api/v2/ticket_fields/${f.id}`, { ticket_field: { active: box.checked } });
    line.textContent = `${f.title}: ${box.checked ? t('adm.active') : t('adm.inactive')}`;
  } catch (e) {
    box.checked = !box.checked;
    line.textContent = t('app.error', { msg: e.message });
  }
}

async function editor(body, id) {
  const f = id ? (await get(`/api/v2/ticket_fields/${id}`)).ticket_field : { type: 'tagger', active: true, visible_in_portal: true, editable_in_portal: true };
  const type = h('select', { 'data-api': 'type', disabled: !!id, onchange: () => shape(form) },
    TYPES.map((ty) => h('option', { value: ty, selected: ty === f.type }, typeName(ty))));
  const text = (key, value) => input({ type: 'text', 'data-api': key, value: value ?? '' });
  const opts = h('ol', { id: 'adm-opt-list', class: 'adm-order' });
  const form = h('form', { id: 'adm-field-form', class: 'adm-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(form, id); } },
    field('adm-field-type', t('fld.type'), type),
    field('adm-field-title', t('fld.title'), text('title', f.title)),
    field('adm-field-description', t('fld.description'), text('description', f.description)),
    field('adm-field-agent-description', t('fld.agent_description'), text('agent_description', f.agent_description)),
    field('adm-field-title-in-portal', t('fld.title_in_portal'), text('title_in_portal', id ? f.title_in_portal : '')),
    h('div', { class: 'adm-when', dataset: { when: 'regexp' } },
      field('adm-field-regexp', t('fld.regexp'), text('regexp_for_validation', f.regexp_for_validation))),
    h('div', { class: 'adm-when', dataset: { when: 'checkbox' } }, field('adm-field-tag', t('fld.tag'), text('tag', f.tag))),
    h('fieldset', { class: 'adm-when', dataset: { when: 'options' }, id: 'adm-field-options', 'data-api': 'custom_field_options', 'aria-describedby': 'adm-field-options-error' },
      h('legend', {}, t('fld.options')), opts,
      h('button', { type: 'button', id: 'adm-opt-add', onclick: () => { addOption(opts, {}); $('input', opts.lastElementChild).focus(); } }, t('fld.option_add')),
      h('p', { id: 'adm-field-options-error', class: 'error' })),
    ['active', 'required', 'visible_in_portal', 'editable_in_portal', 'required_in_portal'].map((k) =>
      field(`adm-field-${k.replace(/_/g, '-')}`, k === 'active' ? t('adm.active') : t(`fld.${k}`), h('input', { type: 'checkbox', checked: !!f[k], 'data-api': k }))),
    h('p', { id: 'adm-field-error', class: 'error', role: 'alert' }),
    status('adm-field-status'),
    h('div', { class: 'adm-buttons' },
      h('button', { type: 'submit', id: 'adm-field-save', class: 'primary' }, t('adm.save')),
      id ? h('button', { type: 'button', id: 'adm-field-delete', onclick: () => remove(f) }, t('adm.delete')) : null,
      h('a', { href: '#/admin/fields' }, t('adm.back'))));
  orderable(opts, () => renumber(opts));
  for (const o of f.custom_field_options || []) addOption(opts, o);
  replace(body, h('h1', {}, id ? t('fld.edit_title', { name: f.title }) : t('fld.new_title')), form);
  shape(form);
}

// Show only what the chosen type uses.
function shape(form) {
  const ty = $('#adm-field-type', form).value;
  for (const el of $$('.adm-when', form)) {
    const w = el.dataset.when;
    el.hidden = !(w === ty || (w === 'options' && WITH_OPTIONS.has(ty)));
  }
  const opts = $('#adm-opt-list', form);
  if (WITH_OPTIONS.has(ty) && !opts.children.length) { addOption(opts, {}); addOption(opts, {}); }
}

function addOption(list, o) {
  const n = list.children.length + 1;
  const name = h('input', { type: 'text', class: 'adm-opt-name', value: o.name ?? '', 'aria-label': `${t('fld.option_n', { n })} · ${t('fld.option_name')}` });
  const value = h('input', { type: 'text', class: 'adm-opt-value', value: o.value ?? '', 'aria-label': `${t('fld.option_n', { n })} · ${t('fld.option_value')}` });
  const label = t('fld.option_n', { n });
  const li = orderItem(label, [name, ' ', value],
    h('button', { type: 'button', class: 'small', 'aria-label': t('adm.remove_named', { name: label }), onclick: () => { li.remove(); renumber(list); announce(t('adm.deleted')); } }, t('adm.remove')));
  if (o.id) li.dataset.id = o.id;
  // The value (a tag) follows the name until it is edited by hand.
  name.addEventListener('input', () => { if (!value.dataset.touched && !o.value) value.value = tagOf(name.value); });
  value.addEventListener('input', () => { value.dataset.touched = '1'; });
  list.append(li);
  renumber(list);
}

const tagOf = (s) => s.trim().toLowerCase().replace(/\s+/g, '_').replace(/[^\p{L}\p{N}_:-]/gu, '');

// Labels follow positions after a move, so "Option 2" is the second one.
function renumber(list) {
  [...list.children].forEach((li, i) => {
    const label = t('fld.option_n', { n: i + 1 });
    li.dataset.name = label;
    $('.adm-opt-name', li).setAttribute('aria-label', `${label} · ${t('fld.option_name')}`);
    $('.adm-opt-value', li).setAttribute('aria-label', `${label} · ${t('fld.option_value')}`);
    for (const b of $$('button[data-move]', li)) b.setAttribute('aria-label', t(b.dataset.move === 'up' ? 'adm.move_up' : 'adm.move_down', { name: label }));
  });
}

function collect(form, id) {
  const ty = $('#adm-field-type', form).value;
  const f = {};
  if (!id) f.type = ty;
  for (const el of $$('[data-api]', form)) {
    const k = el.dataset.api;
    if (k === 'type' || k === 'custom_field_options' || el.closest('.adm-when')?.hidden) continue;
    f[k] = el.type === 'checkbox' ? el.checked : el.value;
  }
  if (WITH_OPTIONS.has(ty)) {
    f.custom_field_options = $$('#adm-opt-list > li', form).map((li) => ({
      name: $('.adm-opt-name', li).value, value: $('.adm-opt-value', li).value,
    }));
  }
  return f;
}

async function save(form, id) {
  const line = $('#adm-field-status', form);
  try {
    const r = await api(id ? 'PUT' : 'POST', id ? `/api/v2/ticket_fields/${id}` : '/api/v2/ticket_fields', { ticket_field: collect(form, id) });
    showErrors(form, null, 'adm-field-error');
    line.textContent = t('adm.saved');
    if (!id) location.hash = `#/admin/fields/${r.ticket_field.id}`;
  } catch (e) {
    line.textContent = '';
    showErrors(form, e, 'adm-field-error');
  }
}

async function remove(f) {
  if (!window.confirm(t('adm.confirm_delete', { name: f.title }))) return;
  try {
    await api('DELETE', `/api/v2/ticket_fields/${f.id}`);
    location.hash = '#/admin/fields';
  } catch (e) {
    $('#adm-field-error').textContent = t('app.error', { msg: e.message });
  }
}
