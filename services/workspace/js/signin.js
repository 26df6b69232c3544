// The sign-in form: e-mail and password to POST /api/v2/hd/session, which
// sets the hd_session cookie and answers the CSRF token.
import { post, setCsrf, findCsrf, findUser, get, ApiError } from './api.js';
import { t } from './i18n.js';
import { $ } from './dom.js';

let bound = false;

export function initSignin(onSignedIn) {
  if (bound) return;
  bound = true;
  const form = $('#signin-form');
  const err = $('#signin-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = $('#signin-email').value.trim();
    const password = $('#signin-password').value;
    err.textContent = '';
    if (!email || !password) { err.textContent = t('signin.missing'); return; }
    const btn = $('#signin-submit');
    btn.disabled = true;
    try {
      const data = await post('/api/v2/hd/session', { session: { email, password } });
      setCsrf(findCsrf(data));
      let user = findUser(data);
      if (!user) user = (await get('/api/v2/users/me')).user;
      $('#signin-password').value = '';
      if (!location.hash || location.hash === '#/signin') location.hash = '#/views';
      await onSignedIn(user);
    } catch (e) {
      const bad = e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 422);
      err.textContent = bad ? t('signin.bad') : (e instanceof ApiError && e.status === 429 ? t('signin.limited') : t('app.error', { msg: e.message }));
      $('#signin-password').select();
    } finally {
      btn.disabled = false;
    }
  });
}

// "Forgot your password?": the server answers the same whether or not the
// address has an account, and mails a link to #/password_reset/<token>.
export function initForgot() {
  const form = $('#forgot-form');
  if (form.dataset.bound) return;
  form.dataset.bound = '1';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = $('#forgot-email').value.trim();
    const msg = $('#forgot-msg');
    if (!email) { msg.textContent = t('signin.missing'); return; }
    try {
      await post('/api/v2/hd/password_reset', { email });
      msg.textContent = t('reset.sent');
    } catch (e) {
      msg.textContent = e instanceof ApiError && e.status === 429 ? t('signin.limited') : t('app.error', { msg: e.message });
    }
  });
}

// The mailed link: set a new password with the token, then sign in.
export function showNewPassword(token) {
  $('#signin-form').hidden = true;
  $('#forgot').hidden = true;
  const form = $('#newpw-form');
  form.hidden = false;
  $('#newpw').focus();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const msg = $('#newpw-msg');
    const pw = $('#newpw').value;
    if (!pw || pw !== $('#newpw2').value) { msg.textContent = t('reset.mismatch'); return; }
    try {
      await post(`/api/v2/hd/password_reset/${encodeURIComponent(token)}`, { password: pw });
      history.replaceState(null, '', location.pathname);
      form.hidden = true;
      $('#signin-form').hidden = false;
      $('#forgot').hidden = false;
      $('#signin-error').textContent = t('reset.done');
      $('#signin-email').focus();
    } catch (e) {
      msg.textContent = e instanceof ApiError && (e.status === 404 || e.status === 410) ? t('reset.bad_link') : e.message;
    }
  });
}
