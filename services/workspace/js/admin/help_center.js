// Settings › Help center: categories, sections and articles, each article
// written in Korean and English (one translation per locale, each a draft
// until published), its section and who may read it (user segment). The
// body is HTML typed in a textarea; the preview shows what the API stored
// after sanitizing, rebuilt node by node (content_kit.htmlNodes).
//   #/admin/help_center                  categories › sections › articles
//   #/admin/help_center/new?section=<id> a new article
//   #/admin/help_center/article/<id>     one article
import { t, fmtDate } from '../i18n.js';
import { h, replace } from '../dom.js';
import { get, post, put, api } from '../api.js';
import { field, input, select, showErrors, clearErrors, statusLine, say, busy, heading, link, renderHtml } from './content_kit.js';

const HC = '/api/v2/help_center';
export const LOCALES = ['ko', 'en'];
// user_segment_id: null is everyone; any segment id keeps anonymous
// readers out (the API's only segment: signed-in users).
const SIGNED_IN = 1;

export async function render(body, { rest, query }) {
  if (rest[0] === 'new') return editor(body, null, Number(query.get('section')) || 0);
  if (rest[0] === 'article' && rest[1]) return editor(body, (await get(`${HC}/articles/${encodeURIComponent(rest[1])}`)).article, 0);
  return overview(body);
}

async function all(path, key) {
  const out = [];
  let next = `${path}${path.includes('?') ? '&' : '?'}per_page=100`;
  for (let i = 0; next && i < 20; i++) {
    const d = await get(next);
    out.push(...(d[key] || []));
    next = d.next_page ? (() => { const u = new URL(d.next_page, location.href); return u.pathname + u.search; })() : null;
  }
  return out;
}

const stateBadge = (draft) => h('span', { class: `badge ${draft ? 'warn' : 'ok'}` }, draft ? t('ac.hc.draft') : t('ac.hc.published'));

// A category's or section's heading with rename and delete (the API
// deletes what is inside with it, so the confirmation says so).
function named(kind, obj, tag, extra, refresh, status) {
  const path = `${HC}/${kind === 'cat' ? 'categories' : 'sections'}/${obj.id}`;
  const key = kind === 'cat' ? 'category' : 'section';
  const wrap = h('div', { class: 'ac-named' });
  const show = () => {
    const rename = h('button', { type: 'button', class: 'ac-small', id: `hc-${kind}-rename-${obj.id}` }, t('ac.hc.rename'));
    const del = h('button', { type: 'button', class: 'ac-small danger', id: `hc-${kind}-delete-${obj.id}` }, t('ac.delete'));
    rename.addEventListener('click', edit);
    del.addEventListener('click', () => busy(del, async () => {
      if (!confirm(t(`ac.hc.confirm_delete_${key}`, { name: obj.name }))) return;
      await api('DELETE', path);
      await refresh(t('ac.hc.deleted', { name: obj.name }));
    }, (e) => say(status, e.message, true)));
    replace(wrap, h(tag, {}, obj.name), ' ', rename, ' ', del, extra ? [' ', extra] : null);
  };
  function edit() {
    const form = h('form', { class: 'ac-inline', id: `hc-${kind}-form-${obj.id}` });
    const name = input({ value: obj.name, autocomplete: 'off' });
    const cancel = h('button', { type: 'button' }, t('app.cancel'));
    cancel.addEventListener('click', show);
    replace(form, field(`hc-${kind}-${obj.id}-name`, t(`ac.hc.${key}_name`), name), h('button', { type: 'submit', class: 'primary' }, t('ac.save')), cancel);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(form.querySelector('button[type=submit]'), async () => {
        await put(path, { [key]: { name: name.value } });
        await refresh(t('ac.saved'));
      }, (e) => showErrors(form, `hc-${kind}-${obj.id}`, e, status));
    });
    replace(wrap, form);
    name.focus();
  }
  show();
  return wrap;
}

