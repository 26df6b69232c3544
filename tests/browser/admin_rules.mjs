// The console's ticket fields, forms and triggers (issue 18) in a real
// browser, as an admin signed in with a password: a dropdown field with two
// options (reordered by keyboard; an empty title refused with the API's
// message beside it), a form holding it (ordered by dragging and by the
// Up/Down buttons), a trigger "field = refund → group" built with the
// builder and tested against an existing ticket with the preview; then a
// ticket filed through the API with that value lands in the group.
//   node tests/browser/admin_rules.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, check, until, api, raw, launch, shot, axe, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const ADMIN = { email: 'park.admin@example.com', name: '박관리', password: 'Hana-admin-pw-2026!' };

async function fixtures() {
  const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: ADMIN.name, email: ADMIN.email, role: 'admin' } })).user;
  await api('PUT', `/api/v2/users/${u.id}/password`, { password: ADMIN.password });
  const group = (await api('POST', '/api/v2/groups', { group: { name: '환불 전담팀' } })).group;
  const order = (await api('POST', '/api/v2/ticket_fields', { ticket_field: { type: 'text', title: '주문 번호' } })).ticket_field;
  return { group, order };
}

const hashId = async (page, section) => Number(await until(async () => {
  const m = new RegExp(`#/admin/${section}/(\\d+)`).exec(page.url());
  return m && m[1];
}, `the ${section} editor shows the saved record`));

// Page errors and CSP violations; refused requests (the 422 the test
// provokes, the 401 before signing in) are the API speaking, not faults.
const faults = (problems) => problems.filter((p) => !/Failed to load resource/.test(p));

const idsOf = (page, sel) => page.$$eval(sel, (els) => els.map((e) => Number(e.dataset.id)));

async function fieldPage(page, problems) {
  await page.goto(new URL('/agent/#/admin/fields', page.url()).href);
  await page.waitForSelector('#adm-field-list');
  await axe(page, 'admin fields list');
  await page.click('#adm-field-new');
  await page.waitForSelector('#adm-field-form');
  check(await page.inputValue('#adm-field-type') === 'tagger', 'a new field starts as a dropdown');
  const opt = (n, part) => `#adm-opt-list > li:nth-child(${n}) .adm-opt-${part}`;
  await page.fill(opt(1, 'name'), '환불');
  await page.fill(opt(1, 'value'), 'refund');
  await page.fill(opt(2, 'name'), '교환');
  await page.fill(opt(2, 'value'), 'exchange');
  // Keyboard: option 1 moves down with its Down button.
  await page.focus('#adm-opt-list > li:nth-child(1) button[data-move="down"]');
  await page.keyboard.press('Enter');
  check(await page.inputValue(opt(1, 'value')) === 'exchange', 'the Down button moved option 1 below option 2');
  // An empty title: the API's message appears beside the title.
  await page.click('#adm-field-save');
  const msg = await until(async () => (await page.textContent('#adm-field-title-error')).trim(), 'the API says why beside the title');
  check(/title/.test(msg) && await page.getAttribute('#adm-field-title', 'aria-invalid') === 'true', `title error beside the field: ${msg}`);
  console.log('ok an empty title is refused beside the field:', msg);
  await shot(page, 'admin-ko-fields');
  await axe(page, 'admin field editor with an error');
  await page.fill('#adm-field-title', '문의 종류');
  await page.click('#adm-field-save');
  const id = await hashId(page, 'fields');
  const f = (await api('GET', `/api/v2/ticket_fields/${id}`)).ticket_field;
  check(f.type === 'tagger' && f.custom_field_options.map((o) => o.value).join() === 'exchange,refund', `saved options in order: ${JSON.stringify(f.custom_field_options)}`);
  console.log('ok dropdown field saved with its options in order');
  check(faults(problems).length === 0, `no page errors or CSP violations: ${problems.join(' | ')}`);
  return f;
}

