// @ts-check
// Changing an area of a boundary set: redrawing its outline, and checking
// where an area of an earlier release went in the next one.
//
// API used (same origin, relative URLs):
//   GET  api/sets/{slug}/areas/{code} -> Feature (ETag: "version")
//   PUT  api/sets/{slug}/areas/{code} If-Match, Feature {properties: {name},
//                                     geometry: Polygon|MultiPolygon} -> 200,
//                                     409 (changed meanwhile) or 400 (bad outline)
//   PUT  api/sets/{slug}/areas/{code}/successors {to, keep, note}

import { el, str, geometryBBox } from '../util.js';
import { map, mapIfReady } from '../store.js';
import { openArea, showPane } from '../panel/details.js';
import { setStatus } from '../panel/panel.js';
import { refreshSet } from '../map/layers.js';
import { canEdit } from './session.js';
import { send, messageOf, tidyMessage, versionOf, etagFor } from './api.js';
import { setActive, endActive, button, setAreaNotice, takeAreaNotice } from './active.js';
import { sessionLost } from './account.js';
import { commentField } from './assetform.js';
import { makeDraw, stopDraw, polygonsOf, loadAreaInto } from './draw.js';

/**
 * fetchArea is an area and the If-Match that names its version.
 * @param {string} slug
 * @param {string} code
 * @returns {Promise<{feature: any, ifMatch: string}>}
 */
async function fetchArea(slug, code) {
  const r = await send('GET', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`);
  if (!r.ok || !r.data) throw new Error(r.status === 404 ? 'This area no longer exists.' : messageOf(r));
  const version = versionOf(r.data);
  return { feature: r.data, ifMatch: r.etag || (version ? etagFor(version) : '') };
}

/**
 * redrawForm is the form beside the outline being redrawn.
 * @param {() => void} back
 */
function redrawForm(back) {
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'redraw-save', text: 'Save' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'redraw-error' });
  const { comment, node: commentNode } = commentField('redraw', 'Optional: why the boundary changed.');
  const form = el('form', { className: 'asset-form redraw-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions', text: 'Drag the white corners on the map to move them; drag a small midpoint to add a corner; right-click a corner to remove it. Click the outline to select it again.' }),
    commentNode,
    error,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'redraw-cancel', onclick: back })));
  /** @param {string} msg */
  const say = (msg) => error.replaceChildren(el('p', { text: msg }));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); back(); }
  });
  return { form, saveBtn, error, comment, say };
}

/**
 * reloadArea puts the area as it is now in terra-draw, to redraw from.
 * @param {import('terra-draw').TerraDraw} draw
 * @param {string} slug
 * @param {string} code
 */
async function reloadArea(draw, slug, code) {
  const now = await fetchArea(slug, code);
  const ng = now.feature.geometry;
  const ids = loadAreaInto(draw, ng);
  return { ids, multi: ng.type === 'MultiPolygon', ifMatch: now.ifMatch };
}

/**
 * startRedraw puts an area's outline in terra-draw to drag its corners,
 * and the form to save it beside.
 * @param {string} slug
 * @param {string} code
 */
async function startRedraw(slug, code) {
  if (!canEdit() || !mapIfReady()) return;
  let cur;
  try {
    cur = await fetchArea(slug, code);
  } catch (err) {
    setStatus(`Could not start redrawing: ${err.message}`, true);
    return;
  }
  const g = cur.feature.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
    setStatus('Only areas drawn as polygons can be redrawn.', true);
    return;
  }
  endActive();
  let draw, ids;
  try {
    draw = makeDraw();
    ids = loadAreaInto(draw, g);
  } catch (err) {
    if (draw) stopDraw(draw);
    setStatus(`Could not start drawing: ${err.message}`, true);
    return;
  }
  const d = draw;
  let ifMatch = cur.ifMatch;
  let multi = g.type === 'MultiPolygon';
  const name = str(cur.feature.properties && cur.feature.properties.name) || code;
  const back = () => { endActive(); openArea(slug, code, { focus: true }); };
  const { form, saveBtn, error, comment, say } = redrawForm(back);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    const polys = polygonsOf(d, ids);
    if (!polys.length) {
      say('Not saved: the area has no outline left.');
      return;
    }
    const geometry = multi || polys.length > 1 ? { type: 'MultiPolygon', coordinates: polys } : { type: 'Polygon', coordinates: polys[0] };
    saveBtn.disabled = true;
    saveBtn.textContent = 'Saving…';
    const r = await send('PUT', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`, {
      body: { type: 'Feature', properties: { name }, geometry }, ifMatch, comment: comment.value.trim(),
    });
    saveBtn.disabled = false;
    saveBtn.textContent = 'Save';
    if (r.ok) {
      endActive();
      refreshSet(slug);
      setAreaNotice({ slug, code, text: `Saved the new outline of “${name}”.` });
      openArea(slug, code, { focus: true });
      return;
    }
    if (r.status === 401) {
      sessionLost();
      say('You are no longer signed in. Sign in again (at the top of the panel), then save again.');
      return;
    }
    if (r.status === 409) {
      // Someone else saved first: show theirs, to redraw from.
      try {
        ({ ids, multi, ifMatch } = await reloadArea(d, slug, code));
        say('Not saved: someone else changed this area meanwhile. Their outline is now on the map; redraw your change on it and save again.');
      } catch (err) {
        say(`Not saved: someone else changed this area, and it could not be reloaded: ${err.message}`);
      }
      return;
    }
    say(`Not saved: ${tidyMessage(messageOf(r))}`);
  });
  setActive({ kind: 'redraw', draw: d, cleanup: () => stopDraw(d), onMapClick: () => {} });
  showPane('Redraw area', [el('h3', { text: name }), form]);
  const b = geometryBBox(g);
  if (b) map().fitBounds(b, { padding: 40, maxZoom: 17 });
  saveBtn.focus();
}

