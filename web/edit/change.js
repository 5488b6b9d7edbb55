// @ts-check
// Changing an asset: editing its fields, moving its point, deleting it.
// Each write names the version it started from; when someone else saved
// first the server answers 409 with theirs, shown field by field, to
// reapply this user's change on or to give it up.
//
// API used (same origin, relative URLs):
//   GET  api/assets/{id}              -> Feature with properties.version (and ETag)
//   PUT  api/assets/{id}              If-Match: "version" -> 200 Feature, or 409
//                                     {error, current_version, current}
//   DELETE api/assets/{id}            If-Match -> 204, or 409 as for PUT

import { el, str } from '../util.js';
import { fmtCoord } from '../format.js';
import { map, loadCategories } from '../store.js';
import { openAsset, showPane } from '../panel/details.js';
import { setStatus, isNarrow, setPanelOpen } from '../panel/panel.js';
import { send, messageOf, versionOf, etagFor } from './api.js';
import { setActive, endActive, button, showBanner, hideBanner, makeMarker } from './active.js';
import {
  FIELD_KEYS, assetForm, valuesOf, featureBody, pointOf, locationLine, conflictBox, writeFailed, afterWrite, commentField,
} from './assetform.js';

/**
 * fetchAsset is an asset and the If-Match that names its version.
 * @param {string} id
 * @returns {Promise<{feature: any, ifMatch: string}>}
 */
export async function fetchAsset(id) {
  const r = await send('GET', `api/assets/${encodeURIComponent(id)}`);
  if (!r.ok || !r.data) throw new Error(r.status === 404 ? 'This asset no longer exists: someone may have deleted it.' : messageOf(r));
  const version = versionOf(r.data);
  return { feature: r.data, ifMatch: r.etag || (version ? etagFor(version) : '') };
}

/**
 * startEdit opens the form of an asset.
 * @param {string} id
 */
export async function startEdit(id) {
  let lk, cur;
  try {
    [lk, cur] = await Promise.all([loadCategories(), fetchAsset(id)]);
  } catch (err) {
    setStatus(`Could not start editing: ${err.message}`, true);
    return;
  }
  endActive();
  let base = cur.feature; // the version the form's values started from
  let ifMatch = cur.ifMatch;
  const f = assetForm({
    values: valuesOf(base.properties), lk, submitLabel: 'Save changes',
    onCancel: () => { endActive(); openAsset(id, { focus: true }); },
    onSubmit: async (values, comment) => {
      f.conflict.replaceChildren();
      const body = featureBody(base.geometry, values, base.properties);
      const r = await send('PUT', `api/assets/${encodeURIComponent(id)}`, { body, ifMatch, comment });
      if (r.ok) {
        afterWrite(id, `Saved your changes to “${values.name}”.`);
        return;
      }
      if (writeFailed(r, f)) return;
      // 409: someone else saved first.
      const current = r.data && r.data.current;
      const currentVersion = Number(r.data && r.data.current_version) || /** @type {number} */ (versionOf(current));
      if (!current) {
        f.showServerError(messageOf(r));
        return;
      }
      const mine = values;
      const reapply = () => {
        // Three-way: a field this user changed keeps their value;
        // every other field takes the current one.
        const was = valuesOf(base.properties);
        const now = valuesOf(current.properties);
        /** @type {import('./assetform.js').Values} */
        const merged = {};
        for (const k of FIELD_KEYS) merged[k] = mine[k] !== was[k] ? mine[k] : now[k];
        base = current;
        ifMatch = etagFor(currentVersion);
        f.fill(merged);
        f.conflict.replaceChildren(el('p', {
          className: 'notice', role: 'status', id: 'conflict-reapplied',
          text: `Your changes are applied to version ${currentVersion}. Check them, then press Save changes.`,
        }));
        f.inputs.name.focus();
      };
      const box = conflictBox(current, base, mine, {
        actions: [
          button('Reapply my changes', { className: 'btn btn-primary', id: 'conflict-reapply', onclick: reapply }),
          button('Discard mine, show theirs', {
            id: 'conflict-discard',
            onclick: () => { endActive(); openAsset(id, { focus: true }); },
          }),
        ],
      });
      f.conflict.replaceChildren(box);
      box.focus();
    },
  });
  setActive({ kind: 'edit', cleanup: null });
  showPane('Edit asset', [el('h3', { text: str(base.properties.name) || '(unnamed asset)' }), f.form], { assetId: id });
  f.inputs.name.focus();
}

