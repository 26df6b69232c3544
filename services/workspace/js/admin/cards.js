// Settings › Knowledge cards: the list, create and edit (title, content,
// collection, verifier — a person or a group — and how often it must be
// verified again), and the "needs verification" queue, where each card shows
// what changed since it was last verified (the API's unified diff between
// that version and the current one) beside the Verify button. Agents may
// use it too: the API lets any agent edit and only the verifier verify.
//   #/admin/cards           the list
//   #/admin/cards/queue     needs verification, with diffs
//   #/admin/cards/new       a new card
//   #/admin/cards/<id>      one card
import { t, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { get, post, put, api } from '../api.js';
import { session } from '../state.js';
import { field, input, select, showErrors, clearErrors, statusLine, say, busy, heading, link, table, staffOptions, groupOptions } from './content_kit.js';

const CARDS = '/api/v2/hd/cards';

export async function render(body, { rest }) {
  if (rest[0] === 'queue') return queue(body);
  if (rest[0] === 'new') return editor(body, null);
  if (rest[0]) return editor(body, (await get(`${CARDS}/${encodeURIComponent(rest[0])}`)).card);
  return list(body);
}

function tabs(current) {
  const tab = (id, href, label) => h('a', { href, class: 'ac-tab', 'aria-current': id === current ? 'page' : null }, label);
  return h('nav', { class: 'ac-tabs', 'aria-label': t('ac.cards.tabs') },
    tab('list', '#/admin/cards', t('ac.cards.all')), tab('queue', '#/admin/cards/queue', t('ac.cards.queue')));
}

async function cards(state) {
  const out = [];
  for (let page = 1; page <= 20; page++) {
    const d = await get(`${CARDS}?per_page=100&page=${page}${state ? `&state=${state}` : ''}`);
    out.push(...(d.cards || []));
    if (!d.next_page) break;
  }
  return out;
}

const stateBadge = (s) => h('span', { class: `badge ${s === 'verified' ? 'ok' : 'warn'}` }, t(`ac.cards.state.${s}`));

async function list(body) {
  const all = await cards('');
  const rows = all.map((c) => h('tr', {},
    h('td', {}, link(`#/admin/cards/${c.id}`, c.title, { id: `cd-open-${c.id}` })),
    h('td', {}, c.collection || ''),
    h('td', {}, stateBadge(c.state)),
    h('td', {}, String(c.version)),
    h('td', {}, c.next_verification_at ? fmtDate(c.next_verification_at) : '–')));
  replace(body,
    heading(t('admin.section.cards'), link('#/admin/cards/new', t('ac.cards.new'), { id: 'cd-new', class: 'button primary' })),
    tabs('list'),
    table(t('ac.cards.caption', { n: rows.length }), [t('ac.cards.title'), t('ac.cards.collection'), t('ac.cards.state'), t('ac.cards.version'), t('ac.cards.next')], rows, { id: 'cd-list' }));
  body.querySelector('h1').focus();
}

async function editor(body, card) {
  const [staff, groups] = await Promise.all([staffOptions(get), groupOptions(get)]);
  const c = card || { title: '', content: '', collection: '', verifier: { user_id: null, group_id: null }, verification_interval_days: 90 };
  const form = h('form', { id: 'cd-form', class: 'ac-form', novalidate: true });
  const title = input({ value: c.title, autocomplete: 'off' });
  const content = h('textarea', { rows: 8 }, c.content);
  const collection = input({ value: c.collection || '', autocomplete: 'off' });
  const byGroup = Boolean(c.verifier && c.verifier.group_id);
  const kind = select([['user', t('ac.cards.verifier_user')], ['group', t('ac.cards.verifier_group')]], byGroup ? 'group' : 'user');
  const userSel = select([['', t('ac.cards.verifier_owner')], ...staff], c.verifier && c.verifier.user_id);
  const groupSel = select(groups, c.verifier && c.verifier.group_id);
  const userField = field('cd-verifier', t('ac.cards.verifier_user'), userSel);
  const groupField = field('cd-verifier-group', t('ac.cards.verifier_group'), groupSel);
  const showKind = () => { userField.hidden = kind.value !== 'user'; groupField.hidden = kind.value !== 'group'; };
  kind.addEventListener('change', showKind);
  showKind();
  const days = input({ type: 'number', min: 1, max: 3650, value: c.verification_interval_days || 90 });
  const status = statusLine('cd-status');
  const save = h('button', { type: 'submit', id: 'cd-save', class: 'primary' }, t('ac.save'));
  // Deleting is the admins' (the API's rule); agents keep cards up to date.
  const del = card && session.user?.role === 'admin' ? h('button', { type: 'button', id: 'cd-delete', class: 'danger' }, t('ac.delete')) : null;
  const info = card ? h('p', { class: 'meta', id: 'cd-info' }, stateBadge(card.state), ' ',
    t('ac.cards.info', { version: card.version, verified: card.last_verified_at ? fmtDate(card.last_verified_at) : '–' })) : null;
  replace(form,
    field('cd-title', t('ac.cards.title'), title),
    field('cd-content', t('ac.cards.content'), content),
    field('cd-collection', t('ac.cards.collection'), collection),
    field('cd-verifier-kind', t('ac.cards.verifier_kind'), kind),
    userField, groupField,
    field('cd-verification_interval_days', t('ac.cards.interval'), days, t('ac.cards.interval_hint')),
    h('div', { class: 'ac-buttons' }, save, del, link('#/admin/cards', t('ac.back')),
      card && card.state !== 'verified' ? link('#/admin/cards/queue', t('ac.cards.queue')) : null),
    status);
  replace(body, heading(card ? t('ac.cards.edit', { title: card.title }) : t('ac.cards.new')), tabs(null), info, form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const out = { title: title.value, content: content.value, collection: collection.value || null,
      verification_interval_days: Number(days.value) || 0 };
    out.verifier = kind.value === 'group' ? { group_id: Number(groupSel.value) || null } : { user_id: Number(userSel.value) || null };
    busy(save, async () => {
      const saved = card ? await put(`${CARDS}/${card.id}`, { card: out }) : await post(CARDS, { card: out });
      say(status, t('ac.cards.saved', { version: saved.card.version }));
      if (!card) location.hash = `#/admin/cards/${saved.card.id}`;
      else if (info) replace(info, stateBadge(saved.card.state), ' ', t('ac.cards.info', { version: saved.card.version, verified: saved.card.last_verified_at ? fmtDate(saved.card.last_verified_at) : '–' }));
    }, (e) => showErrors(form, 'cd', e, status));
  });
  if (del) del.addEventListener('click', () => busy(del, async () => {
    if (!confirm(t('ac.cards.confirm_delete', { title: card.title }))) return;
    await api('DELETE', `${CARDS}/${card.id}`);
    location.hash = '#/admin/cards';
  }, (e) => say(status, e.message, true)));
  title.focus();
}

