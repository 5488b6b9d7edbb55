// @ts-check
// The bottom sheet's snap states on phones, as pure arithmetic (sheet.js
// moves the sheet; test/web/snap.test.mjs checks these).

/** @typedef {'peek' | 'half' | 'full'} SheetState */

/** @type {readonly SheetState[]} from lowest to tallest */
export const SHEET_STATES = ['peek', 'half', 'full'];

/** The share of the window's height each state covers. */
export const SHEET_SHARE = { peek: 0.15, half: 0.5, full: 0.9 };

/** The least height of the peeking sheet: the handle and the title row. */
export const PEEK_MIN_PX = 112;

/**
 * sheetHeight is the height in px of the sheet in state on a window
 * viewportH px high: its share, but the peek never under PEEK_MIN_PX (nor
 * over half the window).
 * @param {SheetState} state
 * @param {number} viewportH
 * @returns {number}
 */
export function sheetHeight(state, viewportH) {
  const h = Math.max(0, viewportH);
  if (state === 'peek') return Math.round(Math.min(h * SHEET_SHARE.half, Math.max(PEEK_MIN_PX, h * SHEET_SHARE.peek)));
  return Math.round(h * (SHEET_SHARE[state] || SHEET_SHARE.half));
}

/**
 * nearestState is where a sheet let go at heightPx snaps to: the state of
 * the nearest height, unless it was flung (velocity in px per ms, upwards
 * positive, beyond 0.5) when it goes one state on in that direction from
 * the nearest below (flung up) or above (flung down) where it was let go.
 * @param {number} heightPx
 * @param {number} viewportH
 * @param {number} [velocity]
 * @returns {SheetState}
 */
export function nearestState(heightPx, viewportH, velocity = 0) {
  const heights = SHEET_STATES.map((s) => sheetHeight(s, viewportH));
  if (velocity > 0.5) {
    const i = heights.findIndex((h) => h > heightPx);
    return SHEET_STATES[i < 0 ? SHEET_STATES.length - 1 : i];
  }
  if (velocity < -0.5) {
    let i = SHEET_STATES.length - 1;
    while (i > 0 && heights[i] >= heightPx) i--;
    return SHEET_STATES[i];
  }
  let best = 0;
  heights.forEach((h, i) => { if (Math.abs(h - heightPx) < Math.abs(heights[best] - heightPx)) best = i; });
  return SHEET_STATES[best];
}

/**
 * nextState is the state a press on the handle goes to: peek, half, full,
 * then back to peek.
 * @param {SheetState} state
 * @returns {SheetState}
 */
export function nextState(state) {
  const i = SHEET_STATES.indexOf(state);
  return SHEET_STATES[(i + 1) % SHEET_STATES.length];
}

/**
 * sheetLabel names the handle for screen readers and on screen.
 * @param {SheetState} state
 */
export function sheetLabel(state) {
  return state === 'peek' ? 'Panel: folded down' : state === 'half' ? 'Panel: half open' : 'Panel: fully open';
}

/**
 * visibleBox is the part of a map width×height not under a sheet
 * sheetPx high, less margin on each side: where a selected feature
 * must lie.
 * @param {number} width
 * @param {number} height
 * @param {number} sheetPx
 * @param {number} [margin]
 * @returns {{left: number, top: number, right: number, bottom: number}}
 */
export function visibleBox(width, height, sheetPx, margin = 0) {
  return { left: margin, top: margin, right: width - margin, bottom: Math.max(margin, height - sheetPx - margin) };
}

/**
 * isInside says whether point [x, y] lies in box.
 * @param {{x: number, y: number}} p
 * @param {{left: number, top: number, right: number, bottom: number}} box
 */
export function isInside(p, box) {
  return p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
}