/**
 * areaActionNodes are the notice after a write and, for editors, the
 * buttons that change an area.
 * @param {any} feature
 * @param {string} slug
 * @returns {HTMLElement[]}
 */
export function areaActionNodes(feature, slug) {
  const code = str(feature.properties && feature.properties.code);
  const nodes = [];
  const notice = takeAreaNotice(slug, code);
  if (notice) nodes.push(el('p', { className: 'notice', role: 'status', id: 'area-notice', text: notice }));
  if (canEdit() && code && slug) {
    const g = feature.geometry;
    const actions = [];
    if (!g || g.type === 'Polygon' || g.type === 'MultiPolygon') {
      actions.push(button('Redraw this area', { id: 'area-redraw', onclick: () => startRedraw(slug, code) }));
    }
    const p = feature.properties || {};
    if (p.current === false && Array.isArray(p.successors) && p.successors.length) {
      actions.push(button('Check its successors', { id: 'area-successors', onclick: () => startSuccessors(feature, slug) }));
    }
    if (actions.length) nodes.push(el('div', { className: 'edit-actions', role: 'group', 'aria-label': 'Change this area' }, ...actions));
  }
  return nodes;
}

/**
 * successorsForm lists the successors to tick, a field for one the overlay
 * missed, and why.
 * @param {any[]} links
 * @param {string} to the new release
 * @param {() => void} back
 */
function successorsForm(links, to, back) {
  const boxes = links.map((l, i) => {
    const id = `succ-${i}`;
    const input = el('input', { type: 'checkbox', id, value: str(l.new_code), checked: str(l.status) !== 'rejected' });
    return el('li', null, el('label', { for: id }, input,
      ` ${str(l.new_name) || str(l.new_code)} (${str(l.new_code)}): ${Math.round(100 * Number(l.share_of_old))}% of this area` +
      (str(l.status) !== 'computed' ? `, ${str(l.status)}` : '')));
  });
  const extra = el('input', { type: 'text', id: 'succ-add', autocomplete: 'off', 'aria-describedby': 'succ-add-hint' });
  const note = el('textarea', { id: 'succ-note', rows: 2, maxlength: 1000, autocomplete: 'off' });
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'succ-save', text: 'Save' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'succ-error' });
  const form = el('form', { className: 'asset-form successors-form', novalidate: true },
    el('fieldset', null, el('legend', { text: `Where did its ground go in ${to}? Untick what is wrong.` }),
      el('ul', { className: 'release-list' }, ...boxes)),
    el('div', { className: 'field form-field' },
      el('label', { for: 'succ-add', className: 'field-label', text: 'Add a successor by its code' }),
      el('span', { id: 'succ-add-hint', className: 'field-hint', text: `Optional: an area code of ${to} the overlay missed.` }),
      extra),
    el('div', { className: 'field form-field' },
      el('label', { for: 'succ-note', className: 'field-label', text: 'Why (kept with the decision)' }),
      note),
    error,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'succ-cancel', onclick: back })));
  return { form, extra, note, saveBtn, error };
}

/**
 * startSuccessors lets an editor confirm or correct where an area of an
 * earlier release went in the next one: tick the areas that stand, add one
 * the overlay missed by its code, say why.
 * @param {any} feature
 * @param {string} slug
 */
function startSuccessors(feature, slug) {
  const p = feature.properties || {};
  const code = str(p.code);
  const name = str(p.name) || code;
  const links = p.successors.filter((/** @type {any} */ l) => str(l.new_set) === str(p.successors[0].new_set));
  const to = str(links[0].new_set);
  endActive();
  const back = () => { endActive(); openArea(slug, code, { focus: true }); };
  const { form, extra, note, saveBtn, error } = successorsForm(links, to, back);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    const keep = [.../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[type=checkbox]'))].filter((b) => b.checked).map((b) => b.value);
    const added = extra.value.trim();
    if (added && !keep.includes(added)) keep.push(added);
    saveBtn.disabled = true;
    const r = await send('PUT', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}/successors`, {
      body: { to, keep, note: note.value.trim() },
    });
    saveBtn.disabled = false;
    if (r.ok) {
      setAreaNotice({ slug, code, text: `Saved: ${keep.length} ${keep.length === 1 ? 'successor stands' : 'successors stand'} in ${to}.` });
      back();
      return;
    }
    if (r.status === 401) sessionLost();
    error.replaceChildren(el('p', { text: `Not saved: ${messageOf(r)}` }));
  });
  setActive({ kind: 'successors', cleanup: () => {}, onMapClick: () => {} });
  showPane('Successors', [el('h3', { text: name }), form]);
  const first = form.querySelector('input');
  if (first) first.focus();
}
