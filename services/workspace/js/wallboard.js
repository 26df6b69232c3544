// The team lead's live wallboard from GET /api/v2/hd/reports/live: queues
// per group, the longest wait, agents per presence state, today's answer
// and SLA rates. Refreshed on every stream event that can move it, and
// every few seconds as a floor.
import { get } from './api.js';
import { t, fmtNum, fmtDate } from './i18n.js';
import { $, h, replace } from './dom.js';
import { on } from './stream.js';
import { presenceLabel } from './presence_kind.js';

let timer = 0;
let unsubs = [];
let groups = null;
let busy = false;
let again = false;
let agents = null;
let states = null; // name → {name, available}, for each state's category

export async function showWallboard() {
  replace($('#main'), h('h1', { id: 'wb-title', tabindex: '-1' }, t('wb.title')),
    h('div', { id: 'wb', 'aria-live': 'polite', 'aria-busy': 'true' }, t('app.loading')));
  $('#wb-title').focus();
  for (const u of unsubs) u();
  // Metrics applies the bus event a moment after the gateway relays it.
  const kick = () => { refresh(); setTimeout(refresh, 250); setTimeout(refresh, 700); };
  unsubs = ['ticket', 'assignment', 'presence', 'view_counts', 'reconnect'].map((n) => on(n, kick));
  clearInterval(timer);
  timer = setInterval(refresh, 3000);
  try { groups = groups || new Map(((await get('/api/v2/groups')).groups || []).map((g) => [g.id, g.name])); } catch { groups = new Map(); }
  await refresh();
}

// Who is in which state: each agent's presence (small teams; the first 50).
async function whoIsWhere() {
  try {
    agents = agents || ((await get('/api/v2/users?role=agent&per_page=50')).users || []);
    states = states || new Map(((await get('/api/v2/hd/presence_states')).presence_states || []).map((s) => [s.name, s]));
    const ps = await Promise.all(agents.map((u) => get(`/api/v2/hd/agents/${u.id}/presence`).then((d) => [u, d.presence.state]).catch(() => [u, ''])));
    const by = new Map();
    for (const [u, st] of ps) if (st) by.set(st, [...(by.get(st) || []), u.name || u.email]);
    return by;
  } catch { return new Map(); }
}

async function refresh() {
  const box = $('#wb');
  if (!box) { clearInterval(timer); for (const u of unsubs) u(); unsubs = []; return; }
  if (busy) { again = true; return; }
  busy = true;
  try {
    const [live, who] = await Promise.all([get('/api/v2/hd/reports/live'), whoIsWhere()]);
    render(box, live.live, who);
  } catch (e) {
    replace(box, h('p', { class: 'error' }, t('app.error', { msg: e.message })));
  } finally {
    busy = false;
    if (again) { again = false; refresh(); }
  }
}

const pct = (v) => (v === null || v === undefined ? '–' : `${v}%`);
const mins = (s) => t('wb.wait', { m: Math.floor(s / 60), s: s % 60 });

function render(box, live, who) {
  const queues = live.queues || [];
  const queued = queues.reduce((n, q) => n + (q.queued || 0), 0);
  const tile = (id, label, value) => h('div', { class: 'tile', id }, h('span', { class: 'tlabel' }, label), h('span', { class: 'tvalue' }, value));
  replace(box,
    h('div', { class: 'tiles' },
      tile('wb-queued', t('wb.queued'), fmtNum(queued)),
      tile('wb-longest', t('wb.longest'), mins(live.longest_wait_seconds || 0)),
      tile('wb-answer', t('wb.answer_rate'), pct(live.calls_today && live.calls_today.answer_rate)),
      tile('wb-sla', t('wb.sla'), pct(live.sla_today && live.sla_today.achievement_rate))),
    h('table', { class: 'list' }, h('caption', {}, t('wb.queues')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('field.group_id')), h('th', { scope: 'col' }, t('wb.queued')),
        h('th', { scope: 'col' }, t('wb.open')), h('th', { scope: 'col' }, t('wb.longest')))),
      h('tbody', {}, queues.map((q) => h('tr', {},
        h('td', {}, q.group_id === null ? t('wb.no_group') : groups.get(q.group_id) || `#${q.group_id}`),
        h('td', {}, fmtNum(q.queued)), h('td', {}, fmtNum(q.open)), h('td', {}, mins(q.longest_wait_seconds)))))),
    h('table', { class: 'list' }, h('caption', {}, t('wb.agents')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('wb.state')), h('th', { scope: 'col' }, t('wb.agent_count')), h('th', { scope: 'col' }, t('wb.who')))),
      h('tbody', {}, Object.entries(live.agents_by_state || {}).map(([s, n]) => h('tr', { dataset: { state: s } }, h('td', {}, presenceLabel((states && states.get(s)) || { name: s })), h('td', {}, fmtNum(n)),
        h('td', {}, (who.get(s) || []).join(', ')))))),
    h('p', { class: 'muted' }, t('wb.as_of', { when: fmtDate(live.time) })));
  box.dataset.queued = String(queued);
  box.setAttribute('aria-busy', 'false');
}
