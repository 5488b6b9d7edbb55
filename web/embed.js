// @ts-check
// /embed: the map without the side panel, for other sites' iframes
// (embed.html loads it). Its query says what it shows, in the map
// address's own terms (maplink.js) and two of its own:
//   at=ZOOM/LAT/LON  sets=SLUG,SLUG  assets=off
//   color=SET                 that set's areas filled in its colour
//   choropleth=SET/INDICATOR  that set's areas coloured by the figure, as
//                             the Figures view colours them (quantiles)
//   asset=ID | area=SET/CODE  selected: outlined, named in a small card
// with the map's attribution and a "View larger map" link to the full map
// at the same view.
//
// API used (same origin, relative URLs): api/config, api/sets,
// api/assets/{id}, api/sets/{slug}/areas/{code},
// api/sets/{slug}/indicators/{name}, and the tiles.
//
// Security: API text (asset names are user-supplied) reaches the page only
// through textContent; the query is read, never written into the page.

import { $, el, str, fetchJSON, unionBBox, validBBox, geometryBBox } from './util.js';
import { attributionParts, escapeHTML, num, fmtValue } from './format.js';
import { SET_PALETTE } from './palette.js';
import { state, setMap, setSets, map } from './store.js';
import { parseMapQuery, mapQueryFor } from './maplink.js';
import {
  addPlacemapLayers, setLayerIds, setAssetsVisibility, highlightArea, highlightAsset, setSourceId, ASSET_LAYER, ASSET_SITE_FILL,
} from './map/layers.js';
import { createMap } from './map/setup.js';
import { setStatus } from './panel/panel.js';
import { CHORO_CLASSES, quantileBreaks, classOf, choroColors, matchByCode } from './views/scales.js';

const SHEFFIELD = /** @type {import('./util.js').BBox} */ ([-1.80, 53.30, -1.32, 53.50]);
const CHORO_FILL = 'embed-choro-fill';
const NO_DATA = '#d1d5db';

/**
 * The embed's own parts of the query: the set to colour and how.
 * @typedef {{color?: string, choropleth?: {set: string, indicator: string}}} Colouring
 */

/**
 * readQuery reads the page's query: the map address's parts and the
 * colouring.
 * @param {string} search location.search
 * @returns {{link: import('./maplink.js').MapLink, colour: Colouring}}
 */
export function readQuery(search) {
  const q = String(search || '').replace(/^\?/, '');
  const link = parseMapQuery(q);
  delete link.panel;
  /** @type {Colouring} */
  const colour = {};
  const params = new URLSearchParams(q);
  const choro = params.get('choropleth') || '';
  const slash = choro.indexOf('/');
  if (slash > 0 && slash < choro.length - 1) colour.choropleth = { set: choro.slice(0, slash), indicator: choro.slice(slash + 1) };
  else if (params.get('color')) colour.color = String(params.get('color'));
  return { link, colour };
}

/**
 * largerMapURL is the full map's address showing what the embed shows now.
 * @param {import('./maplink.js').MapLink} link
 * @param {Colouring} colour
 * @returns {string}
 */
export function largerMapURL(link, colour) {
  const base = new URL('./', location.href).href;
  if (colour.choropleth) {
    const e = encodeURIComponent;
    return `${base}#choropleth/${e(colour.choropleth.set)}/${e(colour.choropleth.indicator)}`;
  }
  const q = mapQueryFor(link);
  return `${base}#map${q ? `?${q}` : ''}`;
}

/**
 * keepSets keeps api/sets' answer as the main map does, showing the sets
 * the query names (or, without sets=, the first two current ones).
 * @param {any} resp
 * @param {import('./maplink.js').MapLink} link
 * @param {Colouring} colour
 */
function keepSets(resp, link, colour) {
  const listed = (Array.isArray(resp.sets) ? resp.sets : []).filter((/** @type {any} */ s) => s && str(s.slug));
  setSets([...listed.filter((/** @type {any} */ s) => s.current !== false), ...listed.filter((/** @type {any} */ s) => s.current === false)]
    .map((s, i) => ({ ...s, slug: str(s.slug), color: SET_PALETTE[i % SET_PALETTE.length] })));
  const ai = resp.assets && typeof resp.assets === 'object' ? resp.assets : {};
  const atts = Array.isArray(ai.attributions) ? [...new Set(ai.attributions.map(str).filter(Boolean))] : [];
  state.assetsInfo = { count: null, attributions: /** @type {string[]} */ (atts), licences: [] };
  const coloured = colour.choropleth ? colour.choropleth.set : colour.color;
  // Without sets=, the first two current sets, or only the one coloured.
  const want = new Set(link.sets || (coloured ? [] : state.sets.filter((s) => s.current !== false).slice(0, 2).map((s) => s.slug)));
  if (coloured) want.add(coloured);
  if (link.area) want.add(link.area.slug);
  state.sets.forEach((s) => state.visible.set(s.slug, want.has(s.slug)));
  const missing = [...want].filter((slug) => !state.setsBySlug.has(slug));
  if (missing.length) setStatus(`Not on this map: ${missing.join(', ')}`, true);
}

