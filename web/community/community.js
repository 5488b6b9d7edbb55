// @ts-check
// placemap's community features, set up here: suggestions from anyone
// (suggest.js: a new place, a correction, a closure; drawing.js and
// mydrawing.js: a drawn neighbourhood and its private link), the moderation queue (moderation.js), an asset's history
// with restore, and reviews (history.js). Their sections join the panel
// under the editing tools; their buttons join an asset's details.
//
// Security: API text reaches the page only through el() / textContent.

import { $, el, str } from '../util.js';
import { canEdit, rank, MODERATOR_RANK } from '../edit/session.js';
import { button } from '../edit/active.js';
import { startSuggestNew, startCorrection, startClosure, stopSuggesting, suggestMapClick } from './suggest.js';
import { startDrawNeighbourhood } from './drawing.js';
import { showSent, openMyDrawing } from './mydrawing.js';
import { onDrawingLink } from '../map/link.js';
import { loadHistory, markReviewed, loadNeedsReview } from './history.js';
import { loadModeration, pageModeration } from './moderation.js';

export { stopSuggesting };

/** @type {HTMLElement | null} */
let modSection = null;
/** @type {HTMLElement | null} */
let suggestSection = null;

/** buildPanel adds the sections: suggest, draw, moderation, and "Needs review" at the tools. */
function buildPanel() {
  const tools = $('edit-tools');
  suggestSection = el('section', { id: 'suggest-tools', className: 'panel-section suggest-tools', 'aria-label': 'Suggest' },
    button('Suggest a missing asset', { id: 'suggest-new', 'aria-pressed': 'false', onclick: startSuggestNew }),
    el('p', { className: 'hint', text: 'Know a library, hall or other asset that is missing from the map? Suggest it: a moderator will check it.' }));
  const drawSection = el('section', { id: 'draw-hood', className: 'panel-section suggest-tools', 'aria-label': 'Your neighbourhood' },
    button('Draw my neighbourhood', { id: 'suggest-draw', onclick: startDraw }),
    el('p', { className: 'hint', text: 'Where does your neighbourhood begin and end? Draw it as you know it, and see how others drew it.' }));
  modSection = el('section', { id: 'moderation', className: 'panel-section moderation', 'aria-labelledby': 'moderation-heading', hidden: true },
    el('h2', { id: 'moderation-heading', text: 'Moderation' }),
    el('p', { id: 'moderation-status', role: 'status' }),
    el('p', { id: 'moderation-notice', className: 'notice-slot', tabindex: '-1' }),
    button('Refresh', { id: 'moderation-refresh', className: 'btn btn-small', onclick: () => loadModeration() }),
    el('ul', { id: 'moderation-list', className: 'moderation-list' }),
    el('div', { id: 'moderation-pager', className: 'form-buttons' },
      button('Previous page', { id: 'moderation-prev', className: 'btn btn-small', hidden: true, onclick: () => pageModeration(-1) }),
      button('Next page', { id: 'moderation-next', className: 'btn btn-small', hidden: true, onclick: () => pageModeration(1) })));
  const reviewBox = el('div', { id: 'needs-review', className: 'needs-review', hidden: true },
    el('h3', { text: 'Needs review' }),
    el('p', { id: 'needs-review-count', role: 'status' }),
    el('ul', { id: 'needs-review-list', className: 'row-list' }));
  const toggle = button('Needs review', {
    id: 'needs-review-toggle', 'aria-expanded': 'false', 'aria-controls': 'needs-review',
    onclick: () => {
      const open = reviewBox.hidden;
      reviewBox.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) loadNeedsReview();
    },
  });
  tools.append(toggle, reviewBox);
  tools.after(suggestSection, drawSection, modSection);
}

/**
 * communityActions are an asset's buttons for the community: suggesting a
 * correction or a closure (for those who may not edit), its history, and
 * "Mark reviewed" (for editors).
 * @param {any} feature
 * @returns {HTMLElement[]}
 */
export function communityActions(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  if (!id) return [];
  const nodes = [];
  if (!canEdit()) {
    nodes.push(el('div', { className: 'suggest-actions', role: 'group', 'aria-label': 'Suggest a change' },
      button('Suggest a correction', { id: 'asset-suggest', className: 'btn btn-small', onclick: () => startCorrection(id) }),
      button('Report closed', { id: 'asset-report-closed', className: 'btn btn-small', onclick: () => startClosure(feature) })));
  }
  const box = el('div', { id: 'history-box', className: 'history-box', hidden: true });
  const reviewSlot = el('div', { className: 'review-slot' });
  const hist = button('History', {
    id: 'asset-history', className: 'btn btn-small', 'aria-expanded': 'false', 'aria-controls': 'history-box',
    onclick: () => {
      const open = box.hidden;
      box.hidden = !open;
      hist.setAttribute('aria-expanded', String(open));
      if (open) loadHistory(feature, box);
    },
  });
  nodes.push(el('div', { className: 'history-actions', role: 'group', 'aria-label': 'History and review' },
    hist,
    canEdit() ? button('Mark reviewed', { id: 'asset-reviewed', className: 'btn btn-small', onclick: () => markReviewed(feature, reviewSlot) }) : null));
  nodes.push(reviewSlot, box);
  return nodes;
}

/** communityForAccount shows suggesting to those who may not edit, and moderation to moderators. */
export function communityForAccount() {
  if (!suggestSection || !modSection) return;
  suggestSection.hidden = canEdit();
  if (canEdit()) stopSuggesting();
  const isMod = rank() >= MODERATOR_RANK;
  const was = !modSection.hidden;
  modSection.hidden = !isMod;
  if (isMod && !was) loadModeration();
  if (!isMod) $('moderation-list').replaceChildren();
}

/**
 * communityMapClick takes a click on the map that places a suggestion.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 * @returns {boolean} whether it took the click
 */
export function communityMapClick(ev) {
  return suggestMapClick(ev);
}

/** startDraw: "Draw my neighbourhood", then the drawing against everyone else's. */
function startDraw() {
  stopSuggesting();
  startDrawNeighbourhood((data, body) => showSent(data, body, null));
}

/** setupCommunity adds the community's sections to the panel. */
export function setupCommunity() {
  buildPanel();
  onDrawingLink(openMyDrawing);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') stopSuggesting();
  });
}
