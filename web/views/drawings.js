// @ts-check
// The Places view's "Residents' drawings": how many residents include each
// part of the place (the drawings surface, faces filled by share), how many
// drew it, a threshold slider that draws the outline a share of them cover
// with its area, what they said, and, for moderators, "Adopt the
// consensus": that outline made an area of a community set, with its
// provenance. One decision over many drawings, never one drawing.
//
// API used (same origin, relative URLs):
//   GET  api/places/{slug}/drawings/surface[?threshold=]   (drawsurface.js)
//   GET  api/places/{slug}/drawings?limit=&offset=   published drawings:
//        properties id, name, answers [{question, answer}], created_at; numberMatched
//   POST api/places/{slug}/drawings/adopt {set, code, name, threshold}
//        (moderator+, CSRF; code a slug) -> 201 the area: properties set,
//        code, name and properties {from_drawings, threshold, method}
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, fetchJSON, numberFormat } from '../util.js';
import { km2, fmtDate } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { mapHashFor } from '../maplink.js';
import { refreshSet } from '../map/layers.js';
import { rank, MODERATOR_RANK, onAuthChange } from '../edit/session.js';
import { send, messageOf } from '../edit/api.js';
import { setLayersVisible, viewStatus, fillSelect } from './common.js';
import {
  surfaceLayers, surfaceLayerIds, showSurface, setOutline, fetchSurface, fetchOutline, surfaceLegend, drawingsCount,
} from './drawsurface.js';

const L = surfaceLayers('place-drawings');
export const DRAWINGS_LAYERS = L;
const SAID_LIMIT = 20;

/**
 * The drawings of the place shown (window.placemap.views.places.drawings).
 * @typedef {object} DrawingsState
 * @property {string} slug
 * @property {string} name the place's name
 * @property {number} drawings how many are published
 * @property {any[]} faces the surface
 * @property {boolean} shown whether the map shows them (instead of the definitions' agreement)
 * @property {number} threshold 0.1–1
 * @property {number | null} area of the outline at the threshold, m² (null: none)
 * @property {number} seq of the last load
 */

/** @type {DrawingsState} */
export const dr = { slug: '', name: '', drawings: 0, faces: [], shown: false, threshold: 0.5, area: null, seq: 0 };

/**
 * What the Places view gives: the layers the drawings replace on the map
 * when shown, how to redraw its legend, and how to list the place's
 * definitions again (an adopted consensus is one).
 * @type {{agreementLayers: string[], legend: () => void, adopted: () => void}}
 */
export const drawingsHooks = { agreementLayers: [], legend: () => {}, adopted: () => {} };

/** @returns {string[]} the drawings' layers, when shown */
export function drawingsLayerIds() {
  return dr.shown ? surfaceLayerIds(L) : [];
}

/** @returns {HTMLElement[] | null} the legend of the drawings, when shown */
export function drawingsLegend() {
  if (!dr.shown) return null;
  return surfaceLegend(dr.name, dr.faces, dr.drawings, { label: `Drawn by at least ${Math.round(dr.threshold * 100)}% of them`, own: false });
}

/**
 * showOnMap shows the drawings on the map instead of the definitions'
 * agreement (or back).
 * @param {boolean} on
 */
function showOnMap(on) {
  dr.shown = on;
  /** @type {HTMLInputElement} */ ($('place-drawings-show')).checked = on;
  const here = state.view === 'places';
  setLayersVisible(surfaceLayerIds(L), on && here);
  setLayersVisible(drawingsHooks.agreementLayers, !on && here);
  drawingsHooks.legend();
}

let built = false;

function build() {
  if (built) return;
  built = true;
  $('place-drawings-show').addEventListener('change', (ev) => showOnMap(/** @type {HTMLInputElement} */ (ev.target).checked));
  const slider = /** @type {HTMLInputElement} */ ($('place-drawings-threshold'));
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  slider.addEventListener('input', () => {
    setThreshold(Number(slider.value) / 100);
    clearTimeout(timer);
    timer = setTimeout(() => loadOutline(dr.slug, dr.seq), 150);
  });
  $('adopt-form').addEventListener('submit', (ev) => { ev.preventDefault(); adopt(); });
  onAuthChange(adoptForAccount);
}

/**
 * setThreshold shows the slider's share in its label, its value text and
 * the adopt form.
 * @param {number} t
 */
