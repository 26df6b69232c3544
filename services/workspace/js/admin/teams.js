// The team builder: POST /api/v2/hd/teams/suggest proposes k teams
// balanced across low, middle and high proficiency scores; an admin may
// apply the proposal to group memberships (one existing group per team),
// through the membership API: each agent joins its team's group and leaves
// the other groups chosen here. Agents (team leads) see the proposal only.
import { api, get, post } from '../api.js';
import { t, fmtNum } from '../i18n.js';
import { h, replace, announce } from '../dom.js';
import { session } from '../state.js';
import * as kit from './reports-kit.js';
import { storedWeights, KPIS } from './proficiency.js';

const isAdmin = () => session.user?.role === 'admin';

function weights() {
  const w = storedWeights(), out = {};
  for (const k of KPIS) if (w[k] !== undefined && w[k] !== '') out[k] = Number(w[k]);
  return out;
}

function sourceForm(n, onSuggest) {
  const groups = [...n.groups];
  const form = h('form', { class: 'report-filters', id: 'teams-form', 'aria-labelledby': 'teams-src' },
    h('fieldset', { class: 'teams-groups' }, h('legend', { id: 'teams-src' }, t('teams.from')),
      groups.length ? groups.map(([id, name]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'group', value: id }), ` ${name}`)) : h('p', { class: 'muted' }, t('teams.no_groups'))),
    h('div', { class: 'rf-field' }, h('label', { for: 'teams-k' }, t('teams.k')),
      h('input', { id: 'teams-k', name: 'k', type: 'number', min: 2, max: 50, value: 2, required: true })),
    h('div', { class: 'rf-field' }, h('label', { for: 'teams-period' }, t('teams.period')),
      h('select', { id: 'teams-period', name: 'period' }, ['7d', '30d', '90d'].map((p) => h('option', { value: p, selected: p === '30d' }, t(`teams.period.${p}`))))),
    h('div', { class: 'rf-actions' }, h('button', { type: 'submit', class: 'primary', id: 'teams-suggest' }, t('teams.suggest'))),
    h('p', { class: 'muted' }, t('teams.all_hint')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const gids = [...form.querySelectorAll('input[name=group]:checked')].map((x) => Number(x.value));
    onSuggest({ gids, k: Number(form.elements.k.value), period: form.elements.period.value });
  });
  return form;
}

function proposal(sug, n, onApply) {
  const targets = [...n.groups];
  return h('section', { class: 'report', id: 'teams-proposal', 'aria-labelledby': 'teams-p-title' },
    h('h2', { id: 'teams-p-title' }, t('teams.proposal')),
    h('p', {}, t('teams.summary', { mean: fmtNum(sug.overall_mean), dev: fmtNum(sug.max_deviation_percent) })),
    h('p', { class: 'muted' }, t('teams.method')),
    h('div', { class: 'teams-grid' }, sug.teams.map((tm) => h('div', { class: 'team-card', dataset: { team: tm.team } },
      h('h3', {}, t('teams.team', { n: tm.team }), ' ', h('span', { class: 'muted' }, t('teams.mean', { mean: fmtNum(tm.mean_score) }))),
      h('table', { class: 'list' }, h('caption', { class: 'sr-only' }, t('teams.team', { n: tm.team })),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('rep.col.agent_id')), h('th', { scope: 'col' }, t('rep.col.score')))),
        h('tbody', {}, tm.agents.map((a) => h('tr', {}, h('td', {}, kit.agentName(n, a.agent_id)), h('td', {}, fmtNum(a.score)))))),
      isAdmin() ? h('div', { class: 'rf-field' }, h('label', { for: `teams-target-${tm.team}` }, t('teams.target')),
        h('select', { id: `teams-target-${tm.team}`, class: 'teams-target' }, h('option', { value: '' }, t('teams.choose')),
          targets.map(([id, name]) => h('option', { value: id }, name)))) : null))),
    isAdmin() ? h('div', { class: 'rf-actions' }, h('button', { type: 'button', class: 'primary', id: 'teams-apply', onclick: onApply }, t('teams.apply')))
      : h('p', { class: 'muted' }, t('teams.admins_apply')),
    h('p', { id: 'teams-msg', role: 'status' }));
}

// Every team's agents into its chosen group, out of the other chosen ones.
async function apply(sug, box) {
  const msg = box.querySelector('#teams-msg');
  const chosen = sug.teams.map((tm) => Number(box.querySelector(`#teams-target-${tm.team}`).value) || 0);
  if (chosen.some((g) => !g) || new Set(chosen).size !== chosen.length) {
    msg.textContent = t('teams.pick_distinct');
    msg.className = 'error';
    return;
  }
  msg.className = '';
  msg.textContent = t('app.loading');
  try {
    const ms = (await get('/api/v2/group_memberships?per_page=100')).group_memberships || [];
    let added = 0, removed = 0;
    for (const [i, tm] of sug.teams.entries()) {
      for (const a of tm.agents) {
        if (!ms.some((m) => m.user_id === a.agent_id && m.group_id === chosen[i])) {
          await post('/api/v2/group_memberships', { group_membership: { user_id: a.agent_id, group_id: chosen[i] } });
          added++;
        }
        for (const m of ms.filter((x) => x.user_id === a.agent_id && x.group_id !== chosen[i] && chosen.includes(x.group_id))) {
          await api('DELETE', `/api/v2/group_memberships/${m.id}`);
          removed++;
        }
      }
    }
    msg.textContent = t('teams.applied', { added, removed });
    announce(msg.textContent);
  } catch (e) {
    msg.className = 'error';
    msg.textContent = t('app.error', { msg: e.message });
  }
}

export async function render(body) {
  kit.useStyles();
  const n = await kit.loadNames();
  const slot = h('div', { 'aria-live': 'polite' });
  const page = h('div', { class: 'reports', id: 'reports-teams' },
    h('h1', { id: 'rep-title', tabindex: '-1' }, t('admin.section.teams')),
    h('p', { class: 'muted' }, t('teams.about')));
  page.append(sourceForm(n, async ({ gids, k, period }) => {
    replace(slot, h('p', { class: 'muted' }, t('app.loading')));
    const req = { teams: k, period, weights: weights() };
    if (gids.length) req.group_ids = gids;
    else req.agent_ids = [...n.agents.keys()];
    try {
      const sug = (await post('/api/v2/hd/teams/suggest', req)).suggestion;
      const box = proposal(sug, n, () => apply(sug, box));
      replace(slot, box);
      announce(t('teams.ready'));
    } catch (e) {
      replace(slot, h('p', { class: 'error', role: 'alert' }, t('app.error', { msg: e.message })));
    }
  }), slot);
  replace(body, page);
  page.dataset.ready = '1';
}
