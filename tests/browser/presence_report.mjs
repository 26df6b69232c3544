// The presence report (#/admin/report-presence) in a real browser: an agent
// spends time in a seeded state (통화중) and in two custom ones made here
// (채팅대기, which takes work; 점심, which does not). In Korean and
// English, the chart's legend and its table show each state as the rest of
// the workspace does: the category's symbol before the state's name (the
// seeded state's English name in English; a custom state keeps its name),
// and a screen reader (Chromium's accessibility tree, as an aria snapshot)
// hears the category in words, not the symbol. axe-core on each page;
// screenshots presence-report-{ko,en}.png.
//   node tests/browser/presence_report.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, env, api, launch, shot, axe, until, check, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const PW = 'Hana-desk-pw-2026!';
const ADMIN = { email: 'presrep.admin@example.com', name: '최관리', role: 'admin' };
const AGENT = { email: 'minji.kim@example.com', name: '김민지' };
// This script's own table of how each state reads, not the workspace's.
const STATES = [
  { state: '통화중', symbol: '⊖', ko: { name: '통화중', kind: '업무 중' }, en: { name: 'On a call', kind: 'busy' } },
  { state: '채팅대기', available: true, symbol: '●', ko: { name: '채팅대기', kind: '상담 가능' }, en: { name: '채팅대기', kind: 'available' } },
  { state: '점심', available: false, symbol: '⊖', ko: { name: '점심', kind: '업무 중' }, en: { name: '점심', kind: 'busy' } },
];
const url = (path) => new URL(path, env.base).href;

// The agent's seconds per state in this week's presence report.
async function secondsIn(agentId) {
  const now = Math.floor(Date.now() / 1000);
  const rep = (await api('GET', `/api/v2/hd/reports/agents?start_time=${now - 7 * 86400}&end_time=${now + 86400}`)).report;
  return (rep.rows.find((r) => r.agent_id === agentId) || {}).time_in_states || {};
}

// What an element shows (without the screen-reader-only parts) and what a
// screen reader reads for it.
async function readOf(el) {
  const shown = await el.evaluate((r) => {
    const c = r.cloneNode(true);
    for (const x of c.querySelectorAll('.sr-only')) x.remove();
    return c.textContent.replace(/\s+/g, ' ').trim();
  });
  return { shown, read: await el.ariaSnapshot() };
}

function expect(lang, where, s, { shown, read }) {
  const want = s[lang];
  check(shown.includes(`${s.symbol} ${want.name}`), `${lang} ${where}: ${s.state} shows "${s.symbol} ${want.name}" (got "${shown}")`);
  check(read.toLocaleLowerCase().includes(want.kind.toLocaleLowerCase()) && read.includes(want.name),
    `${lang} ${where}: ${s.state} is read with "${want.name}" and its category "${want.kind}" (got ${JSON.stringify(read)})`);
  check(!read.includes(s.symbol), `${lang} ${where}: the symbol of ${s.state} is not read out (got ${JSON.stringify(read)})`);
  console.log(`ok ${lang} ${where} ${s.state}: shows "${shown}", read as ${JSON.stringify(read)}`);
}

async function report(lang, locale) {
  const { ctx, page, problems } = await launch(locale);
  await signInWorkspace(page, ADMIN.email, PW);
  await page.goto(url('/agent/#/admin/report-presence'));
  await page.waitForSelector('#reports-presence[data-ready="1"]');
  const errors = await page.locator('#reports-presence .error').allTextContents();
  check(errors.length === 0, `${lang}: the report has no error (${errors.join(' | ')})`);

  const legend = page.locator('#report-agents ul.chart-legend');
  check(await legend.count() === 1, `${lang}: the chart has a legend written beside it`);
  const label = await legend.getAttribute('aria-label');
  check(label && label.length > 0, `${lang}: the legend is named (${label})`);
  for (const s of STATES) {
    const item = legend.locator('li').filter({ has: page.locator(`[data-state="${s.state}"]`) });
    check(await item.count() === 1, `${lang} legend: one entry for ${s.state}`);
    expect(lang, 'legend', s, await readOf(item));
  }
  const row = page.locator('#report-agents table tbody tr').filter({ hasText: AGENT.name });
  check(await row.count() === 1, `${lang} table: a row for ${AGENT.name}`);
  for (const s of STATES) {
    const item = row.locator('li').filter({ has: page.locator(`[data-state="${s.state}"]`) });
    check(await item.count() === 1, `${lang} table: ${AGENT.name}'s time in ${s.state}`);
    expect(lang, 'table', s, await readOf(item));
  }
  await shot(page, `presence-report-${lang}`, true);
  await axe(page, `presence report ${lang}`);
  const other = problems.filter((p) => !/Failed to load resource/.test(p));
  check(other.length === 0, `${lang}: no console errors (${other.join('; ')})`);
  await ctx.close();
}

run('presence_report', async () => {
  const admin = (await api('POST', '/api/v2/users/create_or_update', { user: { name: ADMIN.name, email: ADMIN.email, role: ADMIN.role } })).user;
  await api('PUT', `/api/v2/users/${admin.id}/password`, { password: PW });
  const agent = (await api('POST', '/api/v2/users/create_or_update', { user: { name: AGENT.name, email: AGENT.email, role: 'agent' } })).user;
  for (const s of STATES.filter((x) => 'available' in x)) {
    await api('POST', '/api/v2/hd/presence_states', { presence_state: { name: s.state, available: s.available } });
  }
  // A second or more in each state: the report counts whole seconds.
  for (const s of STATES) {
    await api('PUT', `/api/v2/hd/agents/${agent.id}/presence`, { presence: { state: s.state } });
    await until(async () => ((await secondsIn(agent.id))[s.state] || 0) >= 1, `the report counts time in ${s.state}`);
  }
  console.log(`ok time in states: ${JSON.stringify(await secondsIn(agent.id))}`);
  await report('ko', 'ko-KR');
  await report('en', 'en-US');
});
