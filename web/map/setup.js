// @ts-check
// Making the MapLibre map: its style (the configured basemap, or a plain
// background when there is none or it fails), its controls, and its
// attribution, folded at first.

import { tileURL, plainStyle } from './layers.js';
import { setStatus } from '../panel/panel.js';

/**
 * foldAttribution starts the attribution folded behind its (i) button:
 * many sets make a long one (the full list is also under "About the data"
 * in the panel). MapLibre's own toggle cannot re-open a folded compact
 * attribution, so the (i) button is handled here (capture phase, before
 * MapLibre's).
 * @param {import('maplibre-gl').Map} m
 */
function foldAttribution(m) {
  const attrib = m.getContainer().querySelector('.maplibregl-ctrl-attrib');
  if (!attrib) return;
  attrib.classList.add('maplibregl-compact');
  attrib.classList.remove('maplibregl-compact-show');
  attrib.removeAttribute('open');
  attrib.addEventListener('click', (ev) => {
    if (!(/** @type {Element} */ (ev.target)).closest('.maplibregl-ctrl-attrib-button')) return;
    ev.preventDefault();
    ev.stopPropagation();
    const show = !attrib.classList.contains('maplibregl-compact-show');
    attrib.classList.toggle('maplibregl-compact-show', show);
    attrib.toggleAttribute('open', show);
  }, true);
}

/**
 * createMap makes the map in #map. loaded resolves once its style has
 * loaded, with the basemap in use ('' for the plain background).
 * @param {{bounds: import('maplibre-gl').LngLatBoundsLike, basemap: string, glyphs: string, attributions: string[], basemapTiles?: string}} options
 *   attributions: HTML, already escaped; glyphs: placemap's glyph URL
 *   template ('' when it serves none), for the plain style's labels;
 *   basemapTiles: placemap's own street basemap's TileJSON ('' for none),
 *   drawn in the plain style
 * @returns {{map: import('maplibre-gl').Map, loaded: Promise<{basemap: string}>}}
 */
export function createMap({ bounds, basemap, glyphs, attributions, basemapTiles = '' }) {
  const maplibregl = window.maplibregl;
  const m = new maplibregl.Map({
    container: 'map',
    style: basemap ? basemap : plainStyle(glyphs, basemapTiles),
    bounds,
    fitBoundsOptions: { padding: 24 },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    transformRequest: (url, type) => /** @type {any} */ (tileURL(url, type)),
  });
  m.touchZoomRotate.disableRotation();
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  m.addControl(new maplibregl.AttributionControl({ compact: true, customAttribution: attributions }), 'bottom-right');
  foldAttribution(m);

  let loaded = false;
  let errorShown = false;
  let basemapFailed = false;
  m.on('error', (ev) => {
    const msg = (ev && ev.error && ev.error.message) || 'unknown map error';
    if (!loaded && basemap && !m.isStyleLoaded()) {
      // The configured basemap could not be loaded: fall back to the plain style.
      console.warn('placemap: basemap style failed, using plain background:', msg);
      basemapFailed = true;
      m.setStyle(plainStyle(glyphs, basemapTiles));
      return;
    }
    console.error('placemap: map error:', msg);
    if (!errorShown) {
      errorShown = true;
      setStatus('Some map data could not be loaded. Try reloading the page.', true);
    }
  });
  const ready = new Promise((resolve) => m.once('load', resolve)).then(() => {
    loaded = true;
    return { basemap: basemap && !basemapFailed ? basemap : '' };
  });
  return { map: m, loaded: ready };
}
