// The workspace's presence selector in a real browser: an agent signed in
// with a password moves through every presence state with the arrow keys,
// Korean and English. Each state category (available, busy, away, offline)
// shows its own symbol, the same for every state of the category; the
// selector's accessible name, as Chromium computes it for a screen reader,
// names the state and its category in the page's language; the API holds
// each state in turn. Two custom states (one available, one not) join the
// seeded ones. Each change is announced; an admin's change arrives over the
// stream and the selector follows. axe-core on each language; screenshots
// presence-{ko,en}-<category>.png.
//   node tests/browser/presence.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
import { setup, api, launch, shot, axe, until, check, signInWorkspace, run, WAIT } from './lib.mjs';

setup(process.argv.slice(2));
const PW = 'Hana-desk-pw-2026!';
const AGENT = { email: 'minseo.kang@example.com', name: '강민서', role: 'agent' };

// How a person reads each state: this script's own table, not the
// workspace's. Custom states keep the name their admin gave them.
const STATES = {
  online: { kind: 'available', ko: '온라인', en: 'Online' },
  상담준비: { kind: 'available', ko: '상담준비', en: 'Ready' },
  통화중: { kind: 'busy', ko: '통화중', en: 'On a call' },
  후처리: { kind: 'busy', ko: '후처리', en: 'After-call work' },
  회의: { kind: 'busy', ko: '회의', en: 'Meeting' },
  교육: { kind: 'busy', ko: '교육', en: 'Training' },
  away: { kind: 'away', ko: '자리 비움', en: 'Away' },
  자리비움: { kind: 'away', ko: '자리비움', en: 'Away from desk' },
  offline: { kind: 'offline', ko: '오프라인', en: 'Offline' },
  채팅전담: { kind: 'available', ko: '채팅전담', en: '채팅전담', custom: true },
  외근: { kind: 'busy', ko: '외근', en: '외근', custom: true },
};
const KIND = {
  ko: { available: '상담 가능', busy: '업무 중', away: '자리 비움', offline: '오프라인' },
  en: { available: 'available', busy: 'busy', away: 'away', offline: 'offline' },
};
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

