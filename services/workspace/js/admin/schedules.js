// Business hours (#/admin/schedules[/<id>]): schedules with a time zone,
// the workweek drawn on a week grid (7 days × 24 hours; drag with the mouse
// or Shift+arrows; a lunch break is a gap), holidays with .ics import, the
// Korean public holiday set, and a month calendar of the holidays.
// Intervals are minutes from Sunday 00:00 (API.md §8).
import { get, put, post, api } from '../api.js';
import { t, locale } from '../i18n.js';
import { $, h, replace, announce } from '../dom.js';
import { useCss, row, input, section, heading, attempt, confirmDelete } from './settings_kit.js';
import { KR_HOLIDAYS, krIcs } from './kr_holidays.js';

const BH = '/api/v2/business_hours/schedules';
const DAYS = [1, 2, 3, 4, 5, 6, 0]; // shown Monday first, stored from Sunday
const pad = (n) => String(n).padStart(2, '0');
const hhmm = (min) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;
const dayName = (d, style = 'long') => new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' })
  .format(new Date(Date.UTC(2023, 0, 1 + d))); // 2023-01-01 was a Sunday

export async function render(body, { rest, query }) {
  await useCss();
  const list = (await get(BH)).schedules || [];
  const sid = Number(rest[0]) || (list[0] && list[0].id) || 0;
  const current = list.find((s) => s.id === sid);
  if (!body.isConnected) return; // the admin moved on meanwhile
  replace(body, heading(t('admin.section.schedules')),
    h('div', { class: 'as-cols' },
      h('nav', { class: 'as-list', 'aria-label': t('bh.list') },
        h('ul', { id: 'bh-list' }, list.map((s) => h('li', {},
          h('a', { href: `#/admin/schedules/${s.id}`, 'aria-current': s.id === sid ? 'page' : null }, s.name),
          h('small', { class: 'muted' }, ` ${s.time_zone}`)))),
        createForm()),
      h('div', { class: 'as-main' }, current ? scheduleForm(current) : h('p', { class: 'muted' }, t('bh.none')))));
  if (!current) return;
  const grid = weekGrid(current);
  $('#bh-grid-slot').replaceWith(grid);
  await holidays(current, query.get('month'));
}

function zoneList() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Asia/Seoul', 'UTC'];
  return h('datalist', { id: 'bh-zones' }, zones.map((z) => h('option', { value: z })));
}

