// The console: settings (admins) and reports (agents and admins) inside the
// workspace, at #/admin/<section>[/<rest>][?query]. Each section is a module
// in js/admin/ exporting render(main, {rest, query}); it loads on first use.
// A section appears in the console's menu only for the roles it names.
import { t } from './i18n.js';
import { $, h, replace } from './dom.js';
import { session } from './state.js';

// One row per section: id (the URL part), group ('settings' or 'reports'),
// the roles that see it, and its module. Add a section with one row here.
export const SECTIONS = [
  { id: 'email_templates', group: 'settings', roles: ['admin'], module: './admin/email_templates.js' },
  { id: 'csat', group: 'settings', roles: ['admin'], module: './admin/csat.js' },
];

const visible = (s) => s.roles.includes(session.user?.role || 'agent');

export function sectionsFor(group) {
  return SECTIONS.filter((s) => s.group === group && visible(s));
}

function menu(current) {
  const groups = ['settings', 'reports'].map((g) => [g, sectionsFor(g)]).filter(([, list]) => list.length);
  return h('nav', { class: 'admin-menu', 'aria-label': t('admin.menu') },
    groups.map(([g, list]) => [
      h('h2', {}, t(`admin.group.${g}`)),
      h('ul', {}, list.map((s) => h('li', {},
        h('a', { href: `#/admin/${s.id}`, 'aria-current': s.id === current ? 'page' : null }, t(`admin.section.${s.id}`))))),
    ]));
}

export async function showAdmin(id, rest, query) {
  const main = $('#main');
  const list = SECTIONS.filter(visible);
  const section = list.find((s) => s.id === id) || list[0];
  if (!section) {
    replace(main, h('p', { role: 'alert' }, t('admin.none')));
    return;
  }
  const body = h('div', { class: 'admin-body' });
  replace(main, h('div', { class: 'admin' }, menu(section.id), body));
  const m = await import(section.module);
  await m.render(body, { rest: rest || [], query: new URLSearchParams(query || '') });
}
