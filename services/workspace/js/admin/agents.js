// Agents (#/admin/agents[/<id>]): each agent's skills, languages and
// capacity per channel (the routing profile), presence set by an admin,
// and the presence states (built-in and custom, available or not).
import { get, put, post } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { $, h, replace } from '../dom.js';
import { useCss, row, input, select, section, heading, attempt, staff } from './settings_kit.js';
import { SYMBOL, presenceKind, presenceLabel, presenceText } from '../presence_kind.js';

const CHANNELS = ['default', 'email', 'web', 'api', 'chat', 'voice'];
// The state named name as the API lists it (a state since removed: by name alone).
const byName = (states, name) => states.find((s) => s.name === name) || { name };
const words = (s) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export async function render(body, { rest }) {
  await useCss();
  const [people, states] = await Promise.all([staff(), get('/api/v2/hd/presence_states').then((d) => d.presence_states || [])]);
  const aid = Number(rest[0]) || (people[0] && people[0].id) || 0;
  const current = people.find((u) => u.id === aid);
  const presence = await Promise.all(people.map((u) => get(`/api/v2/hd/agents/${u.id}/presence`).then((d) => d.presence).catch(() => null)));
  if (!body.isConnected) return;
  replace(body, heading(t('admin.section.agents')),
    h('div', { class: 'as-cols' },
      h('nav', { class: 'as-list', 'aria-label': t('ag.list') },
        h('ul', { id: 'ag-list' }, people.map((u, i) => h('li', {},
          h('a', { href: `#/admin/agents/${u.id}`, 'aria-current': u.id === aid ? 'page' : null }, u.name),
          ' ', h('small', { class: 'muted' }, presence[i] ? presenceLabel(byName(states, presence[i].state)) : '–'))))),
      h('div', { class: 'as-main', id: 'ag-main' }, current ? null : h('p', { class: 'muted' }, t('ag.none')))),
    section('ps', t('ps.title'), statesTable(states), stateForm()));
  if (current) await showAgent(current, states, presence[people.indexOf(current)]);
}

async function showAgent(u, states, pres) {
  const slot = $('#ag-main');
  let prof = null;
  try { prof = (await get(`/api/v2/hd/agents/${u.id}/profile`)).agent_profile; } catch { prof = null; }
  const cap = (prof && prof.capacity) || {};
  const form = h('form', { id: 'ag-form', class: 'as-form', novalidate: true },
    row('ag-skills', t('ag.skills'), input({ value: ((prof && prof.skills) || []).join(', '), autocomplete: 'off' }), t('ag.skills_hint')),
    row('ag-languages', t('ag.languages'), input({ value: ((prof && prof.languages) || []).join(', '), autocomplete: 'off' }), t('ag.languages_hint')),
    h('fieldset', { class: 'as-caps' }, h('legend', {}, t('ag.capacity')),
      CHANNELS.map((c) => row(`ag-cap-${c}`, t(`ag.cap_${c}`), input({ type: 'number', min: '0', value: cap[c] ?? '', class: 'num' })))),
    h('p', { id: 'ag-capacity-error', class: 'error as-err', role: 'alert' }),
    h('p', { id: 'ag-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'ag-save', class: 'primary' }, t('as.save')),
    h('p', { id: 'ag-status', role: 'status' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const capacity = {};
    for (const c of CHANNELS) { const v = $(`#ag-cap-${c}`).value.trim(); if (v !== '') capacity[c] = Number(v); }
    const body = { agent_profile: { skills: words($('#ag-skills').value), languages: words($('#ag-languages').value), capacity } };
    if (await attempt(form, 'ag', () => put(`/api/v2/hd/agents/${u.id}/profile`, body), t('as.saved'))) $('#ag-status').textContent = t('as.saved');
  });

  const pform = h('form', { id: 'ag-presence-form', class: 'as-form as-inline', novalidate: true },
    row('ag-state', t('ag.presence'), select(states.map((s) => [s.name, `${SYMBOL[presenceKind(s)]} ${presenceText(s)}`]), pres ? pres.state : 'offline')),
    h('p', { id: 'ag-presence-error', class: 'error as-general', role: 'alert' }),
    h('button', { type: 'submit', id: 'ag-presence-save' }, t('ag.presence_set')),
    pres && pres.since ? h('small', { class: 'muted' }, t('ag.since', { when: fmtDate(pres.since) })) : null);
  pform.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await attempt(pform, 'ag', () => put(`/api/v2/hd/agents/${u.id}/presence`, { presence: { state: $('#ag-state').value } }), t('as.saved'));
  });
  if (!slot.isConnected) return;
  replace(slot, section('ag-prof', `${u.name} (${t(`urole.${u.role}`)})`, form), section('ag-pres', t('ag.presence'), pform));
}

function statesTable(states) {
  return h('table', { id: 'ps-list', class: 'list' },
    h('caption', { class: 'sr-only' }, t('ps.title')),
    h('thead', {}, h('tr', {}, ['ps.name', 'ps.available', 'ps.builtin'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, states.map((s) => h('tr', {}, h('td', {}, presenceLabel(s)), h('td', {}, s.available ? t('as.yes') : t('as.no')),
      h('td', {}, s.builtin ? t('as.yes') : t('as.no'))))));
}

function stateForm() {
  const form = h('form', { id: 'ps-form', class: 'as-form as-inline', novalidate: true },
    row('ps-name', t('ps.new_name'), input({ autocomplete: 'off' })),
    h('label', { class: 'as-check' }, h('input', { type: 'checkbox', id: 'ps-available' }), ` ${t('ps.available')}`),
    h('p', { id: 'ps-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'ps-add' }, t('ps.add')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (await attempt(form, 'ps', () => post('/api/v2/hd/presence_states', { presence_state: { name: $('#ps-name').value.trim(), available: $('#ps-available').checked } }), t('as.saved'))) {
      const { render: again } = await import('./agents.js');
      again($('.admin-body'), { rest: location.hash.split('?')[0].split('/').slice(3) });
    }
  });
  return form;
}
