// placemap web map: plain ES module, no framework, no build step.
//
// Talks to the placemap server (same origin, relative URLs):
//   GET api/config                      {basemap_style_url, title}
//   GET api/sets                        {sets: [{slug, title, kind, ..., attribution, area_count, bbox}]}
//   GET api/assets?q=TEXT&limit=10      GeoJSON FeatureCollection of matching assets
//   GET api/assets/{id}                 GeoJSON Feature with properties incl. lies_in
//   GET api/sets/{slug}/areas/{code}    GeoJSON Feature with properties incl. assets
//   tiles/{slug}.json, tiles/assets.json   TileJSON for the vector tiles
//
// Signing in and editing assets live in edit.js; it reaches the map and the
// details pane through the hooks set up here (editHooks).
//
// The Compare, Places and Choropleth views (views.js) share this map; they
// are set up once it has loaded and take over the map while they are shown.
//
// Security: text from the API (asset names are user-supplied) only ever
// reaches the page through textContent / createElement, never innerHTML.

import { $, el, absURL, str, numberFormat, fetchJSON, unionBBox, geometryBBox } from './util.js';
import { setupViews } from './views.js';
import { setupEdit } from './edit.js';
import { SET_PALETTE, CATEGORY_COLORS, OTHER_COLOR, BACKGROUND } from './palette.js';

const maplibregl = window.maplibregl;

// ---------------------------------------------------------------- constants

// Boundary set colours: strong, mutually distinct hues that read well as thin
// outlines over a light background and stay clear of the asset colours.

const CATEGORY_TITLES = {
  library: 'Library',
  community_centre: 'Community centre',
  community_hall: 'Community or village hall',
  village_hall: 'Village hall',
  family_hub: 'Family hub',
  youth_centre: 'Youth centre or club',
  day_centre: 'Day centre',
  social_centre: 'Social centre',
  food_bank: 'Food bank',
  outreach: 'Outreach service',
  arts_centre: 'Arts centre',
  town_hall: 'Town hall',
  place_of_worship: 'Place of worship',
  childcare: 'Childcare',
  toilets: 'Public toilets',
  park: 'Park',
  playground: 'Playground',
  garden: 'Garden',
  sports_centre: 'Sports centre',
};

const STATUS_TITLES = {
  open: 'Open',
  at_risk: 'At risk',
  proposed: 'Proposed',
  closed: 'Closed',
};
const STATUS_COLORS = { closed: '#6b7280', at_risk: '#f97316' };

const SHEFFIELD = [-1.80, 53.30, -1.32, 53.50];
const INITIALLY_VISIBLE_SETS = 2;
const SEARCH_LIMIT = 10;
const SEARCH_DEBOUNCE_MS = 250;

const ASSET_SOURCE = 'assets';
const ASSET_LAYER = 'assets'; // circles for point assets
const ASSET_SITE_FILL = 'assets-sites-fill';
const ASSET_SITE_LINE = 'assets-sites-line';
const ASSET_SELECTED = 'assets-selected';
// Where a low-zoom tile holds more assets than it can carry, the server sends
// one point per cell with a count (see internal/tiles): drawn as a circle
// sized by the count and coloured by the cell's most common category.
const ASSET_CELLS = 'assets-cells';
const ASSET_LAYERS = [ASSET_SITE_FILL, ASSET_SITE_LINE, ASSET_LAYER, ASSET_CELLS];
// Asset tiles, whose URLs get ?v= after a write so the browser's cache
// (tiles are cacheable for a minute) does not show the old data.
const ASSET_TILE_RE = /\/tiles\/assets\/\d+\/\d+\/\d+\.(mvt|pbf)$/;

const setSourceId = (slug) => `set-${slug}`;
const setLayerIds = (slug) => ({
  fill: `set-${slug}-fill`,
  line: `set-${slug}-line`,
  hlFill: `set-${slug}-hl-fill`,
  hlLine: `set-${slug}-hl-line`,
});

// ---------------------------------------------------------------- state

const state = {
  config: { basemap_style_url: '', title: 'placemap' },
  sets: [], // as from api/sets, each with .color added
  setsBySlug: new Map(),
  assetsInfo: { count: null, attributions: [], licences: [] }, // from api/sets "assets"

  visible: new Map(), // slug -> bool
  assetsVisible: true,
  layersAdded: false,
  selectedAsset: null, // id
  selectedArea: null, // {slug, code}
  searchResults: [],
  searchQuery: '',
};

let map = null;
const placemap = { map: null, ready: null, state };
window.placemap = placemap;

// Set by edit.js: assetActions(feature) returns a node for the asset details
// (Edit, Move, Delete) or null; mapClick(ev) returns true when it took the
// click; detailsReplaced() is called when the details pane is about to show
// something else or closes.
// areaActions(feature, slug) does the same for an area (Redraw).
const editHooks = { assetActions: null, areaActions: null, mapClick: null, detailsReplaced: null };
let assetTilesVersion = 0;

// ---------------------------------------------------------------- helpers

// attributionParts splits attribution strings at "; " into their statements,
// drops duplicates and statements contained in a longer one, and keeps the
// order in which they first appear.
function attributionParts(strings) {
  const parts = [];
  for (const s of strings) {
    for (const p of str(s).split(/;\s+/)) {
      const t = p.trim();
      if (t && !parts.includes(t)) parts.push(t);
    }
  }
  return parts.filter((p) => !parts.some((q) => q !== p && q.includes(p)));
}

function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function isHttpURL(s) {
  return typeof s === 'string' && /^https?:\/\/[^\s]+$/i.test(s.trim());
}

