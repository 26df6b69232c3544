// What every browser script shares: the suite's address and admin token,
// polling waits, the API as the admin (or anyone), Chromium with a fresh
// profile, screenshots and axe-core. A script calls setup(argv) first:
//   node tests/browser/<script>.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]
// Every wait polls for a condition with a generous deadline
// (HD_TEST_TIME_SCALE stretches them).
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const SCALE = Math.max(1, Number(process.env.HD_TEST_TIME_SCALE) || 1);
export const WAIT = 15000 * SCALE;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The run's settings, filled by setup().
export const env = { base: '', adminEmail: '', adminToken: '', adminAuth: '', shotDir: 'build/screenshots' };
const dirs = [];

export function setup(args) {
  const [base, adminEmail, adminToken, shotDir = 'build/screenshots'] = args;
  if (!base || !adminEmail || !adminToken) {
    console.error('usage: <script>.mjs BASE_URL ADMIN_EMAIL ADMIN_TOKEN [SHOT_DIR]');
    process.exit(2);
  }
  Object.assign(env, { base, adminEmail, adminToken, shotDir,
    adminAuth: 'Basic ' + Buffer.from(`${adminEmail}/token:${adminToken}`).toString('base64') });
  mkdirSync(shotDir, { recursive: true });
  return env;
}

export const basicAuth = (email, password) => 'Basic ' + Buffer.from(`${email}:${password}`).toString('base64');

// Chromium may still write into its profile as it exits.
export function cleanup() {
  for (const d of dirs.splice(0)) {
    try { rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); } catch (e) { console.log(`note: ${d} left behind: ${e.code}`); }
  }
}

export function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

// Polls fn until it returns something truthy (and returns that).
export async function until(fn, what) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The API as the admin (or as `auth`); throws on a non-2xx answer.
export async function api(method, path, body, auth = env.adminAuth) {
  const res = await raw(method, path, body, auth);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}

// The API's answer whatever its status: {status, ok, text, json, headers}.
export async function raw(method, path, body, auth = env.adminAuth) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(new URL(path, env.base), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, ok: res.ok, text, json, headers: res.headers };
}

// A fresh Chromium profile; console errors and page errors are collected in
// `problems` (check it is empty at the end of a screen).
export async function launch(locale, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hd-chromium-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS, locale,
    timezoneId: 'Asia/Seoul', viewport: { width: 1360, height: 860 }, ...opts,
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { ctx, page, problems };
}

export async function shot(page, name, fullPage = false) {
  await page.screenshot({ path: join(env.shotDir, `${name}.png`), fullPage });
}

export async function axe(page, screen) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`axe ${screen}: ${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  check(bad.length === 0, `axe-core finds no serious or critical violation on ${screen}`);
}

// The workspace's sign-in form at /agent/.
export async function signInWorkspace(page, email, password) {
  await page.goto(new URL('/agent/', env.base).href);
  await page.waitForSelector('#signin-form', { state: 'visible' });
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
  await page.waitForSelector('body[data-ready="1"]');
}

// Runs main(), prints "<name>: all passed" or FAIL and exits non-zero.
export function run(name, main) {
  const t0 = Date.now();
  main().then(() => {
    cleanup();
    console.log(`${name}: all passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${env.shotDir}`);
  }, (e) => {
    console.error(`FAIL ${e.stack || e}`);
    cleanup();
    process.exit(1);
  });
}
