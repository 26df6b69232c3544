// Side conversations of a ticket: the list, and a small form to start one
// by e-mail (POST /api/v2/tickets/{id}/side_conversations).
import { get, post } from './api.js';
import { t, fmtDate } from './i18n.js';
import { $, h, replace, announce } from './dom.js';

export async function sideConversations(section, tk) {
  const list = h('ul', { id: 'sc-list' });
  const form = h('form', { id: 'sc-form', class: 'sc-form' },
    h('label', { for: 'sc-to' }, t('sc.to')), h('input', { id: 'sc-to', type: 'email', required: true, autocomplete: 'off' }),
    h('label', { for: 'sc-subject' }, t('sc.subject')), h('input', { id: 'sc-subject', required: true, value: tk.subject || '' }),
    h('label', { for: 'sc-body' }, t('sc.body')), h('textarea', { id: 'sc-body', rows: 3, required: true }),
    h('p', { id: 'sc-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'sc-send' }, t('sc.start')));
  section.append(list, h('details', { id: 'sc-details' }, h('summary', {}, t('sc.new')), form));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const to = $('#sc-to').value.trim();
    try {
      await post(`/api/v2/tickets/${tk.id}/side_conversations`, {
        message: { subject: $('#sc-subject').value, body: $('#sc-body').value, to: [{ email: to }] },
      });
      $('#sc-body').value = '';
      $('#sc-details').open = false;
      announce(t('sc.started'));
      load(tk, list);
    } catch (e) {
      $('#sc-error').textContent = e.message;
    }
  });
  load(tk, list);
}

async function load(tk, list) {
  try {
    const d = await get(`/api/v2/tickets/${tk.id}/side_conversations`);
    const scs = d.side_conversations || [];
    replace(list, scs.length ? scs.map((s) => h('li', { class: 'sc', dataset: { sc: s.id } },
      h('strong', {}, s.subject || ''), ' · ', t(`sc.state_${s.state}`) || s.state, ' · ',
      h('time', { datetime: s.updated_at || s.created_at }, fmtDate(s.updated_at || s.created_at)))) : h('li', { class: 'muted' }, t('sc.none')));
  } catch { /* not an agent, or none */ }
}
