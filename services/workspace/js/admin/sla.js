// SLA policies (#/admin/sla[/<id>|/new]): the list in the order they are
// matched (the first matching policy applies), reorder, and a form with the
// filter conditions offered by /slas/policies/definitions, per-priority
// targets in business or calendar minutes, and the schedule the business
// targets use (hd_schedule_id; none = the oldest schedule).
import { get, put, post, api } from '../api.js';
import { t } from '../i18n.js';
import { $, $$, h, replace, announce } from '../dom.js';
import { useCss, row, input, select, section, heading, attempt, confirmDelete } from './settings_kit.js';

const P = '/api/v2/slas/policies';
export const METRICS = ['first_reply_time', 'next_reply_time', 'periodic_update_time', 'pausable_update_time', 'requester_wait_time', 'agent_work_time'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
// Values offered for the fields whose values are a fixed list.
const FIXED = {
  status: ['new', 'open', 'pending', 'hold', 'solved'],
  priority: ['low', 'normal', 'high', 'urgent'],
  type: ['problem', 'incident', 'question', 'task'],
};

export async function render(body, { rest }) {
  await useCss();
  const [list, defs, schedules, groups, fields] = await Promise.all([
    get(P).then((d) => d.sla_policies || []),
    get(`${P}/definitions`).then((d) => d.definitions || { all: [], any: [] }),
    get('/api/v2/business_hours/schedules').then((d) => d.schedules || []),
    get('/api/v2/groups').then((d) => d.groups || []).catch(() => []),
    get('/api/v2/ticket_fields').then((d) => (d.ticket_fields || []).filter((f) => f.id && !f.system)).catch(() => []),
  ]);
  if (!body.isConnected) return;
  list.sort((a, b) => a.position - b.position || a.id - b.id);
  const ctx = { defs, schedules, groups, fields };
  const editing = rest[0] === 'new' ? {} : list.find((p) => p.id === Number(rest[0]));
  replace(body, heading(t('admin.section.sla')),
    section('sla-order', t('slaa.list'), listTable(list)),
    editing ? section('sla-edit', editing.id ? t('slaa.edit', { title: editing.title }) : t('slaa.new'), policyForm(editing, ctx))
      : h('p', {}, h('a', { href: '#/admin/sla/new', id: 'sla-new', class: 'button' }, t('slaa.new'))));
  if (editing) $('#sla-title').focus();
}

function listTable(list) {
  if (!list.length) return h('p', { class: 'muted', id: 'sla-list' }, t('slaa.none'));
  const move = async (i, by) => {
    const ids = list.map((p) => p.id);
    const [x] = ids.splice(i, 1);
    ids.splice(i + by, 0, x);
    await put(`${P}/reorder`, { sla_policy_ids: ids });
    announce(t('slaa.reordered'));
    const { render: again } = await import('./sla.js');
    await again($('.admin-body'), { rest: location.hash.split('?')[0].split('/').slice(3) });
    // Keep the focus on the moved policy's arrow (the other one at an end).
    const same = $(`#sla-${by < 0 ? 'up' : 'down'}-${x}`);
    (same && !same.disabled ? same : $(`#sla-${by < 0 ? 'down' : 'up'}-${x}`))?.focus();
  };
  return h('table', { id: 'sla-list', class: 'list' },
    h('caption', { class: 'sr-only' }, t('slaa.list')),
    h('thead', {}, h('tr', {}, ['slaa.position', 'slaa.title', 'slaa.targets', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, list.map((p, i) => h('tr', { dataset: { policy: p.id } },
      h('td', {}, i + 1),
      h('td', {}, h('a', { href: `#/admin/sla/${p.id}` }, p.title)),
      h('td', {}, (p.policy_metrics || []).map((m) => `${t(`slam.${m.metric}`)} ${t(`priority.${m.priority}`)} ${m.target}${t('slaa.min')}`).join(' · ')),
      h('td', { class: 'as-actions' },
        h('button', { type: 'button', class: 'small', id: `sla-up-${p.id}`, disabled: i === 0, 'aria-label': t('slaa.up', { title: p.title }), onclick: () => move(i, -1) }, '↑'),
        h('button', { type: 'button', class: 'small', id: `sla-down-${p.id}`, disabled: i === list.length - 1, 'aria-label': t('slaa.down', { title: p.title }), onclick: () => move(i, 1) }, '↓'),
        h('button', { type: 'button', class: 'small', 'aria-label': t('slaa.delete', { title: p.title }),
          onclick: async () => { if (confirmDelete(p.title)) { await api('DELETE', `${P}/${p.id}`); location.hash = '#/admin/sla'; } } }, t('as.delete')))))));
}

// ---- conditions ----

function valueControl(field, value, ctx, label) {
  const attrs = { class: 'cond-value', 'aria-label': label };
  if (FIXED[field]) return select(FIXED[field].map((v) => [v, t(`${field === 'type' ? 'ttype' : field}.${v}`)]), value, attrs);
  if (field === 'group_id') return select(ctx.groups.map((g) => [g.id, g.name]), value, attrs);
  if (field === 'current_tags') return input({ ...attrs, value: value ?? '', placeholder: t('slaa.tags_ph') });
  return input({ ...attrs, value: value ?? '' });
}

function fieldOptions(ctx, kind) {
  const out = [];
  for (const d of ctx.defs[kind] || []) {
    if (d.value === 'custom_fields_<id>') for (const f of ctx.fields) out.push([`custom_fields_${f.id}`, `${t('slaa.custom')}: ${f.title}`]);
    else out.push([d.value, t(`slaf.${d.value}`)]);
  }
  return out;
}

function operatorsOf(ctx, kind, field) {
  const d = (ctx.defs[kind] || []).find((x) => x.value === field || (field.startsWith('custom_fields_') && x.value === 'custom_fields_<id>'));
  return d ? d.operators.map((o) => [o.value, t(`slao.${o.value}`)]) : [];
}

function condRow(ctx, kind, cond, n) {
  const fields = fieldOptions(ctx, kind);
  const field = cond.field || (fields[0] && fields[0][0]);
  const li = h('li', { class: 'cond' });
  const build = (f, op, value) => {
    const fSel = select(fields, f, { class: 'cond-field', 'aria-label': t('slaa.cond_field', { n }) });
    const oSel = select(operatorsOf(ctx, kind, f), op, { class: 'cond-op', 'aria-label': t('slaa.cond_op', { n }) });
    const val = valueControl(f, value, ctx, t('slaa.cond_value', { n }));
    fSel.addEventListener('change', () => build(fSel.value, null, null));
    replace(li, fSel, oSel, val,
      h('button', { type: 'button', class: 'small', 'aria-label': t('slaa.cond_remove', { n }), onclick: () => li.remove() }, '×'));
  };
  build(field, cond.operator, cond.value);
  return li;
}

function condList(ctx, kind, conds) {
  const ul = h('ul', { id: `sla-cond-${kind}`, class: 'conds' });
  const add = (c) => ul.append(condRow(ctx, kind, c || {}, ul.children.length + 1));
  for (const c of conds || []) add(c);
  return h('fieldset', { class: 'as-conds' }, h('legend', {}, t(`slaa.cond_${kind}`)), ul,
    h('button', { type: 'button', id: `sla-cond-${kind}-add`, class: 'small', onclick: () => { add(); $$('.cond-field', ul).pop().focus(); } }, t('slaa.cond_add')));
}

function readConds(kind) {
  return $$(`#sla-cond-${kind} li`).map((li) => {
    const f = $('.cond-field', li).value;
    let v = $('.cond-value', li).value.trim();
    return { field: f, operator: $('.cond-op', li).value, value: v };
  });
}

// ---- targets ----

function targetsTable(p) {
  const rows = p.policy_metrics || [];
  const find = (m, pr) => rows.find((r) => r.metric === m && r.priority === pr);
  const bizOf = (m) => { const r = rows.find((x) => x.metric === m); return r ? r.business_hours !== false : true; };
  return h('div', { class: 'as-scroll' }, h('table', { id: 'sla-targets', class: 'list sla-targets', 'aria-describedby': 'sla-targets-hint' },
    h('caption', {}, t('slaa.targets')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('slaa.metric')),
      PRIORITIES.map((pr) => h('th', { scope: 'col' }, t(`priority.${pr}`))), h('th', { scope: 'col' }, t('slaa.hours_kind')))),
    h('tbody', {}, METRICS.map((m) => h('tr', {},
      h('th', { scope: 'row' }, t(`slam.${m}`)),
      PRIORITIES.map((pr) => h('td', {}, input({ type: 'number', min: '1', step: '1', inputmode: 'numeric', id: `sla-t-${m}-${pr}`, class: 'num',
        value: find(m, pr) ? find(m, pr).target : '', 'aria-label': t('slaa.target_label', { metric: t(`slam.${m}`), priority: t(`priority.${pr}`) }) }))),
      h('td', {}, select([['business', t('slaa.business')], ['calendar', t('slaa.calendar')]], bizOf(m) ? 'business' : 'calendar',
        { id: `sla-bh-${m}`, 'aria-label': t('slaa.hours_label', { metric: t(`slam.${m}`) }) })))))),
  h('small', { id: 'sla-targets-hint', class: 'muted' }, t('slaa.targets_hint')),
  h('p', { id: 'sla-targets-error', class: 'error as-err', role: 'alert' }));
}

function readTargets() {
  const out = [];
  for (const m of METRICS) for (const pr of PRIORITIES) {
    const v = $(`#sla-t-${m}-${pr}`).value.trim();
    if (v !== '') out.push({ priority: pr, metric: m, target: Number(v), business_hours: $(`#sla-bh-${m}`).value === 'business' });
  }
  return out;
}

function policyForm(p, ctx) {
  const filter = p.filter || { all: [], any: [] };
  const form = h('form', { id: 'sla-form', class: 'as-form', novalidate: true },
    row('sla-title', t('slaa.title'), input({ value: p.title || '', autocomplete: 'off', required: true })),
    row('sla-description', t('slaa.description'), h('textarea', { rows: '2' }, p.description || '')),
    row('sla-hd_schedule_id', t('slaa.schedule'), select([['0', t('slaa.schedule_default')], ...ctx.schedules.map((s) => [s.id, `${s.name} (${s.time_zone})`])], p.hd_schedule_id || 0),
      t('slaa.schedule_hint')),
    h('div', { class: 'as-conds-box' }, condList(ctx, 'all', filter.all), condList(ctx, 'any', filter.any)),
    h('p', { id: 'sla-filter-error', class: 'error as-err', role: 'alert' }),
    targetsTable(p),
    h('p', { id: 'sla-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'sla-save', class: 'primary' }, t('as.save')), ' ',
    h('a', { href: '#/admin/sla' }, t('app.cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { sla_policy: {
      title: $('#sla-title').value.trim(), description: $('#sla-description').value,
      hd_schedule_id: Number($('#sla-hd_schedule_id').value) || 0,
      filter: { all: readConds('all'), any: readConds('any') },
      policy_metrics: readTargets(),
    } };
    let saved = null;
    const ok = await attempt(form, 'sla', async () => {
      saved = (p.id ? await put(`${P}/${p.id}`, body) : await post(P, body)).sla_policy;
    }, t('as.saved'), { policy_metrics: 'sla-targets' });
    if (ok) location.hash = `#/admin/sla/${saved.id}`;
  });
  return form;
}
