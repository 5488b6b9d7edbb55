// @ts-check
// Drawing areas with terra-draw (a new asset's site, a redrawn boundary, a
// neighbourhood), vendored in vendor/terra-draw/ and loaded by <script> as
// window.terraDraw and window.terraDrawMaplibreGlAdapter.

import { map } from '../store.js';

const DRAW_COLOR = '#b42318';

/** @typedef {import('terra-draw').TerraDraw} TerraDraw */
/** @typedef {number[][][]} Rings a polygon's rings of [lng, lat] */

/**
 * makeDraw starts terra-draw on the map with a polygon mode (drawing) and
 * a select mode in which a selected polygon's corners can be dragged, new
 * corners made from the midpoints and corners deleted (right-click). It
 * throws when the library did not load.
 * @returns {TerraDraw}
 */
export function makeDraw() {
  const td = window.terraDraw;
  const ad = window.terraDrawMaplibreGlAdapter;
  if (!td || !ad) throw new Error('the drawing library did not load (vendor/terra-draw/)');
  const draw = new td.TerraDraw({
    adapter: new ad.TerraDrawMapLibreGLAdapter({ map: /** @type {any} */ (map()) }),
    modes: [
      new td.TerraDrawPolygonMode({
        styles: { fillColor: DRAW_COLOR, outlineColor: DRAW_COLOR, closingPointColor: '#ffffff', closingPointOutlineColor: DRAW_COLOR },
      }),
      new td.TerraDrawSelectMode({
        flags: {
          polygon: { feature: { draggable: false, coordinates: { midpoints: true, draggable: true, deletable: true } } },
        },
        styles: { selectedPolygonColor: DRAW_COLOR, selectedPolygonOutlineColor: DRAW_COLOR, selectionPointColor: '#ffffff', selectionPointOutlineColor: DRAW_COLOR },
      }),
    ],
  });
  draw.start();
  return draw;
}

/**
 * stopDraw stops terra-draw; the map may be gone already.
 * @param {TerraDraw} draw
 */
export function stopDraw(draw) {
  try {
    draw.stop();
  } catch {
    // The map may be gone already.
  }
}

/**
 * finishPolygon closes the outline being drawn, as Enter does (terra-draw's
 * polygon mode finishes on the Enter key coming up on the map's canvas),
 * when it has three corners: a button for touch screens, where the first
 * corner is hard to hit again.
 */
export function finishPolygon() {
  map().getCanvas().dispatchEvent(new KeyboardEvent('keyup', { key: 'Enter' }));
}

/**
 * round9 rounds to 9 decimal places (well under a millimetre): terra-draw
 * refuses features with more.
 * @param {number} n
 */
function round9(n) {
  return Math.round(n * 1e9) / 1e9;
}

/**
 * @param {number[][]} ring
 * @returns {number[][]}
 */
export function roundRing(ring) {
  return ring.map((c) => [round9(c[0]), round9(c[1])]);
}

/**
 * polygonsOf answers the rings of each polygon terra-draw holds, in the
 * order of ids.
 * @param {TerraDraw} draw
 * @param {readonly (string | number)[]} ids
 * @returns {Rings[]}
 */
export function polygonsOf(draw, ids) {
  /** @type {Rings[]} */
  const out = [];
  for (const id of ids) {
    const f = draw.getSnapshotFeature(id);
    if (f && f.geometry && f.geometry.type === 'Polygon') out.push(f.geometry.coordinates.map(roundRing));
  }
  return out;
}

/**
 * loadAreaInto replaces what terra-draw holds with the polygons of a
 * Polygon or MultiPolygon and selects the first, so its corners can be
 * dragged. Answers their ids; throws when terra-draw refuses one.
 * @param {TerraDraw} draw
 * @param {any} geometry
 * @returns {(string | number)[]}
 */
export function loadAreaInto(draw, geometry) {
  draw.setMode('select');
  draw.clear();
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates]
    : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const feats = polys.map((/** @type {number[][][]} */ p) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: p.map(roundRing) }, properties: { mode: 'polygon' } }));
  const results = draw.addFeatures(feats);
  const bad = results.find((r) => !r.valid);
  if (bad) throw new Error(`the outline cannot be edited here (${bad.reason || 'not a valid polygon'})`);
  const ids = results.map((r) => /** @type {string | number} */ (r.id));
  if (ids.length) draw.selectFeature(ids[0]);
  return ids;
}
