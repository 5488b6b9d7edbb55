// @ts-check
// The moderation queue (moderators and above): pending suggestions a page
// at a time, each accepted or rejected with a reason. A suggestion whose
// asset changed since it was sent shows the three versions, to take the
// suggested values onto the current one; a new place near a likely
// duplicate can be merged into it. A resident's drawing (kind area) shows
// its place, name and answers: accepting publishes it as evidence for the
// place, never as an area of a set.
//
// API used (same origin, relative URLs):
//   GET  api/suggestions?status=pending&limit=&offset= (moderator+): a page,
//        numberMatched, links; a suggestion whose asset changed since it was
//        sent is stale, with three_way [{field, base, current, suggested,
//        suggests, changed_since, conflict}] and live_version
//   POST api/suggestions/{id}/accept | reject  (moderator+; reject needs {reason})
//        accept: If-Match live_version and {take: [fields]} merges a stale
//        one onto the current version; 409 with three_way when it changed,
//        or with duplicates [{asset, version, distance_m}] for a new place
//        near a likely duplicate: then {confirm_new: true}, or
//        {merge_into: id} with If-Match that asset's version; a drawing
//        sent without a place is accepted with {place: SLUG}
//   GET  api/places   (the places offered for such a drawing)

import { $, el, str, geometryBBox } from '../util.js';
import { fmtDate, who, answersOf } from '../format.js';
import { mapIfReady, categoryTitle } from '../store.js';
import { refreshAssets } from '../map/layers.js';
import { openAsset } from '../panel/details.js';
import { rank, MODERATOR_RANK } from '../edit/session.js';
import { send, messageOf, etagFor } from '../edit/api.js';
import { button } from '../edit/active.js';
import { sessionLost } from '../edit/account.js';
import { changeList, changedValue, fieldLabel, fieldTitle } from './changelist.js';

/** @param {any} sg a suggestion */
function suggestionTitle(sg) {
  const kind = { new: 'New place', correction: 'Correction', closure: 'Closure', area: 'Resident’s drawing' }[str(sg.kind)] || str(sg.kind);
  const name = str(sg.proposed && sg.proposed.properties && sg.proposed.properties.name);
  return name ? `${kind}: ${name}` : kind;
}

// showDrawing outlines a drawn neighbourhood on the map and fits the view.
/** @param {any} feature a drawn neighbourhood */
function showDrawing(feature) {
  const map = mapIfReady();
  if (!map || !feature || !feature.geometry) return;
  /** @type {GeoJSON.FeatureCollection} */
  const data = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: feature.geometry, properties: {} }] };
  /** @type {import('maplibre-gl').GeoJSONSource | undefined} */
  const src = map.getSource('suggested-drawing');
  if (src) {
    src.setData(data);
  } else {
    map.addSource('suggested-drawing', { type: 'geojson', data });
    map.addLayer({ id: 'suggested-drawing-fill', type: 'fill', source: 'suggested-drawing', paint: { 'fill-color': '#b42318', 'fill-opacity': 0.12 } });
    map.addLayer({ id: 'suggested-drawing-line', type: 'line', source: 'suggested-drawing', paint: { 'line-color': '#b42318', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  }
  const box = geometryBBox(feature.geometry);
  if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 60, duration: 0 });
}

/**
 * drawingInfo shows what a resident's drawing says (its place, the name
 * they use, their answers) and what accepting it does; with no place, a
 * choice of place to publish it under.
 * @param {any} sg
 * @returns {{node: HTMLElement, place: () => string}}
 */
function drawingInfo(sg) {
  const id = str(sg.id);
  const props = (sg.proposed && sg.proposed.properties) || {};
  const place = str(sg.place) || str(props.place);
  const answers = Object.entries(answersOf(sg.answers || props.answers));
  /** @type {HTMLSelectElement | null} */
  let pick = null;
  if (!place) {
    pick = el('select', { id: `drawing-place-${id}`, className: 'drawing-place' }, el('option', { value: '', text: 'Choose the place' }));
    const sel = pick;
    send('GET', 'api/places').then((r) => {
      const list = r.ok && r.data && Array.isArray(r.data.places) ? r.data.places : [];
      sel.append(...list.map((/** @type {any} */ p) => el('option', { value: str(p.slug), text: str(p.name) || str(p.slug) })));
    });
  }
  const node = el('div', { className: 'drawing-info' },
    place ? el('p', { className: 'suggestion-meta drawing-place', text: `A drawing of ${str(sg.place_name) || place}` })
      : el('div', { className: 'field form-field' }, el('label', { for: `drawing-place-${id}`, className: 'field-label', text: 'The place it is a drawing of' }), pick),
    el('p', { className: 'suggestion-meta drawing-name', text: `The name they use: ${str(props.name) || '(none)'}` }),
    answers.length ? el('dl', { className: 'fields drawing-answers' }, ...answers.flatMap(([q, a]) => [el('dt', { text: q }), el('dd', { text: a })])) : null,
    el('p', { className: 'hint drawing-accept-note', text: 'Accepting publishes it as evidence: one of the residents’ drawings of the place, counted in its surface. It does not become an area of any set.' }));
  return { node, place: () => place || (pick ? pick.value : '') };
}

