// @ts-check
// Residents' drawings of a place on the map: the surface of how many of
// them include each part (faces filled by share, darkest where most
// residents agree), an outline on top (the resident's own drawing, or the
// part a chosen share of the drawings covers) and the legend that goes with
// them. The Places view and a resident's "your drawing" pane both use it,
// each with its own layers (a prefix).
//
// API used (same origin, relative URLs):
//   GET api/places/{slug}/drawings/surface        faces {count, of, share,
//       class core|contested|fringe, area_m2}, summary.drawings
//   GET api/places/{slug}/drawings/surface?threshold=0.5   one Feature: the
//       outline covered by at least that share (properties.area_m2)
//
// Security: API text reaches the page only through el()/textContent.

import { el, str, fetchJSON, numberFormat } from '../util.js';
import { km2 } from '../format.js';
import { map } from '../store.js';
import { removeLayers, legendRow, lineKey } from './common.js';
import { DRAWING_BINS, drawingShareFill, geometryArea } from './scales.js';
import { ASSET_SITE_FILL } from '../map/layers.js';

export const OWN_COLOR = '#b42318';
export const OUTLINE_COLOR = '#111827';

/**
 * The map layers of one drawings surface.
 * @typedef {{source: string, fill: string, line: string, outlineSource: string, outline: string, outlineCasing: string}} SurfaceLayers
 */

/**
 * surfaceLayers names the layers of a drawings surface.
 * @param {string} prefix
 * @returns {SurfaceLayers}
 */
export function surfaceLayers(prefix) {
  return {
    source: `${prefix}-surface`, fill: `${prefix}-surface-fill`, line: `${prefix}-surface-line`,
    outlineSource: `${prefix}-outline`, outline: `${prefix}-outline-line`, outlineCasing: `${prefix}-outline-casing`,
  };
}

/** @param {SurfaceLayers} L */
export function surfaceLayerIds(L) {
  return [L.fill, L.line, L.outlineCasing, L.outline];
}

/**
 * fetchSurface answers a place's drawings surface: faces, and the number of
 * published drawings (summary.drawings, else the faces' of).
 * @param {string} slug
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<{features: any[], drawings: number}>}
 */
export async function fetchSurface(slug, options) {
  const fc = await fetchJSON(`api/places/${encodeURIComponent(slug)}/drawings/surface`, options);
  const features = Array.isArray(fc && fc.features) ? fc.features : [];
  const of = features.reduce((/** @type {number} */ m, /** @type {any} */ f) => Math.max(m, Number(f.properties && f.properties.of) || 0), 0);
  return { features, drawings: Number(fc && fc.summary && fc.summary.drawings) || of };
}

/**
 * fetchOutline answers the outline a share (0.1–1) of a place's drawings
 * covers, with its area in m² (the server's, else measured here); null
 * when no part is covered by that many.
 * @param {string} slug
 * @param {number} threshold
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<{feature: any, area: number} | null>}
 */
export async function fetchOutline(slug, threshold, options) {
  const f = await fetchJSON(`api/places/${encodeURIComponent(slug)}/drawings/surface?threshold=${threshold}`, options);
  const feature = f && f.type === 'FeatureCollection' ? (f.features || [])[0] : f;
  if (!feature || !feature.geometry) return null;
  const given = Number(feature.properties && feature.properties.area_m2);
  const area = Number.isFinite(given) ? given : geometryArea(feature.geometry);
  return area > 0 ? { feature, area } : null;
}

/** @param {any[]} features */
function collection(features) {
  return /** @type {GeoJSON.FeatureCollection} */ ({ type: 'FeatureCollection', features });
}

/**
 * addUnderAssets adds a layer under the assets (the views' place for theirs).
 * @param {import('maplibre-gl').AddLayerObject} layer
 */
function addUnderAssets(layer) {
  const m = map();
  m.addLayer(layer, m.getLayer(ASSET_SITE_FILL) ? ASSET_SITE_FILL : undefined);
}

/**
 * showSurface draws the faces of a drawings surface and an outline on top
 * (the resident's own: red; a threshold's: dark, dashed), adding the
 * layers the first time; visible says whether they show now.
 * @param {SurfaceLayers} L
 * @param {any[]} faces
 * @param {any | null} outline a Feature, or null for none
 * @param {{own?: boolean, visible?: boolean}} [options]
 */
