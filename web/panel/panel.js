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
