// @ts-check
// The Compare view: two boundary sets through their crosswalk. Each A area
// is coloured by the share of it inside its best-fitting B area; a click
// lists an area's B counterparts; downloads. The crosswalk's summary, table
// of pairs and method are drawn by crosswalk.js.
//
// API used (same origin, relative URLs):
//   GET api/crosswalks/{a}/{b}[?weight=]          crosswalk pairs, best fit, summary
//   GET api/crosswalks/{a}/{b}?format=csv|lookup|geojson   downloads
//   GET api/export/crosswalks/{a}/{b}.gpkg|.kml            downloads
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON, unionBBox, geometryBBox } from '../util.js';
import { num, pct, km2 } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { openPanel } from '../panel/panel.js';
import { setSourceId } from '../map/layers.js';
import { NONE, SHARE_BINS, NO_COUNTERPART, shareColor, codeOf, matchByCode, codeFilter } from './scales.js';
import {
  A_LINE, B_LINE, population, hasSet, addLayer, removeLayers, setLayersVisible, fitBBox, viewStatus,
  fillSelect, setOptions, radioGroup, setRadio, mapLegend, legendRow, lineKey, layerViewHooks,
} from './common.js';
import { classBadge, renderPairsTable, renderSummary, renderMethod } from './crosswalk.js';

export const LAYERS = {
  aFill: 'cmp-a-fill',
  bHlFill: 'cmp-b-hl-fill',
  aLine: 'cmp-a-line',
  bLine: 'cmp-b-line',
  bHlLine: 'cmp-b-hl-line',
  aSel: 'cmp-a-sel',
};


/**
 * The Compare view's state (window.placemap.views.compare).
 * @typedef {object} CompareState
 * @property {string} a the A set
 * @property {string} b the B set
 * @property {string} weight area or population
 * @property {string} notice shown once the crosswalk has loaded (e.g. a set in the link was unknown)
 * @property {string} key a|b|weight of the data shown
 * @property {any} data the crosswalk
 * @property {Map<string, any[]>} byA a_code -> pairs
 * @property {Map<string, any>} best a_code -> best_fit row
 * @property {string} selected the A area selected
 * @property {{key: string, dir: number}} sort of the pairs table
 * @property {boolean} showAll every pair in the table
 * @property {number} seq of the last crosswalk asked for
 * @property {string} layersFor a|b the layers are built for
 * @property {boolean} hasPop the pairs have population shares
 */

/** @type {CompareState} */
export const cmp = {
  a: '', b: '', weight: 'area',
  notice: '',
  key: '',
  data: null,
  byA: new Map(),
  best: new Map(),
  selected: '',
  sort: { key: 'a', dir: 1 },
  showAll: false,
  seq: 0,
  layersFor: '',
  hasPop: false,
};

const layerIds = () => Object.values(LAYERS);

/**
 * @param {string} a
 * @param {string} b
 */
function buildLayers(a, b) {
  const L = LAYERS;
  removeLayers(layerIds());
  const srcA = setSourceId(a), srcB = setSourceId(b);
  /** @type {any} */
  const none = ['==', codeOf, NONE];
  addLayer({
    id: L.aFill, type: 'fill', source: srcA, 'source-layer': a,
    paint: { 'fill-color': '#e5e7eb', 'fill-opacity': 0.6 },
  });
  addLayer({
    id: L.bHlFill, type: 'fill', source: srcB, 'source-layer': b, filter: none,
    paint: { 'fill-color': B_LINE, 'fill-opacity': 0.28 },
  });
  addLayer({
    id: L.aLine, type: 'line', source: srcA, 'source-layer': a,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': A_LINE, 'line-opacity': 0.85, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 14, 3] },
  });
  addLayer({
    id: L.bLine, type: 'line', source: srcB, 'source-layer': b,
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': B_LINE, 'line-opacity': 0.95,
      'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.1, 14, 2.2],
      'line-dasharray': [2, 1.5],
    },
  });
  addLayer({
    id: L.bHlLine, type: 'line', source: srcB, 'source-layer': b, filter: none,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#1e3a8a', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2.2, 14, 4] },
  });
  addLayer({
    id: L.aSel, type: 'line', source: srcA, 'source-layer': a, filter: none,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 5] },
  });
  cmp.layersFor = `${a}|${b}`;
}

