// Reports, agent performance and the team builder (issue 18) in Chromium:
// a team lead (an agent) opens the reports, filters by group, exports the
// CSV (the downloaded file's rows equal the API's), reads the proficiency
// page with its formula and changes a weight, and gets a team proposal
// without an apply button; an admin applies a proposal to two groups (the
// memberships are checked through the API). axe-core on every screen;
// screenshots reports-<ko|en>-<screen>.png.
//   node tests/browser/reports.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { readFileSync } from 'node:fs';
import { setup, api, raw, launch, shot, axe, until, check, signInWorkspace, run } from './lib.mjs';

setup(process.argv.slice(2));
const PW = 'Hana-desk-pw-2026!';
const LEAD = { email: 'lead@example.com', name: '한팀장', role: 'agent' };
const BOSS = { email: 'boss@example.com', name: 'Admin Park', role: 'admin' };

async function person(p) {
  const u = (await api('POST', '/api/v2/users/create_or_update', { user: { name: p.name, email: p.email, role: p.role } })).user;
  await api('PUT', `/api/v2/users/${u.id}/password`, { password: PW });
  return u;
}

// A small team with work today: the lead and three agents in 배송팀,
// tickets on two channels and tags, replies, solves and ratings.
async function fixtures() {
  const lead = await person(LEAD);
  const boss = await person(BOSS);
  const agents = [lead];
  for (const [i, name] of ['김민지', '이서준', '박지우'].entries()) agents.push(await person({ email: `agent${i}@example.com`, name, role: 'agent' }));
  const group = async (name, members) => {
    const g = (await api('POST', '/api/v2/groups', { group: { name } })).group;
    for (const m of members) await api('POST', '/api/v2/group_memberships', { group_membership: { user_id: m.id, group_id: g.id } });
    return g;
  };
  const ship = await group('배송팀', agents);
  const pay = await group('결제팀', []);
  const red = await group('A조', []);
  const blue = await group('B조', []);
  const requester = { name: '최고객', email: 'choi@example.kr' };
  for (const [i, a] of agents.entries()) {
    for (let j = 0; j <= i; j++) {
      const tk = (await api('POST', '/api/v2/tickets', { ticket: { subject: `배송 지연 문의 ${i}-${j}`, comment: { body: '주문한 상품이 아직 안 왔어요' },
        requester, group_id: ship.id, assignee_id: a.id, tags: ['배송'] } })).ticket;
      await api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { comment: { body: '확인해 보겠습니다.', public: true } } });
      await api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { status: 'solved' } });
      await api('PUT', `/api/v2/tickets/${tk.id}`, { ticket: { satisfaction_rating: { score: j % 2 ? 'bad' : 'good', comment: j % 2 ? '느려요' : '친절해요' } } });
    }
  }
  await api('POST', '/api/v2/tickets', { ticket: { subject: '결제 오류', comment: { body: '카드 결제가 안 돼요' }, requester, group_id: pay.id, tags: ['결제'] } });
  return { lead, boss, agents, ship, pay, red, blue };
}

// Failed requests of these pages (their API calls and files; the sign-in
// probe's 401 and the views pane are the workspace's own), and console
// errors other than failed loads.
const OURS = /\/api\/v2\/(hd\/reports|hd\/teams|group_memberships|groups|users\?|satisfaction_ratings)|\/agent\/(reports\.css|js\/admin|i18n)/;
function watch(page) {
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400 && OURS.test(r.url())) failed.push(`${r.status()} ${r.url()}`); });
  return failed;
}

function quiet(problems, failed) {
  check(failed.length === 0, `no failed requests: ${failed.join(' | ')}`);
  const other = problems.filter((p) => !/Failed to load resource/.test(p));
  check(other.length === 0, `no console errors: ${other.join(' | ')}`);
}

const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const ready = (page, id) => page.waitForSelector(`#reports-${id}[data-ready="1"]`);