async function formPage(page, fx, f) {
  await page.goto(new URL('/agent/#/admin/forms/new', page.url()).href);
  await page.waitForSelector('#adm-form-form');
  await page.fill('#adm-form-name', '환불 양식');
  for (const fid of [f.id, fx.order.id]) {
    await page.selectOption('#adm-form-add-select', String(fid));
    await page.click('#adm-form-add');
  }
  check((await idsOf(page, '#adm-form-fields > li')).join() === `${f.id},${fx.order.id}`, 'fields added in order');
  // Drag the order-number field above the dropdown.
  await page.locator(`#adm-form-fields > li[data-id="${fx.order.id}"]`).dragTo(page.locator(`#adm-form-fields > li[data-id="${f.id}"]`), { targetPosition: { x: 20, y: 3 } });
  await until(async () => (await idsOf(page, '#adm-form-fields > li')).join() === `${fx.order.id},${f.id}`, 'dragging reorders the fields');
  await page.click('#adm-form-save');
  const formId = await hashId(page, 'forms');
  check((await api('GET', `/api/v2/ticket_forms/${formId}`)).ticket_form.ticket_field_ids.join() === `${fx.order.id},${f.id}`, 'the dragged order is saved');
  console.log('ok form ordered by drag and drop');
  await page.waitForSelector(`#adm-form-fields > li[data-id="${f.id}"]`);
  await page.focus(`#adm-form-fields > li[data-id="${f.id}"] button[data-move="up"]`);
  await page.keyboard.press('Enter');
  check((await idsOf(page, '#adm-form-fields > li')).join() === `${f.id},${fx.order.id}`, 'the Up button reorders');
  await page.click('#adm-form-save');
  await until(async () => (await api('GET', `/api/v2/ticket_forms/${formId}`)).ticket_form.ticket_field_ids.join() === `${f.id},${fx.order.id}`, 'the keyboard order is saved');
  console.log('ok form ordered by keyboard');
  await shot(page, 'admin-ko-forms');
  await axe(page, 'admin form editor');
  return formId;
}

// Routing holds the ticket once the preview knows it.
async function previewable(tid) {
  await until(async () => (await raw('POST', '/api/v2/hd/triggers/preview', { ticket_id: tid })).status === 200, `routing has ticket #${tid}`);
}

async function triggerPage(page, fx, f) {
  const existing = (await api('POST', '/api/v2/tickets', { ticket: { subject: '환불해 주세요', comment: { body: '주문을 취소하고 환불받고 싶습니다.' }, custom_fields: [{ id: f.id, value: 'refund' }] } })).ticket;
  await previewable(existing.id);
  await page.goto(new URL('/agent/#/admin/triggers/new', page.url()).href);
  await page.waitForSelector('#adm-rule-form');
  await page.fill('#adm-rule-title', '환불 문의는 환불팀으로');
  const cond = '#adm-rule-all > li:nth-child(1)';
  check(await page.$(`${cond} .adm-subject option[value="NEW"]`) === null, 'a trigger is not offered time conditions');
  await page.selectOption(`${cond} .adm-subject`, `custom_fields_${f.id}`);
  await page.selectOption(`${cond} .adm-op`, 'is');
  const offered = await page.$$eval(`${cond} .adm-value option`, (os) => os.map((o) => o.value));
  check(offered.includes('refund') && offered.includes('exchange'), `the field's options are the values offered: ${offered}`);
  await page.selectOption(`${cond} .adm-value`, 'refund');
  const act = '#adm-rule-actions > li:nth-child(1)';
  await page.selectOption(`${act} .adm-subject`, 'group_id');
  await page.selectOption(`${act} .adm-value`, String(fx.group.id));
  await page.fill('#adm-preview-ticket', String(existing.id));
  await page.selectOption('#adm-preview-type', 'Create');
  await page.click('#adm-preview-run');
  await page.waitForSelector('#adm-preview-verdict.adm-yes');
  const fired = await page.textContent('#adm-preview-fired');
  check(fired.includes('환불 문의는 환불팀으로') && fired.includes('환불 전담팀'), `the preview names the trigger and the group: ${fired}`);
  check((await page.textContent('#adm-preview-summary')).includes('환불 전담팀'), 'the net result names the group');
  check((await api('GET', `/api/v2/tickets/${existing.id}`)).ticket.group_id === null, 'the preview changed nothing');
  console.log('ok the preview says the unsaved trigger would fire:', fired.replace(/\s+/g, ' ').trim());
  await shot(page, 'admin-ko-trigger', true);
  await axe(page, 'admin trigger builder with preview');
  await page.click('#adm-rule-save');
  const id = await hashId(page, 'triggers');
  const tr = (await api('GET', `/api/v2/triggers/${id}`)).trigger;
  check(tr.conditions.all[0].field === `custom_fields_${f.id}` && tr.conditions.all[0].value === 'refund' &&
    tr.actions[0].field === 'group_id' && String(tr.actions[0].value) === String(fx.group.id), `trigger saved as built: ${JSON.stringify(tr)}`);
  console.log('ok trigger saved from the builder');
  return { id, existing };
}

