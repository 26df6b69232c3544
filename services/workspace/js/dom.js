// Small DOM helpers: build elements without innerHTML (user text is never
// parsed as HTML), find elements, and announce changes to screen readers.

// h('button', {class: 'x', onclick: f, 'aria-label': '…'}, child, …)
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function replace(el, ...kids) {
  el.replaceChildren();
  append(el, kids);
  return el;
}

// Polite announcement through the app's aria-live region.
export function announce(text) {
  const live = $('#live');
  if (!live) return;
  live.textContent = '';
  requestAnimationFrame(() => { live.textContent = text; });
}

// A search snippet with <em>…</em> around the matches, as nodes: the
// marks become <mark>, everything else stays text (no HTML is parsed).
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
export function snippet(text) {
  const parts = String(text || '').split(/<\/?em>/);
  return parts.map((p, i) => {
    const plain = p.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);
    return i % 2 ? h('mark', {}, plain) : plain;
  });
}