function paint() {
  /** @type {Map<string, string[]>} */
  const groups = new Map(SHARE_BINS.map((bin) => [bin.color, []]));
  for (const [code, row] of cmp.best) /** @type {string[]} */ (groups.get(shareColor(row.share))).push(code);
  map().setPaintProperty(LAYERS.aFill, 'fill-color', matchByCode(groups, NO_COUNTERPART));
}

function legend() {
  const d = cmp.data;
  const aT = d ? str(d.a && d.a.title) || setTitle(cmp.a) : setTitle(cmp.a);
  const bT = d ? str(d.b && d.b.title) || setTitle(cmp.b) : setTitle(cmp.b);
  /** @type {Map<string, number>} */
  const counts = new Map(SHARE_BINS.map((bin) => [bin.color, 0]));
  let without = 0;
  for (const row of cmp.best.values()) {
    const c = shareColor(row.share);
    counts.set(c, (counts.get(c) || 0) + 1);
  }
  if (d && d.summary && Array.isArray(d.summary.a_without_counterpart)) without = d.summary.a_without_counterpart.length;
  const weightWord = cmp.weight === 'population' ? 'population' : 'area';
  mapLegend(
    el('h3', { className: 'map-legend-title', text: `Share of each A area's ${weightWord} in its closest-matching B area` }),
    el('ul', { className: 'map-legend-list', id: 'cmp-legend' },
      ...SHARE_BINS.map((bin) => legendRow({ background: bin.color }, bin.label, d ? numberFormat.format(/** @type {number} */ (counts.get(bin.color))) : '')),
      legendRow({ background: NO_COUNTERPART }, 'no counterpart', d ? numberFormat.format(without) : '')),
    el('ul', { className: 'map-legend-list map-legend-keys' },
      lineKey(A_LINE, false, `A: ${aT}`),
      lineKey(B_LINE, true, `B: ${bT}`),
      el('li', { className: 'legend-line' },
        el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: 'rgba(29,78,216,0.35)', border: '2px solid #1e3a8a' } }),
        el('span', { className: 'legend-label', text: 'B counterparts of the selected A area' }))));
}

function buildUI() {
  const root = $('view-compare');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  /** @type {HTMLSelectElement} */
  const selA = $('cmp-a');
  /** @type {HTMLSelectElement} */
  const selB = $('cmp-b');
  fillSelect(selA, setOptions(), cmp.a);
  fillSelect(selB, setOptions(), cmp.b);
  selA.addEventListener('change', () => {
    let b = cmp.b;
    if (selA.value === b) b = cmp.a; // picking B's set as A swaps them
    navigate({ view: 'compare', a: selA.value, b, weight: cmp.weight });
  });
  selB.addEventListener('change', () => {
    let a = cmp.a;
    if (selB.value === a) a = cmp.b;
    navigate({ view: 'compare', a, b: selB.value, weight: cmp.weight });
  });
  $('cmp-swap').addEventListener('click', () => navigate({ view: 'compare', a: cmp.b, b: cmp.a, weight: cmp.weight }));
  $('cmp-weight').replaceChildren(radioGroup('cmp-weight', [
    { value: 'area', label: 'Area' },
    { value: 'population', label: 'Population', disabled: true, title: 'Needs a population indicator on a small-area set' },
  ], cmp.weight, (w) => navigate({ view: 'compare', a: cmp.a, b: cmp.b, weight: w, area: cmp.selected })));
  $('cmp-clear').addEventListener('click', () => selectArea('', { updateHash: true }));
}

/**
 * pickSets is the pair of sets to show for a route: its own when both are
 * loaded, else the ones shown last, else the first two.
 * @param {import('../router.js').CompareRoute} r
 */