function categoryTitle(id) {
  const s = str(id);
  if (!s) return 'Uncategorised';
  return CATEGORY_TITLES[s] || s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function statusTitle(id) {
  const s = str(id);
  return STATUS_TITLES[s] || s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function categoryColor(id) {
  return CATEGORY_COLORS[id] || OTHER_COLOR;
}

function humanKind(kind) {
  return str(kind).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function setStatus(message, isError = false) {
  const node = $('app-status');
  node.textContent = message || '';
  node.classList.toggle('error', !!isError);
}

function isNarrow() {
  return window.matchMedia('(max-width: 720px)').matches;
}

// ---------------------------------------------------------------- style

function plainStyle() {
  // No glyphs, no sprite, no external sources: works offline.
  return {
    version: 8,
    name: 'placemap plain',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }],
  };
}

function categoryExpr() {
  const m = ['match', ['get', 'category']];
  for (const [k, v] of Object.entries(CATEGORY_COLORS)) m.push(k, v);
  m.push(OTHER_COLOR);
  return m;
}

function addPlacemapLayers() {
  const style = map.getStyle();
  // On a basemap, slip boundaries under its labels; assets stay on top.
  const firstSymbol = (style.layers || []).find((l) => l.type === 'symbol');
  const under = firstSymbol ? firstSymbol.id : undefined;

  // Sources.
  // Every set's and the assets' attribution is shown all the time through the
  // AttributionControl's customAttribution (escaped, de-duplicated), so the
  // TileJSON attribution is blanked here rather than shown a second time.
  for (const set of state.sets) {
    map.addSource(setSourceId(set.slug), {
      type: 'vector',
      url: absURL(`tiles/${encodeURIComponent(set.slug)}.json`),
      attribution: '',
    });
  }
  map.addSource(ASSET_SOURCE, { type: 'vector', url: absURL('tiles/assets.json'), attribution: '' });

  // Drawing order: the first set in the list is drawn on top. All fills go
  // below all outlines so every set's edges stay visible.
  const ordered = state.sets.slice().reverse();
  const vis = (slug) => (state.visible.get(slug) ? 'visible' : 'none');
  for (const set of ordered) {
    const ids = setLayerIds(set.slug);
    map.addLayer({
      id: ids.fill, type: 'fill', source: setSourceId(set.slug), 'source-layer': set.slug,
      layout: { visibility: vis(set.slug) },
      paint: { 'fill-color': set.color, 'fill-opacity': 0.07 },
    }, under);
  }
  ordered.forEach((set) => {
    const ids = setLayerIds(set.slug);
    const primary = state.sets.indexOf(set) === 0;
    map.addLayer({
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
    const none = ['==', ['get', 'code'], '\u0000none'];
    map.addLayer({
      id: ids.hlFill, type: 'fill', source: setSourceId(set.slug), 'source-layer': set.slug,
      filter: none, layout: { visibility: vis(set.slug) },
      paint: { 'fill-color': set.color, 'fill-opacity': 0.22 },
    });
    map.addLayer({
      id: ids.hlLine, type: 'line', source: setSourceId(set.slug), 'source-layer': set.slug,
      filter: none, layout: { visibility: vis(set.slug), 'line-join': 'round' },
      paint: { 'line-color': '#111827', 'line-width': 3 },
    });
  }

  // Assets.
  const assetVis = state.assetsVisible ? 'visible' : 'none';
  const isPolygon = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
  const isCell = ['has', 'count'];
  const isPoint = ['all', ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false], ['!', isCell]];
  const status = ['get', 'status'];
  map.addLayer({
    id: ASSET_SITE_FILL, type: 'fill', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isPolygon,
    layout: { visibility: assetVis },
    paint: { 'fill-color': categoryExpr(), 'fill-opacity': ['match', status, ['closed', 'proposed'], 0.12, 0.28] },
  });
  map.addLayer({
    id: ASSET_SITE_LINE, type: 'line', source: ASSET_SOURCE, 'source-layer': 'assets', filter: isPolygon,
    layout: { visibility: assetVis },
    paint: {
      'line-color': ['match', status, 'closed', STATUS_COLORS.closed, 'at_risk', STATUS_COLORS.at_risk, categoryExpr()],
      'line-width': ['match', status, 'at_risk', 2.5, 1.5],
      'line-dasharray': ['match', status, ['proposed', 'closed'], ['literal', [2, 2]], ['literal', [1, 0]]],
    },
  });
  map.addLayer({
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
  map.addLayer({
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
  map.addLayer({
    id: ASSET_SELECTED, type: 'circle', source: ASSET_SOURCE, 'source-layer': 'assets',
    filter: ['all', isPoint, ['==', ['to-string', ['get', 'id']], '\u0000none']],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 9, 13, 12, 16, 15],
      'circle-opacity': 0,
      'circle-stroke-color': '#111827',
      'circle-stroke-width': 3,
    },
  });
  state.layersAdded = true;
}

function setSetVisibility(slug, on) {
  state.visible.set(slug, on);
  const item = document.querySelector(`.layer-item[data-set="${CSS.escape(slug)}"]`);
  if (item) item.classList.toggle('off', !on);
  if (!state.layersAdded) return;
  const v = on && mapViewShown.sets ? 'visible' : 'none';
  for (const id of Object.values(setLayerIds(slug))) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', v);
  }
}

// setMapViewLayers shows or hides the Map view's own layers (the boundary
// sets as ticked in the layer list, and the assets) when another view takes
// over the map; the ticks themselves are kept.
const mapViewShown = { sets: true, assets: true };
function setMapViewLayers({ sets = true, assets = true } = {}) {
  mapViewShown.sets = sets;
  mapViewShown.assets = assets;
  if (!state.layersAdded) return;
  for (const set of state.sets) {
    const v = sets && state.visible.get(set.slug) ? 'visible' : 'none';
    for (const id of Object.values(setLayerIds(set.slug))) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', v);
    }
  }
  const av = assets && state.assetsVisible ? 'visible' : 'none';
  for (const id of ASSET_LAYERS) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', av);
  }
  if (map.getLayer(ASSET_SELECTED)) map.setLayoutProperty(ASSET_SELECTED, 'visibility', assets ? 'visible' : 'none');
}

function setAssetsVisibility(on) {
  state.assetsVisible = on;
  if (!state.layersAdded) return;
  for (const id of ASSET_LAYERS) map.setLayoutProperty(id, 'visibility', on && mapViewShown.assets ? 'visible' : 'none');
}

function highlightArea(sel) {
  state.selectedArea = sel;
  if (!state.layersAdded) return;
  for (const set of state.sets) {
    const ids = setLayerIds(set.slug);
    const code = sel && sel.slug === set.slug ? sel.code : '\u0000none';
    const f = ['==', ['to-string', ['get', 'code']], code];
    map.setFilter(ids.hlFill, f);
    map.setFilter(ids.hlLine, f);
  }
}

function highlightAsset(id) {
  state.selectedAsset = id;
  if (!state.layersAdded) return;
  map.setFilter(ASSET_SELECTED, ['all',
    ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false],
    ['==', ['to-string', ['get', 'id']], id == null ? '\u0000none' : String(id)]]);
}

// ---------------------------------------------------------------- panel: layers, legend, about

function renderSetList() {
  const list = $('layer-list');
  const assetsItem = list.querySelector('.layer-item-assets');
  for (const set of state.sets) {
    const id = `toggle-set-${state.sets.indexOf(set)}`;
    const checkbox = el('input', { type: 'checkbox', id, dataset: { set: set.slug } });
    checkbox.checked = !!state.visible.get(set.slug);
    checkbox.addEventListener('change', () => setSetVisibility(set.slug, checkbox.checked));
    const count = Number(set.area_count);
    const current = set.current === false ? state.sets.find((x) => x.series === set.series && x.current !== false) : null;
    const meta = [humanKind(set.kind), Number.isFinite(count) ? `${numberFormat.format(count)} ${count === 1 ? 'area' : 'areas'}` : '',
      current ? `earlier release; current: ${current.title || current.slug}` : '']
      .filter(Boolean).join(' · ');
    const item = el('li', { className: 'layer-item' + (checkbox.checked ? '' : ' off'), dataset: { set: set.slug } },
      el('label', { className: 'layer-label', for: id },
        checkbox,
        el('span', { className: 'swatch', 'aria-hidden': 'true', style: { color: set.color, backgroundColor: set.color + '22' } }),
        el('span', { className: 'layer-text' },
          el('span', { className: 'layer-title', text: set.title || set.slug }),
          meta ? el('span', { className: 'layer-meta', text: meta }) : null)));
    list.append(item);
  }
  // Assets stay first (they are drawn on top), then the sets in drawing order.
  list.prepend(assetsItem);
  if (!state.sets.length) {
    list.append(el('li', { className: 'layer-item muted', text: 'No boundary sets have been loaded.' }));
  }
}

function renderLegend() {
  const cats = $('legend-categories');
  for (const id of Object.keys(CATEGORY_COLORS)) {
    cats.append(el('li', null, el('span', { className: 'dot', 'aria-hidden': 'true', style: { backgroundColor: CATEGORY_COLORS[id] } }), categoryTitle(id)));
  }
  cats.append(el('li', null, el('span', { className: 'dot', 'aria-hidden': 'true', style: { backgroundColor: OTHER_COLOR } }), 'Other'));
  const stats = $('legend-statuses');
  for (const id of Object.keys(STATUS_TITLES)) {
    stats.append(el('li', null,
      el('span', { className: `dot status-${id}`, 'aria-hidden': 'true', style: { backgroundColor: '#64748b' } }),
      statusTitle(id)));
  }
}

function renderAbout() {
  const list = $('about-sets');
  list.replaceChildren();
  const ai = state.assetsInfo;
  if (ai.count !== null || ai.attributions.length || ai.licences.length) {
    const fields = el('dl', { className: 'fields' });
    if (ai.count !== null) fields.append(el('dt', { text: 'Records' }), el('dd', { text: numberFormat.format(ai.count) }));
    if (ai.licences.length) fields.append(el('dt', { text: 'Licences' }), el('dd', { text: ai.licences.join('\n') }));
    if (ai.attributions.length) fields.append(el('dt', { text: 'Attribution' }), el('dd', { text: ai.attributions.join('\n') }));
    list.append(el('li', null, el('span', { className: 'about-title', text: 'Assets' }), fields,
      downloads('assets', 'assets', 'Assets'),
      downloads('memberships', 'memberships', 'Memberships (the area of every set each asset lies in)')));
  }
  for (const set of state.sets) {
    const fields = el('dl', { className: 'fields' });
    const add = (label, value) => {
      if (!value) return;
      fields.append(el('dt', { text: label }), el('dd', null, value));
    };
    add('Kind', humanKind(set.kind));
    add('Publisher', str(set.publisher));
    add('Released', str(set.release_date));
    add('Licence', str(set.licence));
    add('Attribution', str(set.attribution));
    add('Source', linkOrText(str(set.source)));
    list.append(el('li', null,
      el('span', { className: 'about-title', text: set.title || set.slug }),
      str(set.description) ? el('p', { className: 'about-description', text: str(set.description) }) : null,
      fields,
      downloads(`sets/${encodeURIComponent(set.slug)}`, set.slug, set.title || set.slug)));
  }
}

// downloads links an export in every format, each file carrying the
// sources' attribution and licence.
const DOWNLOAD_FORMATS = [['geojson', 'GeoJSON'], ['csv', 'CSV'], ['gpkg', 'GeoPackage'], ['kml', 'KML']];
function downloads(path, file, label) {
  return el('p', { className: 'downloads' },
    el('span', { text: 'Download: ' }),
    ...DOWNLOAD_FORMATS.flatMap(([ext, name], i) => [
      i ? ' · ' : '',
      el('a', { href: `api/export/${path}.${ext}`, download: `${file}.${ext}`, 'aria-label': `${label} as ${name}`, text: name }),
    ]));
}

function linkOrText(value, label) {
  if (!value) return '';
  if (isHttpURL(value)) {
    return el('a', { href: value.trim(), rel: 'noopener noreferrer', target: '_blank', text: label || value.trim() });
  }
  return value;
}

// ---------------------------------------------------------------- details pane

let detailsToken = 0;
let detailsAbort = null;

function showDetails(nodes, { focus = false } = {}) {
  const section = $('details');
  const body = $('details-body');
  body.replaceChildren(...nodes);
  section.hidden = false;
  openPanel();
  section.scrollIntoView({ block: 'nearest' });
  if (focus) section.focus({ preventScroll: true });
}

function closeDetails() {
  if (editHooks.detailsReplaced) editHooks.detailsReplaced();
  if (detailsAbort) detailsAbort.abort();
  $('details').hidden = true;
  $('details-body').replaceChildren();
  highlightAsset(null);
  highlightArea(null);
}

function beginDetails(label) {
  if (editHooks.detailsReplaced) editHooks.detailsReplaced();
  if (detailsAbort) detailsAbort.abort();
  $('details').setAttribute('aria-live', 'polite');
  detailsAbort = new AbortController();
  const token = ++detailsToken;
  $('details-heading').textContent = label;
  showDetails([el('p', { className: 'muted', text: 'Loading…' })]);
  return { token, signal: detailsAbort.signal };
}

// showPane puts nodes from edit.js (a form) in the details pane under the
// heading label, cancelling any details still loading. A form is not read
// out as a whole: the pane stops being a live region until details return.
function showPane(label, nodes, { focus = false, assetId = null } = {}) {
  if (detailsAbort) detailsAbort.abort();
  detailsAbort = null;
  ++detailsToken;
  $('details').setAttribute('aria-live', 'off');
  $('details-heading').textContent = label;
  highlightArea(null);
  highlightAsset(assetId);
  showDetails(nodes, { focus });
}

// refreshAssets reloads the asset tiles after a write: the TileJSON again
// (its bounds may have grown) and every tile, under a new ?v=.
function refreshAssets() {
  const v = Date.now();
  assetTilesVersion = v;
  const src = map && map.getSource(ASSET_SOURCE);
  if (!src) return;
  if (typeof src.setUrl === 'function') src.setUrl(absURL(`tiles/assets.json?v=${v}`));
  // setUrl refetches the tiles once the TileJSON is in, unless a layer of the
  // source changed meanwhile (the highlight filter set as the details open
  // does): MapLibre then only re-parses the tiles it has. So fetch them again
  // once the map is idle; tiles already fetched under this ?v= come from the
  // browser's cache.
  map.once('idle', () => {
    if (assetTilesVersion === v && map.getSource(ASSET_SOURCE)) map.refreshTiles(ASSET_SOURCE);
  });
}

// refreshSet reloads one boundary set's tiles after an area was redrawn, as
// refreshAssets does for the assets.
const setTilesVersion = new Map();
function refreshSet(slug) {
  const v = Date.now();
  setTilesVersion.set(slug, v);
  const id = setSourceId(slug);
  const src = map && map.getSource(id);
  if (!src) return;
  if (typeof src.setUrl === 'function') src.setUrl(absURL(`tiles/${encodeURIComponent(slug)}.json?v=${v}`));
  map.once('idle', () => {
    if (setTilesVersion.get(slug) === v && map.getSource(id)) map.refreshTiles(id);
  });
}

function assetCategoryTitle(p) {
  return str(p.category_title) || categoryTitle(p.category);
}

function assetDot(p) {
  return el('span', {
    className: `dot status-${str(p.status)}`,
    'aria-hidden': 'true',
    style: { backgroundColor: categoryColor(str(p.category)) },
  });
}

function assetRow(p, onClick) {
  const meta = [assetCategoryTitle(p), p.status ? statusTitle(p.status) : ''].filter(Boolean).join(' · ');
  return el('button', { type: 'button', className: 'row-button', dataset: { id: str(p.id) }, onclick: onClick },
    assetDot(p),
    el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || '(unnamed asset)' }),
      el('span', { className: 'row-meta', text: meta })));
}