// The page's CSV link downloads exactly the API's CSV for its query.
async function csvMatches(page, name) {
  const link = page.locator(`#report-${name} a.csv`);
  const href = await link.getAttribute('href');
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = readFileSync(await dl.path(), 'utf8');
  const want = await raw('GET', href);
  check(want.status === 200, `the API answers ${href}: ${want.status}`);
  const rows = (s) => s.replace(/^\ufeff/, '').split('\r\n').filter(Boolean);
  check(rows(file).length > 1, `the ${name} CSV has rows: ${file.slice(0, 200)}`);
  check(JSON.stringify(rows(file)) === JSON.stringify(rows(want.text)), `the downloaded ${name} CSV has the API's rows\n${file}\n---\n${want.text}`);
  check(dl.suggestedFilename() === `${name}.csv`, `file name ${dl.suggestedFilename()}`);
  return href;
}

async function leadRun(fx) {
  const { page, problems } = await launch('ko-KR', { acceptDownloads: true });
  const failed = watch(page);
  await signInWorkspace(page, LEAD.email, PW);
  // The console's Reports link is there for an agent.
  await until(async () => !(await page.locator('#nav-reports').isHidden()), 'the Reports link shows for a team lead');

  // Volume: the heat map (weekday × hour) and the volume chart, each with
  // its table.
  await go(page, '#/admin/report-volume');
  await ready(page, 'volume');
  check(await page.locator('#report-heatmap svg.chart rect.heat-cell').count() === 7 * 24, 'the heat map has 7 × 24 cells');
  check(await page.locator('#report-heatmap table.heat-table tbody tr').count() === 7, 'the heat map has its table');
  check(await page.locator('#report-volume svg.chart').count() === 1, 'the volume chart is drawn');
  await shot(page, 'reports-ko-volume', true);
  await axe(page, 'reports volume (ko)');
  console.log('ok volume and heat map');

  // Filter by group: the page's rows are the API's rows for that group.
  await page.selectOption('#rf-group_id', String(fx.ship.id));
  await page.click('#rf-apply');
  await until(() => page.evaluate((g) => location.hash.includes(`group_id=${g}`) && !!document.querySelector('#reports-volume[data-ready="1"]')
    && document.querySelector('#rf-group_id').value === String(g), fx.ship.id), 'the volume page reloads filtered by group');
  const href = await csvMatches(page, 'volume');
  check(href.includes(`group_id=${fx.ship.id}`), `the CSV is of the group: ${href}`);
  const api1 = (await api('GET', href.replace('format=csv', 'format=json'))).report;
  const shown = Number(await page.locator('#report-volume').getAttribute('data-rows'));
  check(shown === api1.rows.length && shown > 0, `the page shows the API's ${api1.rows.length} rows (${shown})`);
  const all = (await api('GET', href.replace('format=csv', 'format=json').replace(`group_id=${fx.ship.id}`, ''))).report;
  const sum = (rep) => rep.rows.reduce((n, r) => n + r.tickets, 0);
  check(sum(api1) === 10 && sum(all) > 11, `the group has only its own tickets: ${sum(api1)} of ${sum(all)}`);
  await csvMatches(page, 'heatmap');
  console.log('ok filter by group and CSV export');

  // Times in business minutes.
  await go(page, '#/admin/report-times');
  await ready(page, 'times');
  check(await page.locator('#report-times tbody tr').count() === 2, 'first reply and resolution rows');
  await csvMatches(page, 'times');
  await shot(page, 'reports-ko-times', true);
  await axe(page, 'reports times (ko)');
  // Print: the chart and its table, without the menus and filters.
  await page.emulateMedia({ media: 'print' });
  check(await page.locator('#reports-times .report-filters').isHidden() && await page.locator('.admin-menu').isHidden(), 'print hides the menu and filters');
  check(await page.locator('#report-times svg.chart').isVisible() && await page.locator('#report-times table').isVisible(), 'print shows the chart and its table');
  await page.emulateMedia({ media: 'screen' });

  // Every other family renders without an error.
  for (const id of ['backlog', 'sla', 'csat', 'presence', 'calls', 'bottlenecks', 'deflection', 'keywords']) {
    await go(page, `#/admin/report-${id}`);
    await ready(page, id);
    const errors = await page.locator(`#reports-${id} .error`).allTextContents();
    check(errors.length === 0, `report ${id} has no error: ${errors.join(' | ')}`);
    if (id === 'csat') check(await page.locator('#report-csat-comments li').count() > 0, 'CSAT shows the customers\' comments');
  }
  await axe(page, 'reports keywords (ko)');
  console.log('ok every report family');

  // Proficiency: the table, the formula, and a weight that changes it.
  await go(page, `#/admin/proficiency?group_id=${fx.ship.id}`);
  await ready(page, 'proficiency');
  const formula = await page.locator('#prof-formula').innerText();
  check(/최솟값/.test(formula) && /1 − n/.test(formula) && /score = 100 ×/.test(formula), `the formula is shown in words: ${formula}`);
  check(await page.locator('#report-proficiency tbody tr').count() === fx.agents.length, 'one row per agent of the team');
  const want = (await api('GET', `/api/v2/hd/reports/proficiency?group_id=${fx.ship.id}&weights=solved:100`)).report;
  await page.fill('#w-solved', '100');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/reports/proficiency') && r.url().includes('weights=')),
    page.click('#prof-apply'),
  ]);
  check(resp.url().includes('solved%3A100'), `the weight goes to the API: ${resp.url()}`);
  await until(async () => (await page.locator('#w-solved').inputValue()) === '100' && (await page.locator('#report-proficiency tbody tr').count()) > 0, 'the table comes back');
  const first = await page.locator('#report-proficiency tbody tr').first().locator('td').nth(1).innerText();
  const best = want.rows[0].agent_id;
  const bestName = fx.agents.find((a) => a.id === best).name;
  check(first === bestName, `the best agent by solved tickets is first: ${first} (want ${bestName})`);
  await csvMatches(page, 'proficiency');
  await shot(page, 'reports-ko-proficiency', true);
  await axe(page, 'proficiency (ko)');
  console.log('ok proficiency');

  // Team builder: a proposal, no apply button for an agent.
  await go(page, '#/admin/teams');
  await ready(page, 'teams');
  await page.check(`#teams-form input[value="${fx.ship.id}"]`);
  await page.fill('#teams-k', '2');
  await page.click('#teams-suggest');
  await page.waitForSelector('#teams-proposal');
  check(await page.locator('#teams-proposal .team-card').count() === 2, 'two proposed teams');
  check(await page.locator('#teams-apply').count() === 0, 'an agent cannot apply');
  await axe(page, 'team builder (ko)');
  console.log('ok team builder proposal');
  quiet(problems, failed);
  await page.context().close();
}

