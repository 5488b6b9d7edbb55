// @ts-check
// The Places view: a place such as a neighbourhood is drawn differently by
// each boundary set. The agreement surface colours each part by how many
// definitions include it; each definition is outlined; the assets of the
// core, contested and fringe parts are listed. Residents' drawings of the
// place (drawings.js) may take the agreement's place on the map.
//
// API used (same origin, relative URLs):
//   GET api/places, api/places/{slug}, api/places/{slug}/agreement,
//       api/places/{slug}/suggestions (and the drawings: drawings.js)
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { num, pct, km2, fmtValue, humanName } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { setSourceId } from '../map/layers.js';
import { openAsset } from '../panel/details.js';
import { AGREE_RAMP, agreeColor, codeOf, dashKey } from './scales.js';
import { dr, drawingsHooks, drawingsLayerIds, drawingsLegend, loadDrawings, clearDrawings, drawingsClick } from './drawings.js';
import {
  hasSet, setColor, addLayer, removeLayers, fitBBox, bboxOfFeatures, viewStatus,
  mapLegend, legendRow, indicatorList, indicatorLists, layerViewHooks,
} from './common.js';

export const LAYERS = {
  source: 'place-agreement',
  fill: 'place-agreement-fill',
  line: 'place-agreement-line',
  /** @param {number} i */
  def: (i) => `place-def-${i}`,
};

const PART_INFO = /** @type {Record<string, {label: string, term: string, help: string}>} */ ({
  core: { label: 'Agreed by all', term: 'Core', help: 'inside every definition' },
  contested: { label: 'Partly agreed', term: 'Contested', help: 'inside some definitions' },
  fringe: { label: 'In one only', term: 'Fringe', help: 'inside only one definition' },
});
const DEF_DASHES = [[1, 0], [3, 2], [1, 1.5], [4, 1.5, 1, 1.5], [6, 3], [2, 2, 0.5, 2]];

/**
 * The Places view's state (window.placemap.views.places).
 * @typedef {object} PlacesState
 * @property {any[] | null} list from api/places
 * @property {string} slug the place shown
 * @property {any} detail api/places/{slug}
 * @property {any} agreement api/places/{slug}/agreement
 * @property {number} seq of the last place asked for
 * @property {string[]} defLayers the layers outlining its definitions
 */

/** @type {PlacesState} */
export const pl = {
  list: null,
  slug: '',
  detail: null,
  agreement: null,
  seq: 0,
  defLayers: [],
};

function layerIds() {
  // The residents' drawings, when shown, take the agreement's place.
  return [...(dr.shown ? [] : [LAYERS.fill, LAYERS.line]), ...pl.defLayers, ...drawingsLayerIds()];
}

drawingsHooks.agreementLayers = [LAYERS.fill, LAYERS.line];
drawingsHooks.legend = () => legend();
drawingsHooks.adopted = () => { reloadDefinitions(pl.slug); };

function ensureSource() {
  const L = LAYERS;
  const m = map();
  if (m.getSource(L.source)) return;
  m.addSource(L.source, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  addLayer({ id: L.fill, type: 'fill', source: L.source, paint: { 'fill-color': AGREE_RAMP[2], 'fill-opacity': 0.75 } });
  addLayer({ id: L.line, type: 'line', source: L.source, paint: { 'line-color': '#ffffff', 'line-width': 0.8, 'line-opacity': 0.7 } });
}

/** @returns {import('maplibre-gl').GeoJSONSource | undefined} */
function source() {
  return map().getSource(LAYERS.source);
}

function buildUI() {
  const root = $('view-places');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  $('places-filter').addEventListener('input', renderList);
}

async function loadList() {
  if (pl.list) return;
  viewStatus($('places-status'), 'Loading places…');
  try {
    const r = await fetchJSON('api/places');
    const list = Array.isArray(r.places) ? r.places : [];
    pl.list = list;
    viewStatus($('places-status'), list.length ? '' : 'No places have been defined yet.');
  } catch (err) {
    viewStatus($('places-status'), `Could not load places: ${err.message}`, true);
    pl.list = null;
    return;
  }
  renderList();
}

function renderList() {
  const list = $('places-list');
  if (!pl.list) return;
  const q = /** @type {HTMLInputElement} */ ($('places-filter')).value.trim().toLowerCase();
  /** @param {any} p */
  const match = (p) => !q || [p.name, ...(Array.isArray(p.alt_names) ? p.alt_names : [])].some((n) => str(n).toLowerCase().includes(q));
  const items = pl.list.filter(match);
  list.replaceChildren(...items.map((p) => {
    const slug = str(p.slug);
    const alt = Array.isArray(p.alt_names) ? p.alt_names.map(str).filter(Boolean) : [];
    const n = Number(p.definitions) || 0;
    const meta = [`${numberFormat.format(n)} ${n === 1 ? 'definition' : 'definitions'}`, alt.length ? `also ${alt.join(', ')}` : ''].filter(Boolean).join(' · ');
    return el('li', null, el('a', {
      className: 'row-button place-link', href: hashFor({ view: 'places', place: slug }),
      'aria-current': slug === pl.slug ? 'true' : null, dataset: { place: slug },
    }, el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || slug }),
      el('span', { className: 'row-meta', text: meta }))));
  }));
  if (!items.length && pl.list.length) list.append(el('li', { className: 'muted empty', text: 'No place matches.' }));
}