async function openAsset(id, { fly = false, geometry = null, focus = false } = {}) {
  id = str(id);
  if (!id) return;
  const { token, signal } = beginDetails('Asset');
  highlightArea(null);
  highlightAsset(id);
  if (fly && geometry) flyToGeometry(geometry);
  let feature;
  try {
    feature = await fetchJSON(`api/assets/${encodeURIComponent(id)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError' || token !== detailsToken) return;
    showDetails([el('p', { className: 'error-text', text: `Could not load this asset: ${err.message}` })]);
    return;
  }
  if (token !== detailsToken) return;
  if (fly && !geometry && feature.geometry) flyToGeometry(feature.geometry);
  showDetails(renderAsset(feature), { focus });
}

function renderAsset(feature) {
  const p = feature.properties || {};
  const nodes = [];
  nodes.push(el('h3', { text: str(p.name) || '(unnamed asset)' }));
  nodes.push(el('p', { className: 'details-sub' },
    assetDot(p),
    el('span', { text: assetCategoryTitle(p) }),
    p.status ? el('span', { className: `badge status-${str(p.status)}`, text: statusTitle(p.status) }) : null));
  if (editHooks.assetActions) {
    const actions = editHooks.assetActions(feature);
    if (actions) nodes.push(actions);
  }

  const fields = el('dl', { className: 'fields' });
  const add = (label, value) => {
    if (!value) return;
    fields.append(el('dt', { text: label }), el('dd', null, value));
  };
  add('Address', [str(p.address), str(p.postcode)].filter(Boolean).join('\n'));
  add('Opening hours', str(p.opening_hours));
  add('Website', linkOrText(str(p.website)));
  const email = str(p.email);
  add('Email', /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email) ? el('a', { href: `mailto:${email}`, text: email }) : email);
  const phone = str(p.phone);
  add('Phone', /^\+?[\d\s()-]{5,}$/.test(phone) ? el('a', { href: `tel:${phone.replace(/[^\d+]/g, '')}`, text: phone }) : phone);
  add('Operator', str(p.operator));
  if (fields.childElementCount) nodes.push(fields);

  nodes.push(el('h4', { id: 'lies-in-heading', text: 'Lies in' }));
  const liesIn = Array.isArray(p.lies_in) ? p.lies_in : [];
  if (liesIn.length) {
    const list = el('ul', { className: 'lies-in-list', 'aria-labelledby': 'lies-in-heading' });
    for (const m of liesIn) {
      const slug = str(m.set);
      const setTitle = str(m.set_title) || (state.setsBySlug.get(slug) || {}).title || slug;
      const code = str(m.code);
      const name = str(m.name);
      const areaText = name && name !== code ? `${name} (${code})` : code;
      list.append(el('li', null,
        el('button', {
          type: 'button', className: 'row-button', dataset: { set: slug, code },
          onclick: () => openArea(slug, code, { fit: true, focus: true }),
        },
        el('span', null, el('span', { className: 'lies-in-set', text: `${setTitle}: ` }), areaText))));
    }
    nodes.push(list);
  } else {
    nodes.push(el('p', { className: 'muted', text: 'Not inside any of the loaded boundary sets.' }));
  }

  const prov = el('dl', { className: 'fields' });
  const addProv = (label, value) => {
    if (!value) return;
    prov.append(el('dt', { text: label }), el('dd', null, value));
  };
  addProv('Source', linkOrText(str(p.source)));
  addProv('Licence', str(p.licence));
  addProv('Attribution', str(p.attribution));
  if (prov.childElementCount) {
    nodes.push(el('h4', { text: 'About this record' }), prov);
  }
  return nodes;
}

async function openArea(slug, code, { fit = false, focus = false } = {}) {
  slug = str(slug);
  code = str(code);
  if (!slug || !code) return;
  const { token, signal } = beginDetails('Area');
  highlightAsset(null);
  highlightArea({ slug, code });
  let feature;
  try {
    feature = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError' || token !== detailsToken) return;
    showDetails([el('p', { className: 'error-text', text: `Could not load this area: ${err.message}` })]);
    return;
  }
  if (token !== detailsToken) return;
  // An area of an earlier release: show its release (hidden by default) so
  // the outline being described is on the map beside the current lines.
  if (feature.properties && feature.properties.current === false && !state.visible.get(slug)) setSetVisibility(slug, true);
  if (fit && feature.geometry) {
    const b = geometryBBox(feature.geometry);
    if (b) map.fitBounds(b, { padding: 40, maxZoom: 16 });
  }
  showDetails(renderArea(feature, slug), { focus });
}

const AREA_SKIP = new Set(['set', 'set_title', 'code', 'name', 'assets', 'asset_count', 'id', 'bbox', 'licence', 'attribution',
  'series', 'current', 'current_release', 'successors', 'predecessors']);

// releaseNotes says, for an area of a release, what replaced it (an earlier
// release) and where it came from, with buttons that open those areas.
function releaseNotes(p, slug, code) {
  const nodes = [];
  const title = (s) => (state.setsBySlug.get(s) || {}).title || s;
  const links = (list, setKey, codeKey, nameKey, share) => el('ul', { className: 'release-list' }, ...list.map((l) => el('li', null,
    el('button', {
      type: 'button', className: 'link-button', text: str(l[nameKey]) || str(l[codeKey]),
      onclick: () => {
        setSetVisibility(str(l[setKey]), true);
        openArea(str(l[setKey]), str(l[codeKey]), { fit: true, focus: true });
      },
    }),
    el('span', { className: 'muted', text: ` ${title(str(l[setKey]))} · ${share(l)}${l.status && l.status !== 'computed' ? ` · ${l.status}` : ''}` }))));
  const pct = (x) => `${Math.round(100 * Number(x) || 0)}%`;
  const successors = (Array.isArray(p.successors) ? p.successors : []).filter((l) => l.status !== 'rejected');
  const predecessors = (Array.isArray(p.predecessors) ? p.predecessors : []).filter((l) => l.status !== 'rejected');
  if (p.current === false) {
    const cur = str(p.current_release);
    const box = el('div', { className: 'replaced', role: 'note' },
      el('p', null, el('strong', { text: 'Replaced. ' }),
        `This area is from ${title(slug)}, an earlier release${cur ? `; ${title(cur)} is current` : ''}.`));
    if (successors.length) {
      box.append(el('p', { text: 'Its ground is now in:' }),
        links(successors, 'new_set', 'new_code', 'new_name', (l) => `${pct(l.share_of_old)} of this area${l.main ? ' (main successor)' : ''}`));
      const to = str(successors[0].new_set);
      box.append(el('p', null, el('a', { href: `#changes/${encodeURIComponent(slug)}/${encodeURIComponent(to)}?area=${encodeURIComponent(code)}`, text: 'See what changed' })));
    }
    nodes.push(box);
  }
  if (predecessors.length) {
    nodes.push(el('h4', { text: 'Came from' }),
      links(predecessors, 'old_set', 'old_code', 'old_name', (l) => `${pct(l.share_of_new)} of this area`));
  }
  return nodes;
}

