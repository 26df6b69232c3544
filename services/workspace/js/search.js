// The search box (Zendesk query language: "status:open 환불", "type:ticket
// requester:kim@example.com") and its result list. Korean IME safe: the
// query runs on Enter only when no composition is open.
import { get } from './api.js';
import { t, fmtAgo, fmtDate } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { imeSafe } from './ime.js';

export function initSearch() {
  const input = $('#search-input');
  if (input.dataset.bound) return;
  input.dataset.bound = '1';
  imeSafe(input, {
    onEnter: (ev) => {
      ev.preventDefault();
      const q = input.value.trim();
      if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
    },
  });
  $('#search-form').addEventListener('submit', (ev) => ev.preventDefault());
}

export async function showSearch(q) {
  $('#search-input').value = q;
  const main = $('#main');
  replace(main, h('h1', { id: 'search-title', tabindex: '-1' }, t('search.results_for', { q })),
    h('div', { id: 'search-results', 'aria-busy': 'true' }, t('app.loading')));
  if (!q) return;
  const d = await get(`/api/v2/search?query=${encodeURIComponent(q)}&per_page=50`);
  const res = d.results || [];
  const item = (r) => {
    const type = r.result_type || 'ticket';
    if (type === 'ticket') {
      return h('li', { class: 'result' }, h('a', { href: `#/tickets/${r.id}` }, `#${r.id} ${r.subject || ''}`), ' ',
        h('span', { class: `status s-${r.status}` }, t(`status.${r.status}`)), ' ',
        h('time', { datetime: r.updated_at, title: fmtDate(r.updated_at) }, fmtAgo(r.updated_at)));
    }
    return h('li', { class: 'result' }, `${t(`search.type_${type}`)}: `, r.name || r.title || r.email || `#${r.id}`);
  };
  replace($('#search-results'),
    h('p', { role: 'status' }, t('search.count', { n: d.count ?? res.length })),
    res.length ? h('ol', { class: 'results' }, res.map(item)) : h('p', { class: 'muted' }, t('search.none')));
  $('#search-results').setAttribute('aria-busy', 'false');
  $('#search-title').focus();
  announce(t('search.count', { n: d.count ?? res.length }));
}