async function adminRun(fx) {
  const { page, problems } = await launch('en-US', { acceptDownloads: true });
  const failed = watch(page);
  await signInWorkspace(page, BOSS.email, PW);
  await go(page, '#/admin/report-volume');
  await ready(page, 'volume');
  check(/Busiest hours/.test(await page.locator('#report-heatmap h2').innerText()), 'the heat map is in English');
  await shot(page, 'reports-en-volume', true);
  await axe(page, 'reports volume (en)');
  await go(page, `#/admin/proficiency?group_id=${fx.ship.id}`);
  await ready(page, 'proficiency');
  check(/min-max|minimum/.test(await page.locator('#prof-formula').innerText()), 'the formula in English');
  await shot(page, 'reports-en-proficiency', true);
  await axe(page, 'proficiency (en)');

  // Apply a proposal: the team's agents into A조 / B조.
  await go(page, '#/admin/teams');
  await ready(page, 'teams');
  await page.check(`#teams-form input[value="${fx.ship.id}"]`);
  await page.fill('#teams-k', '2');
  await page.click('#teams-suggest');
  await page.waitForSelector('#teams-apply');
  await page.selectOption('#teams-target-1', String(fx.red.id));
  await page.selectOption('#teams-target-2', String(fx.blue.id));
  await page.click('#teams-apply');
  await until(async () => /Applied/.test(await page.locator('#teams-msg').innerText()), 'the proposal is applied');
  const members = async (g) => ((await api('GET', `/api/v2/groups/${g.id}/memberships`)).group_memberships || []).map((m) => m.user_id).sort();
  const [a, b] = [await members(fx.red), await members(fx.blue)];
  const ids = fx.agents.map((x) => x.id).sort();
  check(a.length === 2 && b.length === 2 && JSON.stringify([...a, ...b].sort()) === JSON.stringify(ids), `A조 ${a} and B조 ${b} split the team ${ids}`);
  await axe(page, 'team builder applied (en)');
  console.log('ok admin applies a proposal');
  quiet(problems, failed);
  await page.context().close();
}

run('reports', async () => {
  const fx = await fixtures();
  await leadRun(fx);
  await adminRun(fx);
});
