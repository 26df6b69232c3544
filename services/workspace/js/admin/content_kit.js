// What the content sections (macros, help center, cards, webhooks,
// addresses) share: a labelled control with its own error line, the API's
// validation messages placed beside the field they name, a status line, and
// stored help-center HTML turned into nodes without innerHTML.
import { t } from '../i18n.js';
import { h, replace, announce } from '../dom.js';

// A labelled control: <div.ac-field><label for=id>…</label>control<p#id-err>.
export function field(id, label, control, hint) {
  control.id = id;
  const err = h('p', { id: `${id}-err`, class: 'error ac-err', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', hint ? `${id}-err ${id}-hint` : `${id}-err`);
  return h('div', { class: 'ac-field' },
    h('label', { for: id }, label), control,
    hint ? h('p', { id: `${id}-hint`, class: 'meta' }, hint) : null, err);
}

export const input = (attrs) => h('input', { type: 'text', ...attrs });

export function select(options, value, attrs) {
  return h('select', attrs || {}, options.map(([v, label]) =>
    h('option', { value: v, selected: String(v) === String(value ?? '') ? true : null }, label)));
}

// Clears every error line under form and marks nothing invalid.
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.ac-err')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// The API's details ({field: [{description}]}) beside fields named
// `${prefix}-${field}`; what matches no field goes to the status line.
export function showErrors(form, prefix, err, status) {
  clearErrors(form);
  const details = err && err.body && err.body.details;
  const rest = [];
  if (details && typeof details === 'object') {
    for (const [name, list] of Object.entries(details)) {
      const msg = [].concat(list).map((e) => (e && e.description) || String(e)).join(' ');
      const ctl = form.querySelector(`#${prefix}-${name}`);
      const slot = form.querySelector(`#${prefix}-${name}-err`);
      if (ctl && slot) {
        slot.textContent = msg;
        ctl.setAttribute('aria-invalid', 'true');
      } else rest.push(msg);
    }
  }
  say(status, rest.length ? rest.join(' · ') : (details ? '' : err.message), true);
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

// A status line: role=status for news, role=alert for errors.
export function statusLine(id) {
  return h('p', { id, class: 'ac-status', role: 'status', 'aria-live': 'polite' });
}

export function say(el, text, error = false) {
  if (!el) return;
  el.classList.toggle('error', error);
  el.textContent = text || '';
  if (text && !error) announce(text);
}

// Runs fn while the button is disabled; errors go to onError.
export async function busy(button, fn, onError) {
  button.disabled = true;
  try { return await fn(); } catch (e) { onError(e); return undefined; } finally { button.disabled = false; }
}

export function heading(text, actions) {
  return h('div', { class: 'ac-head' }, h('h1', { tabindex: '-1' }, text), actions || null);
}

export const link = (href, text, attrs) => h('a', { href, ...attrs }, text);

export function table(caption, heads, rows, attrs) {
  return h('table', { class: 'list ac-table', ...attrs },
    h('caption', { class: 'ac-caption' }, caption),
    h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: heads.length }, t('ac.empty')))));
}

// Stored (already sanitized) help-center HTML as nodes: parsed inert by
// DOMParser and copied element by element through an allow-list, so even a
// sanitizer gap cannot run script or load styles here (the CSP also forbids
// both). Attributes other than the few below are dropped.
const ALLOWED = new Set(['p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'a', 'strong', 'b',
  'em', 'i', 'u', 's', 'code', 'pre', 'blockquote', 'hr', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'span', 'div', 'sub', 'sup', 'dl', 'dt', 'dd']);
const SAFE_URL = /^(https?:|mailto:|\/|#)/i;

function copy(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.nodeValue);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toLowerCase();
  const kids = [...node.childNodes].map(copy).filter(Boolean);
  if (!ALLOWED.has(tag)) return kids.length ? h('span', {}, kids) : null;
  const attrs = {};
  const href = node.getAttribute('href');
  const src = node.getAttribute('src');
  if (tag === 'a' && href && SAFE_URL.test(href)) Object.assign(attrs, { href, rel: 'noopener noreferrer' });
  if (tag === 'img' && src && /^https?:/i.test(src)) Object.assign(attrs, { src, alt: node.getAttribute('alt') || '' });
  if (tag === 'img' && !attrs.src) return null;
  if ((tag === 'th' || tag === 'td') && node.getAttribute('colspan')) attrs.colspan = node.getAttribute('colspan');
  return h(tag, attrs, kids);
}

export function htmlNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html');
  return [...doc.body.childNodes].map(copy).filter(Boolean);
}

export function renderHtml(el, html) {
  replace(el, htmlNodes(html));
  return el;
}

// ids of the signed-in user's staff: agents and admins as [id, name].
export async function staffOptions(get) {
  const out = [];
  for (const role of ['admin', 'agent']) {
    try {
      const d = await get(`/api/v2/users?role=${role}&per_page=100`);
      for (const u of d.users || []) out.push([u.id, u.name || u.email]);
    } catch { /* a list we cannot read is left out */ }
  }
  return out;
}

export async function groupOptions(get) {
  try { return ((await get('/api/v2/groups?per_page=100')).groups || []).map((g) => [g.id, g.name]); } catch { return []; }
}
