// @ts-check
// Signing in and out at the top of the panel.
//
// API used (same origin, relative URLs; the session is an HttpOnly cookie):
//   POST api/login {email, password}  -> {id, email, role, csrf_token}
//   GET  api/me                       -> the same, or 401 when signed out
//   POST api/logout                   (X-CSRF-Token)
//
// GET api/me is only asked on load when this browser signed in before (a
// flag in localStorage, never the session itself), so visitors who never
// sign in make no request that is bound to fail.

import { $ } from '../util.js';
import { auth, flag, setAuth } from './session.js';
import { request, messageOf } from './api.js';

/** renderAccount shows "Sign in", or who is signed in with "Sign out". */
export function renderAccount() {
  const signedIn = !!auth.user;
  $('signin-toggle').hidden = signedIn;
  $('account-who').hidden = !signedIn;
  if (signedIn && auth.user) {
    $('signin-form').hidden = true;
    $('signin-toggle').setAttribute('aria-expanded', 'false');
    $('account-text').textContent = `Signed in as ${auth.user.email} (${auth.user.role})`;
  }
}

/** loadMe asks who is signed in, when this browser signed in before. */
export async function loadMe() {
  if (!flag()) {
    setAuth(null);
    return;
  }
  let r;
  try {
    r = await request('GET', 'api/me');
  } catch {
    setAuth(null);
    return;
  }
  if (r.ok && r.data) {
    setAuth(r.data);
  } else {
    if (r.status === 401) flag(false);
    setAuth(null);
  }
}

/** @param {boolean} open */
function openSignIn(open) {
  const form = $('signin-form');
  const toggle = $('signin-toggle');
  form.hidden = !open;
  toggle.setAttribute('aria-expanded', String(open));
  if (open) {
    $('signin-error').textContent = '';
    $('signin-email').focus();
  }
}

/**
 * signInProblem says what a failed sign-in means.
 * @param {import('./api.js').Answer} r
 */
function signInProblem(r) {
  if (r.status === 401) return 'Wrong email or password.';
  if (r.status === 429) {
    const secs = Number(r.retryAfter);
    if (Number.isFinite(secs) && secs > 0) return `Too many sign-in attempts. Try again in ${secs} seconds.`;
  }
  return messageOf(r);
}

/** @param {SubmitEvent} ev */
async function signIn(ev) {
  ev.preventDefault();
  /** @type {HTMLInputElement} */
  const email = $('signin-email');
  /** @type {HTMLInputElement} */
  const password = $('signin-password');
  const error = $('signin-error');
  /** @type {HTMLButtonElement} */
  const submit = $('signin-submit');
  for (const f of [email, password]) f.removeAttribute('aria-invalid');
  const missing = [];
  if (!email.value.trim()) missing.push(email);
  if (!password.value) missing.push(password);
  if (missing.length) {
    for (const f of missing) f.setAttribute('aria-invalid', 'true');
    error.textContent = missing.length === 2 ? 'Enter your email and password.' : missing[0] === email ? 'Enter your email.' : 'Enter your password.';
    missing[0].focus();
    return;
  }
  error.textContent = '';
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  /** @type {import('./api.js').Answer} */
  let r;
  try {
    r = await request('POST', 'api/login', { body: { email: email.value.trim(), password: password.value } });
  } catch (err) {
    r = { status: 0, ok: false, data: { error: { message: `Could not reach the server: ${err.message}` } } };
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
  if (r.ok && r.data) {
    password.value = '';
    flag(true);
    setAuth(r.data);
    const user = /** @type {import('./session.js').User} */ (auth.user);
    $('account-status').textContent = `Signed in as ${user.email} (${user.role}).`;
    $('signout').focus();
    return;
  }
  error.textContent = signInProblem(r);
  if (r.status === 401) {
    password.setAttribute('aria-invalid', 'true');
    password.select();
    password.focus();
  }
}

async function signOut() {
  try {
    await request('POST', 'api/logout', { body: undefined });
  } catch {
    // Signed out here all the same; the session lapses on the server.
  }
  flag(false);
  setAuth(null);
  $('account-status').textContent = 'Signed out.';
  $('signin-toggle').focus();
}

/** sessionLost is called when a write answers 401: the session has lapsed. */
export function sessionLost() {
  flag(false);
  setAuth(null, { keepForm: true });
  openSignIn(true);
}

/** setupAccount wires the sign-in form and "Sign out". */
export function setupAccount() {
  // Until GET api/me answers, a browser that signed in before shows neither
  // "Sign in" nor who is signed in.
  if (flag()) $('signin-toggle').hidden = true;
  $('signin-toggle').addEventListener('click', () => openSignIn($('signin-form').hidden === true));
  $('signin-cancel').addEventListener('click', () => {
    openSignIn(false);
    $('signin-toggle').focus();
  });
  $('signin-form').addEventListener('submit', signIn);
  $('signin-form').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      openSignIn(false);
      $('signin-toggle').focus();
    }
  });
  $('signout').addEventListener('click', signOut);
}
