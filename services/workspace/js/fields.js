// Custom ticket fields and forms on the ticket page: the form chooser, one
// labelled input per field type, the values that changed as a ticket
// update, and the API's validation messages (422 details keyed
// custom_fields_<id> or ticket_form_id) shown beside the field they name.
import { get } from './api.js';
import { t } from './i18n.js';
import { $, $$, h, replace } from './dom.js';

const TYPES = new Set(['text', 'textarea', 'integer', 'decimal', 'date', 'checkbox', 'tagger', 'multiselect', 'regexp', 'partialcreditcard']);
// The ticket being edited: its form, its values and the definitions shown.
const cur = { tk: null, fields: new Map(), forms: [], shown: [] };

// GET /ticket_fields and /ticket_forms each time a ticket opens: an admin's
// new field shows on the next ticket without a reload.
export async function customFields(slot, tk) {
  cur.tk = tk;
  cur.shown = [];
  slot.setAttribute('aria-busy', 'true');
  let fd;
  let fo;
  try {
    [fd, fo] = await Promise.all([get('/api/v2/ticket_fields'), get('/api/v2/ticket_forms')]);
  } catch (e) {
    replace(slot, h('p', { class: 'error' }, t('app.error', { msg: e.message })));
    slot.removeAttribute('aria-busy');
    return;
  }
  if (cur.tk !== tk || !slot.isConnected) return;
  cur.fields = new Map((fd.ticket_fields || []).filter((f) => f.active && TYPES.has(f.type)).map((f) => [f.id, f]));
  cur.forms = (fo.ticket_forms || []).filter((f) => f.active || f.id === tk.ticket_form_id);
  const def = cur.forms.find((f) => f.default) || cur.forms[0];
  const formId = tk.ticket_form_id || (def ? def.id : 0);
  const kids = [];
  if (cur.forms.length) {
    kids.push(h('label', { for: 'f-form' }, t('field.form')),
      h('select', { id: 'f-form', 'aria-describedby': 'f-form-error', onchange: () => render($('#cf-list'), Number($('#f-form').value)) },
        cur.forms.map((f) => h('option', { value: f.id, selected: f.id === formId }, f.display_name || f.name))),
      h('p', { id: 'f-form-error', class: 'error' }));
  }
  kids.push(h('div', { id: 'cf-list', class: 'cf-list' }));
  replace(slot, kids);
  render($('#cf-list'), formId);
  slot.removeAttribute('aria-busy');
}

// The form's fields in its order; without a form every active field.
function render(box, formId) {
  const form = cur.forms.find((f) => f.id === formId);
  const ids = form ? form.ticket_field_ids || [] : [...cur.fields.values()].sort((a, b) => a.position - b.position).map((f) => f.id);
  const kept = new Map(cur.shown.map((f) => [f.id, read(f)]));
  cur.shown = ids.map((id) => cur.fields.get(id)).filter(Boolean);
  const values = new Map((cur.tk.custom_fields || []).map((c) => [c.id, c.value]));
  replace(box, cur.shown.map((f) => input(f, kept.has(f.id) ? kept.get(f.id) : values.get(f.id))));
}

