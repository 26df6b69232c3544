// The composer: a public reply or an internal note (clearly different
// colours and labels), macros with a preview of their result before they
// are applied, and a send that warns first when the ticket changed under
// you. Sends PUT /api/v2/tickets/{id} {ticket:{comment:{body, public}, …}}.
import { get, put } from './api.js';
import { t } from './i18n.js';
import { $, h, replace, announce } from './dom.js';
import { fieldValues } from './ticket.js';
import { clearFieldErrors, showFieldErrors } from './fields.js';
import { attachments } from './uploads.js';

let macros = null;

export function composer(slot, tk, { onSent, isStale, draft }) {
  let confirmed = false;
  let composing = false;
  const body = h('textarea', { id: 'c-body', rows: 6, 'aria-describedby': 'c-hint' });
  const files = attachments(draft ? draft.files : []);
  const radio = (value, label, checked) => h('label', { class: `kind-${value}` },
    h('input', { type: 'radio', name: 'c-kind', id: `c-${value}`, value, checked }), label);
  const form = h('form', { id: 'composer', class: 'composer public', 'aria-labelledby': 'composer-title' },
    h('h2', { id: 'composer-title' }, t('composer.title')),
    h('fieldset', { class: 'kinds' }, h('legend', {}, t('composer.kind')),
      radio('public', t('composer.public'), true), radio('internal', t('composer.internal'), false)),
    h('label', { for: 'c-body', id: 'c-label' }, t('composer.public_label')),
    body,
    h('small', { id: 'c-hint', class: 'muted' }, t('composer.hint')),
    files.el,
    h('div', { class: 'macros' },
      h('label', { for: 'macro-select' }, t('macro.label')),
      h('select', { id: 'macro-select' }, h('option', { value: '' }, t('macro.choose'))),
      h('button', { type: 'button', id: 'macro-preview-btn' }, t('macro.preview'))),
    h('div', { id: 'macro-preview', class: 'preview', 'aria-live': 'polite', hidden: true }),
    h('p', { id: 'c-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'c-send', class: 'primary', 'aria-keyshortcuts': 'Control+Enter' }, t('composer.send')));
  replace(slot, form);
  if (draft) {
    body.value = draft.body;
    $(`#c-${draft.kind}`).checked = true;
  }
  const kind = () => ($('#c-internal').checked ? 'internal' : 'public');
  const setKind = () => {
    form.className = `composer ${kind()}`;
    $('#c-label').textContent = t(kind() === 'public' ? 'composer.public_label' : 'composer.internal_label');
  };
  form.addEventListener('change', (ev) => { if (ev.target.name === 'c-kind') setKind(); });
  setKind();
  body.addEventListener('compositionstart', () => { composing = true; });
  body.addEventListener('compositionend', () => { composing = false; });
  body.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && !composing && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (composing) return;
    const err = $('#c-error');
    err.textContent = '';
    const text = body.value.trim();
    if (!text) { err.textContent = t('composer.empty'); return; }
    const stale = isStale();
    if (stale && !confirmed) {
      confirmed = true;
      err.textContent = t('composer.stale_confirm', { name: stale.name || t('ticket.someone') });
      $('#c-send').textContent = t('composer.send_anyway');
      return;
    }
    $('#c-send').disabled = true;
    clearFieldErrors();
    try {
      const comment = { body: text, public: kind() === 'public' };
      const uploads = await files.tokens();
      if (uploads.length) comment.uploads = uploads;
      const ticket = { ...fieldValues(), comment };
      await put(`/api/v2/tickets/${tk.id}`, { ticket });
      announce(t(kind() === 'public' ? 'composer.sent_public' : 'composer.sent_internal'));
      onSent();
    } catch (e) {
      err.textContent = showFieldErrors(e) ? t('field.invalid') : e.message;
      $('#c-send').disabled = false;
    }
  });
  loadMacros(tk, body);
  return { draft: () => ({ body: body.value, kind: kind(), files: files.items() }), files: () => files.items().length };
}

async function loadMacros(tk, body) {
  try {
    macros = macros || (await get('/api/v2/macros/active')).macros || [];
  } catch { macros = []; }
  const sel = $('#macro-select');
  if (!sel) return;
  for (const m of macros) sel.append(h('option', { value: m.id }, m.title));
  $('#macro-preview-btn').addEventListener('click', () => preview(tk, body));
}

async function preview(tk, body) {
  const id = $('#macro-select').value;
  const box = $('#macro-preview');
  if (!id) { box.hidden = true; return; }
  let result;
  try {
    result = (await get(`/api/v2/tickets/${tk.id}/macros/${id}/apply`)).result.ticket;
  } catch (e) {
    replace(box, h('p', { class: 'error' }, e.message));
    box.hidden = false;
    return;
  }
  const rows = [];
  for (const k of ['status', 'priority', 'type', 'group_id', 'assignee_id']) {
    if (result[k] !== undefined && result[k] !== null && String(result[k]) !== String(tk[k] ?? '')) {
      rows.push(h('li', {}, `${t(`field.${k}`)}: ${k === 'status' ? t(`status.${result[k]}`) : k === 'priority' ? t(`priority.${result[k]}`) : result[k]}`));
    }
  }
  if (result.tags) rows.push(h('li', {}, `${t('field.tags')}: ${result.tags.join(' ')}`));
  const c = result.comment;
  replace(box,
    h('h3', {}, t('macro.preview_title')),
    rows.length ? h('ul', {}, rows) : null,
    c && c.body ? h('blockquote', { class: c.public === false ? 'internal' : 'public' }, c.body) : null,
    h('button', { type: 'button', id: 'macro-apply', class: 'primary' }, t('macro.apply')),
    h('button', { type: 'button', onclick: () => { box.hidden = true; } }, t('app.cancel')));
  box.hidden = false;
  $('#macro-apply').addEventListener('click', () => {
    if (c && c.body) body.value = body.value ? `${body.value}\n\n${c.body}` : c.body;
    if (c && c.public === false) { $('#c-internal').checked = true; $('#c-internal').dispatchEvent(new Event('change', { bubbles: true })); }
    const set = (id, v) => { const el = $(id); if (el && v !== undefined && v !== null) el.value = String(v); };
    set('#f-status', result.status);
    set('#f-priority', result.priority);
    set('#f-group', result.group_id);
    set('#f-assignee', result.assignee_id);
    if (result.tags) set('#f-tags', result.tags.join(' '));
    box.hidden = true;
    body.focus();
    announce(t('macro.applied'));
  });
}
