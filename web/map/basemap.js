// @ts-check
// placemap's own street basemap (/tiles/basemap, made by `placemap import
// basemap` from an OpenStreetMap extract): its source and the layers that
// draw it under the boundary sets, with street names along the streets and
// place names, in placemap's own fonts. The server's default style
// (internal/httpapi/basemap.go) draws the same.

import { absURL } from '../util.js';

export const BASEMAP_SOURCE = 'basemap';
export const STREET_NAMES = 'basemap-street-names';
export const PLACE_NAMES = 'basemap-place-names';
export const BASEMAP_ATTRIBUTION = '© OpenStreetMap contributors';

const FONT = 'DejaVu Sans Book';
const FONT_BOLD = 'DejaVu Sans Bold';
const WATER = '#aad3df';
const GREEN = '#d8e8c8';
const BUILDING = '#e0dbd3';
const ROAD = '#ffffff';
const MAJOR = '#f5d9a8';
const CASING = '#c8c3bb';
const RAIL = '#a0a0a0';
const PATH = '#b9a99a';
const HALO = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 };

/**
 * width is a line width growing with zoom, lo at z10 to hi at z18.
 * @param {number} lo
 * @param {number} hi
 * @returns {any}
 */
const width = (lo, hi) => ['interpolate', ['exponential', 1.6], ['zoom'], 10, lo, 18, hi];

/**
 * basemapSource is the basemap's vector source, from its TileJSON (a URL
 * relative to the site, as api/config gives it).
 * @param {string} tilejson
 * @returns {import('maplibre-gl').VectorSourceSpecification}
 */
export function basemapSource(tilejson) {
  return { type: 'vector', url: absURL(tilejson), attribution: BASEMAP_ATTRIBUTION };
}

/**
 * basemapLayers draw the basemap: areas, lines, then names. Names need
 * glyphs: without them (withText false) they are left out.
 * @param {boolean} withText
 * @returns {import('maplibre-gl').LayerSpecification[]}
 */
export function basemapLayers(withText) {
  const src = { source: BASEMAP_SOURCE };
  const round = { 'line-cap': /** @type {'round'} */ ('round'), 'line-join': /** @type {'round'} */ ('round') };
  const major = ['match', ['get', 'class'], ['motorway', 'trunk', 'primary'], true, false];
  /** @type {import('maplibre-gl').LayerSpecification[]} */
  const layers = [
    { id: 'basemap-landuse', type: 'fill', ...src, 'source-layer': 'landuse', paint: { 'fill-color': GREEN } },
    { id: 'basemap-water', type: 'fill', ...src, 'source-layer': 'water', paint: { 'fill-color': WATER } },
    { id: 'basemap-waterways', type: 'line', ...src, 'source-layer': 'waterways', layout: round,
      paint: { 'line-color': WATER, 'line-width': width(0.8, 6) } },
    { id: 'basemap-buildings', type: 'fill', ...src, 'source-layer': 'buildings', minzoom: 14, paint: { 'fill-color': BUILDING } },
    { id: 'basemap-paths', type: 'line', ...src, 'source-layer': 'paths', minzoom: 13, layout: round,
      paint: { 'line-color': PATH, 'line-width': width(0.5, 2), 'line-dasharray': [2, 1] } },
    { id: 'basemap-railways', type: 'line', ...src, 'source-layer': 'railways', paint: { 'line-color': RAIL, 'line-width': width(0.6, 2.5) } },
    { id: 'basemap-road-casing', type: 'line', ...src, 'source-layer': 'roads', minzoom: 12, layout: round,
      paint: { 'line-color': CASING, 'line-width': width(1.5, 18) } },
    { id: 'basemap-roads', type: 'line', ...src, 'source-layer': 'roads', layout: round,
      paint: { 'line-color': /** @type {any} */ (['case', major, MAJOR, ROAD]), 'line-width': width(1, 16) } },
  ];
  if (!withText) return layers;
  layers.push(
    { id: STREET_NAMES, type: 'symbol', ...src, 'source-layer': 'roads', minzoom: 13, filter: ['has', 'name'],
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': [FONT], 'text-size': 11 },
      paint: { 'text-color': '#555555', ...HALO } },
    { id: 'basemap-path-names', type: 'symbol', ...src, 'source-layer': 'paths', minzoom: 16, filter: ['has', 'name'],
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': [FONT], 'text-size': 10 },
      paint: { 'text-color': '#777777', ...HALO } },
    { id: PLACE_NAMES, type: 'symbol', ...src, 'source-layer': 'places',
      layout: { 'text-field': ['get', 'name'], 'text-font': [FONT_BOLD], 'text-max-width': 8,
        'text-size': /** @type {any} */ (['match', ['get', 'class'], ['city', 'town'], 14, 11]) },
      paint: { 'text-color': '#666666', ...HALO } },
  );
  return layers;
}