// The lists: a switch per field and per trigger, triggers reordered with
// the keyboard; an automation without a time condition is refused with
// the API's message beside the conditions.
async function lists(page, fx, triggerId, f) {
  // A trigger on a field switched off keeps its condition when re-saved.
  await api('PUT', `/api/v2/ticket_fields/${f.id}`, { ticket_field: { active: false } });
  await page.goto(new URL(`/agent/#/admin/triggers/${triggerId}`, page.url()).href);
  await page.waitForSelector('#adm-rule-all > li .adm-value');
  await page.click('#adm-rule-save');
  await page.waitForSelector('#adm-rule-status:text-matches(".+")');
  const kept = (await api('GET', `/api/v2/triggers/${triggerId}`)).trigger.conditions.all;
  check(kept.length === 1 && kept[0].field === `custom_fields_${f.id}` && kept[0].value === 'refund', `condition kept: ${JSON.stringify(kept)}`);
  await api('PUT', `/api/v2/ticket_fields/${f.id}`, { ticket_field: { active: true } });
  console.log('ok a condition on a switched-off field survives a save');

  await page.goto(new URL('/agent/#/admin/fields', page.url()).href);
  await page.waitForSelector(`#adm-field-active-${fx.order.id}`);
  await page.uncheck(`#adm-field-active-${fx.order.id}`);
  await until(async () => (await api('GET', `/api/v2/ticket_fields/${fx.order.id}`)).ticket_field.active === false, 'the switch turns the field off');
  await page.check(`#adm-field-active-${fx.order.id}`);
  await until(async () => (await api('GET', `/api/v2/ticket_fields/${fx.order.id}`)).ticket_field.active === true, 'and on again');
  console.log('ok field switched off and on from the list');
  await page.goto(new URL('/agent/#/admin/forms', page.url()).href);
  await page.waitForSelector('#adm-form-list');
  await axe(page, 'admin forms list');

  const other = (await api('POST', '/api/v2/triggers', { trigger: { title: '종료 태그', conditions: { all: [{ field: 'status', operator: 'is', value: 'closed' }] }, actions: [{ field: 'current_tags', value: 'closed_seen' }] } })).trigger;
  await page.goto(new URL('/agent/#/admin/triggers', page.url()).href);
  await page.waitForSelector(`#adm-rule-list > li[data-id="${other.id}"]`);
  await axe(page, 'admin triggers list');
  await page.focus(`#adm-rule-list > li[data-id="${other.id}"] button[data-move="up"]`);
  await page.keyboard.press('Enter');
  await until(async () => {
    const list = (await api('GET', '/api/v2/triggers')).triggers;
    return list[0].id === other.id && list[1].id === triggerId;
  }, 'the Up button reorders the triggers');
  await page.uncheck(`#adm-rule-active-${other.id}`);
  await until(async () => (await api('GET', `/api/v2/triggers/${other.id}`)).trigger.active === false, 'the switch turns the trigger off');
  console.log('ok triggers reordered by keyboard and switched off from the list');
  await shot(page, 'admin-ko-triggers');

  await page.goto(new URL('/agent/#/admin/automations/new', page.url()).href);
  await page.waitForSelector('#adm-rule-form');
  check(await page.$('#adm-preview') === null, 'automations have no trigger preview');
  await page.fill('#adm-rule-title', '해결 후 종료');
  await page.selectOption('#adm-rule-all > li:nth-child(1) .adm-subject', 'status');
  await page.selectOption('#adm-rule-all > li:nth-child(1) .adm-value', 'solved');
  await page.selectOption('#adm-rule-actions > li:nth-child(1) .adm-subject', 'status');
  await page.selectOption('#adm-rule-actions > li:nth-child(1) .adm-value', 'closed');
  await page.click('#adm-rule-save');
  const why = await until(async () => (await page.textContent('#adm-rule-conditions-error')).trim(), 'the API says why beside the conditions');
  check(/time condition/.test(why), `automation refused beside its conditions: ${why}`);
  await page.click('#adm-rule-add-all');
  await page.selectOption('#adm-rule-all > li:nth-child(2) .adm-subject', 'SOLVED');
  await page.selectOption('#adm-rule-all > li:nth-child(2) .adm-op', 'greater_than');
  await page.fill('#adm-rule-all > li:nth-child(2) .adm-value', '48');
  await page.click('#adm-rule-save');
  const id = await hashId(page, 'automations');
  const au = (await api('GET', `/api/v2/automations/${id}`)).automation;
  check(au.conditions.all[1].field === 'SOLVED' && au.conditions.all[1].value === '48', `automation saved: ${JSON.stringify(au.conditions)}`);
  console.log('ok automation refused without a time condition, saved with one:', why);
  await shot(page, 'admin-ko-automation', true);
  await axe(page, 'admin automation editor');
}

