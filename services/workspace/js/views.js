// The views sidebar with exact counts (refreshed live from the stream) and
// the ticket list of one view with sorting and paging.
import { get } from './api.js';
import { t, fmtAgo, fmtDate, fmtNum } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { on } from './stream.js';
import { bulkBar } from './bulk.js';

const PER_PAGE = 25;
let views = [];
const counts = new Map();
let refreshTimer = 0;
let streamCounts = false;

export async function initViews() {
  on('view_counts', applyCounts);
  on('ticket', listRefresh);
  on('assignment', listRefresh);
  on('reconnect', scheduleRefresh);
  const data = await get('/api/v2/views/active');
  views = data.views || [];
  renderSidebar();
  // The stream sends every count within a second of connecting; ask the
  // API only when it has not (at 100,000 tickets a count is a scan).
  setTimeout(() => { if (!streamCounts) refreshCounts(); }, 1500);
  // Without the stream (a proxy that cuts it, a restart) counts are polled.
  setInterval(() => { if (document.body.dataset.stream !== 'open') scheduleRefresh(); }, 5000);
}

// The console changed the views (js/admin/views.js): read them again.
export async function reloadViews() {
  views = (await get('/api/v2/views/active')).views || [];
  renderSidebar();
  await refreshCounts();
}

function renderSidebar() {
  const list = $('#views-list');
  replace(list, views.map((v) => h('li', {},
    h('a', { href: `#/views/${v.id}`, id: `view-${v.id}`, dataset: { view: v.id } },
      h('span', { class: 'vtitle' }, v.title),
      h('span', { class: 'count', id: `view-count-${v.id}`, 'aria-label': t('views.count_label', { n: counts.get(v.id) ?? '…' }) },
        counts.has(v.id) ? fmtNum(counts.get(v.id)) : '…')))));
  if (!views.length) list.append(h('li', { class: 'muted' }, t('views.none')));
}

function setCount(id, value) {
  if (typeof value !== 'number') return;
  const old = counts.get(id);
  counts.set(id, value);
  const el = $(`#view-count-${id}`);
  if (!el) return;
  el.textContent = fmtNum(value);
  el.setAttribute('aria-label', t('views.count_label', { n: value }));
  if (old !== undefined && old !== value) {
    el.classList.remove('bump');
    void el.offsetWidth;
    el.classList.add('bump');
    const v = views.find((x) => x.id === id);
    if (v) announce(t('views.count_changed', { view: v.title, n: value }));
  }
}

export async function refreshCounts() {
  await Promise.all(views.map(async (v) => {
    try { setCount(v.id, (await get(`/api/v2/views/${v.id}/count`)).view_count.value); } catch { /* keep old */ }
  }));
}

// The stream sends the counts that changed, {"<view_id>": count, …}
// (bare or under "view_counts"; a list of {view_id, value} works too);
// anything else asks for a refresh.
function applyCounts(data) {
  let c = data && typeof data === 'object' && data.view_counts !== undefined ? data.view_counts : data;
  if (Array.isArray(c)) c = Object.fromEntries(c.map((x) => [x.view_id ?? x.id, x.value ?? x.count]));
  if (!c || typeof c !== 'object') { scheduleRefresh(); return; }
  let any = false;
  for (const [id, n] of Object.entries(c)) {
    const v = typeof n === 'object' && n ? (n.value ?? n.count) : n;
    if (/^\d+$/.test(id) && typeof v === 'number') { setCount(Number(id), v); any = true; }
  }
  streamCounts = streamCounts || any;
  if (!any) scheduleRefresh();
  else if (current.view && Object.prototype.hasOwnProperty.call(c, String(current.view))) listRefresh();
}

let listTimer = 0;
function listRefresh() {
  clearTimeout(listTimer);
  listTimer = setTimeout(() => { if (current.view && $('#list-body')) loadPage(false); }, 100);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshCounts();
    if (current.view) loadPage(false);
  }, 150);
}

const current = { view: 0, page: 1, sort: 'updated_at', order: 'desc' };
// The last page seen of each view and order: a switch back shows it at
// once and the fresh page replaces it when it arrives.
const pages = new Map();
const pageKey = () => `${current.view}|${current.page}|${current.sort}|${current.order}`;

