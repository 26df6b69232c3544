// The customers' own pages in Chromium (issue 17): sign in by a one-time link
// read from the real SMTP server's mail, file a request with a dropdown field
// and see the API's validation in Korean, see article suggestions appear as
// the subject is typed and resolve one (no ticket is created: checked through
// the API), see my requests, read the public conversation (never the internal
// note) and reply; in English too. axe-core on every screen, `tidy -q -e` on
// every server-rendered page, screenshots build/screenshots/portal-*.png.
//   node tests/browser/portal.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN SHOT_DIR MAIL_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setup, api, launch, shot, axe, until, check, run, env } from './lib.mjs';

const mailDir = process.argv[6];
setup(process.argv.slice(2, 6));
const url = (p) => new URL(p, env.base).href;

// The sign-in link mailed to addr (quoted-printable text: soft breaks go).
function mailedLink(addr) {
  for (const f of readdirSync(mailDir).filter((n) => n.endsWith('.eml')).sort()) {
    const text = readFileSync(join(mailDir, f), 'latin1').replace(/=\r?\n/g, '');
    if (!text.includes(addr)) continue;
    const m = text.match(/https?:\/\/[^\s"<>]+\/hc\/(ko|en)\/signin\/[0-9a-f-]+/);
    if (m) return m[0];
  }
  return null;
}

// `tidy -q -e` on the server's HTML of path (with the page's cookies).
async function tidy(page, path) {
  const res = await page.context().request.get(url(path));
  const html = await res.text();
  const p = spawnSync('tidy', ['-q', '-e', '--show-warnings', 'no'], { input: html, encoding: 'utf8' });
  const errors = (p.stderr || '').split('\n').filter((l) => l.includes('Error:'));
  check(p.status !== 2 || errors.length, `tidy ran on ${path}: ${p.stderr}`);
  check(errors.length === 0, `tidy finds no error in ${path}: ${errors.join('; ')}`);
}

async function ticketCount() {
  return (await api('GET', '/api/v2/tickets/count.json')).count.value;
}

async function content() {
  const field = (await api('POST', '/api/v2/ticket_fields', { ticket_field: {
    type: 'tagger', title: 'Product', title_in_portal: '제품', visible_in_portal: true,
    editable_in_portal: true, required_in_portal: true,
    custom_field_options: [{ name: '휴대폰', value: 'product_phone' }, { name: '노트북', value: 'product_laptop' }],
  } })).ticket_field;
  const cat = (await api('POST', '/api/v2/help_center/categories',
    { category: { name: '주문과 배송', locale: 'ko' } })).category;
  const sec = (await api('POST', `/api/v2/help_center/categories/${cat.id}/sections`,
    { section: { name: '배송', locale: 'ko' } })).section;
  const art = async (title, body, locale) => (await api('POST', `/api/v2/help_center/sections/${sec.id}/articles`,
    { article: { title, body, locale }, notify_subscribers: false })).article;
  const ko = await art('배송 조회 방법', '<p>주문 내역에서 배송 조회를 누르면 택배사와 송장 번호가 보입니다.</p>', 'ko');
  await art('배송비 안내', '<p>3만 원 이상 주문하면 배송비가 무료입니다.</p>', 'ko');
  const en = await art('Tracking your delivery', '<p>Open your orders and choose Track delivery.</p>', 'en-us');
  const user = (await api('POST', '/api/v2/users', { user: { name: '김민지', email: 'minji@example.kr', role: 'end-user', locale: 'ko' } })).user;
  const agent = (await api('POST', '/api/v2/users', { user: { name: '이상담', email: 'agent7@example.kr', role: 'agent' } })).user;
  return { field, ko, en, user, agent };
}

async function signInByLink(page) {
  await page.goto(url('/hc/ko/signin'));
  await page.fill('#link-email', 'minji@example.kr');
  await Promise.all([page.waitForURL(/signin\?sent=1/), page.click('form[action="/hc/ko/signin/link"] button')]);
  check((await page.textContent('main')).includes('로그인 링크를 보냈습니다'), 'the sent notice');
  const link = await until(() => mailedLink('minji@example.kr'), 'the sign-in mail in the SMTP sink');
  check(link.startsWith(env.base + '/hc/ko/signin/'), `the link is absolute under the public URL: ${link}`);
  await page.goto(link);
  await page.waitForSelector('main form button');
  await Promise.all([page.waitForURL(/\/hc\/ko\/requests$/), page.click('main form button')]);
  check((await page.textContent('main')).includes('minji@example.kr'), 'signed in as minji');
  return link;
}

async function form(page, problems, c) {
  await page.goto(url('/hc/ko/requests/new'));
  await tidy(page, '/hc/ko/requests/new');
  // validation in Korean, beside the dropdown (the API's answer)
  await page.fill('#pt-subject', '배송 조회가 안 돼요');
  await page.fill('#pt-description', '주문한 지 열흘이 지났는데 배송 조회가 되지 않습니다.');
  await Promise.all([page.waitForNavigation(), page.click('button[value="submit"]')]);
  const err = await page.textContent(`#cf-${c.field.id}-error`);
  check(err.trim() === '필수 항목입니다.', `the dropdown's error in Korean: ${err}`);
  check(await page.getAttribute(`#cf-${c.field.id}`, 'aria-invalid') === 'true', 'the dropdown is marked invalid');
  check(await page.inputValue('#pt-subject') === '배송 조회가 안 돼요', 'the subject is kept');
  // suggestions for the kept subject, shown by portal.js
  await page.waitForSelector('#pt-live li a');
  check((await page.textContent('#pt-live')).includes('배송 조회 방법'), 'the 배송 article is suggested');
  await axe(page, 'portal ko form');
  await shot(page, 'portal-ko-form', true);
  // now with a product: filed as minji
  await page.selectOption(`#cf-${c.field.id}`, 'product_phone');
  await Promise.all([page.waitForURL(/\/hc\/ko\/requests\/\d+$/), page.click('button[value="submit"]')]);
  const id = Number(page.url().split('/').pop());
  const tk = (await api('GET', `/api/v2/tickets/${id}`)).ticket;
  check(tk.requester_id === c.user.id, 'filed as the signed-in customer');
  check(tk.custom_fields.some((f) => f.id === c.field.id && f.value === 'product_phone'), 'with the product');
  check(problems().length === 0, `no console errors: ${problems().join('; ')}`);
  return id;
}

async function deflect(page) {
  const before = await ticketCount();
  await page.goto(url('/hc/ko/requests/new'));
  await page.type('#pt-subject', '배송비', { delay: 30 });
  await page.waitForSelector('#pt-live li button');
  check((await page.textContent('#pt-live')).includes('배송비 안내'), 'suggestions as the subject is typed');
  await page.click('#pt-live li button');
  await page.waitForSelector('#pt-resolved');
  check((await page.textContent('#pt-resolved')).includes('문의는 접수되지 않았습니다'), 'the resolved notice');
  // nothing was filed, and the deflection counts as resolved
  check(await ticketCount() === before, 'no ticket was created');
  const now = Math.floor(Date.now() / 1000);
  await until(async () => {
    const rows = (await api('GET', `/api/v2/hd/reports/deflection?start_time=${now - 86400}&end_time=${now + 86400}`)).report.rows;
    return rows.reduce((n, r) => n + (r.resolved || 0), 0) >= 1;
  }, 'the deflection report counts it resolved');
}

async function requests(page, c, id) {
  await api('PUT', `/api/v2/tickets/${id}`, { ticket: { assignee_id: c.agent.id, comment: { body: '송장 번호를 확인해 보겠습니다.', public: true } } });
  await api('PUT', `/api/v2/tickets/${id}`, { ticket: { comment: { body: '내부 메모: 택배사 지연', public: false } } });
  await page.goto(url('/hc/ko/requests'));
  await page.waitForSelector(`a[href="/hc/ko/requests/${id}"]`);
  await tidy(page, '/hc/ko/requests');
  await axe(page, 'portal ko requests');
  await shot(page, 'portal-ko-requests');
  await page.click(`a[href="/hc/ko/requests/${id}"]`);
  await page.waitForSelector('.pt-conversation');
  const text = await page.textContent('main');
  check(text.includes('송장 번호를 확인해 보겠습니다.'), 'the agent reply is shown');
  check(!text.includes('내부 메모'), 'the internal note is never shown');
  await page.fill('#pt-reply', '감사합니다. 기다리겠습니다.');
  await Promise.all([page.waitForURL(new RegExp(`/hc/ko/requests/${id}$`)), page.click('main form button[type="submit"]')]);
  await page.waitForSelector('.pt-comment.pt-mine >> nth=1');
  const cs = (await api('GET', `/api/v2/tickets/${id}/comments`)).comments;
  check(cs.at(-1).body === '감사합니다. 기다리겠습니다.' && cs.at(-1).public && cs.at(-1).author_id === c.user.id, 'the reply through the API');
  await tidy(page, `/hc/ko/requests/${id}`);
  await axe(page, 'portal ko request');
  await shot(page, 'portal-ko-request', true);
}

async function english(page) {
  await page.goto(url('/hc/en/requests'));
  await page.waitForSelector('table.pt-requests');
  check((await page.textContent('main')).includes('My requests'), 'the English list');
  await tidy(page, '/hc/en/requests');
  await axe(page, 'portal en requests');
  await shot(page, 'portal-en-requests');
  await page.goto(url('/hc/en/requests/new'));
  await page.type('#pt-subject', 'tracking delivery', { delay: 20 });
  await page.fill('#pt-description', 'Where is my parcel?');
  await page.waitForSelector('#pt-live li a');
  check((await page.textContent('#pt-live')).includes('Tracking your delivery'), 'an English suggestion');
  await Promise.all([page.waitForNavigation(), page.click('button[value="submit"]')]);
  await page.waitForSelector('.pt-error');
  check((await page.textContent('main')).includes('This field is required.'), 'the English validation message');
  await tidy(page, '/hc/en/requests/new');
  await axe(page, 'portal en form');
  await shot(page, 'portal-en-form', true);
}

run('portal', async () => {
  check(mailDir, 'usage: portal.mjs BASE ADMIN_EMAIL ADMIN_TOKEN SHOT_DIR MAIL_DIR');
  const c = await content();
  const { ctx, page, problems } = await launch('ko-KR');
  // Chromium logs every 4xx document as a console error: the 422 of the
  // validation answer is meant, and the favicon's 404 (not a response the
  // page sees) is the shell's; every other 4xx or 5xx response fails.
  const bad = [];
  page.on('response', (r) => {
    const ok = r.status() < 400 || (r.status() === 422 && r.request().method() === 'POST' && /\/requests\/new/.test(r.url()));
    if (!ok) bad.push(`${r.status()} ${r.url()}`);
  });
  const real = () => problems.filter((p) => !/status of (404|422)/.test(p)).concat(bad);
  try {
    await tidy(page, '/hc/ko/signin');
    await page.goto(url('/hc/ko/signin'));
    await axe(page, 'portal ko signin');
    await signInByLink(page);
    const id = await form(page, real, c);
    await deflect(page);
    await requests(page, c, id);
    await english(page);
    check(real().length === 0, `no console errors: ${real().join('; ')}`);
  } finally {
    await ctx.close();
  }
});
