// Agent performance (the proficiency index) from
// GET /api/v2/hd/reports/proficiency: the team's table, the weights (edited
// here, kept in this browser and sent with the query), the formula in
// words, and a bar chart of the scores. Metrics computes everything; the
// page only shows it.
import { t, fmtNum } from '../i18n.js';
import { h, replace, announce } from '../dom.js';
import { hbars } from './chart.js';
import * as kit from './reports-kit.js';

export const KPIS = ['solved', 'handle_time', 'fcr', 'csat', 'reopen_rate', 'sla'];
const KEY = 'hd.proficiency.weights';

export function storedWeights() {
  try { return JSON.parse(localStorage.getItem(KEY) || 'null') || {}; } catch { return {}; }
}

function weightsParam(w) {
  return KPIS.filter((k) => w[k] !== undefined && w[k] !== '').map((k) => `${k}:${w[k]}`).join(',');
}

function weightsForm(rep, section, onApply) {
  const form = h('form', { class: 'weights', id: 'prof-weights', 'aria-labelledby': 'prof-w-title' },
    h('h2', { id: 'prof-w-title' }, t('prof.weights')),
    h('div', { class: 'weights-grid' }, rep.kpis.map((k) => h('div', { class: 'rf-field' },
      h('label', { for: `w-${k.name}` }, `${t(`prof.kpi.${k.name}`)} (${t(`prof.better.${k.better}`)})`),
      h('input', { id: `w-${k.name}`, name: k.name, type: 'number', min: 0, max: 1000, step: 1, value: k.weight, inputmode: 'numeric' })))),
    h('div', { class: 'rf-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'prof-apply' }, t('prof.apply')),
      h('button', { type: 'button', id: 'prof-reset', onclick: () => { try { localStorage.removeItem(KEY); } catch { /* private */ } onApply({}); } }, t('prof.reset'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const w = {};
    for (const el of form.elements) if (el.name) w[el.name] = el.value;
    try { localStorage.setItem(KEY, JSON.stringify(w)); } catch { /* private mode */ }
    onApply(w);
  });
  return form;
}

// The formula in words, with this query's weights.
function formula(rep) {
  const wsum = rep.kpis.reduce((a, k) => a + k.weight, 0);
  return h('section', { class: 'formula', id: 'prof-formula', 'aria-labelledby': 'prof-f-title' },
    h('h2', { id: 'prof-f-title' }, t('prof.formula')),
    h('p', {}, t('prof.formula.norm')),
    h('p', {}, t('prof.formula.lower')),
    h('p', {}, t('prof.formula.score')),
    h('p', { class: 'formula-math' }, `score = 100 × (${rep.kpis.filter((k) => k.weight).map((k) => `${k.weight}·n(${t(`prof.kpi.${k.name}`)})`).join(' + ')}) ÷ ${wsum}`),
    h('p', { class: 'muted' }, t('prof.formula.missing')),
    h('p', { class: 'muted', lang: 'en' }, `${rep.formula}; ${rep.normalisation}`));
}

export async function render(body, { query }) {
  kit.useStyles();
  const n = await kit.loadNames();
  const f = kit.readFilters(query, 30);
  const page = h('div', { class: 'reports', id: 'reports-proficiency' },
    h('h1', { id: 'rep-title', tabindex: '-1' }, t('admin.section.proficiency')),
    h('p', { class: 'muted' }, t('prof.about')),
    kit.filterForm('proficiency', f, ['group_id'], n));
  const slot = h('div', { 'aria-live': 'polite' });
  page.append(slot);
  replace(body, page);

  async function load(w) {
    const q = kit.apiQuery(f, ['group_id'], { weights: weightsParam(w) });
    const box = kit.block('proficiency', t('prof.table'), q);
    replace(slot, box);
    try {
      const rep = await kit.fetchReport('proficiency', q);
      const chart = hbars({ labels: rep.rows.map((r) => kit.agentName(n, r.agent_id)), stacked: false, label: t('prof.chart'),
        format: (v) => fmtNum(v), series: [{ name: t('rep.col.score'), values: rep.rows.map((r) => r.score) }] });
      kit.fill(box, h('figure', { class: 'chart-box' }, chart), kit.dataTable(rep, n, t('prof.table')),
        weightsForm(rep, 'proficiency', load), formula(rep));
      box.dataset.rows = String(rep.rows.length);
      page.dataset.ready = '1';
      announce(t('prof.updated'));
    } catch (e) {
      kit.fail(box, e);
      box.append(weightsForm({ kpis: KPIS.map((k) => ({ name: k, better: k === 'handle_time' || k === 'reopen_rate' ? 'lower' : 'higher', weight: w[k] ?? '' })) }, 'proficiency', load));
      page.dataset.ready = '1';
    }
  }
  await load(storedWeights());
}
