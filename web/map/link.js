// @ts-check
// The Map view in the address (maplink.js writes and reads it): every
// change of what the map shows is written to the location hash, a step in
// the history for a selection or a layer shown or hidden, the same entry
// rewritten when the map only moves or a section of the panel is opened or
// folded; an address opened (or a step back or forward) is shown by
// routeMap. The address is only ever written with history.pushState and
// replaceState (router.js writeMapHash): never through location.hash, which
// would scroll and move the keyboard's place in the page.

import { $ } from '../util.js';
import { state, map, onMapStateChange } from '../store.js';
import { MAP_PANELS } from '../maplink.js';
import { writeMapHash } from '../router.js';
import { setSetVisibility, setAssetsVisibility } from './layers.js';
import { openAsset, openArea, closeDetails } from '../panel/details.js';
import { setMapPanels, onMapPanelToggle, setStatus } from '../panel/panel.js';
import { mapHashNow } from '../panel/copylink.js';

/**
 * Opens a drawing's private link (#my-drawing/ID?key=KEY); the community
 * module gives it (onDrawingLink).
 * @type {((id: string, key: string) => void) | null}
 */
let drawingLink = null;

/**
 * onDrawingLink names what opens a drawing's private link.
 * @param {(id: string, key: string) => void} fn
 */
export function onDrawingLink(fn) {
  drawingLink = fn;
}

/** Set while routeMap shows an address: its own changes are not written back. */
let applying = false;
/** @type {'push' | 'replace' | null} */
let pending = null;
/** The address when the pending write was asked for. */
let pendingFrom = '';

/** @param {boolean} push */
function schedule(push) {
  if (applying || state.view !== 'map' || !state.layersAdded) return;
  const first = pending === null;
  if (first) pendingFrom = location.hash;
  if (push) pending = 'push';
  else if (!pending) pending = 'replace';
  // Changes made together (a selection clears the other one) make one step.
  if (first) setTimeout(flush, 0);
}

function flush() {
  const kind = pending;
  pending = null;
  // The address changed meanwhile (a tab, back or forward): it wins.
  if (applying || state.view !== 'map' || location.hash !== pendingFrom) return;
  writeMapHash(mapHashNow(), kind === 'push');
}

/**
 * routeMap shows the Map view's address: moves the map, shows and hides
 * the layers it names and selects what it names. Parts left out stay as
 * they are, except in a whole address (one with at): there no selection
 * closes the details and no panel folds the panel's sections. Then the
 * address is completed from what the map shows. A selection from the
 * address leaves a folded panel (a narrow screen) folded: the map shows
 * what is selected, the panel its details once unfolded. A drawing's
 * private link opens the drawing instead.
 * @param {import('../router.js').MapRoute} r
 */
export async function routeMap(r) {
  if (r.drawing !== undefined) {
    // The private link stays in the address (writeMapHash keeps it).
    if (drawingLink) drawingLink(r.drawing, r.key || '');
    return;
  }
  applying = true;
  try {
    const m = map();
    if (r.at) {
      const c = m.getCenter();
      const same = Math.abs(c.lng - r.at.lon) < 1e-6 && Math.abs(c.lat - r.at.lat) < 1e-6 && Math.abs(m.getZoom() - r.at.zoom) < 1e-3;
      if (!same) {
        m.stop();
        m.jumpTo({ center: [r.at.lon, r.at.lat], zoom: r.at.zoom });
      }
    }
    if (r.sets) {
      const want = new Set(r.sets);
      for (const s of state.sets) {
        const on = want.has(s.slug);
        if (!!state.visible.get(s.slug) !== on) setSetVisibility(s.slug, on);
        const box = /** @type {HTMLInputElement | null} */ (document.querySelector(`#layer-list input[data-set="${CSS.escape(s.slug)}"]`));
        if (box) box.checked = on;
      }
      const missing = r.sets.filter((slug) => !state.setsBySlug.has(slug));
      if (missing.length) setStatus(`This link names boundary sets that are not here: ${missing.join(', ')}`, true);
    }
    if (r.assets !== undefined) {
      if (r.assets !== state.assetsVisible) setAssetsVisibility(r.assets);
      /** @type {HTMLInputElement} */ ($('toggle-assets')).checked = r.assets;
    }
    const sa = state.selectedArea;
    if (r.asset) {
      if (state.selectedAsset !== r.asset) openAsset(r.asset, { unfold: false });
    } else if (r.area) {
      if (!sa || sa.slug !== r.area.slug || sa.code !== r.area.code) openArea(r.area.slug, r.area.code, { unfold: false });
    } else if (r.at && (state.selectedAsset || sa)) {
      closeDetails();
    }
    if (r.panel || r.at) setMapPanels(MAP_PANELS, r.panel || []);
  } finally {
    applying = false;
  }
  schedule(false);
}

/** setupMapLink writes the Map view's changes to the address. */
export function setupMapLink() {
  onMapStateChange(schedule);
  map().on('moveend', () => schedule(false));
  onMapPanelToggle(MAP_PANELS, () => schedule(false));
}
