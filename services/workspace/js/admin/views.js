// Settings › Views: the saved ticket lists agents see in the workspace's
// sidebar. The list (position order, a switch, shared / group / personal,
// each view's count) and the editor: ALL and ANY conditions offering only
// what routing's view matching accepts (routing/views_match.c), custom
// fields included; the columns and the sort, and who sees the view. Admins manage every view; an agent
// manages only their personal views (the API answers 403 for shared ones),
// so shared views show to agents without edit controls.
import { api, get, post, put } from '../api.js';
import { t } from '../i18n.js';
import { $, $$, h, replace } from '../dom.js';
import { session } from '../state.js';
import { reloadViews } from '../views.js';
import { field, input, showErrors, orderable, orderItem, status } from './ui.js';
import { subjectSelect, valueControl, removeButton } from './rules.js';

export async function render(body, { rest }) {
  if (rest[0]) return editor(body, rest[0] === 'new' ? null : Number(rest[0]));
  return list(body);
}

const admin = () => session.user?.role === 'admin';
const ops = (...names) => names.map((value) => ({ value, terminal: false }));
const vals = (...names) => names.map((value) => ({ value }));
const ORDINAL = ops('is', 'is_not', 'less_than', 'greater_than');
const EQ = ops('is', 'is_not');

// What views_match.c accepts, as the trigger builder's definitions.
function definitions(groups, agents, forms, fields) {
  const named = (xs, label) => xs.map((x) => ({ value: String(x.id), title: x[label] }));
  return [
    { subject: 'status', group: 'ticket', type: 'list', operators: ORDINAL, values: vals('new', 'open', 'pending', 'hold', 'solved', 'closed') },
    { subject: 'priority', group: 'ticket', type: 'list', operators: ORDINAL, values: vals('', 'low', 'normal', 'high', 'urgent') },
    { subject: 'type', group: 'ticket', type: 'list', operators: EQ, values: vals('', 'problem', 'incident', 'question', 'task') },
    { subject: 'group_id', group: 'ticket', type: 'id', operators: EQ, values: named(groups, 'name') },
    { subject: 'assignee_id', group: 'ticket', type: 'id', operators: EQ, values: [...vals('current_user'), ...named(agents, 'name')] },
    { subject: 'requester_id', group: 'ticket', type: 'text', operators: EQ, values: [] },
    { subject: 'organization_id', group: 'ticket', type: 'text', operators: EQ, values: [] },
    { subject: 'ticket_form_id', group: 'ticket', type: 'id', operators: EQ, values: named(forms, 'name') },
    { subject: 'brand_id', group: 'ticket', type: 'text', operators: EQ, values: [] },
    { subject: 'current_tags', group: 'ticket', type: 'text', operators: ops('includes', 'not_includes'), values: [] },
    ...fields.filter((f) => f.active && !SYSTEM.includes(f.type)).map(customDef),
  ];
}

// Custom fields: is / is not one option (dropdowns), true / false
// (checkboxes) or a text.
const SYSTEM = ['subject', 'description', 'status', 'tickettype', 'priority', 'group', 'assignee', 'custom_status'];
function customDef(f) {
  const options = (f.custom_field_options || []).map((o) => ({ value: o.value, title: o.name }));
  const values = f.type === 'checkbox' ? vals('true', 'false') : options;
  return { subject: `custom_fields_${f.id}`, title: f.title, group: 'custom_fields', type: values.length ? 'list' : 'text', operators: EQ, values };
}

const COLUMNS = ['subject', 'requester', 'assignee', 'group', 'status', 'priority', 'type', 'created', 'updated'];
const SORTS = ['created_at', 'updated_at', 'status', 'priority', 'subject', 'id'];

function restrictionOf(v) {
  const r = v.restriction;
  if (!r) return { kind: 'shared' };
  if (r.type === 'User') return { kind: 'personal', mine: Number(r.id) === Number(session.user?.id) };
  return { kind: 'group', id: r.id };
}

// The workspace's sidebar follows the console's changes.
const sidebar = () => reloadViews().catch(() => { /* the sidebar keeps its list */ });
const mayEdit = (v) => admin() || restrictionOf(v).mine === true;