function pickSets(r) {
  const all = state.sets;
  const a = hasSet(r.a) ? r.a : (hasSet(cmp.a) ? cmp.a : all[0].slug);
  let b = hasSet(r.b) ? r.b : (hasSet(cmp.b) && cmp.b !== a ? cmp.b : (all.find((s) => s.slug !== a) || all[0]).slug);
  if (a === b) b = (all.find((s) => s.slug !== a) || all[0]).slug;
  return { a, b };
}

/** @type {import('../router.js').View} */
export const compareView = {
  ...layerViewHooks(buildUI, layerIds, legend),
  /** @param {import('../router.js').CompareRoute} r */
  async route(r) {
    if (state.sets.length < 2) {
      viewStatus($('cmp-status'), 'Comparing needs at least two boundary sets.', true);
      return;
    }
    const { a, b } = pickSets(r);
    const weight = r.weight === 'population' ? 'population' : 'area';
    /** @type {import('../router.js').CompareRoute} */
    const want = { view: 'compare', a, b, weight, area: r.area };
    if (hashFor(want) !== location.hash) {
      if ((r.a && !hasSet(r.a)) || (r.b && !hasSet(r.b))) {
        cmp.notice = `There is no boundary set "${!hasSet(r.a) ? r.a : r.b}"; showing ${setTitle(a)} and ${setTitle(b)} instead.`;
      }
      navigate(want, { replace: true });
      return;
    }
    const setsChanged = cmp.a !== a || cmp.b !== b;
    cmp.a = a;
    cmp.b = b;
    cmp.weight = weight;
    /** @type {HTMLSelectElement} */ ($('cmp-a')).value = a;
    /** @type {HTMLSelectElement} */ ($('cmp-b')).value = b;
    setRadio('cmp-weight', weight, population.sets && population.sets.length ? [] : ['population']);
    if (cmp.layersFor !== `${a}|${b}`) {
      buildLayers(a, b);
      cmp.best = new Map();
      if (state.view !== 'compare') setLayersVisible(layerIds(), false);
    }
    if (setsChanged) {
      fitBBox(unionBBox([/** @type {any} */ (state.setsBySlug.get(a)).bbox, /** @type {any} */ (state.setsBySlug.get(b)).bbox]));
    }
    updateDownloads();
    const key = `${a}|${b}|${weight}`;
    if (cmp.key !== key) {
      await loadCrosswalk(a, b, weight, key);
    }
    if (cmp.key === key && r.area !== cmp.selected) selectArea(r.area, { fit: !!r.area && setsChanged });
  },
};

function updateDownloads() {
  const base = `api/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}`;
  const w = cmp.weight === 'population' ? '&weight=population' : '';
  const name = `${cmp.a}--${cmp.b}`;
  const links = [
    { id: 'cmp-dl-csv', href: `${base}?format=csv${w}`, file: `crosswalk-${name}.csv` },
    { id: 'cmp-dl-lookup', href: `${base}?format=lookup${w}`, file: `best-fit-${name}.csv` },
    { id: 'cmp-dl-geojson', href: `${base}?format=geojson${w}`, file: `overlay-${name}.geojson` },
    { id: 'cmp-dl-gpkg', href: `api/export/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}.gpkg${w.replace('&', '?')}`, file: `overlay-${name}.gpkg` },
    { id: 'cmp-dl-kml', href: `api/export/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}.kml${w.replace('&', '?')}`, file: `overlay-${name}.kml` },
  ];
  for (const l of links) {
    const a = $(l.id);
    a.setAttribute('href', l.href);
    a.setAttribute('download', l.file);
  }
}

/** @type {AbortController | null} */
let cmpAbort = null;

/**
 * loadCrosswalk asks for the crosswalk of a and b and shows it.
 * @param {string} a
 * @param {string} b
 * @param {string} weight
 * @param {string} key a|b|weight
 */