function renderArea(feature, slug) {
  const p = feature.properties || {};
  const set = state.setsBySlug.get(str(p.set) || slug) || state.setsBySlug.get(slug);
  const setTitle = str(p.set_title) || (set && set.title) || slug;
  const code = str(p.code);
  const nodes = [];
  nodes.push(el('h3', { text: str(p.name) || code }));
  nodes.push(el('p', { className: 'details-sub' },
    el('span', { className: 'swatch', 'aria-hidden': 'true', style: { color: set ? set.color : OTHER_COLOR } }),
    el('span', { text: setTitle })));
  nodes.push(...releaseNotes(p, str(p.set) || slug, code));
  const fields = el('dl', { className: 'fields' });
  fields.append(el('dt', { text: 'Code' }), el('dd', null, el('code', { className: 'area-code', text: code })));
  fields.append(el('dt', { text: 'Set' }), el('dd', { text: setTitle }));
  for (const [k, v] of Object.entries(p)) {
    if (AREA_SKIP.has(k) || v === null || v === '' || !['string', 'number', 'boolean'].includes(typeof v)) continue;
    const label = k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
    fields.append(el('dt', { text: label }), el('dd', { text: typeof v === 'number' ? numberFormat.format(v) : String(v) }));
  }
  nodes.push(fields);
  if (editHooks.areaActions) {
    const actions = editHooks.areaActions(feature, str(p.set) || slug);
    if (actions) nodes.push(actions);
  }

  const extra = p.properties && typeof p.properties === 'object' && !Array.isArray(p.properties)
    ? Object.entries(p.properties).filter(([, v]) => v !== null && v !== '' && ['string', 'number', 'boolean'].includes(typeof v))
    : [];

  const assets = Array.isArray(p.assets) ? p.assets : [];
  const total = Number.isFinite(Number(p.asset_count)) && p.asset_count !== null && p.asset_count !== undefined
    ? Math.max(Number(p.asset_count), assets.length) : assets.length;
  nodes.push(el('h4', { id: 'area-assets-heading', text: `Assets in this area (${numberFormat.format(total)})` }));
  if (total > assets.length) {
    nodes.push(el('p', { className: 'muted', text: `Showing the first ${numberFormat.format(assets.length)}.` }));
  }
  if (assets.length) {
    const list = el('ul', { className: 'asset-list', 'aria-labelledby': 'area-assets-heading' });
    for (const a of assets) {
      list.append(el('li', null, assetRow(a, () => openAsset(a.id, { fly: true, focus: true }))));
    }
    nodes.push(list);
  } else {
    nodes.push(el('p', { className: 'muted', text: 'No assets recorded in this area.' }));
  }

  const licence = str(p.licence) || (set ? str(set.licence) : '');
  const attribution = str(p.attribution) || (set ? str(set.attribution) : '');
  if (licence || attribution) {
    const prov = el('dl', { className: 'fields' });
    if (licence) prov.append(el('dt', { text: 'Licence' }), el('dd', { text: licence }));
    if (attribution) prov.append(el('dt', { text: 'Attribution' }), el('dd', { text: attribution }));
    nodes.push(el('h4', { text: 'About this boundary' }), prov);
  }
  if (extra.length) {
    const dl = el('dl', { className: 'fields' });
    for (const [k, v] of extra) dl.append(el('dt', { text: k }), el('dd', { text: String(v) }));
    nodes.push(el('details', { className: 'source-fields' }, el('summary', { text: `Source fields (${extra.length})` }), dl));
  }
  return nodes;
}

