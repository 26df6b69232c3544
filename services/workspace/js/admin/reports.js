// The report families of /api/v2/hd/reports/*, one console section each
// (js/admin/report-<family>.js is `family('<family>')`). A family names the
// filters its reports take (what the API accepts), its reports, and how
// each is drawn; reports-kit.js does the rest.
import { get } from '../api.js';
import { t, fmtNum, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { bars, hbars, line, heat, swatch } from './chart.js';
import { presenceKind, presenceLabel, presenceText } from '../presence_kind.js';
import * as kit from './reports-kit.js';

const ALL = ['group_id', 'agent_id', 'channel', 'tag'];
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const seoulLabel = (iso, hourly) => {
  const d = new Date(iso);
  const o = hourly ? { month: 'numeric', day: 'numeric', hour: 'numeric' } : { month: 'numeric', day: 'numeric' };
  return d.toLocaleString(undefined, { timeZone: 'Asia/Seoul', ...o });
};
// Axis and value labels: whole numbers, or one decimal below 10.
const num1 = (v) => fmtNum(Math.abs(v) < 10 ? Math.round(v * 10) / 10 : Math.round(v));
const pctFmt = (v) => `${num1(v)}%`;
const minFmt = (v) => t('rep.minutes', { n: num1(v) });

// Sum a column by another (keeping first-seen order).
function sumBy(rows, key, col) {
  const m = new Map();
  for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + (r[col] || 0));
  return m;
}

function volume(rep) {
  const hourly = rep.interval === 'hour' || rep.interval === 'minute';
  const by = sumBy(rep.rows, 'time', 'tickets');
  const channels = [...new Set(rep.rows.map((r) => r.channel))];
  const times = [...by.keys()];
  return bars({ labels: times.map((x) => seoulLabel(x, hourly)), stacked: true, label: t('rep.volume.chart'),
    series: channels.map((c) => ({ name: t(`rep.channel.${c}`), values: times.map((x) => rep.rows.filter((r) => r.time === x && r.channel === c).reduce((a, r) => a + r.tickets, 0)) })) });
}

// The heat map and, as its text table, the same grid (weekday × hour).
function heatmap(rep) {
  const grid = new Map(rep.rows.map((r) => [`${r.weekday}:${r.hour}`, r.tickets]));
  const v = (d, hr) => grid.get(`${WEEK[d]}:${hr}`) || 0;
  const hours = [...Array(24).keys()];
  const chart = heat({ rows: WEEK.map((d) => t(`rep.v.${d}`)), cols: hours.map(String), value: v, label: t('rep.heatmap.chart') });
  const table = h('table', { class: 'list report-table heat-table' }, h('caption', {}, t('rep.heatmap.table')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('rep.col.weekday')), hours.map((x) => h('th', { scope: 'col' }, String(x))))),
    h('tbody', {}, WEEK.map((d, i) => h('tr', {}, h('th', { scope: 'row' }, t(`rep.v.${d}`)), hours.map((x) => h('td', {}, String(v(i, x))))))));
  return [chart, table];
}

function backlog(rep) {
  const by = sumBy(rep.rows, 'time', 'total');
  const times = [...by.keys()];
  return line({ labels: times.map((x) => seoulLabel(x, rep.interval === 'hour')), label: t('rep.backlog.chart'),
    series: [{ name: t('rep.col.total'), values: times.map((x) => by.get(x)) }] });
}

function times(rep) {
  return bars({ labels: rep.rows.map((r) => t(`rep.v.${r.metric}`)), label: t('rep.times.chart'), format: minFmt,
    series: [{ name: t('rep.col.median_business_minutes'), values: rep.rows.map((r) => r.median_business_minutes) },
      { name: t('rep.col.p90_business_minutes'), values: rep.rows.map((r) => r.p90_business_minutes) }] });
}

function sla(rep) {
  return bars({ labels: rep.rows.map((r) => `${r.policy_title || r.policy_id} · ${t(`rep.v.${r.metric}`)}`), label: t('rep.sla.chart'),
    format: pctFmt, series: [{ name: t('rep.col.achievement_percent'), values: rep.rows.map((r) => r.achievement_percent) }] });
}

function csat(rep) {
  const days = rep.rows.filter((r) => r.scope === 'period');
  return line({ labels: days.map((r) => seoulLabel(r.time)), label: t('rep.csat.chart'), format: pctFmt,
    series: [{ name: t('rep.col.percent_good'), values: days.map((r) => r.percent_good) }] });
}

