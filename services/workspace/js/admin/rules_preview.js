// "Test against ticket #N" in the trigger editor: sends the unsaved
// trigger with the ticket number to POST /api/v2/hd/triggers/preview and
// lists the triggers that would fire, in firing order, each with what it
// would change — nothing is saved or sent by the server.
import { post } from '../api.js';
import { t } from '../i18n.js';
import { $, h, replace } from '../dom.js';
import { showErrors } from './ui.js';
import { subjectLabel, valueLabel, markRow } from './rules.js';

export function previewPanel(current, defs, ticket) {
  const result = h('div', { id: 'adm-preview-result', 'aria-live': 'polite' });
  const box = h('form', { id: 'adm-preview', class: 'adm-preview', 'aria-labelledby': 'adm-preview-h', novalidate: true,
    onsubmit: (e) => { e.preventDefault(); run(box, current, defs, result); } },
  h('h2', { id: 'adm-preview-h' }, t('rul.preview')),
  h('p', { class: 'muted' }, t('rul.preview_help')),
  h('div', { class: 'adm-inline' },
    h('label', { for: 'adm-preview-ticket' }, t('rul.preview_ticket')), ' ',
    h('input', { id: 'adm-preview-ticket', type: 'number', min: 1, value: ticket || '', 'data-api': 'ticket_id', 'aria-describedby': 'adm-preview-ticket-error' }), ' ',
    h('label', { for: 'adm-preview-type' }, t('rul.preview_type')), ' ',
    h('select', { id: 'adm-preview-type' },
      h('option', { value: 'Create' }, t('rul.preview_create')),
      h('option', { value: 'Change' }, t('rul.preview_change'))), ' ',
    h('button', { type: 'submit', id: 'adm-preview-run', class: 'primary' }, t('rul.preview_run'))),
  h('p', { id: 'adm-preview-ticket-error', class: 'error' }),
  h('p', { id: 'adm-preview-error', class: 'error', role: 'alert' }),
  result);
  return box;
}

async function run(box, current, defs, result) {
  const rule = current();
  const body = { ticket_id: Number($('#adm-preview-ticket', box).value), update_type: $('#adm-preview-type', box).value, trigger: rule };
  replace(result);
  try {
    const p = (await post('/api/v2/hd/triggers/preview', body)).preview;
    showErrors(box, null, 'adm-preview-error');
    show(p, defs, result);
  } catch (e) {
    // The trigger's own problems belong beside the builder's controls.
    const form = $('#adm-rule-form');
    const key = e.body && e.body.details ? Object.keys(e.body.details)[0] : '';
    if (form && key && key !== 'ticket_id' && key !== 'update_type') { showErrors(form, e, 'adm-rule-error'); markRow(form, e); }
    showErrors(box, e, 'adm-preview-error');
  }
}

function show(p, defs, result) {
  const mine = p.fired.find((f) => f.unsaved);
  const verdict = h('p', { id: 'adm-preview-verdict', class: mine ? 'adm-yes' : 'adm-no' },
    mine ? t('rul.preview_would_fire') : t('rul.preview_would_not'));
  if (!p.fired.length) {
    replace(result, verdict, h('p', {}, t('rul.preview_none')));
    return;
  }
  replace(result, verdict,
    h('h3', {}, t('rul.preview_fired', { n: p.fired.length })),
    h('ol', { id: 'adm-preview-fired' }, p.fired.map((f) => h('li', { class: f.unsaved ? 'adm-mine' : null },
      h('strong', {}, f.title), f.unsaved ? h('span', { class: 'adm-badge' }, ` (${t('rul.preview_this')})`) : null,
      h('ul', {}, f.changes.length ? f.changes.map((c) => h('li', {}, describe(c, defs))) : h('li', { class: 'muted' }, t('rul.preview_nochange')))))),
    p.loop ? h('p', { class: 'error' }, t('rul.preview_loop')) : null,
    h('p', { id: 'adm-preview-summary' }, t('rul.preview_result', { summary: summary(p, defs) })));
}

// The net change the ticket would get (what intake would be sent).
function summary(p, defs) {
  const parts = Object.entries(p.command || {}).map(([field, to]) => {
    if (field === 'tags') return `${t('rul.f.tags')}: ${to.join(' ')}`;
    if (field === 'comment') return `${t('rul.f.comment')}: ${to.body || to.html_body || ''}`;
    if (field === 'custom_fields') return to.map((c) => describe({ field: `custom_fields_${c.id}`, to: c.value }, defs)).join(', ');
    return describe({ field, to }, defs);
  });
  return parts.length ? parts.join(', ') : t('rul.preview_nochange');
}

// "그룹: (없음) → 환불팀", "태그 +refund −", "사용자에게 메일: …".
function describe(c, defs) {
  const all = [...defs.actions, ...defs.conditions_all];
  const def = all.find((d) => d.subject === c.field) || { subject: c.field };
  const label = def.title || def.group ? subjectLabel(def) : subjectLabel({ subject: c.field });
  const name = (v) => {
    if (v === null || v === undefined || v === '') return t('rul.none');
    const hit = (def.values || []).find((x) => x.value === String(v));
    return hit ? valueLabel(def.subject, hit) : valueLabel(c.field, { value: String(v) });
  };
  if (c.field === 'tags') return t('rul.change_tags', { added: c.added.join(' ') || '–', removed: c.removed.join(' ') || '–' });
  if (c.field === 'comment') return t('rul.change_set', { field: t('rul.f.comment'), to: c.to.body || c.to.html_body || '' });
  if ('from' in c) return t('rul.change', { field: label, from: name(c.from), to: name(c.to) });
  return t('rul.change_set', { field: label, to: Array.isArray(c.to) ? c.to.join(' · ') : name(c.to) });
}
