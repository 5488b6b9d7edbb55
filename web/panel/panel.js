// @ts-check
// The side panel: the status line at its top, folding it away on narrow
// screens, and links made from API text.

import { $, el } from '../util.js';
import { isHttpURL } from '../format.js';

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

/** @returns {boolean} whether the screen is narrow (the panel covers the map) */
export function isNarrow() {
  return window.matchMedia('(max-width: 720px)').matches;
}

/**
 * setPanelOpen shows or folds away the panel.
 * @param {boolean} open
 */
export function setPanelOpen(open) {
  const layout = /** @type {HTMLElement} */ (document.querySelector('.layout'));
  const btn = $('panel-toggle');
  layout.classList.toggle('panel-collapsed', !open);
  btn.setAttribute('aria-expanded', String(open));
  /** @type {HTMLElement} */ (btn.querySelector('.panel-toggle-label')).textContent = open ? 'Hide panel' : 'Show panel';
}

/** openPanel shows the panel if it is folded away. */
export function openPanel() {
  if (/** @type {HTMLElement} */ (document.querySelector('.layout')).classList.contains('panel-collapsed')) setPanelOpen(true);
}

/** setupPanelToggle makes the toggle fold the panel, folded at first on a narrow screen. */
export function setupPanelToggle() {
  const btn = $('panel-toggle');
  btn.addEventListener('click', () => setPanelOpen(btn.getAttribute('aria-expanded') !== 'true'));
  if (isNarrow()) setPanelOpen(false);
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
