// @ts-check
// The Choropleth view: a boundary set's areas coloured by an indicator in
// quantile classes, its own or one moved over from another set (weighted
// by area or population).
//
// API used (same origin, relative URLs):
//   GET api/sets/{slug}/indicators, api/sets/{slug}/indicators/{name}[?from=&weight=]
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { num, fmtValue, humanName } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { setSourceId } from '../map/layers.js';
import { NONE, CHORO_CLASSES, codeOf, matchByCode, quantileBreaks, classOf, choroColors } from './scales.js';
import {
  NO_DATA, population, hasSet, addLayer, removeLayers, setLayersVisible, fitBBox, viewStatus,
  fillSelect, setOptions, radioGroup, setRadio, mapLegend, legendRow, indicatorList, indicatorLists, layerViewHooks,
} from './common.js';

export const LAYERS = {
  fill: 'choro-fill',
  line: 'choro-line',
  sel: 'choro-sel',
};

/**
 * The Choropleth view's state (window.placemap.views.choropleth).
 * @typedef {object} ChoroplethState
 * @property {string} set the set coloured
 * @property {string} indicator
 * @property {string} from the set the values come from, '' for its own
 * @property {string} weight area or population, for moved values
 * @property {string} notice shown once the values have loaded
 * @property {Map<string, any[]>} lists each set's indicators
 * @property {string} key set|indicator|from|weight of the data shown
 * @property {any} data the values
 * @property {number[]} breaks between the quantile classes
 * @property {number} seq of the last values asked for
 * @property {string} layersFor the set the layers are built for
 * @property {string} selected the area picked
 */

/** @type {ChoroplethState} */
export const ch = {
  set: '', indicator: '', from: '', weight: 'area',
  notice: '',
  lists: indicatorLists,
  key: '',
  data: null,
  breaks: [],
  seq: 0,
  layersFor: '',
  selected: '',
};

const layerIds = () => Object.values(LAYERS);

/** @param {string} slug */
function buildLayers(slug) {
  const L = LAYERS;
  removeLayers(layerIds());
  const src = setSourceId(slug);
  addLayer({ id: L.fill, type: 'fill', source: src, 'source-layer': slug, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.8 } });
  addLayer({
    id: L.line, type: 'line', source: src, 'source-layer': slug,
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1.4], 'line-opacity': 0.9 },
  });
  addLayer({
    id: L.sel, type: 'line', source: src, 'source-layer': slug, filter: /** @type {any} */ (['==', codeOf, NONE]),
    paint: { 'line-color': '#111827', 'line-width': 3 },
  });
  ch.layersFor = slug;
}

function buildUI() {
  const root = $('view-choropleth');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  fillSelect($('choro-set'), setOptions(), ch.set);
  /** @param {Partial<import('../router.js').ChoroplethRoute>} patch */
  const go = (patch) => navigate({ view: 'choropleth', set: ch.set, indicator: ch.indicator, from: ch.from, weight: ch.weight, ...patch });
  /** @param {Event} ev */
  const value = (ev) => /** @type {HTMLSelectElement} */ (ev.target).value;
  $('choro-set').addEventListener('change', (ev) => {
    const set = value(ev);
    // Keep a moved indicator if it still comes from another set.
    if (ch.from && ch.from !== set) go({ set });
    else go({ set, from: '', indicator: '' });
  });
  $('choro-from').addEventListener('change', (ev) => go({ from: value(ev) === ch.set ? '' : value(ev), indicator: '' }));
  $('choro-indicator').addEventListener('change', (ev) => go({ indicator: value(ev) }));
  $('choro-weight').replaceChildren(radioGroup('choro-weight', [
    { value: 'area', label: 'Area' },
    { value: 'population', label: 'Population' },
  ], ch.weight, (w) => go({ weight: w })));
}

/**
 * indicatorOptions groups a set's own indicators apart from the built-in
 * asset counts.
 * @param {any[]} list
 * @returns {import('./common.js').OptionOrGroup[]}
 */
function indicatorOptions(list) {
  const own = list.filter((i) => !i.builtin).map((i) => ({ value: str(i.name), label: str(i.title) || humanName(i.name) }));
  const builtin = list.filter((i) => i.builtin).map((i) => ({ value: str(i.name), label: str(i.title) || humanName(i.name) }));
  const out = [];
  if (own.length) out.push({ group: 'Figures of this set', options: own });
  if (builtin.length) out.push({ group: 'Asset counts (built in)', options: builtin });
  return out;
}

