// Console section 'email_templates' (admins): the e-mail templates
// notifications sends, stored and versioned. #/admin/email_templates lists
// them, with the mail settings below (senders by support address or brand,
// acknowledgements per channel); #/admin/email_templates/<name.locale>
// edits one, previews a draft (for a sample ticket or a given one) and
// shows its version history. Saving always makes a new version; an old one
// can be loaded and saved again to go back.
import { t, fmtDate } from '../i18n.js';
import { h, replace, announce } from '../dom.js';
import { get, put, post } from '../api.js';

const BASE = '/api/v2/hd/email_templates';

const label = (tpl) => t(`tmpl.name.${tpl.name}`) + ` (${tpl.locale === 'ko' ? '한국어' : 'English'})`;

const CHANNELS = ['email', 'web', 'api', 'chat', 'voice'];

function senderRow(s, i) {
  const input = (key, type, labelKey, value) => h('input', {
    type, value: value ?? '', 'data-key': key, 'aria-label': t(labelKey, { n: i + 1 }),
    ...(type === 'number' ? { min: 0, inputmode: 'numeric' } : {}),
  });
  return h('tr', { class: 'sender' },
    h('td', {}, input('brand_id', 'number', 'mail.sender.brand_label', s.brand_id || 0)),
    h('td', {}, input('recipient', 'email', 'mail.sender.recipient_label', s.recipient)),
    h('td', {}, input('name', 'text', 'mail.sender.name_label', s.name)),
    h('td', {}, input('address', 'email', 'mail.sender.address_label', s.address)),
    h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': t('mail.sender.remove_label', { n: i + 1 }),
      onclick: (ev) => ev.target.closest('tr').remove() }, t('mail.sender.remove'))));
}

// Senders and acknowledgements, saved whole (PUT /api/v2/hd/mail_settings).
async function mailSettings() {
  const { mail_settings: cur } = await get('/api/v2/hd/mail_settings');
  const rows = h('tbody', {}, cur.senders.map(senderRow));
  const acks = CHANNELS.map((c) => h('label', { class: 'csat-channel' },
    h('input', { type: 'checkbox', name: 'ack', value: c, checked: cur.acknowledgements[c] !== false }), ' ', t(`csat.channel.${c}`)));
  const status = h('p', { class: 'error', role: 'alert' });
  const done = h('p', { class: 'muted', role: 'status' });
  async function save(ev) {
    ev.preventDefault();
    status.textContent = '';
    done.textContent = '';
    const senders = [...rows.querySelectorAll('tr')].map((tr) => {
      const v = Object.fromEntries([...tr.querySelectorAll('input')].map((i) => [i.dataset.key, i.value.trim()]));
      return { brand_id: Number(v.brand_id) || 0, recipient: v.recipient, name: v.name, address: v.address };
    });
    const acknowledgements = Object.fromEntries(acks.map((l) => l.querySelector('input')).map((i) => [i.value, i.checked]));
    try {
      await put('/api/v2/hd/mail_settings', { mail_settings: { senders, acknowledgements } });
      done.textContent = t('mail.saved');
      announce(t('mail.saved'));
    } catch (e) {
      status.textContent = e.message;
    }
  }
  return h('form', { class: 'mail-form', onsubmit: save, 'aria-labelledby': 'mail-h' },
    h('h2', { id: 'mail-h' }, t('mail.title')),
    h('p', { class: 'muted' }, t('mail.senders_intro')),
    h('table', { class: 'list' },
      h('caption', {}, t('mail.senders')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('mail.sender.brand')),
        h('th', { scope: 'col' }, t('mail.sender.recipient')),
        h('th', { scope: 'col' }, t('mail.sender.name')),
        h('th', { scope: 'col' }, t('mail.sender.address')),
        h('td', {}))),
      rows),
    h('p', {}, h('button', { type: 'button', onclick: () => rows.append(senderRow({}, rows.children.length)) }, t('mail.sender.add'))),
    h('fieldset', {}, h('legend', {}, t('mail.acks')), acks),
    status,
    h('button', { type: 'submit', class: 'primary' }, t('mail.save')),
    done);
}

async function list(body) {
  replace(body, h('h1', {}, t('admin.section.email_templates')), h('p', {}, t('app.loading')));
  const { email_templates: all } = await get(BASE);
  const rows = all.map((tpl) => h('tr', {},
    h('td', {}, h('a', { href: `#/admin/email_templates/${encodeURIComponent(tpl.id)}` }, label(tpl))),
    h('td', {}, tpl.subject),
    h('td', {}, String(tpl.version)),
    h('td', {}, fmtDate(tpl.updated_at))));
  replace(body,
    h('h1', {}, t('admin.section.email_templates')),
    h('p', { class: 'muted' }, t('tmpl.intro')),
    h('table', { class: 'list' },
      h('caption', {}, t('tmpl.caption', { n: all.length })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('tmpl.col.name')),
        h('th', { scope: 'col' }, t('tmpl.col.subject')),
        h('th', { scope: 'col' }, t('tmpl.col.version')),
        h('th', { scope: 'col' }, t('tmpl.col.updated')))),
      h('tbody', {}, rows)),
    await mailSettings());
}

