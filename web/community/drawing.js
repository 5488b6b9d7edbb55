// @ts-check
// "Draw my neighbourhood": a resident draws the outline of a place as they
// know it (terra-draw), says which place it is, the name they use and
// answers the deployment's questions; no identity is asked. The drawing is
// evidence for the place, checked by a moderator, never an area of a set.
// The same outline tool and form change a drawing later, through its
// private link (mydrawing.js): the outline seeded with theirs.
//
// API used (same origin, relative URLs):
//   GET  api/places                      the places a drawing can be of
//   POST api/suggestions {kind: 'area', place, feature: Polygon with
//        properties.name, answers: {question: answer}, comment?, website_url}
//        -> 202 {id, status, drawing, edit_key, edit_url}
//   PUT  api/drawings/{id}?key=KEY {feature, answers, website_url} -> 202:
//        a new pending version (of the same place); the published one stays
//        live meanwhile
//   (GET api/config drawing_questions: the questions, read at start-up)

import { $, el, str } from '../util.js';
import { state, mapIfReady } from '../store.js';
import { setStatus, isNarrow, setPanelOpen } from '../panel/panel.js';
import { showPane } from '../panel/details.js';
import { send, messageOf } from '../edit/api.js';
import { currentActive, setActive, endActive, button, showBanner, hideBanner } from '../edit/active.js';
import { makeDraw, stopDraw, polygonsOf, finishPolygon, loadAreaInto } from '../edit/draw.js';
import { fitAbove } from '../panel/sheet.js';
import { honeypot, postSuggestion } from './suggest.js';

/** The questions asked when the deployment configures none. */
export const DEFAULT_QUESTIONS = Object.freeze(['What do you call this area?', 'What makes it your neighbourhood?']);

/**
 * What a drawing says, to seed the form when it is changed.
 * @typedef {object} DrawingValues
 * @property {string} place the place's slug
 * @property {string} name the name the resident uses
 * @property {Record<string, string>} answers by question
 * @property {any} [geometry] the outline to start from
 */

/**
 * How a drawing is sent: a new one (POST api/suggestions) or a change of
 * one (PUT api/drawings/{id}?key=KEY); done gets the 202's body and what was sent.
 * @typedef {object} DrawingTarget
 * @property {{id: string, key: string} | null} change
 * @property {(data: any, body: any) => void} done
 * @property {() => void} [cancel] what Cancel goes back to (else nothing is open)
 */

/** @returns {string[]} the questions this deployment asks about a drawing */
export function drawingQuestions() {
  const q = /** @type {any} */ (state.config).drawing_questions;
  return Array.isArray(q) ? q.map(str).filter(Boolean) : DEFAULT_QUESTIONS.slice();
}

/** @type {any[] | null} */
let placesCache = null;

/** @returns {Promise<any[]>} the places a drawing can be of */
async function placeList() {
  if (placesCache) return placesCache;
  const r = await send('GET', 'api/places');
  const list = r.ok && r.data && Array.isArray(r.data.places) ? r.data.places : [];
  if (r.ok) placesCache = list;
  return list;
}

/**
 * startOutline starts the outline tool: clicked corners (new), or the
 * resident's outline seeded with its corners to drag (seed). The form
 * opens when the outline is closed, or at once for a seeded one.
 * @param {DrawingValues | null} seed
 * @param {DrawingTarget} target
 */
