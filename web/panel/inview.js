// @ts-check
// "In view": the assets and areas the map shows, as lists beside it, so
// everything the map offers is reachable without a mouse. Filled while the
// list is open, and again when the map stops moving.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { state, map, mapIfReady, setTitle } from '../store.js';
import { assetRow, openAsset, openArea } from './details.js';

const IN_VIEW_LIMIT = 50;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let inViewTimer;
/** @type {AbortController | null} */
let inViewAbort = null;

/** @returns {string} the map's view as a bbox parameter, to 5 places */
function viewBBox() {
  const b = map().getBounds();
  /** @param {number} n */
  const r = (n) => Math.round(n * 1e5) / 1e5;
  return [Math.max(-180, r(b.getWest())), Math.max(-90, r(b.getSouth())), Math.min(180, r(b.getEast())), Math.min(90, r(b.getNorth()))].join(',');
}

/**
 * fetchInView asks for the assets (unless hidden) and the areas of slug
 * in the map's view.
 * @param {string} slug
 * @param {AbortSignal} signal
 * @returns {Promise<[any, any]>}
 */
function fetchInView(slug, signal) {
  const bbox = viewBBox();
  return Promise.all([
    state.assetsVisible === false ? { features: [], numberMatched: 0 } : fetchJSON(`api/assets?bbox=${bbox}&limit=${IN_VIEW_LIMIT}`, { signal }),
    slug ? fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas?bbox=${bbox}&limit=${IN_VIEW_LIMIT}`, { signal }) : { features: [] },
  ]);
}

/** loadInView fills both lists for the map's view. */
async function loadInView() {
  const box = /** @type {HTMLDetailsElement} */ ($('in-view'));
  if (!box.open || !mapIfReady() || state.view !== 'map') return;
  if (inViewAbort) inViewAbort.abort();
  inViewAbort = new AbortController();
  const { signal } = inViewAbort;
  const slug = /** @type {HTMLSelectElement} */ ($('in-view-set')).value;
  const assetList = $('in-view-assets');
  const areaList = $('in-view-areas');
  // The area list says which set it lists; another set's areas are never
  // left on show (a keyboard user would open the wrong one) while the new
  // set's load.
  if (areaList.dataset.set !== slug) areaList.replaceChildren();
  areaList.dataset.set = slug;
  assetList.setAttribute('aria-busy', 'true');
  areaList.setAttribute('aria-busy', 'true');
  $('in-view-status').textContent = 'Loading…';
  let assets, areas;
  try {
    [assets, areas] = await fetchInView(slug, signal);
  } catch (err) {
    if (err.name === 'AbortError') return;
    assetList.removeAttribute('aria-busy');
    areaList.removeAttribute('aria-busy');
    $('in-view-status').textContent = `Could not list what is in view: ${err.message}`;
    return;
  }
  // The map moving under a keyboard user re-lists what is in view: the
  // row that had the focus keeps it when it is still listed.
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const row = active && active.closest ? active.closest('#in-view-assets, #in-view-areas') : null;
  const keep = active && row ? { list: /** @type {HTMLElement} */ (active.closest('ul')).id, id: active.dataset.id, code: active.dataset.code } : null;
  const af = Array.isArray(assets.features) ? assets.features : [];
  const arf = Array.isArray(areas.features) ? areas.features : [];
  fillLists(assetList, af, areaList, arf, slug);
  if (keep) {
    const again = [...$(keep.list).querySelectorAll('button')].find((b) =>
      (keep.id !== undefined && b.dataset.id === keep.id) || (keep.code !== undefined && b.dataset.code === keep.code));
    if (again) again.focus();
  }
  const total = Number(assets.numberMatched);
  const more = Number.isFinite(total) && total > af.length ? ` (the first ${af.length} of ${numberFormat.format(total)})` : '';
  const setName = slug ? setTitle(slug) : '';
  $('in-view-status').textContent = `${af.length ? `${af.length} ${af.length === 1 ? 'asset' : 'assets'}${more}` : 'No assets'} in view` +
    (slug ? `; ${arf.length}${arf.length >= IN_VIEW_LIMIT ? '+' : ''} ${arf.length === 1 ? 'area' : 'areas'} of ${setName}.` : '.');
}

/**
 * @param {HTMLElement} assetList
 * @param {any[]} af asset features
 * @param {HTMLElement} areaList
 * @param {any[]} arf area features
 * @param {string} slug the set of the areas
 */
function fillLists(assetList, af, areaList, arf, slug) {
  assetList.replaceChildren(...af.map((f) => {
    const p = { ...(f.properties || {}) };
    p.id = str(p.id) || str(f.id);
    return el('li', null, assetRow(p, () => openAsset(p.id, { fly: true, geometry: f.geometry, focus: true })));
  }));
  areaList.replaceChildren(...arf.map((f) => {
    const p = f.properties || {};
    const code = str(p.code) || str(f.id);
    return el('li', null, el('button', { type: 'button', className: 'row-button', dataset: { code },
      onclick: () => openArea(slug, code, { fit: true, focus: true }) },
    el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || code }),
      el('span', { className: 'row-meta', text: code }))));
  }));
  assetList.removeAttribute('aria-busy');
  areaList.removeAttribute('aria-busy');
}

/** setupInView fills the set picker and lists again as the map moves. */
export function setupInView() {
  /** @type {HTMLSelectElement} */
  const select = $('in-view-set');
  select.replaceChildren(el('option', { value: '', text: '(none)' }),
    ...state.sets.map((s) => el('option', { value: s.slug, text: s.title || s.slug })));
  const firstVisible = state.sets.find((s) => state.visible.get(s.slug));
  if (firstVisible) select.value = firstVisible.slug;
  select.addEventListener('change', () => loadInView());
  $('in-view').addEventListener('toggle', () => loadInView());
  map().on('moveend', () => {
    clearTimeout(inViewTimer);
    inViewTimer = setTimeout(loadInView, 250);
  });
}
