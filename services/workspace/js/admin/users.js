// Users and organizations (#/admin/users?q=…&role=…): search and list
// people, create one, change a role, suspend or restore, see and end a
// person's browser sessions; organizations listed and created.
import { get, put, post, api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { $, h, replace } from '../dom.js';
import { useCss, row, input, select, section, heading, attempt } from './settings_kit.js';

const ROLES = ['end-user', 'agent', 'admin'];

export async function render(body, { query }) {
  await useCss();
  const q = query.get('q') || '';
  const role = query.get('role') || '';
  const path = q ? `/api/v2/users/search?query=${encodeURIComponent(q)}` : `/api/v2/users?per_page=100${role ? `&role=${role}` : ''}`;
  const [users, orgs] = await Promise.all([get(path).then((d) => d.users || []), get('/api/v2/organizations?per_page=100').then((d) => d.organizations || []).catch(() => [])]);
  if (!body.isConnected) return;
  replace(body, heading(t('admin.section.users')),
    section('usr-find', t('usr.people'), searchForm(q, role), userTable(users.filter((u) => !role || u.role === role)), h('div', { id: 'usr-sessions' })),
    section('usr-new', t('usr.create'), createForm(orgs)),
    section('org', t('org.title'), orgTable(orgs), orgForm()));
}

function searchForm(q, role) {
  const form = h('form', { id: 'usr-search', class: 'as-form as-inline', role: 'search' },
    row('usr-q', t('usr.search'), input({ type: 'search', value: q, autocomplete: 'off' })),
    row('usr-role-filter', t('usr.role'), select([['', t('usr.all_roles')], ...ROLES.map((r) => [r, t(`urole.${r}`)])], role)),
    h('button', { type: 'submit', id: 'usr-search-go' }, t('usr.search_button')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    if ($('#usr-q').value.trim()) p.set('q', $('#usr-q').value.trim());
    if ($('#usr-role-filter').value) p.set('role', $('#usr-role-filter').value);
    location.hash = `#/admin/users${p.toString() ? `?${p}` : ''}`;
  });
  return form;
}

function userTable(users) {
  return h('table', { id: 'usr-list', class: 'list' },
    h('caption', {}, t('usr.count', { n: users.length })),
    h('thead', {}, h('tr', {}, ['usr.name', 'usr.email', 'usr.role', 'usr.state', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, users.map((u) => userRow(u))));
}

function userRow(u) {
  const err = h('span', { class: 'error', id: `usr-${u.id}-error`, role: 'alert' });
  const roleSel = select(ROLES.map((r) => [r, t(`urole.${r}`)]), u.role, { id: `usr-role-${u.id}`, 'aria-label': t('usr.role_of', { name: u.name }) });
  roleSel.addEventListener('change', async () => {
    err.textContent = '';
    try { await put(`/api/v2/users/${u.id}`, { user: { role: roleSel.value } }); u.role = roleSel.value; } catch (e) { err.textContent = e.message; roleSel.value = u.role; }
  });
  const tr = h('tr', { dataset: { user: u.id } },
    h('td', {}, u.name), h('td', {}, u.email || ''), h('td', {}, roleSel),
    h('td', {}, u.suspended ? h('strong', { class: 'error' }, t('usr.suspended')) : t('usr.active')),
    h('td', { class: 'as-actions' },
      h('button', { type: 'button', class: 'small', id: `usr-suspend-${u.id}`, 'aria-label': t(u.suspended ? 'usr.restore_of' : 'usr.suspend_of', { name: u.name }),
        onclick: async () => {
          try {
            await put(`/api/v2/users/${u.id}`, { user: { suspended: !u.suspended } });
            u.suspended = !u.suspended;
            tr.replaceWith(userRow(u));
            $(`#usr-suspend-${u.id}`).focus();
          } catch (e) { err.textContent = e.message; }
        } }, t(u.suspended ? 'usr.restore' : 'usr.suspend')),
      h('button', { type: 'button', class: 'small', id: `usr-sess-${u.id}`, 'aria-label': t('usr.sessions_of', { name: u.name }),
        onclick: () => showSessions(u) }, t('usr.sessions')),
      err));
  return tr;
}

async function showSessions(u) {
  const slot = $('#usr-sessions');
  let list = [];
  try { list = (await get(`/api/v2/hd/users/${u.id}/sessions`)).sessions || []; } catch (e) {
    replace(slot, h('p', { class: 'error', role: 'alert' }, e.message));
    return;
  }
  const end = async (path) => {
    try { await api('DELETE', path); await showSessions(u); $('#usr-sessions-title').focus(); } catch (e) { replace(slot, h('p', { class: 'error', role: 'alert' }, e.message)); }
  };
  replace(slot, h('h3', { id: 'usr-sessions-title', tabindex: '-1' }, t('usr.sessions_title', { name: u.name, n: list.length })),
    list.length ? h('table', { class: 'list', id: 'usr-sessions-list' },
      h('thead', {}, h('tr', {}, ['usr.signed_in', 'usr.last_seen', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.map((s) => h('tr', {}, h('td', {}, fmtDate(s.created_at)), h('td', {}, fmtDate(s.last_seen_at)),
        h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => end(`/api/v2/hd/users/${u.id}/sessions/${s.id}`) }, t('usr.end_session'))))))) : h('p', { class: 'muted' }, t('usr.no_sessions')),
    list.length ? h('button', { type: 'button', id: 'usr-sessions-end-all', class: 'danger', onclick: () => end(`/api/v2/hd/users/${u.id}/sessions`) }, t('usr.end_all')) : null);
}

function createForm(orgs) {
  const form = h('form', { id: 'usr-create-form', class: 'as-form', novalidate: true },
    row('usr-new-name', t('usr.name'), input({ autocomplete: 'off' })),
    row('usr-new-email', t('usr.email'), input({ type: 'email', autocomplete: 'off' })),
    row('usr-new-role', t('usr.role'), select(ROLES.map((r) => [r, t(`urole.${r}`)]), 'end-user')),
    row('usr-new-organization_id', t('usr.org'), select([['', '–'], ...orgs.map((o) => [o.id, o.name])], '')),
    h('p', { id: 'usr-new-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'usr-create', class: 'primary' }, t('usr.create_button')),
    h('p', { id: 'usr-new-status', role: 'status' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const user = { name: $('#usr-new-name').value.trim(), email: $('#usr-new-email').value.trim(), role: $('#usr-new-role').value };
    if ($('#usr-new-organization_id').value) user.organization_id = Number($('#usr-new-organization_id').value);
    let made = null;
    if (await attempt(form, 'usr-new', async () => { made = (await post('/api/v2/users', { user })).user; }, t('usr.created'))) {
      location.hash = `#/admin/users?q=${encodeURIComponent(made.email || made.name)}`;
    }
  });
  return form;
}

function orgTable(orgs) {
  return h('table', { id: 'org-list', class: 'list' },
    h('caption', {}, t('org.count', { n: orgs.length })),
    h('thead', {}, h('tr', {}, ['org.name', 'org.domains'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, orgs.map((o) => h('tr', {}, h('td', {}, o.name), h('td', {}, (o.domain_names || []).join(', '))))));
}

function orgForm() {
  const form = h('form', { id: 'org-form', class: 'as-form as-inline', novalidate: true },
    row('org-name', t('org.name'), input({ autocomplete: 'off' })),
    row('org-domain_names', t('org.domains'), input({ autocomplete: 'off' }), t('org.domains_hint')),
    h('p', { id: 'org-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'org-create' }, t('org.create')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const domains = $('#org-domain_names').value.split(/[\s,]+/).filter(Boolean);
    if (await attempt(form, 'org', () => post('/api/v2/organizations', { organization: { name: $('#org-name').value.trim(), domain_names: domains } }), t('org.created'))) {
      const { render: again } = await import('./users.js');
      again($('.admin-body'), { query: new URLSearchParams(location.hash.split('?')[1] || '') });
    }
  });
  return form;
}