/**
 * colourSet fills a set's areas in its own colour, stronger than usual.
 * @param {string} slug
 */
function colourSet(slug) {
  const m = map();
  const id = setLayerIds(slug).fill;
  if (m.getLayer(id)) m.setPaintProperty(id, 'fill-opacity', 0.35);
}

/**
 * colourByFigure colours a set's areas by an indicator in quantile classes,
 * as the Figures view does.
 * @param {{set: string, indicator: string}} ch
 */
async function colourByFigure(ch) {
  if (!state.setsBySlug.has(ch.set)) return;
  const e = encodeURIComponent;
  const data = await fetchJSON(`api/sets/${e(ch.set)}/indicators/${e(ch.indicator)}`);
  const v = data && data.values && typeof data.values === 'object' ? data.values : {};
  const entries = /** @type {[string, number][]} */ (Object.entries(v).map(([k, x]) => [k, num(x)]).filter(([, x]) => x !== null));
  const breaks = quantileBreaks(entries.map(([, x]) => x), CHORO_CLASSES);
  const colors = choroColors(breaks.length + 1);
  /** @type {Map<string, string[]>} */
  const groups = new Map(colors.map((c) => [c, []]));
  for (const [code, x] of entries) /** @type {string[]} */ (groups.get(colors[classOf(x, breaks)])).push(code);
  const m = map();
  const ids = setLayerIds(ch.set);
  m.addLayer({
    id: CHORO_FILL, type: 'fill', source: setSourceId(ch.set), 'source-layer': ch.set,
    paint: { 'fill-color': /** @type {any} */ (matchByCode(groups, NO_DATA)), 'fill-opacity': 0.75 },
  }, m.getLayer(ids.line) ? ids.line : undefined);
  const title = str(data && data.title) || ch.indicator;
  $('map').setAttribute('aria-label', `Map of ${title}, by area of ${setTitleOf(ch.set)}`);
  showLegend(title, entries.map(([, x]) => x), breaks, colors);
}

/**
 * showLegend lists the classes of a figure's colours with their ranges of
 * values, and the areas with none.
 * @param {string} title
 * @param {number[]} values
 * @param {number[]} breaks
 * @param {string[]} colors
 */
function showLegend(title, values, breaks, colors) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const row = (/** @type {string} */ c, /** @type {string} */ label) => el('li', { className: 'legend-class' },
    el('span', { className: 'legend-swatch', style: { background: c }, 'aria-hidden': 'true' }), el('span', { className: 'legend-label', text: label }));
  const rows = values.length ? colors.map((c, i) => row(c, `${fmtValue(i === 0 ? min : breaks[i - 1])} – ${fmtValue(i === colors.length - 1 ? max : breaks[i])}`)) : [];
  const legend = el('details', { className: 'map-legend map-legend-fold embed-legend', id: 'embed-legend', open: true },
    el('summary', { className: 'map-legend-title', text: title }),
    el('ul', { className: 'map-legend-list', 'aria-label': `${title}, by area` }, ...rows, row(NO_DATA, 'no data')));
  document.body.append(legend);
}

/** @param {string} slug */
function setTitleOf(slug) {
  const s = state.setsBySlug.get(slug);
  return (s && str(s.title)) || slug;
}

/**
 * showCard names the selection in the card (textContent only).
 * @param {string} title
 * @param {string} sub
 */
function showCard(title, sub) {
  $('embed-card-title').textContent = title;
  $('embed-card-sub').textContent = sub;
  $('embed-card').hidden = !title;
}

function closeCard() {
  showCard('', '');
  highlightAsset(null);
  highlightArea(null);
  current.asset = undefined;
  current.area = undefined;
  updateLarger();
}

/**
 * select selects an asset or an area, names it in the card and, when the
 * query gave no position, shows it.
 * @param {import('./maplink.js').MapLink} link
 */
async function select(link) {
  try {
    if (link.asset) {
      highlightAsset(link.asset);
      const a = await fetchJSON(`api/assets/${encodeURIComponent(link.asset)}`);
      const p = (a && a.properties) || {};
      showCard(str(p.name) || `Asset ${link.asset}`, str(p.category_title) || str(p.category));
      if (!link.at) fitTo(a && a.geometry);
    } else if (link.area) {
      highlightArea({ slug: link.area.slug, code: link.area.code });
      const a = await fetchJSON(`api/sets/${encodeURIComponent(link.area.slug)}/areas/${encodeURIComponent(link.area.code)}`);
      const p = (a && a.properties) || {};
      showCard(str(p.name) || link.area.code, `${setTitleOf(link.area.slug)} · ${link.area.code}`);
      if (!link.at) fitTo(a && a.geometry);
    }
  } catch (err) {
    setStatus(`The selection could not be shown: ${err.message}`, true);
  }
}

