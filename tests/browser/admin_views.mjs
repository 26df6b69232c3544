// The console's views section in a real browser. An admin signed in with a
// password builds the shared view "미해결 환불" (status < solved, tag 환불)
// with the condition builder — a view without an anchoring condition is
// refused first, with the API's message beside the conditions — then two
// tickets are filed through the API (one tagged 환불) and the workspace's
// sidebar shows the view with count 1 and only that ticket. An agent
// makes a personal view and sees the shared one without edit controls;
// the admin does not see the agent's personal view (API and console).
//   node tests/browser/admin_views.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, check, until, api, raw, basicAuth, launch, shot, axe, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const ADMIN = { email: 'views.admin@example.com', name: '정관리', password: 'Hana-admin-pw-2026!' };
const AGENT = { email: 'views.agent@example.com', name: '오상담', password: 'Hana-agent-pw-2026!' };

async function person(p, role) {
  const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: p.name, email: p.email, role } })).user;
  await api('PUT', `/api/v2/users/${u.id}/password`, { password: p.password });
  return u;
}

// A refused request (the 422 the test provokes) is the API speaking.
const faults = (problems) => problems.filter((p) => !/Failed to load resource/.test(p));

const hashId = async (page) => Number(await until(async () => {
  const m = /#\/admin\/views\/(\d+)/.exec(page.url());
  return m && m[1];
}, 'the view editor shows the saved view'));

async function buildShared(page, kind) {
  await page.goto(new URL('/agent/#/admin/views', page.url()).href);
  await page.waitForSelector('#adm-view-new');
  await axe(page, 'admin views list (empty)');
  await page.click('#adm-view-new');
  await page.waitForSelector('#adm-view-form');
  const row = (n) => `#adm-view-all > li:nth-child(${n})`;
  const subjects = await page.$$eval(`${row(1)} .adm-subject option`, (os) => os.map((o) => o.value).filter(Boolean));
  check(subjects.includes('current_tags') && subjects.includes('status') && subjects.includes(`custom_fields_${kind.id}`) &&
    !subjects.includes('comment_includes_word'), `only view conditions are offered: ${subjects}`);
  await page.selectOption(`${row(1)} .adm-subject`, `custom_fields_${kind.id}`);
  const options = await page.$$eval(`${row(1)} .adm-value option`, (os) => os.map((o) => o.value).filter(Boolean));
  check(options.join() === 'refund,exchange', `a dropdown field offers its options: ${options}`);
  await page.fill('#adm-view-title', '미해결 환불');
  // A tag alone does not anchor a view: the API says so beside the conditions.
  await page.selectOption(`${row(1)} .adm-subject`, 'current_tags');
  await page.selectOption(`${row(1)} .adm-op`, 'includes');
  await page.fill(`${row(1)} .adm-value`, '환불');
  await page.click('#adm-view-save');
  const why = await until(async () => (await page.textContent('#adm-view-conditions-error')).trim(), 'the API says why beside the conditions');
  check(/status/.test(why), `refused beside the conditions: ${why}`);
  console.log('ok a view without an anchoring condition is refused beside the conditions:', why);
  await page.click('#adm-view-add-all');
  await page.selectOption(`${row(2)} .adm-subject`, 'status');
  const opsOffered = await page.$$eval(`${row(2)} .adm-op option`, (os) => os.map((o) => o.value));
  check(opsOffered.join() === 'is,is_not,less_than,greater_than', `status operators: ${opsOffered}`);
  await page.selectOption(`${row(2)} .adm-op`, 'less_than');
  await page.selectOption(`${row(2)} .adm-value`, 'solved');
  for (const c of ['subject', 'requester', 'status', 'updated']) await page.check(`#adm-view-col-${c}`);
  await page.selectOption('#adm-view-sort-by', 'updated_at');
  await page.selectOption('#adm-view-sort-order', 'desc');
  check(await page.inputValue('#adm-view-restriction') === 'shared', 'a new admin view is shared');
  await shot(page, 'admin-ko-views-editor', true);
  await axe(page, 'admin view editor');
  await page.click('#adm-view-save');
  const id = await hashId(page);
  await page.waitForSelector(`#view-${id}`);
  console.log('ok the sidebar lists the new view without a reload');
  const v = (await api('GET', `/api/v2/views/${id}`)).view;
  check(v.restriction === null && v.active && v.execution.sort_by === 'updated_at' && v.execution.sort_order === 'desc' &&
    v.execution.columns.map((c) => c.id).join() === 'subject,requester,status,updated', `view saved as built: ${JSON.stringify(v.execution)}`);
  const conds = v.conditions.all.map((c) => `${c.field} ${c.operator} ${c.value}`).join(' & ');
  check(conds === 'current_tags includes 환불 & status less_than solved', `conditions saved: ${conds}`);
  console.log(`ok shared view #${id} saved from the builder: ${conds}`);
  return v;
}

