// @ts-check
// Refining a proposal in the map (editors and above): a block picked says
// which area it is in and offers "Move to" each neighbouring area; a move
// recolours the block, redraws the two areas' outlines and the report in
// place, and the change of the overall score is announced ("Overall 0.842
// → 0.845"); a move the engine refuses shows its reason. An area picked
// can be renamed; the draft can be published as a new release of the
// proposal's series. Visitors see the block's area, without the buttons.
//
// The neighbouring areas come from GET api/proposals/{slug}/blocks/{code}
// ({area, neighbours}) when the server has it; else from the blocks drawn
// around the picked one (just outside the middle of each of its edges),
// and the server's refusal says when one of them is not a neighbour.
//
// API used: GET api/proposals/{slug}/blocks/{code} (optional),
//   POST api/proposals/{slug}/moves, PATCH api/proposals/{slug}/areas/{code},
//   POST api/proposals/{slug}/publish (editors; CSRF through edit/api.js).
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str } from '../util.js';
import { map } from '../store.js';
import { send, messageOf } from '../edit/api.js';
import { canEdit, onAuthChange } from '../edit/session.js';
import { viewStatus } from './common.js';
import { codeOf } from './scales.js';
import { scoreChange, replaceFeatures } from './proposalkit.js';
import {
  pr, LAYERS, onProposal, assignment, afterChange, setAreas, loadProposal, loadList, selectBlock, mapLink, openSet,
} from './proposals.js';

/** Whether the server answers api/proposals/{slug}/blocks/{code}: null until asked. @type {boolean | null} */
let blockRoute = null;
/** The block whose neighbours were last asked for, against late answers. */
let asking = '';

/** @returns {string} the proposal's API path */
const base = () => `api/proposals/${encodeURIComponent(pr.slug)}`;

/**
 * areaName is an area's name as the report has it, else its code.
 * @param {string} code
 */
function areaName(code) {
  const names = pr.detail && pr.detail.names;
  if (names && typeof names === 'object' && str(names[code])) return str(names[code]);
  const r = pr.detail && pr.detail.report;
  const a = Array.isArray(r && r.areas) ? r.areas.find((/** @type {any} */ x) => str(x.code) === code) : null;
  return (a && str(a.name)) || code;
}

/**
 * renderedNeighbours are the areas of the blocks drawn just outside the
 * middle of each edge of the picked block, as far as it is drawn now.
 * @param {string} code
 * @returns {string[]}
 */
export function renderedNeighbours(code) {
  const m = map();
  if (!m.getLayer(LAYERS.fill)) return [];
  const own = str(assignment()[code]);
  const feats = m.queryRenderedFeatures({ layers: [LAYERS.fill], filter: /** @type {any} */ (['==', codeOf, code]) });
  const canvas = m.getCanvas();
  const w = canvas.clientWidth, h = canvas.clientHeight;
  /** @type {Set<string>} */
  const found = new Set();
  /** @param {number[][]} ring */
  const walk = (ring) => {
    const step = Math.max(1, Math.floor(ring.length / 300));
    for (let i = 0; i + step < ring.length; i += step) {
      const a = m.project(/** @type {[number, number]} */ (ring[i])), b = m.project(/** @type {[number, number]} */ (ring[i + step]));
      const len = Math.hypot(b.x - a.x, b.y - a.y);
      if (len < 3) continue;
      const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
      const nx = -(b.y - a.y) / len, ny = (b.x - a.x) / len;
      for (const s of [4, -4]) {
        const x = mx + nx * s, y = my + ny * s;
        if (x < 0 || y < 0 || x > w || y > h) continue;
        for (const f of m.queryRenderedFeatures([x, y], { layers: [LAYERS.fill] })) {
          const other = str(f.properties && f.properties.code);
          const area = str(assignment()[other]);
          if (other !== code && area && area !== own) found.add(area);
        }
      }
    }
  };
  for (const f of feats) {
    const g = /** @type {any} */ (f.geometry);
    if (g.type === 'Polygon') g.coordinates.forEach(walk);
    else if (g.type === 'MultiPolygon') for (const p of g.coordinates) p.forEach(walk);
  }
  return [...found].sort();
}

/**
 * neighbours answers the areas a block may move to: the server's answer
 * when it has the route, else those drawn around it.
 * @param {string} code
 * @returns {Promise<{areas: string[], exact: boolean, refused?: Map<string, string>}>}
 */
