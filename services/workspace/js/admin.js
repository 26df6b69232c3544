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
  { id: 'groups', group: 'settings', roles: ['admin'], module: './admin/groups.js' },
  { id: 'agents', group: 'settings', roles: ['admin'], module: './admin/agents.js' },
  { id: 'users', group: 'settings', roles: ['admin'], module: './admin/users.js' },
  { id: 'tokens', group: 'settings', roles: ['admin'], module: './admin/tokens.js' },
  { id: 'fields', group: 'settings', roles: ['admin'], module: './admin/fields.js' },
  { id: 'forms', group: 'settings', roles: ['admin'], module: './admin/forms.js' },
  { id: 'triggers', group: 'settings', roles: ['admin'], module: './admin/triggers.js' },
  { id: 'automations', group: 'settings', roles: ['admin'], module: './admin/automations.js' },
  { id: 'schedules', group: 'settings', roles: ['admin'], module: './admin/schedules.js' },
  { id: 'sla', group: 'settings', roles: ['admin'], module: './admin/sla.js' },
  { id: 'macros', group: 'settings', roles: ['admin', 'agent'], module: './admin/macros.js' },
  { id: 'views', group: 'settings', roles: ['admin', 'agent'], module: './admin/views.js' },
  { id: 'help_center', group: 'settings', roles: ['admin'], module: './admin/help_center.js' },
  { id: 'cards', group: 'settings', roles: ['admin', 'agent'], module: './admin/cards.js' },
  { id: 'webhooks', group: 'settings', roles: ['admin'], module: './admin/webhooks.js' },
  { id: 'addresses', group: 'settings', roles: ['admin'], module: './admin/addresses.js' },
  { id: 'report-volume', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-volume.js' },
  { id: 'report-backlog', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-backlog.js' },
  { id: 'report-times', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-times.js' },
  { id: 'report-sla', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-sla.js' },
  { id: 'report-csat', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-csat.js' },
  { id: 'report-presence', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-presence.js' },
  { id: 'report-calls', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-calls.js' },
  { id: 'report-bottlenecks', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-bottlenecks.js' },
  { id: 'report-deflection', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-deflection.js' },
  { id: 'report-keywords', group: 'reports', roles: ['agent', 'admin'], module: './admin/report-keywords.js' },
  { id: 'proficiency', group: 'reports', roles: ['agent', 'admin'], module: './admin/proficiency.js' },
  { id: 'teams', group: 'reports', roles: ['agent', 'admin'], module: './admin/teams.js' },
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
      h('ul', { 'data-group': g }, list.map((s) => h('li', {},
        h('a', { href: `#/admin/${s.id}`, 'aria-current': s.id === current ? 'page' : null }, t(`admin.section.${s.id}`))))),
    ]));
}

export async function showAdmin(id, rest, query) {
  const main = $('#main');
  const list = SECTIONS.filter(visible);
  // A section this role may not open shows the first one of its group.
  const asked = SECTIONS.find((s) => s.id === id);
  const section = list.find((s) => s.id === id)
    || list.find((s) => asked && s.group === asked.group) || list[0];
  if (!section) {
    replace(main, h('p', { role: 'alert' }, t('admin.none')));
    return;
  }
  const body = h('div', { class: 'admin-body' });
  replace(main, h('div', { class: 'admin' }, menu(section.id), body));
  const m = await import(section.module);
  await m.render(body, { rest: rest || [], query: new URLSearchParams(query || '') });
}
