// Strings and formats: Korean by default, English when the browser's first
// language is English. Every string lives in i18n/ko.js and i18n/en.js;
// dates and times are shown in the user's own time zone.
import ko from '../i18n/ko.js';
import en from '../i18n/en.js';

const TABLES = { ko, en };
const stored = (() => { try { return localStorage.getItem('hd.locale'); } catch { return null; } })();
const wanted = stored || (navigator.languages && navigator.languages[0]) || navigator.language || 'ko';
export const locale = wanted.toLowerCase().startsWith('en') ? 'en' : 'ko';
const table = TABLES[locale];

// t('list.caption', {n: 3}) — {name} placeholders are filled from vars.
export function t(key, vars) {
  let s = table[key] ?? ko[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function setLocale(l) {
  try { localStorage.setItem('hd.locale', l); } catch { /* private mode */ }
  location.reload();
}

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const full = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
const num = new Intl.NumberFormat(locale);

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : full.format(d);
}

export function fmtAgo(iso) {
  const d = new Date(iso);
  const s = Math.round((d.getTime() - Date.now()) / 1000);
  if (Number.isNaN(s)) return '';
  if (Math.abs(s) < 45) return rel.format(0, 'second');
  if (Math.abs(s) < 3600) return rel.format(Math.round(s / 60), 'minute');
  if (Math.abs(s) < 86400) return rel.format(Math.round(s / 3600), 'hour');
  return rel.format(Math.round(s / 86400), 'day');
}

export const fmtNum = (n) => num.format(n);

// Translate every [data-i18n] (text) and [data-i18n-label] (aria-label,
// placeholder) inside root.
export function translate(root = document) {
  document.documentElement.lang = locale;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
}