async function loadCrosswalk(a, b, weight, key) {
  const seq = ++cmp.seq;
  if (cmpAbort) cmpAbort.abort();
  cmpAbort = new AbortController();
  const { signal } = cmpAbort;
  const status = $('cmp-status');
  viewStatus(status, `Loading the crosswalk of ${setTitle(a)} and ${setTitle(b)}…`);
  $('cmp-results').classList.add('loading');
  let data;
  try {
    const w = weight === 'population' ? '?weight=population' : '';
    data = await fetchJSON(`api/crosswalks/${encodeURIComponent(a)}/${encodeURIComponent(b)}${w}`, { signal });
  } catch (err) {
    if (seq !== cmp.seq || err.name === 'AbortError') return;
    $('cmp-results').classList.remove('loading');
    viewStatus(status, `Could not load the crosswalk: ${err.message}`, true);
    cmp.key = '';
    return;
  }
  if (seq !== cmp.seq) return;
  $('cmp-results').classList.remove('loading');
  viewStatus(status, cmp.notice || '', !!cmp.notice);
  cmp.notice = '';
  keepCrosswalk(data, key);
  paint();
  legend();
  renderSummary(cmp);
  renderPairsTable(cmp, (code) => selectArea(code, { fit: true, updateHash: true }));
  renderMethod(cmp);
  selectArea('');
}

/**
 * keepCrosswalk keeps a crosswalk answer in cmp, its pairs by A area, and
 * which sets offer population weighting.
 * @param {any} data
 * @param {string} key
 */
function keepCrosswalk(data, key) {
  cmp.key = key;
  cmp.data = data;
  cmp.selected = '';
  cmp.showAll = false;
  const pairs = Array.isArray(data.pairs) ? data.pairs : [];
  cmp.byA = new Map();
  for (const p of pairs) {
    const code = str(p.a_code);
    const list = cmp.byA.get(code) || [];
    if (!cmp.byA.has(code)) cmp.byA.set(code, list);
    list.push(p);
  }
  cmp.best = new Map((Array.isArray(data.best_fit) ? data.best_fit : []).map((/** @type {any} */ r) => [str(r.a_code), r]));
  cmp.hasPop = pairs.some((/** @type {any} */ p) => p.pop_share_a_in_b !== undefined || p.pop_share_b_in_a !== undefined);
  const popSets = Array.isArray(data.population_sets) ? data.population_sets : [];
  population.sets = popSets;
  setRadio('cmp-weight', cmp.weight, popSets.length ? [] : ['population']);
  const popLabel = document.querySelector('label[for="cmp-weight-population"]');
  if (popLabel) {
    /** @type {HTMLElement} */ (popLabel).title = popSets.length
      ? `Weight by residents (from ${popSets.map(setTitle).join(', ')})`
      : 'No small-area set with a population indicator is loaded';
  }
  if (cmp.sort.key.startsWith('pop_') && !cmp.hasPop) cmp.sort = { key: 'a', dir: 1 };
}

/**
 * selectArea selects an A area (or none): its outline, its B counterparts
 * highlighted and listed. fit: fit the map to it; updateHash: put it in
 * the link.
 * @param {unknown} codeIn
 * @param {{fit?: boolean, updateHash?: boolean}} [options]
 */
function selectArea(codeIn, { fit = false, updateHash = false } = {}) {
  const code = str(codeIn);
  cmp.selected = code;
  const L = LAYERS;
  const pairs = code ? (cmp.byA.get(code) || []) : [];
  const m = map();
  if (m.getLayer(L.aSel)) {
    m.setFilter(L.aSel, /** @type {any} */ (['==', codeOf, code || NONE]));
    const f = pairs.length ? codeFilter(pairs.map((p) => str(p.b_code))) : ['==', codeOf, NONE];
    m.setFilter(L.bHlFill, f);
    m.setFilter(L.bHlLine, f);
  }
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#cmp-table tbody tr'))) tr.classList.toggle('selected', tr.dataset.a === code);
  renderSelection(code, pairs);
  if (updateHash) navigate({ view: 'compare', a: cmp.a, b: cmp.b, weight: cmp.weight, area: code }, { replace: true });
  if (code && fit) fitArea(cmp.a, code);
}

