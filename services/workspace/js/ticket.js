// The ticket page: header fields, the conversation, the composer, the
// requester's other tickets, and a live warning when someone else changed
// the ticket while you compose (collision detection).
import { get, put, post } from './api.js';
import { t, fmtDate, fmtAgo } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { on } from './stream.js';
import { session } from './state.js';
import { composer } from './composer.js';
import { mergeButton } from './merge.js';
import { customFields, customValues, customDirty, clearFieldErrors, showFieldErrors } from './fields.js';

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const users = new Map();
let groupsCache = null;
let agentsCache = null;
export const open = { id: 0, ticket: null, stale: null, comp: null };

// {id, change, status, updated_at, updated_stamp, updated_by:{id,name}}
on('ticket', (data) => {
  const tk = data && (data.ticket || data);
  const id = Number(tk && (tk.id ?? tk.ticket_id));
  if (!open.id || id !== open.id) return;
  const who = tk.updated_by && typeof tk.updated_by === 'object' ? tk.updated_by : { id: tk.updated_by_id };
  const by = Number(who.id || 0);
  if (by && session.user && by === session.user.id) return;
  // A change older than the page (loaded after it) is no news; the same
  // second may be either, so it warns.
  if (open.ticket && tk.updated_at && open.ticket.updated_at && tk.updated_at < open.ticket.updated_at) return;
  open.stale = { by, name: who.name || '', at: tk.updated_at || new Date().toISOString() };
  // Nothing being written: show the change at once; else warn first.
  if (idle()) {
    const stale = open.stale;
    showTicket(open.id, true, true).then(() => { open.stale = stale; showStale(); open.stale = null; });
  } else {
    showStale();
  }
});

on('reconnect', () => {
  if (open.id && $('#ticket-title') && idle()) showTicket(open.id, true, true);
});

on('viewing', (data) => showViewers(data));

// Nothing on the page is being used: no draft, no open side-conversation
// form, and the focus on no control of the ticket (a re-render would lose
// what the agent is doing).
function idle() {
  const draft = $('#c-body');
  const a = document.activeElement;
  const onControl = a && a !== document.body && a.id !== 'ticket-title' && a.closest('#main');
  // An open dialog (merge) belongs to this page's controls too.
  if (document.querySelector('dialog[open]')) return false;
  return !!draft && !draft.value.trim() && !($('#sc-details') && $('#sc-details').open) && !onControl
    && !customDirty() && !(open.comp && open.comp.files()) && !sideBusy();
}

// "I am looking at this ticket", every 20 s while it is open; the answer
// and the stream's "viewing" events name the others.
let beatTimer = 0;
function showViewers(data) {
  if (!data || Number(data.ticket_id) !== open.id) return;
  const names = (data.viewers || data.users || []).filter((u) => !session.user || u.id !== session.user.id).map((u) => u.name || u.email);
  const el = $('#viewing');
  if (el) el.textContent = names.length ? t('ticket.viewing', { names: names.join(', ') }) : '';
}

function beatViewing(id) {
  clearInterval(beatTimer);
  const beat = () => {
    if (open.id !== id || !$('#ticket-title')) { clearInterval(beatTimer); return; }
    post(`/api/v2/hd/viewing/${id}`, {}).then((d) => showViewers(d && d.viewing)).catch(() => {});
  };
  beat();
  beatTimer = setInterval(beat, 20000);
}

async function userName(id) {
  if (!id) return '';
  if (!users.has(id)) {
    users.set(id, get(`/api/v2/users/${id}`).then((d) => d.user).catch(() => ({ id, name: `#${id}` })));
  }
  const u = await users.get(id);
  return u.name || u.email || `#${id}`;
}

async function showStale() {
  const el = $('#stale');
  if (!el || !open.stale) return;
  const name = open.stale.name || (open.stale.by ? await userName(open.stale.by) : t('ticket.someone'));
  open.stale.name = name;
  replace(el, h('strong', {}, t('ticket.updated_by', { name, ago: fmtAgo(open.stale.at) })), ' ',
    h('button', { type: 'button', onclick: () => showTicket(open.id, true) }, t('ticket.reload')));
  el.hidden = false;
  announce(t('ticket.updated_by', { name, ago: fmtAgo(open.stale.at) }));
}

