// The console's content sections in a real browser (issue 18): as an admin
// signed in with a password, build a shared macro with two actions and apply
// it on a ticket page; accept a macro proposed from a solved ticket in the
// review queue; write a help-center article in Korean with an English
// translation, publish both and check them through the API (anonymous
// readers get both locales, the script tag is gone); create a knowledge
// card, edit it, see the diff in the "needs verification" queue and verify
// it; create a webhook to a local receiver, run the test call and find it in
// the delivery log and replay a dead letter; add a support address and ask
// for its verification. axe-core on every screen; screenshots
// admin-<ko|en>-<screen>.png.
//   node tests/browser/admin_content.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { createServer } from 'node:http';
import { setup, check, until, api, raw, launch, shot, axe, signInWorkspace, run, basicAuth } from './lib.mjs';

setup(process.argv.slice(2));
const ADMIN = { email: 'jiwoo.han@example.com', name: '한지우', password: 'Hana-admin-pw-2026!' };
const HC = '/api/v2/help_center';

// An HTTP receiver on 127.0.0.1 that keeps what it is sent.
function receiver() {
  const got = [];
  const srv = createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      got.push({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const status = srv.statusFor ? srv.statusFor(req.url) : 200;
      res.writeHead(status, { 'content-type': 'text/plain', 'x-receiver': 'admin-content' });
      res.end('ok');
    });
  });
  // gone: paths answered 410 (a permanent failure: dead at once) until removed.
  const gone = new Set();
  srv.statusFor = (path) => (gone.has(path) ? 410 : 200);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    got, gone, url: `http://127.0.0.1:${srv.address().port}/hook`,
    base: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() })));
}

async function fixtures() {
  const admin = (await api('POST', '/api/v2/users/create_or_update', { user: { name: ADMIN.name, email: ADMIN.email, role: 'admin' } })).user;
  await api('PUT', `/api/v2/users/${admin.id}/password`, { password: ADMIN.password });
  const requester = { name: '박서준', email: 'seojun@example.com' };
  const ticket = (await api('POST', '/api/v2/tickets', { ticket: { subject: '배송이 늦어요', comment: { body: '주문한 지 일주일이 지났는데 아직 안 왔어요.' }, requester } })).ticket;
  // A solved ticket whose agent reply becomes a proposed macro.
  const solved = (await api('POST', '/api/v2/tickets', { ticket: { subject: '영수증 재발급', comment: { body: '영수증을 다시 받을 수 있나요?' }, requester } })).ticket;
  await api('PUT', `/api/v2/tickets/${solved.id}`, { ticket: { status: 'solved', assignee_id: admin.id, comment: { body: '박서준님, 영수증은 주문 내역에서 다시 받으실 수 있습니다.', public: true, author_id: admin.id } } });
  const proposal = (await until(async () => {
    const r = await raw('POST', `/api/v2/hd/macros/from_ticket/${solved.id}`);
    return r.ok ? r.json : null;
  }, 'a macro proposed from the solved ticket')).macro;
  check(proposal.review_required && !proposal.active, 'the proposal waits for review, inactive');
  return { admin, ticket, proposal };
}

