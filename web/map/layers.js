// @ts-check
// The Map view's layers: each boundary set's fill, outline and highlight,
// and the assets (points, sites drawn as areas, and counted cells where a
// low-zoom tile holds more than it can carry). Shows and hides them, and
// reloads their tiles after a write.

import { absURL } from '../util.js';
import { CATEGORY_COLORS, OTHER_COLOR, BACKGROUND } from '../palette.js';
import { state, map, mapIfReady, mapStateChanged } from '../store.js';
import { BASEMAP_SOURCE, basemapSource, basemapLayers } from './basemap.js';

export const STATUS_COLORS = { closed: '#6b7280', at_risk: '#f97316' };

export const ASSET_SOURCE = 'assets';
export const ASSET_LAYER = 'assets'; // circles for point assets
export const ASSET_SITE_FILL = 'assets-sites-fill';
export const ASSET_SITE_LINE = 'assets-sites-line';
export const ASSET_SELECTED = 'assets-selected';
// Where a low-zoom tile holds more assets than it can carry, the server sends
// one point per cell with a count (see internal/tiles): drawn as a circle
// sized by the count and coloured by the cell's most common category.
export const ASSET_CELLS = 'assets-cells';
// Asset names, at street zooms, on the plain style when placemap serves fonts.
export const ASSET_NAMES = 'assets-names';
const ASSET_LAYERS = [ASSET_SITE_FILL, ASSET_SITE_LINE, ASSET_LAYER, ASSET_CELLS, ASSET_NAMES];
// placemap's own fonts (/fonts/{fontstack}/{range}.pbf): labels are drawn
// only with them, never with a third party's.
const FONT = 'DejaVu Sans Book';
const FONT_BOLD = 'DejaVu Sans Bold';
const PLAIN = 'placemap plain';
// Asset tiles, whose URLs get ?v= after a write so the browser's cache
// (tiles are cacheable for a minute) does not show the old data.
const ASSET_TILE_RE = /\/tiles\/assets\/\d+\/\d+\/\d+\.(mvt|pbf)$/;
const NONE = '\u0000none';

/**
 * setSourceId is the id of a boundary set's vector source.
 * @param {string} slug
 * @returns {string}
 */
export const setSourceId = (slug) => `set-${slug}`;

/**
 * labelSourceId is the id of a boundary set's label source: one point per
 * area, where its name goes (/tiles/{set}/labels/...).
 * @param {string} slug
 * @returns {string}
 */
const labelSourceId = (slug) => `labels-${slug}`;

/**
 * labelTilesURL is the tile URL template of a boundary set's labels (new
 * URL would escape the template's braces: the folder is resolved alone).
 * @param {string} slug
 * @returns {string}
 */
const labelTilesURL = (slug) => `${absURL(`tiles/${encodeURIComponent(slug)}/labels/`)}{z}/{x}/{y}.mvt`;

/**
 * setLayerIds are the ids of a boundary set's layers in the Map view.
 * @param {string} slug
 * @returns {{fill: string, line: string, hlFill: string, hlLine: string, label: string}}
 */
export const setLayerIds = (slug) => ({
  fill: `set-${slug}-fill`,
  line: `set-${slug}-line`,
  hlFill: `set-${slug}-hl-fill`,
  hlLine: `set-${slug}-hl-line`,
  label: `set-${slug}-label`,
});

let assetTilesVersion = 0;
/** @type {Map<string, number>} */
const setTilesVersion = new Map();

/**
 * plainStyle is the map's style without a basemap: no sprite, no external
 * sources, so it works offline; its glyphs are placemap's own, when the
 * server has them (glyphs is then its URL template relative to the site).
 * With basemapTiles (the street basemap's TileJSON, relative to the site)
 * it draws placemap's own street basemap over the background.
 * @param {string} [glyphs]
 * @param {string} [basemapTiles]
 * @returns {import('maplibre-gl').StyleSpecification}
 */
export function plainStyle(glyphs, basemapTiles) {
  /** @type {import('maplibre-gl').StyleSpecification} */
  const style = {
    version: 8,
    name: PLAIN,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  };
  // new URL would escape the template's braces: resolve the folder only.
  const i = glyphs ? glyphs.indexOf('{') : -1;
  if (glyphs && i >= 0) style.glyphs = absURL(glyphs.slice(0, i)) + glyphs.slice(i);
  if (basemapTiles) {
    style.sources[BASEMAP_SOURCE] = basemapSource(basemapTiles);
    style.layers.push(...basemapLayers(!!style.glyphs));
  }
  return style;
}

