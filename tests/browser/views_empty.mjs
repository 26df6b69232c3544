// An agent who can see no view (a new account on a new suite, or every view
// restricted to other groups) signs in to the workspace: the list says there
// is no active view, in Korean and in English, and the page asks the API
// for no view at all (it used to ask for /views/NaN/tickets and show
// "Not found"). A malformed address (#/views/abc) says the same. axe-core
// on both; screenshots views-empty-{ko,en}.png.
//   node tests/browser/views_empty.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, api, launch, shot, axe, until, check, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const PW = 'Hana-desk-pw-2026!';
const NONE = { ko: '활성화된 뷰가 없습니다.', en: 'No active views.' };

async function screen(lang, email) {
  const { ctx, page, problems } = await launch(lang === 'ko' ? 'ko-KR' : 'en-US');
  const viewCalls = [];
  const failed = [];
  page.on('request', (r) => { if (/\/api\/v2\/views\/[^/]+\/tickets/.test(r.url())) viewCalls.push(r.url()); });
  await signInWorkspace(page, email, PW);
  // After sign-in: before it, the session check's 401 is expected.
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  await until(async () => (await page.textContent('#list-body').catch(() => '')) === NONE[lang],
    `the list says "${NONE[lang]}"`);
  await shot(page, `views-empty-${lang}`);
  await axe(page, `views empty ${lang}`);
  await page.evaluate(() => { location.hash = '#/views/abc'; });
  await until(async () => (await page.textContent('#list-body').catch(() => '')) === NONE[lang],
    `#/views/abc says "${NONE[lang]}"`);
  check(viewCalls.length === 0, `no view's tickets are asked for (asked: ${viewCalls.join(', ')})`);
  check(failed.length === 0, `no request fails (${failed.join(', ')})`);
  // Failed loads are the responses checked above (the sign-in's own 401
  // comes before); anything else in the console is a page error.
  const other = problems.filter((p) => !/Failed to load resource/.test(p));
  check(other.length === 0, `no page errors or CSP violations (${other.join(' | ')})`);
  await ctx.close();
}

run('views_empty', async () => {
  const email = 'jiwoo.han@example.com';
  const agent = (await api('POST', '/api/v2/users/create_or_update',
    { user: { name: '한지우', email, role: 'agent' } })).user;
  await api('PUT', `/api/v2/users/${agent.id}/password`, { password: PW });
  const views = (await api('GET', '/api/v2/views')).views;
  check(views.length === 0, `the suite starts with no view (has ${views.length})`);
  await screen('ko', email);
  await screen('en', email);
});