function input(f, value) {
  const id = `cf-${f.id}`;
  const err = `${id}-error`;
  const hint = f.agent_description || f.description;
  const described = hint ? `${id}-hint ${err}` : err;
  const tail = [hint ? h('small', { id: `${id}-hint`, class: 'muted' }, hint) : null, h('p', { id: err, class: 'error' })];
  const title = f.title + (f.required ? ' *' : '');
  const base = { id, name: id, dataset: { field: f.id }, 'aria-describedby': described, 'aria-required': f.required ? 'true' : null };
  switch (f.type) {
    case 'checkbox':
      return h('div', { class: 'cf cf-checkbox' },
        h('label', { for: id }, h('input', { ...base, type: 'checkbox', checked: value === true }), ' ', title), tail);
    case 'tagger':
      return h('div', { class: 'cf' }, h('label', { for: id }, title),
        h('select', base, h('option', { value: '' }, '–'),
          (f.custom_field_options || []).map((o) => h('option', { value: o.value, selected: o.value === value }, o.name))), tail);
    case 'multiselect': {
      const on = new Set(Array.isArray(value) ? value : []);
      return h('fieldset', { class: 'cf cf-multi', id, dataset: { field: f.id }, 'aria-describedby': described },
        h('legend', {}, title),
        (f.custom_field_options || []).map((o, i) => h('label', { for: `${id}-${i}` },
          h('input', { type: 'checkbox', id: `${id}-${i}`, name: id, value: o.value, checked: on.has(o.value) }), ' ', o.name)), tail);
    }
    case 'textarea':
      return h('div', { class: 'cf' }, h('label', { for: id }, title), h('textarea', { ...base, rows: 3 }, value ?? ''), tail);
    default: {
      const kind = { date: 'date', integer: 'text', decimal: 'text' }[f.type] || 'text';
      const mode = { integer: 'numeric', decimal: 'decimal' }[f.type] || null;
      return h('div', { class: 'cf' }, h('label', { for: id }, title),
        h('input', { ...base, type: kind, inputmode: mode, value: value ?? '', autocomplete: 'off' }), tail);
    }
  }
}

// A field's value as the API takes it: boolean, array of option values,
// or a string (null when empty).
function read(f) {
  const id = `cf-${f.id}`;
  if (f.type === 'multiselect') return $$(`input[name="${id}"]:checked`).map((el) => el.value);
  const el = $(`#${id}`);
  if (!el) return undefined;
  if (f.type === 'checkbox') return el.checked;
  const v = el.value.trim();
  return v === '' ? null : v;
}

function same(f, a, b) {
  if (f.type === 'checkbox') return !!a === !!b;
  if (f.type === 'multiselect') return JSON.stringify([...(a || [])].sort()) === JSON.stringify([...(b || [])].sort());
  return (a ?? null) === (b ?? null) || String(a ?? '') === String(b ?? '');
}

// {custom_fields, ticket_form_id} for what the agent changed; empty when
// nothing did (an untouched field is never sent back).
export function customValues() {
  const out = {};
  if (!cur.tk || !$('#cf-list')) return out;
  const was = new Map((cur.tk.custom_fields || []).map((c) => [c.id, c.value]));
  const changed = [];
  for (const f of cur.shown) {
    const v = read(f);
    if (v !== undefined && !same(f, v, was.get(f.id))) changed.push({ id: f.id, value: v });
  }
  if (changed.length) out.custom_fields = changed;
  const form = $('#f-form');
  if (form && Number(form.value) !== (cur.tk.ticket_form_id || 0)) out.ticket_form_id = Number(form.value);
  return out;
}

export const customDirty = () => Object.keys(customValues()).length > 0;

export function clearFieldErrors() {
  for (const el of $$('.ticket-side [aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of $$('#cf-slot .error')) el.textContent = '';
}

// Puts each 422 detail beside its field; true when every message found a
// field (the caller then only points at them). Focus goes to the first.
export function showFieldErrors(e) {
  const d = e && e.body && e.body.details;
  if (!d || typeof d !== 'object') return false;
  let all = true;
  let first = null;
  for (const [key, errs] of Object.entries(d)) {
    const m = /^custom_fields_(\d+)$/.exec(key);
    const target = m ? $(`#cf-${m[1]}`) : key === 'ticket_form_id' ? $('#f-form') : null;
    const box = target && $(`#${target.id}-error`);
    if (!box) { all = false; continue; }
    const f = m && cur.fields.get(Number(m[1]));
    const text = [].concat(errs).map((x) => String((x && x.description) || x).replace(/^custom_fields_\d+:\s*/, f ? `${f.title}: ` : '')).join(' ');
    box.textContent = text;
    if (target.tagName !== 'FIELDSET') target.setAttribute('aria-invalid', 'true');
    first = first || target;
  }
  if (first) (first.tagName === 'FIELDSET' ? first.querySelector('input') : first).focus();
  return all && !!first;
}