function startOutline(seed, target) {
  if (!mapIfReady()) return;
  endActive({ close: true });
  let draw;
  try {
    draw = makeDraw();
  } catch (err) {
    setStatus(`Could not start drawing: ${err.message}`, true);
    return;
  }
  const a = { kind: seed ? 'change-drawing' : 'suggest-draw', draw, cleanup: () => { hideBanner(); stopDraw(draw); }, onMapClick: () => {} };
  setActive(a);
  if (seed && seed.geometry) {
    let ids;
    try {
      ids = loadAreaInto(draw, seed.geometry);
    } catch (err) {
      endActive();
      setStatus(`Could not change the outline: ${err.message}`, true);
      return;
    }
    if (ids.length) {
      drawingForm(draw, ids[0], seed, target);
      fitAbove(seed.geometry);
      return;
    }
  }
  draw.setMode('polygon');
  const back = () => { endActive({ close: true }); const b = $('suggest-draw'); if (b) b.focus(); };
  showBanner('Click or tap around your neighbourhood; then the first point again, or Finish.', [
    button('Finish', { className: 'btn btn-small btn-primary', id: 'draw-hood-finish', onclick: () => finishPolygon() }),
    button('Cancel', { className: 'btn btn-small', id: 'draw-hood-cancel', onclick: back }),
  ]);
  if (isNarrow()) setPanelOpen(false);
  draw.on('finish', (id, context) => {
    if (currentActive() !== a || !context || context.mode !== 'polygon') return;
    hideBanner();
    if (isNarrow()) setPanelOpen(true);
    draw.setMode('select');
    draw.selectFeature(id);
    drawingForm(draw, id, seed, target);
    // On a phone the form is in the half-open sheet: the outline it asks
    // about is fitted into the map above it.
    const rings = polygonsOf(draw, [id])[0];
    if (isNarrow() && rings) fitAbove({ type: 'Polygon', coordinates: rings });
  });
}

/**
 * startDrawNeighbourhood: "Draw my neighbourhood". Corners are clicked on
 * the map; closing the outline opens the form.
 * @param {(data: any, body: any) => void} done shows what was sent
 */
export function startDrawNeighbourhood(done) {
  startOutline(null, { change: null, done });
}

/**
 * startChangeDrawing changes a drawing opened by its private link: the
 * outline tool seeded with it and the form with what it says.
 * @param {{id: string, key: string}} change
 * @param {DrawingValues} seed
 * @param {(data: any, body: any) => void} done
 * @param {() => void} cancel back to the drawing as it was
 */
export function startChangeDrawing(change, seed, done, cancel) {
  startOutline(seed, { change, done, cancel });
}

/**
 * field is a labelled form field.
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} input
 * @param {HTMLElement | null} [extra]
 */
function field(id, label, input, extra) {
  return el('div', { className: 'field form-field' }, el('label', { for: id, className: 'field-label', text: label }), input, extra || null);
}

/**
 * drawingForm asks which place the drawing is of, the name the resident
 * uses and the deployment's questions, then sends it.
 * @param {import('terra-draw').TerraDraw} draw
 * @param {string | number} drawnId
 * @param {DrawingValues | null} seed
 * @param {DrawingTarget} target
 */