function flyToGeometry(geom) {
  if (!map || !geom) return;
  if (geom.type === 'Point' && Array.isArray(geom.coordinates)) {
    map.flyTo({ center: geom.coordinates, zoom: Math.max(map.getZoom(), 15) });
    return;
  }
  const b = geometryBBox(geom);
  if (b) map.fitBounds(b, { padding: 60, maxZoom: 17 });
}

// ---------------------------------------------------------------- search

let searchTimer = 0;
let searchAbort = null;
let searchSeq = 0;

async function runSearch(q) {
  q = q.trim();
  clearTimeout(searchTimer);
  if (searchAbort) searchAbort.abort();
  const status = $('search-status');
  const list = $('search-results');
  if (q.length < 2) {
    state.searchResults = [];
    state.searchQuery = q;
    list.replaceChildren();
    status.textContent = q.length ? 'Type at least 2 characters.' : '';
    return [];
  }
  searchAbort = new AbortController();
  const seq = ++searchSeq;
  status.textContent = 'Searching…';
  let fc;
  try {
    fc = await fetchJSON(`api/assets?q=${encodeURIComponent(q)}&limit=${SEARCH_LIMIT}`, { signal: searchAbort.signal });
  } catch (err) {
    if (err.name === 'AbortError' || seq !== searchSeq) return null;
    list.replaceChildren();
    status.textContent = `Search failed: ${err.message}`;
    return [];
  }
  if (seq !== searchSeq) return null;
  const features = Array.isArray(fc.features) ? fc.features : [];
  state.searchResults = features;
  state.searchQuery = q;
  list.replaceChildren(...features.map((f) => {
    const p = { ...(f.properties || {}) };
    p.id = str(p.id) || str(f.id);
    return el('li', null, assetRow(p, () => openAsset(p.id, { fly: true, geometry: f.geometry, focus: true })));
  }));
  status.textContent = features.length
    ? `${features.length} ${features.length === 1 ? 'asset' : 'assets'} found${features.length >= SEARCH_LIMIT ? ' (showing the first ' + SEARCH_LIMIT + ')' : ''}.`
    : `No assets match “${q}”.`;
  return features;
}