async function neighbours(code) {
  if (blockRoute !== false) {
    const r = await send('GET', `${base()}/blocks/${encodeURIComponent(code)}`);
    const list = r.ok && r.data ? (r.data.neighbours || r.data.neighbour_areas || r.data.adjacent) : null;
    if (Array.isArray(list)) {
      blockRoute = true;
      // The server tries each move against the rules: say beforehand why
      // one would be refused (the button stays, the server decides).
      /** @type {Map<string, string>} */
      const refused = new Map();
      for (const m of Array.isArray(r.data.moves) ? r.data.moves : []) {
        if (m && m.ok === false) refused.set(str(m.to), str(m.reason).replace(/^move: /, ''));
      }
      return { areas: list.map((x) => str(x && typeof x === 'object' ? x.code : x)).filter(Boolean), exact: true, refused };
    }
    if (blockRoute === null) blockRoute = false;
  }
  // Areas in another area of the nest-in set would be refused: left out.
  const r = pr.detail && pr.detail.report;
  const nests = new Map((Array.isArray(r && r.areas) ? r.areas : []).map((/** @type {any} */ a) => [str(a.code), str(a.nest)]));
  const own = nests.get(str(assignment()[code])) || '';
  return { areas: renderedNeighbours(code).filter((a) => !own || !nests.get(a) || nests.get(a) === own), exact: false };
}

