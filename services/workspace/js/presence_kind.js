// What a presence state means at a glance: its category (available, busy,
// away, offline), a symbol per category that differs in shape, not only in
// colour, and the state's name in the user's language. The API gives each
// state only a name and whether it receives work, so the seeded states'
// categories are known here; a custom state is available or busy by its
// "available" flag.
import { t } from './i18n.js';
import { h } from './dom.js';

const KIND = {
  online: 'available', 상담준비: 'available',
  통화중: 'busy', 후처리: 'busy', 회의: 'busy', 교육: 'busy',
  away: 'away', 자리비움: 'away',
  offline: 'offline',
};

export const SYMBOL = { available: '●', busy: '⊖', away: '◐', offline: '○' };

export const presenceKind = (s) => KIND[s.name] || (s.available ? 'available' : 'busy');

// Built-in and seeded states are translated; custom ones keep their name.
export function presenceName(name) {
  const key = `presence.name.${name}`;
  const s = t(key);
  return s === key ? name : s;
}

// "통화중 (업무 중)"; just "오프라인" when the name already says the category.
export function presenceText(s) {
  const name = presenceName(s.name);
  const kind = t(`presence.kind.${presenceKind(s)}`);
  return name.toLocaleLowerCase() === kind.toLocaleLowerCase() ? name : t('presence.named', { name, kind });
}

// A state shown in a list or a table cell: the category's symbol (hidden
// from screen readers, which hear the category in words instead), the
// state's name, and "(category)" for screen readers only unless the name
// already says it. s is {name, available}.
export function presenceLabel(s) {
  const kind = presenceKind(s);
  const name = presenceName(s.name);
  const said = t(`presence.kind.${kind}`);
  return h('span', { class: 'presence-label', dataset: { kind, state: s.name } },
    h('span', { class: 'presence-symbol', 'aria-hidden': 'true' }, `${SYMBOL[kind]} `), name,
    name.toLocaleLowerCase() === said.toLocaleLowerCase() ? null : h('span', { class: 'sr-only' }, ` (${said})`));
}
