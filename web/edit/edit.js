// @ts-check
// Editing on the web map, set up here: signing in (account.js), adding
// assets (add.js), changing them (change.js), changing areas (areas.js),
// the community's suggestions, moderation and history (../community/) and
// the OSM review (osmreview.js). It puts their buttons in the details pane
// and takes the map's clicks through the details pane's editHooks.
//
// Security: API text (asset names, categories, messages) reaches the page
// only through el() / textContent, never innerHTML.

import { el, str } from '../util.js';
import { map, onViewChange } from '../store.js';
import { editHooks } from '../panel/details.js';
import { auth, canEdit, onAuthChange } from './session.js';
import { renderAccount, setupAccount, loadMe } from './account.js';
import { currentActive, endActive, button, setupBanner, insideMarker, takeAssetNotice } from './active.js';
import { isPlacing, setPlacing, placeNew, clearToolsNotice, setupTools, toolsForAccount } from './add.js';
import { startEdit, startMove, startDelete } from './change.js';
import { areaActionNodes } from './areas.js';
import { setupOSMReview, osmReviewForAccount } from './osmreview.js';
import { setupCommunity, communityActions, communityForAccount, communityMapClick, stopSuggesting } from '../community/community.js';

/** @type {any} */
let lastAsset = null; // feature shown in the details pane, for redrawing its actions
/** @type {{feature: any, slug: string} | null} */
let lastArea = null; // shown in the details pane

/**
 * onMapClick takes a click on the Map view when something waits for one.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 * @returns {boolean} whether it took the click
 */
function onMapClick(ev) {
  if (communityMapClick(ev)) return true;
  if (isPlacing()) {
    placeNew(ev.lngLat);
    return true;
  }
  const a = currentActive();
  if (a && a.onMapClick) {
    if (insideMarker(ev)) return true;
    a.onMapClick(ev.lngLat);
    return true;
  }
  return false;
}

/**
 * actionsFor are the notice after a write and the buttons of an asset's
 * details: Edit, Move, Delete for editors; suggestions, history and review.
 * @param {any} feature
 * @returns {HTMLElement[]}
 */
function actionsFor(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const nodes = [];
  const notice = takeAssetNotice(id);
  if (notice) nodes.push(el('p', { className: 'notice', role: 'status', id: 'edit-notice', text: notice }));
  if (canEdit() && id) {
    const isPoint = feature.geometry && feature.geometry.type === 'Point';
    nodes.push(el('div', { className: 'edit-actions', role: 'group', 'aria-label': 'Change this asset' },
      button('Edit', { id: 'asset-edit', onclick: () => startEdit(id) }),
      isPoint ? button('Move', { id: 'asset-move', onclick: () => startMove(id) }) : null,
      button('Delete', { id: 'asset-delete', className: 'btn btn-danger-quiet', onclick: () => startDelete(feature) })));
  }
  nodes.push(...communityActions(feature));
  return nodes;
}

/** After signing in or out, the asset or area shown gains or loses its actions. */
function redrawActions() {
  const slot = document.querySelector('#details-body .edit-slot');
  if (slot && lastAsset) slot.replaceChildren(...actionsFor(lastAsset));
  const areaSlot = document.querySelector('#details-body .area-edit-slot');
  if (areaSlot && lastArea) areaSlot.replaceChildren(...areaActionNodes(lastArea.feature, lastArea.slug));
}

/** setHooks gives the details pane and the map click to editing. */
function setHooks() {
  editHooks.assetActions = (feature) => {
    lastAsset = feature;
    return el('div', { className: 'edit-slot' }, ...actionsFor(feature));
  };
  editHooks.areaActions = (feature, slug) => {
    lastArea = { feature, slug };
    return el('div', { className: 'edit-slot area-edit-slot' }, ...areaActionNodes(feature, slug));
  };
  editHooks.mapClick = onMapClick;
  editHooks.detailsReplaced = () => {
    lastAsset = null;
    lastArea = null;
    clearToolsNotice();
    if (currentActive()) endActive();
  };
}

/**
 * setupEdit is called by app.js before the map exists (mapReady once it
 * has loaded). It asks who is signed in, and puts placemap.edit on the
 * handle for the browser tests.
 * @param {{edit: any}} placemap
 */
export function setupEdit(placemap) {
  setupAccount();
  setupTools();
  setupCommunity();
  setupOSMReview();
  // In this order when someone signs in or out: the open form ends if
  // they may no longer edit, then each part shows what their role allows.
  onAuthChange(({ lostEdit, keepForm }) => { if (lostEdit && !keepForm) endActive({ close: true }); });
  onAuthChange(renderAccount);
  onAuthChange(toolsForAccount);
  onAuthChange(communityForAccount);
  onAuthChange(osmReviewForAccount);
  onAuthChange(redrawActions);
  setHooks();
  const ready = loadMe();
  placemap.edit = {
    ready,
    get user() { return auth.user ? { ...auth.user } : null; },
    get placing() { return isPlacing(); },
    get active() { const a = currentActive(); return a ? a.kind : null; },
  };
  return {
    /** mapReady adds the banner over the map; leaving the Map view ends what was being placed or edited. */
    mapReady() {
      setupBanner();
      map().getContainer().classList.toggle('placing', isPlacing());
      onViewChange((view) => {
        if (view === 'map') return;
        setPlacing(false);
        stopSuggesting();
        if (currentActive()) endActive({ close: true });
      });
    },
  };
}
