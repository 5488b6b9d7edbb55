// @ts-check
// The Choropleth view (the Figures tab): a boundary set's areas coloured by
// an indicator in quantile classes, picked from one list of every figure
// the set can show (its own, asset counts, and other sets' figures moved
// over from the finest set that has them, weighted by area or population),
// as counts or per 10,000 residents; a ranked table of the areas beside
// the map, the CSV of what is shown, and the assets drawn on top.
//
// API used (same origin, relative URLs):
//   GET api/sets/{slug}/indicators,
//       api/sets/{slug}/indicators/{name}[.csv][?from=&weight=&per=10000]
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { num, fmtValue, humanName } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { setSourceId, setMapViewLayers } from '../map/layers.js';
import { NONE, CHORO_CLASSES, codeOf, matchByCode, quantileBreaks, classOf, choroColors } from './scales.js';
import {
  NO_DATA, population, hasSet, addLayer, removeLayers, setLayersVisible, fitBBox, viewStatus,
  fillSelect, radioGroup, setRadio, mapLegend, legendRow, indicatorList, indicatorLists, layerViewHooks, setOptions,
} from './common.js';
import { indicatorChoices, figureRows, figuresCSVURL } from './figrows.js';
import { renderFigureTable } from './figtable.js';

export const LAYERS = {
  fill: 'choro-fill',
  line: 'choro-line',
  hover: 'choro-hover',
  sel: 'choro-sel',
};

/** The per-head choice: figures per this many residents. */
export const PER = '10000';

/**
 * The Choropleth view's state (window.placemap.views.choropleth).
 * @typedef {object} ChoroplethState
 * @property {string} set the set coloured
 * @property {string} indicator
 * @property {string} from the set the values come from, '' for its own
 * @property {string} weight area or population, for moved values
 * @property {string} per PER for per-head figures, '' for the figures as they are
 * @property {string} notice shown once the values have loaded
 * @property {Map<string, any[]>} lists each set's indicators
 * @property {import('./figrows.js').IndicatorChoice[]} choices what the set can be coloured by
 * @property {string} key set|indicator|from|weight|per of the data shown
 * @property {any} data the values
 * @property {number[]} breaks between the quantile classes
 * @property {number} seq of the last values asked for
 * @property {string} layersFor the set the layers are built for
 * @property {string} selected the area picked
 * @property {boolean} assets whether the assets are drawn on top
 * @property {import('./figtable.js').FigureTable} table the ranked table
 */

/** @type {ChoroplethState} */
export const ch = {
  set: '', indicator: '', from: '', weight: 'area', per: '',
  notice: '',
  lists: indicatorLists,
  choices: [],
  key: '',
  data: null,
  breaks: [],
  seq: 0,
  layersFor: '',
  selected: '',
  assets: true,
  table: {
    rows: [], sort: { key: 'value', dir: -1 }, showAll: false, selected: '', valueLabel: 'Figure',
    select: (code) => selectArea(code === ch.selected ? '' : code),
    hover: (code) => hoverArea(code),
  },
};

const layerIds = () => Object.values(LAYERS);

/** @param {string} slug */
function buildLayers(slug) {
  const L = LAYERS;
  removeLayers(layerIds());
  const src = setSourceId(slug);
  const none = /** @type {any} */ (['==', codeOf, NONE]);
  addLayer({ id: L.fill, type: 'fill', source: src, 'source-layer': slug, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.8 } });
  addLayer({
    id: L.line, type: 'line', source: src, 'source-layer': slug,
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1.4], 'line-opacity': 0.9 },
  });
  addLayer({ id: L.hover, type: 'line', source: src, 'source-layer': slug, filter: none, paint: { 'line-color': '#b45309', 'line-width': 3 } });
  addLayer({ id: L.sel, type: 'line', source: src, 'source-layer': slug, filter: none, paint: { 'line-color': '#111827', 'line-width': 3 } });
  ch.layersFor = slug;
}

/** showAssets draws the assets over the areas, or hides them, as ticked. */
function showAssets() {
  if (state.view === 'choropleth') setMapViewLayers({ sets: false, assets: ch.assets });
}

