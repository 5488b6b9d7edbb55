// @ts-check
// The Access view's layers: the walking-time bands (filled, the bands come
// largest first so the 5-minute band is drawn on top, all of them under
// the assets), a set's areas coloured by the share of their residents
// beyond 15 minutes (under the bands), the assets a scenario closes (a
// ring over them) and the points it opens, and the legend over the map.
//
// Security: nothing here reaches the page as HTML; the legend is el().

import { el } from '../util.js';
import { map } from '../store.js';
import { setTitle } from '../store.js';
import { setSourceId, ASSET_SOURCE } from '../map/layers.js';
import { NONE, codeOf, matchByCode } from './scales.js';
import { NO_DATA, addLayer, removeLayers, mapLegend, legendRow } from './common.js';
import { BAND_COLORS, BEYOND_BINS, THRESHOLDS, bandFill, beyondGroups } from './accesskit.js';

export const ACCESS_LAYERS = {
  bandsSource: 'access-bands',
  bands: 'access-bands-fill',
  bandsLine: 'access-bands-line',
  areaFill: 'access-area-fill',
  areaLine: 'access-area-line',
  areaSel: 'access-area-sel',
  closed: 'access-closed',
  openSource: 'access-open',
  open: 'access-open-points',
};

const EMPTY = { type: 'FeatureCollection', features: [] };

/**
 * The map's part of the view: which layers are shown.
 * @type {{areasFor: string, bandsOn: boolean, areasOn: boolean, shown: boolean}}
 */
export const accessMap = { areasFor: '', bandsOn: true, areasOn: true, shown: false };

/** @returns {string[]} every layer of the view */
export function accessLayerIds() {
  const L = ACCESS_LAYERS;
  return [L.areaFill, L.areaLine, L.areaSel, L.bands, L.bandsLine, L.closed, L.open];
}