function createForm() {
  const form = h('form', { id: 'bh-create-form', class: 'as-form', novalidate: true },
    h('h2', {}, t('bh.create')),
    row('bh-new-name', t('bh.name'), input({ required: true, autocomplete: 'off' })),
    row('bh-new-time_zone', t('bh.time_zone'), input({ value: 'Asia/Seoul', list: 'bh-zones', autocomplete: 'off' }), t('bh.time_zone_hint')),
    zoneList(),
    h('p', { id: 'bh-new-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'bh-create', class: 'primary' }, t('bh.create_button')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let made = null;
    const ok = await attempt(form, 'bh-new', async () => {
      made = (await post(BH, { schedule: { name: $('#bh-new-name').value.trim(), time_zone: $('#bh-new-time_zone').value.trim() } })).schedule;
    }, t('bh.created'));
    if (ok) location.hash = `#/admin/schedules/${made.id}`;
  });
  return form;
}

function scheduleForm(s) {
  const form = h('form', { id: 'bh-form', class: 'as-form as-inline', novalidate: true },
    row('bh-name', t('bh.name'), input({ value: s.name, autocomplete: 'off' })),
    row('bh-time_zone', t('bh.time_zone'), input({ value: s.time_zone, list: 'bh-zones', autocomplete: 'off' })),
    h('p', { id: 'bh-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'bh-save-props' }, t('as.save')),
    h('button', { type: 'button', id: 'bh-delete', class: 'danger', onclick: () => removeSchedule(s) }, t('as.delete')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await attempt(form, 'bh', () => put(`${BH}/${s.id}`, { schedule: { name: $('#bh-name').value.trim(), time_zone: $('#bh-time_zone').value.trim() } }), t('as.saved'));
  });
  return [
    section('bh-props', s.name, form),
    section('bh-week', t('bh.week'), h('p', { class: 'muted', id: 'bh-grid-help' }, t('bh.grid_help')), h('div', { id: 'bh-grid-slot' })),
    section('hol', t('bh.holidays'), h('div', { id: 'hol-slot' })),
  ];
}

async function removeSchedule(s) {
  if (!confirmDelete(s.name)) return;
  await attempt($('#bh-form'), 'bh', () => api('DELETE', `${BH}/${s.id}`), t('as.deleted'));
  location.hash = '#/admin/schedules';
}

// ---- the week grid ----

// on[day][hour]: the whole hour is business time; part: some of it is.
function fromIntervals(intervals) {
  const on = DAYS.map(() => []), part = DAYS.map(() => []);
  for (let d = 0; d < 7; d++) {
    for (let hr = 0; hr < 24; hr++) {
      const a = d * 1440 + hr * 60, z = a + 60;
      const cover = intervals.reduce((n, iv) => n + Math.max(0, Math.min(z, iv.end_time) - Math.max(a, iv.start_time)), 0);
      on[d][hr] = cover >= 60;
      part[d][hr] = cover > 0 && cover < 60;
    }
  }
  return { on, part };
}

export function toIntervals(on) {
  const out = [];
  for (let d = 0; d < 7; d++) {
    let start = -1;
    for (let hr = 0; hr <= 24; hr++) {
      const set = hr < 24 && on[d][hr];
      if (set && start < 0) start = hr;
      if (!set && start >= 0) {
        out.push({ start_time: d * 1440 + start * 60, end_time: d * 1440 + hr * 60 });
        start = -1;
      }
    }
  }
  return out;
}

function summary(on) {
  const iv = toIntervals(on);
  return DAYS.map((d) => {
    const mine = iv.filter((x) => Math.floor(x.start_time / 1440) === d);
    const text = mine.length ? mine.map((x) => `${hhmm(x.start_time % 1440)}–${hhmm(x.end_time - d * 1440)}`).join(', ') : t('bh.closed');
    return h('li', { dataset: { day: d } }, h('strong', {}, dayName(d, 'short')), ' ', text);
  });
}

function weekGrid(s) {
  const { on, part } = fromIntervals(s.intervals || []);
  let drag = null; // {d0, h0, mode, base}
  let anchor = null; // keyboard range: {d0, h0, mode, base}
  let focus = { d: 1, h: 9 };
  const cellId = (d, hr) => `bh-c-${d}-${hr}`;
  const label = (d, hr) => `${dayName(d)} ${pad(hr)}:00–${pad(hr + 1)}:00`;
  const paint = (from, d1, h1) => {
    const ci = (d) => DAYS.indexOf(d);
    const [da, db] = [ci(from.d0), ci(d1)].sort((x, y) => x - y);
    const [ha, hb] = [from.h0, h1].sort((x, y) => x - y);
    for (let i = 0; i < 7; i++) for (let hr = 0; hr < 24; hr++) {
      const d = DAYS[i];
      on[d][hr] = i >= da && i <= db && hr >= ha && hr <= hb ? from.mode : from.base[d][hr];
    }
    refresh();
  };
  const snapshot = () => on.map((r) => r.slice());
  const dirty = () => { $('#bh-dirty').textContent = t('bh.unsaved'); };

  const table = h('table', { id: 'bh-grid', class: 'bh-grid', role: 'grid', 'aria-labelledby': 'bh-week-title', 'aria-describedby': 'bh-grid-help', 'aria-multiselectable': 'true' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('bh.hour'))),
      DAYS.map((d) => h('th', { scope: 'col', abbr: dayName(d) }, dayName(d, 'short'))))),
    h('tbody', {}, Array.from({ length: 24 }, (_, hr) => h('tr', {},
      h('th', { scope: 'row' }, `${pad(hr)}:00`),
      DAYS.map((d) => h('td', { id: cellId(d, hr), role: 'gridcell', tabindex: d === focus.d && hr === focus.h ? '0' : '-1',
        'aria-label': label(d, hr), dataset: { day: d, hour: hr } }))))));

  function refresh() {
    for (const d of DAYS) for (let hr = 0; hr < 24; hr++) {
      const td = table.querySelector(`#${cellId(d, hr)}`);
      td.setAttribute('aria-selected', on[d][hr] ? 'true' : 'false');
      td.classList.toggle('on', on[d][hr]);
      td.classList.toggle('part', !on[d][hr] && part[d][hr]);
    }
    replace($('#bh-summary') || h('ul'), summary(on));
  }
  const cellOf = (el) => {
    const td = el && el.closest && el.closest('td[data-day]');
    return td ? { d: Number(td.dataset.day), h: Number(td.dataset.hour) } : null;
  };
  table.addEventListener('pointerdown', (ev) => {
    const c = cellOf(ev.target);
    if (!c || ev.button !== 0) return;
    ev.preventDefault();
    drag = { d0: c.d, h0: c.h, mode: !on[c.d][c.h], base: snapshot() };
    moveFocus(c.d, c.h, true);
    paint(drag, c.d, c.h);
    dirty();
  });
  table.addEventListener('pointerover', (ev) => {
    const c = drag && cellOf(ev.target);
    if (c) paint(drag, c.d, c.h);
  });
  const end = () => { if (drag) { drag = null; announce(t('bh.changed')); } };
  document.addEventListener('pointerup', end);
  table.addEventListener('pointercancel', end);

  function moveFocus(d, hr, pointer) {
    const old = table.querySelector(`#${cellId(focus.d, focus.h)}`);
    if (old) old.tabIndex = -1;
    focus = { d, h: hr };
    const td = table.querySelector(`#${cellId(d, hr)}`);
    td.tabIndex = 0;
    td.focus({ preventScroll: !!pointer });
  }
  table.addEventListener('keydown', (ev) => {
    const c = cellOf(ev.target);
    if (!c) return;
    const i = DAYS.indexOf(c.d);
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (ev.key === ' ' || ev.key === 'Enter') {
      ev.preventDefault();
      on[c.d][c.h] = !on[c.d][c.h];
      anchor = null;
      refresh();
      dirty();
      announce(`${label(c.d, c.h)}: ${on[c.d][c.h] ? t('bh.open') : t('bh.closed')}`);
    } else if (moves[ev.key]) {
      ev.preventDefault();
      const ni = Math.max(0, Math.min(6, i + moves[ev.key][0]));
      const nh = Math.max(0, Math.min(23, c.h + moves[ev.key][1]));
      if (ev.shiftKey) {
        if (!anchor) anchor = { d0: c.d, h0: c.h, mode: !on[c.d][c.h], base: snapshot() };
        paint(anchor, DAYS[ni], nh);
        dirty();
      } else {
        anchor = null;
      }
      moveFocus(DAYS[ni], nh);
    }
  });
  table.addEventListener('keyup', (ev) => { if (ev.key === 'Shift' && anchor) { anchor = null; announce(t('bh.changed')); } });

  const preset = () => {
    for (const d of DAYS) for (let hr = 0; hr < 24; hr++) on[d][hr] = d >= 1 && d <= 5 && ((hr >= 9 && hr < 12) || (hr >= 13 && hr < 18));
    refresh();
    dirty();
  };
  const clear = () => { for (const d of DAYS) on[d].fill(false); refresh(); dirty(); };
  const save = async () => {
    const ok = await attempt(wrap, 'bh-week', () => put(`${BH}/${s.id}/workweek`, { workweek: { intervals: toIntervals(on) } }), t('bh.saved'));
    if (ok) { $('#bh-dirty').textContent = t('bh.saved'); for (const d of DAYS) part[d].fill(false); refresh(); }
  };
  const wrap = h('div', { class: 'bh-wrap' },
    h('div', { class: 'bh-tools' },
      h('button', { type: 'button', id: 'bh-preset', onclick: preset }, t('bh.preset')),
      h('button', { type: 'button', id: 'bh-clear', onclick: clear }, t('bh.clear')),
      h('button', { type: 'button', id: 'bh-save', class: 'primary', onclick: save }, t('bh.save_week'))),
    h('p', { id: 'bh-week-error', class: 'error', role: 'alert' }),
    // Intervals set through the API may start or end inside an hour; the
    // grid shows those hours pale and saving rounds them: say so first.
    DAYS.some((d) => part[d].some(Boolean)) ? h('p', { id: 'bh-part', class: 'muted' }, t('bh.part')) : null,
    h('div', { class: 'bh-grid-box' }, table,
      h('div', { class: 'bh-summary' }, h('h3', { id: 'bh-summary-title' }, t('bh.summary')),
        h('ul', { id: 'bh-summary', 'aria-labelledby': 'bh-summary-title' }),
        // Beside the grid, not above it: a status line that appears must
        // not move the cells under a dragging pointer.
        h('p', { id: 'bh-dirty', class: 'muted', role: 'status' }))));
  queueMicrotask(refresh);
  return wrap;
}