/**
 * tileURL is what transformRequest makes of a URL the map asks for:
 * relative URLs resolved against the page, and asset tiles under the
 * version of the last write. undefined leaves the URL as it is.
 * @param {string} url
 * @param {string | undefined} type MapLibre's resource type
 * @returns {{url: string} | undefined}
 */
export function tileURL(url, type) {
  let u = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : absURL(url);
  if (assetTilesVersion && type === 'Tile' && ASSET_TILE_RE.test(u)) u += `?v=${assetTilesVersion}`;
  return u === url ? undefined : { url: u };
}

/** @returns {any} a MapLibre expression: the colour of an asset's category */
function categoryExpr() {
  /** @type {any[]} */
  const m = ['match', ['get', 'category']];
  for (const [k, v] of Object.entries(CATEGORY_COLORS)) m.push(k, v);
  m.push(OTHER_COLOR);
  return m;
}

/** @param {string} slug */
const vis = (slug) => (state.visible.get(slug) ? 'visible' : 'none');

/**
 * addSetLayers adds every boundary set's source and layers. The first set
 * in the list is drawn on top; all fills go below all outlines so every
 * set's edges stay visible.
 * @param {string | undefined} under the basemap layer to slip them under
 */
function addSetLayers(under) {
  const m = map();
  // Every set's and the assets' attribution is shown all the time through the
  // AttributionControl's customAttribution (escaped, de-duplicated), so the
  // TileJSON attribution is blanked here rather than shown a second time.
  for (const set of state.sets) {
    m.addSource(setSourceId(set.slug), {
      type: 'vector',
      url: absURL(`tiles/${encodeURIComponent(set.slug)}.json`),
      attribution: '',
    });
  }
  m.addSource(ASSET_SOURCE, { type: 'vector', url: absURL('tiles/assets.json'), attribution: '' });
  const ordered = state.sets.slice().reverse();
  for (const set of ordered) {
    const ids = setLayerIds(set.slug);
    m.addLayer({
      id: ids.fill, type: 'fill', source: setSourceId(set.slug), 'source-layer': set.slug,
      layout: { visibility: vis(set.slug) },
      paint: { 'fill-color': set.color, 'fill-opacity': 0.07 },
    }, under);
  }
  ordered.forEach((set) => {
    const ids = setLayerIds(set.slug);
    const primary = state.sets.indexOf(set) === 0;
    m.addLayer({
      id: ids.line, type: 'line', source: setSourceId(set.slug), 'source-layer': set.slug,
      layout: { visibility: vis(set.slug), 'line-join': 'round' },
      paint: {
        'line-color': set.color,
        'line-opacity': 0.9,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, primary ? 1.4 : 0.9, 14, primary ? 2.6 : 1.6],
      },
    }, under);
  });
  for (const set of ordered) {
    const ids = setLayerIds(set.slug);
    /** @type {any} */
    const none = ['==', ['get', 'code'], NONE];
    m.addLayer({
      id: ids.hlFill, type: 'fill', source: setSourceId(set.slug), 'source-layer': set.slug,
      filter: none, layout: { visibility: vis(set.slug) },
      paint: { 'fill-color': set.color, 'fill-opacity': 0.22 },
    });
    m.addLayer({
      id: ids.hlLine, type: 'line', source: setSourceId(set.slug), 'source-layer': set.slug,
      filter: none, layout: { visibility: vis(set.slug), 'line-join': 'round' },
      paint: { 'line-color': '#111827', 'line-width': 3 },
    });
  }
}

