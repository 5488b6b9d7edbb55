// @ts-check
// The panel as a bottom sheet on phones (windows under 700 px wide): it
// rests folded down (its handle and title row), half open or fully open;
// its handle is dragged to snap between them, or pressed (Enter, Space, a
// tap) to go to the next; Escape folds it down. The map's padding follows
// the sheet, so the map centres and fits into the part above it, and what
// is selected is kept in sight there. On wider windows the panel is the
// side panel and none of this applies.

import { $, geometryBBox } from '../util.js';
import { mapIfReady } from '../store.js';
import { sheetHeight, nearestState, nextState, sheetLabel, visibleBox, isInside } from './snap.js';

/** @typedef {import('./snap.js').SheetState} SheetState */

const PHONE = '(max-width: 699.98px)';
/** Pointer travel (px) under which a press on the handle is a tap, not a drag. */
const TAP_SLOP = 6;
/** How soon (ms) after a drag a click is the drag's own. */
const CLICK_AFTER_MS = 300;
/** A pointer still this long (ms) before it is let go has stopped: no fling. */
const HELD_MS = 120;
/** How far (px) inside the visible map a selection must lie. */
const MARGIN = 16;

/** @type {SheetState} */
let current = 'peek';
/** @type {any} the geometry of the selected asset or area, kept in sight above the sheet */
let selected = null;

/** @returns {boolean} whether the window is phone-sized (the panel is a bottom sheet) */
export function isPhone() {
  return window.matchMedia(PHONE).matches;
}

/** @returns {SheetState} */
export function sheetState() {
  return current;
}

/** @returns {number} the height in px the sheet covers of the map (0 off phones) */
export function sheetPx() {
  return isPhone() ? sheetHeight(current, window.innerHeight) : 0;
}

function layout() {
  return /** @type {HTMLElement} */ (document.querySelector('.layout'));
}

/**
 * show puts the sheet at heightPx (during a drag) or at its state's height.
 * @param {number} [heightPx]
 */
function show(heightPx) {
  const h = heightPx === undefined ? sheetHeight(current, window.innerHeight) : heightPx;
  const lay = layout();
  lay.style.setProperty('--sheet-h', `${Math.round(h)}px`);
  lay.dataset.sheet = current;
  const btn = $('panel-toggle');
  btn.setAttribute('aria-expanded', String(current !== 'peek'));
  /** @type {HTMLElement} */ (btn.querySelector('.panel-toggle-label')).textContent = sheetLabel(current);
}

/**
 * padMap makes the map's padding the sheet's height without moving what
 * the map shows, then brings the selection into sight if the sheet now
 * hides it.
 * @param {boolean} animate
 */
function padMap(animate) {
  const m = mapIfReady();
  if (!m) return;
  const bottom = sheetPx();
  const old = m.getPadding();
  if (old.bottom !== bottom || old.top || old.left || old.right) {
    const box = m.getContainer().getBoundingClientRect();
    const centre = m.unproject([box.width / 2, (box.height - bottom) / 2]);
    m.jumpTo({ center: centre, padding: { top: 0, left: 0, right: 0, bottom } });
  }
  revealSelected(animate);
}

/**
 * place puts the sheet in state at once, or sliding (animate: when its
 * handle moved it). What opens the sheet to show something puts it there
 * at once, so that what is then focused or scrolled to is laid out where it
 * stays.
 * @param {SheetState} state
 * @param {boolean} animate
 */
function place(state, animate) {
  current = state;
  if (!isPhone()) return;
  layout().classList.toggle('sheet-animate', animate);
  show();
}

/**
 * setSheet moves the sheet to state (on phones) and the map's padding with
 * it; animate when the handle moved it.
 * @param {SheetState} state
 * @param {{animate?: boolean}} [options]
 */
export function setSheet(state, { animate = false } = {}) {
  place(state, animate);
  if (isPhone()) padMap(animate);
}

/**
 * revealSelected moves the map, when the selection does not lie in the
 * part of it above the sheet, so that it does.
 * @param {boolean} animate
 */
function revealSelected(animate) {
  const m = mapIfReady();
  if (!m || !selected || !isPhone()) return;
  const box = m.getContainer().getBoundingClientRect();
  const vis = visibleBox(box.width, box.height, sheetPx(), MARGIN);
  const duration = animate ? 300 : 0;
  if (selected.type === 'Point' && Array.isArray(selected.coordinates)) {
    if (!isInside(m.project(selected.coordinates), vis)) m.easeTo({ center: selected.coordinates, duration });
    return;
  }
  const b = geometryBBox(selected);
  if (!b) return;
  const corners = [m.project([b[0], b[1]]), m.project([b[2], b[3]])];
  if (!corners.every((p) => isInside(p, vis))) m.fitBounds(b, { padding: 24, maxZoom: 17, duration });
}

/**
 * flyToGeometry moves the map to a geometry: to a point at street zoom,
 * or fitting an outline, into the part of the map above the sheet.
 * @param {any} geom
 */
