// What every report page shares: the filter form (Seoul days, group,
// agent, channel, tag, interval — in the URL, so a page can be bookmarked
// and printed), the API call, a data table beside each chart, a CSV link
// that downloads the API's own CSV (the same rows as the JSON), a print
// button, and the names of groups and agents.
import { get } from '../api.js';
import { t, fmtNum } from '../i18n.js';
import { h, replace } from '../dom.js';

const DAY = 86400000;
const KST = 9 * 3600000;
export const CHANNELS = ['web', 'email', 'api', 'voice', 'chat', 'mobile', 'sms', 'side_conversation'];

// The page's stylesheet (charts, heat map, print), once.
export function useStyles() {
  if (document.querySelector('link[data-reports-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: 'reports.css', 'data-reports-css': '1' }));
}

// A Seoul calendar day "YYYY-MM-DD" of a time in ms.
export const seoulDay = (ms) => new Date(ms + KST).toISOString().slice(0, 10);
const dayStart = (d) => Date.parse(`${d}T00:00:00+09:00`);

// Filters from the page's query, with defaults (the last `days` days).
export function readFilters(query, days = 7) {
  const today = seoulDay(Date.now());
  const f = {
    from: query.get('from') || seoulDay(dayStart(today) - (days - 1) * DAY),
    to: query.get('to') || today,
  };
  for (const k of ['group_id', 'agent_id', 'channel', 'tag', 'interval']) f[k] = query.get(k) || '';
  return f;
}

// The API's query string for filters f (only the filters the report takes).
export function apiQuery(f, allowed, extra = {}) {
  const q = new URLSearchParams();
  const start = dayStart(f.from), end = dayStart(f.to) + DAY;
  if (Number.isFinite(start)) q.set('start_time', String(start / 1000));
  if (Number.isFinite(end)) q.set('end_time', String(end / 1000));
  for (const k of allowed) if (f[k]) q.set(k, f[k]);
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v !== undefined && v !== null) q.set(k, v);
  return q;
}

let names = null;
// {groups: Map id→name, agents: Map id→name}: staff of the first pages.
export async function loadNames() {
  if (names) return names;
  const [g, a, ad] = await Promise.all([
    get('/api/v2/groups').catch(() => ({ groups: [] })),
    get('/api/v2/users?role=agent&per_page=100').catch(() => ({ users: [] })),
    get('/api/v2/users?role=admin&per_page=100').catch(() => ({ users: [] })),
  ]);
  names = {
    groups: new Map((g.groups || []).map((x) => [x.id, x.name])),
    agents: new Map([...(a.users || []), ...(ad.users || [])].map((x) => [x.id, x.name || x.email])),
  };
  return names;
}

export const groupName = (n, id) => (id === null || id === undefined ? t('rep.no_group') : n.groups.get(id) || `#${id}`);
export const agentName = (n, id) => (id === null || id === undefined ? '–' : n.agents.get(id) || `#${id}`);

// The filter form. Submitting moves to #/admin/<section>?<filters>.
export function filterForm(section, f, allowed, n) {
  const id = (k) => `rf-${k}`;
  const field = (k, control) => h('div', { class: 'rf-field' }, h('label', { for: id(k) }, t(`rep.filter.${k}`)), control);
  const opt = (v, label, cur) => h('option', { value: v, selected: String(cur) === String(v) }, label);
  const controls = [
    field('from', h('input', { id: id('from'), name: 'from', type: 'date', value: f.from, required: true })),
    field('to', h('input', { id: id('to'), name: 'to', type: 'date', value: f.to, required: true })),
  ];
  if (allowed.includes('group_id')) {
    controls.push(field('group_id', h('select', { id: id('group_id'), name: 'group_id' }, opt('', t('rep.all'), f.group_id),
      [...n.groups].map(([gid, name]) => opt(gid, name, f.group_id)))));
  }
  if (allowed.includes('agent_id')) {
    controls.push(field('agent_id', h('select', { id: id('agent_id'), name: 'agent_id' }, opt('', t('rep.all'), f.agent_id),
      [...n.agents].map(([aid, name]) => opt(aid, name, f.agent_id)))));
  }
  if (allowed.includes('channel')) {
    controls.push(field('channel', h('select', { id: id('channel'), name: 'channel' }, opt('', t('rep.all'), f.channel),
      CHANNELS.map((c) => opt(c, t(`rep.channel.${c}`), f.channel)))));
  }
  if (allowed.includes('tag')) controls.push(field('tag', h('input', { id: id('tag'), name: 'tag', value: f.tag, maxlength: 255 })));
  if (allowed.includes('interval')) {
    controls.push(field('interval', h('select', { id: id('interval'), name: 'interval' }, opt('', t('rep.interval.default'), f.interval),
      ['hour', 'day'].map((v) => opt(v, t(`rep.interval.${v}`), f.interval)))));
  }
  const form = h('form', { class: 'report-filters', 'aria-label': t('rep.filters') }, controls,
    h('div', { class: 'rf-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'rf-apply' }, t('rep.apply')),
      h('button', { type: 'button', id: 'rf-print', onclick: () => window.print() }, t('rep.print'))),
    allowed.length > 1 ? h('p', { class: 'muted rf-note' }, t('rep.one_filter')) : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const el of form.elements) if (el.name && el.value) q.set(el.name, el.value);
    location.hash = `#/admin/${section}?${q}`;
  });
  return form;
}