async function list(body) {
  const views = (await get('/api/v2/views')).views || [];
  const ol = h('ol', { id: 'adm-view-list', class: 'adm-order', 'aria-label': t('vw.caption', { n: views.length }) },
    views.map((v) => {
      const r = restrictionOf(v);
      const edit = mayEdit(v);
      const content = [
        edit ? h('a', { href: `#/admin/views/${v.id}` }, v.title) : h('span', { class: 'adm-view-title' }, v.title), ' ',
        h('span', { class: 'badge adm-view-kind', dataset: { kind: r.kind } }, t(`vw.kind.${r.kind}`)), ' ',
        h('span', { class: 'adm-view-count', id: `adm-view-count-${v.id}`, 'aria-label': t('vw.count_of', { name: v.title, n: '…' }) }, '…'), ' ',
        edit
          ? [h('input', { type: 'checkbox', id: `adm-view-active-${v.id}`, checked: v.active, 'aria-label': t('adm.toggle_active', { name: v.title }), onchange: (e) => toggle(v, e.target) }),
            h('label', { for: `adm-view-active-${v.id}` }, t('adm.active'))]
          : h('span', { class: 'muted' }, v.active ? t('adm.active') : t('adm.inactive')),
      ];
      const li = admin() ? orderItem(v.title, content) : h('li', { class: 'adm-item', dataset: { name: v.title } }, h('span', { class: 'adm-item-body' }, content));
      li.dataset.id = v.id;
      return li;
    }));
  if (admin()) orderable(ol, () => reorder(ol, views));
  replace(body,
    h('h1', {}, t('admin.section.views')),
    h('p', {}, t(admin() ? 'vw.intro.admin' : 'vw.intro.agent')),
    h('p', {}, h('a', { id: 'adm-view-new', class: 'button', href: '#/admin/views/new' }, t('adm.new'))),
    h('p', { id: 'adm-view-caption' }, t('vw.caption', { n: views.length })),
    views.length ? ol : h('p', {}, t('vw.empty')),
    status('adm-view-status'));
  await Promise.all(views.map(async (v) => {
    const el = $(`#adm-view-count-${v.id}`);
    try {
      const n = (await get(`/api/v2/views/${v.id}/count`)).view_count.value;
      if (el) { el.textContent = t('vw.count', { n }); el.setAttribute('aria-label', t('vw.count_of', { name: v.title, n })); }
    } catch { if (el) el.textContent = '–'; }
  }));
}

async function toggle(v, box) {
  try {
    await put(`/api/v2/views/${v.id}`, { view: { active: box.checked } });
    $('#adm-view-status').textContent = `${v.title}: ${box.checked ? t('adm.active') : t('adm.inactive')}`;
    sidebar();
  } catch (e) {
    box.checked = !box.checked;
    $('#adm-view-status').textContent = t('app.error', { msg: e.message });
  }
}

// Views have no reorder call: each view whose place changed gets its
// position (1, 2, …) with PUT.
async function reorder(ol, views) {
  const ids = $$(':scope > li', ol).map((li) => Number(li.dataset.id));
  try {
    for (const [i, id] of ids.entries()) {
      const v = views.find((x) => x.id === id);
      if (v && v.position !== i + 1) {
        await put(`/api/v2/views/${id}`, { view: { position: i + 1 } });
        v.position = i + 1;
      }
    }
    $('#adm-view-status').textContent = t('vw.reordered');
    sidebar();
  } catch (e) {
    $('#adm-view-status').textContent = t('app.error', { msg: e.message });
  }
}