function buildUI() {
  const root = $('view-choropleth');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  fillSelect($('choro-set'), setOptions(), ch.set);
  /** @param {Partial<import('../router.js').ChoroplethRoute>} patch */
  const go = (patch) => navigate({ view: 'choropleth', set: ch.set, indicator: ch.indicator, from: ch.from, weight: ch.weight, per: ch.per, ...patch });
  /** @param {Event} ev */
  const value = (ev) => /** @type {HTMLSelectElement} */ (ev.target).value;
  // A new set or figure takes its values from the default source again.
  $('choro-set').addEventListener('change', (ev) => go({ set: value(ev), from: '' }));
  $('choro-indicator').addEventListener('change', (ev) => go({ indicator: value(ev), from: '' }));
  $('choro-from').addEventListener('change', (ev) => go({ from: value(ev) }));
  $('choro-weight').replaceChildren(radioGroup('choro-weight', [
    { value: 'area', label: 'Area' },
    { value: 'population', label: 'Population' },
  ], ch.weight, (w) => go({ weight: w })));
  $('choro-per').replaceChildren(radioGroup('choro-per', [
    { value: 'count', label: 'Count' },
    { value: PER, label: 'Per 10,000 residents' },
  ], ch.per || 'count', (p) => go({ per: p === PER ? PER : '' })));
  const assets = /** @type {HTMLInputElement} */ ($('choro-assets'));
  assets.checked = ch.assets;
  assets.addEventListener('change', () => {
    ch.assets = assets.checked;
    showAssets();
  });
}

/**
 * indicatorOptions groups the choices: the set's own figures, other sets'
 * figures, and the asset counts.
 * @param {import('./figrows.js').IndicatorChoice[]} choices
 * @returns {import('./common.js').OptionOrGroup[]}
 */
function indicatorOptions(choices) {
  /** @param {(c: import('./figrows.js').IndicatorChoice) => boolean} f */
  const pick = (f) => choices.filter(f).map((c) => ({ value: c.name, label: c.label }));
  return [
    { group: 'Figures of this set', options: pick((c) => !c.builtin && !c.from) },
    { group: 'Figures of other sets, moved onto this one', options: pick((c) => !!c.from) },
    { group: 'Counts of assets', options: pick((c) => c.builtin) },
  ].filter((g) => g.options.length);
}

/**
 * loadChoices fetches every set's indicators (once each) and works out
 * what the set can be coloured by.
 * @param {string} set
 */
async function loadChoices(set) {
  await Promise.all(state.sets.map((s) => indicatorList(s.slug)));
  ch.choices = indicatorChoices(set, indicatorLists, state.sets);
  return ch.choices;
}

const hooks = layerViewHooks(buildUI, layerIds, legend);

/** @type {import('../router.js').View} */
export const choroplethView = {
  ...hooks,
  enter() {
    hooks.enter();
    showAssets();
  },
  /** @param {import('../router.js').ChoroplethRoute} r */
  async route(r) {
    const all = state.sets;
    const status = $('choro-status');
    if (!all.length) {
      viewStatus(status, 'No boundary sets are loaded.', true);
      return;
    }
    const set = hasSet(r.set) ? r.set : (hasSet(ch.set) ? ch.set : (hasSet('lsoa-2011') ? 'lsoa-2011' : all[0].slug));
    let choices;
    try {
      choices = await loadChoices(set);
    } catch (err) {
      viewStatus(status, `Could not list the figures: ${err.message}`, true);
      return;
    }
    let choice = choices.find((c) => c.name === r.indicator);
    if (!choice) {
      if (r.indicator) ch.notice = `${setTitle(set)} has no figure "${r.indicator}".`;
      choice = choices.find((c) => !c.builtin && !c.from) || choices[0];
    }
    const indicator = choice ? choice.name : '';
    // The source: one asked for that has the figure, else the default.
    let from = choice ? choice.from : '';
    if (choice && r.from && choice.sources.includes(r.from)) from = r.from === set ? '' : r.from;
    const weight = from && r.weight === 'population' ? 'population' : 'area';
    const per = choice && choice.kind === 'count' && r.per === PER ? PER : '';
    /** @type {import('../router.js').ChoroplethRoute} */
    const want = { view: 'choropleth', set, indicator, from, weight, per };
    if (hashFor(want) !== location.hash) {
      navigate(want, { replace: true });
      return;
    }
    const setChanged = ch.set !== set;
    Object.assign(ch, { set, indicator, from, weight, per });
    showControls(choice);
    if (ch.layersFor !== set) {
      buildLayers(set);
      ch.key = '';
      if (state.view !== 'choropleth') setLayersVisible(layerIds(), false);
    }
    if (setChanged) fitBBox(/** @type {any} */ (state.setsBySlug.get(set)).bbox);
    if (!indicator) {
      viewStatus(status, `${setTitle(set)} has no figures.`, true);
      return;
    }
    const key = `${set}|${indicator}|${from}|${weight}${per ? `|${per}` : ''}`;
    if (ch.key !== key) await loadChoropleth(key);
  },
};