function setThreshold(t) {
  dr.threshold = t;
  const pc = `${Math.round(t * 100)}%`;
  $('place-drawings-threshold-value').textContent = pc;
  $('place-drawings-threshold').setAttribute('aria-valuetext', `${pc} of the drawings`);
  $('adopt-threshold').textContent = `Threshold: ${pc} of the drawings (the slider above).`;
}

/** adoptForAccount shows "Adopt the consensus" to moderators. */
function adoptForAccount() {
  const form = $('adopt-form');
  const on = rank() >= MODERATOR_RANK && dr.drawings > 0;
  form.hidden = !on;
  if (!on) return;
  const community = state.sets.filter((s) => str(s.kind) === 'community');
  const sel = /** @type {HTMLSelectElement} */ ($('adopt-set'));
  const was = sel.value;
  fillSelect(sel, community.map((s) => ({ value: s.slug, label: s.title || s.slug })), was || (community[0] ? community[0].slug : ''));
}

/** clearDrawings forgets the place's drawings and takes them off the map. */
export function clearDrawings() {
  ++dr.seq;
  dr.slug = '';
  dr.faces = [];
  dr.drawings = 0;
  dr.area = null;
  if (map().getSource(L.source)) showSurface(L, [], null, { visible: false });
  if (dr.shown) showOnMap(false);
}

/**
 * loadDrawings loads a place's drawings: the surface, the outline at the
 * threshold and what the residents said.
 * @param {string} slug
 * @param {string} name
 */
export async function loadDrawings(slug, name) {
  build();
  clearDrawings();
  const seq = dr.seq;
  dr.slug = slug;
  dr.name = name;
  const count = $('place-drawings-count');
  $('place-drawings-tools').hidden = true;
  /** @type {HTMLInputElement} */ ($('adopt-name')).value = name;
  /** @type {HTMLInputElement} */ ($('adopt-code')).value = `${slug}-residents`;
  $('adopt-notice').replaceChildren();
  viewStatus(count, 'Loading the drawings…');
  let s;
  try {
    s = await fetchSurface(slug);
  } catch (err) {
    if (seq === dr.seq) viewStatus(count, `Could not load the residents' drawings: ${err.message}`, true);
    return;
  }
  if (seq !== dr.seq) return;
  dr.faces = s.features;
  dr.drawings = s.drawings;
  viewStatus(count, s.drawings
    ? `${drawingsCount(s.drawings)} of ${name}. The surface counts how many include each part.`
    : `No resident's drawing of ${name} is published yet. Draw yours on the Map view: "Draw my neighbourhood".`);
  $('place-drawings-tools').hidden = !s.drawings;
  adoptForAccount();
  if (!s.drawings) return;
  showSurface(L, s.features, null, { visible: false });
  showOnMap(true);
  setThreshold(Number(/** @type {HTMLInputElement} */ ($('place-drawings-threshold')).value) / 100);
  loadOutline(slug, seq);
  loadSaid(slug, seq);
}

/**
 * loadOutline draws the outline the threshold's share of the drawings
 * covers, and says its area.
 * @param {string} slug
 * @param {number} seq
 */
async function loadOutline(slug, seq) {
  const t = dr.threshold;
  const note = $('place-drawings-outline');
  let o;
  try {
    o = await fetchOutline(slug, t);
  } catch (err) {
    if (seq === dr.seq && t === dr.threshold) viewStatus(note, `Could not draw the outline: ${err.message}`, true);
    return;
  }
  if (seq !== dr.seq || t !== dr.threshold) return;
  dr.area = o ? o.area : null;
  setOutline(L, o ? o.feature : null);
  const pc = `${Math.round(t * 100)}%`;
  viewStatus(note, o ? `The part at least ${pc} of them include: ${km2(o.area)} km².` : `No part is included by ${pc} of them.`);
  note.dataset.area = o ? String(o.area) : '';
  drawingsHooks.legend();
}

/**
 * loadSaid lists what the residents said: the name each uses and their
 * answers, newest first.
 * @param {string} slug
 * @param {number} seq
 */
