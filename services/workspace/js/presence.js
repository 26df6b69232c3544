// The presence selector: the suite's working states (상담준비, 통화중, 후처리,
// 회의, 자리비움, 교육 and custom ones) from /api/v2/hd/presence_states; a
// change is PUT to /api/v2/hd/agents/{me}/presence.
import { get, put } from './api.js';
import { t } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { on } from './stream.js';

export async function initPresence(user) {
  const sel = $('#presence-select');
  let states = [];
  try { states = (await get('/api/v2/hd/presence_states')).presence_states || []; } catch { /* offline */ }
  if (!states.length) states = [{ name: 'online', available: true }, { name: 'offline', available: false }];
  // Built-in English names are translated; working states keep their own.
  const label = (n) => (n === 'online' || n === 'offline' ? t(`presence.${n}`) : n);
  replace(sel, states.map((s) => h('option', { value: s.name }, `${s.available ? '●' : '○'} ${label(s.name)}`)));
  try {
    sel.value = (await get(`/api/v2/hd/agents/${user.id}/presence`)).presence.state;
  } catch { /* unknown yet */ }
  let last = sel.value;
  sel.addEventListener('change', async () => {
    try {
      const d = await put(`/api/v2/hd/agents/${user.id}/presence`, { presence: { state: sel.value } });
      last = d.presence ? d.presence.state : sel.value;
      sel.value = last;
      announce(t('presence.changed', { state: last }));
    } catch (e) {
      sel.value = last;
      announce(t('app.error', { msg: e.message }));
    }
  });
  on('presence', (d) => {
    const p = d && (d.presence || d);
    if (p && Number(p.agent_id) === user.id && p.state) { sel.value = p.state; last = p.state; }
  });
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
