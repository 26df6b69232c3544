// Settings › Triggers and Automations (one module, two sections): the list
// in position order (drag or Up/Down to reorder, a switch per rule), and
// the editor with a condition/action builder that offers only what
// GET /<kind>s/definitions lists — fields, their operators, their values
// (custom fields' options, groups, agents) — in ALL and ANY groups. A
// trigger's editor also tests the unsaved trigger with the active ones
// against ticket #N (POST /api/v2/hd/triggers/preview): which would fire,
// in order, and what each would change.
import { api, get, post, put } from '../api.js';
import { t } from '../i18n.js';
import { $, $$, h, replace, announce } from '../dom.js';
import { field, input, showErrors, orderable, orderItem, status } from './ui.js';
import { previewPanel } from './rules_preview.js';

const plural = (kind) => `${kind}s`;

export async function renderKind(kind, body, { rest, query }) {
  if (rest[0]) return editor(kind, body, rest[0] === 'new' ? null : Number(rest[0]), query);
  return list(kind, body);
}

// A label for a subject, an operator or a value, translated when known.
const known = (key, fallback) => { const s = t(key); return s === key ? fallback : s; };
export const subjectLabel = (d) => (d && d.group === 'custom_fields' ? d.title : known(`rul.f.${d ? d.subject : ''}`, (d && (d.title || d.subject)) || ''));
export function valueLabel(subject, v) {
  if (v.title) return v.title;
  if (v.value === '') return t('rul.v.none');
  if (subject === 'via_id') return known(`rul.via.${v.value}`, v.value);
  return known(`rul.v.${v.value}`, v.value);
}

async function list(kind, body) {
  const data = await get(`/api/v2/${plural(kind)}`);
  const rules = data[plural(kind)] || [];
  const ol = h('ol', { id: 'adm-rule-list', class: 'adm-order', 'aria-label': t(`rul.caption.${kind}`, { n: rules.length }) },
    rules.map((r) => {
      const li = orderItem(r.title, [
        h('a', { href: `#/admin/${plural(kind)}/${r.id}` }, r.title), ' ',
        h('input', { type: 'checkbox', id: `adm-rule-active-${r.id}`, checked: r.active, 'aria-label': t('adm.toggle_active', { name: r.title }), onchange: (e) => toggle(kind, r, e.target) }),
        h('label', { for: `adm-rule-active-${r.id}` }, t('adm.active'))]);
      li.dataset.id = r.id;
      return li;
    }));
  orderable(ol, () => reorder(kind, ol));
  replace(body,
    h('h1', {}, t(`admin.section.${plural(kind)}`)),
    h('p', {}, h('a', { id: 'adm-rule-new', class: 'button', href: `#/admin/${plural(kind)}/new` }, t('adm.new'))),
    h('p', { id: 'adm-rule-caption' }, t(`rul.caption.${kind}`, { n: rules.length })),
    rules.length ? ol : h('p', {}, t('adm.empty')),
    status('adm-rule-status'));
}

async function toggle(kind, r, box) {
  try {
    await put(`/api/v2/${plural(kind)}/${r.id}`, { [kind]: { active: box.checked } });
    $('#adm-rule-status').textContent = `${r.title}: ${box.checked ? t('adm.active') : t('adm.inactive')}`;
  } catch (e) {
    box.checked = !box.checked;
    $('#adm-rule-status').textContent = t('app.error', { msg: e.message });
  }
}

async function reorder(kind, ol) {
  const ids = $$('li', ol).map((li) => Number(li.dataset.id));
  try {
    await put(`/api/v2/${plural(kind)}/reorder`, { [`${kind}_ids`]: ids });
    $('#adm-rule-status').textContent = t('rul.reordered');
  } catch (e) {
    $('#adm-rule-status').textContent = t('app.error', { msg: e.message });
  }
}

