// The console's business hours, SLA, groups and tokens (issue 18) in a real
// browser, as an admin signed in with a password: create a group and add an
// agent, set the agent's skills, languages, capacity and presence; draw a
// schedule with a lunch break on the week grid (mouse and keyboard);
// import a holiday from an .ics file and see it on the calendar; add the
// Korean holiday set; build an SLA policy (first reply, business
// hours) in the form, after seeing the API's message beside a bad field.
// Then, set up through the API, a trigger routes tickets tagged X to that
// group; a ticket filed through the API shows, on the workspace's ticket
// page, the group and the first-reply due time — equal to the API's
// breach_at and to this script's own walk of the schedule. An API token is
// shown once, works, and stops working when revoked; a user is created,
// made an agent and suspended; sessions are listed. axe-core on each
// screen; screenshots admin-{ko,en}-*.png.
//   node tests/browser/admin_sla.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, env, api, raw, launch, axe, until, check, signInWorkspace, run, basicAuth, WAIT } from './lib.mjs';

setup(process.argv.slice(2));
const ADMIN = { email: 'seoyeon.park@example.com', name: '박서연', password: 'Hana-admin-pw-2026!' };
const AGENT = { email: 'jiho.lee@example.com', name: '이지호' };
const TAG = 'vip_line';
const GROUP = 'VIP 상담팀';
const KST = 9 * 3600e3;
const SEOUL_WEEK = [];
for (let d = 1; d <= 5; d++) for (const [a, b] of [[540, 720], [780, 1080]]) SEOUL_WEEK.push({ start_time: d * 1440 + a, end_time: d * 1440 + b });

const kstDate = (ms) => new Date(ms + KST).toISOString().slice(0, 10);
const ymd = (iso) => iso.replaceAll('-', '');

async function elementShot(page, selector, name) {
  await page.locator(selector).screenshot({ path: join(env.shotDir, `${name}.png`) });
}

// The first weekday after today in Seoul: the imported holiday, so the
// ticket's business clock must skip it.
function nextWeekday(nowMs) {
  for (let d = 1; d < 10; d++) {
    const day = new Date(nowMs + KST + d * 86400e3);
    if (day.getUTCDay() >= 1 && day.getUTCDay() <= 5) return day.toISOString().slice(0, 10);
  }
  throw new Error('no weekday in ten days');
}

// Where `minutes` business minutes from `startMs` end, walking the schedule
// minute by minute in Seoul time (no DST) and skipping holidays.
function businessDue(startMs, minutes, intervals, holidays) {
  const holiday = (ms) => { const d = kstDate(ms); return holidays.some((x) => x.start_date <= d && d <= x.end_date); };
  const open = (ms) => {
    const local = new Date(ms + KST);
    const m = local.getUTCDay() * 1440 + local.getUTCHours() * 60 + local.getUTCMinutes();
    return !holiday(ms) && intervals.some((iv) => iv.start_time <= m && m < iv.end_time);
  };
  let t = startMs;
  let left = minutes * 60e3;
  // Step to the next minute boundary first, counting the part minute.
  const edge = Math.ceil(t / 60e3) * 60e3;
  if (open(t)) left -= edge - t;
  t = edge;
  for (let guard = 0; left > 0 && guard < 60 * 24 * 40; guard++) {
    if (open(t)) left -= 60e3;
    t += 60e3;
  }
  return t + left; // left <= 0: went past by -left
}

async function people() {
  const ids = {};
  for (const [who, role] of [[ADMIN, 'admin'], [AGENT, 'agent']]) {
    const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: who.name, email: who.email, role } })).user;
    ids[role] = u.id;
  }
  await api('PUT', `/api/v2/users/${ids.admin}/password`, { password: ADMIN.password });
  return ids;
}