async function loadSaid(slug, seq) {
  const list = $('place-drawings-list');
  list.replaceChildren();
  let fc;
  try {
    fc = await fetchJSON(`api/places/${encodeURIComponent(slug)}/drawings?limit=${SAID_LIMIT}`);
  } catch (err) {
    if (seq === dr.seq) list.replaceChildren(el('li', { className: 'muted', text: `Could not load them: ${err.message}` }));
    return;
  }
  if (seq !== dr.seq) return;
  const feats = Array.isArray(fc.features) ? fc.features : [];
  list.replaceChildren(...feats.map((/** @type {any} */ f) => {
    const p = f.properties || {};
    const answers = Array.isArray(p.answers) ? p.answers : [];
    return el('li', { className: 'drawing-said', dataset: { id: str(p.id) } },
      el('strong', { text: str(p.name) || '(unnamed)' }),
      el('span', { className: 'row-meta', text: ` · ${fmtDate(p.created_at)}${str(p.source) && str(p.source) !== 'placemap' ? ` · ${str(p.source)}` : ''}` }),
      answers.length ? el('dl', { className: 'fields drawing-answers' },
        ...answers.flatMap((/** @type {any} */ a) => [el('dt', { text: str(a.question) }), el('dd', { text: str(a.answer) })])) : null);
  }));
  const total = Number(fc.numberMatched);
  if (Number.isFinite(total) && total > feats.length) {
    list.append(el('li', { className: 'muted', text: `and ${numberFormat.format(total - feats.length)} more` }));
  }
}

/** adopt makes the outline at the threshold an area of a community set. */
async function adopt() {
  const set = /** @type {HTMLSelectElement} */ ($('adopt-set')).value;
  const codeInput = /** @type {HTMLInputElement} */ ($('adopt-code'));
  const code = codeInput.value.trim();
  const name = /** @type {HTMLInputElement} */ ($('adopt-name')).value.trim() || dr.name;
  const error = $('adopt-error');
  const codeError = $('adopt-code-error');
  const submit = /** @type {HTMLButtonElement} */ ($('adopt-submit'));
  error.replaceChildren();
  codeError.textContent = '';
  codeInput.removeAttribute('aria-invalid');
  if (!set) {
    error.replaceChildren(el('p', { text: 'This map has no community set to adopt it into.' }));
    return;
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code)) {
    codeError.textContent = code ? 'Use lower-case letters, digits and single hyphens, e.g. broomhill-residents.' : 'Give the new area a code.';
    codeInput.setAttribute('aria-invalid', 'true');
    codeInput.focus();
    return;
  }
  const threshold = dr.threshold;
  submit.disabled = true;
  const r = await send('POST', `api/places/${encodeURIComponent(dr.slug)}/drawings/adopt`, { body: { set, code, name, threshold } });
  submit.disabled = false;
  if (!r.ok) {
    error.replaceChildren(el('p', { text: `Not adopted: ${messageOf(r)}` }));
    return;
  }
  const p = (r.data && r.data.properties) || {};
  const prov = p.properties && typeof p.properties === 'object' ? p.properties : p;
  const n = Number(prov.from_drawings) || dr.drawings;
  const t = Number(prov.threshold) || threshold;
  const areaCode = str(p.code) || code;
  const areaName = str(p.name) || name;
  refreshSet(set);
  drawingsHooks.adopted();
  const href = mapHashFor({ sets: [set], area: { slug: set, code: areaCode } });
  const box = $('adopt-notice');
  box.replaceChildren(el('p', { className: 'notice', role: 'status', id: 'adopt-done' },
    `Adopted ${areaName} as ${areaCode} of ${setTitle(set)}: from ${drawingsCount(n)}, ${Math.round(t * 100)}% threshold. `,
    el('a', { id: 'adopt-link', href, text: `Show ${areaName} on the map` })));
  box.focus();
}

/**
 * drawingsClick says, for the part of the drawings surface clicked, how
 * many drawings include it; false when the drawings are not shown there.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 * @returns {boolean}
 */
export function drawingsClick(ev) {
  const m = map();
  if (!dr.shown || !m.getLayer(L.fill)) return false;
  const f = m.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  if (!f) return false;
  const p = f.properties || {};
  const share = Number(p.share) || 0;
  $('place-pick').replaceChildren(el('strong', { text: 'Residents’ drawings: ' }),
    `this part is in ${numberFormat.format(Number(p.count) || 0)} of ${drawingsCount(Number(p.of) || dr.drawings)} (${Math.round(share * 100)}%), ${km2(p.area_m2)} km².`);
  return true;
}