// ---- holidays, .ics import, the Korean set, the calendar ----

async function holidays(s, month) {
  const path = `${BH}/${s.id}/holidays`;
  const slot = $('#hol-slot');
  const items = ((await get(path)).holidays || []).sort((a, b) => a.start_date.localeCompare(b.start_date));
  const today = new Date();
  const first = month && /^\d{4}-\d{2}$/.test(month) ? month : `${today.getFullYear()}-${pad(today.getMonth() + 1)}`;
  const reload = (m) => holidays(s, m);

  const addForm = h('form', { id: 'hol-form', class: 'as-form as-inline', novalidate: true },
    h('h3', {}, t('hol.add')),
    row('hol-name', t('hol.name'), input({ autocomplete: 'off' })),
    row('hol-start_date', t('hol.start'), input({ type: 'date' })),
    row('hol-end_date', t('hol.end'), input({ type: 'date' }), t('hol.end_hint')),
    h('p', { id: 'hol-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'hol-add' }, t('hol.add_button')));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const a = $('#hol-start_date').value;
    const ok = await attempt(addForm, 'hol', () => post(path, { holiday: { name: $('#hol-name').value.trim(), start_date: a, end_date: $('#hol-end_date').value || a } }), t('hol.added'));
    if (ok) reload(a.slice(0, 7));
  });

  const importForm = h('form', { id: 'hol-import-form', class: 'as-form as-inline', novalidate: true },
    h('h3', {}, t('hol.import')),
    row('hol-ics', t('hol.ics_file'), input({ type: 'file', accept: '.ics,text/calendar' }), t('hol.ics_hint')),
    h('p', { id: 'hol-import-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'hol-import' }, t('hol.import_button')),
    h('p', { id: 'hol-import-result', role: 'status' }));
  importForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = $('#hol-ics').files[0];
    if (!file) { $('#hol-ics-error').textContent = t('hol.pick_file'); return; }
    await importIcs(importForm, 'hol-import', s.id, await file.text(), reload);
  });

  const years = Object.keys(KR_HOLIDAYS);
  const krForm = h('form', { id: 'hol-kr-form', class: 'as-form', novalidate: true },
    h('h3', {}, t('hol.kr')),
    h('p', { class: 'muted' }, t('hol.kr_help')),
    h('fieldset', { class: 'as-checks' }, h('legend', {}, t('hol.kr_years')),
      years.map((y) => h('label', {}, h('input', { type: 'checkbox', id: `hol-kr-${y}`, value: y, checked: Number(y) >= today.getFullYear() }), ` ${y}`))),
    h('details', { id: 'hol-kr-preview' }, h('summary', {}, t('hol.kr_preview')),
      years.map((y) => h('table', { class: 'list' }, h('caption', {}, y),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('hol.name')), h('th', { scope: 'col' }, t('hol.start')), h('th', { scope: 'col' }, t('hol.end')))),
        h('tbody', {}, KR_HOLIDAYS[y].map(([n, a, b]) => h('tr', {}, h('td', {}, n), h('td', {}, a), h('td', {}, b))))))),
    h('p', { id: 'hol-kr-error', class: 'error', role: 'alert' }),
    h('button', { type: 'submit', id: 'hol-kr-add' }, t('hol.kr_add')),
    h('p', { id: 'hol-kr-result', role: 'status' }));
  krForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const picked = years.filter((y) => $(`#hol-kr-${y}`).checked);
    if (!picked.length) { $('#hol-kr-error').textContent = t('hol.kr_pick'); return; }
    await importIcs(krForm, 'hol-kr', s.id, krIcs(picked), reload);
  });

  const table = h('table', { id: 'hol-list', class: 'list' },
    h('caption', {}, t('hol.count', { n: items.length })),
    h('thead', {}, h('tr', {}, ['hol.name', 'hol.start', 'hol.end', 'as.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((x) => h('tr', { dataset: { holiday: x.id } },
      h('td', {}, h('a', { href: `#/admin/schedules/${s.id}?month=${x.start_date.slice(0, 7)}` }, x.name)),
      h('td', {}, x.start_date), h('td', {}, x.end_date),
      h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': t('hol.delete', { name: x.name }),
        onclick: async () => { if (confirmDelete(x.name)) { await api('DELETE', `${path}/${x.id}`); reload(first); } } }, t('as.delete')))))));

  if (!slot || !slot.isConnected) return;
  replace(slot,
    h('div', { class: 'as-cols2' }, calendar(items, first, reload), h('div', {}, addForm, importForm, krForm)),
    h('details', { class: 'hol-all' }, h('summary', {}, t('hol.all', { n: items.length })), table));
}

