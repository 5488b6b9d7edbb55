// @ts-check
// One search box for anything (api/search): assets, areas of every set,
// places, streets and place names. A WAI-ARIA combobox: the input owns a
// listbox of results; Up/Down/Home/End move the active option
// (aria-activedescendant, focus stays in the input), Enter chooses it (or
// the first), Escape closes the list, then clears the box. The count is
// announced by the polite status line. Choosing a result moves the map to
// it and opens it as a click on the map would.

import { $, el, str, fetchJSON } from '../util.js';
import { state, mapIfReady, categoryTitle } from '../store.js';
import { CATEGORY_COLORS, OTHER_COLOR } from '../palette.js';
import { setSetVisibility } from '../map/layers.js';
import { navigate } from '../router.js';
import { openAsset, openArea, closeDetails } from './details.js';

const SEARCH_LIMIT = 10;
const SEARCH_DEBOUNCE_MS = 250;
/** The zoom a street or a point is shown at. */
const STREET_ZOOM = 16;

/**
 * A result of api/search.
 * @typedef {{kind: string, name: string, id?: string, code?: string,
 *   set?: {slug: string, title: string}, current?: boolean, category?: string,
 *   class?: string, point?: [number, number], bbox?: [number, number, number, number], score: number}} SearchResult
 */

/** @type {ReturnType<typeof setTimeout> | undefined} */
let searchTimer;
/** @type {AbortController | null} */
let searchAbort = null;
let searchSeq = 0;
/** The active option's index in state.searchResults, -1 for none. */
let active = -1;
/** @type {import('maplibre-gl').Popup | null} */
let popup = null;

/**
 * kindWord says what a result is, so that equal names can be told apart:
 * an asset's category, an area's set, "Street", "Place".
 * @param {SearchResult} r
 * @returns {string}
 */
export function kindWord(r) {
  switch (r.kind) {
    case 'asset':
      return categoryTitle(r.category) || 'Asset';
    case 'area': {
      const set = r.set ? r.set.title || r.set.slug : '';
      return ['Area', set, r.current === false ? 'earlier release' : ''].filter(Boolean).join(' · ');
    }
    case 'place':
      return 'Neighbourhood';
    case 'street':
      return 'Street';
    case 'placename':
      return ['Place', humanClass(r.class)].filter(Boolean).join(' · ');
    case 'postcode':
      // class: "675 postcodes" for an outward code or sector, "terminated 2000-12"
      return ['Postcode', str(r.class)].filter(Boolean).join(' · ');
  }
  return r.kind;
}

/** @param {string | undefined} c a basemap class, e.g. "suburb" */
function humanClass(c) {
  const s = str(c).replace(/_/g, ' ');
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}

/** @returns {HTMLInputElement} */
function input() {
  return /** @type {HTMLInputElement} */ ($('search-input'));
}

/**
 * setOpen shows or hides the listbox and says so on the combobox.
 * @param {boolean} open
 */
function setOpen(open) {
  const list = $('search-results');
  const show = open && state.searchResults.length > 0;
  list.hidden = !show;
  input().setAttribute('aria-expanded', String(show));
  if (!show) setActive(-1);
}

/**
 * setActive makes option i the active one (-1: none) and scrolls it into
 * view.
 * @param {number} i
 */
function setActive(i) {
  active = i;
  const options = $('search-results').querySelectorAll('[role="option"]');
  options.forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
  const opt = i >= 0 ? options[i] : null;
  if (opt) {
    input().setAttribute('aria-activedescendant', opt.id);
    opt.scrollIntoView({ block: 'nearest' });
  } else {
    input().removeAttribute('aria-activedescendant');
  }
}

/**
 * optionFor is the listbox option of result r, the i-th.
 * @param {SearchResult} r
 * @param {number} i
 */
function optionFor(r, i) {
  const dot = el('span', { className: `dot search-dot kind-${r.kind}`, 'aria-hidden': 'true' });
  if (r.kind === 'asset') dot.style.backgroundColor = CATEGORY_COLORS[str(r.category)] || OTHER_COLOR;
  if (r.kind === 'area') dot.style.color = (state.setsBySlug.get(r.set ? r.set.slug : '') || {}).color || OTHER_COLOR;
  const li = el('li', {
    id: `search-option-${i}`, role: 'option', 'aria-selected': 'false', className: 'search-option',
    dataset: { kind: r.kind, id: str(r.id || r.code || '') },
  },
  dot,
  el('span', { className: 'row-text' },
    el('span', { className: 'row-title', text: r.name || '(unnamed)' }),
    el('span', { className: 'row-meta', text: kindWord(r) })));
  // The input keeps the focus when an option is pressed.
  li.addEventListener('mousedown', (ev) => ev.preventDefault());
  li.addEventListener('click', () => choose(i));
  return li;
}

/**
 * runSearch asks api/search for text and lists the results. It answers
 * them, or null when a later search overtook it.
 * @param {string} text
 * @returns {Promise<SearchResult[] | null>}
 */
