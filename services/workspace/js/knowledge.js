// Knowledge beside the ticket: suggested help-centre articles for the
// ticket's subject and verified knowledge cards; insert a link or a card's
// text into the reply.
import { get } from './api.js';
import { t } from './i18n.js';
import { $, h, replace, snippet } from './dom.js';

function insert(text) {
  const body = $('#c-body');
  if (!body) return;
  body.value = body.value ? `${body.value}\n${text}` : text;
  body.focus();
}

export async function knowledgePanel(tk) {
  const side = $('#side');
  const box = $('#side-body');
  side.hidden = false;
  box.setAttribute('aria-busy', 'true');
  replace(box, h('p', { class: 'muted' }, t('app.loading')));
  const q = encodeURIComponent((tk.subject || '').slice(0, 200));
  const [arts, cards] = await Promise.all([
    get(`/api/v2/help_center/articles/search?query=${q}&per_page=5`).then((d) => d.results || d.articles || []).catch(() => []),
    get(`/api/v2/hd/cards/search?query=${q}&per_page=5`).then((d) => d.results || d.cards || []).catch(() => []),
  ]);
  box.removeAttribute('aria-busy');
  replace(box,
    h('h3', {}, t('kb.articles')),
    arts.length ? h('ul', { class: 'kb' }, arts.map((a) => h('li', {},
      h('a', { href: a.html_url || a.url, target: '_blank', rel: 'noopener' }, a.title),
      h('button', { type: 'button', class: 'small', 'aria-label': t('kb.insert_link_of', { title: a.title }), onclick: () => insert(`${a.title}: ${a.html_url || a.url}`) }, t('kb.insert_link'))))) : h('p', { class: 'muted' }, t('kb.none')),
    h('h3', {}, t('kb.cards')),
    cards.length ? h('ul', { class: 'kb' }, cards.map((c) => h('li', { class: 'card' },
      h('strong', {}, c.title || ''), ' ',
      h('span', { class: c.state === 'verified' ? 'badge ok' : 'badge warn' },
        c.state === 'verified' ? t('kb.verified') : t('kb.needs_verification')),
      h('p', {}, c.snippet ? snippet(c.snippet) : (c.content || '').slice(0, 240)),
      h('button', { type: 'button', class: 'small', 'aria-label': t('kb.insert_card_of', { title: c.title || '' }), onclick: () => insert(c.content || String(c.snippet || '').replace(/<\/?em>/g, '')) }, t('kb.insert_card'))))) : h('p', { class: 'muted' }, t('kb.none')));
}
