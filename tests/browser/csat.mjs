// CSAT in a real browser (issue 17): solve tickets through the API, read
// the survey mail the real SMTP server (smtp_sink.py) received, follow its
// link in Chromium, rate bad with a comment and a reason, see the rating in
// /api/v2/satisfaction_ratings; the used link and a tampered one are
// refused with a page saying so. Then the console's e-mail templates
// section: edit the survey's subject with a Korean particle, preview it for
// a sample and for a real ticket (the particle follows the name's final
// consonant), save a new version. axe-core on every screen; screenshots
// csat-ko-survey, csat-en-survey, csat-ko-templates, csat-ko-settings. The
// console's survey settings: delay, channels, a group turned off.
//   node tests/browser/csat.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN SHOT_DIR MAIL_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, api, raw, launch, shot, axe, until, check, signInWorkspace, run } from './lib.mjs';

const env = setup(process.argv.slice(2));
const mailDir = process.argv[6];
const ADMIN = { email: 'hana.admin@example.com', name: '이하나', password: 'Hana-desk-pw-2026!' };

async function user(name, email, locale, role = 'end-user') {
  const { user: u } = await api('POST', '/api/v2/users', { user: { name, email, locale, role } });
  return u;
}

async function solvedTicket(requester, subject, assignee) {
  const { ticket } = await api('POST', '/api/v2/tickets', {
    ticket: { subject, comment: { body: '확인 부탁드립니다' }, requester_id: requester.id },
  });
  await api('PUT', `/api/v2/tickets/${ticket.id}`, { ticket: { status: 'solved', assignee_id: assignee } });
  return ticket.id;
}

