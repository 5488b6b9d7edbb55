// @ts-check
// Clicks and the pointer on the Map view: a click opens the asset or the
// area under it (editing may take it first), or zooms into a cell of
// counted assets; the pointer shows where a click would open something.

import { str } from '../util.js';
import { state, map } from '../store.js';
import { ASSET_LAYER, ASSET_SITE_FILL, ASSET_CELLS, setLayerIds } from './layers.js';
import { editHooks, openAsset, openArea } from '../panel/details.js';

/** @typedef {import('maplibre-gl').PointLike} PointLike */
/** @typedef {import('maplibre-gl').Point} Point */

/**
 * @param {Point} point
 * @param {number} [r]
 * @returns {[PointLike, PointLike]}
 */
function hitBox(point, r = 6) {
  return [[point.x - r, point.y - r], [point.x + r, point.y + r]];
}

/**
 * cellAt returns the cell of assets under a point, where a low-zoom tile
 * sent counts instead of assets.
 * @param {Point} point
 */
function cellAt(point) {
  if (!state.layersAdded || !state.assetsVisible) return null;
  return map().queryRenderedFeatures(hitBox(point), { layers: [ASSET_CELLS] })[0] || null;
}

/** @param {Point} point */
function assetAt(point) {
  if (!state.layersAdded || !state.assetsVisible) return null;
  const pts = map().queryRenderedFeatures(hitBox(point), { layers: [ASSET_LAYER] });
  if (pts.length) return pts[0];
  const sites = map().queryRenderedFeatures(point, { layers: [ASSET_SITE_FILL] });
  return sites[0] || null;
}

/**
 * areaAt is the area of the topmost boundary set shown under a point.
 * @param {Point} point
 */
function areaAt(point) {
  if (!state.layersAdded) return null;
  const visibleSets = state.sets.filter((s) => state.visible.get(s.slug));
  if (!visibleSets.length) return null;
  const layers = visibleSets.map((s) => setLayerIds(s.slug).fill);
  const feats = map().queryRenderedFeatures(point, { layers });
  // Topmost visible set = first in list order that has a feature here.
  for (const s of visibleSets) {
    const f = feats.find((x) => x.layer.id === setLayerIds(s.slug).fill);
    if (f) return { slug: s.slug, feature: f };
  }
  return null;
}

/** @param {import('maplibre-gl').MapMouseEvent} ev */
function onClick(ev) {
  if (state.view !== 'map') return; // the other views handle their own clicks
  if (editHooks.mapClick && editHooks.mapClick(ev)) return;
  const asset = assetAt(ev.point);
  if (asset) {
    openAsset(str(asset.properties.id) || str(asset.id));
    return;
  }
  const cell = cellAt(ev.point);
  if (cell) {
    // A cell stands for many assets: zoom in until they are shown.
    const m = map();
    const center = /** @type {[number, number]} */ (/** @type {GeoJSON.Point} */ (cell.geometry).coordinates);
    m.easeTo({ center, zoom: Math.min(m.getZoom() + 2, 13) });
    return;
  }
  const area = areaAt(ev.point);
  if (area) {
    openArea(area.slug, str(area.feature.properties.code));
  }
}

/** setupMapInteraction handles clicks and the pointer on the Map view. */
export function setupMapInteraction() {
  const m = map();
  m.on('click', onClick);
  let pending = false;
  /** @type {Point | null} */
  let last = null;
  m.on('mousemove', (ev) => {
    if (state.view !== 'map') return;
    last = ev.point;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (!last) return;
      m.getCanvas().style.cursor = assetAt(last) || cellAt(last) ? 'pointer' : '';
    });
  });
  m.on('mouseout', () => { last = null; m.getCanvas().style.cursor = ''; });
}
