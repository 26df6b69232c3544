// Boot and routing: check the session, show sign-in or the app, and switch
// screens on the location hash (#/views/1, #/tickets/2, #/search?q=…,
// #/wallboard). Screens are modules loaded when first needed.
import { get, api, setCsrf, findCsrf, findUser, ApiError } from './api.js';
import { t, translate } from './i18n.js';
import { $, replace, h } from './dom.js';
import { openStream } from './stream.js';
import { initSignin, initForgot, showNewPassword } from './signin.js';
import { guardForms } from './ime.js';
// The first screen's modules load with main.js, in one round; the ticket
// page's load on first use.
import * as views from './views.js';
import { initSearch } from './search.js';
import { initKeys } from './keys.js';
import { initPresence } from './presence.js';

import { session } from './state.js';
window.hdPerf = { marks: {} };

async function currentSession() {
  try {
    const data = await get('/api/v2/hd/session');
    const user = findUser(data);
    if (!user) return null;
    setCsrf(findCsrf(data));
    return user;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404 || e.status === 403)) return null;
    throw e;
  }
}

function showSignin() {
  $('#app').hidden = true;
  $('#signin').hidden = false;
  initSignin(start);
  initForgot();
  $('#signin-email').focus();
}

async function start(user) {
  session.user = user;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  replace($('#me'), user.name || user.email || '');
  $('#signout').onclick = signOut;
  openStream();
  await views.initViews();
  initPresence(user);
  initSearch();
  initKeys();
  showConsoleLinks();
  window.addEventListener('hashchange', route);
  // Interactive: the shell, the views and every control answer; the first
  // list follows when the server sends it (marks.firstList).
  const first = route();
  window.hdPerf.marks.interactive = performance.now();
  await first;
  document.body.dataset.ready = '1';
  // Warm the ticket page's modules while the agent reads the list.
  import('./ticket.js');
}

// The console's links appear for the roles that have a section in it.
async function showConsoleLinks() {
  const { sectionsFor } = await import('./admin.js');
  $('#nav-settings').hidden = sectionsFor('settings').length === 0;
  $('#nav-reports').hidden = sectionsFor('reports').length === 0;
  for (const [link, group] of [['#nav-settings', 'settings'], ['#nav-reports', 'reports']]) {
    const first = sectionsFor(group)[0];
    if (first) $(link).href = `#/admin/${first.id}`;
  }
}

async function signOut() {
  try { await api('DELETE', '/api/v2/hd/session'); } catch { /* already gone */ }
  setCsrf(null);
  location.hash = '';
  location.reload();
}

let routeSeq = 0;
export async function route() {
  const seq = ++routeSeq;
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/');
  const main = $('#main');
  $('#side').hidden = true;
  try {
    if (parts[0] === 'tickets' && parts[1]) {
      const m = await import('./ticket.js');
      if (seq === routeSeq) await m.showTicket(Number(parts[1]));
    } else if (parts[0] === 'search') {
      const m = await import('./search.js');
      if (seq === routeSeq) await m.showSearch(new URLSearchParams(query || '').get('q') || '');
    } else if (parts[0] === 'admin') {
      const m = await import('./admin.js');
      if (seq === routeSeq) await m.showAdmin(parts[1], parts.slice(2), query);
    } else if (parts[0] === 'wallboard') {
      const m = await import('./wallboard.js');
      if (seq === routeSeq) await m.showWallboard();
    } else {
      const m = await import('./views.js');
      if (seq === routeSeq) await m.showView(parts[0] === 'views' ? Number(parts[1]) : 0, new URLSearchParams(query || ''));
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { showSignin(); return; }
    // A screen left before it failed must not overwrite the one shown now.
    if (seq !== routeSeq) return;
    replace(main, h('p', { class: 'error', role: 'alert' }, t('app.error', { msg: e.message })));
  }
}

export function expired() { showSignin(); }

async function boot() {
  translate();
  guardForms();
  const reset = /^#\/password_reset\/([^/?]+)/.exec(location.hash);
  if (reset) {
    showSignin();
    showNewPassword(decodeURIComponent(reset[1]));
    return;
  }
  let user = null;
  try { user = await currentSession(); } catch (e) {
    replace($('#signin-error'), t('app.error', { msg: e.message }));
  }
  if (user) await start(user); else showSignin();
}

boot();
