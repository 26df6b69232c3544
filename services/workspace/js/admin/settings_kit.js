// What the schedules, SLA, groups, agents, users and tokens sections share:
// their stylesheet, labelled form rows whose error line sits beside the
// control, the API's 422 details shown next to the field they name, the
// list of agents and admins, and presence state names.
import { t } from '../i18n.js';
import { $, h, announce } from '../dom.js';
import { ApiError, get } from '../api.js';

// The console's extra rules live in their own file (the CSP allows only
// same-origin stylesheets, never inline style); loaded once, on first use.
let css = null;
export function useCss() {
  if (!css) {
    css = new Promise((resolve) => {
      const link = h('link', { rel: 'stylesheet', href: 'admin_settings.css' });
      link.addEventListener('load', resolve);
      link.addEventListener('error', resolve);
      document.head.append(link);
    });
  }
  return css;
}

// A labelled control with its own error line: id names the control,
// `${id}-error` the line (aria-describedby points at it).
export function row(id, label, control, hint) {
  control.id = id;
  const ids = [`${id}-error`, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', ids);
  return h('div', { class: 'as-row' },
    h('label', { for: id }, label), control,
    hint ? h('small', { id: `${id}-hint`, class: 'muted' }, hint) : null,
    h('p', { id: `${id}-error`, class: 'error as-err', role: 'alert' }));
}

export const input = (attrs) => h('input', attrs || {});

export function select(options, value, attrs) {
  return h('select', attrs || {}, options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)));
}

export function clearErrors(root) {
  for (const el of root.querySelectorAll('.as-err')) el.textContent = '';
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// Puts each message of a 422 next to the control `${prefix}-${field}`
// (fields may be mapped: {policy_metrics: 'sla-targets'}); anything left
// goes to `${prefix}-error`. Returns the text shown.
export function showErrors(root, prefix, err, map = {}) {
  clearErrors(root);
  const general = $(`#${prefix}-error`, root) || $('.as-general', root);
  const details = err instanceof ApiError && err.body && err.body.details;
  const rest = [];
  if (details && typeof details === 'object') {
    for (const [field, errs] of Object.entries(details)) {
      const text = [].concat(errs).map((e) => (e && e.description) || String(e)).join(' ');
      const id = map[field] || `${prefix}-${field}`;
      const line = $(`#${id}-error`, root);
      const ctl = $(`#${id}`, root);
      if (line) { line.textContent = text; if (ctl) ctl.setAttribute('aria-invalid', 'true'); } else rest.push(text);
    }
  } else {
    rest.push(err.message);
  }
  if (general) general.textContent = rest.join(' · ');
  return err.message;
}

// Runs a write, announcing `done` or showing the errors; true on success.
export async function attempt(root, prefix, fn, done, map) {
  clearErrors(root);
  const general = $(`#${prefix}-error`, root) || $('.as-general', root);
  if (general) general.textContent = '';
  try {
    await fn();
    if (done) announce(done);
    return true;
  } catch (e) {
    showErrors(root, prefix, e, map);
    return false;
  }
}

export function section(id, title, ...kids) {
  return h('section', { class: 'as-card', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), kids);
}

export function heading(text) {
  return h('h1', { id: 'admin-title', tabindex: '-1' }, text);
}

export const ok = (text) => h('p', { class: 'as-ok', role: 'status' }, text);
export const confirmDelete = (name) => window.confirm(t('as.confirm_delete', { name }));

// Agents and admins who are not suspended, by name.
export async function staff() {
  const [a, b] = await Promise.all([get('/api/v2/users?role=agent&per_page=100'), get('/api/v2/users?role=admin&per_page=100')]);
  return [...(a.users || []), ...(b.users || [])].filter((u) => !u.suspended).sort((x, y) => (x.name || '').localeCompare(y.name || ''));
}

// A presence state's name: the built-in ones translated, custom ones as
// the admin wrote them.
export const stateName = (s) => (['online', 'away', 'offline'].includes(s) ? t(`ag.state_${s}`) : s);