/** renderPick shows the block or area picked, with the editor's actions. */
async function renderPick() {
  const box = $('prop-pick');
  const block = pr.block;
  const area = pr.area;
  box.hidden = !pr.detail || (!block && !area);
  $('prop-pick-moves').replaceChildren();
  viewStatus($('prop-move-status'), '');
  renderRename();
  if (box.hidden) return;
  $('prop-pick-title').textContent = block ? `Block ${block}` : areaName(area);
  $('prop-pick-sub').replaceChildren(...(block
    ? (area ? ['In ', el('strong', { text: areaName(area) }), ' ', el('code', { className: 'cell-code', text: area })] : ['In no area of the proposal.'])
    : [el('code', { className: 'cell-code', text: area })]));
  if (!block && area) {
    // The area's blocks, to pick one with the keyboard (or a screen reader).
    const blocks = Object.entries(assignment()).filter(([, a]) => str(a) === area).map(([b]) => b).sort();
    $('prop-pick-moves').replaceChildren(el('details', { className: 'prop-blocks' },
      el('summary', { text: `Its ${blocks.length} ${blocks.length === 1 ? 'block' : 'blocks'}` }),
      el('ul', { className: 'prop-block-list' }, ...blocks.map((b) => el('li', null, el('button', {
        type: 'button', className: 'link-button', text: b, dataset: { block: b },
        onclick: () => {
          selectBlock(b);
          $('prop-pick-title').focus();
        },
      }))))));
  }
  if (!block || !area || !canEdit()) return;
  asking = block;
  const slot = $('prop-pick-moves');
  slot.replaceChildren(el('p', { className: 'hint', text: 'Finding the neighbouring areas…' }));
  const { areas, exact, refused } = await neighbours(block);
  if (asking !== block || pr.block !== block) return;
  slot.replaceChildren(
    el('p', { className: 'hint', id: 'prop-moves-hint', text: areas.length
      ? `Move this block to a neighbouring area${exact ? '' : ' (as drawn around it on the map)'}:`
      : 'No neighbouring area in view: zoom in on the block to see where it could move.' }),
    el('div', { className: 'prop-moves', role: 'group', 'aria-labelledby': 'prop-moves-hint' }, ...areas.flatMap((to) => {
      const why = refused && refused.get(to);
      const button = el('button', {
        type: 'button', className: 'btn btn-small prop-move', dataset: { to },
        text: `Move to ${areaName(to)}`,
        onclick: () => move(block, to),
      });
      if (!why) return [button];
      const id = `prop-why-${to.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      button.setAttribute('aria-describedby', id);
      return [button, el('p', { className: 'hint prop-why', id, text: `Would be refused: ${why}` })];
    })));
}

/**
 * move asks the server to move a block to another area and redraws what
 * changed; a refusal shows the engine's reason.
 * @param {string} block
 * @param {string} to
 */
async function move(block, to) {
  const status = $('prop-move-status');
  const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#prop-pick-moves button'));
  buttons.forEach((b) => { b.disabled = true; });
  viewStatus(status, '');
  const before = pr.detail.report && pr.detail.report.overall;
  const slug = pr.slug;
  const r = await send('POST', `${base()}/moves`, { body: { block, to, version: Number(pr.detail.version) || 0 } });
  if (slug !== pr.slug) return;
  buttons.forEach((b) => { b.disabled = false; });
  if (!r.ok) {
    viewStatus(status, `This move was refused: ${messageOf(r).replace(/^move: /, '')}`, true);
    if (stale(r)) reloadIfChanged();
    return;
  }
  const d = r.data || {};
  const moved = d.moved && typeof d.moved === 'object' ? d.moved : { block, to };
  pr.detail.version = d.version;
  if (d.report) pr.detail.report = d.report;
  pr.detail.dirty = true;
  assignment()[str(moved.block) || block] = str(moved.to) || to;
  const changed = d.areas && Array.isArray(d.areas.features) ? d.areas.features : [];
  setAreas(replaceFeatures(pr.areas, changed));
  pr.area = str(moved.to) || to;
  afterChange();
  $('prop-live').textContent = `${scoreChange(before, pr.detail.report && pr.detail.report.overall)}: block ${block} moved to ${areaName(pr.area)}.`;
}

/**
 * stale: whether a write was refused because the proposal changed since
 * it was read (409 with stale, or a 409 that does not say).
 * @param {import('../edit/api.js').Answer} r
 */
const stale = (r) => r.status === 409 && !(r.data && r.data.stale === false);

/**
 * reloadIfChanged reloads the proposal when someone else changed it
 * (its version moved on), keeping the map where it is.
 */
async function reloadIfChanged() {
  const slug = pr.slug;
  const r = await send('GET', base());
  if (!r.ok || slug !== pr.slug || !pr.detail || Number(r.data.version) === Number(pr.detail.version)) return;
  const block = pr.block;
  await loadProposal(slug, { keepView: true });
  if (block) selectBlock(block);
  $('prop-live').textContent = 'Someone else changed this proposal: it now shows their changes.';
}

/** renderRename offers editors a new name for the area picked. */
function renderRename() {
  const slot = $('prop-rename-slot');
  const area = pr.area;
  if (!area || !canEdit() || !pr.detail) {
    slot.replaceChildren();
    return;
  }
  const input = el('input', { type: 'text', id: 'prop-rename-input', value: areaName(area) === area ? '' : areaName(area), autocomplete: 'off', required: true });
  const form = el('form', { className: 'prop-rename', novalidate: true },
    el('div', { className: 'field form-field' }, el('label', { for: input.id, className: 'field-label', text: `Name of ${area}` }), input),
    el('div', { className: 'form-buttons' }, el('button', { type: 'submit', className: 'btn btn-small', id: 'prop-rename-save', text: 'Rename' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    rename(area, str(input.value));
  });
  slot.replaceChildren(form);
}

/**
 * rename gives an area a new name.
 * @param {string} code
 * @param {string} name
 */
async function rename(code, name) {
  const status = $('prop-move-status');
  if (!name) {
    viewStatus(status, 'Give the area a name.', true);
    return;
  }
  const r = await send('PATCH', `${base()}/areas/${encodeURIComponent(code)}`, { body: { name, version: Number(pr.detail.version) || 0 } });
  if (!r.ok) {
    viewStatus(status, `Could not rename it: ${messageOf(r)}`, true);
    if (stale(r)) reloadIfChanged();
    return;
  }
  const d = r.data || {};
  if (d.version !== undefined) pr.detail.version = d.version;
  for (const a of (pr.detail.report && pr.detail.report.areas) || []) if (str(a.code) === code) a.name = name;
  pr.detail.names = { ...(pr.detail.names && typeof pr.detail.names === 'object' ? pr.detail.names : {}), [code]: name };
  pr.detail.dirty = true;
  setAreas({ ...pr.areas, features: pr.areas.features.map((f) => (str(f.properties && f.properties.code) === code ? { ...f, properties: { ...f.properties, name } } : f)) });
  afterChange();
  $('prop-live').textContent = `Area ${code} is now called ${name}.`;
}

/** renderPublish offers editors to publish the draft as a new release. */
function renderPublish() {
  const box = /** @type {HTMLDetailsElement} */ ($('prop-publish'));
  box.hidden = !canEdit() || !pr.detail;
  if (box.hidden) return;
  if (!$('prop-pub-form')) buildPublish();
  if (box.dataset.slug !== pr.slug) {
    // Another proposal: the form starts afresh.
    box.dataset.slug = pr.slug;
    /** @type {HTMLFormElement} */ ($('prop-pub-form')).reset();
    $('prop-pub-result').hidden = true;
    $('prop-pub-error').textContent = '';
  }
  // A draft unchanged since its last release has nothing to publish.
  const unchanged = !pr.detail.dirty && Array.isArray(pr.detail.published) && pr.detail.published.length > 0;
  /** @type {HTMLButtonElement} */ ($('prop-pub-submit')).disabled = unchanged;
  $('prop-pub-hint').textContent = unchanged
    ? 'Nothing has changed since the last release: move or rename something first.'
    : 'The draft becomes a new boundary set, the next release of the proposal\'s series.';
}

/** buildPublish makes the publish form, once. */
function buildPublish() {
  const slug = el('input', { type: 'text', id: 'prop-pub-slug', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'prop-pub-hint prop-pub-slug-hint' });
  const title = el('input', { type: 'text', id: 'prop-pub-title', autocomplete: 'off', 'aria-describedby': 'prop-pub-title-hint' });
  const form = el('form', { id: 'prop-pub-form', novalidate: true },
    el('p', { className: 'hint', id: 'prop-pub-hint', text: 'The draft becomes a new boundary set, the next release of the proposal\'s series.' }),
    el('div', { className: 'field form-field' }, el('label', { for: slug.id, className: 'field-label', text: 'Slug of the new set' }), slug,
      el('span', { className: 'hint', id: 'prop-pub-slug-hint', text: 'Left empty: the series\' slug and the release\'s number.' })),
    el('div', { className: 'field form-field' }, el('label', { for: title.id, className: 'field-label', text: 'Title' }), title,
      el('span', { className: 'hint', id: 'prop-pub-title-hint', text: 'Left empty: the proposal\'s title.' })),
    el('p', { id: 'prop-pub-error', className: 'form-error', role: 'alert' }),
    el('p', { id: 'prop-pub-result', className: 'notice', role: 'status', hidden: true }),
    el('div', { className: 'form-buttons' }, el('button', { type: 'submit', className: 'btn btn-primary', id: 'prop-pub-submit', text: 'Publish' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    publish(str(slug.value), str(title.value));
  });
  $('prop-publish-slot').replaceChildren(form);
}

/**
 * publish makes the draft a new release and links to it on the map.
 * @param {string} slug
 * @param {string} title
 */
async function publish(slug, title) {
  const error = $('prop-pub-error');
  const result = $('prop-pub-result');
  const button = /** @type {HTMLButtonElement} */ ($('prop-pub-submit'));
  error.textContent = '';
  result.hidden = true;
  if (slug && !/^[a-z0-9][a-z0-9-]*$/.test(slug)) {
    error.textContent = 'The slug should be lower-case letters, digits and hyphens (or left empty).';
    $('prop-pub-slug').focus();
    return;
  }
  button.disabled = true;
  const r = await send('POST', `${base()}/publish`, { body: { slug, title, version: Number(pr.detail && pr.detail.version) || 0 } });
  button.disabled = false;
  renderPublish();
  if (!r.ok) {
    error.textContent = messageOf(r);
    return;
  }
  const set = str(r.data && r.data.set) || slug;
  const series = str(r.data && r.data.series);
  result.replaceChildren(`Published as ${set}${series ? `, a release of ${series}` : ''}. `,
    el('a', { href: mapLink(set), id: 'prop-pub-link', text: `Show ${set} on the map`, onclick: (/** @type {MouseEvent} */ ev) => openSet(ev, set) }));
  result.hidden = false;
  if (pr.detail) {
    pr.detail.published = Array.isArray(r.data && r.data.published) ? r.data.published : [...(Array.isArray(pr.detail.published) ? pr.detail.published : []), set];
    if (r.data && r.data.version !== undefined) pr.detail.version = r.data.version;
    pr.detail.dirty = false;
    afterChange();
  }
  loadList({ force: true });
}

/** setupProposalEdit follows the proposal shown and who is signed in. */
export function setupProposalEdit() {
  const redraw = () => {
    renderPick();
    renderPublish();
  };
  onProposal(redraw);
  onAuthChange(redraw);
}
