// What the settings sections share: labelled controls, the API's
// validation messages placed beside the control they name, an ordered list
// that reorders by drag and drop or by Up/Down buttons, and the section's
// status line.
import { t } from '../i18n.js';
import { $, $$, h, announce } from '../dom.js';

// A labelled input: {id, label, type, value, …attrs}. Its error line is
// #<id>-error, named by aria-describedby, filled by showErrors().
export function field(id, label, control) {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-error`);
  const box = control.type === 'checkbox'
    ? h('div', { class: 'adm-row adm-check' }, control, ' ', h('label', { for: id }, label))
    : h('div', { class: 'adm-row' }, h('label', { for: id }, label), control);
  box.append(h('p', { id: `${id}-error`, class: 'error' }));
  return box;
}

export const input = (attrs) => h('input', attrs);
export const check = (on) => h('input', { type: 'checkbox', checked: !!on });

// The API's 422 details: {"title":[{"description":…}]} go beside the
// control whose data-api is that key (or whose key prefixes it:
// "conditions" for "conditions[1]"); the rest go to the form's own line.
export function showErrors(form, err, generalId) {
  clearErrors(form);
  if (!err) return;
  const details = err && err.body && typeof err.body.details === 'object' ? err.body.details : null;
  const rest = [];
  for (const [key, list] of Object.entries(details || {})) {
    const msg = [].concat(list).map((e) => (e && e.description) || String(e)).join(' ');
    const target = $$('[data-api]', form).find((el) => el.dataset.api === key || key.startsWith(`${el.dataset.api}[`));
    const line = target && document.getElementById(`${target.id}-error`);
    if (line) {
      line.textContent = msg;
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) target.setAttribute('aria-invalid', 'true');
    } else {
      rest.push(msg);
    }
  }
  if (!details) rest.push(err.message);
  const general = document.getElementById(generalId);
  if (general) general.textContent = rest.join(' · ');
  const first = $('[aria-invalid="true"]', form);
  if (first) first.focus();
}

export function clearErrors(form) {
  for (const el of $$('.error', form)) el.textContent = '';
  for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
}

// An <ol> whose items (each with data-name) reorder by dragging (HTML5 drag
// and drop) and by their Up/Down buttons; onchange() after each move.
// item(name, extra) builds one item with the move buttons.
export function orderable(list, onchange) {
  let dragged = null;
  list.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('li');
    if (!dragged) return;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.name || '');
    dragged.classList.add('dragging');
  });
  list.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = e.target.closest('li');
    if (!over || over === dragged || over.parentNode !== list) return;
    const r = over.getBoundingClientRect();
    list.insertBefore(dragged, e.clientY > r.top + r.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener('drop', (e) => { e.preventDefault(); });
  list.addEventListener('dragend', () => {
    if (!dragged) return;
    dragged.classList.remove('dragging');
    moved(list, dragged, onchange);
    dragged = null;
  });
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-move]');
    if (!b) return;
    const li = b.closest('li');
    const to = b.dataset.move === 'up' ? li.previousElementSibling : li.nextElementSibling;
    if (!to) return;
    if (b.dataset.move === 'up') list.insertBefore(li, to); else list.insertBefore(to, li);
    b.focus();
    moved(list, li, onchange);
  });
}

function moved(list, li, onchange) {
  const pos = [...list.children].indexOf(li) + 1;
  announce(t('adm.moved', { name: li.dataset.name, pos }));
  if (onchange) onchange();
}

// One orderable item: a drag handle, the content, Up/Down (and more) buttons.
export function orderItem(name, content, ...more) {
  return h('li', { class: 'adm-item', draggable: 'true', dataset: { name } },
    h('span', { class: 'adm-handle', 'aria-hidden': 'true', title: t('frm.drag', { name }) }, '⋮⋮'),
    h('span', { class: 'adm-item-body' }, content),
    h('button', { type: 'button', class: 'small', dataset: { move: 'up' }, 'aria-label': t('adm.move_up', { name }) }, '↑ ', t('adm.up')),
    h('button', { type: 'button', class: 'small', dataset: { move: 'down' }, 'aria-label': t('adm.move_down', { name }) }, '↓ ', t('adm.down')),
    more);
}

// The section's polite status line (saved, deleted, reordered).
export function status(id) {
  return h('p', { id, class: 'adm-status', role: 'status' });
}