// The import lives under /api/v2/hd/ (a Hana Desk endpoint, not Zendesk's).
async function importIcs(form, prefix, sid, text, reload) {
  let res = null;
  const blob = new Blob([text], { type: 'text/calendar; charset=utf-8' });
  const ok = await attempt(form, prefix, async () => { res = await api('POST', `/api/v2/hd/business_hours/schedules/${sid}/holidays/import`, blob); });
  if (!ok) return;
  const got = (res && res.holidays) || [];
  const msg = t('hol.imported', { n: res && res.count != null ? res.count : got.length });
  announce(msg);
  await reload(got.length ? got[0].start_date.slice(0, 7) : undefined);
  const line = $(`#${prefix}-result`);
  if (line) line.textContent = msg;
}

// A month of days, Sunday first; holidays marked with their names.
function calendar(items, month, reload) {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  const iso = (d) => `${y}-${pad(m)}-${pad(d)}`;
  const on = (d) => items.filter((x) => x.start_date <= iso(d) && iso(d) <= x.end_date);
  const shift = (n) => { const dt = new Date(Date.UTC(y, m - 1 + n, 1)); return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}`; };
  const title = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(h('td', { class: 'empty' }));
  for (let d = 1; d <= days; d++) {
    const hs = on(d);
    const wd = (lead + d - 1) % 7;
    cells.push(h('td', { class: [hs.length ? 'hol' : '', wd === 0 || wd === 6 ? 'weekend' : ''].join(' ').trim() || null, dataset: { date: iso(d) } },
      h('span', { class: 'num' }, d),
      hs.map((x) => h('span', { class: 'hol-name' }, x.name))));
  }
  while (cells.length % 7) cells.push(h('td', { class: 'empty' }));
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(h('tr', {}, cells.slice(i, i + 7)));
  return h('div', { class: 'cal', id: 'hol-cal' },
    h('div', { class: 'cal-nav' },
      h('button', { type: 'button', id: 'cal-prev', 'aria-label': t('cal.prev'), onclick: () => reload(shift(-1)) }, '‹'),
      h('h3', { id: 'cal-title', 'aria-live': 'polite' }, title),
      h('button', { type: 'button', id: 'cal-next', 'aria-label': t('cal.next'), onclick: () => reload(shift(1)) }, '›')),
    h('table', { class: 'cal-grid', 'aria-labelledby': 'cal-title' },
      h('thead', {}, h('tr', {}, [0, 1, 2, 3, 4, 5, 6].map((d) => h('th', { scope: 'col', abbr: dayName(d) }, dayName(d, 'short'))))),
      h('tbody', {}, weeks)));
}
