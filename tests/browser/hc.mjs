// The help center's server-rendered pages (issue 17) in Chromium: browse
// categories, a section and an article in Korean and in English, switch
// language, search "배송" and find the article with the hit marked, vote
// "yes" through the plain form (signed in), run axe-core on each screen and
// write hc-<ko|en>-<screen>.png. No page may log an error (a CSP refusal of
// an inline script or style would).
//   node tests/browser/hc.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, api, raw, launch, shot, axe, until, check, run, env } from './lib.mjs';

setup(process.argv.slice(2));
const HC = '/api/v2/help_center';
const PASSWORD = 'Hc-browser-pass-1';

async function content() {
  const cat = (await api('POST', `${HC}/categories`, { category: { name: '주문과 배송', description: '주문, 배송, 반품 안내', locale: 'ko' } })).category;
  await api('POST', `${HC}/categories`, { category: { name: '계정과 로그인', description: '비밀번호, 회원 정보', locale: 'ko' } });
  const sec = (await api('POST', `${HC}/categories/${cat.id}/sections`, { section: { name: '배송', description: '배송 조회와 지연', locale: 'ko' } })).section;
  const art = (await api('POST', `${HC}/sections/${sec.id}/articles`, { article: {
    title: '배송 조회 방법', locale: 'ko',
    body: '<p>주문 내역에서 <strong>배송 조회</strong>를 누르면 택배사와 송장 번호가 보입니다.</p><ul><li>평일 오후 3시 이전 주문은 당일 출고됩니다.</li><li>도서 산간 지역은 1~2일 더 걸릴 수 있습니다.</li></ul>',
  } })).article;
  await api('POST', `${HC}/articles/${art.id}/translations`, { translation: {
    locale: 'en-us', title: 'Tracking your delivery',
    body: '<p>Open your orders and choose <strong>Track delivery</strong> to see the carrier and tracking number.</p><ul><li>Orders placed before 3 p.m. on weekdays ship the same day.</li></ul>',
  } });
  await api('POST', `${HC}/sections/${sec.id}/articles`, { article: { title: '교환과 반품', locale: 'ko', body: '<p>받은 날로부터 7일 안에 신청하세요.</p>' } });
  const user = (await api('POST', '/api/v2/users', { user: { name: '김민지', email: 'minji.hc@example.kr', role: 'end-user' } })).user;
  await api('POST', `/api/v2/users/${user.id}/password`, { password: PASSWORD });
  return { cat, sec, art };
}

const url = (path) => new URL(path, env.base).href;

async function noProblems(problems, screen) {
  check(problems.length === 0, `no console errors on ${screen}: ${problems.join(' | ')}`);
}

// A failed request names its URL (the console's message does not).
function watch(page, problems) {
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
}