// Each category's hues (the presence selector's green, red, amber, grey),
// then darker and lighter ones for a category's next states; all keep 3:1
// against white.
const KIND_COLORS = {
  available: ['#1a7f37', '#0f5323', '#3d9a56'],
  busy: ['#c62828', '#7f1d1d', '#e0605a'],
  away: ['#b26a00', '#7a4300', '#c77a00'],
  offline: ['#5c5f66', '#3b3e44', '#80848c'],
};

function stateColors(states) {
  const seen = {};
  return states.map((s) => {
    const k = presenceKind(s), i = seen[k] || 0;
    seen[k] = i + 1;
    return KIND_COLORS[k][i % KIND_COLORS[k].length];
  });
}

// Time in each presence state: each state reads as everywhere else in the
// workspace (its category's symbol, its name in the page's language, the
// category spoken), so the legend is HTML beside the chart and the table
// lists the states the same way. The report gives only state names; their
// categories come from the states list (states are never deleted, so every
// name in a report is in it; a missing one still reads by its name). The
// colours follow the category too, as a second cue after the symbol.
async function agents(rep, n) {
  const list = (await get('/api/v2/hd/presence_states')).presence_states || [];
  const known = new Map(list.map((s) => [s.name, s]));
  const state = (name) => known.get(name) || { name };
  const states = [...new Set(rep.rows.flatMap((r) => Object.keys(r.time_in_states || {})))].map(state);
  const colors = stateColors(states);
  const series = states.map((s, j) => ({ name: presenceText(s), color: colors[j],
    values: rep.rows.map((r) => (r.time_in_states || {})[s.name] || 0) }));
  const chart = hbars({ labels: rep.rows.map((r) => kit.agentName(n, r.agent_id)), label: t('rep.agents.chart'),
    format: (s) => kit.duration(s), series, key: false });
  const key = states.length ? h('ul', { class: 'chart-legend', id: 'agents-legend', 'aria-label': t('rep.agents.legend') },
    states.map((s, j) => h('li', {}, swatch(series[j].color), presenceLabel(s)))) : null;
  const times = (v) => {
    const e = Object.entries(v);
    return e.length ? h('ul', { class: 'state-times' }, e.map(([name, secs]) => h('li', {}, presenceLabel(state(name)), ` ${kit.duration(secs)}`))) : '–';
  };
  return [chart, key, kit.dataTable(rep, n, t('rep.table', { name: t('rep.agents.title') }), { time_in_states: times })];
}

function calls(rep) {
  const r = rep.rows[0] || {};
  const keys = ['wait_lt_10', 'wait_lt_20', 'wait_lt_30', 'wait_lt_60', 'wait_ge_60'];
  return [h('div', { class: 'tiles' },
    h('div', { class: 'tile' }, h('span', {}, t('rep.col.answer_rate')), h('span', { class: 'tvalue', id: 'calls-answer' }, `${r.answer_rate ?? 0}%`)),
    h('div', { class: 'tile' }, h('span', {}, t('rep.col.inbound')), h('span', { class: 'tvalue' }, fmtNum(r.inbound || 0)))),
  bars({ labels: keys.map((k) => t(`rep.col.${k}`)), label: t('rep.calls.chart'),
    series: [{ name: t('rep.col.inbound'), values: keys.map((k) => r[k] || 0) }] })];
}

function bottlenecks(rep, n) {
  return hbars({ labels: rep.rows.map((r) => (r.kind === 'group' ? kit.groupName(n, r.id) : kit.agentName(n, r.id))), stacked: false,
    label: t('rep.bottlenecks.chart'), format: (v) => fmtNum(v),
    series: [{ name: t('rep.col.load'), values: rep.rows.map((r) => r.load) }] });
}

function deflection(rep) {
  const r = rep.rows[0] || {};
  return bars({ labels: [t('rep.col.resolution_rate'), t('rep.col.self_service_rate')], label: t('rep.deflection.chart'), format: pctFmt,
    series: [{ name: t('rep.deflection.rate'), values: [r.resolution_rate || 0, r.self_service_rate || 0] }] });
}

function keywords(rep) {
  return hbars({ labels: rep.rows.map((r) => r.term), stacked: false, label: t('rep.keywords.chart'),
    series: [{ name: t('rep.col.tickets'), values: rep.rows.map((r) => r.tickets) },
      { name: t('rep.col.previous_tickets'), values: rep.rows.map((r) => r.previous_tickets) }] });
}