/** @type {import('../router.js').View} */
export const choroplethView = {
  ...layerViewHooks(buildUI, layerIds, legend),
  /** @param {import('../router.js').ChoroplethRoute} r */
  async route(r) {
    const all = state.sets;
    const status = $('choro-status');
    if (!all.length) {
      viewStatus(status, 'No boundary sets are loaded.', true);
      return;
    }
    const set = hasSet(r.set) ? r.set : (hasSet(ch.set) ? ch.set : (hasSet('lsoa-2011') ? 'lsoa-2011' : all[0].slug));
    const from = r.from && hasSet(r.from) && r.from !== set ? r.from : '';
    const weight = from && r.weight === 'population' ? 'population' : 'area';
    const source = from || set;
    let list;
    try {
      list = await indicatorList(source);
    } catch (err) {
      viewStatus(status, `Could not list the indicators of ${setTitle(source)}: ${err.message}`, true);
      return;
    }
    let indicator = r.indicator;
    if (!list.some((i) => str(i.name) === indicator)) {
      if (indicator) ch.notice = `${setTitle(source)} has no indicator "${indicator}".`;
      indicator = str((list.find((i) => !i.builtin) || list[0] || {}).name);
    }
    /** @type {import('../router.js').ChoroplethRoute} */
    const want = { view: 'choropleth', set, indicator, from, weight };
    if (hashFor(want) !== location.hash) {
      navigate(want, { replace: true });
      return;
    }
    const setChanged = ch.set !== set;
    Object.assign(ch, { set, indicator, from, weight });
    showControls(list);
    if (ch.layersFor !== set) {
      buildLayers(set);
      ch.key = '';
      if (state.view !== 'choropleth') setLayersVisible(layerIds(), false);
    }
    if (setChanged) fitBBox(/** @type {any} */ (state.setsBySlug.get(set)).bbox);
    if (!indicator) {
      viewStatus(status, `${setTitle(source)} has no indicators.`, true);
      return;
    }
    const key = `${set}|${indicator}|${from}|${weight}`;
    if (ch.key !== key) await loadChoropleth(key);
  },
};

/**
 * showControls sets the pickers to ch.
 * @param {any[]} list the indicators of the set the values come from
 */
function showControls(list) {
  const { set, from, indicator, weight } = ch;
  /** @type {HTMLSelectElement} */ ($('choro-set')).value = set;
  fillSelect($('choro-from'), [{ value: set, label: 'This set' }, ...state.sets.filter((s) => s.slug !== set).map((s) => ({ value: s.slug, label: s.title || s.slug }))], from || set);
  fillSelect($('choro-indicator'), indicatorOptions(list), indicator);
  $('choro-weight-row').hidden = !from;
  setRadio('choro-weight', weight, population.sets && !population.sets.length ? ['population'] : []);
}

/** @type {AbortController | null} */
let chAbort = null;