/** addAssetLayers adds the assets' layers, over the boundary sets. */
function addAssetLayers() {
  const m = map();
  const assetVis = state.assetsVisible ? 'visible' : 'none';
  /** @type {any} */
  const isPolygon = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
  /** @type {any} */
  const isCell = ['has', 'count'];
  /** @type {any} */
  const isPoint = ['all', ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false], ['!', isCell]];
  /** @type {any} */
  const status = ['get', 'status'];
  m.addLayer({
    id: ASSET_SITE_FILL, type: 'fill', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isPolygon,
    layout: { visibility: assetVis },
    paint: { 'fill-color': categoryExpr(), 'fill-opacity': ['match', status, ['closed', 'proposed'], 0.12, 0.28] },
  });
  m.addLayer({
    id: ASSET_SITE_LINE, type: 'line', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isPolygon,
    layout: { visibility: assetVis },
    paint: {
      'line-color': ['match', status, 'closed', STATUS_COLORS.closed, 'at_risk', STATUS_COLORS.at_risk, categoryExpr()],
      'line-width': ['match', status, 'at_risk', 2.5, 1.5],
      'line-dasharray': ['match', status, ['proposed', 'closed'], ['literal', [2, 2]], ['literal', [1, 0]]],
    },
  });
  m.addLayer({
    id: ASSET_LAYER, type: 'circle', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isPoint,
    layout: { visibility: assetVis },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 4, 13, 6.5, 16, 9],
      'circle-color': ['match', status, 'closed', '#ffffff', categoryExpr()],
      'circle-opacity': ['match', status, 'proposed', 0.45, 1],
      'circle-stroke-color': ['match', status,
        'closed', STATUS_COLORS.closed,
        'at_risk', STATUS_COLORS.at_risk,
        'proposed', categoryExpr(),
        '#ffffff'],
      'circle-stroke-width': ['match', status, 'closed', 2.5, 'at_risk', 3, 'proposed', 2, 1.5],
      'circle-stroke-opacity': 1,
    },
  });
  m.addLayer({
    id: ASSET_CELLS, type: 'circle', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isCell,
    layout: { visibility: assetVis },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 3, 10, 9, 40, 18],
      'circle-color': categoryExpr(),
      'circle-opacity': 0.75,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1,
    },
  });
  m.addLayer({
    id: ASSET_SELECTED, type: 'circle', source: ASSET_SOURCE, 'source-layer': 'assets',
    filter: ['all', isPoint, ['==', ['to-string', ['get', 'id']], NONE]],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 9, 13, 12, 16, 15],
      'circle-opacity': 0,
      'circle-stroke-color': '#111827',
      'circle-stroke-width': 3,
    },
  });
}

/** @type {any} the paint of every label: dark text in a white halo, readable over fills */
const LABEL_PAINT = { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6, 'text-halo-blur': 0.4 };

/**
 * addLabelLayers names the areas of every boundary set (one label per
 * area, from the set's label tiles; the first set's bolder and drawn first
 * where labels collide) under the assets, and the assets at street zooms
 * (14 and deeper) over everything.
 */
function addLabelLayers() {
  const m = map();
  for (const set of state.sets) {
    m.addSource(labelSourceId(set.slug), {
      type: 'vector', maxzoom: 16, attribution: '',
      tiles: [labelTilesURL(set.slug)],
    });
  }
  // Later symbol layers win collisions: the first set goes last.
  for (const set of state.sets.slice().reverse()) {
    const primary = state.sets.indexOf(set) === 0;
    m.addLayer({
      id: setLayerIds(set.slug).label, type: 'symbol', source: labelSourceId(set.slug), 'source-layer': 'labels',
      layout: {
        visibility: vis(set.slug),
        'text-field': ['get', 'name'],
        'text-font': [primary ? FONT_BOLD : FONT],
        'text-size': primary ? 13 : 11.5,
        'text-max-width': 8,
        'text-padding': 4,
      },
      paint: LABEL_PAINT,
    }, ASSET_SITE_FILL);
  }
  m.addLayer({
    id: ASSET_NAMES, type: 'symbol', source: ASSET_SOURCE, 'source-layer': 'assets', minzoom: 14,
    filter: ['all', ['has', 'name'], ['!', ['has', 'count']]],
    layout: {
      visibility: state.assetsVisible ? 'visible' : 'none',
      'text-field': ['get', 'name'],
      'text-font': [FONT],
      'text-size': 11,
      'text-anchor': 'top',
      'text-offset': [0, 0.9],
      'text-max-width': 10,
      'text-optional': true,
    },
    paint: LABEL_PAINT,
  });
}

/**
 * addPlacemapLayers adds the Map view's sources and layers once the style
 * has loaded. On a basemap, boundaries slip under its labels; assets stay
 * on top. On the plain style with placemap's glyphs, areas and assets are
 * named.
 */
export function addPlacemapLayers() {
  const style = map().getStyle();
  const firstSymbol = (style.layers || []).find((l) => l.type === 'symbol');
  addSetLayers(firstSymbol ? firstSymbol.id : undefined);
  addAssetLayers();
  if (style.name === PLAIN && style.glyphs) addLabelLayers();
  state.layersAdded = true;
}

// What the Map view's layers show while another view has the map: the
// boundary sets as ticked in the layer list, and the assets.
const mapViewShown = { sets: true, assets: true };

/**
 * setSetVisibility ticks or unticks a boundary set in the layer list and
 * shows or hides its layers.
 * @param {string} slug
 * @param {boolean} on
 */
export function setSetVisibility(slug, on) {
  state.visible.set(slug, on);
  mapStateChanged();
  const item = document.querySelector(`.layer-item[data-set="${CSS.escape(slug)}"]`);
  if (item) item.classList.toggle('off', !on);
  if (!state.layersAdded) return;
  const v = on && mapViewShown.sets ? 'visible' : 'none';
  const m = map();
  for (const id of Object.values(setLayerIds(slug))) {
    if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', v);
  }
}

