// @ts-check
// The state the map's modules share, in one place: what the server said
// at start-up (config, boundary sets, categories), what the Map view shows
// (ticked sets, assets on or off, the selection), which view is shown, and
// the MapLibre map once it exists.
//
// Modules read `state` directly and change it through the setters below
// (or, for the Map view's own fields, through map/layers.js, which also
// redraws). Whoever must follow a change of view subscribes with
// onViewChange.

import { fetchJSON, str } from './util.js';
import { categoryTitle as titleIn } from './format.js';

/**
 * A boundary set as api/sets lists it, with the colour the map gives it.
 * @typedef {object} BoundarySet
 * @property {string} slug
 * @property {string} [title]
 * @property {string} [kind]
 * @property {string} color
 * @property {number[]} [bbox]
 * @property {number} [area_count]
 * @property {boolean} [current] false for an earlier release of a series
 * @property {string} [series]
 * @property {string} [attribution]
 * @property {string} [licence]
 * @property {string} [publisher]
 * @property {string} [release_date]
 * @property {string} [source]
 * @property {string} [description]
 */

/** @typedef {import('./format.js').Category} Category */
/** @typedef {'map' | 'compare' | 'places' | 'choropleth' | 'changes' | 'proposals' | 'access'} ViewName */
/** @typedef {{slug: string, code: string}} AreaRef */

/**
 * @typedef {object} State
 * @property {{basemap_style_url: string, title: string, glyphs?: string, basemap_tiles?: string}} config from api/config
 * @property {BoundarySet[]} sets current releases first, then earlier ones
 * @property {Map<string, BoundarySet>} setsBySlug
 * @property {{count: number | null, attributions: string[], licences: string[]}} assetsInfo from api/sets "assets"
 * @property {Category[]} categories from api/categories, in the order shown to people
 * @property {string[]} statuses from api/categories
 * @property {Map<string, boolean>} visible slug -> ticked in the layer list
 * @property {boolean} assetsVisible
 * @property {boolean} layersAdded the Map view's layers are on the map
 * @property {string | null} selectedAsset id of the asset highlighted
 * @property {AreaRef | null} selectedArea the area highlighted
 * @property {any[]} searchResults features of the last search
 * @property {string} searchQuery
 * @property {ViewName} view the view shown
 */

/** @type {State} */
export const state = {
  config: { basemap_style_url: '', title: 'placemap' },
  sets: [],
  setsBySlug: new Map(),
  assetsInfo: { count: null, attributions: [], licences: [] },
  categories: [],
  statuses: [],
  visible: new Map(),
  assetsVisible: true,
  layersAdded: false,
  selectedAsset: null,
  selectedArea: null,
  searchResults: [],
  searchQuery: '',
  view: 'map',
};

/** @type {import('maplibre-gl').Map | null} */
let theMap = null;

/**
 * map is the MapLibre map; it throws before app.js has made it.
 * @returns {import('maplibre-gl').Map}
 */
export function map() {
  if (!theMap) throw new Error('placemap: the map is not made yet');
  return theMap;
}

/**
 * mapIfReady is the MapLibre map, or null before it is made.
 * @returns {import('maplibre-gl').Map | null}
 */
export function mapIfReady() {
  return theMap;
}

/** @param {import('maplibre-gl').Map} m */
export function setMap(m) {
  theMap = m;
}

/**
 * setSets keeps the boundary sets (each with its colour) in list order.
 * @param {BoundarySet[]} sets
 */
export function setSets(sets) {
  state.sets = sets;
  state.setsBySlug = new Map(sets.map((s) => [s.slug, s]));
}

/**
 * setTitle is a set's title, or its slug when it has none or is unknown.
 * @param {string} slug
 * @returns {string}
 */
export function setTitle(slug) {
  const s = state.setsBySlug.get(slug);
  return (s && (s.title || s.slug)) || slug;
}

/**
 * categoryTitle is the title of an asset category (from api/categories).
 * @param {unknown} id
 * @returns {string}
 */
export function categoryTitle(id) {
  return titleIn(state.categories, id);
}

const DEFAULT_STATUSES = ['open', 'closed', 'at_risk', 'proposed'];

/** @type {Promise<{categories: Category[], statuses: string[]}> | null} */
let lookups = null;

/**
 * loadCategories asks api/categories once for the categories and statuses
 * and keeps them in state. A failure is not kept: the next call asks again.
 * @returns {Promise<{categories: Category[], statuses: string[]}>}
 */
export function loadCategories() {
  if (!lookups) {
    lookups = fetchJSON('api/categories').then((r) => {
      const categories = (Array.isArray(r.categories) ? r.categories : [])
        .filter((/** @type {any} */ c) => c && str(c.id))
        .map((/** @type {any} */ c) => ({ id: str(c.id), title: str(c.title) || titleIn([], c.id) }));
      const statuses = (Array.isArray(r.statuses) ? r.statuses : []).map(str).filter(Boolean);
      state.categories = categories;
      state.statuses = statuses.length ? statuses : DEFAULT_STATUSES;
      return { categories, statuses: state.statuses };
    });
    lookups.catch(() => { lookups = null; });
  }
  return lookups;
}

/** @type {Set<(view: ViewName, previous: ViewName) => void>} */
const viewListeners = new Set();

/**
 * onViewChange calls fn whenever another view is shown.
 * @param {(view: ViewName, previous: ViewName) => void} fn
 */
export function onViewChange(fn) {
  viewListeners.add(fn);
}

/**
 * setView records the view shown and tells the listeners when it changed.
 * @param {ViewName} view
 */
export function setView(view) {
  const previous = state.view;
  state.view = view;
  if (view !== previous) for (const fn of viewListeners) fn(view, previous);
}

/** @type {Set<(push: boolean) => void>} */
const mapStateListeners = new Set();

/**
 * onMapStateChange calls fn whenever what the Map view shows changes (a set
 * or the assets shown or hidden, a selection); push is false for moves.
 * @param {(push: boolean) => void} fn
 */
export function onMapStateChange(fn) {
  mapStateListeners.add(fn);
}

/**
 * mapStateChanged tells the listeners that the Map view's state changed.
 * @param {boolean} [push] a change worth a step in the history
 */
export function mapStateChanged(push = true) {
  for (const fn of mapStateListeners) fn(push);
}