async function workspaceShows(page, view) {
  const refund = (await api('POST', '/api/v2/tickets', { ticket: { subject: '환불 요청합니다', comment: { body: '주문 취소 후 환불 부탁드립니다.' }, tags: ['환불'] } })).ticket;
  const other = (await api('POST', '/api/v2/tickets', { ticket: { subject: '배송 문의', comment: { body: '언제 도착하나요?' } } })).ticket;
  await until(async () => (await api('GET', `/api/v2/views/${view.id}/count`)).view_count.value === 1, 'routing counts the tagged ticket');
  // The sidebar reads the active views when the workspace loads.
  await page.goto(new URL('/agent/#/views', page.url()).href);
  await page.reload();
  await page.waitForSelector(`#view-${view.id}`);
  check((await page.textContent(`#view-${view.id} .vtitle`)) === '미해결 환불', 'the sidebar names the view');
  await page.waitForFunction((id) => (document.querySelector(`#view-count-${id}`)?.textContent || '').trim() === '1', view.id);
  await page.click(`#view-${view.id}`);
  await page.waitForSelector(`tr[data-ticket="${refund.id}"]`);
  const shown = await page.$$eval('tr[data-ticket]', (rs) => rs.map((r) => Number(r.dataset.ticket)));
  check(shown.join() === String(refund.id), `the view lists only the refund ticket #${refund.id} (not #${other.id}): ${shown}`);
  console.log(`ok the workspace shows 미해결 환불 with count 1 and ticket #${refund.id}`);
  await page.goto(new URL('/agent/#/admin/views', page.url()).href);
  await page.waitForFunction((id) => /1/.test(document.querySelector(`#adm-view-count-${id}`)?.textContent || ''), view.id);
  check((await page.textContent(`#adm-view-list li[data-id="${view.id}"] .adm-view-kind`)).trim() === '공유', 'the list says shared');
  await shot(page, 'admin-ko-views');
  await axe(page, 'admin views list');
}

// Order, switch and delete from the list and the editor.
async function manage(page, view) {
  const other = (await api('POST', '/api/v2/views', { view: { title: '종료된 티켓', all: [{ field: 'status', operator: 'is', value: 'closed' }] } })).view;
  await page.goto(new URL('/agent/#/admin/views', page.url()).href);
  await page.reload();
  const li = `#adm-view-list li[data-id="${other.id}"]`;
  await page.waitForSelector(li);
  await page.focus(`${li} button[data-move="up"]`);
  await page.keyboard.press('Enter');
  await until(async () => (await api('GET', '/api/v2/views')).views.map((v) => v.id).join() === `${other.id},${view.id}`, 'the Up button reorders the views');
  await until(async () => (await page.$$eval('#views-list a[data-view]', (as) => as.map((a) => Number(a.dataset.view)))).join() === `${other.id},${view.id}`, 'the sidebar follows the new order');
  await page.uncheck(`#adm-view-active-${other.id}`);
  await until(async () => (await api('GET', `/api/v2/views/${other.id}`)).view.active === false, 'the switch turns the view off');
  await page.waitForSelector(`#view-${other.id}`, { state: 'detached' });
  console.log('ok views reordered by keyboard and switched off from the list; the sidebar follows');
  page.once('dialog', (d) => d.accept());
  await page.click(`${li} a`);
  await page.waitForSelector('#adm-view-delete');
  await page.click('#adm-view-delete');
  await until(async () => (await raw('GET', `/api/v2/views/${other.id}`)).status === 404, 'the view is deleted');
  await page.waitForSelector('#adm-view-list');
  console.log('ok view deleted from its editor');
}

