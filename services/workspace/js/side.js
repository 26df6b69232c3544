// Side conversations of a ticket: the list, each one's thread (the
// messages out and the replies that came back, GET …/{sc}?include=events)
// with a reply box, and a small form to start one by e-mail or to a
// Slack-compatible incoming webhook (POST /api/v2/tickets/{id}/
// side_conversations, to:[{email}] or to:[{slack_webhook_url}]).
import { get, post } from './api.js';
import { t, fmtDate } from './i18n.js';
import { $, $$, h, replace, announce } from './dom.js';

// The threads left open, by ticket, so a re-render reopens them.
const opened = new Map();

export async function sideConversations(section, tk) {
  const list = h('ul', { id: 'sc-list', class: 'sc-list' });
  const radio = (v, label, checked) => h('label', { for: `sc-via-${v}` },
    h('input', { type: 'radio', name: 'sc-via', id: `sc-via-${v}`, value: v, checked }), ' ', label);
  const form = h('form', { id: 'sc-form', class: 'sc-form' },
    h('fieldset', { class: 'sc-via' }, h('legend', {}, t('sc.via')), radio('email', t('sc.via_email'), true), radio('slack', t('sc.via_slack'), false)),
    h('div', { id: 'sc-to-box', class: 'sc-field' },
      h('label', { for: 'sc-to' }, t('sc.to')), h('input', { id: 'sc-to', type: 'email', required: true, autocomplete: 'off' })),
    h('div', { id: 'sc-webhook-box', class: 'sc-field', hidden: true },
      h('label', { for: 'sc-webhook' }, t('sc.webhook')),
      h('input', { id: 'sc-webhook', type: 'url', autocomplete: 'off', placeholder: 'https://hooks.slack.com/services/…', 'aria-describedby': 'sc-webhook-hint' }),
      h('small', { id: 'sc-webhook-hint', class: 'muted' }, t('sc.webhook_hint'))),
    h('label', { for: 'sc-subject' }, t('sc.subject')), h('input', { id: 'sc-subject', required: true, value: tk.subject || '' }),
    h('label', { for: 'sc-body' }, t('sc.body')), h('textarea', { id: 'sc-body', rows: 3, required: true }),
    h('p', { id: 'sc-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'sc-send' }, t('sc.start')));
  section.append(list, h('details', { id: 'sc-details' }, h('summary', {}, t('sc.new')), form));
  const slack = () => $('#sc-via-slack').checked;
  form.addEventListener('change', (ev) => {
    if (ev.target.name !== 'sc-via') return;
    $('#sc-to-box').hidden = slack();
    $('#sc-webhook-box').hidden = !slack();
    $('#sc-to').required = !slack();
    $('#sc-webhook').required = slack();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#sc-error').textContent = '';
    const to = slack() ? { slack_webhook_url: $('#sc-webhook').value.trim() } : { email: $('#sc-to').value.trim() };
    try {
      const d = await post(`/api/v2/tickets/${tk.id}/side_conversations`, {
        message: { subject: $('#sc-subject').value, body: $('#sc-body').value, to: [to] },
      });
      $('#sc-body').value = '';
      $('#sc-details').open = false;
      announce(t('sc.started'));
      if (d && d.side_conversation) keep(tk.id).add(d.side_conversation.id);
      load(tk, list);
    } catch (e) {
      $('#sc-error').textContent = e.message;
    }
  });
  load(tk, list);
}

function keep(ticketId) {
  if (!opened.has(ticketId)) opened.set(ticketId, new Set());
  return opened.get(ticketId);
}

const who = (p) => (p.slack_webhook_url ? t('sc.slack') : p.name || p.email || (p.user_id ? `#${p.user_id}` : ''));

async function load(tk, list) {
  let scs;
  try {
    scs = (await get(`/api/v2/tickets/${tk.id}/side_conversations`)).side_conversations || [];
  } catch { return; /* not an agent, or none */ }
  const open = keep(tk.id);
  replace(list, scs.length ? scs.map((s) => {
    const thread = h('div', { class: 'sc-thread', id: `sc-thread-${s.id}` });
    const d = h('details', { class: 'sc-item', open: open.has(s.id) },
      h('summary', {}, h('strong', {}, s.subject || ''), ' · ', t(`sc.state_${s.state}`) || s.state, ' · ',
        (s.participants || []).map(who).join(', '), ' · ',
        h('time', { datetime: s.updated_at || s.created_at }, fmtDate(s.updated_at || s.created_at))),
      thread);
    d.addEventListener('toggle', () => {
      if (d.open) { open.add(s.id); showThread(tk, s, thread); } else open.delete(s.id);
    });
    if (d.open) showThread(tk, s, thread);
    return h('li', { class: 'sc', dataset: { sc: s.id } }, d);
  }) : h('li', { class: 'muted' }, t('sc.none')));
}

// The messages of one conversation, oldest first, and a reply to everyone
// in it (the same e-mail addresses and webhooks).
async function showThread(tk, s, box) {
  box.setAttribute('aria-busy', 'true');
  let sc;
  try {
    sc = (await get(`/api/v2/tickets/${tk.id}/side_conversations/${s.id}?include=events`)).side_conversation;
  } catch (e) {
    replace(box, h('p', { class: 'error' }, e.message));
    box.removeAttribute('aria-busy');
    return;
  }
  const events = (sc.events || []).filter((e) => e.message);
  const body = h('textarea', { id: `sc-reply-${s.id}`, rows: 2, required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'sc-reply' },
    h('label', { for: `sc-reply-${s.id}` }, t('sc.reply')), body, err,
    h('button', { type: 'submit' }, t('sc.send_reply')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!body.value.trim()) return;
    const to = (sc.participants || []).map((p) => (p.slack_webhook_url ? { slack_webhook_url: p.slack_webhook_url } : { email: p.email, name: p.name }));
    try {
      await post(`/api/v2/tickets/${tk.id}/side_conversations/${s.id}/reply`, { message: { body: body.value, to } });
      announce(t('sc.replied'));
      await showThread(tk, s, box);
      $(`#sc-reply-${s.id}`)?.focus();
    } catch (e) {
      err.textContent = e.message;
    }
  });
  replace(box,
    h('ol', { class: 'sc-messages', 'aria-label': t('sc.thread', { subject: sc.subject || '' }) }, events.map((e) => {
      const m = e.message;
      const inbound = m.from && !m.from.user_id && e.actor && !e.actor.user_id;
      return h('li', { class: inbound ? 'sc-msg in' : 'sc-msg out', dataset: { type: e.type } },
        h('p', { class: 'chead' }, h('span', { class: 'author' }, m.from ? who(m.from) : t('sc.agent')), ' → ',
          (m.to || []).map(who).join(', '), ' · ', h('time', { datetime: e.created_at }, fmtDate(e.created_at))),
        h('div', { class: 'cbody' }, m.body || ''));
    })),
    sc.state === 'open' ? form : null);
  box.removeAttribute('aria-busy');
}

// A reply being written in a thread holds a re-render of the ticket.
export const sideInUse = () => $$('.sc-reply textarea').some((x) => x.value.trim());