async function main() {
  const fx = await fixtures();
  const { page, problems } = await launch('ko-KR');
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.waitForSelector('#nav-settings:not([hidden])');
  const f = await fieldPage(page, problems);
  await formPage(page, fx, f);
  const { id, existing } = await triggerPage(page, fx, f);
  // The real thing: a ticket filed through the API with the value lands
  // in the group.
  const tk = (await api('POST', '/api/v2/tickets', { ticket: { subject: '환불 요청', comment: { body: '환불 부탁드립니다.' }, custom_fields: [{ id: f.id, value: 'refund' }] } })).ticket;
  await until(async () => (await api('GET', `/api/v2/tickets/${tk.id}`)).ticket.group_id === fx.group.id, 'the new ticket lands in the refund group');
  console.log(`ok ticket #${tk.id} filed through the API landed in group ${fx.group.id}`);
  await lists(page, fx, id, f);
  check(faults(problems).length === 0, `no page errors or CSP violations: ${problems.join(' | ')}`);
  await page.context().close();

  const en = await launch('en-US');
  await signInWorkspace(en.page, ADMIN.email, ADMIN.password);
  await en.page.goto(new URL(`/agent/#/admin/triggers/${id}?ticket=${existing.id}`, en.page.url()).href);
  await en.page.waitForSelector('#adm-rule-form');
  check((await en.page.textContent('#adm-preview-h')).includes('Test against'), 'the console speaks English');
  await en.page.click('#adm-preview-run');
  await en.page.waitForSelector('#adm-preview-verdict.adm-yes');
  await shot(en.page, 'admin-en-trigger', true);
  await axe(en.page, 'admin trigger (English)');
  check(faults(en.problems).length === 0, `no page errors or CSP violations: ${en.problems.join(' | ')}`);
  await en.page.context().close();
}

run('admin_rules', main);