// Polls fn until want(value) holds; the failure names the last value seen.
async function settle(fn, want, what) {
  const deadline = Date.now() + WAIT;
  let v;
  for (;;) {
    v = await fn();
    if (want(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what} (last seen: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The accessibility tree's node for selector, as Chromium gives it to a
// screen reader: {role, name, value}.
async function axNode(cdp, selector) {
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) return null;
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
  const n = nodes[0] || {};
  return { role: n.role && n.role.value, name: n.name && n.name.value, value: n.value && n.value.value };
}

const names = (lang, name, spoken) => {
  const want = STATES[name];
  const low = spoken.toLocaleLowerCase();
  return low.includes(want[lang].toLocaleLowerCase()) && low.includes(KIND[lang][want.kind].toLocaleLowerCase());
};

async function walk(lang, locale, agent, order) {
  // Start at the first state so the arrow keys reach every other one.
  await api('PUT', `/api/v2/hd/agents/${agent.id}/presence`, { presence: { state: order[0] } });
  const { ctx, page, problems } = await launch(locale);
  const failed = [];
  let puts = 0;
  page.on('request', (r) => { if (r.method() === 'PUT' && /\/presence$/.test(new URL(r.url()).pathname)) puts++; });
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Accessibility.enable');
  await signInWorkspace(page, AGENT.email, PW);
  await until(async () => (await page.$$('#presence-select option')).length === order.length, 'every state is offered');
  await until(async () => (await page.inputValue('#presence-select')) === order[0], `the selector starts at ${order[0]}`);
  // Reached by Tab from the search box, the control before it.
  await page.focus('#search-input');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'presence-select', 'Tab reaches the presence selector');

  const symbols = {};
  const shotTaken = new Set();
  for (const [i, name] of order.entries()) {
    if (i > 0) {
      // Emptied first, so only this change's announcement can match.
      await page.$eval('#live', (l) => { l.textContent = ''; });
      await page.keyboard.press('ArrowDown');
      await settle(async () => (await api('GET', `/api/v2/hd/agents/${agent.id}/presence`)).presence.state,
        (s) => s === name, `${lang}: ArrowDown puts the agent in ${name}`);
    }
    const want = STATES[name];
    const node = await settle(() => axNode(cdp, '#presence-select'), (n) => n && n.role === 'combobox' && n.name && names(lang, name, n.name),
      `${lang}: the selector's accessible name names ${want[lang]} (${KIND[lang][want.kind]})`);
    const shown = await page.$eval('#presence-select', (s) => s.selectedOptions[0].textContent.trim());
    const [symbol, ...rest] = shown.split(' ');
    check(rest.join(' ') === want[lang], `${lang}: ${name} is shown as "${want[lang]}" (got "${shown}")`);
    check(!HANGUL.test(symbol), `${lang}: ${name} is shown with a symbol first (got "${shown}")`);
    if (lang === 'en' && !want.custom) check(!HANGUL.test(node.name), `en: the name of ${name} is English (got "${node.name}")`);
    // What the list reads out for the option: the name, not the symbol.
    const opt = await axNode(cdp, '#presence-select option:checked');
    check(opt && opt.name && names(lang, name, opt.name) && !opt.name.includes(symbol), `${lang}: the option ${name} is read as its name and category (got ${JSON.stringify(opt)})`);
    if (i > 0) {
      await settle(() => page.$eval('#live', (l) => l.textContent), (l) => names(lang, name, l),
        `${lang}: the change to ${name} is announced with its name and category`);
    }
    (symbols[want.kind] ||= new Set()).add(symbol);
    console.log(`ok ${lang} ${name}: shows "${shown}", read as "${node.name}"`);
    if (!shotTaken.has(want.kind)) {
      shotTaken.add(want.kind);
      await shot(page, `presence-${lang}-${want.kind}`);
    }
  }
  for (const [kind, set] of Object.entries(symbols)) check(set.size === 1, `${lang}: one symbol for every ${kind} state (got ${[...set].join(' ')})`);
  const distinct = new Set(Object.values(symbols).map((s) => [...s][0]));
  check(Object.keys(symbols).length === 4 && distinct.size === 4,
    `${lang}: four categories, four different symbols (got ${JSON.stringify(Object.fromEntries(Object.entries(symbols).map(([k, s]) => [k, [...s]])))})`);
  // Back up with ArrowUp: the keyboard goes both ways.
  await page.keyboard.press('ArrowUp');
  await settle(async () => (await api('GET', `/api/v2/hd/agents/${agent.id}/presence`)).presence.state,
    (s) => s === order[order.length - 2], `${lang}: ArrowUp puts the agent back in ${order[order.length - 2]}`);
  // An admin's change arrives over the stream: the symbol and the name follow.
  const back = order.find((n) => STATES[n].kind === 'offline');
  await api('PUT', `/api/v2/hd/agents/${agent.id}/presence`, { presence: { state: back } });
  await settle(() => axNode(cdp, '#presence-select'), (n) => n && n.name && names(lang, back, n.name),
    `${lang}: the selector follows the admin's change to ${back}`);
  const after = await page.$eval('#presence-select', (s) => s.selectedOptions[0].textContent.trim());
  check(after.startsWith(`${[...symbols.offline][0]} `), `${lang}: the offline symbol is shown after the admin's change (got "${after}")`);
  // Three quick presses: the answers and the stream's echoes cross, and the
  // selector must end where the keys left it, like the API.
  const target = order[Math.min(order.indexOf(back) + 3, order.length - 1)];
  await page.$eval('#live', (l) => { l.textContent = ''; });
  const puts0 = puts;
  for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowDown');
  await settle(async () => (await api('GET', `/api/v2/hd/agents/${agent.id}/presence`)).presence.state,
    (st) => st === target, `${lang}: three quick ArrowDowns end in ${target}`);
  await settle(() => page.$eval('#live', (l) => l.textContent), (l) => names(lang, target, l), `${lang}: ${target} is announced last`);
  const end = await axNode(cdp, '#presence-select');
  check(names(lang, target, end.name) && (await page.inputValue('#presence-select')) === target,
    `${lang}: after quick presses the selector shows ${target} (got ${JSON.stringify(end)})`);
  console.log(`ok ${lang}: three quick presses → ${target} with ${puts - puts0} PUT(s), one at a time`);
  await axe(page, `presence ${lang}`);
  // Presence calls and the workspace's own files must not fail (the
  // session check before sign-in answers 401 by design).
  const bad = failed.filter((f) => /presence|\/agent\//.test(f));
  check(bad.length === 0, `${lang}: no failed presence or asset requests (${bad.join('; ')})`);
  const other = problems.filter((p) => !/Failed to load resource/.test(p));
  check(other.length === 0, `${lang}: no console errors (${other.join('; ')})`);
  console.log(`ok ${lang}: symbols ${JSON.stringify(Object.fromEntries(Object.entries(symbols).map(([k, s]) => [k, [...s][0]])))}`);
  await ctx.close();
}

run('presence', async () => {
  const agent = (await api('POST', '/api/v2/users/create_or_update', { user: { name: AGENT.name, email: AGENT.email, role: AGENT.role } })).user;
  await api('PUT', `/api/v2/users/${agent.id}/password`, { password: PW });
  // A view, so the page behind the selector is the usual ticket list.
  await api('POST', '/api/v2/views', { view: { title: '열린 티켓', all: [{ field: 'status', operator: 'less_than', value: 'solved' }] } });
  await api('POST', '/api/v2/hd/presence_states', { presence_state: { name: '채팅전담', available: true } });
  await api('POST', '/api/v2/hd/presence_states', { presence_state: { name: '외근', available: false } });
  const order = (await api('GET', '/api/v2/hd/presence_states')).presence_states.map((s) => s.name);
  check(Object.keys(STATES).every((n) => order.includes(n)), `every seeded and custom state is listed (got ${order.join(', ')})`);
  const known = order.filter((n) => n in STATES);
  check(known.length === order.length, `no state this script does not know (got ${order.join(', ')})`);
  await walk('ko', 'ko-KR', agent, order);
  await walk('en', 'en-US', agent, order);
});