function setupSearch() {
  const input = $('search-input');
  const list = $('search-results');
  input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(input.value), SEARCH_DEBOUNCE_MS);
  });
  $('search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    let results = state.searchQuery === q ? state.searchResults : await runSearch(q);
    if (!results || !results.length) return;
    const f = results[0];
    const id = str((f.properties || {}).id) || str(f.id);
    openAsset(id, { fly: true, geometry: f.geometry });
  });
  // Arrow keys move between the input and the result buttons.
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      const first = list.querySelector('button');
      if (first) { ev.preventDefault(); first.focus(); }
    } else if (ev.key === 'Escape') {
      input.value = '';
      runSearch('');
    }
  });
  list.addEventListener('keydown', (ev) => {
    const buttons = [...list.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === 'ArrowDown' && i < buttons.length - 1) { ev.preventDefault(); buttons[i + 1].focus(); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); (i > 0 ? buttons[i - 1] : input).focus(); }
    else if (ev.key === 'Escape') { ev.preventDefault(); input.focus(); }
  });
}

// ---------------------------------------------------------------- panel toggle (narrow screens)

function setPanelOpen(open) {
  const layout = document.querySelector('.layout');
  const btn = $('panel-toggle');
  layout.classList.toggle('panel-collapsed', !open);
  btn.setAttribute('aria-expanded', String(open));
  btn.querySelector('.panel-toggle-label').textContent = open ? 'Hide panel' : 'Show panel';
}

function openPanel() {
  if (document.querySelector('.layout').classList.contains('panel-collapsed')) setPanelOpen(true);
}

function setupPanel() {
  const btn = $('panel-toggle');
  btn.addEventListener('click', () => setPanelOpen(btn.getAttribute('aria-expanded') !== 'true'));
  if (isNarrow()) setPanelOpen(false);
  $('details-close').addEventListener('click', closeDetails);
  $('toggle-assets').addEventListener('change', (ev) => setAssetsVisibility(ev.target.checked));
}

// ---------------------------------------------------------------- map interaction

function hitBox(point, r = 6) {
  return [[point.x - r, point.y - r], [point.x + r, point.y + r]];
}

// cellAt returns the cell of assets under a point, where a low-zoom tile sent
// counts instead of assets.
function cellAt(point) {
  if (!state.layersAdded || !state.assetsVisible) return null;
  return map.queryRenderedFeatures(hitBox(point), { layers: [ASSET_CELLS] })[0] || null;
}

