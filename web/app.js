// @ts-check
// placemap web map: plain ES modules, no framework, no build step. This is
// the entry point (index.html loads it): it asks the server what there is,
// makes the map and sets up every part. Where the rest lives:
//   store.js          the state the modules share (sets, categories, view, the map)
//   router.js         the views in the location hash (#compare/A/B, ...)
//   util.js           DOM, fetch and bounding-box helpers; format.js how values read
//   palette.js        colours, checked for colour-vision deficiencies
//   map/              making the map, the Map view's layers, clicks on it
//   panel/            the side panel (a bottom sheet on phones): layer list, legend, search, in view, details
//   views/            the Compare, Places (with residents' drawings), Choropleth, Changes and Proposals views
//   edit/             signing in, editing assets and areas, OSM review
//   community/        suggestions, residents' drawings and their private links, moderation, history and reviews
//
// API used at start-up (same origin, relative URLs):
//   GET api/config        {basemap_style_url, title, glyphs, basemap_tiles}
//   GET api/sets          {sets: [{slug, title, kind, ..., attribution, area_count, bbox}], assets}
//   GET api/categories    {categories: [{id, title}], statuses}
//   tiles/{slug}.json, tiles/assets.json   TileJSON for the vector tiles
//
// window.placemap is a handle for the browser tests and the console.
//
// Security: text from the API (asset names are user-supplied) only ever
// reaches the page through textContent / createElement, never innerHTML.

import { $, str, fetchJSON, unionBBox } from './util.js';
import { attributionParts, escapeHTML } from './format.js';
import { SET_PALETTE } from './palette.js';
import { state, setMap, setSets, loadCategories } from './store.js';
import { navigate } from './router.js';
import {
  addPlacemapLayers, setLayerIds, setSetVisibility, setAssetsVisibility, refreshAssets, refreshSet,
  ASSET_LAYER, ASSET_SITE_FILL, ASSET_SELECTED,
} from './map/layers.js';
import { createMap } from './map/setup.js';
import { setupMapInteraction } from './map/interaction.js';
import { setStatus, setupPanelToggle } from './panel/panel.js';
import { isPhone, padMapNow } from './panel/sheet.js';
import { renderSetList, renderLegend, renderAbout, setupAssetsToggle } from './panel/layerlist.js';
import { openAsset, openArea, setupDetails } from './panel/details.js';
import { runSearch, setupSearch } from './panel/search.js';
import { setupInView } from './panel/inview.js';
import { setupEmbedDialog } from './panel/embeddialog.js';
import { setupViews } from './views/setup.js';
import { setupEdit } from './edit/edit.js';

const SHEFFIELD = /** @type {import('./util.js').BBox} */ ([-1.80, 53.30, -1.32, 53.50]);
const INITIALLY_VISIBLE_SETS = 2;

/** The handle for the browser tests and the console (window.placemap). */
const placemap = {
  /** @type {import('maplibre-gl').Map | null} */
  map: null,
  /** @type {Promise<{sets: number, basemap: string}> | null} */
  ready: null,
  state,
  get view() { return state.view; },
  /** @type {any} */
  views: null,
  /** @type {any} */
  edit: null,
  navigate,
  openAsset,
  openArea,
  search: runSearch,
  setSetVisibility,
  setAssetsVisibility,
  refreshAssets,
  refreshSet,
  /** @type {Record<string, any>} */
  layerIds: { set: setLayerIds, assets: ASSET_LAYER, assetSites: ASSET_SITE_FILL, assetSelected: ASSET_SELECTED },
};
window.placemap = placemap;

async function loadConfig() {
  try {
    const c = await fetchJSON('api/config');
    return { ...state.config, ...(c && typeof c === 'object' ? c : {}) };
  } catch (err) {
    console.warn('placemap: no config, using defaults:', err.message);
    return state.config;
  }
}

/**
 * keepSets keeps api/sets' answer: current releases first (and every set
 * in no series); earlier releases of a series after them, hidden until
 * asked for. The first sets are shown at start.
 * @param {any} setsResp
 */
function keepSets(setsResp) {
  const listed = (Array.isArray(setsResp.sets) ? setsResp.sets : []).filter((/** @type {any} */ s) => s && str(s.slug));
  setSets([...listed.filter((/** @type {any} */ s) => s.current !== false), ...listed.filter((/** @type {any} */ s) => s.current === false)]
    .map((s, i) => ({ ...s, slug: str(s.slug), color: SET_PALETTE[i % SET_PALETTE.length] })));
  const ai = setsResp.assets && typeof setsResp.assets === 'object' ? setsResp.assets : {};
  /** @param {unknown} a */
  const strings = (a) => (Array.isArray(a) ? [...new Set(a.map(str).filter(Boolean))] : []);
  state.assetsInfo = {
    count: Number.isFinite(Number(ai.count)) && ai.count !== null && ai.count !== undefined ? Number(ai.count) : null,
    attributions: strings(ai.attributions),
    licences: strings(ai.licences),
  };
  state.sets.forEach((s, i) => state.visible.set(s.slug, i < INITIALLY_VISIBLE_SETS));
}

async function main() {
  if (!window.maplibregl) throw new Error('MapLibre GL JS did not load (vendor/maplibre-gl/maplibre-gl.js)');
  setupPanelToggle();
  setupDetails();
  setupAssetsToggle();
  setupSearch();
  setupEmbedDialog();
  const edit = setupEdit(placemap);

  // The categories only name things: the map starts without them.
  const [config, setsResp] = await Promise.all([loadConfig(), fetchJSON('api/sets'), loadCategories().catch(() => null)]);
  state.config = config;
  renderLegend();
  const title = str(state.config.title) || 'placemap';
  document.title = title;
  $('app-title').textContent = title;
  keepSets(setsResp);
  renderSetList();
  renderAbout();
  // Without a street map the map says how to add one.
  $('basemap-hint').hidden = !!(str(state.config.basemap_tiles) || str(state.config.basemap_style_url));

  // Open on the sets shown at start-up: a set that reaches far beyond the
  // others (the 2013 constituencies do) would otherwise leave the view empty.
  const bounds = unionBBox(state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.bbox))
    || unionBBox(state.sets.map((s) => s.bbox)) || SHEFFIELD;
  const attributions = attributionParts([...state.sets.map((s) => s.attribution), ...state.assetsInfo.attributions])
    .map(escapeHTML);
  const made = createMap({ bounds, basemap: str(state.config.basemap_style_url), glyphs: str(state.config.glyphs), attributions,
    basemapTiles: str(state.config.basemap_tiles) });
  const map = made.map;
  setMap(map);
  placemap.map = map;
  if (isPhone()) {
    // On a phone the city fills the map above the folded-down sheet.
    padMapNow();
    map.fitBounds(/** @type {import('maplibre-gl').LngLatBoundsLike} */ (bounds), { padding: 12, duration: 0 });
  }

  const { basemap } = await made.loaded;
  addPlacemapLayers();
  setupMapInteraction();
  setupInView();
  const views = setupViews();
  placemap.views = views.views;
  Object.assign(placemap.layerIds, views.layerIds);
  edit.mapReady();
  return { sets: state.sets.length, basemap };
}

placemap.ready = main().catch((err) => {
  console.error('placemap: start-up failed:', err);
  setStatus(`The map could not start: ${err.message}`, true);
  throw err;
});
