// @ts-check
// "Add asset": placing a new asset by a click on the map (or at its
// centre) or drawing its site as an area, then the form for it.
//
// API used: POST api/assets Feature -> 201 Feature.

import { $, el, str } from '../util.js';
import { mapIfReady, loadCategories } from '../store.js';
import { showPane } from '../panel/details.js';
import { setStatus, isNarrow, setPanelOpen } from '../panel/panel.js';
import { canEdit } from './session.js';
import { send } from './api.js';
import { currentActive, setActive, endActive, button, showBanner, hideBanner, makeMarker } from './active.js';
import { assetForm, valuesOf, featureBody, pointOf, locationLine, writeFailed, afterWrite } from './assetform.js';
import { makeDraw, stopDraw, polygonsOf } from './draw.js';
import { stopSuggesting } from '../community/suggest.js';

let placing = false; // "Add asset" waits for a click on the map

/** @returns {boolean} whether "Add asset" waits for a click on the map */
export function isPlacing() {
  return placing;
}

/**
 * setPlacing starts or stops waiting for the click that places a new asset.
 * @param {boolean} on
 */
export function setPlacing(on) {
  placing = on;
  const btn = $('add-asset');
  btn.setAttribute('aria-pressed', String(on));
  btn.textContent = on ? 'Cancel adding' : 'Add asset';
  $('add-asset-hint').hidden = !on;
  $('add-asset-status').textContent = on ? 'Adding an asset: click the map where it is, place it at the centre of the map, or draw the site as an area. Press Escape to stop.' : '';
  const m = mapIfReady();
  if (m) m.getContainer().classList.toggle('placing', on);
  if (on) {
    showBanner('Click the map where the new asset is.', [
      button('Place at the centre', { className: 'btn btn-small', onclick: placeAtCentre }),
      button('Draw the site as an area', { className: 'btn btn-small', id: 'banner-draw-area', onclick: startDrawSite }),
      button('Cancel', { className: 'btn btn-small', onclick: stopPlacing }),
    ]);
    // On a narrow screen the panel covers the map: fold it away.
    if (isNarrow()) setPanelOpen(false);
  } else if (!currentActive()) {
    hideBanner();
  }
}

/** clearToolsNotice hides the notice at the tools (e.g. "Deleted …"). */
export function clearToolsNotice() {
  const n = $('edit-tools-notice');
  n.hidden = true;
  n.textContent = '';
}

function startAdd() {
  if (!canEdit()) return;
  clearToolsNotice();
  if (placing) {
    stopPlacing();
    return;
  }
  endActive({ close: true });
  stopSuggesting();
  setPlacing(true);
}

/** stopPlacing leaves "Add asset" without placing anything. */
function stopPlacing() {
  setPlacing(false);
  if (isNarrow()) setPanelOpen(true);
  $('add-asset').focus();
}

function placeAtCentre() {
  const m = mapIfReady();
  if (placing && m) placeNew(m.getCenter());
}

/**
 * placeNew puts the new asset's marker where the map was clicked and opens
 * its form.
 * @param {import('maplibre-gl').LngLat} lngLat
 */
export async function placeNew(lngLat) {
  setPlacing(false);
  let lk;
  try {
    lk = await loadCategories();
  } catch (err) {
    setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  endActive();
  const loc = locationLine(lngLat, 'Drag the marker, click the map, or focus the marker and use the arrow keys to adjust.');
  const marker = makeMarker(lngLat, 'Location of the new asset', (ll, done) => loc.set(ll, done));
  newAssetForm(lk, {
    location: loc.node,
    geometry: () => pointOf(marker.getLngLat()),
    active: {
      kind: 'add', marker,
      cleanup: () => marker.remove(),
      onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); },
    },
  });
}

/**
 * newAssetForm opens the form for a new asset; geometry() gives its point
 * or site when it is saved (null: not enough corners).
 * @param {import('./assetform.js').Lookups} lk
 * @param {{location: Node, geometry: () => any, active: import('./active.js').Active}} options
 *   active: the open form's state while it is open
 */
function newAssetForm(lk, { location, geometry, active: a }) {
  const f = assetForm({
    values: valuesOf({}), lk, submitLabel: 'Save asset', location,
    onCancel: () => { endActive({ close: true }); $('add-asset').focus(); },
    onSubmit: async (values, comment) => {
      const g = geometry();
      if (!g) {
        f.showServerError('The area needs at least three corners.');
        return;
      }
      const body = featureBody(g, values, null);
      const r = await send('POST', 'api/assets', { body, comment });
      if (r.status === 201 || (r.ok && r.data)) {
        const id = str(r.data && (r.data.id || (r.data.properties && r.data.properties.id)));
        afterWrite(id, `Added “${values.name}”.`);
        return;
      }
      writeFailed(r, f);
    },
  });
  setActive(a);
  showPane('New asset', [f.form]);
  f.inputs.name.focus();
}

/**
 * startDrawSite: "Add asset" -> "Draw the site as an area". Corners are
 * clicked on the map; clicking the first corner again closes the outline
 * and opens the form. Until it is saved, the corners can still be dragged.
 */
async function startDrawSite() {
  if (!canEdit() || !mapIfReady()) return;
  setPlacing(false);
  let lk;
  try {
    lk = await loadCategories();
  } catch (err) {
    setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  endActive({ close: true });
  let draw;
  try {
    draw = makeDraw();
  } catch (err) {
    setStatus(`Could not start drawing: ${err.message}`, true);
    return;
  }
  const d = draw;
  d.setMode('polygon');
  const cancel = () => { endActive({ close: true }); $('add-asset').focus(); };
  const a = {
    kind: 'draw', draw: d,
    cleanup: () => { hideBanner(); stopDraw(d); },
    onMapClick: () => {}, // the clicks are terra-draw's
  };
  setActive(a);
  showBanner('Click each corner of the site; click the first corner again to finish.', [
    button('Cancel', { className: 'btn btn-small', id: 'draw-cancel', onclick: cancel }),
  ]);
  if (isNarrow()) setPanelOpen(false);
  d.on('finish', (id, context) => {
    if (currentActive() !== a || !context || context.mode !== 'polygon') return;
    hideBanner();
    if (isNarrow()) setPanelOpen(true);
    d.setMode('select');
    d.selectFeature(id);
    const line = el('div', { className: 'location-line' },
      el('span', { className: 'field-label', text: 'Site' }),
      el('span', { className: 'location-value', text: 'Drawn as an area on the map.' }),
      el('span', { className: 'field-hint', text: 'Drag its corners to adjust it before saving.' }));
    newAssetForm(lk, {
      location: line,
      geometry: () => {
        const rings = polygonsOf(d, [id])[0];
        return rings && rings[0] && rings[0].length >= 4 ? { type: 'Polygon', coordinates: rings } : null;
      },
      active: { kind: 'add-area', draw: d, cleanup: () => stopDraw(d), onMapClick: () => {} },
    });
  });
}

/** setupTools wires "Add asset" and its alternatives, and Escape to stop. */
export function setupTools() {
  $('add-asset').addEventListener('click', startAdd);
  $('add-at-centre').addEventListener('click', placeAtCentre);
  $('add-draw-area').addEventListener('click', startDrawSite);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && placing) stopPlacing();
  });
}

/** toolsForAccount shows the tools to editors only, and stops placing for others. */
export function toolsForAccount() {
  $('edit-tools').hidden = !canEdit();
  if (!canEdit()) setPlacing(false);
}