/**
 * fitArea fits the map to an area once it has been fetched, if the Compare
 * view's selection is still that code.
 * @param {string} slug
 * @param {string} code
 */
export async function fitArea(slug, code) {
  try {
    const f = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`);
    if (cmp.selected === code) fitBBox(geometryBBox(f.geometry), { padding: 60 });
  } catch (err) {
    console.warn('placemap: could not locate area', slug, code, err.message);
  }
}

/**
 * @param {string} code the A area
 * @param {any[]} pairs its pairs
 */
function renderSelection(code, pairs) {
  const box = $('cmp-selection');
  const list = $('cmp-counterparts');
  if (!code) {
    box.hidden = true;
    list.replaceChildren();
    return;
  }
  box.hidden = false;
  const best = cmp.best.get(code);
  const name = str(best && best.a_name) || str(pairs[0] && pairs[0].a_name) || code;
  $('cmp-selection-title').textContent = name;
  const what = cmp.weight === 'population' ? 'population' : 'area';
  $('cmp-selection-sub').replaceChildren(
    el('span', { className: 'cmp-tag cmp-tag-a', text: 'A' }),
    el('code', { className: 'cell-code', text: code }));
  $('cmp-selection-best').replaceChildren(...(best
    ? [el('span', { title: 'Best fit' }, 'Closest match in B: '), el('strong', { text: str(best.b_name) || str(best.b_code) }), `, holding ${pct(best.share)} of its ${what}.`]
    : ['No counterpart in B.']));
  const sorted = pairs.slice().sort((x, y) => (num(y.share_a_in_b) || 0) - (num(x.share_a_in_b) || 0));
  list.replaceChildren(...sorted.map(counterpart));
  if (!pairs.length) list.append(el('li', { className: 'muted', text: 'No B area overlaps this area (tiny overlaps left out).' }));
}

/** @param {any} p a pair of the selected A area */
function counterpart(p) {
  const stats = el('dl', { className: 'pair-stats' },
    el('dt', { text: 'A in B' }), el('dd', { text: pct(p.share_a_in_b) }),
    el('dt', { text: 'B in A' }), el('dd', { text: pct(p.share_b_in_a) }),
    el('dt', { text: 'How much overlaps', title: 'IoU (intersection over union), from 0 to 1' }), el('dd', { text: num(p.iou) === null ? '–' : p.iou.toFixed(2) }),
    el('dt', { text: 'km²' }), el('dd', { text: km2(p.inter_m2) }));
  if (p.pop_share_a_in_b !== undefined) {
    stats.append(el('dt', { text: 'Pop A in B' }), el('dd', { text: pct(p.pop_share_a_in_b) }));
    stats.append(el('dt', { text: 'Pop B in A' }), el('dd', { text: pct(p.pop_share_b_in_a) }));
  }
  const bar = el('span', { className: 'share-bar', 'aria-hidden': 'true', title: 'Share of A in this B area' },
    el('span', { style: { width: `${Math.round((num(p.share_a_in_b) || 0) * 100)}%`, background: shareColor(p.share_a_in_b) } }));
  return el('li', { dataset: { b: str(p.b_code) } },
    el('div', { className: 'pair-head' },
      el('span', { className: 'pair-name', text: str(p.b_name) || str(p.b_code) }),
      el('span', { className: 'cell-code', text: str(p.b_code) }),
      classBadge(str(p.class))),
    el('div', { className: 'pair-row' }, bar, stats));
}

/**
 * compareClick selects the A area clicked on the map.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function compareClick(ev) {
  const L = LAYERS;
  const m = map();
  if (!m.getLayer(L.aFill)) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [L.aFill] })[0];
  selectArea(f ? str(f.properties.code) : '', { updateHash: true });
  if (f) {
    openPanel();
    const sel = $('cmp-selection');
    sel.scrollIntoView({ block: 'nearest' });
  }
}