function field(id, text, control, hint) {
  return h('div', { class: 'tmpl-field' },
    h('label', { for: id }, text), control, hint ? h('p', { class: 'muted', id: `${id}-hint` }, hint) : null);
}

async function edit(body, id) {
  replace(body, h('p', {}, t('app.loading')));
  const path = `${BASE}/${encodeURIComponent(id)}`;
  const [{ email_template: cur }, { versions }] = await Promise.all([get(path), get(`${path}/versions`)]);

  const subject = h('input', { id: 'tmpl-subject', type: 'text', value: cur.subject, 'aria-describedby': 'tmpl-subject-hint' });
  const text = h('textarea', { id: 'tmpl-text', rows: 10 });
  text.value = cur.text;
  const html = h('textarea', { id: 'tmpl-html', rows: 8 });
  html.value = cur.html;
  const note = h('input', { id: 'tmpl-note', type: 'text', maxlength: 500 });
  const ticket = h('input', { id: 'tmpl-ticket', type: 'number', min: 1, inputmode: 'numeric' });
  const status = h('p', { class: 'error', role: 'alert' });
  const preview = h('section', { class: 'tmpl-preview', 'aria-labelledby': 'tmpl-preview-h', 'aria-live': 'polite' });
  const title = h('h1', {}, label(cur), ' · ', t('tmpl.version', { n: cur.version }));

  const draft = () => ({ subject: subject.value, text: text.value, html: html.value });

  async function showPreview() {
    status.textContent = '';
    const req = { email_template: draft() };
    if (ticket.value) req.ticket_id = Number(ticket.value);
    try {
      const { preview: p } = await post(`${path}/preview`, req);
      // The mail's HTML in a frame that may run no script (no
      // allow-scripts); allow-same-origin only lets Chromium paint it in
      // this process (an opaque-origin frame stays blank in screenshots).
      const frame = h('iframe', { sandbox: 'allow-same-origin', title: t('tmpl.preview.html'), class: 'tmpl-frame' });
      frame.srcdoc = p.html;
      replace(preview,
        h('h2', { id: 'tmpl-preview-h' }, t('tmpl.preview')),
        h('p', {}, h('strong', {}, t('tmpl.preview.subject')), ' ', h('span', { class: 'tmpl-subject' }, p.subject)),
        h('h3', {}, t('tmpl.preview.text')),
        h('pre', { class: 'tmpl-text' }, p.text),
        h('h3', {}, t('tmpl.preview.html')),
        frame);
      announce(t('tmpl.previewed'));
    } catch (e) {
      status.textContent = e.message;
    }
  }

  async function save(ev) {
    ev.preventDefault();
    status.textContent = '';
    try {
      const { email_template: saved } = await put(path, { email_template: { ...draft(), note: note.value } });
      announce(t('tmpl.saved', { n: saved.version }));
      await edit(body, id);
      body.querySelector('.tmpl-saved').textContent = t('tmpl.saved', { n: saved.version });
    } catch (e) {
      status.textContent = e.message;
    }
  }

  const history = h('table', { class: 'list' },
    h('caption', {}, t('tmpl.history')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('tmpl.col.version')),
      h('th', { scope: 'col' }, t('tmpl.col.updated')),
      h('th', { scope: 'col' }, t('tmpl.col.note')),
      h('th', { scope: 'col' }, t('tmpl.col.subject')),
      h('td', {}))),
    h('tbody', {}, versions.map((v) => h('tr', {},
      h('td', {}, String(v.version)),
      h('td', {}, fmtDate(v.updated_at)),
      h('td', {}, v.note || (v.version === 1 ? t('tmpl.shipped') : '')),
      h('td', {}, v.subject),
      h('td', {}, h('button', {
        type: 'button',
        class: 'small',
        'aria-label': t('tmpl.load_label', { n: v.version }),
        onclick: () => {
          subject.value = v.subject; text.value = v.text; html.value = v.html;
          note.value = t('tmpl.back_to', { n: v.version });
          announce(t('tmpl.loaded', { n: v.version }));
          subject.focus();
        },
      }, t('tmpl.load')))))));

  replace(body,
    h('p', {}, h('a', { href: '#/admin/email_templates' }, t('tmpl.back'))),
    title,
    h('p', { class: 'muted tmpl-saved', role: 'status' }),
    h('form', { class: 'tmpl-form', onsubmit: save },
      field('tmpl-subject', t('tmpl.subject'), subject, t('tmpl.particles')),
      field('tmpl-text', t('tmpl.text'), text),
      field('tmpl-html', t('tmpl.html'), html),
      field('tmpl-note', t('tmpl.note'), note),
      field('tmpl-ticket', t('tmpl.ticket'), ticket),
      status,
      h('div', { class: 'tmpl-actions' },
        h('button', { type: 'button', onclick: showPreview }, t('tmpl.preview.do')),
        h('button', { type: 'submit', class: 'primary' }, t('tmpl.save')))),
    preview,
    history);
}

export async function render(body, { rest }) {
  try {
    if (rest.length) await edit(body, decodeURIComponent(rest[0]));
    else await list(body);
  } catch (e) {
    replace(body, h('p', { role: 'alert', class: 'error' }, t('app.error', { msg: e.message })));
  }
}
