// The presence selector: the suite's working states (상담준비, 통화중, 후처리,
// 회의, 자리비움, 교육 and custom ones) from /api/v2/hd/presence_states; a
// change is PUT to /api/v2/hd/agents/{me}/presence.
import { get, put } from './api.js';
import { t } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { on } from './stream.js';
import { SYMBOL, presenceKind, presenceName, presenceText } from './presence_kind.js';

// The symbol is for the eye; a screen reader hears the name and category.
const option = (s) => h('option', { value: s.name, 'aria-label': presenceText(s), dataset: { kind: presenceKind(s) } },
  `${SYMBOL[presenceKind(s)]} ${presenceName(s.name)}`);

export async function initPresence(user) {
  const sel = $('#presence-select');
  let states = [];
  try { states = (await get('/api/v2/hd/presence_states')).presence_states || []; } catch { /* offline */ }
  if (!states.length) states = [{ name: 'online', available: true }, { name: 'offline', available: false }];
  replace(sel, states.map(option));
  // The select's name says the state too ("내 상태: 통화중 (업무 중)"), so it is
  // heard on focus whatever the screen reader does with the value.
  const now = h('span', { id: 'presence-now', class: 'sr-only' });
  sel.after(now);
  sel.setAttribute('aria-labelledby', 'presence-now');
  // A state made after the page loaded gets its option when first seen.
  const byName = (n) => {
    let s = states.find((x) => x.name === n);
    if (!s && n) {
      s = { name: n, available: false };
      states.push(s);
      sel.append(option(s));
    }
    return s;
  };
  const show = (name) => {
    const s = byName(name || sel.value);
    if (!s) return null;
    sel.value = s.name;
    sel.dataset.kind = presenceKind(s);
    now.textContent = t('presence.now', { state: presenceText(s) });
    return s;
  };
  let last = '';
  // One change at a time goes to the server, so quick arrow keys cannot
  // arrive out of order; when it answers, the newest choice follows. Stream
  // events that come meanwhile are left to a fresh look afterwards.
  let waiting = false;
  let missed = false;
  // Bumped by every change shown, so an answer to an older question loses.
  let gen = 0;
  const refresh = async () => {
    const mine = ++gen;
    try {
      const p = (await get(`/api/v2/hd/agents/${user.id}/presence`)).presence;
      if (mine === gen && !waiting) { show(p.state); last = p.state; }
    } catch { if (!last) show(); /* unknown yet */ }
  };
  await refresh();
  last = sel.value;
  const send = async () => {
    if (waiting) return;
    waiting = true;
    try {
      let want;
      do {
        want = sel.value;
        const d = await put(`/api/v2/hd/agents/${user.id}/presence`, { presence: { state: want } });
        last = d.presence ? d.presence.state : want;
      } while (sel.value !== want);
      announce(t('presence.changed', { state: presenceText(show(last)) }));
    } catch (e) {
      show(last);
      announce(t('app.error', { msg: e.message }));
    } finally {
      waiting = false;
    }
    // Someone else may have changed it meanwhile: the server knows.
    if (missed) { missed = false; refresh(); }
  };
  sel.addEventListener('change', () => { gen++; show(); send(); });
  // A change made elsewhere (an admin, another tab) continues from the
  // state shown; a late echo of one of my own quick changes does not.
  on('presence', (d) => {
    const p = d && (d.presence || d);
    if (!p || Number(p.agent_id) !== user.id || !p.state) return;
    if (waiting) { missed = true; return; }
    if (p.previous_state !== undefined && p.previous_state !== last) return;
    gen++;
    show(p.state);
    last = p.state;
  });
  // Events missed while the stream was away: ask again.
  on('reconnect', refresh);
  on('assignment', (d) => {
    const a = d && (d.assignment || d);
    // The server sends "assignment" only to the agent it concerns.
    // Tickets I assigned myself (bulk, the ticket page) are no offer.
    const to = a && (a.agent_id ?? a.assignee_id);
    const by = a && a.assigned_by && a.assigned_by.id;
    if (a && a.ticket_id && (to === undefined || Number(to) === user.id) && Number(by) !== user.id) {
      announce(t('presence.offered', { id: a.ticket_id }));
      // Open it at once unless a reply is being written.
      const draft = $('#c-body');
      if (!draft || !draft.value.trim()) location.hash = `#/tickets/${a.ticket_id}`;
    }
  });
}