export function showSurface(L, faces, outline, { own = false, visible = true } = {}) {
  const m = map();
  const vis = visible ? 'visible' : 'none';
  if (!m.getSource(L.source)) {
    m.addSource(L.source, { type: 'geojson', data: collection([]) });
    m.addSource(L.outlineSource, { type: 'geojson', data: collection([]) });
    addUnderAssets({ id: L.fill, type: 'fill', source: L.source, layout: { visibility: vis }, paint: { 'fill-color': drawingShareFill(), 'fill-opacity': 0.7 } });
    addUnderAssets({ id: L.line, type: 'line', source: L.source, layout: { visibility: vis }, paint: { 'line-color': '#ffffff', 'line-width': 0.6, 'line-opacity': 0.7 } });
    addUnderAssets({ id: L.outlineCasing, type: 'line', source: L.outlineSource, layout: { visibility: vis, 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 5, 'line-opacity': 0.8 } });
    addUnderAssets({
      id: L.outline, type: 'line', source: L.outlineSource, layout: { visibility: vis, 'line-join': 'round' },
      paint: { 'line-color': own ? OWN_COLOR : OUTLINE_COLOR, 'line-width': 2.5, ...(own ? {} : { 'line-dasharray': [3, 1.5] }) },
    });
  }
  /** @type {import('maplibre-gl').GeoJSONSource} */ (m.getSource(L.source)).setData(collection(faces));
  setOutline(L, outline);
}

/**
 * setOutline replaces the outline drawn over a surface (null: none).
 * @param {SurfaceLayers} L
 * @param {any | null} outline
 */
export function setOutline(L, outline) {
  const src = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (map().getSource(L.outlineSource));
  if (src) src.setData(collection(outline && outline.geometry ? [{ type: 'Feature', geometry: outline.geometry, properties: {} }] : []));
}

/**
 * removeSurface takes a surface's layers and sources off the map.
 * @param {SurfaceLayers} L
 */
export function removeSurface(L) {
  const m = map();
  removeLayers(surfaceLayerIds(L));
  for (const s of [L.source, L.outlineSource]) if (m.getSource(s)) m.removeSource(s);
}

/**
 * drawingsCount says how many residents' drawings there are: "12 residents'
 * drawings", "1 resident's drawing".
 * @param {number} n
 * @returns {string}
 */
export function drawingsCount(n) {
  return n === 1 ? "1 resident's drawing" : `${numberFormat.format(n)} residents' drawings`;
}

/**
 * surfaceLegend is the legend of a drawings surface: its title (an h3)
 * then the share bins with their areas, and the outline's key.
 * @param {string} placeName
 * @param {any[]} faces
 * @param {number} drawings
 * @param {{label: string, own: boolean} | null} outlineKey
 * @returns {HTMLElement[]}
 */
export function surfaceLegend(placeName, faces, drawings, outlineKey) {
  /** @type {number[]} */
  const areaBy = DRAWING_BINS.map(() => 0);
  for (const f of faces) {
    const p = f.properties || {};
    const share = Number(p.share) || (Number(p.of) ? Number(p.count) / Number(p.of) : 0);
    const i = DRAWING_BINS.findIndex((b) => share >= b.min);
    areaBy[i] += Number(p.area_m2) || 0;
  }
  const rows = DRAWING_BINS.map((b, i) => legendRow({ background: b.color }, b.label, areaBy[i] ? `${km2(areaBy[i])} km²` : '',
    { dataset: { bin: String(i) } }));
  return [
    el('h3', { className: 'map-legend-title', text: `${drawingsCount(drawings)} of ${placeName}` }),
    el('p', { className: 'map-legend-note', text: 'Share of the drawings that include each part' }),
    el('ul', { className: 'map-legend-list drawings-legend' }, ...rows),
    outlineKey ? el('ul', { className: 'map-legend-list map-legend-keys' }, lineKey(outlineKey.own ? OWN_COLOR : OUTLINE_COLOR, !outlineKey.own, outlineKey.label, 2.5)) : null,
  ].filter((x) => x !== null);
}

/**
 * partsOf sums a surface's area by class (core, contested, fringe), in m².
 * @param {any[]} faces
 * @returns {Record<string, number>}
 */
export function partsOf(faces) {
  /** @type {Record<string, number>} */
  const out = { core: 0, contested: 0, fringe: 0 };
  for (const f of faces) {
    const p = f.properties || {};
    const c = str(p.class);
    if (c in out) out[c] += Number(p.area_m2) || 0;
  }
  return out;
}