/**
 * moveForm is the form beside the marker being moved.
 * @param {{node: HTMLElement}} loc its location line
 * @param {() => void} cancel
 */
function moveForm(loc, cancel) {
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'move-save', text: 'Save new location', disabled: true });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'move-error' });
  const conflict = el('div', { className: 'conflict-slot' });
  const { comment, node: commentNode } = commentField('move', 'Optional: why it moved.');
  const form = el('form', { className: 'asset-form move-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions', text: 'Drag the red marker to the new place, or click the map there. You can also focus the marker (Tab) and move it with the arrow keys; hold Shift for bigger steps.' }),
    loc.node,
    commentNode,
    error, conflict,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'move-cancel', onclick: cancel })));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); cancel(); }
  });
  /** @param {string} msg */
  const showServerError = (msg) => error.replaceChildren(el('p', { text: msg }));
  return { form, saveBtn, error, conflict, comment, showServerError };
}

/**
 * startMove puts a marker on an asset drawn as a point, to drag to its
 * new place.
 * @param {string} id
 */
export async function startMove(id) {
  let cur;
  try {
    cur = await fetchAsset(id);
  } catch (err) {
    setStatus(`Could not start moving: ${err.message}`, true);
    return;
  }
  const g = cur.feature.geometry;
  if (!g || g.type !== 'Point') {
    setStatus('Only assets drawn as a point can be moved here.', true);
    return;
  }
  endActive();
  // The version the move applies to, and its If-Match.
  const at = { base: cur.feature, ifMatch: cur.ifMatch };
  const name = str(at.base.properties.name) || '(unnamed asset)';
  const start = { lng: g.coordinates[0], lat: g.coordinates[1] };
  const loc = locationLine(start, null);
  const cancel = () => { endActive(); openAsset(id, { focus: true }); };
  const f = moveForm(loc, cancel);
  const { form, saveBtn, error, conflict, comment } = f;
  const marker = makeMarker(start, `New location of ${name}`, (ll, done) => {
    loc.set(ll, done);
    saveBtn.disabled = false;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    conflict.replaceChildren();
    saveBtn.disabled = true;
    saveBtn.textContent = 'Saving…';
    const where = marker.getLngLat();
    const body = featureBody(pointOf(where), valuesOf(at.base.properties), at.base.properties);
    const r = await send('PUT', `api/assets/${encodeURIComponent(id)}`, { body, ifMatch: at.ifMatch, comment: comment.value.trim() });
    saveBtn.disabled = false;
    saveBtn.textContent = 'Save new location';
    if (r.ok) {
      afterWrite(id, `Moved “${name}” to ${fmtCoord(where)}.`);
      return;
    }
    if (writeFailed(r, f)) return;
    const current = r.data && r.data.current;
    if (!current) { f.showServerError(messageOf(r)); return; }
    const currentVersion = Number(r.data.current_version) || /** @type {number} */ (versionOf(current));
    const box = conflictBox(current, at.base, null, {
      location: where,
      actions: [
        button('Reapply my move', {
          className: 'btn btn-primary', id: 'conflict-reapply',
          onclick: () => {
            at.base = current;
            at.ifMatch = etagFor(currentVersion);
            conflict.replaceChildren(el('p', {
              className: 'notice', role: 'status',
              text: `Your move is applied to version ${currentVersion}, keeping their other changes. Press Save new location to save it.`,
            }));
            saveBtn.focus();
          },
        }),
        button('Discard my move', { id: 'conflict-discard', onclick: cancel }),
      ],
    });
    conflict.replaceChildren(box);
    box.focus();
  });
  setActive({
    kind: 'move', marker,
    cleanup: () => marker.remove(),
    onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); saveBtn.disabled = false; },
  });
  showPane('Move asset', [el('h3', { text: name }), form], { assetId: id });
  followMarker(start, saveBtn, cancel);
  marker.getElement().focus({ preventScroll: true });
}