async function drawingForm(draw, drawnId, seed, target) {
  const a = currentActive();
  const places = await placeList();
  if (currentActive() !== a) return;
  const questions = drawingQuestions();
  const given = seed ? seed.answers : {};
  const hp = honeypot();
  const error = el('div', { id: 'draw-hood-error', className: 'form-error', role: 'alert' });
  const placeSel = el('select', { id: 'draw-hood-place', required: true, 'aria-describedby': 'draw-hood-place-error' },
    el('option', { value: '', text: 'Choose the place' }),
    ...places.map((p) => el('option', { value: str(p.slug), text: str(p.name) || str(p.slug) })));
  placeSel.value = seed ? seed.place : '';
  const placeError = el('span', { id: 'draw-hood-place-error', className: 'field-error',
    text: places.length || target.change ? '' : 'This map has no places yet to draw: whoever runs it adds them first.' });
  const name = el('input', { type: 'text', id: 'draw-hood-name', required: true, maxlength: 200, autocomplete: 'off', 'aria-describedby': 'draw-hood-name-error' });
  name.value = seed ? seed.name : '';
  const nameError = el('span', { id: 'draw-hood-name-error', className: 'field-error' });
  // Only this map's questions may be answered (answers to questions no
  // longer asked are dropped on a change).
  const asked = questions;
  const answers = asked.map((q, i) => {
    const t = el('textarea', { id: `draw-hood-answer-${i}`, rows: 2, maxlength: 1000, dataset: { question: q } });
    t.value = given[q] || '';
    return t;
  });
  const comment = el('textarea', { id: 'draw-hood-comment', rows: 2, maxlength: 1000 });
  const submit = el('button', { type: 'submit', id: 'draw-hood-submit', className: 'btn btn-primary', text: target.change ? 'Send the change' : 'Send my neighbourhood' });
  const cancel = () => {
    endActive({ close: true });
    if (target.cancel) {
      target.cancel();
      return;
    }
    const b = $('suggest-draw');
    if (b) b.focus();
  };
  const form = el('form', { id: 'draw-hood-form', className: 'asset-form', noValidate: true },
    el('p', { className: 'instructions', text: 'Drag the corners on the map to adjust the outline. A moderator checks each drawing before others see it; it is shown without who drew it.' }),
    target.change ? el('p', { className: 'row-meta', text: `A drawing of ${placeSel.selectedOptions[0] ? placeSel.selectedOptions[0].text : (seed && seed.place) || ''}` })
      : field('draw-hood-place', 'Which place is it?', placeSel, placeError),
    field('draw-hood-name', 'The name you use for it', name, nameError),
    ...answers.map((t, i) => field(t.id, `${asked[i]} (optional)`, t)),
    target.change ? null : field('draw-hood-comment', 'Comment for the moderators (optional)', comment),
    hp.wrap, error,
    el('div', { className: 'form-buttons' }, submit, button('Cancel', { id: 'draw-hood-cancel-form', onclick: cancel })));
  /** @param {HTMLElement} input @param {HTMLElement} slot @param {string} text */
  const invalid = (input, slot, text) => {
    slot.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    error.replaceChildren();
    for (const [input, slot] of [[placeSel, placeError], [name, nameError]]) {
      slot.textContent = '';
      input.removeAttribute('aria-invalid');
    }
    if (!target.change && !placeSel.value) return invalid(placeSel, placeError, 'Choose the place your drawing is of.');
    if (!name.value.trim()) return invalid(name, nameError, 'Give it the name you call it.');
    const rings = polygonsOf(draw, [drawnId])[0];
    if (!rings || !rings[0] || rings[0].length < 4) {
      error.replaceChildren(el('p', { text: 'The outline needs at least three corners.' }));
      return;
    }
    /** @type {Record<string, string>} */
    const said = {};
    answers.forEach((t) => { if (t.value.trim()) said[str(t.dataset.question)] = t.value.trim(); });
    const feature = { type: 'Feature', properties: { name: name.value.trim() }, geometry: { type: 'Polygon', coordinates: rings } };
    // A change keeps the drawing's place.
    const body = target.change ? { feature, answers: said, website_url: hp.input.value }
      : { kind: 'area', place: placeSel.value, answers: said, comment: comment.value.trim(), website_url: hp.input.value, feature };
    submit.disabled = true;
    try {
      const showError = (/** @type {string} */ m) => error.replaceChildren(el('p', { text: `Not sent: ${m}` }));
      if (target.change) {
        const c = target.change;
        const r = await send('PUT', `api/drawings/${encodeURIComponent(c.id)}?key=${encodeURIComponent(c.key)}`, { body });
        if (r.status === 202 || r.ok) target.done(r.data || {}, { ...body, place: seed ? seed.place : '' });
        else showError(messageOf(r));
      } else {
        const r = await postSuggestion(body, showError);
        if (r) target.done(r.data || {}, body);
      }
    } finally {
      submit.disabled = false;
    }
  });
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } });
  showPane(target.change ? 'Change my drawing' : 'Draw my neighbourhood', [form]);
  (target.change ? name : placeSel).focus();
}