export async function showView(id, params) {
  if (!id && views.length) { location.replace(`#/views/${views[0].id}`); return; }
  // No view to show (none visible to this agent, or a malformed address):
  // say so instead of asking the API for view "NaN".
  if (!Number.isInteger(id) || id <= 0) {
    current.view = 0;
    replace($('#main'), h('h1', { id: 'list-title', tabindex: '-1' }, t('views.title')),
      h('p', { id: 'list-body', role: 'status' }, t('views.none')));
    return;
  }
  for (const a of document.querySelectorAll('#views-list a')) {
    if (Number(a.dataset.view) === id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  current.view = id;
  current.page = Number(params.get('page')) || 1;
  current.sort = params.get('sort_by') || 'updated_at';
  current.order = params.get('sort_order') || 'desc';
  const v = views.find((x) => x.id === id);
  replace($('#main'), h("h1", { id: "list-title", tabindex: "-1" }, v ? v.title : t('views.title')),
    h('div', { id: 'list-body', 'aria-busy': 'true' }, t('app.loading')));
  const cached = pages.get(pageKey());
  if (cached) {
    const t0 = performance.now();
    renderList(cached);
    window.hdPerf.viewRender = performance.now() - t0;
    $('#list-body').setAttribute('aria-busy', 'true');
    $('#list-title').focus();
    loadPage(false);
    return;
  }
  await loadPage(true);
}

async function loadPage(focus) {
  const id = current.view;
  const q = new URLSearchParams({ page: current.page, per_page: PER_PAGE, sort_by: current.sort, sort_order: current.order });
  const key = pageKey();
  const data = await get(`/api/v2/views/${id}/tickets?${q}`);
  pages.set(key, data);
  if (key !== pageKey() || !$('#list-body')) return;
  const t0 = performance.now();
  renderList(data);
  window.hdPerf.viewRender = performance.now() - t0;
  if (!window.hdPerf.marks.firstList) window.hdPerf.marks.firstList = performance.now();
  if (typeof data.count === 'number') setCount(id, data.count);
  if (focus) $('#list-title').focus?.();
}

const COLUMNS = [
  ['id', 'list.id'], ['subject', 'list.subject'], ['status', 'list.status'],
  ['priority', 'list.priority'], ['updated_at', 'list.updated'],
];

function sortHeader(key, label) {
  const active = current.sort === key;
  const next = active && current.order === 'asc' ? 'desc' : 'asc';
  return h('th', { scope: 'col', 'aria-sort': active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none' },
    h('a', { href: `#/views/${current.view}?sort_by=${key}&sort_order=${next}`, class: 'sort' }, t(label),
      active ? (current.order === 'asc' ? ' ▲' : ' ▼') : ''));
}

function renderList(data) {
  // A live refresh keeps what the agent checked.
  const checked = new Set([...document.querySelectorAll('#list-body input.pick:checked')].map((c) => c.value));
  const rows = (data.tickets || []).map((tk) => h('tr', { dataset: { ticket: tk.id } },
    h('td', {}, h('input', { type: 'checkbox', class: 'pick', value: tk.id, 'aria-label': t('bulk.pick', { id: tk.id }) })),
    h('td', {}, `#${tk.id}`),
    h('td', {}, h('a', { href: `#/tickets/${tk.id}`, class: 'tlink' }, tk.subject || t('ticket.no_subject'))),
    h('td', {}, h('span', { class: `status s-${tk.status}` }, t(`status.${tk.status}`))),
    h('td', {}, tk.priority ? t(`priority.${tk.priority}`) : '–'),
    h('td', {}, h('time', { datetime: tk.updated_at, title: fmtDate(tk.updated_at) }, fmtAgo(tk.updated_at)))));
  const total = typeof data.count === 'number' ? data.count : rows.length;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const link = (p, label, dis) => dis ? h('span', { class: 'muted', 'aria-disabled': 'true' }, label)
    : h('a', { href: `#/views/${current.view}?page=${p}&sort_by=${current.sort}&sort_order=${current.order}`, rel: p > current.page ? 'next' : 'prev' }, label);
  replace($('#list-body'),
    rows.length ? bulkBar(() => loadPage(false)) : null,
    rows.length ? h('table', { class: 'list' },
      h('caption', { class: 'sr-only' }, t('list.caption', { n: total })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('input', { type: 'checkbox', id: 'pick-all', 'aria-label': t('bulk.pick_all'),
        onchange: (ev) => { for (const c of document.querySelectorAll('#list-body input.pick')) c.checked = ev.target.checked; } })),
        COLUMNS.map(([k, l]) => sortHeader(k, l)))),
      h('tbody', {}, rows)) : h('p', { class: 'muted' }, t('list.empty')),
    h('nav', { class: 'pager', 'aria-label': t('list.pages') },
      link(current.page - 1, t('list.prev'), current.page <= 1),
      h('span', {}, t('list.page_of', { page: current.page, pages })),
      link(current.page + 1, t('list.next'), current.page >= pages)));
  for (const c of document.querySelectorAll('#list-body input.pick')) c.checked = checked.has(c.value);
  $('#list-body').setAttribute('aria-busy', 'false');
}