async function agentSide(agent, shared) {
  const { page, problems } = await launch('ko-KR');
  await signInWorkspace(page, AGENT.email, AGENT.password);
  await page.goto(new URL('/agent/#/admin/views', page.url()).href);
  await page.waitForSelector(`#adm-view-list li[data-id="${shared.id}"]`);
  const li = `#adm-view-list li[data-id="${shared.id}"]`;
  check(await page.$(`${li} a`) === null && await page.$(`${li} input`) === null && await page.$(`${li} button`) === null,
    'the agent sees the shared view without edit controls');
  await axe(page, 'agent views list');
  await page.click('#adm-view-new');
  await page.waitForSelector('#adm-view-form');
  check(await page.inputValue('#adm-view-restriction') === 'personal', 'an agent\'s view is personal');
  await page.fill('#adm-view-title', '내 대기 티켓');
  await page.selectOption('#adm-view-all > li:nth-child(1) .adm-subject', 'assignee_id');
  await page.selectOption('#adm-view-all > li:nth-child(1) .adm-value', 'current_user');
  await page.click('#adm-view-save');
  const id = await hashId(page);
  const mine = (await api('GET', `/api/v2/views/${id}`, undefined, basicAuth(AGENT.email, AGENT.password))).view;
  check(mine.restriction && mine.restriction.type === 'User' && mine.restriction.id === agent.id, `personal view: ${JSON.stringify(mine.restriction)}`);
  // Another agent's personal view does not exist for an admin either.
  const seen = await raw('GET', `/api/v2/views/${id}`);
  check(seen.status === 404, `the admin cannot read the agent's personal view: ${seen.status}`);
  check(!(await api('GET', '/api/v2/views')).views.some((v) => v.id === id), 'the admin\'s list leaves the agent\'s personal view out');
  console.log(`ok the agent saved personal view #${id}; the admin does not see it`);
  // The shared view opened by URL is read-only; the API refuses the change.
  await page.goto(new URL(`/agent/#/admin/views/${shared.id}`, page.url()).href);
  await page.waitForSelector('#adm-view-readonly');
  check(await page.$('#adm-view-save') === null && await page.$('#adm-view-delete') === null, 'no edit controls on the shared view');
  const r = await raw('PUT', `/api/v2/views/${shared.id}`, { view: { title: 'x' } }, basicAuth(AGENT.email, AGENT.password));
  check(r.status === 403, `the API refuses the agent's change: ${r.status}`);
  console.log('ok the agent cannot edit the shared view (no controls; the API answers 403)');
  await axe(page, 'agent shared view read-only');
  check(faults(problems).length === 0, `no page errors or CSP violations: ${problems.join(' | ')}`);
  await page.context().close();
}

async function main() {
  await person(ADMIN, 'admin');
  const agent = await person(AGENT, 'agent');
  const kind = (await api('POST', '/api/v2/ticket_fields', { ticket_field: { type: 'tagger', title: '문의 유형',
    custom_field_options: [{ name: '환불', value: 'refund' }, { name: '교환', value: 'exchange' }] } })).ticket_field;
  const { page, problems } = await launch('ko-KR');
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.waitForSelector('#nav-settings:not([hidden])');
  const view = await buildShared(page, kind);
  await workspaceShows(page, view);
  await manage(page, view);
  check(faults(problems).length === 0, `no page errors or CSP violations: ${problems.join(' | ')}`);
  await page.context().close();

  await agentSide(agent, view);

  const en = await launch('en-US');
  await signInWorkspace(en.page, ADMIN.email, ADMIN.password);
  await en.page.goto(new URL('/agent/#/admin/views', en.page.url()).href);
  await en.page.waitForFunction((id) => /1/.test(document.querySelector(`#adm-view-count-${id}`)?.textContent || ''), view.id);
  // One view: the shared one — the agent's personal view is not the admin's to see.
  check((await en.page.textContent('#adm-view-caption')).trim() === 'Views: 1', 'the console speaks English');
  await shot(en.page, 'admin-en-views');
  await axe(en.page, 'admin views list (English)');
  check(faults(en.problems).length === 0, `no page errors or CSP violations: ${en.problems.join(' | ')}`);
  await en.page.context().close();
}

run('admin_views', main);
