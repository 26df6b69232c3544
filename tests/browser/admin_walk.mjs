// The administrator's walkthrough (issue 18, README "For administrators") in
// one run, from an empty suite, entirely through the console: a group
// "환불팀"; a new agent (users) added to it (groups) with skills and capacity
// (agents); a dropdown field "문의 유형" (환불/교환) and a form holding it; a
// trigger "문의 유형 = 환불 → 환불팀" built with the builder and previewed
// against an existing ticket; business hours 09–12 and 13–18 Mon–Fri drawn on
// the week grid, a holiday imported from an .ics file, an SLA policy (first
// reply 2 business hours for tickets in 환불팀) on that schedule; a shared
// macro; a help-center article published in Korean. The API is used only to
// give the first admin a password (the suite's bootstrap admin has a token),
// to file tickets and to check results. A ticket filed with 문의 유형 = 환불
// lands in 환불팀, and its page shows the group and the first-reply due time
// equal to the API's breach_at and to this script's own walk of the schedule
// (lunch break and holiday skipped); the article is on /hc/ko/. axe-core on
// every page; screenshots walk-NN-<step>.png (Korean) and walk-en-*.png in
// SHOT_DIR and in docs/screenshots/ (viewport shots, kept small).
//   node tests/browser/admin_walk.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { copyFileSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, env, api, raw, launch, axe, until, check, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const DOCS = 'docs/screenshots';
const ADMIN = { email: 'minseo.kang@example.com', name: '강민서', password: 'Hana-walk-pw-2026!' };
const AGENT = { email: 'doyun.kim@example.com', name: '김도윤' };
const GROUP = '환불팀';
const FIELD = '문의 유형';
const ARTICLE = '환불은 언제 되나요?';
const KST = 9 * 3600e3;
const WORK_MIN = 600;
const WEEK = [];
for (let d = 1; d <= 5; d++) for (const [a, b] of [[540, 720], [780, 1080]]) WEEK.push({ start_time: d * 1440 + a, end_time: d * 1440 + b });
// Small enough that a viewport PNG stays well under 150 KB.
const VIEW = { viewport: { width: 1200, height: 760 } };
const url = (path) => new URL(path, env.base).href;
const sizes = [];

// A viewport shot into SHOT_DIR (and into docs/screenshots/ with
// HD_UPDATE_DOC_SHOTS=1, to refresh the README's pictures): scrolled to the top
// of the page, or with `top` (a selector) at the top of the window; the
// window made `height` tall for the shot when the step needs more room.
async function shot(page, name, { top, height } = {}) {
  const file = join(env.shotDir, `${name}.png`);
  const size = page.viewportSize();
  if (height) await page.setViewportSize({ width: size.width, height });
  await page.evaluate((sel) => {
    const el = sel && document.querySelector(sel);
    if (el) (el.closest('section') || el).scrollIntoView({ block: 'start' });
    else window.scrollTo(0, 0);
  }, top || null);
  await page.screenshot({ path: file });
  if (height) await page.setViewportSize(size);
  if (process.env.HD_UPDATE_DOC_SHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, join(DOCS, `${name}.png`));
  }
  const kb = statSync(file).size / 1024;
  sizes.push(`${name} ${kb.toFixed(0)} KB`);
  check(kb < 150, `${name}.png is under 150 KB (${kb.toFixed(0)} KB)`);
}

// Page errors and CSP violations; a refused request is the API speaking.
const faults = (problems) => problems.filter((p) => !/Failed to load resource/.test(p));

const idFromHash = (page, section) => until(async () => {
  const m = new RegExp(`#/admin/${section}/(\\d+)$`).exec(page.url());
  return m && Number(m[1]);
}, `the ${section} editor shows the saved record`);

const kstDate = (ms) => new Date(ms + KST).toISOString().slice(0, 10);

function nextWeekday(nowMs) {
  for (let d = 1; d < 10; d++) {
    const day = new Date(nowMs + KST + d * 86400e3);
    if (day.getUTCDay() >= 1 && day.getUTCDay() <= 5) return day.toISOString().slice(0, 10);
  }
  throw new Error('no weekday in ten days');
}

