// Groups (#/admin/groups[/<id>]): create, rename and delete groups, their
// members, and each group's routing (services/routing/assign_*.c):
// manual, round_robin, least_loaded or skills, with the skills fallback.
import { get, put, post, api } from '../api.js';
import { t } from '../i18n.js';
import { $, h, replace } from '../dom.js';
import { useCss, row, input, select, section, heading, attempt, confirmDelete, staff, stateName } from './settings_kit.js';

const STRATEGIES = ['manual', 'round_robin', 'least_loaded', 'skills'];

export async function render(body, { rest }) {
  await useCss();
  const groups = ((await get('/api/v2/groups')).groups || []).filter((g) => !g.deleted);
  const gid = Number(rest[0]) || (groups[0] && groups[0].id) || 0;
  const current = groups.find((g) => g.id === gid);
  if (!body.isConnected) return;
  replace(body, heading(t('admin.section.groups')),
    h('div', { class: 'as-cols' },
      h('nav', { class: 'as-list', 'aria-label': t('grp.list') },
        h('ul', { id: 'grp-list' }, groups.map((g) => h('li', {},
          h('a', { href: `#/admin/groups/${g.id}`, 'aria-current': g.id === gid ? 'page' : null }, g.name)))),
        createForm()),
      h('div', { class: 'as-main', id: 'grp-main' }, current ? null : h('p', { class: 'muted' }, t('grp.none')))));
  if (current) await showGroup(current, groups);
}