export async function runSearch(text) {
  const q = text.trim();
  clearTimeout(searchTimer);
  if (searchAbort) searchAbort.abort();
  const status = $('search-status');
  const list = $('search-results');
  if (!q) {
    state.searchResults = [];
    state.searchQuery = '';
    list.replaceChildren();
    setOpen(false);
    status.textContent = '';
    return [];
  }
  searchAbort = new AbortController();
  const seq = ++searchSeq;
  status.textContent = 'Searching…';
  let answer;
  try {
    answer = await fetchJSON(`api/search?q=${encodeURIComponent(q.slice(0, 100))}&limit=${SEARCH_LIMIT}`, { signal: searchAbort.signal });
  } catch (err) {
    if (err.name === 'AbortError' || seq !== searchSeq) return null;
    state.searchResults = [];
    list.replaceChildren();
    setOpen(false);
    status.textContent = `Search failed: ${err.message}`;
    return [];
  }
  if (seq !== searchSeq) return null;
  /** @type {SearchResult[]} */
  const results = Array.isArray(answer.results) ? answer.results : [];
  state.searchResults = results;
  state.searchQuery = q;
  list.replaceChildren(...results.map(optionFor));
  setOpen(true);
  const n = results.length;
  status.textContent = n
    ? `${n} ${n === 1 ? 'result' : 'results'}${n >= SEARCH_LIMIT ? ' (the best ' + SEARCH_LIMIT + ')' : ''}: use the up and down arrows to pick one.`
    : `Nothing matches “${q}”.${hasStreets() ? '' : ' Streets are not searchable here yet: this map has no street basemap (see Layers).'}`;
  return results;
}

/** hasStreets says whether this map has a street basemap whose names search finds. */
function hasStreets() {
  return !!str(state.config.basemap_tiles);
}

/**
 * flyTo moves the map to a result: its box, or its point at street zoom.
 * @param {SearchResult} r
 */
function flyTo(r) {
  const m = mapIfReady();
  if (!m) return;
  const b = r.bbox;
  if (b && (b[2] > b[0] || b[3] > b[1])) {
    m.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: STREET_ZOOM });
  } else if (r.point) {
    m.flyTo({ center: r.point, zoom: Math.max(m.getZoom(), STREET_ZOOM) });
  }
}

/**
 * showPopup marks a street or a place name on the map with its name.
 * @param {SearchResult} r
 */
function showPopup(r) {
  const m = mapIfReady();
  if (popup) popup.remove();
  popup = null;
  if (!m || !r.point) return;
  const content = el('div', { className: 'search-popup' },
    el('strong', { text: r.name }), el('br'), el('span', { text: kindWord(r) }));
  popup = new window.maplibregl.Popup({ closeOnClick: true, focusAfterOpen: false, className: 'search-popup-box' })
    .setLngLat(r.point).setDOMContent(content).addTo(m);
}

/**
 * choose opens the i-th result: the map moves there, and an asset or an
 * area opens its details (as a click on the map does), a place its page,
 * a street or place name a popup with its name (the details pane closes).
 * @param {number} i
 */
export function choose(i) {
  const r = /** @type {SearchResult | undefined} */ (state.searchResults[i]);
  if (!r) return;
  setActive(i);
  if (popup) { popup.remove(); popup = null; }
  switch (r.kind) {
    case 'asset':
      flyTo(r);
      openAsset(r.id, { focus: true });
      break;
    case 'area':
      if (r.set && !state.visible.get(r.set.slug)) setSetVisibility(r.set.slug, true);
      flyTo(r);
      if (r.set) openArea(r.set.slug, r.code, { focus: true });
      break;
    case 'place':
      navigate({ view: 'places', place: str(r.id) });
      break;
    default:
      closeDetails();
      flyTo(r);
      showPopup(r);
  }
}

/**
 * onKey moves through the options and chooses one, as a combobox does.
 * @param {KeyboardEvent} ev
 */
function onKey(ev) {
  const n = state.searchResults.length;
  const open = input().getAttribute('aria-expanded') === 'true';
  /** @param {number} i */
  const go = (i) => { ev.preventDefault(); setOpen(true); setActive(i); };
  switch (ev.key) {
    case 'ArrowDown':
      if (n) go(open && active >= 0 ? Math.min(active + 1, n - 1) : 0);
      break;
    case 'ArrowUp':
      if (n) go(open && active > 0 ? active - 1 : n - 1);
      break;
    case 'Home':
      if (open && active >= 0) go(0);
      break;
    case 'End':
      if (open && active >= 0) go(n - 1);
      break;
    case 'Escape':
      ev.preventDefault();
      if (open) setOpen(false);
      else { input().value = ''; runSearch(''); }
      break;
  }
}

/** setupSearch wires the search box and its listbox. */
export function setupSearch() {
  const box = input();
  box.addEventListener('input', () => {
    clearTimeout(searchTimer);
    setActive(-1);
    searchTimer = setTimeout(() => runSearch(box.value), SEARCH_DEBOUNCE_MS);
  });
  box.addEventListener('keydown', onKey);
  $('search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = box.value.trim();
    if (active >= 0 && state.searchQuery === q) {
      choose(active);
      return;
    }
    const results = state.searchQuery === q ? state.searchResults : await runSearch(q);
    if (results && results.length) choose(0);
  });
}
