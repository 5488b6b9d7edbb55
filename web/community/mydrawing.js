// @ts-check
// A resident's own drawing: after sending it, how their outline sits
// against everyone else's (the place's drawings surface, their outline on
// top) and the private link that brings them back to it; that link
// (#my-drawing/ID?key=KEY) opens the drawing, its status, and lets them
// redraw, rename or re-answer it.
//
// API used (same origin, relative URLs):
//   GET api/drawings/{id}?key=KEY   the resident's drawing: a Feature
//       (properties name, place, status pending|published|rejected, answers)
//   GET api/places/{slug}/drawings/surface   (drawsurface.js)
//   PUT api/drawings/{id}?key=KEY   (drawing.js)
//
// Security: API text reaches the page only through el()/textContent. The
// key is only ever in the address the resident keeps and in the requests
// for their drawing.

import { el, str, unionBBox, geometryBBox } from '../util.js';
import { mapIfReady } from '../store.js';
import { hashFor, holdMapHash } from '../router.js';
import { showPane } from '../panel/details.js';
import { copyRow } from '../panel/copylink.js';
import { padMapNow } from '../panel/sheet.js';
import { send, messageOf } from '../edit/api.js';
import { currentActive, setActive, endActive, button } from '../edit/active.js';
import { mapLegend } from '../views/common.js';
import {
  surfaceLayers, showSurface, removeSurface, fetchSurface, surfaceLegend, drawingsCount,
} from '../views/drawsurface.js';
import { answersOf } from '../format.js';
import { startChangeDrawing } from './drawing.js';
import { notice } from './changelist.js';

const L = surfaceLayers('my-drawing');

/**
 * A resident's drawing as the pane shows it.
 * @typedef {object} MyDrawing
 * @property {string} id
 * @property {string} key
 * @property {string} place the place's slug
 * @property {string} placeName
 * @property {string} name
 * @property {Record<string, string>} answers
 * @property {any} geometry
 * @property {string} status pending, published or rejected
 */

const STATUS_TEXT = /** @type {Record<string, string>} */ ({
  pending: 'Waiting for a moderator: others see it once it is published.',
  published: 'Published: it counts among the residents’ drawings of the place.',
  rejected: 'Not published: a moderator turned it down. You can change it and send it again.',
});

/**
 * privateLink is the address that reopens a drawing.
 * @param {string} id
 * @param {string} key
 * @returns {string}
 */
export function privateLink(id, key) {
  return location.href.split('#')[0] + hashFor({ view: 'map', drawing: id, key });
}

/** @param {string} slug */
async function placeName(slug) {
  const r = await send('GET', `api/places/${encodeURIComponent(slug)}`);
  return (r.ok && r.data && str(r.data.name)) || slug;
}

/**
 * showSent shows a drawing just sent (POST api/suggestions or PUT
 * api/drawings/{id}): the thanks, the private link and the surface.
 * @param {any} data the 202's body: drawing, edit_key (new), status
 * @param {any} body what was sent
 * @param {{id: string, key: string} | null} change the drawing changed
 */
export async function showSent(data, body, change) {
  const id = change ? change.id : str(data.drawing);
  const key = change ? change.key : str(data.edit_key);
  /** @type {MyDrawing} */
  const d = {
    id, key, place: str(body.place), placeName: await placeName(str(body.place)),
    name: str(body.feature.properties.name), answers: answersOf(body.answers), geometry: body.feature.geometry, status: 'pending',
  };
  const thanks = change
    ? 'Thank you: your change waits for a moderator. Until then the version published before stays as it is.'
    : 'Thank you: a moderator will check your drawing before others see it.';
  await showDrawing(d, thanks);
}

/**
 * openMyDrawing opens a drawing by its private link (#my-drawing/ID?key=KEY).
 * @param {string} id
 * @param {string} key
 */
export async function openMyDrawing(id, key) {
  if (!mapIfReady()) return;
  holdMapHash(true);
  try {
    await openDrawing(id, key);
  } finally {
    // After the address writes the closed selection asked for.
    setTimeout(() => holdMapHash(false), 0);
  }
}

/**
 * @param {string} id
 * @param {string} key
 */
async function openDrawing(id, key) {
  endActive({ close: true });
  showPane('Your drawing', [el('p', { className: 'muted', text: 'Loading…' })]);
  const r = id && key ? await send('GET', `api/drawings/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`) : null;
  if (!r || !r.ok || !r.data) {
    const lost = !r || r.status === 403 || r.status === 404 || r.status === 401;
    showPane('Your drawing', [el('p', { id: 'my-drawing-error', className: 'form-error', role: 'alert', tabindex: '-1',
      text: lost ? 'This link does not open a drawing. Check that the whole link was copied: its key must match the drawing’s.'
        : `Could not load your drawing: ${messageOf(r)}` })], { focus: true });
    return;
  }
  const x = r.data;
  const f = x.type === 'Feature' ? x : x.feature || {};
  const p = f.properties || {};
  const place = str(x.place) || str(p.place);
  await showDrawing({
    id, key, place, placeName: str(p.place_name) || await placeName(place),
    name: str(p.name) || str(x.name), answers: answersOf(x.answers || p.answers), geometry: f.geometry,
    status: str(x.status) || str(p.status) || 'pending',
  }, '');
}