export async function showTicket(id, keepDraft, keepFocus) {
  const draft = keepDraft && open.comp ? open.comp.draft() : null;
  const [td, cd] = await Promise.all([get(`/api/v2/tickets/${id}?include=slas`), get(`/api/v2/tickets/${id}/comments?sort_order=asc`)]);
  const t0 = performance.now();
  open.id = id;
  open.ticket = td.ticket;
  open.stale = null;
  const tk = td.ticket;
  const main = $('#main');
  replace(main,
    h('div', { class: 'ticket' },
      h('h1', { id: 'ticket-title', tabindex: '-1' }, `#${tk.id} `, tk.subject || t('ticket.no_subject')),
      h('p', { class: 'meta' },
        h('span', { class: `status s-${tk.status}` }, t(`status.${tk.status}`)), ' · ',
        t('ticket.created', { when: fmtDate(tk.created_at) }), ' · ',
        h('span', { id: 'requester' }, '…'), ' · ',
        h('span', { class: 'channel' }, t(`channel.${(tk.via && tk.via.channel) || 'api'}`))),
      slaLine(tk),
      tk.satisfaction_rating ? h('p', { class: 'csat' }, t('ticket.csat', { score: t(`csat.${tk.satisfaction_rating.score}`) }),
        tk.satisfaction_rating.comment ? ` — “${tk.satisfaction_rating.comment}”` : '') : null,
      h('p', { id: 'viewing', class: 'muted', 'aria-live': 'polite' }),
      h('div', { id: 'stale', class: 'stale', role: 'alert', hidden: true }),
      h('section', { 'aria-labelledby': 'conv-title', class: 'conversation' },
        h('h2', { id: 'conv-title' }, t('ticket.conversation')),
        h('ol', { id: 'comments', class: 'comments', 'aria-live': 'polite' }, (cd.comments || []).map((c) => commentItem(c, tk)))),
      h('div', { id: 'composer-slot' })),
    h('div', { class: 'ticket-side' },
      h('section', { 'aria-labelledby': 'props-title' }, h('h2', { id: 'props-title' }, t('ticket.properties')), propsForm(tk),
        tk.status !== 'closed' && isAgent() ? h('p', { class: 'merge' }, mergeButton(tk)) : null),
      h('section', { 'aria-labelledby': 'other-title' }, h('h2', { id: 'other-title' }, t('ticket.other_tickets')), h('ul', { id: 'other-tickets' })),
      h('section', { 'aria-labelledby': 'sc-title', id: 'sc-section' }, h('h2', { id: 'sc-title' }, t('sc.title')))));
  open.comp = composer($('#composer-slot'), tk, { onSent: () => showTicket(id), isStale: () => open.stale, draft });
  window.hdPerf.ticketRender = performance.now() - t0;
  if (!keepFocus) $('#ticket-title').focus();
  fillNames(cd.comments || []);
  fillRequester(tk);
  fillPeople(tk);
  customFields($('#cf-slot'), tk);
  beatViewing(id);
  import('./side.js').then((m) => { sideMod = m; m.sideConversations($('#sc-section'), tk); });
  import('./knowledge.js').then((m) => m.knowledgePanel(tk));
}

// side.js loads after the page; until then no reply is being written there.
let sideMod = null;
const sideBusy = () => !!(sideMod && sideMod.sideInUse());

const isAgent = () => !session.user || !session.user.role || session.user.role === 'agent' || session.user.role === 'admin';

// The SLA targets still running, with the time left (or overdue).
function slaLine(tk) {
  const ms = ((tk.slas && tk.slas.policy_metrics) || []).filter((m) => m.breach_at && m.stage !== 'achieved');
  if (!ms.length) return null;
  return h('p', { class: 'sla' }, ms.map((m) => {
    const left = new Date(m.breach_at).getTime() - Date.now();
    // The due time itself (e.g. "첫 응답 기한 12월 7일 오전 10:30"), then the time left.
    return h('span', { id: `sla-due-${m.metric}`, class: left < 0 ? 'sla-late' : left < 3600e3 ? 'sla-soon' : 'sla-ok' },
      t(`sladue.${m.metric}`), ' ', h('time', { datetime: m.breach_at }, fmtDate(m.breach_at)), ' · ',
      left < 0 ? t('sla.overdue', { ago: fmtAgo(m.breach_at) }) : t('sla.left', { in: fmtAgo(m.breach_at) }), ' ');
  }));
}

// Propose a knowledge card from a good public reply.
async function propose(tk, c, btn) {
  try {
    await post('/api/v2/hd/cards/proposals', { proposal: { title: tk.subject || `#${tk.id}`, content: c.body } });
    btn.replaceWith(h('span', { class: 'muted' }, t('kb.proposed')));
    announce(t('kb.proposed'));
  } catch (e) {
    btn.textContent = e.message;
  }
}