function createForm() {
  const form = h('form', { id: 'grp-create-form', class: 'as-form', novalidate: true },
    h('h2', {}, t('grp.create')),
    row('grp-new-name', t('grp.name'), input({ autocomplete: 'off' })),
    h('p', { id: 'grp-new-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'grp-create', class: 'primary' }, t('grp.create_button')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let g = null;
    if (await attempt(form, 'grp-new', async () => { g = (await post('/api/v2/groups', { group: { name: $('#grp-new-name').value.trim() } })).group; }, t('grp.created'))) {
      location.hash = `#/admin/groups/${g.id}`;
    }
  });
  return form;
}

async function showGroup(g, groups) {
  const slot = $('#grp-main');
  const [members, people, routing, fields] = await Promise.all([
    get(`/api/v2/groups/${g.id}/memberships`).then((d) => d.group_memberships || []),
    staff(),
    get(`/api/v2/hd/groups/${g.id}/routing`).then((d) => d.group_routing).catch(() => ({ strategy: 'manual' })),
    // Text, multi-select and tagger fields can name skills (docs/assignment.md).
    get('/api/v2/ticket_fields').then((d) => (d.ticket_fields || []).filter((f) => ['text', 'multiselect', 'tagger'].includes(f.type))).catch(() => []),
  ]);
  const byId = new Map(people.map((u) => [u.id, u]));
  const inGroup = new Set(members.map((m) => m.user_id));
  const again = () => showGroup(g, groups);

  const props = h('form', { id: 'grp-form', class: 'as-form as-inline', novalidate: true },
    row('grp-name', t('grp.name'), input({ value: g.name, autocomplete: 'off' })),
    h('p', { id: 'grp-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'grp-save' }, t('as.save')),
    h('button', { type: 'button', id: 'grp-delete', class: 'danger', onclick: async () => {
      if (confirmDelete(g.name) && await attempt(props, 'grp', () => api('DELETE', `/api/v2/groups/${g.id}`), t('as.deleted'))) location.hash = '#/admin/groups';
    } }, t('as.delete')));
  props.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await attempt(props, 'grp', () => put(`/api/v2/groups/${g.id}`, { group: { name: $('#grp-name').value.trim() } }), t('as.saved'));
  });

  const addForm = h('form', { id: 'grp-add-form', class: 'as-form as-inline', novalidate: true },
    row('grp-add-user', t('grp.add_member'), select([['', '–'], ...people.filter((u) => !inGroup.has(u.id)).map((u) => [u.id, `${u.name} <${u.email || ''}>`])], '')),
    h('p', { id: 'grp-add-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'grp-add' }, t('grp.add')));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const uid = Number($('#grp-add-user').value);
    if (!uid) { $('#grp-add-user-error').textContent = t('grp.pick'); return; }
    if (await attempt(addForm, 'grp-add', () => post('/api/v2/group_memberships', { group_membership: { user_id: uid, group_id: g.id } }), t('grp.added'))) again();
  });
  const memberTable = h('table', { id: 'grp-members', class: 'list' },
    h('caption', {}, t('grp.members', { n: members.length })),
    h('thead', {}, h('tr', {}, ['grp.agent', 'grp.email', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, members.map((m) => {
      const u = byId.get(m.user_id) || { name: `#${m.user_id}` };
      return h('tr', { dataset: { user: m.user_id } }, h('td', {}, h('a', { href: `#/admin/agents/${m.user_id}` }, u.name)), h('td', {}, u.email || ''),
        h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': t('grp.remove', { name: u.name }),
          onclick: async () => { await api('DELETE', `/api/v2/group_memberships/${m.id}`); again(); } }, t('grp.remove_button'))));
    })));

  // The admin may have moved on while the lists loaded.
  if (!slot.isConnected) return;
  replace(slot,
    section('grp-props', g.name, props),
    section('grp-mem', t('grp.members_title'), memberTable, addForm),
    section('grp-route', t('grp.routing'), routingForm(g, routing, groups, fields)),
    section('grp-load', t('grp.load'), h('div', { id: 'grp-load-slot' }, t('app.loading'))));
  showLoad(g, byId);
}

// Who routing would give work to now: state, availability, load/capacity.
async function showLoad(g, byId) {
  const slot = $('#grp-load-slot');
  let l = null;
  try { l = (await get(`/api/v2/hd/groups/${g.id}/routing/load`)).group_load; } catch (e) {
    if (slot.isConnected) replace(slot, h('p', { class: 'error' }, e.message));
    return;
  }
  if (!slot.isConnected) return;
  const pairs = (o) => Object.entries(o || {}).map(([k, v]) => `${k} ${v}`).join(', ');
  replace(slot, h('p', { id: 'grp-queued' }, t('grp.queued', { n: l.queued || 0 })),
    h('table', { id: 'grp-load-list', class: 'list' },
      h('thead', {}, h('tr', {}, ['grp.agent', 'ag.presence', 'ps.available', 'grp.load_now', 'ag.capacity'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, (l.agents || []).map((a) => h('tr', {},
        h('td', {}, (byId.get(a.agent_id) || { name: `#${a.agent_id}` }).name), h('td', {}, stateName(a.state)),
        h('td', {}, a.available ? t('as.yes') : t('as.no')), h('td', {}, pairs(a.load) || '0'), h('td', {}, pairs(a.capacity) || '–'))))));
}

function routingForm(g, r, groups, fields) {
  const fb = r.fallback || 'any_member';
  const form = h('form', { id: 'grp-routing-form', class: 'as-form', novalidate: true },
    row('grp-strategy', t('grp.strategy'), select(STRATEGIES.map((s) => [s, t(`strategy.${s}`)]), r.strategy || 'manual'), t('grp.strategy_hint')),
    row('grp-skills_fallback_after_seconds', t('grp.fallback_after'), input({ type: 'number', min: '0', value: r.skills_fallback_after_seconds ?? 0 }), t('grp.fallback_after_hint')),
    row('grp-fallback', t('grp.fallback'), select([['any_member', t('grp.fallback_any')],
      ...groups.filter((x) => x.id !== g.id).map((x) => [`group_id:${x.id}`, t('grp.fallback_group', { name: x.name })])], fb)),
    row('grp-skill_field_id', t('grp.skill_field'), select([['', '–'], ...fields.map((f) => [f.id, `${f.title} (${f.type})`])], r.skill_field_id ?? ''), t('grp.skill_field_hint')),
    h('p', { id: 'grp-routing-error', class: 'error as-general', role: 'alert' }),
    h('button', { type: 'submit', id: 'grp-routing-save', class: 'primary' }, t('as.save')),
    h('p', { id: 'grp-routing-status', role: 'status' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const field = $('#grp-skill_field_id').value.trim();
    const body = { group_routing: {
      strategy: $('#grp-strategy').value,
      skills_fallback_after_seconds: Number($('#grp-skills_fallback_after_seconds').value || 0),
      fallback: $('#grp-fallback').value,
      skill_field_id: field ? Number(field) : null,
    } };
    if (await attempt(form, 'grp', () => put(`/api/v2/hd/groups/${g.id}/routing`, body), t('as.saved'))) $('#grp-routing-status').textContent = t('as.saved');
  });
  return form;
}
