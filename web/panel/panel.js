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
