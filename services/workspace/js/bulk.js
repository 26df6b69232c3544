// Bulk actions on the checked tickets of a list: assign to me, set a
// status, add tags (PUT /api/v2/tickets/update_many?ids=…), or apply a
// macro to each (its result from …/macros/{id}/apply, then PUT).
import { get, put } from './api.js';
import { t } from './i18n.js';
import { $, $$, h, announce } from './dom.js';
import { session } from './state.js';

const STATUSES = ['open', 'pending', 'hold', 'solved'];
let lastMsg = '';

export function checkedIds() {
  return $$('#list-body input.pick:checked').map((c) => Number(c.value));
}

export function bulkBar(onDone) {
  const status = h('select', { id: 'bulk-status', 'aria-label': t('bulk.status') },
    h('option', { value: '' }, t('bulk.status')), STATUSES.map((s) => h('option', { value: s }, t(`status.${s}`))));
  const tags = h('input', { id: 'bulk-tags', 'aria-label': t('bulk.tags'), placeholder: t('bulk.tags'), size: 12 });
  const macro = h('select', { id: 'bulk-macro', 'aria-label': t('bulk.macro') }, h('option', { value: '' }, t('bulk.macro')));
  get('/api/v2/macros/active').then((d) => { for (const m of d.macros || []) macro.append(h('option', { value: m.id }, m.title)); }).catch(() => {});
  const msg = h('span', { id: 'bulk-msg', role: 'status' }, lastMsg);
  lastMsg = '';
  const run = async (fn) => {
    const ids = checkedIds();
    if (!ids.length) { msg.textContent = t('bulk.none'); return; }
    try {
      await fn(ids);
      lastMsg = t('bulk.done', { n: ids.length });
      msg.textContent = lastMsg;
      announce(lastMsg);
      for (const c of $$('#list-body input.pick')) c.checked = false;
      onDone();
    } catch (e) { msg.textContent = e.message; }
  };
  const many = (ids, ticket) => put(`/api/v2/tickets/update_many?ids=${ids.join(',')}`, { ticket });
  return h('div', { class: 'bulk', role: 'group', 'aria-label': t('bulk.title') },
    h('button', { type: 'button', id: 'bulk-me', onclick: () => run((ids) => many(ids, { assignee_id: session.user.id })) }, t('bulk.assign_me')),
    status, h('button', { type: 'button', onclick: () => run((ids) => many(ids, { status: status.value })) }, t('bulk.apply')),
    tags, h('button', { type: 'button', onclick: () => run((ids) => many(ids, { additional_tags: tags.value.split(/[\s,]+/).filter(Boolean) })) }, t('bulk.add')),
    macro, h('button', { type: 'button', onclick: () => run(async (ids) => {
      for (const id of ids) {
        const r = (await get(`/api/v2/tickets/${id}/macros/${macro.value}/apply`)).result.ticket;
        const tk = {};
        for (const k of ['status', 'priority', 'type', 'group_id', 'assignee_id', 'tags', 'comment']) if (r[k] !== undefined) tk[k] = r[k];
        await put(`/api/v2/tickets/${id}`, { ticket: tk });
      }
    }) }, t('bulk.apply')),
    msg);
}
