// @ts-check
// What is being edited: the one form open at a time (adding, editing,
// moving, drawing...), with the marker or drawing it owns; the banner of
// instructions floating over the map; draggable markers; and the notices
// shown once above an asset's or area's details after a write.

import { el } from '../util.js';
import { map } from '../store.js';
import { closeDetails } from '../panel/details.js';

const MARKER_COLOR = '#b42318';
const NUDGE_PX = 4; // arrow keys move a focused marker this far (Shift: 5x)

/**
 * The open form: kind names it (window.placemap.edit.active), cleanup
 * removes what it put on the map, onMapClick takes the map's clicks.
 * @typedef {object} Active
 * @property {string} kind
 * @property {(() => void) | null} [cleanup]
 * @property {(lngLat: import('maplibre-gl').LngLat) => void} [onMapClick]
 * @property {import('maplibre-gl').Marker} [marker]
 * @property {any} [draw] the terra-draw instance
 */

/** @type {Active | null} */
let active = null;

/** @returns {Active | null} the open form */
export function currentActive() {
  return active;
}

/**
 * setActive makes a the open form.
 * @param {Active} a
 */
export function setActive(a) {
  active = a;
}

/**
 * endActive ends the open form (its marker or drawing goes); close also
 * closes the details pane.
 * @param {{close?: boolean}} [options]
 */
export function endActive({ close = false } = {}) {
  const a = active;
  active = null;
  if (a) hideBanner();
  if (a && a.cleanup) a.cleanup();
  if (close && a) closeDetails();
}

/**
 * button is a button of the edit forms.
 * @param {string} text
 * @param {Record<string, any>} [attrs]
 * @returns {HTMLButtonElement}
 */
export function button(text, attrs = {}) {
  return el('button', { type: 'button', className: 'btn', ...attrs, text });
}

// ---------------------------------------------------------------- the banner over the map

/** @type {HTMLElement | null} */
let banner = null;

/** setupBanner adds the banner over the map, once it exists. */
export function setupBanner() {
  banner = el('div', { id: 'map-banner', className: 'map-banner', role: 'region', 'aria-label': 'Editing instructions', hidden: true });
  map().getContainer().append(banner);
}

/**
 * showBanner floats instructions (and buttons) over the map; the same
 * instructions and buttons are in the panel for keyboard users.
 * @param {string} text
 * @param {HTMLElement[]} [buttons]
 */
export function showBanner(text, buttons = []) {
  if (!banner) return;
  banner.replaceChildren(el('span', { className: 'map-banner-text', text }), ...buttons);
  banner.hidden = false;
}

/** hideBanner takes the instructions off the map. */
export function hideBanner() {
  if (!banner) return;
  banner.hidden = true;
  banner.replaceChildren();
}

// ---------------------------------------------------------------- markers

/**
 * makeMarker puts a draggable marker at lngLat. It can also be moved with
 * the arrow keys when focused; onMove(lngLat, done) follows every move,
 * done once a drag or a key press ends.
 * @param {import('maplibre-gl').LngLatLike} lngLat
 * @param {string} label what it marks, for screen readers
 * @param {(lngLat: import('maplibre-gl').LngLat, done: boolean) => void} onMove
 * @returns {import('maplibre-gl').Marker}
 */
export function makeMarker(lngLat, label, onMove) {
  const m = map();
  const marker = new window.maplibregl.Marker({ draggable: true, color: MARKER_COLOR })
    .setLngLat(lngLat).addTo(m);
  const node = marker.getElement();
  node.classList.add('edit-marker');
  node.setAttribute('tabindex', '0');
  node.setAttribute('role', 'button');
  node.setAttribute('aria-label', `${label}: drag it, or use the arrow keys to move it`);
  node.title = 'Drag to move';
  marker.on('drag', () => onMove(marker.getLngLat(), false));
  marker.on('dragend', () => onMove(marker.getLngLat(), true));
  node.addEventListener('keydown', (ev) => {
    /** @type {Record<string, number[]>} */
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = arrows[ev.key];
    if (!d) return;
    ev.preventDefault();
    ev.stopPropagation();
    const step = NUDGE_PX * (ev.shiftKey ? 5 : 1);
    const p = m.project(marker.getLngLat());
    marker.setLngLat(m.unproject([p.x + d[0] * step, p.y + d[1] * step]));
    onMove(marker.getLngLat(), true);
  });
  return marker;
}

/**
 * insideMarker reports whether a map click landed on a marker.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function insideMarker(ev) {
  const t = /** @type {Element | null} */ (ev.originalEvent && ev.originalEvent.target);
  return !!(t && t.closest && t.closest('.maplibregl-marker'));
}

// ---------------------------------------------------------------- notices after a write

/** @type {{id: string, text: string} | null} */
let assetNotice = null;
/** @type {{slug: string, code: string, text: string} | null} */
let areaNotice = null;

/**
 * setAssetNotice shows text once above that asset's details, the next
 * time they open (or none).
 * @param {{id: string, text: string} | null} n
 */
export function setAssetNotice(n) {
  assetNotice = n;
}

/**
 * takeAssetNotice is the notice for asset id, if any; either way the
 * notice is used up.
 * @param {string} id
 * @returns {string | null}
 */
export function takeAssetNotice(id) {
  const n = assetNotice && assetNotice.id === id ? assetNotice.text : null;
  assetNotice = null;
  return n;
}

/**
 * setAreaNotice shows text once above that area's details.
 * @param {{slug: string, code: string, text: string}} n
 */
export function setAreaNotice(n) {
  areaNotice = n;
}

/**
 * takeAreaNotice is the notice for that area, if any; either way the
 * notice is used up.
 * @param {string} slug
 * @param {string} code
 * @returns {string | null}
 */
export function takeAreaNotice(slug, code) {
  const n = areaNotice && areaNotice.slug === slug && areaNotice.code === code ? areaNotice.text : null;
  areaNotice = null;
  return n;
}