/**
 * setMapViewLayers shows or hides the Map view's own layers (the boundary
 * sets as ticked in the layer list, and the assets) when another view takes
 * over the map; the ticks themselves are kept.
 * @param {{sets?: boolean, assets?: boolean}} [shown]
 */
export function setMapViewLayers({ sets = true, assets = true } = {}) {
  mapViewShown.sets = sets;
  mapViewShown.assets = assets;
  if (!state.layersAdded) return;
  const m = map();
  for (const set of state.sets) {
    const v = sets && state.visible.get(set.slug) ? 'visible' : 'none';
    for (const id of Object.values(setLayerIds(set.slug))) {
      if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', v);
    }
  }
  const av = assets && state.assetsVisible ? 'visible' : 'none';
  for (const id of ASSET_LAYERS) {
    if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', av);
  }
  if (m.getLayer(ASSET_SELECTED)) m.setLayoutProperty(ASSET_SELECTED, 'visibility', assets ? 'visible' : 'none');
}

/**
 * setAssetsVisibility shows or hides the assets.
 * @param {boolean} on
 */
export function setAssetsVisibility(on) {
  state.assetsVisible = on;
  mapStateChanged();
  if (!state.layersAdded) return;
  const m = map();
  for (const id of ASSET_LAYERS) {
    if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', on && mapViewShown.assets ? 'visible' : 'none');
  }
}

/**
 * highlightArea outlines one area of a boundary set, or none.
 * @param {import('../store.js').AreaRef | null} sel
 */
export function highlightArea(sel) {
  state.selectedArea = sel;
  mapStateChanged();
  if (!state.layersAdded) return;
  const m = map();
  for (const set of state.sets) {
    const ids = setLayerIds(set.slug);
    const code = sel && sel.slug === set.slug ? sel.code : NONE;
    /** @type {any} */
    const f = ['==', ['to-string', ['get', 'code']], code];
    m.setFilter(ids.hlFill, f);
    m.setFilter(ids.hlLine, f);
  }
}

/**
 * highlightAsset rings one asset drawn as a point, or none.
 * @param {string | null} id
 */
export function highlightAsset(id) {
  state.selectedAsset = id;
  mapStateChanged();
  if (!state.layersAdded) return;
  map().setFilter(ASSET_SELECTED, ['all',
    ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false],
    ['==', ['to-string', ['get', 'id']], id == null ? NONE : String(id)]]);
}

/**
 * refreshAssets reloads the asset tiles after a write: the TileJSON again
 * (its bounds may have grown) and every tile, under a new ?v=.
 */
export function refreshAssets() {
  const v = Date.now();
  assetTilesVersion = v;
  const m = mapIfReady();
  const src = m && m.getSource(ASSET_SOURCE);
  if (!m || !src) return;
  const vector = /** @type {import('maplibre-gl').VectorTileSource} */ (src);
  if (typeof vector.setUrl === 'function') vector.setUrl(absURL(`tiles/assets.json?v=${v}`));
  // setUrl refetches the tiles once the TileJSON is in, unless a layer of the
  // source changed meanwhile (the highlight filter set as the details open
  // does): MapLibre then only re-parses the tiles it has. So fetch them again
  // once the map is idle; tiles already fetched under this ?v= come from the
  // browser's cache.
  m.once('idle', () => {
    if (assetTilesVersion === v && m.getSource(ASSET_SOURCE)) m.refreshTiles(ASSET_SOURCE);
  });
}

/**
 * refreshSet reloads one boundary set's tiles after an area was redrawn, as
 * refreshAssets does for the assets.
 * @param {string} slug
 */
export function refreshSet(slug) {
  const v = Date.now();
  setTilesVersion.set(slug, v);
  const id = setSourceId(slug);
  const m = mapIfReady();
  const src = m && m.getSource(id);
  if (!m || !src) return;
  const vector = /** @type {import('maplibre-gl').VectorTileSource} */ (src);
  if (typeof vector.setUrl === 'function') vector.setUrl(absURL(`tiles/${encodeURIComponent(slug)}.json?v=${v}`));
  // The redrawn area's label may have moved: its label tiles under a new ?v= too.
  const labels = /** @type {import('maplibre-gl').VectorTileSource | undefined} */ (m.getSource(labelSourceId(slug)));
  if (labels && typeof labels.setTiles === 'function') labels.setTiles([labelTilesURL(slug) + `?v=${v}`]);
  m.once('idle', () => {
    if (setTilesVersion.get(slug) === v && m.getSource(id)) m.refreshTiles(id);
  });
}