// Where `minutes` business minutes from `startMs` end, walking the schedule
// minute by minute in Seoul time and skipping holidays; also whether the walk
// passed a closed lunch hour or a holiday on the way.
function businessDue(startMs, minutes, holidays) {
  const holiday = (ms) => { const d = kstDate(ms); return holidays.some((x) => x.start_date <= d && d <= x.end_date); };
  const minuteOf = (ms) => { const l = new Date(ms + KST); return l.getUTCDay() * 1440 + l.getUTCHours() * 60 + l.getUTCMinutes(); };
  const open = (ms) => !holiday(ms) && WEEK.some((iv) => iv.start_time <= minuteOf(ms) && minuteOf(ms) < iv.end_time);
  let t = startMs;
  let left = minutes * 60e3;
  const edge = Math.ceil(t / 60e3) * 60e3;
  if (open(t)) left -= edge - t;
  t = edge;
  const crossed = { lunch: false, holiday: false };
  for (let guard = 0; left > 0 && guard < 60 * 24 * 40; guard++) {
    if (open(t)) left -= 60e3;
    else if (holiday(t) && WEEK.some((iv) => iv.start_time <= minuteOf(t) && minuteOf(t) < iv.end_time)) crossed.holiday = true;
    else if (!holiday(t) && minuteOf(t) % 1440 >= 720 && minuteOf(t) % 1440 < 780 && new Date(t + KST).getUTCDay() % 6 !== 0) crossed.lunch = true;
    t += 60e3;
  }
  return { due: t + left, crossed };
}