/**
 * showDrawing shows a resident's drawing in the panel (its status, name,
 * answers, private link, "Change my drawing") and on the map against the
 * place's published drawings.
 * @param {MyDrawing} d
 * @param {string} thanks the notice after sending ('' when opened by its link)
 */
async function showDrawing(d, thanks) {
  endActive({ close: true });
  const active = { kind: 'my-drawing', cleanup: () => { removeSurface(L); mapLegend(); } };
  setActive(active);
  const count = el('p', { id: 'my-drawing-count', className: 'hint', role: 'status', text: 'Loading everyone else’s drawings…' });
  const answers = Object.entries(d.answers);
  const nodes = [
    thanks ? notice('suggest-thanks', thanks) : null,
    el('h3', { id: 'my-drawing-name', text: d.name || '(unnamed)' }),
    el('p', { className: 'row-meta', text: `A drawing of ${d.placeName}` }),
    el('p', { id: 'my-drawing-status', className: `badge drawing-${d.status}`, dataset: { status: d.status }, text: STATUS_TEXT[d.status] || d.status }),
    answers.length ? el('dl', { className: 'fields drawing-answers' }, ...answers.flatMap(([q, a]) => [el('dt', { text: q }), el('dd', { text: a })])) : null,
    el('section', { className: 'private-link', 'aria-labelledby': 'my-drawing-link-heading' },
      el('h4', { id: 'my-drawing-link-heading', className: 'subheading', text: 'Keep this link to change your drawing' }),
      el('p', { className: 'hint', text: thanks
        ? 'Anyone with this link can change your drawing: keep it to yourself. It is the only way back to it, and cannot be shown to you again.'
        : 'Anyone with this link can change your drawing: keep it to yourself.' }),
      copyRow(() => privateLink(d.id, d.key), { text: 'Copy the link', fieldLabel: 'Your drawing’s private link', shown: true, id: 'my-drawing-copy' })),
    el('section', { className: 'drawings-against', 'aria-labelledby': 'my-drawing-against-heading' },
      el('h4', { id: 'my-drawing-against-heading', className: 'subheading', text: 'Your outline and everyone else’s' }), count),
    el('div', { className: 'form-buttons' },
      d.key ? button('Change my drawing', { id: 'my-drawing-change', onclick: () => change(d) }) : null,
      button('Close', { id: 'my-drawing-close', onclick: () => endActive({ close: true }) })),
  ];
  showPane('Your drawing', nodes.filter((n) => n !== null));
  const focus = document.getElementById(thanks ? 'suggest-thanks' : 'my-drawing-name');
  if (focus) { if (!thanks) focus.setAttribute('tabindex', '-1'); focus.focus(); }
  const own = { type: 'Feature', geometry: d.geometry, properties: {} };
  let faces = [], drawings = 0;
  try {
    ({ features: faces, drawings } = await fetchSurface(d.place));
  } catch (err) {
    count.textContent = `Could not load the place’s drawings: ${err.message}`;
  }
  // Closed or changed meanwhile: nothing more to draw.
  if (!mapIfReady() || currentActive() !== active) return;
  showSurface(L, faces, own, { own: true });
  if (drawings) {
    count.textContent = `${drawingsCount(drawings)} of ${d.placeName} published so far. Darker parts are included by more of them; your outline is the red line.`;
  } else if (!count.textContent.startsWith('Could not')) {
    count.textContent = `No drawing of ${d.placeName} is published yet: yours may be the first. Your outline is the red line.`;
  }
  mapLegend(...surfaceLegend(d.placeName, faces, drawings, { label: 'Your drawing', own: true }));
  const box = unionBBox([geometryBBox(d.geometry), ...faces.map((f) => geometryBBox(f.geometry))]);
  // At once, with the sheet's padding (on a phone) as it will stay: a fit
  // still moving when the sheet settles would be stopped half-way.
  padMapNow();
  if (box) mapIfReady()?.fitBounds(box, { padding: 32, maxZoom: 16, duration: 0 });
}

/**
 * change starts changing the drawing: the outline tool seeded with it.
 * @param {MyDrawing} d
 */
function change(d) {
  const c = { id: d.id, key: d.key };
  startChangeDrawing(c, { place: d.place, name: d.name, answers: d.answers, geometry: d.geometry },
    (data, body) => showSent(data, body, c), () => showDrawing(d, ''));
}