// The report's JSON ({report}) or throws the API's error.
export async function fetchReport(name, q) {
  return (await get(`/api/v2/hd/reports/${name}?${q}`)).report;
}

// A link to the API's CSV of the same query: the file is the API's bytes.
export function csvLink(name, q) {
  const cq = new URLSearchParams(q);
  cq.set('format', 'csv');
  return h('a', { class: 'rep-button csv', href: `/api/v2/hd/reports/${name}?${cq}`, download: `${name}.csv`,
    'data-report': name }, t('rep.csv'));
}

function fmtCell(col, v, n) {
  if (v === null || v === undefined || v === '') return '–';
  if (col === 'group_id') return groupName(n, v);
  if (col === 'agent_id') return agentName(n, v);
  if (col === 'time') return new Date(v).toLocaleString(undefined, { timeZone: 'Asia/Seoul', dateStyle: 'short', timeStyle: 'short' });
  if (col === 'channel') return t(`rep.channel.${v}`);
  if (col === 'metric' || col === 'scope' || col === 'kind' || col === 'weekday') return t(`rep.v.${v}`);
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k} ${duration(x)}`).join(', ') || '–';
  if (/seconds$/.test(col)) return duration(v);
  if (/(percent|rate|percent_good)$/.test(col)) return `${v}%`;
  if (typeof v === 'number') return fmtNum(v);
  return String(v);
}

// Seconds as "1h 5m" / "5m 3s".
export function duration(secs) {
  const s = Math.round(Number(secs) || 0);
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  if (hh) return t('rep.hm', { h: hh, m: mm });
  return t('rep.ms', { m: mm, s: ss });
}

export const colLabel = (c) => t(`rep.col.${c}`);

// The report's rows as a table (the chart's text alternative). cells
// overrides how a column's values are shown: {column: (value) => node}.
export function dataTable(report, n, caption, cells = {}) {
  const cell = (c, v) => (cells[c] && v !== null && v !== undefined ? cells[c](v) : fmtCell(c, v, n));
  return h('table', { class: 'list report-table' }, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, report.columns.map((c) => h('th', { scope: 'col' }, colLabel(c))))),
    h('tbody', {}, report.rows.length ? report.rows.map((r) => h('tr', {}, report.columns.map((c) => h('td', {}, cell(c, r[c])))))
      : h('tr', {}, h('td', { colspan: report.columns.length }, t('rep.empty')))));
}

// One report block: heading, CSV link, chart and table (or the error).
export function block(name, title, q) {
  const box = h('section', { class: 'report', id: `report-${name}`, 'aria-labelledby': `rh-${name}`, 'aria-busy': 'true' },
    h('div', { class: 'report-head' }, h('h2', { id: `rh-${name}` }, title), csvLink(name, q)),
    h('p', { class: 'muted' }, t('app.loading')));
  return box;
}

export function fill(box, ...kids) {
  const head = box.firstChild;
  replace(box, head, ...kids);
  box.setAttribute('aria-busy', 'false');
}

export function fail(box, e) {
  fill(box, h('p', { class: 'error', role: 'alert' }, t('app.error', { msg: e.message })));
}