// ---- the queue ----

// The version last verified: the newest at or before last_verified_at; a
// card never verified compares with its first version.
async function baseVersion(card) {
  if (!card.last_verified_at) return 1;
  const vs = (await get(`${CARDS}/${card.id}/versions`)).versions || [];
  const at = new Date(card.last_verified_at).getTime();
  let base = 1;
  for (const v of vs) if (new Date(v.created_at).getTime() <= at && v.number > base) base = v.number;
  return base;
}

// A unified diff as lines, each marked for sight and for screen readers.
function diffView(id, unified) {
  const lines = String(unified || '').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1);
  return h('pre', { id, class: 'ac-diff', 'aria-label': t('ac.cards.diff') }, lines.map((l) => {
    const kindOf = l.startsWith('@@') ? 'hunk' : l.startsWith('+++') || l.startsWith('---') ? 'file' : l[0] === '+' ? 'ins' : l[0] === '-' ? 'del' : 'same';
    const tag = kindOf === 'ins' ? 'ins' : kindOf === 'del' ? 'del' : 'span';
    return h(tag, { class: `ac-diff-${kindOf}` }, `${l}\n`);
  }));
}

async function queueItem(card, status) {
  const base = await baseVersion(card);
  let change;
  if (base < card.version) {
    const d = (await get(`${CARDS}/${card.id}/diff?from=${base}&to=${card.version}`)).diff;
    change = [h('p', { class: 'meta' }, t('ac.cards.diff_from', { from: base, to: card.version })), diffView(`cd-diff-${card.id}`, d.unified)];
  } else {
    change = [h('p', { class: 'meta' }, t('ac.cards.first_version')), h('blockquote', { class: 'ac-quote', id: `cd-diff-${card.id}` }, card.content)];
  }
  const verify = h('button', { type: 'button', id: `cd-verify-${card.id}`, class: 'primary' }, t('ac.cards.verify'));
  const li = h('li', { class: 'ac-proposal', id: `cd-item-${card.id}` },
    h('h2', {}, link(`#/admin/cards/${card.id}`, card.title)),
    h('p', { class: 'meta' }, [card.collection, t('ac.cards.updated', { when: fmtDate(card.updated_at) })].filter(Boolean).join(' · ')),
    change, h('div', { class: 'ac-buttons' }, verify));
  verify.addEventListener('click', () => busy(verify, async () => {
    const v = (await post(`${CARDS}/${card.id}/verify`)).card;
    li.remove();
    say(status, t('ac.cards.verified', { title: v.title, next: v.next_verification_at ? fmtDate(v.next_verification_at) : '–' }));
  }, (e) => say(status, e.message, true)));
  return li;
}

async function queue(body) {
  const due = await cards('needs_verification');
  const status = statusLine('cd-queue-status');
  const items = await Promise.all(due.map((c) => queueItem(c, status)));
  replace(body, heading(t('ac.cards.queue')), tabs('queue'),
    h('p', { class: 'meta' }, t('ac.cards.queue_help')), status,
    items.length ? h('ul', { id: 'cd-queue', class: 'ac-proposals' }, items) : h('p', { id: 'cd-queue' }, t('ac.cards.queue_empty')));
  body.querySelector('h1').focus();
}
