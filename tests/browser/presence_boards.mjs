// Agents' presence on the screens that list them, in a real browser: the
// live wallboard (#/wallboard) and the admin console's agents page
// (#/admin/agents). Two agents are put in different states through the API
// (통화중, busy; 자리비움, away); on each screen, Korean and English, each
// agent's row shows the category's symbol before the state's name (English
// names for the seeded Korean states in English), and what a screen reader
// reads (Chromium's accessibility tree, as an aria snapshot) names the
// category in words. axe-core on each screen; screenshots
// presence-boards-{ko,en}-{wallboard,agents}.png.
//   node tests/browser/presence_boards.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, env, api, launch, shot, axe, until, check, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const PW = 'Hana-desk-pw-2026!';
const ADMIN = { email: 'boards.admin@example.com', name: '최관리', role: 'admin' };
// This script's own table of how each state reads, not the workspace's.
const AGENTS = [
  { email: 'jihun.park@example.com', name: '박지훈', state: '통화중', symbol: '⊖',
    ko: { name: '통화중', kind: '업무 중' }, en: { name: 'On a call', kind: 'busy' } },
  { email: 'seoyeon.lee@example.com', name: '이서연', state: '자리비움', symbol: '◐',
    ko: { name: '자리비움', kind: '자리 비움' }, en: { name: 'Away from desk', kind: 'away' } },
];
const url = (path) => new URL(path, env.base).href;

// What one row shows and what a screen reader reads for it. The visible
// text leaves out the screen-reader-only parts (.sr-only).
async function rowOf(row) {
  const shown = await row.evaluate((r) => {
    const c = r.cloneNode(true);
    for (const x of c.querySelectorAll('.sr-only')) x.remove();
    return c.textContent.replace(/\s+/g, ' ').trim();
  });
  return { shown, read: await row.ariaSnapshot() };
}

function expect(lang, screen, a, { shown, read }) {
  const want = a[lang];
  check(shown.includes(`${a.symbol} ${want.name}`), `${lang} ${screen}: ${a.name}'s row shows "${a.symbol} ${want.name}" (got "${shown}")`);
  check(read.toLocaleLowerCase().includes(want.kind.toLocaleLowerCase()) && read.includes(want.name),
    `${lang} ${screen}: ${a.name}'s row is read with "${want.name}" and its category "${want.kind}" (got ${JSON.stringify(read)})`);
  check(!read.includes(a.symbol), `${lang} ${screen}: the symbol is not read out for ${a.name} (got ${JSON.stringify(read)})`);
  console.log(`ok ${lang} ${screen} ${a.name}: shows "${shown}", read as ${JSON.stringify(read)}`);
}

async function boards(lang, locale) {
  const { ctx, page, problems } = await launch(locale);
  await signInWorkspace(page, ADMIN.email, PW);

  await page.goto(url('/agent/#/wallboard'));
  await page.waitForSelector('#wb[aria-busy="false"]');
  for (const a of AGENTS) {
    const row = page.locator('#wb tbody tr').filter({ has: page.locator('td:last-child', { hasText: a.name }) });
    await until(async () => (await row.count()) === 1, `${lang} wallboard: a row lists ${a.name}`);
    expect(lang, 'wallboard', a, await rowOf(row));
  }
  await shot(page, `presence-boards-${lang}-wallboard`);
  await axe(page, `wallboard ${lang}`);

  await page.goto(url('/agent/#/admin/agents'));
  await page.waitForSelector('#ag-list li');
  for (const a of AGENTS) {
    const row = page.locator('#ag-list li').filter({ hasText: a.name });
    await until(async () => (await row.count()) === 1, `${lang} agents: the list has ${a.name}`);
    expect(lang, 'agents', a, await rowOf(row));
  }
  await shot(page, `presence-boards-${lang}-agents`);
  await axe(page, `agents ${lang}`);

  const other = problems.filter((p) => !/Failed to load resource/.test(p));
  check(other.length === 0, `${lang}: no console errors (${other.join('; ')})`);
  await ctx.close();
}

run('presence_boards', async () => {
  const admin = (await api('POST', '/api/v2/users/create_or_update', { user: { name: ADMIN.name, email: ADMIN.email, role: ADMIN.role } })).user;
  await api('PUT', `/api/v2/users/${admin.id}/password`, { password: PW });
  for (const a of AGENTS) {
    const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: a.name, email: a.email, role: 'agent' } })).user;
    await api('PUT', `/api/v2/hd/agents/${u.id}/presence`, { presence: { state: a.state } });
    check((await api('GET', `/api/v2/hd/agents/${u.id}/presence`)).presence.state === a.state, `${a.name} is in ${a.state}`);
  }
  await boards('ko', 'ko-KR');
  await boards('en', 'en-US');
});