const MOD_PAGE = 20;
let modOffset = 0;

/**
 * loadModeration lists a page of the pending suggestions, with message
 * (nodes) above them.
 * @param {(Node | string)[]} [message]
 */
export async function loadModeration(message) {
  const list = $('moderation-list');
  if (!list || rank() < MODERATOR_RANK) return;
  const status = $('moderation-status');
  status.textContent = 'Loading…';
  const r = await send('GET', `api/suggestions?status=pending&limit=${MOD_PAGE}&offset=${modOffset}`);
  if (!r.ok || !r.data) {
    status.textContent = `Could not load the suggestions: ${messageOf(r)}`;
    return;
  }
  const items = Array.isArray(r.data.suggestions) ? r.data.suggestions : [];
  const total = Number(r.data.numberMatched);
  if (!items.length && modOffset > 0 && total > 0) {
    // The page emptied as suggestions were decided: show the last one.
    modOffset = Math.max(0, Math.floor((total - 1) / MOD_PAGE) * MOD_PAGE);
    await loadModeration(message);
    return;
  }
  const n = Number.isFinite(total) ? total : items.length;
  status.textContent = items.length
    ? `${n} pending ${n === 1 ? 'suggestion' : 'suggestions'}${n > items.length ? ` (${modOffset + 1}–${modOffset + items.length} shown)` : ''}.`
    : 'No suggestions are waiting.';
  const msg = $('moderation-notice');
  msg.replaceChildren();
  if (message) msg.append(...message);
  list.replaceChildren(...items.map(renderSuggestion));
  $('moderation-prev').hidden = modOffset === 0;
  $('moderation-next').hidden = !(modOffset + items.length < n);
}

/**
 * pageModeration moves a page on (1) or back (-1).
 * @param {number} delta
 */
export function pageModeration(delta) {
  modOffset = Math.max(0, modOffset + delta * MOD_PAGE);
  loadModeration();
}