async function group(page) {
  await page.goto(url('/agent/#/admin/groups'));
  await page.waitForSelector('#grp-create-form');
  await axe(page, 'groups');
  await page.fill('#grp-new-name', GROUP);
  await page.click('#grp-create');
  await page.waitForFunction((name) => /#\/admin\/groups\/\d+$/.test(location.hash) && document.querySelector('#grp-name')?.value === name, GROUP);
  const gid = Number(/groups\/(\d+)/.exec(page.url())[1]);
  check((await api('GET', `/api/v2/groups/${gid}`)).group.name === GROUP, 'the API has the group');
  await axe(page, 'group editor');
  await shot(page, 'walk-01-group');
  console.log(`ok 1 group ${gid} "${GROUP}"`);
  return gid;
}

async function user(page) {
  await page.goto(url('/agent/#/admin/users'));
  await page.waitForSelector('#usr-create-form');
  await axe(page, 'users (empty)');
  await page.fill('#usr-new-name', AGENT.name);
  await page.fill('#usr-new-email', AGENT.email);
  await page.selectOption('#usr-new-role', 'agent');
  await page.click('#usr-create');
  await page.waitForFunction(() => location.hash.includes('q=doyun'));
  const row = page.locator('#usr-list tr', { hasText: AGENT.email });
  await row.waitFor();
  const uid = Number(await row.getAttribute('data-user'));
  const u = (await api('GET', `/api/v2/users/${uid}`)).user;
  check(u.role === 'agent' && u.name === AGENT.name, `the API has the agent: ${JSON.stringify(u)}`);
  await axe(page, 'users');
  await shot(page, 'walk-02-user');
  console.log(`ok 2 agent ${uid} created in the users section`);
  return uid;
}

async function member(page, gid, uid) {
  await page.goto(url(`/agent/#/admin/groups/${gid}`));
  await page.waitForSelector(`#grp-add-user option[value="${uid}"]`, { state: 'attached' });
  await page.selectOption('#grp-add-user', String(uid));
  await page.click('#grp-add');
  await page.waitForSelector(`#grp-members tr[data-user="${uid}"]`);
  await until(async () => (await api('GET', `/api/v2/groups/${gid}/memberships`)).group_memberships.some((m) => m.user_id === uid), 'the API has the membership');
  await axe(page, 'group members');
  await shot(page, 'walk-03-members', { height: 900 });
  console.log('ok 3 the agent is a member of the group');
}

async function agent(page, uid) {
  await page.goto(url(`/agent/#/admin/agents/${uid}`));
  await page.waitForSelector('#ag-form');
  await page.fill('#ag-skills', '환불, 결제');
  await page.fill('#ag-languages', 'ko, en');
  await page.fill('#ag-cap-chat', '2');
  await page.fill('#ag-cap-email', '10');
  await page.click('#ag-save');
  await page.waitForSelector('#ag-status:has-text("저장")');
  const p = (await api('GET', `/api/v2/hd/agents/${uid}/profile`)).agent_profile;
  check(JSON.stringify(p.skills) === JSON.stringify(['환불', '결제']) && p.capacity.email === 10 && p.capacity.chat === 2, `the profile: ${JSON.stringify(p)}`);
  await axe(page, 'agent profile');
  await shot(page, 'walk-04-agent', { height: 900 });
  console.log('ok 4 skills, languages and capacity saved');
}

async function field(page) {
  await page.goto(url('/agent/#/admin/fields'));
  await page.waitForSelector('#adm-field-list');
  await axe(page, 'fields list');
  await page.click('#adm-field-new');
  await page.waitForSelector('#adm-field-form');
  check(await page.inputValue('#adm-field-type') === 'tagger', 'a new field starts as a dropdown');
  await page.fill('#adm-field-title', FIELD);
  const opt = (n, part) => `#adm-opt-list > li:nth-child(${n}) .adm-opt-${part}`;
  await page.fill(opt(1, 'name'), '환불');
  await page.fill(opt(1, 'value'), 'refund');
  await page.fill(opt(2, 'name'), '교환');
  await page.fill(opt(2, 'value'), 'exchange');
  await page.click('#adm-field-save');
  const id = await idFromHash(page, 'fields');
  const f = (await api('GET', `/api/v2/ticket_fields/${id}`)).ticket_field;
  check(f.type === 'tagger' && f.title === FIELD && f.custom_field_options.map((o) => `${o.name}=${o.value}`).join() === '환불=refund,교환=exchange', `the field: ${JSON.stringify(f)}`);
  await axe(page, 'field editor');
  await shot(page, 'walk-05-field', { height: 1150 });
  console.log(`ok 5 dropdown field ${id} "${FIELD}" with 환불/교환`);
  return f;
}

async function form(page, f) {
  await page.goto(url('/agent/#/admin/forms/new'));
  await page.waitForSelector('#adm-form-form');
  await page.fill('#adm-form-name', '환불·교환 문의');
  await page.selectOption('#adm-form-add-select', String(f.id));
  await page.click('#adm-form-add');
  await page.waitForSelector(`#adm-form-fields > li[data-id="${f.id}"]`);
  // The only field is on the form: the picker says so and its button is off.
  check(await page.isDisabled('#adm-form-add') && (await page.textContent('#adm-form-add-select')).includes('이미 양식에'), 'nothing left to add: the picker says so, its button is off');
  await page.click('#adm-form-save');
  const id = await idFromHash(page, 'forms');
  const tf = (await api('GET', `/api/v2/ticket_forms/${id}`)).ticket_form;
  check(tf.ticket_field_ids.includes(f.id), `the form holds the field: ${JSON.stringify(tf)}`);
  await axe(page, 'form editor');
  await shot(page, 'walk-06-form');
  console.log(`ok 6 form ${id} holds the field`);
}

async function trigger(page, f, gid) {
  // A customer's ticket already there, to try the trigger on before saving.
  const existing = (await api('POST', '/api/v2/tickets', { ticket: { subject: '주문 취소하고 환불받고 싶어요', comment: { body: '어제 주문한 상품을 취소하고 싶습니다.' },
    requester: { name: '윤하은', email: 'haeun.yoon@example.com' }, custom_fields: [{ id: f.id, value: 'refund' }] } })).ticket;
  await until(async () => (await raw('POST', '/api/v2/hd/triggers/preview', { ticket_id: existing.id })).status === 200, `routing has ticket #${existing.id}`);
  await page.goto(url('/agent/#/admin/triggers/new'));
  await page.waitForSelector('#adm-rule-form');
  await page.fill('#adm-rule-title', '환불 문의는 환불팀으로');
  const cond = '#adm-rule-all > li:nth-child(1)';
  await page.selectOption(`${cond} .adm-subject`, `custom_fields_${f.id}`);
  await page.selectOption(`${cond} .adm-op`, 'is');
  await page.selectOption(`${cond} .adm-value`, 'refund');
  const act = '#adm-rule-actions > li:nth-child(1)';
  await page.selectOption(`${act} .adm-subject`, 'group_id');
  await page.selectOption(`${act} .adm-value`, String(gid));
  await page.fill('#adm-preview-ticket', String(existing.id));
  await page.selectOption('#adm-preview-type', 'Create');
  await page.click('#adm-preview-run');
  await page.waitForSelector('#adm-preview-verdict.adm-yes');
  const fired = await page.textContent('#adm-preview-fired');
  check(fired.includes('환불 문의는 환불팀으로') && fired.includes(GROUP), `the preview says the trigger would fire and names the group: ${fired}`);
  check((await api('GET', `/api/v2/tickets/${existing.id}`)).ticket.group_id === null, 'the preview changed nothing');
  await axe(page, 'trigger builder with preview');
  await shot(page, 'walk-07-trigger', { height: 1400 });
  await page.click('#adm-rule-save');
  const id = await idFromHash(page, 'triggers');
  const tr = (await api('GET', `/api/v2/triggers/${id}`)).trigger;
  check(tr.conditions.all[0].field === `custom_fields_${f.id}` && tr.conditions.all[0].value === 'refund' &&
    tr.actions[0].field === 'group_id' && String(tr.actions[0].value) === String(gid), `the trigger as built: ${JSON.stringify(tr)}`);
  console.log(`ok 7 trigger ${id} built, previewed on #${existing.id} (would fire), saved`);
  return { id, existing };
}

async function schedule(page) {
  await page.goto(url('/agent/#/admin/schedules'));
  await page.waitForSelector('#bh-create-form');
  await axe(page, 'schedules');
  await page.fill('#bh-new-name', '본사 상담 시간');
  await page.click('#bh-create');
  await page.waitForFunction(() => /#\/admin\/schedules\/\d+$/.test(location.hash) && document.querySelector('#bh-grid'));
  const sid = Number(/schedules\/(\d+)/.exec(page.url())[1]);
  // Drag Monday 09 → Friday 11, then Monday 13 → Friday 17: lunch stays closed.
  const box = async (sel) => page.locator(sel).boundingBox();
  for (const [from, to] of [['#bh-c-1-9', '#bh-c-5-11'], ['#bh-c-1-13', '#bh-c-5-17']]) {
    await page.locator(from).scrollIntoViewIfNeeded();
    const a = await box(from);
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.locator(to).scrollIntoViewIfNeeded();
    const b = await box(to);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await page.mouse.up();
  }
  const mon = await page.textContent('#bh-summary li[data-day="1"]');
  check(mon.includes('09:00–12:00, 13:00–18:00'), `the summary shows the lunch break: ${mon}`);
  await page.click('#bh-save');
  await page.waitForSelector('#bh-dirty:has-text("저장했습니다")');
  const got = (await api('GET', `/api/v2/business_hours/schedules/${sid}`)).schedule;
  check(JSON.stringify(got.intervals) === JSON.stringify(WEEK) && got.time_zone === 'Asia/Seoul', `the API has Mon–Fri 09–12, 13–18 in Seoul: ${JSON.stringify(got)}`);
  await axe(page, 'schedule');
  await shot(page, 'walk-08-schedule', { height: 1250 });
  console.log(`ok 8 schedule ${sid}: ${mon.trim()}`);
  return sid;
}

async function holiday(page, sid) {
  const day = nextWeekday(Date.now());
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
  const file = join(mkdtempSync(join(tmpdir(), 'hd-walk-ics-')), '회사휴일.ics');
  writeFileSync(file, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hana Desk walkthrough//KO', 'BEGIN:VEVENT', 'UID:walk-holiday@example.com',
    `DTSTART;VALUE=DATE:${day.replaceAll('-', '')}`, `DTEND;VALUE=DATE:${end.replaceAll('-', '')}`, 'SUMMARY:회사 창립기념일', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
  await page.setInputFiles('#hol-ics', file);
  await page.click('#hol-import');
  await page.waitForSelector('#hol-import-result:has-text("1"), #hol-import-error:not(:empty), #hol-ics-error:not(:empty)');
  const bad = await page.textContent('#hol-import-error') + await page.textContent('#hol-ics-error');
  check(!bad, `the import is accepted: ${bad}`);
  await page.waitForSelector(`#hol-cal td[data-date="${day}"].hol`);
  const list = (await api('GET', `/api/v2/business_hours/schedules/${sid}/holidays`)).holidays;
  check(list.some((x) => x.name === '회사 창립기념일' && x.start_date === day), `the API has the holiday: ${JSON.stringify(list)}`);
  await page.goto(url(`/agent/#/admin/schedules/${sid}?month=${day.slice(0, 7)}`));
  await page.waitForSelector(`#hol-cal td[data-date="${day}"].hol`);
  await axe(page, 'holidays');
  await shot(page, 'walk-09-holiday', { top: '#hol-cal', height: 1000 });
  console.log(`ok 9 holiday ${day} imported from an .ics file`);
}

async function sla(page, sid, gid) {
  await page.goto(url('/agent/#/admin/sla/new'));
  await page.waitForSelector('#sla-form');
  await page.fill('#sla-title', '환불팀 첫 응답 2시간');
  await page.selectOption('#sla-hd_schedule_id', String(sid));
  await page.click('#sla-cond-all-add');
  await page.selectOption('#sla-cond-all li:last-child .cond-field', 'group_id');
  await page.selectOption('#sla-cond-all li:last-child .cond-op', 'is');
  await page.selectOption('#sla-cond-all li:last-child .cond-value', String(gid));
  for (const p of ['urgent', 'high', 'normal', 'low']) await page.fill(`#sla-t-first_reply_time-${p}`, '120');
  // Solved within 10 business hours: more than a business day (8 h), so
  // its due time always lies past a lunch break, whenever the test runs.
  await page.fill('#sla-t-agent_work_time-normal', String(WORK_MIN));
  check(await page.inputValue('#sla-bh-first_reply_time') === 'business', 'business hours by default');
  await shot(page, 'walk-10-sla', { height: 1250 });
  await page.click('#sla-save');
  const pid = await idFromHash(page, 'sla');
  const p = (await api('GET', `/api/v2/slas/policies/${pid}`)).sla_policy;
  check(p.hd_schedule_id === sid, 'the policy uses the schedule');
  check(JSON.stringify(p.filter.all) === JSON.stringify([{ field: 'group_id', operator: 'is', value: String(gid) }]) ||
    JSON.stringify(p.filter.all) === JSON.stringify([{ field: 'group_id', operator: 'is', value: gid }]), `the filter: ${JSON.stringify(p.filter)}`);
  const frt = p.policy_metrics.find((x) => x.metric === 'first_reply_time' && x.priority === 'normal');
  check(frt && frt.target === 120 && frt.business_hours === true, `first reply 120 business minutes: ${JSON.stringify(p.policy_metrics)}`);
  const awt = p.policy_metrics.find((x) => x.metric === 'agent_work_time' && x.priority === 'normal');
  check(awt && awt.target === WORK_MIN && awt.business_hours === true, `agent work ${WORK_MIN} business minutes: ${JSON.stringify(p.policy_metrics)}`);
  await axe(page, 'sla policy');
  console.log(`ok 10 SLA policy ${pid}: first reply 2 business hours in ${GROUP}`);
}

async function macro(page) {
  await page.goto(url('/agent/#/admin/macros'));
  await page.waitForSelector('#mc-list');
  await axe(page, 'macros list');
  await page.click('#mc-new');
  await page.waitForSelector('#mc-form');
  await page.fill('#mc-title', '환불::접수 안내');
  await page.selectOption('#mc-act-field-0', 'comment_value');
  await page.fill('#mc-act-value-0', '{{ticket.requester.name}}님, 환불 요청을 접수했습니다. 영업일 기준 3일 안에 처리해 드리겠습니다.');
  await page.click('#mc-add-action');
  await page.selectOption('#mc-act-field-1', 'status');
  await page.selectOption('#mc-act-value-1', 'pending');
  await page.click('#mc-save');
  await page.waitForFunction(() => /#\/admin\/macros\/\d+$/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  const m = (await api('GET', `/api/v2/macros/${id}`)).macro;
  check(m.restriction === null && m.active && m.actions.length === 2, `a shared, active macro: ${JSON.stringify(m)}`);
  await page.waitForSelector('#mc-form #mc-delete');
  await axe(page, 'macro editor');
  await shot(page, 'walk-11-macro', { height: 900 });
  console.log(`ok 11 shared macro ${id}`);
}

async function article(page) {
  const HC = '/api/v2/help_center';
  await page.goto(url('/agent/#/admin/help_center'));
  await page.waitForSelector('#hc-cat-form');
  await page.fill('#hc-cat-name', '주문과 환불');
  await page.click('#hc-cat-add');
  await page.waitForSelector('#hc-tree h2');
  await page.fill('#hc-sec-name', '환불');
  await page.click('#hc-sec-add');
  const sec = await until(async () => ((await api('GET', `${HC}/sections`)).sections || []).find((s) => s.name === '환불'), 'the section exists');
  await page.waitForSelector(`#hc-new-in-${sec.id}`);
  await axe(page, 'help center tree');
  await page.click(`#hc-new-in-${sec.id}`);
  await page.waitForSelector('#hc-ko-form');
  await page.fill('#hc-ko-title', ARTICLE);
  await page.fill('#hc-ko-body', '<p>환불은 상품이 반송된 뒤 <strong>영업일 기준 3일 안에</strong> 결제하신 수단으로 돌려 드립니다.</p><ul><li>카드: 카드사 사정에 따라 3~5일</li><li>계좌 이체: 다음 영업일</li></ul>');
  await page.click('#hc-ko-publish');
  await page.waitForFunction(() => /#\/admin\/help_center\/article\/\d+$/.test(location.hash) && document.querySelector('#hc-ko-state .badge.ok'));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  const ko = await raw('GET', `${HC}/ko/articles/${id}`, undefined, null);
  check(ko.status === 200 && ko.json.article.title === ARTICLE, `anonymous readers get the article: ${ko.status}`);
  await axe(page, 'article editor');
  await shot(page, 'walk-12-article', { height: 900 });
  console.log(`ok 12 article ${id} published in Korean`);
  return { id, sec };
}

// The customers' side: /hc/ko/ leads to the article, anonymously.
async function helpCenter(art) {
  const { ctx, page, problems } = await launch('ko-KR', VIEW);
  await page.goto(url('/hc/ko/'));
  await page.waitForSelector(`a[href="/hc/ko/categories/${art.sec.category_id}"]`);
  await axe(page, 'hc home');
  await page.click(`a[href="/hc/ko/categories/${art.sec.category_id}"]`);
  await page.click(`a[href="/hc/ko/sections/${art.sec.id}"]`);
  await page.click(`a[href="/hc/ko/articles/${art.id}"]`);
  await page.waitForSelector('.hc-article-body strong');
  check((await page.textContent('h1')) === ARTICLE, 'the article on /hc/ko/');
  await axe(page, 'hc article');
  await shot(page, 'walk-13-hc');
  check(problems.length === 0, `no console errors on the help center: ${problems.join(' | ')}`);
  await ctx.close();
  console.log(`ok 13 /hc/ko/ → category → section → "${ARTICLE}"`);
}

async function ticket(page, f, gid, sid, lang = 'ko') {
  const customer = (await api('POST', '/api/v2/users/create_or_update', { user: { name: '오지안', email: 'jian.oh@example.com', role: 'end-user' } })).user;
  const made = (await api('POST', '/api/v2/tickets', { ticket: { subject: '환불 요청드립니다', priority: 'normal', requester_id: customer.id,
    comment: { body: '받은 상품이 파손되어 환불을 원합니다.', author_id: customer.id }, custom_fields: [{ id: f.id, value: 'refund' }] } })).ticket;
  const tk = await until(async () => {
    const x = (await api('GET', `/api/v2/tickets/${made.id}?include=slas`)).ticket;
    const m = ((x.slas && x.slas.policy_metrics) || []).find((q) => q.metric === 'first_reply_time');
    return x.group_id === gid && m && m.breach_at ? x : null;
  }, `ticket #${made.id} lands in ${GROUP} with a first-reply target`);
  const hol = (await api('GET', `/api/v2/business_hours/schedules/${sid}/holidays`)).holidays;
  await page.goto(url(`/agent/#/tickets/${tk.id}`));
  const crossed = [];
  for (const [metric, minutes] of [['first_reply_time', 120], ['agent_work_time', WORK_MIN]]) {
    const m = tk.slas.policy_metrics.find((q) => q.metric === metric);
    check(m && m.breach_at, `the ticket has a ${metric} target`);
    const walk = businessDue(Date.parse(tk.created_at), minutes, hol);
    check(Math.abs(Date.parse(m.breach_at) - walk.due) <= 61e3, `${metric} breach_at ${m.breach_at} is ${minutes} business minutes from ${tk.created_at} (walked: ${new Date(walk.due).toISOString()})`);
    await page.waitForSelector(`#sla-due-${metric} time`);
    check(await page.getAttribute(`#sla-due-${metric} time`, 'datetime') === m.breach_at, `the ticket page shows the API's ${metric} breach_at`);
    crossed.push(`${metric} ${m.breach_at} (walk crossed ${walk.crossed.holiday ? 'the holiday' : 'no holiday'}, ${walk.crossed.lunch ? 'a lunch break' : 'no lunch break'})`);
    if (metric === 'agent_work_time') check(walk.crossed.lunch, 'ten business hours always span a lunch break');
  }
  const due = tk.slas.policy_metrics.find((q) => q.metric === 'first_reply_time').breach_at;
  await page.waitForFunction((g) => document.querySelector('#f-group')?.value === String(g), gid);
  check((await page.textContent('#f-group option:checked')).trim() === GROUP, 'the ticket page shows the group');
  await axe(page, `ticket page (${lang})`);
  const text = (await page.textContent('#sla-due-first_reply_time')).replace(/\s+/g, ' ').trim();
  console.log(`ok ticket #${tk.id} in ${GROUP}; shown "${text}"; ${crossed.join('; ')}`);
  return tk;
}

async function english(triggerId, existing, ticketId) {
  const { ctx, page, problems } = await launch('en-US', VIEW);
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.goto(url(`/agent/#/admin/triggers/${triggerId}?ticket=${existing.id}`));
  await page.waitForSelector('#adm-rule-form');
  check((await page.textContent('#adm-preview-h')).includes('Test against'), 'the console speaks English');
  await page.click('#adm-preview-run');
  await page.waitForSelector('#adm-preview-verdict.adm-yes');
  await axe(page, 'trigger (English)');
  await shot(page, 'walk-en-trigger', { top: '#adm-preview', height: 900 });
  await page.goto(url(`/agent/#/tickets/${ticketId}`));
  await page.waitForSelector('#sla-due-first_reply_time time');
  await page.waitForFunction(() => document.querySelector('#f-group')?.value);
  await axe(page, 'ticket page (English)');
  await shot(page, 'walk-en-ticket');
  check(faults(problems).length === 0, `no page errors or CSP violations (en): ${problems.join(' | ')}`);
  await ctx.close();
  console.log('ok English trigger preview and ticket page');
}

run('admin_walk', async () => {
  // The only set-up by API: the first admin's password.
  const admin = (await api('POST', '/api/v2/users/create_or_update', { user: { name: ADMIN.name, email: ADMIN.email, role: 'admin' } })).user;
  await api('PUT', `/api/v2/users/${admin.id}/password`, { password: ADMIN.password });
  const { ctx, page, problems } = await launch('ko-KR', VIEW);
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.waitForSelector('#nav-settings:not([hidden])');
  const gid = await group(page);
  const uid = await user(page);
  await member(page, gid, uid);
  await agent(page, uid);
  const f = await field(page);
  await form(page, f);
  const { id: triggerId, existing } = await trigger(page, f, gid);
  const sid = await schedule(page);
  await holiday(page, sid);
  await sla(page, sid, gid);
  await macro(page);
  const art = await article(page);
  await helpCenter(art);
  const tk = await ticket(page, f, gid, sid);
  await shot(page, 'walk-14-ticket');
  check(faults(problems).length === 0, `no page errors or CSP violations: ${problems.join(' | ')}`);
  await ctx.close();
  await english(triggerId, existing, tk.id);
  console.log(`screenshots: ${sizes.join(', ')}`);
});