/**
 * followMarker moves the map to the marker; on a narrow screen, where the
 * panel covers the map, it folds the panel away until the marker is placed.
 * @param {{lng: number, lat: number}} start
 * @param {HTMLButtonElement} saveBtn
 * @param {() => void} cancel
 */
function followMarker(start, saveBtn, cancel) {
  const m = map();
  m.easeTo({ center: start, zoom: Math.max(m.getZoom(), 16) });
  if (!isNarrow()) return;
  setPanelOpen(false);
  showBanner('Drag the red marker to the new place.', [
    button('Done', { className: 'btn btn-small btn-primary', onclick: () => { hideBanner(); setPanelOpen(true); saveBtn.focus(); } }),
    button('Cancel', { className: 'btn btn-small', onclick: cancel }),
  ]);
}

/**
 * startDelete asks to confirm deleting an asset.
 * @param {any} feature the asset as its details show it
 */
export function startDelete(feature) {
  endActive();
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const name = str(p.name) || '(unnamed asset)';
  const seen = versionOf(feature);
  let ifMatch = seen ? etagFor(seen) : '';
  const error = el('div', { className: 'form-error', role: 'alert', id: 'delete-error' });
  const conflict = el('div', { className: 'conflict-slot' });
  const { comment, node: commentNode } = commentField('delete', 'Optional: why it is deleted, e.g. closed for good.');
  const confirm = el('button', { type: 'submit', className: 'btn btn-danger', id: 'delete-confirm', text: 'Delete asset' });
  const cancel = () => { endActive(); openAsset(id, { focus: true }); };
  /** @param {string} msg */
  const f = { showServerError: (msg) => error.replaceChildren(el('p', { text: msg })) };
  const form = el('form', { className: 'asset-form delete-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions' }, 'Delete ', el('strong', { text: name }), '? It will be taken off the map. Its history is kept.'),
    commentNode,
    error, conflict,
    el('div', { className: 'form-buttons' }, confirm, button('Cancel', { id: 'delete-cancel', onclick: cancel })));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); cancel(); }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.replaceChildren();
    conflict.replaceChildren();
    confirm.disabled = true;
    const r = await send('DELETE', `api/assets/${encodeURIComponent(id)}`, { ifMatch, comment: comment.value.trim() });
    confirm.disabled = false;
    if (r.ok) {
      afterWrite(null, `Deleted “${name}”.`);
      return;
    }
    if (r.status === 404) {
      afterWrite(null, `“${name}” had already been deleted.`);
      return;
    }
    if (writeFailed(r, f)) return;
    const current = r.data && r.data.current;
    if (!current) { f.showServerError(messageOf(r)); return; }
    const box = conflictBox(current, feature, null, {
      actions: [
        button('Delete anyway', {
          className: 'btn btn-danger', id: 'conflict-reapply',
          onclick: () => {
            ifMatch = etagFor(Number(r.data.current_version) || /** @type {number} */ (versionOf(current)));
            form.requestSubmit(confirm);
          },
        }),
        button('Keep it', { id: 'conflict-discard', onclick: cancel }),
      ],
    });
    conflict.replaceChildren(box);
    box.focus();
  });
  setActive({ kind: 'delete', cleanup: null });
  showPane('Delete asset', [el('h3', { text: name }), form], { assetId: id });
  confirm.focus();
}
