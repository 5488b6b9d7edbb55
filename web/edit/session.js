// @ts-check
// Who is signed in: the account and its CSRF token (kept in memory only;
// the session itself is an HttpOnly cookie), what its role may do, and
// the "signed in before" flag in localStorage that decides whether to ask
// GET api/me on load (never the session itself). Modules that show
// something by role follow changes with onAuthChange.

import { str } from '../util.js';

/** @typedef {{id: string, email: string, role: string}} User */

const ROLE_RANK = /** @type {Record<string, number>} */ ({ contributor: 1, editor: 2, moderator: 3, admin: 4 });
export const EDITOR_RANK = ROLE_RANK.editor;
export const MODERATOR_RANK = ROLE_RANK.moderator;
const SIGNED_IN_FLAG = 'placemap.signedIn';

/** @type {{user: User | null, csrf: string}} */
export const auth = { user: null, csrf: '' };

/** @returns {number} the rank of the role signed in; 0 when signed out */
export function rank() {
  return auth.user ? ROLE_RANK[auth.user.role] || 0 : 0;
}

/** @returns {boolean} whether the one signed in may edit (editors and above) */
export function canEdit() {
  return !!auth.user && (ROLE_RANK[auth.user.role] || 0) >= EDITOR_RANK;
}

/**
 * flag reads the "signed in before" flag (no argument) or sets it. When
 * storage is unavailable (privacy settings) it answers true: ask the
 * server every time.
 * @param {boolean} [on]
 * @returns {boolean}
 */
export function flag(on) {
  try {
    if (on === undefined) return window.localStorage.getItem(SIGNED_IN_FLAG) === '1';
    if (on) window.localStorage.setItem(SIGNED_IN_FLAG, '1');
    else window.localStorage.removeItem(SIGNED_IN_FLAG);
  } catch {
    return true;
  }
  return on;
}

/** @type {Array<(change: {lostEdit: boolean, keepForm: boolean}) => void>} */
const listeners = [];

/**
 * onAuthChange calls fn, in the order registered, whenever someone signs
 * in or out. lostEdit: the one signed in could edit and now cannot;
 * keepForm: leave an open form as it is (the session lapsed mid-edit).
 * @param {(change: {lostEdit: boolean, keepForm: boolean}) => void} fn
 */
export function onAuthChange(fn) {
  listeners.push(fn);
}

/**
 * setAuth keeps the account api/login or api/me answered (null: signed
 * out) and tells the listeners.
 * @param {any} user
 * @param {{keepForm?: boolean}} [options]
 */
export function setAuth(user, { keepForm = false } = {}) {
  const was = canEdit();
  auth.user = user && str(user.email) ? { id: str(user.id), email: str(user.email), role: str(user.role) } : null;
  auth.csrf = user ? str(user.csrf_token) : '';
  const change = { lostEdit: was && !canEdit(), keepForm };
  for (const fn of listeners) fn(change);
}