/** ensureLayers adds the bands, the closed assets' rings and the opened points once. */
export function ensureLayers() {
  const m = map();
  const L = ACCESS_LAYERS;
  if (!m.getSource(L.bandsSource)) m.addSource(L.bandsSource, { type: 'geojson', data: /** @type {any} */ (EMPTY) });
  if (!m.getSource(L.openSource)) m.addSource(L.openSource, { type: 'geojson', data: /** @type {any} */ (EMPTY) });
  if (!m.getLayer(L.bands)) {
    addLayer({ id: L.bands, type: 'fill', source: L.bandsSource, paint: { 'fill-color': bandFill(), 'fill-opacity': 0.55 } });
    addLayer({ id: L.bandsLine, type: 'line', source: L.bandsSource, paint: { 'line-color': '#08306b', 'line-width': 0.8, 'line-opacity': 0.6 } });
  }
  if (!m.getLayer(L.closed)) {
    // Over the assets: a ring around each asset the scenario closes.
    m.addLayer({
      id: L.closed, type: 'circle', source: ASSET_SOURCE, 'source-layer': 'assets',
      filter: /** @type {any} */ (['in', ['to-string', ['get', 'id']], ['literal', [NONE]]]),
      paint: { 'circle-radius': 13, 'circle-opacity': 0, 'circle-stroke-color': '#b91c1c', 'circle-stroke-width': 3 },
    });
    m.addLayer({
      id: L.open, type: 'circle', source: L.openSource,
      paint: { 'circle-radius': 8, 'circle-color': '#15803d', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
  }
  showLayers();
}

/**
 * setBands draws these bands (a FeatureCollection, largest first).
 * @param {any} fc
 */
export function setBands(fc) {
  ensureLayers();
  const src = /** @type {import('maplibre-gl').GeoJSONSource} */ (map().getSource(ACCESS_LAYERS.bandsSource));
  src.setData(fc && Array.isArray(fc.features) ? fc : EMPTY);
}

/**
 * setAreas colours a set's areas by their share beyond 15 minutes.
 * @param {string} slug '' for none
 * @param {any[]} areas runs/{id}/sets/{set}'s areas
 */
export function setAreas(slug, areas) {
  const L = ACCESS_LAYERS;
  const m = map();
  if (!slug) {
    removeLayers([L.areaFill, L.areaLine, L.areaSel]);
    accessMap.areasFor = '';
    return;
  }
  if (accessMap.areasFor !== slug) {
    removeLayers([L.areaFill, L.areaLine, L.areaSel]);
    ensureLayers();
    const src = setSourceId(slug);
    // Under the bands.
    m.addLayer({ id: L.areaFill, type: 'fill', source: src, 'source-layer': slug, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.75 } }, L.bands);
    m.addLayer({ id: L.areaLine, type: 'line', source: src, 'source-layer': slug, paint: { 'line-color': '#ffffff', 'line-width': 0.8 } }, L.bands);
    m.addLayer({
      id: L.areaSel, type: 'line', source: src, 'source-layer': slug,
      filter: /** @type {any} */ (['==', codeOf, NONE]), paint: { 'line-color': '#111827', 'line-width': 3 },
    });
    accessMap.areasFor = slug;
  }
  m.setPaintProperty(L.areaFill, 'fill-color', matchByCode(beyondGroups(areas), NO_DATA));
  showLayers();
}

/**
 * selectArea outlines one area of the coloured set.
 * @param {string} code '' for none
 */
export function outlineArea(code) {
  const m = map();
  if (m.getLayer(ACCESS_LAYERS.areaSel)) m.setFilter(ACCESS_LAYERS.areaSel, /** @type {any} */ (['==', codeOf, code || NONE]));
}

/**
 * setScenarioMarks rings the assets to close and marks the points to open.
 * @param {string[]} close
 * @param {[number, number][]} open
 */
export function setScenarioMarks(close, open) {
  ensureLayers();
  const m = map();
  m.setFilter(ACCESS_LAYERS.closed, /** @type {any} */ (['in', ['to-string', ['get', 'id']], ['literal', close.length ? close : [NONE]]]));
  const src = /** @type {import('maplibre-gl').GeoJSONSource} */ (m.getSource(ACCESS_LAYERS.openSource));
  src.setData(/** @type {any} */ ({
    type: 'FeatureCollection',
    features: open.map((p, i) => ({ type: 'Feature', id: i + 1, properties: { n: i + 1 }, geometry: { type: 'Point', coordinates: p } })),
  }));
}

/** showLayers shows the view's layers as ticked, when the view is shown. */
export function showLayers() {
  const m = map();
  const L = ACCESS_LAYERS;
  /** @param {string} id @param {boolean} on */
  const vis = (id, on) => { if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', on && accessMap.shown ? 'visible' : 'none'); };
  vis(L.bands, accessMap.bandsOn);
  vis(L.bandsLine, accessMap.bandsOn);
  vis(L.areaFill, accessMap.areasOn);
  vis(L.areaLine, accessMap.areasOn);
  vis(L.areaSel, true);
  vis(L.closed, true);
  vis(L.open, true);
}

/**
 * accessLegend draws the legend: the bands (of the baseline or the
 * scenario) and the areas' classes.
 * @param {{bands: boolean, scenario: boolean, set: string}} what
 */
export function accessLegend({ bands, scenario, set }) {
  /** @type {HTMLElement[]} */
  const nodes = [el('h3', { className: 'map-legend-title', text: 'Walking time' })];
  if (bands) {
    nodes.push(el('p', { className: 'map-legend-sub', text: scenario ? 'Bands of the scenario' : 'Along the streets to the nearest asset' }),
      el('ul', { className: 'map-legend-list', id: 'acc-legend-bands' },
        ...THRESHOLDS.map((t) => legendRow({ background: BAND_COLORS[t] }, `within ${t} min`, '', { dataset: { minutes: String(t) } }))));
  }
  if (set && accessMap.areasOn) {
    nodes.push(el('p', { className: 'map-legend-sub', text: `${setTitle(set)}: share of residents beyond 15 minutes` }),
      el('ul', { className: 'map-legend-list', id: 'acc-legend-areas' },
        ...BEYOND_BINS.map((b) => legendRow({ background: b.color }, b.label)),
        legendRow({ background: NO_DATA }, 'no data')));
  }
  if (nodes.length === 1) mapLegend();
  else mapLegend(...nodes);
}