function commentItem(c, tk) {
  const channel = (c.via && c.via.channel) || 'api';
  const files = c.attachments || [];
  return h('li', { class: c.public ? 'comment public' : 'comment internal', dataset: { comment: c.id, author: c.author_id } },
    h('p', { class: 'chead' },
      h('span', { class: 'author' }, `#${c.author_id}`), ' ',
      h('span', { class: 'kind' }, c.public ? t('comment.public') : t('comment.internal')), ' · ',
      h('span', { class: 'channel' }, t(`channel.${channel}`)), ' · ',
      h('time', { datetime: c.created_at }, fmtDate(c.created_at)),
      c.public && session.user && c.author_id === session.user.id
        ? h('button', { type: 'button', class: 'small', onclick: (ev) => propose(tk, c, ev.target) }, t('kb.propose')) : null),
    h('div', { class: 'cbody' }, c.body || ''),
    files.length ? h('ul', { class: 'files', 'aria-label': t('comment.attachments') },
      files.map((f) => h('li', {}, h('a', { href: f.content_url, rel: 'noopener' }, f.file_name), ` (${Math.ceil((f.size || 0) / 1024)} KB)`))) : null);
}

async function fillNames(comments) {
  for (const li of document.querySelectorAll('#comments li[data-author]')) {
    userName(Number(li.dataset.author)).then((n) => { const a = li.querySelector('.author'); if (a) a.textContent = n; });
  }
  void comments;
}

async function fillRequester(tk) {
  const name = await userName(tk.requester_id);
  const el = $('#requester');
  if (el) el.textContent = t('ticket.requester', { name });
  if (tk.organization_id) {
    get(`/api/v2/organizations/${tk.organization_id}`).then((d) => {
      if ($('#requester')) $('#requester').append(` (${d.organization.name})`);
    }).catch(() => {});
  }
  try {
    const d = await get(`/api/v2/users/${tk.requester_id}/tickets/requested?per_page=10&sort_by=updated_at&sort_order=desc`);
    const others = (d.tickets || []).filter((x) => x.id !== tk.id);
    const ul = $('#other-tickets');
    if (!ul) return;
    replace(ul, others.length ? others.map((o) => h('li', {}, h('a', { href: `#/tickets/${o.id}` }, `#${o.id} ${o.subject || ''}`), ' ',
      h('span', { class: `status s-${o.status}` }, t(`status.${o.status}`)))) : h('li', { class: 'muted' }, t('ticket.no_other')));
  } catch { /* the panel stays empty */ }
}

function select(id, label, options, value) {
  return [h('label', { for: id }, label),
    h('select', { id, name: id }, options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)))];
}

function propsForm(tk) {
  const form = h('form', { id: 'props', class: 'props' },
    select('f-status', t('field.status'), STATUSES.map((s) => [s, t(`status.${s}`)]), tk.status),
    select('f-priority', t('field.priority'), [['', '–'], ...PRIORITIES.map((p) => [p, t(`priority.${p}`)])], tk.priority),
    select('f-group', t('field.group'), [['', '–']], tk.group_id),
    select('f-assignee', t('field.assignee'), [['', '–']], tk.assignee_id),
    h('label', { for: 'f-tags' }, t('field.tags')),
    h('input', { id: 'f-tags', name: 'tags', value: (tk.tags || []).join(' '), 'aria-describedby': 'f-tags-hint' }),
    h('small', { id: 'f-tags-hint', class: 'muted' }, t('field.tags_hint')),
    h('div', { id: 'cf-slot', class: 'cf-slot' }),
    h('p', { id: 'props-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit' }, t('field.save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#props-error').textContent = '';
    clearFieldErrors();
    try {
      await put(`/api/v2/tickets/${tk.id}`, { ticket: fieldValues() });
      announce(t('field.saved'));
      showTicket(tk.id);
    } catch (e) {
      $('#props-error').textContent = showFieldErrors(e) ? t('field.invalid') : e.message;
    }
  });
  return form;
}

// The field values as a ticket update (shared with the composer).
export function fieldValues() {
  const val = (id) => { const el = $(`#${id}`); return el ? el.value : ''; };
  const num = (id) => (val(id) ? Number(val(id)) : null);
  const out = { status: val('f-status'), tags: val('f-tags').split(/[\s,]+/).filter(Boolean) };
  if (val('f-priority')) out.priority = val('f-priority');
  out.group_id = num('f-group');
  out.assignee_id = num('f-assignee');
  return Object.assign(out, customValues());
}

async function fillPeople(tk) {
  try {
    groupsCache = groupsCache || (await get('/api/v2/groups')).groups || [];
    const sel = $('#f-group');
    if (sel) for (const g of groupsCache) sel.append(h('option', { value: g.id, selected: g.id === tk.group_id }, g.name));
  } catch { /* keep the empty choice */ }
  try {
    agentsCache = agentsCache || ((await get('/api/v2/users?role=agent&per_page=100')).users || []).concat(
      ((await get('/api/v2/users?role=admin&per_page=100')).users || []));
    const sel = $('#f-assignee');
    const seen = new Set();
    if (sel) for (const u of agentsCache) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      sel.append(h('option', { value: u.id, selected: u.id === tk.assignee_id }, u.name || u.email));
    }
  } catch { /* keep the empty choice */ }
}