async function overview(body) {
  const [cats, secs] = await Promise.all([all(`${HC}/categories`, 'categories'), all(`${HC}/sections`, 'sections')]);
  const arts = new Map(await Promise.all(secs.map(async (s) => [s.id, await all(`${HC}/sections/${s.id}/articles`, 'articles')])));
  const status = statusLine('hc-status');
  const refresh = async (msg) => { await overview(body); say(document.getElementById('hc-status'), msg); };
  const tree = h('ul', { id: 'hc-tree', class: 'ac-tree' }, cats.map((c) => h('li', { id: `hc-cat-${c.id}` },
    named('cat', c, 'h2', null, refresh, status),
    h('ul', {}, secs.filter((s) => s.category_id === c.id).map((s) => h('li', { id: `hc-sec-${s.id}` },
      named('sec', s, 'h3', link(`#/admin/help_center/new?section=${s.id}`, t('ac.hc.new_article'), { class: 'ac-small', id: `hc-new-in-${s.id}` }), refresh, status),
      h('ul', { class: 'ac-articles' }, (arts.get(s.id) || []).map((a) => h('li', {},
        link(`#/admin/help_center/article/${a.id}`, a.title, { id: `hc-open-${a.id}` }), ' ', stateBadge(a.draft),
        ' ', h('span', { class: 'meta' }, `${a.locale} · ${fmtDate(a.updated_at)}`))))))))));

  const catForm = h('form', { id: 'hc-cat-form', class: 'ac-inline' });
  const catName = input({ required: true, autocomplete: 'off' });
  replace(catForm, field('hc-cat-name', t('ac.hc.category_name'), catName),
    h('button', { type: 'submit', id: 'hc-cat-add' }, t('ac.hc.add_category')));
  catForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(catForm.querySelector('button'), async () => {
      await post(`${HC}/categories`, { category: { name: catName.value, locale: 'ko' } });
      await overview(body);
      say(document.getElementById('hc-status'), t('ac.saved'));
    }, (e) => showErrors(catForm, 'hc-cat', e, status));
  });

  const secForm = h('form', { id: 'hc-sec-form', class: 'ac-inline' });
  const secCat = select(cats.map((c) => [c.id, c.name]), cats[0] && cats[0].id);
  const secName = input({ required: true, autocomplete: 'off' });
  replace(secForm, field('hc-sec-category', t('ac.hc.category'), secCat), field('hc-sec-name', t('ac.hc.section_name'), secName),
    h('button', { type: 'submit', id: 'hc-sec-add', disabled: cats.length ? null : true }, t('ac.hc.add_section')));
  secForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(secForm.querySelector('button'), async () => {
      await post(`${HC}/categories/${secCat.value}/sections`, { section: { name: secName.value, locale: 'ko' } });
      await overview(body);
      say(document.getElementById('hc-status'), t('ac.saved'));
    }, (e) => showErrors(secForm, 'hc-sec', e, status));
  });

  replace(body, heading(t('admin.section.help_center')), status,
    cats.length ? tree : h('p', { id: 'hc-tree' }, t('ac.hc.empty')),
    h('h2', {}, t('ac.hc.add_category')), catForm,
    h('h2', {}, t('ac.hc.add_section')), secForm);
  body.querySelector('h1').focus();
}

// ---- one article ----

async function translations(article) {
  if (!article) return new Map();
  const list = await all(`${HC}/articles/${article.id}/translations`, 'translations');
  return new Map(list.map((tr) => [tr.locale, tr]));
}

function preview(loc, tr) {
  const out = h('section', { id: `hc-${loc}-preview`, class: 'ac-preview', 'aria-label': t('ac.hc.preview', { locale: t(`ac.locale.${loc}`) }) });
  if (!tr) return replace(out, h('p', { class: 'meta' }, t('ac.hc.not_saved')));
  const rendered = renderHtml(h('div', { class: 'ac-html', lang: loc }), tr.body);
  return replace(out,
    h('h3', {}, t('ac.hc.stored_preview')), rendered,
    h('details', {}, h('summary', {}, t('ac.hc.stored_html')), h('pre', { class: 'ac-code' }, tr.body || '')));
}