/** @param {string} key set|indicator|from|weight */
async function loadChoropleth(key) {
  const seq = ++ch.seq;
  if (chAbort) chAbort.abort();
  chAbort = new AbortController();
  const { signal } = chAbort;
  const status = $('choro-status');
  viewStatus(status, 'Loading values…');
  const q = new URLSearchParams();
  if (ch.from) q.set('from', ch.from);
  if (ch.from && ch.weight === 'population') q.set('weight', 'population');
  const qs = q.toString();
  let data;
  try {
    data = await fetchJSON(`api/sets/${encodeURIComponent(ch.set)}/indicators/${encodeURIComponent(ch.indicator)}${qs ? `?${qs}` : ''}`, { signal });
  } catch (err) {
    if (seq !== ch.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not load the indicator: ${err.message}`, true);
    ch.key = '';
    return;
  }
  if (seq !== ch.seq) return;
  viewStatus(status, ch.notice || '', !!ch.notice);
  ch.notice = '';
  ch.key = key;
  ch.data = data;
  paint();
  renderInfo();
  selectArea('', null);
}

/** @returns {[string, number][]} the areas with a value */
function values() {
  const v = ch.data && ch.data.values && typeof ch.data.values === 'object' ? ch.data.values : {};
  return /** @type {[string, number][]} */ (Object.entries(v).filter(([, x]) => num(x) !== null));
}

function paint() {
  const entries = values();
  ch.breaks = quantileBreaks(entries.map(([, v]) => v), CHORO_CLASSES);
  const colors = choroColors(ch.breaks.length + 1);
  /** @type {Map<string, string[]>} */
  const groups = new Map(colors.map((c) => [c, []]));
  for (const [code, v] of entries) /** @type {string[]} */ (groups.get(colors[classOf(v, ch.breaks)])).push(code);
  map().setPaintProperty(LAYERS.fill, 'fill-color', matchByCode(groups, NO_DATA));
  legend();
}

/**
 * classLabel is the range of values of class i, as whole numbers when
 * every value is one.
 * @param {number} i
 * @param {{min: number, max: number, colors: string[], allWhole: boolean, digits: number}} scale
 */
function classLabel(i, { min, max, colors, allWhole, digits }) {
  const lo = i === 0 ? min : ch.breaks[i - 1];
  const last = i === colors.length - 1;
  const hi = last ? max : ch.breaks[i];
  if (!allWhole) return `${fmtValue(lo, digits)} – ${fmtValue(hi, digits)}`;
  // Whole numbers: a class holds lo up to (not including) the next break.
  const top = last ? hi : hi - 1;
  return top > lo ? `${fmtValue(lo, 0)} – ${fmtValue(top, 0)}` : fmtValue(lo, 0);
}

function legend() {
  if (state.view !== 'choropleth') return;
  if (!ch.data) {
    mapLegend();
    return;
  }
  const vals = values().map(([, v]) => v);
  const min = vals.length ? Math.min(...vals) : /** @type {number} */ (/** @type {unknown} */ (null));
  const max = vals.length ? Math.max(...vals) : /** @type {number} */ (/** @type {unknown} */ (null));
  const colors = choroColors(ch.breaks.length + 1);
  const counts = colors.map(() => 0);
  for (const v of vals) counts[classOf(v, ch.breaks)]++;
  const span = vals.length ? max - min : 0;
  const allWhole = vals.every((v) => Number.isInteger(v));
  const digits = allWhole ? 0 : span >= 100 ? 0 : span >= 10 ? 1 : 2;
  const rows = colors.map((c, i) => legendRow({ background: c }, classLabel(i, { min, max, colors, allWhole, digits }),
    numberFormat.format(counts[i]), { dataset: { class: String(i) } })).reverse();
  const set = state.setsBySlug.get(ch.set);
  const total = set && Number.isFinite(Number(set.area_count)) ? Number(set.area_count) : null;
  const missing = total !== null ? Math.max(0, total - vals.length) : null;
  rows.push(legendRow({ background: NO_DATA }, 'no data', missing === null ? '' : numberFormat.format(missing), { dataset: { nodata: '1' } }));
  mapLegend(
    el('h3', { className: 'map-legend-title', text: str(ch.data.title) || humanName(ch.indicator) }),
    el('p', { className: 'map-legend-sub', text: `${setTitle(ch.set)} · quantiles${ch.from ? ` · from ${setTitle(ch.from)}` : ''}` }),
    el('ul', { className: 'map-legend-list', id: 'choro-legend' }, ...rows));
}

function renderInfo() {
  const d = ch.data || {};
  $('choro-title').textContent = str(d.title) || humanName(ch.indicator);
  const kind = str(d.kind);
  $('choro-sub').textContent = [
    kind === 'count' ? 'Count' : kind === 'rate' ? 'Rate or score' : humanName(kind),
    `${numberFormat.format(values().length)} areas with a value`,
  ].filter(Boolean).join(' · ');
  const method = str(d.method);
  $('choro-method').textContent = method ? method.charAt(0).toUpperCase() + method.slice(1) : 'No method given.';
  const meta = (indicatorLists.get(ch.from || ch.set) || []).find((i) => str(i.name) === ch.indicator) || {};
  const dl = el('dl', { className: 'fields' });
  if (str(meta.source)) dl.append(el('dt', { text: 'Source' }), el('dd', { text: str(meta.source) }));
  if (str(meta.licence)) dl.append(el('dt', { text: 'Licence' }), el('dd', { text: str(meta.licence) }));
  $('choro-meta').replaceChildren(...(dl.childElementCount ? [dl] : []));
}

/**
 * selectArea outlines the area picked and shows its value.
 * @param {string} code
 * @param {import('maplibre-gl').MapGeoJSONFeature | null | undefined} feature
 */
function selectArea(code, feature) {
  ch.selected = code;
  const m = map();
  if (m.getLayer(LAYERS.sel)) m.setFilter(LAYERS.sel, /** @type {any} */ (['==', codeOf, code || NONE]));
  const box = $('choro-pick');
  if (!code) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const all = (ch.data && ch.data.values) || {};
  const v = all[code];
  const name = feature ? str(feature.properties.name) : '';
  box.hidden = false;
  box.replaceChildren(
    el('span', { className: 'pick-name', text: name || code }), ' ',
    el('code', { className: 'cell-code', text: code }),
    el('span', { className: 'pick-value', text: fmtValue(v) }));
}

/**
 * choroplethClick picks the area clicked on the map.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function choroplethClick(ev) {
  const L = LAYERS;
  const m = map();
  if (!m.getLayer(L.fill)) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  selectArea(f ? str(f.properties.code) : '', f);
}