/** @param {any} geom */
function fitTo(geom) {
  const b = geom ? geometryBBox(geom) : null;
  if (b && validBBox(b)) map().fitBounds(/** @type {import('maplibre-gl').LngLatBoundsLike} */ (b), { padding: 40, maxZoom: 16, duration: 0 });
}

/** What the embed shows now, for the larger map's link. */
const current = /** @type {import('./maplink.js').MapLink} */ ({});
/** @type {Colouring} */
let colouring = {};

function updateLarger() {
  const m = map();
  const c = m.getCenter();
  current.at = { lon: c.lng, lat: c.lat, zoom: m.getZoom() };
  /** @type {HTMLAnchorElement} */ ($('embed-larger')).href = largerMapURL(current, colouring);
}

/**
 * clickMap names the asset or area clicked in the card.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
function clickMap(ev) {
  const m = map();
  const assetLayers = [ASSET_LAYER, ASSET_SITE_FILL].filter((id) => m.getLayer(id));
  const asset = assetLayers.length ? m.queryRenderedFeatures(ev.point, { layers: assetLayers })[0] : undefined;
  if (asset && asset.properties && asset.properties.id != null) {
    current.asset = String(asset.properties.id);
    current.area = undefined;
  } else {
    // The set coloured first, then the others shown, topmost first.
    const coloured = colouring.choropleth ? colouring.choropleth.set : colouring.color;
    const shown = state.sets.filter((s) => state.visible.get(s.slug)).reverse().map((s) => s.slug);
    const order = coloured && shown.includes(coloured) ? [coloured, ...shown.filter((s) => s !== coloured)] : shown;
    const fills = order.map((slug) => setLayerIds(slug).fill).filter((id) => m.getLayer(id));
    let f;
    for (const id of fills) if (!f) f = m.queryRenderedFeatures(ev.point, { layers: [id] })[0];
    if (!f || !f.properties || f.properties.code == null) return;
    current.asset = undefined;
    current.area = { slug: String(f.sourceLayer), code: String(f.properties.code) };
    highlightAsset(null);
  }
  select({ ...current, at: current.at });
  updateLarger();
}

async function main() {
  if (!window.maplibregl) throw new Error('MapLibre GL JS did not load');
  const { link, colour } = readQuery(location.search);
  colouring = colour;
  Object.assign(current, link);
  const [config, setsResp] = await Promise.all([fetchJSON('api/config').catch(() => ({})), fetchJSON('api/sets')]);
  state.config = { ...state.config, ...(config && typeof config === 'object' ? config : {}) };
  const title = str(state.config.title) || 'placemap';
  document.title = `${title} map`;
  keepSets(setsResp, link, colour);
  current.sets = state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.slug);
  const bounds = unionBBox(state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.bbox))
    || unionBBox(state.sets.map((s) => s.bbox)) || SHEFFIELD;
  const attributions = attributionParts([...state.sets.map((s) => s.attribution), ...state.assetsInfo.attributions]).map(escapeHTML);
  const made = createMap({ bounds, basemap: str(state.config.basemap_style_url), glyphs: str(state.config.glyphs), attributions,
    basemapTiles: str(state.config.basemap_tiles) });
  const m = made.map;
  setMap(m);
  window.placemapEmbed.map = m;
  if (link.at) m.jumpTo({ center: [link.at.lon, link.at.lat], zoom: link.at.zoom });
  await made.loaded;
  addPlacemapLayers();
  if (link.assets === false) setAssetsVisibility(false);
  if (colour.color && state.setsBySlug.has(colour.color)) colourSet(colour.color);
  if (colour.choropleth) {
    await colourByFigure(colour.choropleth).catch((err) => setStatus(`The figure could not be shown: ${err.message}`, true));
  }
  await select(link);
  $('embed-card-close').addEventListener('click', closeCard);
  m.on('click', clickMap);
  m.on('moveend', updateLarger);
  updateLarger();
  return { sets: current.sets.length };
}

/** The handle for the browser tests (window.placemapEmbed). */
window.placemapEmbed = { map: null, ready: null };
window.placemapEmbed.ready = main().catch((err) => {
  console.error('placemap embed: start-up failed:', err);
  setStatus(`The map could not start: ${err.message}`, true);
  throw err;
});