async function editor(kind, body, id, query) {
  const [defs, one] = await Promise.all([
    get(`/api/v2/${plural(kind)}/definitions`),
    id ? get(`/api/v2/${plural(kind)}/${id}`) : Promise.resolve(null),
  ]);
  const d = defs.definitions;
  const rule = one ? one[kind] : { title: '', active: true, conditions: { all: [], any: [] }, actions: [] };
  const ctx = { kind, id, d, seq: 0 };
  const all = h('ol', { id: 'adm-rule-all', class: 'adm-builder' });
  const any = h('ol', { id: 'adm-rule-any', class: 'adm-builder' });
  const acts = h('ol', { id: 'adm-rule-actions', class: 'adm-builder' });
  const form = h('form', { id: 'adm-rule-form', class: 'adm-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(ctx, form); } },
    field('adm-rule-title', t('rul.title'), input({ type: 'text', 'data-api': 'title', value: rule.title })),
    field('adm-rule-description', t('rul.description'), input({ type: 'text', 'data-api': 'description', value: rule.description || '' })),
    field('adm-rule-active', t('adm.active'), h('input', { type: 'checkbox', 'data-api': 'active', checked: rule.active })),
    h('fieldset', { id: 'adm-rule-conditions', 'data-api': 'conditions', 'aria-describedby': 'adm-rule-conditions-error' },
      h('legend', {}, t('rul.all')), all,
      h('button', { type: 'button', id: 'adm-rule-add-all', onclick: () => addCond(ctx, all, d.conditions_all, {}, true) }, t('rul.add_condition')),
      h('h3', { id: 'adm-rule-any-h' }, t('rul.any')), any,
      h('button', { type: 'button', id: 'adm-rule-add-any', onclick: () => addCond(ctx, any, d.conditions_any, {}, true) }, t('rul.add_condition')),
      h('p', { id: 'adm-rule-conditions-error', class: 'error' })),
    h('fieldset', { id: 'adm-rule-acts', 'data-api': 'actions', 'aria-describedby': 'adm-rule-acts-error' },
      h('legend', {}, t('rul.actions')), acts,
      h('button', { type: 'button', id: 'adm-rule-add-action', onclick: () => addAction(ctx, acts, {}, true) }, t('rul.add_action')),
      h('p', { id: 'adm-rule-acts-error', class: 'error' })),
    h('p', { id: 'adm-rule-error', class: 'error', role: 'alert' }),
    status('adm-rule-status'),
    h('div', { class: 'adm-buttons' },
      h('button', { type: 'submit', id: 'adm-rule-save', class: 'primary' }, t('adm.save')),
      id && !rule.default ? h('button', { type: 'button', id: 'adm-rule-delete', onclick: () => remove(ctx, rule) }, t('adm.delete')) : null,
      h('a', { href: `#/admin/${plural(kind)}` }, t('adm.back'))));
  all.setAttribute('aria-label', t('rul.all'));
  any.setAttribute('aria-label', t('rul.any'));
  acts.setAttribute('aria-label', t('rul.actions'));
  for (const c of rule.conditions.all || []) addCond(ctx, all, d.conditions_all, c);
  for (const c of rule.conditions.any || []) addCond(ctx, any, d.conditions_any, c);
  for (const a of rule.actions || []) addAction(ctx, acts, a);
  if (!id) { addCond(ctx, all, d.conditions_all, {}); addAction(ctx, acts, {}); }
  const title = id ? t('rul.edit_title', { name: rule.title }) : t(`rul.new_title.${kind}`);
  replace(body, h('h1', {}, title), form,
    kind === 'trigger' ? previewPanel(() => collect(ctx, form), d, query.get('ticket')) : null);
}

// A <select> of subjects grouped as the definitions group them.
export function subjectSelect(list, chosen, label) {
  const groups = new Map();
  for (const x of list) {
    if (!groups.has(x.group)) groups.set(x.group, []);
    groups.get(x.group).push(x);
  }
  return h('select', { class: 'adm-subject', 'aria-label': label },
    h('option', { value: '' }, t('rul.choose')),
    [...groups].map(([g, xs]) => h('optgroup', { label: known(`rul.group.${g}`, g) },
      xs.map((x) => h('option', { value: x.subject, selected: x.subject === chosen }, subjectLabel(x))))));
}

// The value control for a definition: a select when it lists values, a
// text (or number) input otherwise; the current value is kept even when
// the list no longer has it.
export function valueControl(def, value, label, cls = 'adm-value') {
  const vals = def.values || [];
  if (vals.length || def.type === 'list') {
    const has = vals.some((v) => v.value === String(value ?? ''));
    const blank = def.type === 'id' || !vals.some((v) => v.value === '');
    return h('select', { class: cls, 'aria-label': label },
      blank ? h('option', { value: '' }, def.type === 'id' ? t('rul.v.none') : t('rul.choose')) : null,
      !has && value ? h('option', { value, selected: true }, String(value)) : null,
      vals.map((v) => h('option', { value: v.value, selected: v.value === String(value ?? '') }, valueLabel(def.subject, v))));
  }
  if (def.type === 'textarea') return h('textarea', { class: cls, rows: 3, 'aria-label': label }, value ?? '');
  return h('input', { class: cls, type: def.type === 'hours' ? 'number' : 'text', min: def.type === 'hours' ? 0 : null, value: value ?? '', 'aria-label': label });
}

export function removeButton(row, name) {
  return h('button', { type: 'button', class: 'small adm-remove', 'aria-label': t('adm.remove_named', { name }),
    onclick: () => { const list = row.parentNode; row.remove(); relabel(list); announce(t('adm.remove_named', { name })); } }, t('adm.remove'));
}

// A saved condition or action the definitions no longer list (a custom
// field switched off, say) keeps its own subject and operator, so saving
// the rule does not drop it.
function keep(defs, field, operator) {
  if (!field || defs.some((x) => x.subject === field)) return defs;
  return [...defs, { subject: field, title: field, group: 'ticket', type: 'text', values: [],
    operators: [{ value: operator || 'is', terminal: false }] }];
}

function addCond(ctx, list, allDefs, c, focus) {
  const defs = keep(allDefs, c.field, c.operator);
  const row = h('li', { class: 'adm-cond' });
  const n = list.children.length + 1;
  const name = t('rul.cond_n', { n });
  const sub = subjectSelect(defs, c.field, `${name} · ${t('rul.field')}`);
  const fill = (op, value) => {
    const def = defs.find((x) => x.subject === sub.value);
    for (const el of $$('.adm-op, .adm-value', row)) el.remove();
    if (!def) return;
    const ops = h('select', { class: 'adm-op', 'aria-label': `${row.dataset.name} · ${t('rul.operator')}`, onchange: () => fill(ops.value, valueOf(row)) },
      def.operators.map((o) => h('option', { value: o.value, selected: o.value === op, dataset: { terminal: o.terminal ? '1' : '' } }, known(`rul.op.${o.value}`, o.value))));
    const chosen = def.operators.find((o) => o.value === ops.value);
    sub.after(ops);
    if (!chosen.terminal) ops.after(valueControl(def, value, `${row.dataset.name} · ${t('rul.value')}`));
  };
  sub.addEventListener('change', () => fill(null, ''));
  row.dataset.name = name;
  row.append(sub, removeButton(row, name));
  list.append(row);
  fill(c.operator, c.value);
  if (focus) sub.focus();
}

const valueOf = (row) => { const v = $('.adm-value', row); return v ? v.value : ''; };

function addAction(ctx, list, a, focus) {
  const defs = keep(ctx.d.actions, a.field);
  const row = h('li', { class: 'adm-act' });
  const name = t('rul.act_n', { n: list.children.length + 1 });
  row.dataset.name = name;
  const sub = subjectSelect(defs, a.field, `${name} · ${t('rul.field')}`);
  const fill = (value) => {
    for (const el of $$('.adm-value, .adm-v', row)) el.remove();
    const def = defs.find((x) => x.subject === sub.value);
    if (def) sub.after(...actionControls(ctx, def, value, row.dataset.name));
  };
  sub.addEventListener('change', () => fill(undefined));
  row.append(sub, removeButton(row, name));
  list.append(row);
  fill(a.value);
  if (focus) sub.focus();
}

// notification_user/group: [recipient, subject, body]; webhook: [id, body].
function actionControls(ctx, def, value, name) {
  const arr = Array.isArray(value) ? value : [];
  if (def.type === 'notification') {
    const groups = ctx.d.actions.find((x) => x.subject === 'group_id');
    const to = def.subject === 'notification_group'
      ? { subject: 'group_id', type: 'id', values: [{ value: 'group_id', title: t('rul.f.group_id') }, ...((groups && groups.values) || [])] }
      : def;
    return [valueControl({ ...to, type: 'list' }, arr[0], `${name} · ${t('rul.recipient')}`, 'adm-v adm-v0'),
      h('input', { class: 'adm-v adm-v1', type: 'text', value: arr[1] ?? '', 'aria-label': `${name} · ${t('rul.subject')}` }),
      h('textarea', { class: 'adm-v adm-v2', rows: 2, 'aria-label': `${name} · ${t('rul.body')}` }, arr[2] ?? '')];
  }
  if (def.type === 'webhook') {
    return [h('input', { class: 'adm-v adm-v0', type: 'text', value: arr[0] ?? '', 'aria-label': `${name} · ${t('rul.webhook')}` }),
      h('textarea', { class: 'adm-v adm-v1', rows: 2, 'aria-label': `${name} · ${t('rul.body')}` }, arr[1] ?? '')];
  }
  const v = Array.isArray(value) ? value.join(' ') : value === null ? '' : value;
  return [valueControl(def, v, `${name} · ${t('rul.value')}`)];
}

// After a removal the rows keep "Condition 1, 2, …" in order.
function relabel(list) {
  if (!list) return;
  [...list.children].forEach((row, i) => {
    const name = t(row.classList.contains('adm-cond') ? 'rul.cond_n' : 'rul.act_n', { n: i + 1 });
    const old = row.dataset.name;
    row.dataset.name = name;
    for (const el of $$('[aria-label]', row)) el.setAttribute('aria-label', el.getAttribute('aria-label').replace(old, name));
  });
}

function conds(list) {
  return $$(':scope > li', list).filter((row) => $('.adm-subject', row).value).map((row) => {
    const op = $('.adm-op', row);
    return { field: $('.adm-subject', row).value, operator: op ? op.value : '', value: valueOf(row) };
  });
}

function actionValue(row) {
  const parts = $$('.adm-v', row);
  if (parts.length) return parts.map((p) => p.value);
  return valueOf(row);
}

// The rule as the API takes it (with its id when it is saved).
export function collect(ctx, form) {
  const r = {
    title: $('#adm-rule-title', form).value,
    description: $('#adm-rule-description', form).value,
    active: $('#adm-rule-active', form).checked,
    conditions: { all: conds($('#adm-rule-all', form)), any: conds($('#adm-rule-any', form)) },
    actions: $$('#adm-rule-actions > li', form).filter((row) => $('.adm-subject', row).value)
      .map((row) => ({ field: $('.adm-subject', row).value, value: actionValue(row) })),
  };
  if (ctx.id) r.id = ctx.id;
  return r;
}

async function save(ctx, form) {
  const { kind, id } = ctx;
  const line = $('#adm-rule-status', form);
  const rule = collect(ctx, form);
  delete rule.id;
  try {
    const r = id ? await put(`/api/v2/${plural(kind)}/${id}`, { [kind]: rule }) : await post(`/api/v2/${plural(kind)}`, { [kind]: rule });
    showErrors(form, null, 'adm-rule-error');
    line.textContent = t('adm.saved');
    if (!id) location.hash = `#/admin/${plural(kind)}/${r[kind].id}`;
  } catch (e) {
    line.textContent = '';
    showErrors(form, e, 'adm-rule-error');
    markRow(form, e);
  }
}

// "conditions.all[1]: …" / "actions[0]: …": the row the API names is
// marked invalid and described by its group's message.
export function markRow(form, e) {
  const details = (e.body && e.body.details) || {};
  const text = Object.values(details).flat().map((x) => (x && x.description) || '').join(' ');
  const m = /(?:conditions\.(all|any)|actions)\[(\d+)\]/.exec(text);
  if (!m) return;
  const list = $(m[1] ? `#adm-rule-${m[1]}` : '#adm-rule-actions', form);
  const rows = $$(':scope > li', list).filter((row) => $('.adm-subject', row).value);
  const row = rows[Number(m[2])];
  if (!row) return;
  const sub = $('.adm-subject', row);
  sub.setAttribute('aria-invalid', 'true');
  sub.setAttribute('aria-describedby', m[1] ? 'adm-rule-conditions-error' : 'adm-rule-acts-error');
  sub.focus();
}

async function remove(ctx, rule) {
  if (!window.confirm(t('adm.confirm_delete', { name: rule.title }))) return;
  try {
    await api('DELETE', `/api/v2/${plural(ctx.kind)}/${rule.id}`);
    location.hash = `#/admin/${plural(ctx.kind)}`;
  } catch (e) {
    $('#adm-rule-error').textContent = t('app.error', { msg: e.message });
  }
}