function localeForm(loc, ctx) {
  const tr = ctx.trs.get(loc);
  const form = h('form', { id: `hc-${loc}-form`, class: 'ac-form ac-locale', lang: loc, novalidate: true });
  const title = input({ value: tr ? tr.title : '', autocomplete: 'off' });
  const bodyEl = h('textarea', { rows: 10, class: 'ac-code', spellcheck: 'false' }, tr ? tr.body : '');
  const state = h('p', { id: `hc-${loc}-state` }, tr ? stateBadge(tr.draft) : h('span', { class: 'meta' }, t('ac.hc.no_translation')));
  const status = statusLine(`hc-${loc}-status`);
  const draftBtn = h('button', { type: 'button', id: `hc-${loc}-save` }, t('ac.hc.save_draft'));
  const pubBtn = h('button', { type: 'button', id: `hc-${loc}-publish`, class: 'primary' }, t('ac.hc.publish'));
  let prev = preview(loc, tr);
  replace(form,
    h('h2', {}, t(`ac.locale.${loc}`)), state,
    field(`hc-${loc}-title`, t('ac.hc.title'), title),
    field(`hc-${loc}-body`, t('ac.hc.body'), bodyEl, t('ac.hc.body_hint')),
    h('div', { class: 'ac-buttons' }, draftBtn, pubBtn), status, prev);
  const saveAs = (draft, btn) => busy(btn, async () => {
    clearErrors(form);
    const text = { title: title.value, body: bodyEl.value, draft };
    const a = ctx.article;
    if (!a) {
      if (!ctx.sectionId()) throw Object.assign(new Error(t('ac.hc.need_section')), { body: null });
      const res = await post(`${HC}/sections/${ctx.sectionId()}/articles`,
        { article: { ...text, locale: loc, user_segment_id: ctx.segment() }, notify_subscribers: false });
      ctx.article = res.article;
      const h1 = document.querySelector('.admin-body h1');
      if (h1) h1.textContent = t('ac.hc.edit', { title: res.article.title });
      history.replaceState(null, '', `#/admin/help_center/article/${res.article.id}`);
    } else if (ctx.trs.has(loc)) {
      await put(`${HC}/articles/${a.id}/translations/${loc}`, { translation: text });
    } else {
      await post(`${HC}/articles/${a.id}/translations`, { translation: { ...text, locale: loc } });
    }
    const stored = (await get(`${HC}/articles/${ctx.article.id}/translations/${loc}`)).translation;
    ctx.trs.set(loc, stored);
    // Edit what was stored: the sanitizer's result, not what was typed.
    title.value = stored.title;
    bodyEl.value = stored.body;
    replace(state, stateBadge(stored.draft));
    const next = preview(loc, stored);
    prev.replaceWith(next);
    prev = next;
    ctx.onSaved();
    say(status, draft ? t('ac.hc.saved_draft') : t('ac.hc.saved_published'));
  }, (e) => showErrors(form, `hc-${loc}`, e, status));
  draftBtn.addEventListener('click', () => saveAs(true, draftBtn));
  pubBtn.addEventListener('click', () => saveAs(false, pubBtn));
  return form;
}

async function editor(body, article, sectionId) {
  const [secs, trs] = await Promise.all([all(`${HC}/sections`, 'sections'), translations(article)]);
  const metaForm = h('form', { id: 'hc-meta-form', class: 'ac-form ac-inline', novalidate: true });
  const secSel = select([['', t('ac.choose')], ...secs.map((s) => [s.id, s.name])], article ? article.section_id : sectionId || '');
  const segSel = select([['', t('ac.hc.everyone')], [String(SIGNED_IN), t('ac.hc.signed_in')]], article && article.user_segment_id ? String(SIGNED_IN) : '');
  const metaStatus = statusLine('hc-meta-status');
  const metaSave = h('button', { type: 'submit', id: 'hc-meta-save', disabled: article ? null : true }, t('ac.save'));
  const del = h('button', { type: 'button', id: 'hc-delete', class: 'danger', hidden: article ? null : true }, t('ac.hc.delete'));
  replace(metaForm, field('hc-section_id', t('ac.hc.section'), secSel), field('hc-user_segment_id', t('ac.hc.segment'), segSel), metaSave, del, metaStatus);
  del.addEventListener('click', () => busy(del, async () => {
    if (!confirm(t('ac.hc.confirm_delete', { title: ctx.article.title }))) return;
    await api('DELETE', `${HC}/articles/${ctx.article.id}`);
    location.hash = '#/admin/help_center';
  }, (e) => say(metaStatus, e.message, true)));
  const ctx = {
    article, trs,
    sectionId: () => Number(secSel.value) || 0,
    segment: () => (segSel.value ? Number(segSel.value) : null),
    onSaved: () => { metaSave.disabled = false; del.hidden = false; },
  };
  metaForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(metaSave, async () => {
      await put(`${HC}/articles/${ctx.article.id}`, { article: { section_id: ctx.sectionId(), user_segment_id: ctx.segment() } });
      say(metaStatus, t('ac.saved'));
    }, (e) => showErrors(metaForm, 'hc', e, metaStatus));
  });
  replace(body,
    heading(article ? t('ac.hc.edit', { title: article.title }) : t('ac.hc.new_article')),
    h('p', {}, link('#/admin/help_center', t('ac.back'))),
    metaForm,
    h('div', { class: 'ac-locales' }, LOCALES.map((loc) => localeForm(loc, ctx))));
  body.querySelector('h1').focus();
}
