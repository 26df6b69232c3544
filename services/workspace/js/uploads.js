// Attachments in the composer: each chosen file goes up at once (POST
// /api/v2/uploads?filename=…, its raw bytes) and its token rides with the
// comment as comment.uploads. A file can be removed before sending; the
// list survives a re-render of the ticket (kept items are passed back in).
import { api } from './api.js';
import { t } from './i18n.js';
import { h, replace, announce } from './dom.js';

const kb = (n) => `${Math.max(1, Math.ceil((n || 0) / 1024))} KB`;

export function attachments(kept = []) {
  const items = [];
  const input = h('input', { type: 'file', id: 'c-files', multiple: true, 'aria-describedby': 'c-files-msg' });
  const list = h('ul', { id: 'c-uploads', class: 'uploads', 'aria-label': t('composer.attached') });
  const msg = h('p', { id: 'c-files-msg', class: 'error', role: 'alert' });
  const el = h('div', { class: 'attach' }, h('label', { for: 'c-files' }, t('composer.attach')), input, msg, list);

  const row = (it) => {
    it.status = h('span', { class: 'muted' }, it.token ? `(${kb(it.size)})` : t('composer.uploading'));
    it.li = h('li', { dataset: it.token ? { token: it.token } : {} }, h('span', { class: 'fname' }, it.name), ' ', it.status,
      h('button', { type: 'button', class: 'small', 'aria-label': t('composer.remove_file', { name: it.name }), onclick: () => remove(it, true) },
        t('composer.remove')));
    list.append(it.li);
  };
  const remove = (it, byHand) => {
    const i = items.indexOf(it);
    if (i >= 0) items.splice(i, 1);
    it.li.remove();
    if (byHand) {
      if (it.token) api('DELETE', `/api/v2/uploads/${encodeURIComponent(it.token)}`).catch(() => {});
      announce(t('composer.removed', { name: it.name }));
      input.focus();
    }
  };
  const add = (file) => {
    const it = { name: file.name, size: file.size, token: null };
    items.push(it);
    row(it);
    it.promise = api('POST', `/api/v2/uploads?filename=${encodeURIComponent(file.name)}`, file).then((d) => {
      it.token = d.upload.token;
      it.li.dataset.token = it.token;
      it.status.textContent = `(${kb(it.size)})`;
      announce(t('composer.uploaded', { name: it.name }));
    }).catch((e) => {
      remove(it, false);
      msg.textContent = t('composer.upload_failed', { name: it.name, msg: e.message });
    });
  };
  for (const it of kept) { items.push(it); row(it); }
  input.addEventListener('change', () => {
    msg.textContent = '';
    for (const f of input.files) add(f);
    input.value = '';
  });
  return {
    el,
    // The tokens once every upload in flight has ended.
    tokens: async () => {
      await Promise.all(items.map((i) => i.promise));
      return items.filter((i) => i.token).map((i) => i.token);
    },
    items: () => items.slice(),
    clear: () => { items.length = 0; replace(list); },
  };
}