// CSAT's comments: the ratings of the range that carry one.
async function comments(f, n) {
  const q = kit.apiQuery(f, []);
  const d = await get(`/api/v2/satisfaction_ratings?start_time=${q.get('start_time')}&end_time=${q.get('end_time')}`);
  const list = (d.satisfaction_ratings || []).filter((r) => r.comment);
  return h('section', { class: 'report', id: 'report-csat-comments', 'aria-labelledby': 'rh-comments' },
    h('h2', { id: 'rh-comments' }, t('rep.csat.comments')),
    list.length ? h('ul', { class: 'csat-comments' }, list.map((r) => h('li', {},
      h('span', { class: `badge ${r.score === 'good' ? 'ok' : 'warn'}` }, t(`rep.v.${r.score}`)), ' ',
      h('q', {}, r.comment), ' ',
      h('span', { class: 'muted' }, `${kit.agentName(n, r.assignee_id)} · `, h('a', { href: `#/tickets/${r.ticket_id}` }, `#${r.ticket_id}`),
        ` · ${fmtDate(r.updated_at || r.created_at)}`))))
      : h('p', { class: 'muted' }, t('rep.empty')));
}

export const FAMILIES = {
  volume: { filters: [...ALL, 'interval'], reports: [{ name: 'heatmap', draw: heatmap }, { name: 'volume', draw: volume }] },
  backlog: { filters: [...ALL, 'interval'], reports: [{ name: 'backlog', draw: backlog }, { name: 'assignment' }] },
  times: { filters: ALL, reports: [{ name: 'times', draw: times }] },
  sla: { filters: ALL, reports: [{ name: 'sla', draw: sla }] },
  csat: { filters: ['group_id', 'agent_id', 'channel'], reports: [{ name: 'csat', draw: csat }], extra: comments },
  presence: { filters: ALL, reports: [{ name: 'agents', draw: agents }] },
  calls: { filters: ['agent_id'], reports: [{ name: 'calls', draw: calls }] },
  bottlenecks: { filters: [], now: true, reports: [{ name: 'bottlenecks', draw: bottlenecks }] },
  deflection: { filters: [], reports: [{ name: 'deflection', draw: deflection }] },
  keywords: { filters: ALL, reports: [{ name: 'keywords', draw: keywords }] },
};

async function draw(box, spec, q, n) {
  try {
    const rep = await kit.fetchReport(spec.name, q);
    const out = spec.draw ? await spec.draw(rep, n) : null;
    const parts = Array.isArray(out) ? out : [out];
    const hasTable = parts.some((p) => p && p.tagName === 'TABLE');
    fill(box, rep, parts, hasTable, n, spec);
  } catch (e) {
    kit.fail(box, e);
  }
}

function fill(box, rep, parts, hasTable, n, spec) {
  const charts = parts.filter((p) => p && p.tagName !== 'TABLE');
  kit.fill(box,
    h('p', { class: 'muted' }, t(`rep.${spec.name}.about`)),
    charts.length ? h('figure', { class: 'chart-box' }, charts) : null,
    hasTable ? parts.filter((p) => p && p.tagName === 'TABLE') : kit.dataTable(rep, n, t('rep.table', { name: t(`rep.${spec.name}.title`) })));
  box.dataset.rows = String(rep.rows.length);
}

export function family(id) {
  return async function render(body, { query }) {
    kit.useStyles();
    const fam = FAMILIES[id];
    const n = await kit.loadNames();
    const f = kit.readFilters(query);
    const page = h('div', { class: 'reports', id: `reports-${id}` },
      h('h1', { id: 'rep-title', tabindex: '-1' }, t(`admin.section.report-${id}`)),
      fam.now ? h('p', { class: 'muted' }, t('rep.now')) : kit.filterForm(`report-${id}`, f, fam.filters, n));
    replace(body, page);
    const jobs = fam.reports.map((spec) => {
      const q = kit.apiQuery(f, fam.filters);
      const box = kit.block(spec.name, t(`rep.${spec.name}.title`), q);
      page.append(box);
      return draw(box, spec, q, n);
    });
    if (fam.extra) {
      const slot = h('div', {});
      page.append(slot);
      jobs.push(fam.extra(f, n).then((el) => replace(slot, el), (e) => replace(slot, h('p', { class: 'error' }, t('app.error', { msg: e.message })))));
    }
    await Promise.all(jobs);
    page.dataset.ready = '1';
  };
}
