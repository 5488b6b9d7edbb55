// @ts-check
// Searching assets by name: results as you type, Enter opens the first,
// arrow keys move between the box and the results.

import { $, el, str, fetchJSON } from '../util.js';
import { state } from '../store.js';
import { assetRow, openAsset } from './details.js';

const SEARCH_LIMIT = 10;
const SEARCH_DEBOUNCE_MS = 250;

/** @type {ReturnType<typeof setTimeout> | undefined} */
let searchTimer;
/** @type {AbortController | null} */
let searchAbort = null;
let searchSeq = 0;

/**
 * runSearch lists the assets whose name holds q. It answers their features,
 * or null when a later search overtook it.
 * @param {string} text
 * @returns {Promise<any[] | null>}
 */
export async function runSearch(text) {
  const q = text.trim();
  clearTimeout(searchTimer);
  if (searchAbort) searchAbort.abort();
  const status = $('search-status');
  const list = $('search-results');
  if (q.length < 2) {
    state.searchResults = [];
    state.searchQuery = q;
    list.replaceChildren();
    status.textContent = q.length ? 'Type at least 2 characters.' : '';
    return [];
  }
  searchAbort = new AbortController();
  const seq = ++searchSeq;
  status.textContent = 'Searching…';
  let fc;
  try {
    fc = await fetchJSON(`api/assets?q=${encodeURIComponent(q)}&limit=${SEARCH_LIMIT}`, { signal: searchAbort.signal });
  } catch (err) {
    if (err.name === 'AbortError' || seq !== searchSeq) return null;
    list.replaceChildren();
    status.textContent = `Search failed: ${err.message}`;
    return [];
  }
  if (seq !== searchSeq) return null;
  const features = Array.isArray(fc.features) ? fc.features : [];
  state.searchResults = features;
  state.searchQuery = q;
  list.replaceChildren(...features.map((/** @type {any} */ f) => {
    const p = { ...(f.properties || {}) };
    p.id = str(p.id) || str(f.id);
    return el('li', null, assetRow(p, () => openAsset(p.id, { fly: true, geometry: f.geometry, focus: true })));
  }));
  status.textContent = features.length
    ? `${features.length} ${features.length === 1 ? 'asset' : 'assets'} found${features.length >= SEARCH_LIMIT ? ' (showing the first ' + SEARCH_LIMIT + ')' : ''}.`
    : `No assets match “${q}”.`;
  return features;
}

/** setupSearch wires the search box and its results. */
export function setupSearch() {
  /** @type {HTMLInputElement} */
  const input = $('search-input');
  const list = $('search-results');
  input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(input.value), SEARCH_DEBOUNCE_MS);
  });
  $('search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    const results = state.searchQuery === q ? state.searchResults : await runSearch(q);
    if (!results || !results.length) return;
    const f = results[0];
    const id = str((f.properties || {}).id) || str(f.id);
    openAsset(id, { fly: true, geometry: f.geometry });
  });
  // Arrow keys move between the input and the result buttons.
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      const first = list.querySelector('button');
      if (first) { ev.preventDefault(); first.focus(); }
    } else if (ev.key === 'Escape') {
      input.value = '';
      runSearch('');
    }
  });
  list.addEventListener('keydown', (ev) => {
    const buttons = [...list.querySelectorAll('button')];
    const i = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    if (i < 0) return;
    if (ev.key === 'ArrowDown' && i < buttons.length - 1) { ev.preventDefault(); buttons[i + 1].focus(); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); (i > 0 ? buttons[i - 1] : input).focus(); }
    else if (ev.key === 'Escape') { ev.preventDefault(); input.focus(); }
  });
}
