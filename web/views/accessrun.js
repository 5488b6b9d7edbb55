// @ts-check
// Starting an access run and following it: POST api/access (editors, with
// the CSRF token through edit/api.js), then GET api/access/runs/{id} every
// half second while it runs, showing its stage and count in a progress bar
// and a live region.
//
// Security: the stage and error come from the API and reach the page only
// through textContent.

import { fetchJSON } from '../util.js';
import { send, messageOf } from '../edit/api.js';
import { progressOf } from './accesskit.js';

const POLL_MS = 500;

/**
 * startRun sends a run and answers its id, or the message of a refusal
 * (busy: "try again in N s" when the server says when).
 * @param {Record<string, any>} body
 * @returns {Promise<{id: string} | {error: string}>}
 */
export async function startRun(body) {
  const r = await send('POST', 'api/access', { body });
  if (r.ok && r.data && r.data.id !== undefined && r.data.id !== null) return { id: String(r.data.id) };
  if (r.status === 503) {
    const after = r.retryAfter ? ` Try again in ${r.retryAfter} s.` : ' Try again shortly.';
    return { error: `Another run is going on.${after}` };
  }
  return { error: messageOf(r) };
}

/**
 * A progress bar and its live line.
 * @typedef {{box: HTMLElement, bar: HTMLProgressElement, text: HTMLElement}} ProgressUI
 */

/**
 * showProgress draws a run's progress.
 * @param {ProgressUI} ui
 * @param {any} run
 */
export function showProgress(ui, run) {
  const p = progressOf(run);
  ui.box.hidden = false;
  if (p.share === null) ui.bar.removeAttribute('value');
  else ui.bar.value = p.share;
  ui.bar.setAttribute('aria-valuetext', p.text);
  if (ui.text.textContent !== p.text) ui.text.textContent = p.text;
  ui.box.dataset.status = String(run && run.status || '');
}

/**
 * followRun asks for a run until it is done or failed (or stale() says
 * another run took its place) and answers the last answer (null when
 * stale).
 * @param {string} id
 * @param {ProgressUI} ui
 * @param {() => boolean} stale
 * @returns {Promise<any>}
 */
export async function followRun(id, ui, stale) {
  for (;;) {
    const run = await fetchJSON(`api/access/runs/${encodeURIComponent(id)}`);
    if (stale()) return null;
    showProgress(ui, run);
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (stale()) return null;
  }
}