async function editor(body, id) {
  const none = { groups: [], users: [], ticket_forms: [], ticket_fields: [] };
  const [groups, agents, forms, fields, one] = await Promise.all([
    get('/api/v2/groups').catch(() => none),
    get('/api/v2/users?role=agent&per_page=100').catch(() => none),
    get('/api/v2/ticket_forms').catch(() => none),
    get('/api/v2/ticket_fields').catch(() => none),
    id ? get(`/api/v2/views/${id}`) : Promise.resolve(null),
  ]);
  const defs = definitions(groups.groups || [], agents.users || [], forms.ticket_forms || [], fields.ticket_fields || []);
  const view = one ? one.view : { title: '', active: true, conditions: { all: [], any: [] }, execution: { columns: [], sort_by: 'created_at', sort_order: 'asc' }, restriction: admin() ? null : { type: 'User', id: session.user?.id } };
  if (one && !mayEdit(view)) {
    replace(body, h('h1', {}, view.title), h('p', { id: 'adm-view-readonly', role: 'note' }, t('vw.readonly')),
      h('a', { href: '#/admin/views' }, t('adm.back')));
    return;
  }
  const all = h('ol', { id: 'adm-view-all', class: 'adm-builder', 'aria-label': t('rul.all') });
  const any = h('ol', { id: 'adm-view-any', class: 'adm-builder', 'aria-label': t('rul.any') });
  const exec = view.execution || {};
  const chosen = (exec.columns || []).map((c) => (typeof c === 'string' ? c : c.id));
  const form = h('form', { id: 'adm-view-form', class: 'adm-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); save(id, form, view); } },
    field('adm-view-title', t('vw.title'), input({ type: 'text', 'data-api': 'title', value: view.title })),
    field('adm-view-description', t('vw.description'), input({ type: 'text', 'data-api': 'description', value: view.description || '' })),
    field('adm-view-active', t('adm.active'), h('input', { type: 'checkbox', 'data-api': 'active', checked: view.active })),
    h('fieldset', { id: 'adm-view-conditions', 'data-api': 'conditions', 'aria-describedby': 'adm-view-conditions-error' },
      h('legend', {}, t('rul.all')), all,
      h('button', { type: 'button', id: 'adm-view-add-all', onclick: () => addCond(all, defs, {}, true) }, t('rul.add_condition')),
      h('h3', {}, t('rul.any')), any,
      h('button', { type: 'button', id: 'adm-view-add-any', onclick: () => addCond(any, defs, {}, true) }, t('rul.add_condition')),
      h('p', { class: 'muted' }, t('vw.anchor_hint')),
      h('p', { id: 'adm-view-conditions-error', class: 'error' })),
    h('fieldset', { id: 'adm-view-output', 'data-api': 'output', 'aria-describedby': 'adm-view-output-error' },
      h('legend', {}, t('vw.columns')),
      h('ul', { class: 'conds' }, COLUMNS.map((c) => h('li', {},
        h('input', { type: 'checkbox', id: `adm-view-col-${c}`, class: 'adm-view-col', value: c, checked: chosen.includes(c) }), ' ',
        h('label', { for: `adm-view-col-${c}` }, t(`vw.col.${c}`))))),
      field('adm-view-sort-by', t('vw.sort_by'), h('select', {},
        SORTS.map((s) => h('option', { value: s, selected: s === (exec.sort_by || 'created_at') }, t(`vw.sort.${s}`))))),
      field('adm-view-sort-order', t('vw.sort_order'), h('select', {},
        ['asc', 'desc'].map((s) => h('option', { value: s, selected: s === (exec.sort_order || 'asc') }, t(`vw.order.${s}`))))),
      h('p', { id: 'adm-view-output-error', class: 'error' })),
    restrictionField(view, groups.groups || []),
    h('p', { id: 'adm-view-error', class: 'error', role: 'alert' }),
    status('adm-view-status'),
    h('div', { class: 'adm-buttons' },
      h('button', { type: 'submit', id: 'adm-view-save', class: 'primary' }, t('adm.save')),
      id ? h('button', { type: 'button', id: 'adm-view-delete', onclick: () => remove(view) }, t('adm.delete')) : null,
      h('a', { href: '#/admin/views' }, t('adm.back'))));
  for (const c of view.conditions.all || []) addCond(all, defs, c);
  for (const c of view.conditions.any || []) addCond(any, defs, c);
  if (!id) addCond(all, defs, {});
  replace(body, h('h1', {}, id ? t('vw.edit_title', { name: view.title }) : t('vw.new_title')), form);
}

// Who sees the view: everyone, one group, or only its owner. Agents keep
// their own views personal (the API refuses anything else).
function restrictionField(view, groups) {
  const r = restrictionOf(view);
  const kinds = admin() ? ['shared', 'group', 'personal'] : ['personal'];
  const groupSel = h('select', { id: 'adm-view-group', 'aria-label': t('vw.restrict.group_pick'), hidden: r.kind !== 'group' },
    groups.map((g) => h('option', { value: String(g.id), selected: r.kind === 'group' && Number(r.id) === g.id }, g.name)));
  const kind = h('select', { onchange: () => { groupSel.hidden = kind.value !== 'group'; } },
    kinds.map((k) => h('option', { value: k, selected: k === r.kind }, t(`vw.restrict.${k}`))));
  const box = field('adm-view-restriction', t('vw.restriction'), kind);
  kind.dataset.api = 'restriction';
  kind.disabled = !admin();
  box.insertBefore(groupSel, $('.error', box));
  return box;
}

function addCond(list, defs, c, focus) {
  const all = c.field && !defs.some((d) => d.subject === c.field)
    ? [...defs, { subject: c.field, title: c.field, group: 'ticket', type: 'text', values: [], operators: ops(c.operator || 'is') }]
    : defs;
  const row = h('li', { class: 'adm-cond' });
  row.dataset.name = t('rul.cond_n', { n: list.children.length + 1 });
  const sub = subjectSelect(all, c.field, `${row.dataset.name} · ${t('rul.field')}`);
  const fill = (op, value) => {
    for (const el of $$('.adm-op, .adm-value', row)) el.remove();
    const def = all.find((x) => x.subject === sub.value);
    if (!def) return;
    const opSel = h('select', { class: 'adm-op', 'aria-label': `${row.dataset.name} · ${t('rul.operator')}` },
      def.operators.map((o) => h('option', { value: o.value, selected: o.value === op }, t(`rul.op.${o.value}`))));
    sub.after(opSel);
    opSel.after(valueControl(def, value, `${row.dataset.name} · ${t('rul.value')}`));
  };
  sub.addEventListener('change', () => fill(null, ''));
  row.append(sub, removeButton(row, row.dataset.name));
  list.append(row);
  fill(c.operator, c.value);
  if (focus) sub.focus();
}

function conds(list) {
  return $$(':scope > li', list).filter((row) => $('.adm-subject', row).value).map((row) => ({
    field: $('.adm-subject', row).value,
    operator: $('.adm-op', row).value,
    value: ($('.adm-value', row) || { value: '' }).value,
  }));
}

function collect(form) {
  const kind = $('#adm-view-restriction', form).value;
  const restriction = kind === 'shared' ? null
    : kind === 'group' ? { type: 'Group', id: Number($('#adm-view-group', form).value) }
      : { type: 'User', id: session.user?.id };
  return {
    title: $('#adm-view-title', form).value,
    description: $('#adm-view-description', form).value,
    active: $('#adm-view-active', form).checked,
    all: conds($('#adm-view-all', form)),
    any: conds($('#adm-view-any', form)),
    output: {
      columns: $$('.adm-view-col', form).filter((c) => c.checked).map((c) => c.value),
      sort_by: $('#adm-view-sort-by', form).value,
      sort_order: $('#adm-view-sort-order', form).value,
    },
    restriction,
  };
}

async function save(id, form, old) {
  const line = $('#adm-view-status', form);
  const view = collect(form);
  // A personal view being edited stays its owner's.
  if (id && old.restriction && old.restriction.type === 'User' && view.restriction && view.restriction.type === 'User') view.restriction = old.restriction;
  try {
    const r = id ? await put(`/api/v2/views/${id}`, { view }) : await post('/api/v2/views', { view });
    showErrors(form, null, 'adm-view-error');
    line.textContent = t('adm.saved');
    sidebar();
    if (!id) location.hash = `#/admin/views/${r.view.id}`;
  } catch (e) {
    line.textContent = '';
    showErrors(form, e, 'adm-view-error');
  }
}

async function remove(view) {
  if (!window.confirm(t('adm.confirm_delete', { name: view.title }))) return;
  try {
    await api('DELETE', `/api/v2/views/${view.id}`);
    sidebar();
    location.hash = '#/admin/views';
  } catch (e) {
    $('#adm-view-error').textContent = t('app.error', { msg: e.message });
  }
}