function assetAt(point) {
  if (!state.layersAdded || !state.assetsVisible) return null;
  const pts = map.queryRenderedFeatures(hitBox(point), { layers: [ASSET_LAYER] });
  if (pts.length) return pts[0];
  const sites = map.queryRenderedFeatures(point, { layers: [ASSET_SITE_FILL] });
  return sites[0] || null;
}

function areaAt(point) {
  if (!state.layersAdded) return null;
  const visibleSets = state.sets.filter((s) => state.visible.get(s.slug));
  if (!visibleSets.length) return null;
  const layers = visibleSets.map((s) => setLayerIds(s.slug).fill);
  const feats = map.queryRenderedFeatures(point, { layers });
  // Topmost visible set = first in list order that has a feature here.
  for (const s of visibleSets) {
    const f = feats.find((x) => x.layer.id === setLayerIds(s.slug).fill);
    if (f) return { slug: s.slug, feature: f };
  }
  return null;
}

function setupMapInteraction() {
  map.on('click', (ev) => {
    if (placemap.view && placemap.view !== 'map') return; // the other views handle their own clicks
    if (editHooks.mapClick && editHooks.mapClick(ev)) return;
    const asset = assetAt(ev.point);
    if (asset) {
      openAsset(str(asset.properties.id) || str(asset.id));
      return;
    }
    const cell = cellAt(ev.point);
    if (cell) {
      // A cell stands for many assets: zoom in until they are shown.
      map.easeTo({ center: cell.geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 13) });
      return;
    }
    const area = areaAt(ev.point);
    if (area) {
      openArea(area.slug, str(area.feature.properties.code));
    }
  });
  let pending = false;
  let last = null;
  map.on('mousemove', (ev) => {
    if (placemap.view && placemap.view !== 'map') return;
    last = ev.point;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (!last) return;
      map.getCanvas().style.cursor = assetAt(last) || cellAt(last) ? 'pointer' : '';
    });
  });
  map.on('mouseout', () => { last = null; map.getCanvas().style.cursor = ''; });
}

// ---------------------------------------------------------------- in view

// The assets and areas the map shows, as lists beside it, so everything the
// map offers is reachable without a mouse. Filled while the list is open,
// and again when the map stops moving.
const IN_VIEW_LIMIT = 50;
let inViewTimer = null;
let inViewAbort = null;

function viewBBox() {
  const b = map.getBounds();
  const r = (n) => Math.round(n * 1e5) / 1e5;
  return [Math.max(-180, r(b.getWest())), Math.max(-90, r(b.getSouth())), Math.min(180, r(b.getEast())), Math.min(90, r(b.getNorth()))].join(',');
}