async function groups(page, ids) {
  await page.goto(new URL('/agent/#/admin/groups', env.base).href);
  await page.waitForSelector('#grp-create-form');
  await page.fill('#grp-new-name', GROUP);
  await page.click('#grp-create');
  await page.waitForFunction((name) => /#\/admin\/groups\/\d+$/.test(location.hash) && document.querySelector('#grp-name')?.value === name, GROUP);
  const gid = Number(/groups\/(\d+)/.exec(page.url())[1]);
  await page.selectOption('#grp-add-user', String(ids.agent));
  await page.click('#grp-add');
  await page.waitForSelector(`#grp-members tr[data-user="${ids.agent}"]`);
  const ms = (await api('GET', `/api/v2/groups/${gid}/memberships`)).group_memberships;
  check(ms.some((m) => m.user_id === ids.agent), 'the API has the membership');
  await page.selectOption('#grp-strategy', 'least_loaded');
  await page.click('#grp-routing-save');
  await until(async () => (await api('GET', `/api/v2/hd/groups/${gid}/routing`)).group_routing.strategy === 'least_loaded', 'routing saved');
  await page.waitForSelector('#grp-routing-status:has-text("저장")');
  await axe(page, 'ko groups');
  await page.screenshot({ path: join(env.shotDir, 'admin-ko-groups.png'), fullPage: true });
  console.log(`ok group ${gid} with agent ${ids.agent}, least_loaded`);
  return gid;
}

// The agent's routing profile and presence, set by the admin.
async function agent(page, ids) {
  await page.goto(new URL(`/agent/#/admin/agents/${ids.agent}`, env.base).href);
  await page.waitForSelector('#ag-form');
  await page.fill('#ag-skills', 'billing, 환불');
  await page.fill('#ag-languages', 'ko, en');
  await page.fill('#ag-cap-chat', '3');
  await page.fill('#ag-cap-email', '8');
  await page.click('#ag-save');
  await page.waitForSelector('#ag-status:has-text("저장")');
  const p = (await api('GET', `/api/v2/hd/agents/${ids.agent}/profile`)).agent_profile;
  check(JSON.stringify(p.skills) === JSON.stringify(['billing', '환불']) && p.languages.includes('en'), `skills and languages: ${JSON.stringify(p)}`);
  check(p.capacity.chat === 3 && p.capacity.email === 8, `capacity: ${JSON.stringify(p.capacity)}`);
  // A bad capacity is refused with the API's message beside the field.
  await page.fill('#ag-cap-chat', '-1');
  await page.click('#ag-save');
  await page.waitForSelector('#ag-capacity-error:not(:empty), #ag-error:not(:empty)');
  await page.fill('#ag-cap-chat', '3');
  await page.selectOption('#ag-state', 'online');
  await page.click('#ag-presence-save');
  await until(async () => (await api('GET', `/api/v2/hd/agents/${ids.agent}/presence`)).presence.state === 'online', 'presence set by the admin');
  await axe(page, 'ko agents');
  console.log('ok agent profile (skills, languages, capacity) and presence');
}

async function schedule(page) {
  await page.goto(new URL('/agent/#/admin/schedules', env.base).href);
  await page.waitForSelector('#bh-create-form');
  check(await page.inputValue('#bh-new-time_zone') === 'Asia/Seoul', 'the time zone defaults to Asia/Seoul');
  await page.fill('#bh-new-name', '서울 본사');
  await page.click('#bh-create');
  await page.waitForFunction(() => /#\/admin\/schedules\/\d+$/.test(location.hash) && document.querySelector('#bh-name')?.value === '서울 본사' && document.querySelector('#bh-grid'));
  const sid = Number(/schedules\/(\d+)/.exec(page.url())[1]);
  // Mornings with the mouse: drag Monday 09 → Friday 11.
  const box = async (sel) => page.locator(sel).boundingBox();
  await page.locator('#bh-c-1-8').scrollIntoViewIfNeeded();
  const a = await box('#bh-c-1-9'), b = await box('#bh-c-5-11');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
  // Afternoons with the keyboard: Monday 13, Shift+→ ×4, Shift+↓ ×4.
  await page.focus('#bh-c-1-13');
  await page.keyboard.down('Shift');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.up('Shift');
  // Space toggles one hour on and off again (Saturday 10).
  await page.focus('#bh-c-6-10');
  await page.keyboard.press('Space');
  check(await page.getAttribute('#bh-c-6-10', 'aria-selected') === 'true', 'Space turns an hour on');
  await page.keyboard.press('Space');
  check(await page.getAttribute('#bh-c-6-10', 'aria-selected') === 'false', 'Space turns it off again');
  check(await page.getAttribute('#bh-c-3-12', 'aria-selected') === 'false', 'the lunch hour stays a gap');
  const mon = await page.textContent('#bh-summary li[data-day="1"]');
  check(mon.includes('09:00–12:00, 13:00–18:00'), `the summary shows the lunch gap: ${mon}`);
  await page.click('#bh-save');
  await page.waitForSelector('#bh-dirty:has-text("저장했습니다")');
  const got = (await api('GET', `/api/v2/business_hours/schedules/${sid}`)).schedule;
  check(JSON.stringify(got.intervals) === JSON.stringify(SEOUL_WEEK), `the API has Mon–Fri 09–12 and 13–18: ${JSON.stringify(got.intervals)}`);
  check(got.time_zone === 'Asia/Seoul', 'the schedule is in Asia/Seoul');
  await axe(page, 'ko schedule');
  await elementShot(page, 'section[aria-labelledby="bh-week-title"]', 'admin-ko-schedule');
  console.log(`ok schedule ${sid}: ${mon.trim()}`);
  return sid;
}

async function holidays(page, sid) {
  const day = nextWeekday(Date.now());
  const dir = mkdtempSync(join(tmpdir(), 'hd-ics-'));
  const file = join(dir, 'company.ics');
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
  writeFileSync(file, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//KO', 'BEGIN:VEVENT', 'UID:founding@example.com',
    `DTSTART;VALUE=DATE:${ymd(day)}`, `DTEND;VALUE=DATE:${ymd(end)}`, 'SUMMARY:창립기념일', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
  await page.setInputFiles('#hol-ics', file);
  await page.click('#hol-import');
  await page.waitForSelector('#hol-import-result:has-text("1"), #hol-import-error:not(:empty), #hol-ics-error:not(:empty)');
  const bad = await page.textContent('#hol-import-error') + await page.textContent('#hol-ics-error');
  check(!bad, `the import is accepted: ${bad}`);
  const cell = `#hol-cal td[data-date="${day}"].hol`;
  await page.waitForSelector(cell);
  check((await page.textContent(cell)).includes('창립기념일'), 'the calendar shows the imported holiday on its day');
  await axe(page, 'ko holidays');
  // The Korean set: both years; once more adds nothing.
  await page.check('#hol-kr-2026');
  await page.check('#hol-kr-2027');
  await page.click('#hol-kr-add');
  await page.waitForSelector('#hol-kr-result:has-text("개")');
  const list = (await api('GET', `/api/v2/business_hours/schedules/${sid}/holidays`)).holidays;
  const seol = list.find((x) => x.name === '설날 연휴' && x.start_date === '2027-02-06');
  check(seol && seol.end_date === '2027-02-08', `설날 2027 spans 6–8 Feb: ${JSON.stringify(seol)}`);
  check(list.some((x) => x.name === '대체공휴일(성탄절)' && x.start_date === '2027-12-27'), 'the 2027 Christmas substitute holiday');
  check(list.some((x) => x.name === '창립기념일' && x.start_date === day), 'the imported holiday is kept');
  const n = list.length;
  await page.click('#hol-kr-add');
  await page.waitForSelector('#hol-kr-result:has-text("0")');
  check((await api('GET', `/api/v2/business_hours/schedules/${sid}/holidays`)).holidays.length === n, 'adding the set twice adds nothing');
  // The imported day's month with the public holidays beside it.
  await page.goto(new URL(`/agent/#/admin/schedules/${sid}?month=${day.slice(0, 7)}`, env.base).href);
  await page.waitForSelector(cell);
  await elementShot(page, '#hol-cal', 'admin-ko-holidays');
  // The calendar moves month by month and shows 추석 2026.
  await page.goto(new URL(`/agent/#/admin/schedules/${sid}?month=2026-09`, env.base).href);
  await page.waitForSelector('#hol-cal td[data-date="2026-09-25"].hol');
  check((await page.textContent('#cal-title')).includes('9'), 'September 2026 on the calendar');
  await page.click('#cal-next');
  await page.waitForSelector('#hol-cal td[data-date="2026-10-09"].hol');
  console.log(`ok holidays: ${day} imported from .ics and shown; Korean set ${n - 1} days`);
  return { day, list };
}

async function slaPolicy(page, sid) {
  await page.goto(new URL('/agent/#/admin/sla/new', env.base).href);
  await page.waitForSelector('#sla-form');
  // Without a title the API refuses, and its message sits beside the field.
  await page.fill('#sla-t-first_reply_time-normal', '90');
  await page.click('#sla-save');
  await page.waitForSelector('#sla-title-error:not(:empty)');
  console.log('ok the API\'s message beside the title:', await page.textContent('#sla-title-error'));
  await page.fill('#sla-title', 'VIP 응대');
  await page.selectOption('#sla-hd_schedule_id', String(sid));
  await page.click('#sla-cond-all-add');
  await page.selectOption('#sla-cond-all li:last-child .cond-field', 'current_tags');
  await page.selectOption('#sla-cond-all li:last-child .cond-op', 'includes');
  await page.fill('#sla-cond-all li:last-child .cond-value', TAG);
  for (const [p, m] of [['urgent', 30], ['high', 60], ['low', 240]]) await page.fill(`#sla-t-first_reply_time-${p}`, String(m));
  check(await page.inputValue('#sla-bh-first_reply_time') === 'business', 'business hours by default');
  await page.click('#sla-save');
  await page.waitForFunction(() => /#\/admin\/sla\/\d+$/.test(location.hash));
  const pid = Number(/sla\/(\d+)/.exec(page.url())[1]);
  const p = (await api('GET', `/api/v2/slas/policies/${pid}`)).sla_policy;
  check(p.hd_schedule_id === sid, 'the policy uses the schedule');
  check(JSON.stringify(p.filter.all) === JSON.stringify([{ field: 'current_tags', operator: 'includes', value: TAG }]), `the filter: ${JSON.stringify(p.filter)}`);
  const frt = p.policy_metrics.find((x) => x.metric === 'first_reply_time' && x.priority === 'normal');
  check(frt && frt.target === 90 && frt.business_hours === true, `first reply 90 business minutes: ${JSON.stringify(p.policy_metrics)}`);
  await page.waitForSelector(`#sla-list tr[data-policy="${pid}"]`);
  // A second policy (by the API) goes below; ↓ on the first swaps them.
  const other = (await api('POST', '/api/v2/slas/policies', { sla_policy: { title: '일반 응대', filter: { all: [], any: [] },
    policy_metrics: [{ priority: 'normal', metric: 'first_reply_time', target: 480, business_hours: true }] } })).sla_policy;
  await page.goto(new URL(`/agent/#/admin/sla/${pid}?v=2`, env.base).href);
  await page.waitForSelector(`#sla-list tr[data-policy="${other.id}"]`);
  const order = async () => (await api('GET', '/api/v2/slas/policies')).sla_policies.sort((a, b) => a.position - b.position).map((x) => x.id);
  const before = async (x, y) => { const o = await order(); return o.indexOf(x) < o.indexOf(y); };
  check(await before(pid, other.id), 'a new policy goes last');
  const shown = (x, y) => page.waitForSelector(`#sla-list tr[data-policy="${x}"] ~ tr[data-policy="${y}"]`);
  // Move VIP down until the other one is above it, then back up.
  while (await before(pid, other.id)) {
    await page.$eval('#sla-list', (el) => { el.dataset.old = '1'; });
    await page.click(`#sla-down-${pid}`);
    await page.waitForSelector('#sla-list:not([data-old])');
  }
  await shown(other.id, pid);
  while (await before(other.id, pid)) {
    await page.$eval('#sla-list', (el) => { el.dataset.old = '1'; });
    await page.click(`#sla-up-${pid}`);
    await page.waitForSelector('#sla-list:not([data-old])');
  }
  await shown(pid, other.id);
  await axe(page, 'ko sla');
  await page.screenshot({ path: join(env.shotDir, 'admin-ko-sla.png'), fullPage: true });
  console.log(`ok SLA policy ${pid}: ${p.policy_metrics.length} targets`);
  return pid;
}

async function ticket(page, gid, sid) {
  await api('POST', '/api/v2/triggers', { trigger: { title: 'VIP 라인은 VIP 상담팀으로',
    conditions: { all: [{ field: 'current_tags', operator: 'includes', value: TAG }], any: [] },
    actions: [{ field: 'group_id', value: String(gid) }] } });
  const made = (await api('POST', '/api/v2/tickets', { ticket: { subject: 'VIP 고객 문의: 결제 오류', priority: 'normal', tags: [TAG],
    comment: { body: '결제가 두 번 되었습니다.' }, requester: { name: '최고객', email: 'vip.customer@example.com' } } })).ticket;
  const tk = await until(async () => {
    const x = (await api('GET', `/api/v2/tickets/${made.id}?include=slas`)).ticket;
    const m = ((x.slas && x.slas.policy_metrics) || []).find((q) => q.metric === 'first_reply_time');
    return x.group_id === gid && m && m.breach_at ? x : null;
  }, 'the ticket lands in the group with a first-reply target');
  const due = tk.slas.policy_metrics.find((q) => q.metric === 'first_reply_time').breach_at;
  const hol = (await api('GET', `/api/v2/business_hours/schedules/${sid}/holidays`)).holidays;
  const mine = businessDue(Date.parse(tk.created_at), 90, SEOUL_WEEK, hol);
  check(Math.abs(Date.parse(due) - mine) <= 61e3, `breach_at ${due} is 90 business minutes from ${tk.created_at} (walked: ${new Date(mine).toISOString()})`);
  await page.goto(new URL(`/agent/#/tickets/${tk.id}`, env.base).href);
  await page.waitForSelector('#sla-due-first_reply_time time');
  const text = await page.textContent('#sla-due-first_reply_time');
  check(text.includes('첫 응답 기한'), `the ticket page names the first-reply target: ${text}`);
  check(await page.getAttribute('#sla-due-first_reply_time time', 'datetime') === due, 'the shown target is the API\'s breach_at');
  const shown = await page.textContent('#sla-due-first_reply_time time');
  // Node's ICU may lack Korean; the browser's formats it.
  const want = await page.evaluate((iso) => new Intl.DateTimeFormat('ko', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Seoul' }).format(new Date(iso)), due);
  check(shown === want, `the due time reads ${want} (got ${shown})`);
  await page.waitForFunction((g) => { const s = document.querySelector('#f-group'); return s && s.value === String(g); }, gid);
  check((await page.textContent('#f-group option:checked')).trim() === GROUP, 'the ticket page shows the group');
  console.log(`ok ticket ${tk.id} in "${GROUP}", ${text.trim()} = ${due}`);
}

async function tokens(page) {
  await page.goto(new URL('/agent/#/admin/tokens', env.base).href);
  await page.waitForSelector('#tok-form');
  await page.fill('#tok-description', '주문 시스템 연동');
  await page.click('#tok-create');
  await page.waitForSelector('#tok-once #tok-value');
  const value = await page.inputValue('#tok-value');
  check(value.length >= 20, 'the new token is shown');
  const auth = basicAuth(`${env.adminEmail}/token`, value);
  check((await raw('GET', '/api/v2/users/me', undefined, auth)).status === 200, 'the shown token works');
  await axe(page, 'ko tokens');
  await page.goto(new URL('/agent/#/admin/groups', env.base).href);
  await page.goto(new URL('/agent/#/admin/tokens', env.base).href);
  await page.waitForSelector('#tok-list').catch(async (e) => { throw new Error(`${e.message}\n${await page.textContent('#main')}`); });
  check(!(await page.$('#tok-once')) && !(await page.content()).includes(value), 'the token is not shown again');
  const row = page.locator('#tok-list tr', { hasText: '주문 시스템 연동' });
  const id = await row.getAttribute('data-token');
  page.once('dialog', (d) => d.accept());
  await page.click(`#tok-revoke-${id}`);
  await page.waitForSelector(`#tok-list tr[data-token="${id}"]`, { state: 'detached' });
  await until(async () => (await raw('GET', '/api/v2/users/me', undefined, auth)).status === 401, 'a revoked token is refused');
  console.log('ok API token shown once, works, revoked');
}

// Users: create one in the form, find it, make it an agent, suspend it.
async function users(page) {
  await page.goto(new URL('/agent/#/admin/users', env.base).href);
  await page.waitForSelector('#usr-create-form');
  await page.fill('#usr-new-name', '한수아');
  const email = `sua.han.${Date.now() % 1e7}@example.com`;
  await page.fill('#usr-new-email', email);
  await page.click('#usr-create');
  await page.waitForFunction(() => location.hash.includes('q=sua.han'));
  const row = page.locator('#usr-list tr', { hasText: email });
  await row.waitFor();
  const id = Number(await row.getAttribute('data-user'));
  await page.selectOption(`#usr-role-${id}`, 'agent');
  await until(async () => (await api('GET', `/api/v2/users/${id}`)).user.role === 'agent', 'the role changed');
  await page.click(`#usr-suspend-${id}`);
  await until(async () => (await api('GET', `/api/v2/users/${id}`)).user.suspended === true, 'the user is suspended');
  await page.waitForSelector(`#usr-suspend-${id}:has-text("해제")`);
  console.log(`ok user ${id} created, made an agent, suspended`);
}

async function sessions(page, ids) {
  await page.goto(new URL('/agent/#/admin/users', env.base).href);
  await page.waitForSelector(`#usr-sess-${ids.admin}`);
  await page.click(`#usr-sess-${ids.admin}`);
  await page.waitForSelector('#usr-sessions-list tbody tr');
  const n = await page.locator('#usr-sessions-list tbody tr').count();
  check(n >= 1, 'the admin sees their own session');
  await axe(page, 'ko users');
  console.log(`ok sessions listed: ${n}`);
}

async function english(sid) {
  const { ctx, page, problems } = await launch('en-US');
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.goto(new URL(`/agent/#/admin/schedules/${sid}`, env.base).href);
  await page.waitForSelector('#bh-grid td.on');
  check((await page.textContent('#admin-title')) === 'Business hours', 'English heading');
  check((await page.textContent('#bh-summary li[data-day="1"]')).includes('09:00–12:00, 13:00–18:00'), 'English summary');
  await axe(page, 'en schedule');
  await elementShot(page, 'section[aria-labelledby="bh-week-title"]', 'admin-en-schedule');
  check(!problems.some((p) => /Content Security Policy/i.test(p)), `no CSP violations (en): ${problems.join(' | ')}`);
  await ctx.close();
  console.log('ok English schedule');
}

run('admin_sla', async () => {
  const ids = await people();
  const { ctx, page, problems } = await launch('ko-KR');
  page.setDefaultTimeout(WAIT);
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  const gid = await groups(page, ids);
  await agent(page, ids);
  const sid = await schedule(page);
  await holidays(page, sid);
  await slaPolicy(page, sid);
  await ticket(page, gid, sid);
  await tokens(page);
  await users(page);
  await sessions(page, ids);
  check(!problems.some((p) => /Content Security Policy|TypeError|ReferenceError/i.test(p)), `no CSP violations or script errors: ${problems.join(' | ')}`);
  await ctx.close();
  await english(sid);
});
