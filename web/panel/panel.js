// @ts-check
// The side panel: the status line at its top, opening and folding it on
// phones (a bottom sheet, sheet.js), and links made from API text.

import { $, el } from '../util.js';
import { isHttpURL } from '../format.js';
import { isPhone, setSheet, setupSheet, sheetState } from './sheet.js';

/**
 * setStatus shows a message in the status line at the top of the panel.
 * @param {string} message
 * @param {boolean} [isError]
 */
export function setStatus(message, isError = false) {
  const node = $('app-status');
  node.textContent = message || '';
  node.classList.toggle('error', !!isError);
}

/** @returns {boolean} whether the screen is narrow (the panel is a bottom sheet over the map) */
export function isNarrow() {
  return isPhone();
}

/**
 * setPanelOpen opens the sheet half way (open) or folds it down to its
 * handle and title row, on phones; wider windows always show the panel.
 * @param {boolean} open
 */
export function setPanelOpen(open) {
  setSheet(open ? 'half' : 'peek');
}

/** openPanel opens the sheet half way if it is folded down. */
export function openPanel() {
  if (isPhone() && sheetState() === 'peek') setSheet('half');
}

/** setupPanelToggle makes the toggle the bottom sheet's handle; the sheet starts folded down. */
export function setupPanelToggle() {
  setupSheet();
}

/**
 * linkOrText is a link that opens in a new tab when value is an http(s)
 * address, else value itself.
 * @param {string} value
 * @param {string} [label]
 * @returns {HTMLAnchorElement | string}
 */
export function linkOrText(value, label) {
  if (!value) return '';
  if (isHttpURL(value)) {
    return el('a', { href: value.trim(), rel: 'noopener noreferrer', target: '_blank', text: label || value.trim() });
  }
  return value;
}

/** The Map view's folding sections (maplink.js MAP_PANELS) and their <details>. */
const MAP_PANEL_NODES = { 'in-view': '#in-view', about: '#view-map details.about' };

/**
 * mapPanel is the <details> of one of the Map view's folding sections.
 * @param {string} name
 * @returns {HTMLDetailsElement | null}
 */
function mapPanel(name) {
  const sel = MAP_PANEL_NODES[/** @type {keyof typeof MAP_PANEL_NODES} */ (name)];
  return sel ? /** @type {HTMLDetailsElement | null} */ (document.querySelector(sel)) : null;
}

/**
 * openMapPanels names the Map view's folding sections that are open.
 * @param {readonly string[]} names the sections to look at (maplink.js MAP_PANELS)
 * @returns {string[]}
 */
export function openMapPanels(names) {
  return names.filter((n) => { const d = mapPanel(n); return !!d && d.open; });
}

/**
 * setMapPanels opens the named sections among names and folds the others.
 * @param {readonly string[]} names the sections to set (maplink.js MAP_PANELS)
 * @param {readonly string[]} open
 */
export function setMapPanels(names, open) {
  for (const n of names) {
    const d = mapPanel(n);
    if (d && d.open !== open.includes(n)) d.open = open.includes(n);
  }
}

/**
 * onMapPanelToggle calls fn when one of the named sections is opened or folded.
 * @param {readonly string[]} names
 * @param {() => void} fn
 */
export function onMapPanelToggle(names, fn) {
  for (const n of names) {
    const d = mapPanel(n);
    if (d) d.addEventListener('toggle', fn);
  }
}