/** @type {import('../router.js').View} */
export const placesView = {
  ...layerViewHooks(buildUI, layerIds, legend),
  /** @param {import('../router.js').PlacesRoute} r */
  async route(r) {
    await loadList();
    if (r.place === pl.slug) return;
    pl.slug = r.place;
    renderList();
    if (!r.place) {
      clearPlace();
      return;
    }
    await loadPlace(r.place);
  },
};

function clearPlace() {
  pl.detail = null;
  pl.agreement = null;
  clearDrawings();
  $('place-detail').hidden = true;
  const src = source();
  if (src) src.setData({ type: 'FeatureCollection', features: [] });
  removeLayers(pl.defLayers);
  pl.defLayers = [];
  legend();
}

/** @type {AbortController | null} */
let plAbort = null;

/** @param {string} slug */
async function loadPlace(slug) {
  const seq = ++pl.seq;
  if (plAbort) plAbort.abort();
  plAbort = new AbortController();
  const { signal } = plAbort;
  const status = $('place-status');
  $('place-detail').hidden = false;
  $('place-name').textContent = (pl.list || []).find((p) => str(p.slug) === slug)?.name || slug;
  $('place-alt').textContent = '';
  viewStatus(status, 'Loading…');
  $('place-parts').replaceChildren();
  $('place-definitions').replaceChildren();
  let detail, agreement;
  try {
    [detail, agreement] = await Promise.all([
      fetchJSON(`api/places/${encodeURIComponent(slug)}`, { signal }),
      fetchJSON(`api/places/${encodeURIComponent(slug)}/agreement`, { signal }),
    ]);
  } catch (err) {
    if (seq !== pl.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not load this place: ${err.message}`, true);
    return;
  }
  if (seq !== pl.seq) return;
  viewStatus(status, '');
  pl.detail = detail;
  pl.agreement = agreement;
  drawPlace();
  renderPlace();
  loadSuggestions(slug, seq, signal);
  loadDrawings(slug, str(detail && detail.name) || slug);
}

/**
 * reloadDefinitions lists the place's definitions and its agreement again
 * (a consensus adopted from its drawings is a new one), leaving the map
 * where it is.
 * @param {string} slug
 */
async function reloadDefinitions(slug) {
  const seq = pl.seq;
  let detail, agreement;
  try {
    [detail, agreement] = await Promise.all([
      fetchJSON(`api/places/${encodeURIComponent(slug)}`),
      fetchJSON(`api/places/${encodeURIComponent(slug)}/agreement`),
    ]);
  } catch (err) {
    console.warn('placemap: could not list the definitions again:', err.message);
    return;
  }
  if (seq !== pl.seq) return;
  pl.detail = detail;
  pl.agreement = agreement;
  drawPlace({ fit: false });
  renderPlace();
}

/**
 * loadSuggestions lists the areas of the sets the place has no definition
 * in that come closest to it (api/places/{slug}/suggestions): a hint for
 * definitions still missing.
 * @param {string} slug
 * @param {number} seq
 * @param {AbortSignal} signal
 */
async function loadSuggestions(slug, seq, signal) {
  const box = $('place-suggestions');
  box.hidden = true;
  let r;
  try {
    r = await fetchJSON(`api/places/${encodeURIComponent(slug)}/suggestions`, { signal });
  } catch (err) {
    if (err.name !== 'AbortError') console.warn('placemap: no suggestions for', slug, err.message);
    return;
  }
  if (seq !== pl.seq) return;
  const list = Array.isArray(r.suggestions) ? r.suggestions : [];
  // The best few: one per set, then by IoU.
  /** @type {Map<string, any>} */
  const bySet = new Map();
  for (const s of list) {
    const k = str(s.set);
    if (!bySet.has(k) || (num(s.iou) || 0) > (num(bySet.get(k).iou) || 0)) bySet.set(k, s);
  }
  const top = [...bySet.values()].sort((x, y) => (num(y.iou) || 0) - (num(x.iou) || 0));
  if (!top.length) return;
  $('place-suggestions-method').textContent = str(r.method);
  $('place-suggestions-list').replaceChildren(...top.map((s) => el('li', null,
    el('span', { className: 'def-set', text: setTitle(str(s.set)) }),
    el('span', { className: 'sugg-area' }, el('strong', { text: str(s.name) || str(s.code) }), ' ', el('code', { className: 'cell-code', text: str(s.code) })),
    el('span', { className: 'sugg-stats', text: `IoU ${num(s.iou) === null ? '–' : s.iou.toFixed(2)} · holds ${pct(s.share_of_place_in_area)} of it` }))));
  box.hidden = false;
}

/** @returns {any[]} the place's definitions */
function definitions() {
  return Array.isArray(pl.detail && pl.detail.definitions) ? pl.detail.definitions : [];
}

/** @param {{fit?: boolean}} [options] */
function drawPlace({ fit = true } = {}) {
  const L = LAYERS;
  ensureSource();
  const fc = pl.agreement && Array.isArray(pl.agreement.features) ? pl.agreement : { type: 'FeatureCollection', features: [] };
  const of = placeOf();
  /** @type {any[]} */
  const colors = ['match', ['to-number', ['get', 'count']]];
  for (let k = 1; k <= of; k++) colors.push(k, agreeColor(k, of));
  colors.push(AGREE_RAMP[0]);
  /** @type {import('maplibre-gl').GeoJSONSource} */ (source()).setData({ type: 'FeatureCollection', features: fc.features });
  map().setPaintProperty(L.fill, 'fill-color', of >= 1 ? colors : AGREE_RAMP[2]);

  removeLayers(pl.defLayers);
  pl.defLayers = [];
  definitions().forEach((d, i) => {
    const slug = str(d.set);
    if (!hasSet(slug)) return;
    const id = L.def(i);
    addLayer({
      id, type: 'line', source: setSourceId(slug), 'source-layer': slug,
      filter: /** @type {any} */ (['==', codeOf, str(d.code)]),
      layout: { 'line-join': 'round', visibility: state.view === 'places' ? 'visible' : 'none' },
      paint: { 'line-color': setColor(slug), 'line-width': 2.4, 'line-dasharray': DEF_DASHES[i % DEF_DASHES.length] },
    });
    pl.defLayers.push(id);
  });
  legend();
  if (fit) fitBBox(bboxOfFeatures(fc.features), { padding: 40 });
}

/** @returns {number} how many definitions the place has */
function placeOf() {
  const s = pl.agreement && pl.agreement.summary;
  const feats = (pl.agreement && pl.agreement.features) || [];
  const fromFeat = feats.reduce((/** @type {number} */ m, /** @type {any} */ f) => Math.max(m, Number(f.properties && f.properties.of) || 0), 0);
  return Number(s && s.definitions) || fromFeat || (pl.detail && Array.isArray(pl.detail.definitions) ? pl.detail.definitions.length : 0);
}

function legend() {
  if (state.view !== 'places') return;
  const drawn = drawingsLegend();
  if (drawn) {
    mapLegend(...drawn);
    return;
  }
  if (!pl.agreement) {
    mapLegend();
    return;
  }
  const of = placeOf();
  const feats = pl.agreement.features || [];
  /** @type {Map<number, number>} */
  const areaBy = new Map();
  for (const f of feats) {
    const c = Number(f.properties && f.properties.count) || 0;
    areaBy.set(c, (areaBy.get(c) || 0) + (Number(f.properties.area_m2) || 0));
  }
  const rows = [];
  for (let k = of; k >= 1; k--) {
    const part = k === of ? ' · agreed by all' : (k === 1 ? ' · in one only' : '');
    rows.push(legendRow({ background: agreeColor(k, of) }, `${k} of ${of}${part}`, areaBy.has(k) ? `${km2(areaBy.get(k))} km²` : ''));
  }
  mapLegend(
    el('h3', { className: 'map-legend-title', text: `How many definitions of ${str(pl.detail && pl.detail.name) || pl.slug} include each part` }),
    el('ul', { className: 'map-legend-list', id: 'place-legend' }, ...rows),
    el('ul', { className: 'map-legend-list map-legend-keys' }, ...definitions().map((d, i) => el('li', { className: 'legend-line' },
      el('span', { className: 'legend-dash', 'aria-hidden': 'true', style: dashKey(setColor(str(d.set)), DEF_DASHES[i % DEF_DASHES.length], 2) }),
      el('span', { className: 'legend-label', text: `${str(d.set_title) || setTitle(str(d.set))}: ${str(d.name) || str(d.code)}` })))));
}

function renderPlace() {
  const d = pl.detail || {};
  const s = (pl.agreement && pl.agreement.summary) || {};
  $('place-name').textContent = str(d.name) || pl.slug;
  const alt = Array.isArray(d.alt_names) ? d.alt_names.map(str).filter(Boolean) : [];
  $('place-alt').textContent = alt.length ? `Also known as ${alt.join(', ')}` : '';
  renderParts(s);

  const defs = Array.isArray(d.definitions) ? d.definitions : [];
  // Indicator titles come from each set's indicator list (fetched once).
  const slugs = [...new Set(defs.map((/** @type {any} */ x) => str(x.set)).filter(hasSet))];
  Promise.all(slugs.map((s) => indicatorList(s).catch(() => []))).then(() => {
    if (pl.detail !== d) return;
    for (const dt of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#place-definitions dt[data-indicator]'))) {
      const set = str(/** @type {HTMLElement} */ (dt.closest('li.definition')).dataset.set);
      const meta = (indicatorLists.get(set) || []).find((i) => str(i.name) === dt.dataset.indicator);
      if (meta && str(meta.title)) dt.textContent = str(meta.title);
    }
  });
  $('place-definitions-heading').textContent = `Definitions (${defs.length})`;
  $('place-definitions').replaceChildren(...defs.map(renderDefinition));
}

/**
 * renderParts lists the core, contested and fringe parts with their areas
 * and assets.
 * @param {any} s the agreement's summary
 */
function renderParts(s) {
  const of = placeOf();
  const assets = (s.assets && typeof s.assets === 'object') ? s.assets : {};
  /** @type {Record<string, string>} */
  const partColor = { core: agreeColor(of, of), contested: agreeColor(Math.max(2, Math.ceil((of + 1) / 2)), of), fringe: agreeColor(1, of) };
  const parts = ['core', 'contested', 'fringe'].map((part) => {
    const list = Array.isArray(assets[part]) ? assets[part] : [];
    return el('li', { className: `part part-${part}`, dataset: { part } },
      el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: partColor[part] } }),
      el('div', { className: 'part-text' },
        el('div', { className: 'part-head' },
          el('strong', { text: PART_INFO[part].label, title: PART_INFO[part].term }),
          el('span', { className: 'part-area', text: `${km2(s[`${part}_m2`])} km²` })),
        el('span', { className: 'row-meta', text: PART_INFO[part].help }),
        list.length
          ? el('ul', { className: 'part-assets' }, ...list.map((/** @type {any} */ a) => el('li', null, assetLink(a))))
          : el('span', { className: 'row-meta', text: 'No assets.' })));
  });
  $('place-parts').replaceChildren(...parts);
  $('place-parts-note').textContent = of ? `${of} definitions compared.` : '';
}

/**
 * assetLink is a button that shows an asset on the Map view.
 * @param {any} a
 */
function assetLink(a) {
  const id = str(a.id);
  return el('button', {
    type: 'button', className: 'link-button', text: str(a.name) || '(unnamed asset)',
    title: 'Show on the map',
    onclick: () => {
      navigate({ view: 'map' });
      openAsset(id, { fly: true, focus: true });
    },
  });
}

/**
 * @param {any} def a definition of the place
 * @param {number} i its place in the list, which picks its dashes
 */
function renderDefinition(def, i) {
  const slug = str(def.set);
  const dash = DEF_DASHES[i % DEF_DASHES.length];
  const confirmed = def.confirmed === true;
  const assets = Array.isArray(def.assets) ? def.assets : [];
  const indicators = def.indicators && typeof def.indicators === 'object' ? Object.entries(def.indicators) : [];
  const fields = el('dl', { className: 'fields def-fields' });
  if (num(def.iou) !== null) fields.append(el('dt', { text: 'IoU' }), el('dd', { text: def.iou.toFixed(2) }));
  for (const [k, v] of indicators) {
    fields.append(el('dt', { text: humanName(k), dataset: { indicator: k } }), el('dd', { text: typeof v === 'number' ? fmtValue(v) : str(v) || '–' }));
  }
  return el('li', { className: 'definition', dataset: { set: slug, code: str(def.code) } },
    el('div', { className: 'def-head' },
      el('span', { className: 'legend-dash', 'aria-hidden': 'true', style: dashKey(setColor(slug), dash, 2.4) }),
      el('span', { className: 'def-set', text: str(def.set_title) || setTitle(slug) }),
      el('span', { className: `badge ${confirmed ? 'def-confirmed' : 'def-suggested'}`, text: confirmed ? 'Confirmed' : 'Suggested' }),
      def.review === true ? el('span', { className: 'badge def-review', title: 'carried to a new release through a weak successor', text: 'Needs review' }) : null),
    el('div', { className: 'def-area' },
      el('strong', { text: str(def.name) || str(def.code) }), ' ',
      el('code', { className: 'cell-code', text: str(def.code) })),
    str(def.note) ? el('div', { className: 'row-meta def-note', text: str(def.note) }) : null,
    fields.childElementCount ? fields : null,
    el('div', { className: 'def-assets' },
      el('span', { className: 'row-meta', text: `Assets (${assets.length})${assets.length ? ': ' : ''}` }),
      ...assets.map((/** @type {any} */ a, /** @type {number} */ j) => [j ? ', ' : '', assetLink(a)])));
}

/**
 * @param {unknown} v a property of a feature from the map: a list comes
 *   back as JSON text
 * @returns {any}
 */
function parsed(v) {
  if (typeof v !== 'string') return v;
  try { return JSON.parse(v); } catch { return []; }
}

/**
 * placesClick says, for the part of the agreement surface clicked, how many
 * definitions include it, which, and its assets.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function placesClick(ev) {
  if (drawingsClick(ev)) return;
  const L = LAYERS;
  const m = map();
  if (!m.getLayer(L.fill)) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  const note = $('place-pick');
  if (!f) {
    note.textContent = '';
    return;
  }
  const p = f.properties || {};
  const list = parsed(p.assets);
  const names = Array.isArray(list) ? list.map((a) => str(a && a.name)).filter(Boolean) : [];
  const defs = parsed(p.definitions);
  const byKey = new Map(definitions().map((d) => [`${str(d.set)}:${str(d.code)}`, d]));
  const inDefs = Array.isArray(defs) ? defs.map((k) => {
    const d = byKey.get(str(k));
    return d ? `${str(d.set_title) || setTitle(str(d.set))} (${str(d.name) || str(d.code)})` : str(k);
  }) : [];
  note.replaceChildren(...[
    el('strong', { text: `${(PART_INFO[p.class] || {}).label || humanName(p.class)}: ` }),
    `in ${p.count} of ${p.of} definitions, ${km2(p.area_m2)} km²`,
    inDefs.length ? el('span', { className: 'pick-defs', text: ` — ${inDefs.join(', ')}` }) : null,
    names.length ? el('span', { text: `. Assets: ${names.join(', ')}` }) : null,
    '.'].filter((x) => x !== null));
}