async function macros(page, fx) {
  await page.goto(new URL('/agent/#/admin/macros', process.argv[2]).href);
  await page.waitForSelector('#mc-list');
  await page.click('#mc-new');
  await page.waitForSelector('#mc-form');
  await page.fill('#mc-title', '배송::지연 안내');
  await page.selectOption('#mc-act-field-0', 'comment_value');
  await page.fill('#mc-act-value-0', '{{ticket.requester.name}}님, 배송이 늦어져 죄송합니다. 내일 안에 도착할 예정입니다.');
  await page.click('#mc-add-action');
  await page.selectOption('#mc-act-field-1', 'status');
  const statuses = await page.$$eval('#mc-act-value-1 option', (os) => os.map((o) => o.value));
  check(statuses.join(',') === 'open,pending,hold,solved', `the builder offers the API's statuses: ${statuses}`);
  await page.selectOption('#mc-act-value-1', 'pending');
  // A bad value first: the API's message appears beside the field.
  await page.fill('#mc-title', '');
  await page.click('#mc-save');
  await page.waitForSelector('#mc-title[aria-invalid="true"]');
  check((await page.textContent('#mc-title-err')).includes('title'), 'the API\'s message is shown beside the title');
  await page.fill('#mc-title', '배송::지연 안내');
  await page.click('#mc-save');
  await page.waitForFunction(() => /#\/admin\/macros\/\d+$/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  const m = (await api('GET', `/api/v2/macros/${id}`)).macro;
  check(m.actions.length === 2 && m.restriction === null && m.active, `a shared, active macro with two actions: ${JSON.stringify(m)}`);
  check(m.actions.some((a) => a.field === 'status' && a.value === 'pending'), 'the status action is stored');
  await page.waitForSelector('#mc-form #mc-delete');
  await axe(page, 'macro editor');
  await shot(page, 'admin-ko-macros');
  console.log(`ok macro ${id} built with two actions`);

  // The review queue: accept the proposal.
  await page.goto(new URL('/agent/#/admin/macros/review', process.argv[2]).href);
  await page.waitForSelector(`#mc-proposal-${fx.proposal.id}`);
  check((await page.textContent(`#mc-proposal-${fx.proposal.id}`)).includes('{{ticket.requester.name}}'), 'the proposal shows its templated reply');
  await axe(page, 'macro review queue');
  await page.click(`#mc-accept-${fx.proposal.id}`);
  await page.waitForSelector(`#mc-proposal-${fx.proposal.id}`, { state: 'detached' });
  const accepted = (await api('GET', `/api/v2/macros/${fx.proposal.id}`)).macro;
  check(accepted.active && !accepted.review_required, 'accepting activates the proposal and ends its review');
  console.log('ok proposal accepted in the review queue');

  // Apply the new macro on the ticket page.
  await page.goto(new URL(`/agent/#/tickets/${fx.ticket.id}`, process.argv[2]).href);
  await page.waitForSelector(`#macro-select option[value="${id}"]`, { state: 'attached' });
  await page.selectOption('#macro-select', String(id));
  await page.click('#macro-preview-btn');
  await page.waitForSelector('#macro-preview blockquote');
  check((await page.textContent('#macro-preview')).includes('박서준님, 배송이 늦어져'), 'the preview renders the requester\'s name');
  await page.click('#macro-apply');
  check(await page.inputValue('#f-status') === 'pending', 'applying sets the status');
  await page.click('#c-send');
  await until(async () => {
    const t = (await api('GET', `/api/v2/tickets/${fx.ticket.id}`)).ticket;
    return t.status === 'pending';
  }, 'the ticket is pending after the macro');
  const comments = (await api('GET', `/api/v2/tickets/${fx.ticket.id}/comments`)).comments;
  check(comments.some((c) => c.body.includes('배송이 늦어져 죄송합니다')), 'the macro\'s reply was sent');
  // The ticket page re-renders after sending; leave only once it has (a
  // late re-render would draw over the next screen).
  await page.waitForFunction(() => [...document.querySelectorAll('.comment')].some((c) => c.textContent.includes('배송이 늦어져')));
  console.log('ok macro applied on the ticket page');
}

async function helpCenter(page) {
  await page.goto(new URL('/agent/#/admin/help_center', process.argv[2]).href);
  await page.waitForSelector('#hc-cat-form');
  await page.fill('#hc-cat-name', '계정');
  await page.click('#hc-cat-add');
  await page.waitForSelector('#hc-tree h2');
  await page.fill('#hc-sec-name', '로그인과 비밀번호');
  await page.click('#hc-sec-add');
  const sec = await until(async () => ((await api('GET', `${HC}/sections`)).sections || []).find((s) => s.name === '로그인과 비밀번호'), 'the section exists');
  await page.waitForSelector(`#hc-cat-rename-${sec.category_id}`);
  await page.click(`#hc-cat-rename-${sec.category_id}`);
  await page.fill(`#hc-cat-${sec.category_id}-name`, '계정 관리');
  await page.press(`#hc-cat-${sec.category_id}-name`, 'Enter');
  await page.waitForFunction((id) => document.querySelector(`#hc-cat-${id} h2`)?.textContent === '계정 관리', sec.category_id);
  check((await api('GET', `${HC}/categories/${sec.category_id}`)).category.name === '계정 관리', 'the category is renamed');
  await page.click(`#hc-new-in-${sec.id}`);
  await page.waitForSelector('#hc-ko-form');
  await page.fill('#hc-ko-title', '비밀번호 바꾸기');
  await page.fill('#hc-ko-body', '<h2>순서</h2><p>오른쪽 위 <strong>설정</strong>에서 비밀번호를 바꿀 수 있습니다.</p><script>alert(1)</script><p onclick="alert(2)">문의는 고객센터로.</p>');
  await page.click('#hc-ko-save');
  await page.waitForSelector('#hc-ko-preview .ac-html h2');
  await page.waitForFunction(() => /#\/admin\/help_center\/article\/\d+$/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  const draft = (await api('GET', `${HC}/articles/${id}/translations/ko`)).translation;
  check(draft.draft === true, 'saved as a draft first');
  check(!/script|onclick/i.test(draft.body), `the API stored the body sanitized: ${draft.body}`);
  check(!/alert/.test(await page.textContent('#hc-ko-preview .ac-html')), 'the preview shows the sanitized body');
  check((await raw('GET', `${HC}/ko/articles/${id}`, undefined, null)).status === 404, 'a draft is hidden from anonymous readers');
  await page.fill('#hc-en-title', 'Changing your password');
  await page.fill('#hc-en-body', '<h2>Steps</h2><p>Open <strong>Settings</strong> at the top right to change your password.</p>');
  await page.click('#hc-en-publish');
  await page.waitForSelector('#hc-en-preview .ac-html h2');
  await page.click('#hc-ko-publish');
  await page.waitForFunction(() => document.querySelector('#hc-ko-state .badge.ok'));
  const trs = (await api('GET', `${HC}/articles/${id}/translations`)).translations;
  const by = Object.fromEntries(trs.map((x) => [x.locale, x]));
  check(by.ko && by.en && !by.ko.draft && !by.en.draft, `both locales published: ${JSON.stringify(trs.map((x) => [x.locale, x.draft]))}`);
  const ko = await raw('GET', `${HC}/ko/articles/${id}`, undefined, null);
  const en = await raw('GET', `${HC}/en/articles/${id}`, undefined, null);
  check(ko.status === 200 && ko.json.article.title === '비밀번호 바꾸기', `anonymous readers get the Korean article: ${ko.status}`);
  check(en.status === 200 && en.json.article.title === 'Changing your password', `anonymous readers get the English article: ${en.status}`);
  await axe(page, 'article editor');
  await shot(page, 'admin-ko-article', true);
  console.log(`ok article ${id} written in ko and en, published (both locales readable anonymously)`);
  return id;
}

async function cards(page, fx) {
  await page.goto(new URL('/agent/#/admin/cards/new', process.argv[2]).href);
  await page.waitForSelector('#cd-form');
  await page.fill('#cd-title', '교환 기간');
  await page.fill('#cd-content', '상품 교환은 받은 날부터 7일 안에 신청할 수 있습니다.\n포장을 뜯지 않은 상품만 교환됩니다.');
  await page.fill('#cd-collection', '주문');
  await page.selectOption('#cd-verifier', String(fx.admin.id));
  await page.fill('#cd-verification_interval_days', '30');
  await page.click('#cd-save');
  await page.waitForFunction(() => /#\/admin\/cards\/\d+$/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  await page.waitForSelector('#cd-info');
  await page.fill('#cd-content', '상품 교환은 받은 날부터 14일 안에 신청할 수 있습니다.\n포장을 뜯지 않은 상품만 교환됩니다.');
  await page.click('#cd-save');
  await page.waitForFunction(() => /2/.test(document.querySelector('#cd-status').textContent));
  const card = (await api('GET', `/api/v2/hd/cards/${id}`)).card;
  check(card.version === 2 && card.state === 'needs_verification' && card.verification_interval_days === 30 && card.verifier.user_id === fx.admin.id,
    `the card is at version 2, waiting for its verifier: ${JSON.stringify(card)}`);
  await page.goto(new URL('/agent/#/admin/cards/queue', process.argv[2]).href);
  await page.waitForSelector(`#cd-diff-${id}`);
  const ins = await page.$$eval(`#cd-diff-${id} ins`, (els) => els.map((e) => e.textContent));
  const del = await page.$$eval(`#cd-diff-${id} del`, (els) => els.map((e) => e.textContent));
  check(ins.some((l) => l.includes('14일')) && del.some((l) => l.includes('7일')), `the diff shows 7일 removed and 14일 added: +${ins} -${del}`);
  await axe(page, 'cards queue');
  await shot(page, 'admin-ko-cards', true);
  await page.click(`#cd-verify-${id}`);
  await page.waitForSelector(`#cd-item-${id}`, { state: 'detached' });
  const verified = (await api('GET', `/api/v2/hd/cards/${id}`)).card;
  check(verified.state === 'verified' && verified.last_verified_by_id === fx.admin.id, 'the card is verified by the admin');
  console.log(`ok card ${id} edited, its diff seen in the queue, verified`);

  // An admin deletes a card after confirming.
  const gone = (await api('POST', '/api/v2/hd/cards', { card: { title: '지난 행사 안내', content: '종료된 행사입니다.' } })).card;
  await page.goto(new URL(`/agent/#/admin/cards/${gone.id}`, process.argv[2]).href);
  await page.waitForSelector('#cd-delete');
  page.once('dialog', (d) => d.accept());
  await page.click('#cd-delete');
  await page.waitForSelector('#cd-list');
  check((await raw('GET', `/api/v2/hd/cards/${gone.id}`)).status === 404, 'the deleted card is gone');
  console.log(`ok card ${gone.id} deleted`);
}

async function webhooks(page) {
  const hook = await receiver();
  try {
    await page.goto(new URL('/agent/#/admin/webhooks/new', process.argv[2]).href);
    await page.waitForSelector('#wh-form');
    await page.fill('#wh-name', '주문 시스템 알림');
    await page.fill('#wh-endpoint', hook.url);
    await page.click('#wh-add-header');
    await page.fill('#wh-hdr-name-0', 'X-Shop Id');
    await page.fill('#wh-hdr-value-0', 'hana-01');
    await page.click('#wh-save');
    await page.waitForSelector('#wh-custom_headers[aria-invalid="true"]');
    check((await page.textContent('#wh-custom_headers-err')).includes('header'), 'a bad header name is refused beside the headers');
    await page.fill('#wh-hdr-name-0', 'X-Shop-Id');
    await page.click('#wh-save');
    await page.waitForFunction(() => /#\/admin\/webhooks\/[^/]+$/.test(location.hash) && !location.hash.endsWith('/new'));
    const id = (await page.evaluate(() => location.hash)).split('/').pop();
    const w = (await api('GET', `/api/v2/webhooks/${id}`)).webhook;
    check(w.endpoint === hook.url && w.status === 'active' && w.custom_headers['X-Shop-Id'] === 'hana-01', `the webhook is stored active with its header: ${JSON.stringify(w)}`);
    await page.waitForSelector('#wh-test');
    await page.click('#wh-test');
    await page.waitForSelector('#wh-test-code');
    check((await page.textContent('#wh-test-code')).includes('200'), `the test call answered 200: ${await page.textContent('#wh-test-result')}`);
    const got = await until(() => hook.got.find((g) => g.body.includes('webhook.test')), 'the receiver got the test call');
    check(got.method === 'POST' && got.headers['x-zendesk-webhook-signature'] !== undefined && got.headers['x-shop-id'] === 'hana-01',
      `the test call is signed and carries the custom header: ${JSON.stringify(got.headers)}`);
    await page.waitForSelector('#wh-log tbody tr[id^="wh-row-"]');
    const row = await page.textContent('#wh-log tbody tr[id^="wh-row-"]');
    check(row.includes('테스트 호출') && row.includes('200'), `the delivery log shows the test call: ${row}`);
    const inv = (await api('GET', `/api/v2/webhooks/${id}/invocations`)).invocations;
    check(inv.length === 1 && inv[0].status === 'success' && inv[0].event_type === 'zen:event-type:webhook.test', `the API lists the test: ${JSON.stringify(inv)}`);
    await page.click('#wh-secret-show');
    await page.waitForSelector('#wh-secret code');
    const secret = (await api('GET', `/api/v2/webhooks/${id}/signing_secret`)).signing_secret.secret;
    check(await page.textContent('#wh-secret code') === secret, 'the page shows the signing secret on request');
    await page.click('#wh-log tbody tr[id^="wh-row-"] button');
    await page.waitForSelector('#wh-log .ac-attempts li');
    await axe(page, 'webhook page');
    await shot(page, 'admin-ko-webhooks', true);
    console.log(`ok webhook ${id}: test call answered 200 and is in the delivery log`);

    // A dead letter: a webhook on ticket creation whose receiver answers
    // 410 until it is fixed, then replayed from the page.
    hook.gone.add('/gone');
    const dead = (await api('POST', '/api/v2/webhooks', { webhook: { name: '사라진 수신처', endpoint: `${hook.base}/gone`,
      http_method: 'POST', request_format: 'json', status: 'active', subscriptions: ['zen:event-type:ticket.created'] } })).webhook;
    await api('POST', '/api/v2/tickets', { ticket: { subject: '웹훅 실패 확인', comment: { body: '데드 레터를 만듭니다.' }, requester: { name: '박서준', email: 'seojun@example.com' } } });
    const letter = await until(async () => ((await api('GET', `/api/v2/hd/webhooks/${dead.id}/dead_letters`)).dead_letters || [])[0], 'a dead letter');
    await page.goto(new URL(`/agent/#/admin/webhooks/${dead.id}`, process.argv[2]).href);
    await page.waitForSelector(`#wh-replay-${letter.id}`);
    check((await page.textContent(`#wh-dead #wh-row-${letter.id}`)).includes('410'), 'the dead letter shows its 410');
    await axe(page, 'webhook dead letters');
    hook.gone.delete('/gone');
    const before = hook.got.filter((g) => g.path === '/gone').length;
    await page.click(`#wh-replay-${letter.id}`);
    await until(() => hook.got.filter((g) => g.path === '/gone').length > before, 'the replayed delivery reached the receiver');
    await until(async () => ((await api('GET', `/api/v2/hd/webhooks/${dead.id}/dead_letters`)).dead_letters || []).length === 0, 'the dead letters are empty after the replay');
    await page.click('#wh-refresh');
    await page.waitForFunction((id) => !document.querySelector(`#wh-replay-${id}`), letter.id);
    console.log(`ok dead letter ${letter.id} replayed from the page`);
  } finally {
    hook.close();
  }
}

async function addresses(page) {
  await page.goto(new URL('/agent/#/admin/addresses', process.argv[2]).href);
  await page.waitForSelector('#ad-form');
  await page.fill('#ad-email', 'not-an-address');
  await page.click('#ad-add');
  await page.waitForSelector('#ad-email[aria-invalid="true"]');
  check((await page.textContent('#ad-email-err')).includes('email'), 'the API\'s message is shown beside the e-mail');
  await page.fill('#ad-email', 'Help@Hana.example');
  await page.fill('#ad-name', '하나 고객센터');
  await page.click('#ad-add');
  const a = await until(async () => ((await api('GET', '/api/v2/recipient_addresses')).recipient_addresses || [])[0], 'the support address exists');
  check(a.email === 'help@hana.example' && a.default && a.forwarding_status === 'unknown', `stored lower-cased, the default: ${JSON.stringify(a)}`);
  await page.waitForSelector(`#ad-verify-${a.id}`);
  await page.click(`#ad-verify-${a.id}`);
  await page.waitForFunction((id) => /전달 기다리는 중/.test(document.querySelector(`#ad-state-${id}`)?.textContent || ''), a.id);
  const after = (await api('GET', `/api/v2/recipient_addresses/${a.id}`)).recipient_address;
  check(after.forwarding_status === 'waiting', 'verifying waits for the forwarded mail');
  await axe(page, 'support addresses');
  await shot(page, 'admin-ko-addresses');
  console.log(`ok support address ${a.id} added and waiting for its forwarded check mail`);
}

// An agent sees only what the API lets agents do: macros (personal) and
// cards; the admin-only sections are not offered.
async function agentView() {
  const AGENT = { email: 'dohyun.lee@example.com', name: '이도현', password: 'Hana-agent-pw-2026!' };
  const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: AGENT.name, email: AGENT.email, role: 'agent' } })).user;
  await api('PUT', `/api/v2/users/${u.id}/password`, { password: AGENT.password });
  const { page, problems } = await launch('ko-KR');
  await signInWorkspace(page, AGENT.email, AGENT.password);
  await page.goto(new URL('/agent/#/admin/webhooks', process.argv[2]).href);
  await page.waitForSelector('#mc-list');
  const menu = await page.$$eval('.admin-menu ul[data-group="settings"] a', (as) => as.map((a) => a.getAttribute('href')));
  check(menu.join(' ') === '#/admin/macros #/admin/views #/admin/cards', `an agent is offered macros, personal views and cards only: ${menu}`);
  await page.click('#mc-new');
  await page.waitForSelector('#mc-form');
  const scopes = await page.$$eval('#mc-scope option', (os) => os.map((o) => o.value));
  check(scopes.join() === 'personal' && await page.isDisabled('#mc-active'), `an agent writes personal macros only: ${scopes}`);
  await page.fill('#mc-title', '내 인사말');
  await page.selectOption('#mc-act-field-0', 'comment_value');
  await page.fill('#mc-act-value-0', '안녕하세요, 상담원 이도현입니다.');
  await page.click('#mc-save');
  await page.waitForFunction(() => /#\/admin\/macros\/\d+$/.test(location.hash));
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  const m = (await api('GET', `/api/v2/macros/${id}`, undefined, basicAuth(AGENT.email, AGENT.password))).macro;
  check((await raw('GET', `/api/v2/macros/${id}`)).status === 404, 'no one else sees a personal macro, admins neither');
  check(m.restriction && m.restriction.type === 'User' && m.restriction.id === u.id, `the agent's macro is personal: ${JSON.stringify(m.restriction)}`);
  await axe(page, 'macro editor (agent)');
  const errors = problems.filter((p) => !/Failed to load resource/.test(p));
  check(!errors.length, `no script errors (agent): ${errors.join(' | ')}`);
  await page.context().close();
  console.log('ok an agent gets macros (personal) and cards only');
}

async function english(articleId) {
  const { page, problems } = await launch('en-US');
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  await page.goto(new URL(`/agent/#/admin/help_center/article/${articleId}`, process.argv[2]).href);
  await page.waitForSelector('#hc-en-preview .ac-html h2');
  check((await page.textContent('.admin-body h1')).startsWith('Edit article'), `the console speaks English: ${await page.textContent('.admin-body h1')}`);
  check((await page.textContent('.admin-menu')).includes('Knowledge cards'), 'the menu is in English');
  await axe(page, 'article editor (en)');
  await shot(page, 'admin-en-article', true);
  for (const [hash, sel] of [['macros', '#mc-list'], ['cards', '#cd-list'], ['webhooks', '#wh-list'], ['addresses', '#ad-list'], ['help_center', '#hc-tree']]) {
    await page.goto(new URL(`/agent/#/admin/${hash}`, process.argv[2]).href);
    await page.waitForSelector(sel);
    await axe(page, `${hash} (en)`);
  }
  const errors = problems.filter((p) => !/Failed to load resource/.test(p));
  check(!errors.length, `no script errors (en): ${errors.join(' | ')}`);
  await page.context().close();
  console.log('ok English console');
}

run('admin_content', async () => {
  const fx = await fixtures();
  const { page, problems } = await launch('ko-KR');
  await signInWorkspace(page, ADMIN.email, ADMIN.password);
  check(await page.isVisible('#nav-settings'), 'an admin sees the settings link');
  let articleId;
  try {
    await macros(page, fx);
    articleId = await helpCenter(page);
    await cards(page, fx);
    await webhooks(page);
    await addresses(page);
  } catch (e) {
    // What the screen said when a step failed, to tell a wrong wait from an
    // error the page showed.
    const said = await page.evaluate(() => document.querySelector('#main')?.innerText).catch(() => '');
    console.log(`screen at failure (${await page.evaluate(() => location.hash).catch(() => '?')}):\n${said}\nconsole: ${problems.join(' | ')}`);
    throw e;
  }
  check(!problems.some((p) => /Content Security Policy/i.test(p)), `no CSP violations: ${problems.join(' | ')}`);
  // Refused API calls the steps make on purpose (a blank title's 422, the
  // session probe's 401) are logged by Chromium as failed loads; anything
  // else is a script error.
  const errors = problems.filter((p) => !/Failed to load resource/.test(p));
  check(!errors.length, `no script errors: ${errors.join(' | ')}`);
  await page.context().close();
  await agentView();
  await english(articleId);
});
