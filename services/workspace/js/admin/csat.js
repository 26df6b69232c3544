// Console section 'csat' (admins): when solved tickets' requesters get the
// satisfaction survey — on or off, the delay, how long the links work, the
// channels, and per group: off, or another delay. Saved whole through
// PUT /api/v2/hd/csat_settings (notifications keeps it).
import { t } from '../i18n.js';
import { h, replace, announce } from '../dom.js';
import { get, put } from '../api.js';

const CHANNELS = ['email', 'web', 'api', 'chat', 'voice'];

function number(id, value, min, max) {
  return h('input', { id, type: 'number', min, max, value: String(value), inputmode: 'numeric', required: true });
}

function groupRow(group, rule) {
  const mode = h('select', { id: `csat-g-${group.id}`, 'aria-label': t('csat.group.mode_label', { name: group.name }) },
    ['default', 'off', 'delay'].map((m) => h('option', {
      value: m,
      selected: (m === 'off' && rule && !rule.enabled) || (m === 'delay' && rule && rule.enabled && rule.delay_minutes !== undefined)
        || (m === 'default' && (!rule || (rule.enabled && rule.delay_minutes === undefined))),
    }, t(`csat.mode.${m}`))));
  const delay = number(`csat-gd-${group.id}`, rule?.delay_minutes ?? 60, 0, 43200);
  delay.setAttribute('aria-label', t('csat.group.delay_label', { name: group.name }));
  return { group, mode, delay, row: h('tr', {}, h('th', { scope: 'row' }, group.name), h('td', {}, mode), h('td', {}, delay)) };
}

export async function render(body) {
  replace(body, h('h1', {}, t('admin.section.csat')), h('p', {}, t('app.loading')));
  try {
    const [{ csat_settings: cur }, { groups = [] }] = await Promise.all([get('/api/v2/hd/csat_settings'), get('/api/v2/groups')]);
    const enabled = h('input', { id: 'csat-enabled', type: 'checkbox', checked: cur.enabled });
    const delay = number('csat-delay', cur.delay_minutes, 0, 43200);
    const days = number('csat-days', cur.link_days, 1, 90);
    const boxes = CHANNELS.map((c) => h('label', { class: 'csat-channel' },
      h('input', { type: 'checkbox', name: 'channel', value: c, checked: cur.channels.includes(c) }), ' ', t(`csat.channel.${c}`)));
    const rules = groups.map((g) => groupRow(g, cur.groups.find((r) => r.group_id === g.id)));
    const status = h('p', { class: 'error', role: 'alert' });
    const done = h('p', { class: 'muted', role: 'status' });

    async function save(ev) {
      ev.preventDefault();
      status.textContent = '';
      done.textContent = '';
      const doc = {
        enabled: enabled.checked,
        delay_minutes: Number(delay.value),
        link_days: Number(days.value),
        channels: boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
        groups: rules.filter((r) => r.mode.value !== 'default').map((r) => (r.mode.value === 'off'
          ? { group_id: r.group.id, enabled: false }
          : { group_id: r.group.id, delay_minutes: Number(r.delay.value) })),
      };
      try {
        await put('/api/v2/hd/csat_settings', { csat_settings: doc });
        done.textContent = t('csat.saved');
        announce(t('csat.saved'));
      } catch (e) {
        status.textContent = e.message;
      }
    }

    replace(body,
      h('h1', {}, t('admin.section.csat')),
      h('p', { class: 'muted' }, t('csat.intro')),
      h('form', { class: 'csat-form', onsubmit: save },
        h('p', {}, h('label', {}, enabled, ' ', t('csat.enabled'))),
        h('div', { class: 'tmpl-field' }, h('label', { for: 'csat-delay' }, t('csat.delay')), delay),
        h('div', { class: 'tmpl-field' }, h('label', { for: 'csat-days' }, t('csat.days')), days),
        h('fieldset', {}, h('legend', {}, t('csat.channels')), boxes),
        rules.length ? h('table', { class: 'list' },
          h('caption', {}, t('csat.groups')),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, t('csat.group.name')),
            h('th', { scope: 'col' }, t('csat.group.mode')),
            h('th', { scope: 'col' }, t('csat.group.delay')))),
          h('tbody', {}, rules.map((r) => r.row))) : null,
        status,
        h('button', { type: 'submit', class: 'primary' }, t('csat.save')),
        done));
  } catch (e) {
    replace(body, h('p', { role: 'alert', class: 'error' }, t('app.error', { msg: e.message })));
  }
}