/**
 * showControls sets the pickers to ch.
 * @param {import('./figrows.js').IndicatorChoice | undefined} choice
 */
function showControls(choice) {
  const { set, from, indicator, weight, per } = ch;
  /** @type {HTMLSelectElement} */ ($('choro-set')).value = set;
  fillSelect($('choro-indicator'), indicatorOptions(ch.choices), indicator);
  const sources = choice ? choice.sources : [];
  fillSelect($('choro-from'), sources.length
    ? sources.map((s) => ({ value: s, label: s === set ? 'This set' : setTitle(s) }))
    : [{ value: set, label: 'This set' }], from || set);
  /** @type {HTMLSelectElement} */ ($('choro-from')).disabled = sources.length < 2;
  $('choro-weight-row').hidden = !from;
  setRadio('choro-weight', weight, population.sets && !population.sets.length ? ['population'] : []);
  $('choro-per-row').hidden = !choice || choice.kind !== 'count';
  setRadio('choro-per', per || 'count');
  $('choro-csv').setAttribute('href', figuresCSVURL(ch));
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
  if (ch.per) q.set('per', ch.per);
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
  ch.table.rows = figureRows(data.names, data.values);
  ch.table.showAll = false;
  ch.table.valueLabel = ch.per ? 'Per 10,000' : 'Figure';
  selectArea('');
}

/** @returns {string} the figure's title, per head when asked */
function figureTitle() {
  const t = str(ch.data && ch.data.title) || humanName(ch.indicator);
  return ch.per ? `${t} per 10,000 residents` : t;
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
    el('h3', { className: 'map-legend-title', text: figureTitle() }),
    el('p', { className: 'map-legend-sub', text: `${setTitle(ch.set)} · quantiles${ch.from ? ` · from ${setTitle(ch.from)}` : ''}` }),
    el('ul', { className: 'map-legend-list', id: 'choro-legend' }, ...rows));
}

function renderInfo() {
  const d = ch.data || {};
  $('choro-title').textContent = figureTitle();
  const kind = str(d.kind);
  $('choro-sub').textContent = [
    ch.per ? 'Count per 10,000 residents' : kind === 'count' ? 'Count' : kind === 'rate' ? 'Rate or score' : humanName(kind),
    `${numberFormat.format(values().length)} areas with a value`,
  ].filter(Boolean).join(' · ');
  const method = [str(d.method), str(d.per_method)].filter(Boolean).join('; ');
  $('choro-method').textContent = method ? method.charAt(0).toUpperCase() + method.slice(1) : 'No method given.';
  const meta = (indicatorLists.get(ch.from || ch.set) || []).find((i) => str(i.name) === ch.indicator) || {};
  const dl = el('dl', { className: 'fields' });
  if (str(meta.source)) dl.append(el('dt', { text: 'Source' }), el('dd', { text: str(meta.source) }));
  if (str(meta.licence)) dl.append(el('dt', { text: 'Licence' }), el('dd', { text: str(meta.licence) }));
  $('choro-meta').replaceChildren(...(dl.childElementCount ? [dl] : []));
}

/**
 * selectArea outlines the area picked, shows its figure and marks its row.
 * @param {string} code
 */
function selectArea(code) {
  ch.selected = code;
  ch.table.selected = code;
  const m = map();
  if (m.getLayer(LAYERS.sel)) m.setFilter(LAYERS.sel, /** @type {any} */ (['==', codeOf, code || NONE]));
  renderFigureTable(ch.table);
  const box = $('choro-pick');
  if (!code) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const v = ((ch.data && ch.data.values) || {})[code];
  const name = str(((ch.data && ch.data.names) || {})[code]);
  box.hidden = false;
  box.replaceChildren(
    el('span', { className: 'pick-name', text: name || code }), ' ',
    el('code', { className: 'cell-code', text: code }),
    el('span', { className: 'pick-value', text: num(v) === null ? 'no figure' : fmtValue(v) }));
}

/**
 * hoverArea outlines the area of the row under the pointer or focus.
 * @param {string} code '' for none
 */
function hoverArea(code) {
  const m = map();
  if (m.getLayer(LAYERS.hover)) m.setFilter(LAYERS.hover, /** @type {any} */ (['==', codeOf, code || NONE]));
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
  selectArea(f ? str(f.properties.code) : '');
}