async function loadInView() {
  const box = $('in-view');
  if (!box.open || !map || (placemap.view && placemap.view !== 'map')) return;
  if (inViewAbort) inViewAbort.abort();
  inViewAbort = new AbortController();
  const { signal } = inViewAbort;
  const bbox = viewBBox();
  const slug = $('in-view-set').value;
  const assetList = $('in-view-assets');
  const areaList = $('in-view-areas');
  // The area list says which set it lists; another set's areas are never
  // left on show (a keyboard user would open the wrong one) while the new
  // set's load.
  if (areaList.dataset.set !== slug) areaList.replaceChildren();
  areaList.dataset.set = slug;
  assetList.setAttribute('aria-busy', 'true');
  areaList.setAttribute('aria-busy', 'true');
  $('in-view-status').textContent = 'Loading…';
  let assets, areas;
  try {
    [assets, areas] = await Promise.all([
      state.assetsVisible === false ? { features: [], numberMatched: 0 } : fetchJSON(`api/assets?bbox=${bbox}&limit=${IN_VIEW_LIMIT}`, { signal }),
      slug ? fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas?bbox=${bbox}&limit=${IN_VIEW_LIMIT}`, { signal }) : { features: [] },
    ]);
  } catch (err) {
    if (err.name === 'AbortError') return;
    assetList.removeAttribute('aria-busy');
    areaList.removeAttribute('aria-busy');
    $('in-view-status').textContent = `Could not list what is in view: ${err.message}`;
    return;
  }
  // The map moving under a keyboard user re-lists what is in view: the
  // row that had the focus keeps it when it is still listed.
  const active = document.activeElement;
  const keep = active && active.closest && active.closest('#in-view-assets, #in-view-areas') ?
    { list: active.closest('ul').id, id: active.dataset.id, code: active.dataset.code } : null;
  const af = Array.isArray(assets.features) ? assets.features : [];
  const total = Number(assets.numberMatched);
  assetList.replaceChildren(...af.map((f) => {
    const p = { ...(f.properties || {}) };
    p.id = str(p.id) || str(f.id);
    return el('li', null, assetRow(p, () => openAsset(p.id, { fly: true, geometry: f.geometry, focus: true })));
  }));
  const arf = Array.isArray(areas.features) ? areas.features : [];
  areaList.replaceChildren(...arf.map((f) => {
    const p = f.properties || {};
    const code = str(p.code) || str(f.id);
    return el('li', null, el('button', { type: 'button', className: 'row-button', dataset: { code },
      onclick: () => openArea(slug, code, { fit: true, focus: true }) },
    el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || code }),
      el('span', { className: 'row-meta', text: code }))));
  }));
  assetList.removeAttribute('aria-busy');
  areaList.removeAttribute('aria-busy');
  if (keep) {
    const again = [...$(keep.list).querySelectorAll('button')].find((b) =>
      (keep.id !== undefined && b.dataset.id === keep.id) || (keep.code !== undefined && b.dataset.code === keep.code));
    if (again) again.focus();
  }
  const more = Number.isFinite(total) && total > af.length ? ` (the first ${af.length} of ${numberFormat.format(total)})` : '';
  const setName = slug ? (state.setsBySlug.get(slug) || {}).title || slug : '';
  $('in-view-status').textContent = `${af.length ? `${af.length} ${af.length === 1 ? 'asset' : 'assets'}${more}` : 'No assets'} in view` +
    (slug ? `; ${arf.length}${arf.length >= IN_VIEW_LIMIT ? '+' : ''} ${arf.length === 1 ? 'area' : 'areas'} of ${setName}.` : '.');
}

function setupInView() {
  const select = $('in-view-set');
  select.replaceChildren(el('option', { value: '', text: '(none)' }),
    ...state.sets.map((s) => el('option', { value: s.slug, text: s.title || s.slug })));
  const firstVisible = state.sets.find((s) => state.visible.get(s.slug));
  if (firstVisible) select.value = firstVisible.slug;
  select.addEventListener('change', () => loadInView());
  $('in-view').addEventListener('toggle', () => loadInView());
  map.on('moveend', () => {
    clearTimeout(inViewTimer);
    inViewTimer = setTimeout(loadInView, 250);
  });
}

// ---------------------------------------------------------------- start-up

async function loadConfig() {
  try {
    const c = await fetchJSON('api/config');
    return { ...state.config, ...(c && typeof c === 'object' ? c : {}) };
  } catch (err) {
    console.warn('placemap: no config, using defaults:', err.message);
    return state.config;
  }
}

function once(target, type) {
  return new Promise((resolve) => target.once(type, resolve));
}

async function main() {
  if (!maplibregl) throw new Error('MapLibre GL JS did not load (vendor/maplibre-gl/maplibre-gl.js)');
  setupPanel();
  setupSearch();
  renderLegend();
  const edit = setupEdit({
    placemap, hooks: editHooks, openAsset, openArea, showPane, closeDetails, refreshAssets, refreshSet, setStatus,
    categoryTitle, statusTitle, setPanelOpen, isNarrow,
  });

  let setsResp;
  [state.config, setsResp] = await Promise.all([loadConfig(), fetchJSON('api/sets')]);

  const title = str(state.config.title) || 'placemap';
  document.title = title;
  $('app-title').textContent = title;

  // Current releases first (and every set in no series); earlier releases
  // of a series after them, hidden until asked for.
  const listed = (Array.isArray(setsResp.sets) ? setsResp.sets : []).filter((s) => s && str(s.slug));
  state.sets = [...listed.filter((s) => s.current !== false), ...listed.filter((s) => s.current === false)]
    .map((s, i) => ({ ...s, slug: str(s.slug), color: SET_PALETTE[i % SET_PALETTE.length] }));
  const ai = setsResp.assets && typeof setsResp.assets === 'object' ? setsResp.assets : {};
  const strings = (a) => (Array.isArray(a) ? [...new Set(a.map(str).filter(Boolean))] : []);
  state.assetsInfo = {
    count: Number.isFinite(Number(ai.count)) && ai.count !== null && ai.count !== undefined ? Number(ai.count) : null,
    attributions: strings(ai.attributions),
    licences: strings(ai.licences),
  };
  state.sets.forEach((s, i) => {
    state.setsBySlug.set(s.slug, s);
    state.visible.set(s.slug, i < INITIALLY_VISIBLE_SETS);
  });
  renderSetList();
  renderAbout();

  // Open on the sets shown at start-up: a set that reaches far beyond the
  // others (the 2013 constituencies do) would otherwise leave the view empty.
  const bounds = unionBBox(state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.bbox))
    || unionBBox(state.sets.map((s) => s.bbox)) || SHEFFIELD;
  const basemap = str(state.config.basemap_style_url);

  const attributions = attributionParts([...state.sets.map((s) => s.attribution), ...state.assetsInfo.attributions])
    .map(escapeHTML);

  map = new maplibregl.Map({
    container: 'map',
    style: basemap ? basemap : plainStyle(),
    bounds,
    fitBoundsOptions: { padding: 24 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    transformRequest: (url, type) => {
      let u = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : absURL(url);
      if (assetTilesVersion && type === 'Tile' && ASSET_TILE_RE.test(u)) u += `?v=${assetTilesVersion}`;
      return u === url ? undefined : { url: u };
    },
  });
  placemap.map = map;
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: attributions }), 'bottom-right');
  // Many sets make a long attribution: start with it folded behind its (i)
  // button (the full list is also under "About the data" in the panel).
  const attrib = map.getContainer().querySelector('.maplibregl-ctrl-attrib');
  if (attrib) {
    attrib.classList.add('maplibregl-compact');
    attrib.classList.remove('maplibregl-compact-show');
    attrib.removeAttribute('open');
    // MapLibre's own toggle cannot re-open a folded compact attribution, so
    // the (i) button is handled here (capture phase, before MapLibre's).
    attrib.addEventListener('click', (ev) => {
      if (!ev.target.closest('.maplibregl-ctrl-attrib-button')) return;
      ev.preventDefault();
      ev.stopPropagation();
      const show = !attrib.classList.contains('maplibregl-compact-show');
      attrib.classList.toggle('maplibregl-compact-show', show);
      attrib.toggleAttribute('open', show);
    }, true);
  }

  let loaded = false;
  let errorShown = false;
  let basemapFailed = false;
  map.on('error', (ev) => {
    const msg = (ev && ev.error && ev.error.message) || 'unknown map error';
    if (!loaded && basemap && !map.isStyleLoaded()) {
      // The configured basemap could not be loaded: fall back to the plain style.
      console.warn('placemap: basemap style failed, using plain background:', msg);
      basemapFailed = true;
      map.setStyle(plainStyle());
      return;
    }
    console.error('placemap: map error:', msg);
    if (!errorShown) {
      errorShown = true;
      setStatus('Some map data could not be loaded. Try reloading the page.', true);
    }
  });

  await once(map, 'load');
  loaded = true;
  addPlacemapLayers();
  setupMapInteraction();
  setupInView();
  setupViews({
    map, state, placemap, setMapViewLayers, openAsset, openPanel,
    sourceId: setSourceId,
    beforeLayer: ASSET_SITE_FILL,
  });
  edit.mapReady(map);
  return { sets: state.sets.length, basemap: basemap && !basemapFailed ? basemap : '' };
}

placemap.ready = main().catch((err) => {
  console.error('placemap: start-up failed:', err);
  setStatus(`The map could not start: ${err.message}`, true);
  throw err;
});

Object.assign(placemap, {
  openAsset,
  openArea,
  search: runSearch,
  setSetVisibility,
  setAssetsVisibility,
  refreshAssets,
  refreshSet,
  layerIds: { set: setLayerIds, assets: ASSET_LAYER, assetSites: ASSET_SITE_FILL, assetSelected: ASSET_SELECTED },
});
