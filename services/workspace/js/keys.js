// Keyboard shortcuts for the frequent actions and the help overlay (?).
// Keys are ignored while typing in a field (except Ctrl+Enter, handled by
// the composer) and while an IME composition is open.
import { t } from './i18n.js';
import { $, h, replace } from './dom.js';

const KEYS = [
  ['g v', 'keys.views'], ['g w', 'keys.wallboard'], ['/', 'keys.search'], ['r', 'keys.reply'],
  ['n', 'keys.note'], ['Ctrl+Enter', 'keys.send'], ['j / k', 'keys.next_prev'], ['?', 'keys.help'], ['Esc', 'keys.close'],
];

let pending = '';
let opener = null;

export function initKeys() {
  document.addEventListener('keydown', onKey);
  $('#keys-help').addEventListener('click', help);
  $('#overlay-close').addEventListener('click', closeOverlay);
}

function typing(el) {
  return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

function focusComposer(kind) {
  const r = $(`#c-${kind}`);
  if (!r) return;
  r.checked = true;
  r.dispatchEvent(new Event('change', { bubbles: true }));
  $('#c-body').focus();
}

function move(step) {
  const links = [...document.querySelectorAll('#main a.tlink')];
  if (!links.length) return;
  const i = links.indexOf(document.activeElement);
  links[Math.max(0, Math.min(links.length - 1, i + step))].focus();
}

function onKey(ev) {
  if (ev.isComposing || ev.keyCode === 229) return;
  if (document.querySelector('dialog[open]')) return; // a modal dialog has the keys
  if (!$('#overlay').hidden) {
    // The dialog keeps the focus until it is closed.
    if (ev.key === 'Escape') closeOverlay();
    if (ev.key === 'Tab') { ev.preventDefault(); $('#overlay-close').focus(); }
    return;
  }
  if (typing(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key;
  if (pending === 'g') {
    pending = '';
    if (k === 'v') { location.hash = '#/views'; ev.preventDefault(); }
    if (k === 'w') { location.hash = '#/wallboard'; ev.preventDefault(); }
    return;
  }
  const acts = {
    g: () => { pending = 'g'; setTimeout(() => { pending = ''; }, 1500); },
    '/': () => $('#search-input').focus(),
    r: () => focusComposer('public'),
    n: () => focusComposer('internal'),
    j: () => move(1),
    k: () => move(-1),
    '?': help,
  };
  if (acts[k]) { ev.preventDefault(); acts[k](); }
}

function help() {
  opener = document.activeElement;
  replace($('#overlay-title'), t('keys.title'));
  replace($('#overlay-body'), h('dl', { class: 'keys' }, KEYS.map(([k, l]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t(l))])));
  $('#overlay').hidden = false;
  $('#overlay-close').focus();
}

function closeOverlay() {
  $('#overlay').hidden = true;
  if (opener && opener.focus) opener.focus();
}
