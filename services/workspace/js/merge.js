// Merge this ticket into another: POST /api/v2/tickets/{target}/merge
// {ids:[this]}, agents only, after a confirmation in a modal dialog (the
// target's number; then its subject and what will happen; then merge).
// A native <dialog>: Esc closes it, the page behind is inert, and the focus
// returns to the button that opened it.
import { get, post } from './api.js';
import { t } from './i18n.js';
import { $, h, replace, announce } from './dom.js';

export function mergeButton(tk) {
  return h('button', { type: 'button', id: 'merge-btn', onclick: (ev) => openDialog(tk, ev.currentTarget) }, t('merge.button'));
}

function openDialog(tk, opener) {
  const form = h('form', { id: 'merge-form', novalidate: true },
    h('p', { id: 'merge-desc' }, t('merge.explain', { id: tk.id })),
    h('label', { for: 'merge-target' }, t('merge.target')),
    h('input', { id: 'merge-target', inputmode: 'numeric', autocomplete: 'off', required: true, 'aria-describedby': 'merge-error' }),
    h('div', { id: 'merge-preview', 'aria-live': 'polite' }),
    h('p', { id: 'merge-error', class: 'error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'merge-next', class: 'primary' }, t('merge.next')),
      h('button', { type: 'button', id: 'merge-cancel' }, t('app.cancel'))));
  const dlg = h('dialog', { id: 'merge-dialog', class: 'dialog', 'aria-labelledby': 'merge-title', 'aria-describedby': 'merge-desc' },
    h('h2', { id: 'merge-title' }, t('merge.title', { id: tk.id })), form);
  document.body.append(dlg);
  let target = null;
  const reset = () => {
    target = null;
    replace($('#merge-preview'));
    $('#merge-next').textContent = t('merge.next');
  };
  // Back to the opener, or to its successor if the page was redrawn.
  dlg.addEventListener('close', () => {
    dlg.remove();
    const back = opener.isConnected ? opener : (opener.id && document.getElementById(opener.id));
    if (back) back.focus();
  });
  $('#merge-cancel').addEventListener('click', () => dlg.close());
  $('#merge-target').addEventListener('input', () => { if (target) reset(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('#merge-error');
    err.textContent = '';
    if (!target) {
      const raw = $('#merge-target').value.trim().replace(/^#/, '');
      const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
      if (!id) { err.textContent = t('merge.bad_number'); $('#merge-target').focus(); return; }
      if (id === tk.id) { err.textContent = t('merge.itself'); $('#merge-target').focus(); return; }
      try {
        target = (await get(`/api/v2/tickets/${id}`)).ticket;
      } catch (e) {
        err.textContent = e.status === 404 ? t('merge.not_found', { id }) : e.message;
        $('#merge-target').focus();
        return;
      }
      replace($('#merge-preview'),
        h('p', { class: 'merge-target' }, h('strong', {}, `#${target.id} ${target.subject || t('ticket.no_subject')}`), ' ',
          h('span', { class: `status s-${target.status}` }, t(`status.${target.status}`))),
        h('p', { class: 'warn' }, t('merge.warning', { id: tk.id, target: target.id })));
      $('#merge-next').textContent = t('merge.confirm', { target: target.id });
      $('#merge-next').focus();
      return;
    }
    $('#merge-next').disabled = true;
    try {
      const d = await post(`/api/v2/tickets/${target.id}/merge`, { ids: [tk.id] });
      const failed = ((d.job_status && d.job_status.results) || []).find((r) => r && r.success === false);
      if (failed) throw new Error(failed.error || failed.details || t('merge.failed'));
      const to = target.id;
      dlg.close();
      announce(t('merge.done', { id: tk.id, target: to }));
      location.hash = `#/tickets/${to}`;
    } catch (e) {
      err.textContent = e.message;
      $('#merge-next').disabled = false;
    }
  });
  dlg.showModal();
  $('#merge-target').focus();
}