async function korean(w) {
  const { ctx, page, problems } = await launch('ko-KR');
  watch(page, problems);
  try {
    await page.goto(url('/hc/'));
    check(new URL(page.url()).pathname === '/hc/ko/', `/hc/ sends a Korean browser to /hc/ko/ (${page.url()})`);
    check(await page.getAttribute('html', 'lang') === 'ko', 'lang="ko"');
    check((await page.textContent('h1')).includes('무엇을 도와드릴까요?'), 'the Korean home page heading');
    await axe(page, 'hc-ko-home');
    await shot(page, 'hc-ko-home');

    await page.click(`a[href="/hc/ko/categories/${w.cat.id}"]`);
    await page.waitForSelector(`a[href="/hc/ko/sections/${w.sec.id}"]`);
    check((await page.title()).startsWith('주문과 배송'), 'the category page title');
    await page.click(`a[href="/hc/ko/sections/${w.sec.id}"]`);
    await page.click(`a[href="/hc/ko/articles/${w.art.id}"]`);
    await page.waitForSelector('.hc-article-body strong');
    check((await page.textContent('h1')) === '배송 조회 방법', 'the article heading');
    check(await page.isVisible('nav.hc-crumbs >> text=배송'), 'breadcrumbs name the section');
    const canonical = await page.getAttribute('link[rel=canonical]', 'href');
    check(canonical === url(`/hc/ko/articles/${w.art.id}`), `canonical is absolute (${canonical})`);
    await axe(page, 'hc-ko-article');
    await shot(page, 'hc-ko-article', true);

    // Search from the home page's form, typed like a person.
    await page.goto(url('/hc/ko/'));
    await page.fill('#hc-query', '배송');
    await Promise.all([page.waitForURL(/\/hc\/ko\/search\?query=/), page.press('#hc-query', 'Enter')]);
    await page.waitForSelector(`.hc-results a[href="/hc/ko/articles/${w.art.id}"]`);
    const marks = await page.$$eval('.hc-results mark', (m) => m.map((e) => e.textContent));
    check(marks.some((t) => t.includes('배송')), `the hit is marked (${marks.join(',')})`);
    await axe(page, 'hc-ko-search');
    await shot(page, 'hc-ko-search');
    await noProblems(problems, 'Korean pages');

    // Signed in, "yes" is a plain form POST; the vote lands through the API.
    const res = await raw('POST', '/api/v2/hd/session', { session: { email: 'minji.hc@example.kr', password: PASSWORD } }, null);
    check(res.status === 200, `sign-in ${res.status}`);
    const sid = /hd_session=([0-9a-f]{64})/.exec(res.headers.get('set-cookie'))[1];
    const host = new URL(env.base).hostname;
    await ctx.addCookies([{ name: 'hd_session', value: sid, domain: host, path: '/', httpOnly: true, sameSite: 'Lax' }]);
    await page.goto(url(`/hc/ko/articles/${w.art.id}`));
    check(await page.isVisible('a[href="/hc/ko/requests"]'), 'the header offers "my requests" when signed in');
    await Promise.all([page.waitForURL(/voted=up/), page.click('.hc-vote button[value=up]')]);
    await page.waitForSelector('.hc-vote .hc-notice');
    const a = await until(async () => {
      const got = (await api('GET', `${HC}/articles/${w.art.id}`)).article;
      return got.vote_count === 1 ? got : null;
    }, 'the vote is counted');
    check(a.vote_sum === 1, `one "yes" vote (${a.vote_sum})`);
    check((await page.textContent('.hc-vote')).includes('1명 중 1명이'), 'the count under the form');
    await noProblems(problems, 'the vote');
  } finally {
    await ctx.close();
  }
}

async function english(w) {
  const { ctx, page, problems } = await launch('en-US');
  watch(page, problems);
  try {
    await page.goto(url('/hc/'));
    check(new URL(page.url()).pathname === '/hc/en/', `/hc/ sends an English browser to /hc/en/ (${page.url()})`);
    check(await page.getAttribute('html', 'lang') === 'en', 'lang="en"');
    check((await page.textContent('h1')).includes('How can we help?'), 'the English home page heading');
    await axe(page, 'hc-en-home');
    await shot(page, 'hc-en-home');

    await page.click(`a[href="/hc/en/categories/${w.cat.id}"]`);
    await page.click(`a[href="/hc/en/sections/${w.sec.id}"]`);
    await page.waitForSelector(`a[href="/hc/en/articles/${w.art.id}"]`);
    const items = await page.$$eval('.hc-list a', (l) => l.map((e) => e.textContent));
    check(items.length === 1 && items[0] === 'Tracking your delivery', `English articles only (${items.join(',')})`);
    await page.click(`a[href="/hc/en/articles/${w.art.id}"]`);
    await page.waitForSelector('.hc-article-body strong');
    check((await page.textContent('h1')) === 'Tracking your delivery', 'the English article heading');
    const alt = await page.getAttribute('link[hreflang=ko]', 'href');
    check(alt === url(`/hc/ko/articles/${w.art.id}`), `hreflang ko alternate (${alt})`);
    await axe(page, 'hc-en-article');
    await shot(page, 'hc-en-article', true);

    // The language switch: the same article in Korean.
    await page.click('.hc-langs a[hreflang=ko]');
    await page.waitForURL(new RegExp(`/hc/ko/articles/${w.art.id}$`));
    check((await page.textContent('h1')) === '배송 조회 방법', 'the switch shows the Korean translation');
    await noProblems(problems, 'English pages');
  } finally {
    await ctx.close();
  }
}

run('hc', async () => {
  const w = await content();
  await korean(w);
  await english(w);
});