// threeWay shows, for a suggestion whose asset changed since it was sent,
// each field as it was then, as it is now and as suggested; the fields the
// suggestion changes can be ticked to take (all by default).
/** @param {any} sg a stale suggestion */
function threeWay(sg) {
  const id = str(sg.id);
  const rows = Array.isArray(sg.three_way) ? sg.three_way : [];
  const boxes = [];
  const table = el('table', { className: 'three-way', id: `three-way-${id}` },
    el('caption', { text: `Changed since it was sent (version ${str(sg.base_version)}, now ${str(sg.live_version)})` }),
    el('thead', null, el('tr', null,
      el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'When sent' }),
      el('th', { scope: 'col', text: 'Now' }), el('th', { scope: 'col', text: 'Suggested' }),
      el('th', { scope: 'col', text: 'Take' }))),
    el('tbody', null, ...rows.map((f) => {
      const field = str(f.field);
      /** @type {HTMLInputElement | null} */
      let take = null;
      if (f.suggests) {
        const cb = el('input', { type: 'checkbox', className: 'take-field', value: field, checked: true, 'aria-label': `Take the suggested ${fieldLabel(field)}` });
        boxes.push(cb);
        take = cb;
      }
      const cls = ['three-way-row', f.conflict ? 'conflict' : '', f.suggests ? 'suggests' : '', f.changed_since ? 'since' : ''].filter(Boolean).join(' ');
      return el('tr', { className: cls, dataset: { field } },
        el('th', { scope: 'row', text: fieldTitle(field) }),
        el('td', { className: 'tw-base', text: changedValue(field, f.base) }),
        el('td', { className: 'tw-current', text: changedValue(field, f.current) }),
        el('td', { className: 'tw-suggested', text: f.suggests ? changedValue(field, f.suggested) + (f.conflict ? ' (conflict)' : '') : '(as when sent)' }),
        el('td', null, take));
    })));
  const note = el('p', { className: 'hint', text: 'Someone changed this place after the suggestion was sent. Accepting takes the ticked suggested values onto the current version; everything else stays as it is now.' });
  return { node: el('div', { className: 'three-way-box' }, note, table), taken: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

// duplicatesBox lists the places a new one may duplicate, each with
// "Merge into this", and "Add as new anyway".
/**
 * @param {any} sg a suggested new place
 * @param {any[]} dups the places it may duplicate
 * @param {(ok: boolean, extra?: {body?: any, ifMatch?: string}) => Promise<void>} decide
 */
function duplicatesBox(sg, dups, decide) {
  const id = str(sg.id);
  const list = el('ul', { className: 'duplicate-list' }, ...dups.map((d) => {
    const a = d.asset || {};
    const p = a.properties || {};
    const aid = str(p.id) || str(a.id);
    const dist = Number(d.distance_m);
    return el('li', { className: 'duplicate', dataset: { id: aid } },
      el('span', { className: 'duplicate-name', text: str(p.name) || '(unnamed)' }),
      el('span', { className: 'duplicate-meta', text: ` · ${categoryTitle(str(p.category)) || str(p.category)} · ${Number.isFinite(dist) ? Math.round(dist) : '?'} m away ` }),
      button('Merge into this', {
        className: 'btn btn-small merge-btn', dataset: { id: aid },
        onclick: () => decide(true, { body: { merge_into: aid }, ifMatch: Number(d.version) > 0 ? etagFor(Number(d.version)) : undefined }),
      }));
  }));
  return el('div', { className: 'duplicates', id: `duplicates-${id}`, role: 'alert' },
    el('p', { className: 'duplicates-title', text: 'This may already be on the map. Merge it into one of these (its details fill their gaps), or add it as a new place:' }),
    list,
    button('Add as new anyway', { className: 'btn btn-small confirm-new-btn', onclick: () => decide(true, { body: { confirm_new: true } }) }));
}

/**
 * decisionRequest is what accepting (ok) or rejecting a suggestion sends,
 * or the problem that keeps it from being sent.
 * @param {any} sg
 * @param {boolean} ok
 * @param {string} why the reason given
 * @param {{taken: () => string[]} | null} stale the three versions, for a stale suggestion
 * @param {{body?: any, ifMatch?: string, place?: string}} extra a merge or "add as new"
 *   decision; for a drawing, the place it is of
 * @returns {{opts: import('../edit/api.js').RequestOptions, problem?: string}}
 */
function decisionRequest(sg, ok, why, stale, extra) {
  if (!ok) return { opts: { body: { reason: why } } };
  /** @type {import('../edit/api.js').RequestOptions} */
  const opts = {};
  const body = { ...(extra.body || {}) };
  if (extra.place !== undefined) {
    if (!extra.place) return { opts, problem: 'Choose the place this drawing is of, then accept it.' };
    if (!str(sg.place)) body.place = extra.place;
  }
  if (stale && !extra.body) {
    const take = stale.taken();
    if (!take.length) return { opts, problem: 'Tick at least one suggested value to take, or reject the suggestion.' };
    body.take = take;
    opts.ifMatch = etagFor(Number(sg.live_version));
  }
  const kind = str(sg.kind);
  if (!stale && !extra.body && (kind === 'correction' || kind === 'closure') && Number(sg.live_version) > 0) {
    // Accept onto the version the moderator was shown: if it changed
    // since, the server answers with the three versions.
    opts.ifMatch = etagFor(Number(sg.live_version));
  }
  if (extra.ifMatch) opts.ifMatch = extra.ifMatch;
  if (Object.keys(body).length) opts.body = body;
  return { opts };
}

/**
 * showDecided lists the queue again, saying what was decided (with "Show
 * it" for an accepted place).
 * @param {any} sg
 * @param {boolean} ok
 * @param {import('../edit/api.js').Answer} r
 */
async function showDecided(sg, ok, r) {
  const title = suggestionTitle(sg);
  const drawing = str(sg.kind) === 'area';
  /** @type {(Node | string)[]} */
  const msg = [el('span', { text: ok ? `Accepted “${title}”${drawing ? ': published as a drawing of the place' : ''}.` : `Rejected “${title}”.` })];
  if (ok && !drawing) {
    refreshAssets();
    const p = r.data && r.data.proposed && r.data.proposed.properties;
    const assetId = str(r.data && r.data.asset_id) || str(sg.asset_id) || str(p && p.id) || str(r.data && r.data.proposed && r.data.proposed.id);
    if (assetId) {
      msg.push(' ', button('Show it', {
        className: 'link-button', id: 'moderation-show',
        onclick: () => openAsset(assetId, { fly: true, focus: true }),
      }));
    }
  }
  await loadModeration(msg);
  const n = $('moderation-notice');
  if (n) n.focus();
}

/**
 * showChangedAgain replaces a suggestion whose asset changed (again) with
 * the comparison of the three versions as they are now.
 * @param {HTMLLIElement} li the suggestion in the queue
 * @param {any} sg
 * @param {any} d the 409's body: three_way, base_version, current_version
 */
function showChangedAgain(li, sg, d) {
  const fresh = renderSuggestion({ ...sg, stale: true, three_way: d.three_way, base_version: d.base_version, live_version: d.current_version });
  li.replaceWith(fresh);
  const err = /** @type {HTMLElement} */ (fresh.querySelector('.form-error'));
  err.replaceChildren(el('p', { text: 'This place changed since the suggestion was sent: compare the three versions, then accept onto the current one or reject.' }));
  const t = fresh.querySelector('.three-way');
  if (t) t.scrollIntoView({ block: 'nearest' });
  const btn = /** @type {HTMLElement | null} */ (fresh.querySelector('.accept-btn'));
  if (btn) btn.focus();
}

/**
 * renderSuggestion is a suggestion in the queue with Accept and Reject.
 * @param {any} sg
 * @returns {HTMLLIElement}
 */
function renderSuggestion(sg) {
  const id = str(sg.id);
  const reasonId = `reject-reason-${id}`;
  const reason = el('input', { type: 'text', id: reasonId, className: 'reject-reason', maxlength: 500, autocomplete: 'off', 'aria-describedby': `${reasonId}-error` });
  const reasonError = el('span', { id: `${reasonId}-error`, className: 'field-error' });
  const error = el('div', { className: 'form-error', role: 'alert' });
  const stale = sg.stale ? threeWay(sg) : null;
  const accept = button(stale ? `Accept onto version ${str(sg.live_version)}` : 'Accept', { className: 'btn btn-primary btn-small accept-btn' });
  const reject = button('Reject', { className: 'btn btn-small btn-danger-quiet reject-btn' });
  const dupSlot = el('div', { className: 'duplicates-slot' });
  const isDrawing = str(sg.kind) === 'area';
  const drawing = isDrawing ? drawingInfo(sg) : null;
  /** @type {HTMLLIElement | null} */
  let li = null;
  /**
   * @param {boolean} ok
   * @param {{body?: any, ifMatch?: string, place?: string}} [extra]
   */
  const decide = async (ok, extra = {}) => {
    if (drawing) extra = { ...extra, place: drawing.place() };
    error.replaceChildren();
    reasonError.textContent = '';
    reason.removeAttribute('aria-invalid');
    const why = reason.value.trim();
    if (!ok && !why) {
      reasonError.textContent = 'Say why: the person who suggested it will read it.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    const { opts, problem } = decisionRequest(sg, ok, why, stale, extra);
    if (problem) {
      error.replaceChildren(el('p', { text: problem }));
      return;
    }
    accept.disabled = reject.disabled = true;
    const r = await send('POST', `api/suggestions/${encodeURIComponent(id)}/${ok ? 'accept' : 'reject'}`, opts);
    accept.disabled = reject.disabled = false;
    if (!r.ok) {
      if (r.status === 401) sessionLost();
      const d = r.data || {};
      if (r.status === 409 && Array.isArray(d.duplicates) && d.duplicates.length) {
        dupSlot.replaceChildren(duplicatesBox(sg, d.duplicates, decide));
        const b = /** @type {HTMLElement | null} */ (dupSlot.querySelector('.merge-btn'));
        if (b) b.focus();
        return;
      }
      if (r.status === 409 && Array.isArray(d.three_way)) {
        if (li) showChangedAgain(li, sg, d);
        return;
      }
      error.replaceChildren(el('p', { text: `Not decided: ${messageOf(r)}` }));
      return;
    }
    await showDecided(sg, ok, r);
  };
  accept.addEventListener('click', () => decide(true));
  reject.addEventListener('click', () => decide(false));
  const staleNode = stale ? stale.node : null;
  const changes = Array.isArray(sg.changes) ? sg.changes : [];
  li = el('li', { className: sg.stale ? 'suggestion stale' : 'suggestion', dataset: { id, kind: str(sg.kind) } },
    el('p', { className: 'suggestion-title' }, el('strong', { text: suggestionTitle(sg) })),
    el('p', { className: 'suggestion-meta', text: `by ${who(sg.author_name, sg.author) || 'anonymous'} · ${fmtDate(sg.created_at)}` }),
    str(sg.comment) ? el('p', { className: 'suggestion-comment', text: `“${str(sg.comment)}”` }) : null,
    drawing ? drawing.node : changes.length ? changeList(changes, 'suggestion-changes') : el('p', { className: 'hint', text: 'No field changes.' }),
    staleNode,
    isDrawing ? button('Show the drawing', { className: 'link-button show-drawing', onclick: () => showDrawing(sg.proposed) }) : null,
    el('div', { className: 'field form-field' },
      el('label', { for: reasonId, className: 'field-label', text: 'Reason (needed to reject)' }),
      reason, reasonError),
    dupSlot,
    error,
    el('div', { className: 'form-buttons' }, accept, reject));
  return li;
}