// The text part of a saved message, quoted-printable decoded.
function textPart(eml) {
  const at = eml.search(/Content-Type: text\/plain/i);
  if (at < 0) return '';
  const rest = eml.slice(at);
  const body = rest.slice(rest.search(/\r?\n\r?\n/)).split(/\r?\n--/)[0];
  const bytes = [];
  const qp = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < qp.length; i++) {
    if (qp[i] === '=' && /^[0-9A-F]{2}$/i.test(qp.slice(i + 1, i + 3))) {
      bytes.push(parseInt(qp.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(qp[i], 'latin1'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// The survey link of ticket tid in the mail the SMTP server received.
async function surveyLink(tid) {
  return until(() => {
    for (const f of readdirSync(mailDir).filter((n) => n.endsWith('.eml'))) {
      const text = textPart(readFileSync(join(mailDir, f), 'latin1'));
      const m = text.match(new RegExp(`(https?://\\S+/hc/(?:ko|en)/satisfaction/${tid}-[0-9a-f-]+)\\?score=bad`));
      if (m) return m[1];
    }
    return null;
  }, `the survey mail of #${tid} in ${mailDir}`);
}

// Failed requests other than the refusals a step expects.
function watchFailures(page) {
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  return failed;
}

const notResourceErrors = (problems) => problems.filter((p) => !p.startsWith('Failed to load resource'));

async function surveyInKorean(link, tid) {
  const { ctx, page, problems } = await launch('ko-KR');
  const failed = watchFailures(page);
  try {
    const res = await page.goto(`${link}?score=bad`);
    check(res.status() === 200, `the survey page answers 200 (got ${res.status()})`);
    check(await page.getAttribute('html', 'lang') === 'ko', 'the page is in Korean');
    check(await page.isChecked('input[name="score"][value="bad"]'), 'the link\'s choice (bad) is pre-selected');
    check(!(await page.isChecked('input[name="score"][value="good"]')), 'good is not');
    const before = await api('GET', `/api/v2/tickets/${tid}`);
    check(before.ticket.satisfaction_rating === null, 'opening the link records nothing');
    await page.fill('#csat-comment', '답변이 늦었고 문제가 그대로예요');
    await page.selectOption('#csat-reason', '6');
    await axe(page, 'csat-ko-survey');
    await shot(page, 'csat-ko-survey', true);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    check((await page.textContent('h1')).includes('감사합니다'), 'the thank-you page follows');
    console.log('ok the survey page in Korean: bad, with a comment and a reason');
    const rating = await until(async () => {
      const { satisfaction_ratings: all } = await api('GET', '/api/v2/satisfaction_ratings');
      return all.find((r) => r.ticket_id === tid);
    }, 'the rating in /api/v2/satisfaction_ratings');
    check(rating.score === 'bad' && rating.comment === '답변이 늦었고 문제가 그대로예요' && rating.reason_code === 6,
      `the rating is listed as given: ${JSON.stringify(rating)}`);
    console.log('ok /api/v2/satisfaction_ratings lists it');

    const again = await page.goto(link);
    check(again.status() === 409, `the used link is refused (got ${again.status()})`);
    check((await page.textContent('h1')).includes('이미 사용한'), 'the page says it was used');
    await axe(page, 'csat-ko-used');
    const last = link.slice(-1) === '0' ? '1' : '0';
    const tampered = await page.goto(link.slice(0, -1) + last);
    check(tampered.status() === 404, `a tampered link is refused (got ${tampered.status()})`);
    check((await page.textContent('h1')).includes('유효하지 않은'), 'the page says it is not valid');
    console.log('ok the used and the tampered link are refused');
    const expected = [`409 ${link}`, `404 ${link.slice(0, -1) + last}`];
    check(JSON.stringify(failed) === JSON.stringify(expected), `only the refused links failed: ${failed.join(' | ')}`);
    check(notResourceErrors(problems).length === 0, `no console errors: ${problems.join(' | ')}`);
  } finally {
    await ctx.close();
  }
}

async function surveyInEnglish(link) {
  const { ctx, page, problems } = await launch('en-US');
  const failed = watchFailures(page);
  try {
    const res = await page.goto(`${link}?score=good`);
    check(res.status() === 200, 'the English survey page answers 200');
    check(await page.getAttribute('html', 'lang') === 'en', 'the page is in English');
    check(await page.isChecked('input[name="score"][value="good"]'), 'good is pre-selected');
    check((await page.textContent('button[type="submit"]')).includes('Send my rating'), 'English button');
    await axe(page, 'csat-en-survey');
    await shot(page, 'csat-en-survey', true);
    check(failed.length === 0 && notResourceErrors(problems).length === 0, `no failures (the favicon aside): ${failed.join(' | ')} ${problems.join(' | ')}`);
    console.log('ok the survey page in English');
  } finally {
    await ctx.close();
  }
}

// The console's survey settings: a group turned off, another delay.
async function surveySettings(page, group) {
  await page.goto(new URL('/agent/#/admin/csat', env.base).href);
  await page.waitForSelector('#csat-enabled');
  check(await page.isChecked('#csat-enabled'), 'the survey shows as on');
  await page.fill('#csat-delay', '30');
  await page.uncheck('input[name="channel"][value="voice"]');
  await page.selectOption(`#csat-g-${group.id}`, 'off');
  await page.click('.csat-form button[type="submit"]');
  await until(async () => (await page.textContent('.csat-form [role="status"]')).length > 0, 'saved');
  const { csat_settings: got } = await api('GET', '/api/v2/hd/csat_settings');
  check(got.delay_minutes === 30 && !got.channels.includes('voice') && got.channels.includes('chat'),
    `the settings are stored: ${JSON.stringify(got)}`);
  check(JSON.stringify(got.groups) === JSON.stringify([{ enabled: false, group_id: group.id }]),
    `the group rule is stored: ${JSON.stringify(got.groups)}`);
  await axe(page, 'csat-ko-settings');
  await shot(page, 'csat-ko-settings', true);
  console.log('ok the console\'s survey settings');
}

async function templateEditor(minsuTicket, group) {
  const { ctx, page, problems } = await launch('ko-KR');
  try {
    await signInWorkspace(page, ADMIN.email, ADMIN.password);
    await page.goto(new URL('/agent/#/admin/email_templates', env.base).href);
    await page.waitForSelector('a[href="#/admin/email_templates/csat_survey.ko"]');
    // The mail settings under the list: a default sender, no
    // acknowledgement for chat.
    await page.click('.mail-form button[type="button"]');
    await page.fill('.mail-form tr.sender input[data-key="name"]', '하나 고객센터');
    await page.fill('.mail-form tr.sender input[data-key="address"]', 'help@example.kr');
    await page.uncheck('.mail-form input[name="ack"][value="chat"]');
    await page.click('.mail-form button[type="submit"]');
    await until(async () => (await page.textContent('.mail-form [role="status"]')).length > 0, 'mail settings saved');
    const { mail_settings: ms } = await api('GET', '/api/v2/hd/mail_settings');
    check(ms.senders.length === 1 && ms.senders[0].address === 'help@example.kr' && ms.senders[0].name === '하나 고객센터'
      && ms.acknowledgements.chat === false && ms.acknowledgements.email === true, `mail settings stored: ${JSON.stringify(ms)}`);
    await axe(page, 'csat-ko-template-list');
    await shot(page, 'csat-ko-template-list', true);
    console.log('ok the mail settings: a sender and acknowledgements');
    await page.click('a[href="#/admin/email_templates/csat_survey.ko"]');
    await page.waitForSelector('#tmpl-subject');
    await page.fill('#tmpl-subject', '{{ticket.requester.name|은는}} 만족하셨나요? (요청 #{{ticket.id}})');
    await page.fill('#tmpl-note', '조사를 이름에 맞게');
    await page.click('.tmpl-actions button[type="button"]');
    let subject = await until(async () => {
      const err = await page.textContent('.tmpl-form .error');
      if (err) throw new Error(`the preview failed: ${err}`);
      return (await page.$('.tmpl-subject')) && page.textContent('.tmpl-subject');
    }, 'a preview');
    check(subject === '김민준은 만족하셨나요? (요청 #1234)', `the sample's name takes 은: ${subject}`);
    await page.fill('#tmpl-ticket', String(minsuTicket));
    await page.click('.tmpl-actions button[type="button"]');
    subject = await until(async () => {
      const s = await page.textContent('.tmpl-subject');
      return s.startsWith('이민수') && s;
    }, 'the preview for the real ticket');
    check(subject === `이민수는 만족하셨나요? (요청 #${minsuTicket})`, `a name ending in a vowel takes 는: ${subject}`);
    console.log('ok the preview chooses the particle: 김민준은, 이민수는');
    await page.click('.tmpl-actions button[type="submit"]');
    await until(async () => {
      const err = await page.textContent('.tmpl-form .error');
      if (err) throw new Error(`saving failed: ${err}`);
      return (await page.textContent('.admin-body h1')).includes('버전 2');
    }, 'version 2 saved');
    const rows = await page.$$eval('table.list tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
    check(rows.join(',') === '2,1', `the history lists versions 2 and 1: ${rows}`);
    const { email_template: stored } = await api('GET', '/api/v2/hd/email_templates/csat_survey.ko');
    check(stored.version === 2 && stored.subject.startsWith('{{ticket.requester.name|은는}}'), 'the API has version 2');
    await page.click('.tmpl-actions button[type="button"]');
    await until(async () => (await page.$('.tmpl-subject'))
      && (await page.textContent('.tmpl-subject')).startsWith('김민준은'), 'the saved version previewed again');
    const frame = page.frameLocator('iframe.tmpl-frame');
    await until(async () => (await frame.locator('body').textContent()).includes('김민준님, 안녕하세요.'),
      'the HTML preview in its sandboxed frame');
    await axe(page, 'csat-ko-templates');
    await shot(page, 'csat-ko-templates', true);
    // The workspace asks for its session before signing in (401); the
    // preview's sandboxed frame must not trip the CSP.
    check(notResourceErrors(problems).length === 0, `no console errors: ${problems.join(' | ')}`);
    console.log('ok the template editor saves version 2');
    await surveySettings(page, group);
    check(notResourceErrors(problems).length === 0, `no console errors: ${problems.join(' | ')}`);
  } finally {
    await ctx.close();
  }
}

run('csat', async () => {
  check(mailDir, 'MAIL_DIR (the SMTP sink\'s directory) is given');
  const admin = await user(ADMIN.name, ADMIN.email, 'ko', 'admin');
  await api('PUT', `/api/v2/users/${admin.id}/password`, { password: ADMIN.password });
  await api('PUT', '/api/v2/hd/csat_settings', { csat_settings: { enabled: true, delay_minutes: 0 } });
  const minjun = await user('김민준', 'minjun@example.kr', 'ko');
  const ann = await user('Ann Lee', 'ann@example.com', 'en-US');
  const minsu = await user('이민수', 'minsu@example.kr', 'ko');
  const t1 = await solvedTicket(minjun, '배송이 늦어요', admin.id);
  const t2 = await solvedTicket(ann, 'Refund please', admin.id);
  const { ticket: t3 } = await api('POST', '/api/v2/tickets', {
    ticket: { subject: '환불 문의', comment: { body: '환불해 주세요' }, requester_id: minsu.id },
  });
  const link1 = await surveyLink(t1);
  check(link1.includes('/hc/ko/satisfaction/'), `the Korean requester's link is /hc/ko/: ${link1}`);
  await surveyInKorean(link1, t1);
  const link2 = await surveyLink(t2);
  check(link2.includes('/hc/en/satisfaction/'), `the English requester's link is /hc/en/: ${link2}`);
  await surveyInEnglish(link2);
  const seen = await raw('GET', `/api/v2/tickets/${t3.id}`);
  check(seen.ok, 'the third ticket exists');
  const { group } = await api('POST', '/api/v2/groups', { group: { name: '환불팀' } });
  await templateEditor(t3.id, group);
});