function flyToGeometry(geom) {
  const m = mapIfReady();
  if (!m || !geom) return;
  if (geom.type === 'Point' && Array.isArray(geom.coordinates)) {
    m.flyTo({ center: geom.coordinates, zoom: Math.max(m.getZoom(), 15) });
    return;
  }
  const b = geometryBBox(geom);
  if (b) m.fitBounds(b, { padding: 60, maxZoom: 17 });
}

/**
 * keepInSight is called when an asset or an area is selected. On phones
 * the sheet goes to half open and the map moves, if it must (or when fly),
 * so the geometry lies above the sheet; on wider windows the map moves to
 * it when fly. unfold false (a selection read from the address on a
 * page's first load) leaves a folded sheet folded: the geometry is still
 * kept above it.
 * @param {any} geom
 * @param {{fly?: boolean, unfold?: boolean}} [options]
 */
export function keepInSight(geom, { fly = false, unfold = true } = {}) {
  if (!isPhone()) {
    if (fly) flyToGeometry(geom);
    return;
  }
  selected = geom || null;
  if (unfold) place('half', false);
  if (fly) {
    padMap(false);
    flyToGeometry(geom);
  } else {
    padMap(true);
  }
}

/** forgetSelected stops keeping a closed selection in sight. */
export function forgetSelected() {
  selected = null;
}

/**
 * fitAbove fits a geometry (a drawn outline) into the map above the sheet.
 * @param {any} geom
 */
export function fitAbove(geom) {
  const m = mapIfReady();
  const b = geom && geometryBBox(geom);
  if (!m || !b) return;
  padMap(false);
  m.fitBounds(b, { padding: 32, maxZoom: 17 });
}

/**
 * dragHandle lets the handle be dragged (mouse, pen or touch), the sheet
 * following the pointer and snapping to the nearest state when let go;
 * a press that hardly moves is left to the click (the next state).
 * @param {HTMLElement} handle
 */
function dragHandle(handle) {
  /** @type {{id: number, y0: number, h0: number, lastY: number, lastT: number, v: number, moved: boolean} | null} */
  let drag = null;
  // The click a mouse sends after a drag is not a press (a touch sends none).
  let swallowUntil = 0;
  handle.addEventListener('pointerdown', (ev) => {
    if (!isPhone() || (ev.pointerType === 'mouse' && ev.button !== 0)) return;
    drag = { id: ev.pointerId, y0: ev.clientY, h0: sheetPx(), lastY: ev.clientY, lastT: ev.timeStamp, v: 0, moved: false };
    handle.setPointerCapture(ev.pointerId);
  });
  handle.addEventListener('pointermove', (ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const dy = drag.y0 - ev.clientY;
    if (!drag.moved && Math.abs(dy) < TAP_SLOP) return;
    if (!drag.moved) layout().classList.add('sheet-dragging');
    drag.moved = true;
    const dt = ev.timeStamp - drag.lastT;
    if (dt > 0) drag.v = (drag.lastY - ev.clientY) / dt;
    drag.lastY = ev.clientY;
    drag.lastT = ev.timeStamp;
    const h = Math.min(window.innerHeight * 0.95, Math.max(sheetHeight('peek', window.innerHeight) * 0.6, drag.h0 + dy));
    show(h);
  });
  const end = (/** @type {PointerEvent} */ ev) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const d = drag;
    drag = null;
    layout().classList.remove('sheet-dragging');
    if (!d.moved) return;
    if (ev.type === 'pointerup') swallowUntil = performance.now() + CLICK_AFTER_MS;
    // A pointer held still before it is let go was placed, not flung.
    const v = ev.timeStamp - d.lastT > HELD_MS ? 0 : d.v;
    setSheet(nearestState(d.h0 + (d.y0 - ev.clientY), window.innerHeight, v), { animate: true });
  };
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
  handle.addEventListener('click', (ev) => {
    if (performance.now() < swallowUntil) {
      swallowUntil = 0;
      ev.stopImmediatePropagation();
      return;
    }
    if (isPhone()) setSheet(nextState(current), { animate: true });
  });
}

/**
 * setupSheet makes #panel-toggle the sheet's handle, Escape in the sheet
 * fold it down, and the sheet follow the window between phone and wider
 * sizes. The map is padded once it is made (padMapNow).
 */
export function setupSheet() {
  const handle = $('panel-toggle');
  dragHandle(handle);
  $('panel').addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.defaultPrevented || !isPhone() || current === 'peek') return;
    setSheet('peek', { animate: true });
    handle.focus();
  });
  handle.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && isPhone() && current !== 'peek') {
      ev.preventDefault();
      setSheet('peek', { animate: true });
    }
  });
  const mq = window.matchMedia(PHONE);
  const follow = () => {
    if (mq.matches) show();
    padMap(false);
  };
  mq.addEventListener('change', follow);
  window.addEventListener('resize', () => { if (mq.matches) { show(); padMap(false); } });
  follow();
}

/** padMapNow pads the new map for the sheet, without moving it. */
export function padMapNow() {
  const m = mapIfReady();
  if (m) m.setPadding({ top: 0, left: 0, right: 0, bottom: sheetPx() });
}
