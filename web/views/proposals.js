// @ts-check
// The Proposals view: shared sets of neighbourhoods proposed from building
// blocks (issue 18). #proposals lists them (and, for editors, offers the
// form that proposes one: proposalform.js); #proposal/SLUG colours the
// block set's tiles by the proposed area of each block (neighbouring areas
// in different colours of the palette), outlines and names the areas, and
// shows the report in the panel (proposalreport.js). Editors move blocks,
// rename areas and publish (proposaledit.js, which follows onProposal).
//
// API used (same origin, relative URLs):
//   GET api/proposals, api/proposals/{slug}, api/proposals/{slug}/areas
//   tiles/{blocks}/{z}/{x}/{y}.mvt   the block set's tiles (its source on the map)
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { state, map, setTitle } from '../store.js';
import { hashFor, navigate } from '../router.js';
import { setSourceId } from '../map/layers.js';
import { SET_PALETTE } from '../palette.js';
import { NONE, codeOf } from './scales.js';
import {
  NO_DATA, A_LINE, hasSet, addLayer, removeLayers, setLayersVisible, fitBBox, bboxOfFeatures, viewStatus,
  mapLegend, legendRow, lineKey, layerViewHooks,
} from './common.js';
import { areaNeighbours, colourAreas, blockFill, score } from './proposalkit.js';
import { renderReport, renderAreas } from './proposalreport.js';

export const LAYERS = {
  fill: 'prop-block-fill',
  blocks: 'prop-block-line',
  block: 'prop-block-sel',
  source: 'proposal-areas',
  outline: 'prop-area-line',
  area: 'prop-area-sel',
  label: 'prop-area-label',
};

const FONT = 'DejaVu Sans Bold';

/**
 * The Proposals view's state (window.placemap.views.proposals).
 * @typedef {object} ProposalsState
 * @property {any[] | null} list from api/proposals
 * @property {string} slug the proposal shown
 * @property {any} detail api/proposals/{slug}: params, version, report, assignment
 * @property {{type: 'FeatureCollection', features: any[]}} areas its areas' outlines
 * @property {Map<string, string>} colours area code -> colour
 * @property {number} seq of the last proposal asked for
 * @property {string} layersFor the block set the layers are built for
 * @property {string} block the block picked, '' for none
 * @property {string} area the area picked (the block's, or a row's)
 * @property {import('./proposalreport.js').AreaTable} table
 */

/** @type {ProposalsState} */
export const pr = {
  list: null,
  slug: '',
  detail: null,
  areas: { type: 'FeatureCollection', features: [] },
  colours: new Map(),
  seq: 0,
  layersFor: '',
  block: '',
  area: '',
  table: { sort: { key: 'name', dir: 1 }, selected: '', select: (code) => selectArea(code === pr.area ? '' : code, { fly: true }) },
};

/** @type {Array<() => void>} who follows a proposal shown or changed (proposaledit.js) */
const followers = [];

/**
 * onProposal calls fn whenever a proposal is shown, changed or picked in.
 * @param {() => void} fn
 */
export function onProposal(fn) {
  followers.push(fn);
}

function tell() {
  for (const fn of followers) fn();
}

/** @returns {string[]} the ids of the view's layers on the map now */
const layerIds = () => Object.values(LAYERS).filter((id) => id !== LAYERS.source);

/** @returns {string} the proposal's block set */
export function blockSet() {
  return str(pr.detail && (pr.detail.blocks_set || (pr.detail.params && pr.detail.params.blocks)));
}

/**
 * @returns {Record<string, string>} the proposal's block code -> area code
 */
export function assignment() {
  const a = pr.detail && pr.detail.assignment;
  return a && typeof a === 'object' ? a : {};
}

/** @param {string} blocks the block set whose tiles are coloured */
function buildLayers(blocks) {
  const L = LAYERS;
  const m = map();
  removeLayers(layerIds());
  if (!m.getSource(L.source)) m.addSource(L.source, { type: 'geojson', data: pr.areas });
  const src = setSourceId(blocks);
  const none = /** @type {any} */ (['==', codeOf, NONE]);
  const shown = state.view === 'proposals' ? 'visible' : 'none';
  addLayer({ id: L.fill, type: 'fill', source: src, 'source-layer': blocks, layout: { visibility: shown }, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.62 } });
  addLayer({
    id: L.blocks, type: 'line', source: src, 'source-layer': blocks, layout: { visibility: shown },
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.2, 15, 1], 'line-opacity': 0.8 },
  });
  addLayer({
    id: L.outline, type: 'line', source: L.source, layout: { visibility: shown, 'line-join': 'round' },
    paint: { 'line-color': A_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.2, 15, 2.6] },
  });
  addLayer({ id: L.area, type: 'line', source: L.source, filter: none, layout: { visibility: shown, 'line-join': 'round' }, paint: { 'line-color': '#1d4ed8', 'line-width': 4 } });
  addLayer({ id: L.block, type: 'line', source: src, 'source-layer': blocks, filter: none, layout: { visibility: shown }, paint: { 'line-color': '#111827', 'line-width': 3 } });
  // Names only with placemap's own fonts (no glyphs, no labels).
  if (m.getStyle().glyphs) {
    addLayer({
      id: L.label, type: 'symbol', source: L.source,
      layout: { visibility: shown, 'text-field': ['get', 'name'], 'text-font': [FONT], 'text-size': 12.5, 'text-max-width': 8, 'text-padding': 4 },
      paint: { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6, 'text-halo-blur': 0.4 },
    });
  }
  pr.layersFor = blocks;
}

function buildUI() {
  const root = $('view-proposals');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  $('prop-pick-clear').addEventListener('click', () => selectBlock(''));
}

/**
 * loadList asks api/proposals (again with force: after a proposal was
 * made or published).
 * @param {{force?: boolean}} [options]
 */
export async function loadList({ force = false } = {}) {
  if (pr.list && !force) return;
  viewStatus($('prop-status'), pr.list ? '' : 'Loading proposals…');
  try {
    const r = await fetchJSON('api/proposals');
    const list = Array.isArray(r.proposals) ? r.proposals : [];
    pr.list = list;
    viewStatus($('prop-status'), list.length ? '' : 'No proposals yet.');
  } catch (err) {
    viewStatus($('prop-status'), `Could not load the proposals: ${err.message}`, true);
    pr.list = null;
    return;
  }
  renderList();
}

function renderList() {
  const items = pr.list || [];
  $('prop-list').replaceChildren(...items.map((p) => {
    const slug = str(p.slug);
    const n = Number(p.areas) || 0;
    const meta = [`${numberFormat.format(n)} ${n === 1 ? 'area' : 'areas'}`, `overall ${score(p.overall)}`, str(p.status), str(p.updated_at).slice(0, 10)]
      .filter(Boolean).join(' · ');
    return el('li', null, el('a', {
      className: 'row-button place-link', href: hashFor({ view: 'proposals', proposal: slug }),
      'aria-current': slug === pr.slug ? 'true' : null, dataset: { proposal: slug },
    }, el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.title) || slug }),
      el('span', { className: 'row-meta', text: meta }))));
  }));
}

/** @type {import('../router.js').View} */
export const proposalsView = {
  ...layerViewHooks(buildUI, () => (pr.detail ? layerIds() : []), legend),
  leave() {
    setLayersVisible(layerIds(), false);
  },
  /** @param {import('../router.js').ProposalsRoute} r */
  async route(r) {
    await loadList();
    if (r.proposal === pr.slug && (pr.detail || !r.proposal)) return;
    pr.slug = r.proposal;
    renderList();
    if (!r.proposal) {
      clearProposal();
      return;
    }
    await loadProposal(r.proposal);
  },
};

function clearProposal() {
  pr.detail = null;
  pr.block = '';
  pr.area = '';
  $('prop-detail').hidden = true;
  setAreas({ type: 'FeatureCollection', features: [] });
  if (map().getLayer(LAYERS.fill)) map().setPaintProperty(LAYERS.fill, 'fill-color', NO_DATA);
  setLayersVisible(layerIds(), false);
  legend();
  tell();
}

/** @type {AbortController | null} */
let loading = null;

/**
 * loadProposal shows a proposal: its report in the panel, its blocks
 * coloured by area and its areas outlined on the map.
 * @param {string} slug
 * @param {{keepView?: boolean}} [options] keepView: a reload after someone
 *   else's change, the map stays where it is
 */
export async function loadProposal(slug, { keepView = false } = {}) {
  const seq = ++pr.seq;
  if (loading) loading.abort();
  loading = new AbortController();
  const { signal } = loading;
  const status = $('prop-load');
  $('prop-detail').hidden = false;
  if (!keepView) {
    $('prop-title').textContent = str((pr.list || []).find((p) => str(p.slug) === slug)?.title) || slug;
    $('prop-sub').textContent = '';
    $('prop-live').textContent = '';
  }
  viewStatus(status, 'Loading…');
  const path = `api/proposals/${encodeURIComponent(slug)}`;
  // The outlines may take the server a while (each area a union of its
  // blocks, drawn once): the report and the coloured blocks come first.
  const areasAsked = fetchJSON(`${path}/areas`, { signal });
  areasAsked.catch(() => {});
  let detail;
  try {
    detail = await fetchJSON(path, { signal });
  } catch (err) {
    if (seq !== pr.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not load this proposal: ${err.message}`, true);
    return;
  }
  if (seq !== pr.seq) return;
  pr.detail = detail;
  const blocks = blockSet();
  if (!hasSet(blocks)) {
    viewStatus(status, `Its building blocks, the set "${blocks}", are not on this map.`, true);
    return;
  }
  if (pr.layersFor !== blocks) buildLayers(blocks);
  if (state.view === 'proposals') setLayersVisible(layerIds(), true);
  if (!keepView) {
    pr.block = '';
    pr.area = '';
    setAreas({ type: 'FeatureCollection', features: [] });
    // Until the outlines come, colours in turn: neighbours may match.
    pr.colours = new Map(areaCodes().map((c, i) => [c, SET_PALETTE[i % SET_PALETTE.length]]));
    legend(); // first: the map is fitted beside it
    const box = /** @type {any} */ (state.setsBySlug.get(blocks)).bbox;
    fitBBox(Array.isArray(box) && box.length === 4 ? /** @type {import('../util.js').BBox} */ (box) : null, { padding: 40 });
  }
  recolour();
  legend();
  renderHead();
  showReport();
  highlight();
  tell();
  viewStatus(status, 'Drawing the areas\' outlines…');
  await outlines(slug, seq, areasAsked, Number(detail.version));
}

/**
 * outlines draws the areas' outlines once they come, and gives out the
 * colours again so that neighbours differ. A move made meanwhile asks for
 * them again.
 * @param {string} slug
 * @param {number} seq
 * @param {Promise<any>} asked
 * @param {number} version the proposal's version when they were asked for
 */
async function outlines(slug, seq, asked, version) {
  const status = $('prop-load');
  let areas;
  try {
    areas = await asked;
  } catch (err) {
    if (seq !== pr.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not draw the areas' outlines: ${err.message}`, true);
    return;
  }
  if (seq !== pr.seq || !pr.detail) return;
  if (Number(pr.detail.version) !== version) {
    await outlines(slug, seq, fetchJSON(`api/proposals/${encodeURIComponent(slug)}/areas`), Number(pr.detail.version));
    return;
  }
  viewStatus(status, '');
  const features = Array.isArray(areas && areas.features) ? areas.features : [];
  setAreas({ type: 'FeatureCollection', features });
  pr.colours = colourAreas(areaCodes(), areaNeighbours(features), SET_PALETTE);
  afterChange();
}

/** @returns {string[]} every area of the proposal: the report's, the outlines' and the assignment's */
function areaCodes() {
  const r = pr.detail && pr.detail.report;
  const codes = [
    ...(Array.isArray(r && r.areas) ? r.areas.map((/** @type {any} */ a) => str(a.code)) : []),
    ...pr.areas.features.map((f) => str(f.properties && f.properties.code)),
    ...Object.values(assignment()).map(str),
  ];
  return [...new Set(codes)].filter(Boolean);
}

/**
 * setAreas draws the areas' outlines (and names).
 * @param {{type: 'FeatureCollection', features: any[]}} fc
 */
export function setAreas(fc) {
  pr.areas = fc;
  const src = /** @type {import('maplibre-gl').GeoJSONSource | undefined} */ (map().getSource(LAYERS.source));
  if (src) src.setData(fc);
}

/**
 * recolour colours each block by its area; an area new since the colours
 * were given out takes a colour none of its neighbours has.
 */
export function recolour() {
  const codes = areaCodes();
  if (codes.some((c) => !pr.colours.has(c))) {
    const fresh = colourAreas(codes, areaNeighbours(pr.areas.features), SET_PALETTE);
    for (const c of codes) if (!pr.colours.has(c)) pr.colours.set(c, /** @type {string} */ (fresh.get(c)));
  }
  if (map().getLayer(LAYERS.fill)) map().setPaintProperty(LAYERS.fill, 'fill-color', blockFill(assignment(), pr.colours, NO_DATA));
}

/**
 * colourOf is the colour a block is drawn in ('' when it is in no area).
 * @param {string} block
 */
export function colourOf(block) {
  return pr.colours.get(str(assignment()[block])) || '';
}

function renderHead() {
  const d = pr.detail || {};
  const params = d.params && typeof d.params === 'object' ? d.params : {};
  $('prop-title').textContent = str(d.title) || pr.slug;
  const published = Array.isArray(d.published) ? d.published.map(str).filter(Boolean) : [];
  $('prop-sub').replaceChildren(
    `Blocks of ${setTitle(blockSet())}`,
    str(params.nest_in) ? `, nested in ${setTitle(str(params.nest_in))}` : '',
    published.length ? '. Published as ' : '. Not published yet',
    ...published.flatMap((s, i) => [i ? ', ' : '', el('a', { href: mapLink(s), text: s, onclick: (/** @type {MouseEvent} */ ev) => openSet(ev, s) })]),
    '.');
}

/**
 * mapLink is the address of the Map view showing one set.
 * @param {string} slug
 */
export function mapLink(slug) {
  return hashFor({ view: 'map', sets: [slug] });
}

/**
 * openSet follows a link to a set on the Map view; a set made since the
 * page loaded is not on the map yet, so the page loads again at that link.
 * @param {MouseEvent} ev
 * @param {string} slug
 */
export function openSet(ev, slug) {
  if (hasSet(slug)) return;
  ev.preventDefault();
  location.hash = mapLink(slug);
  location.reload();
}

/** showReport draws the report in the panel. */
export function showReport() {
  if (!pr.detail) return;
  pr.table.selected = pr.area;
  renderReport(pr.detail, pr.table);
}

function highlight() {
  const m = map();
  if (m.getLayer(LAYERS.block)) m.setFilter(LAYERS.block, /** @type {any} */ (['==', codeOf, pr.block || NONE]));
  if (m.getLayer(LAYERS.area)) m.setFilter(LAYERS.area, /** @type {any} */ (['==', ['to-string', ['get', 'code']], pr.area || NONE]));
}

/**
 * selectBlock picks a block (its area with it), or none.
 * @param {string} code
 */
export function selectBlock(code) {
  pr.block = code;
  pr.area = code ? str(assignment()[code]) : '';
  highlight();
  pr.table.selected = pr.area;
  if (pr.detail) renderAreas(pr.detail, pr.table);
  tell();
}

/**
 * selectArea picks an area (no block), or none.
 * @param {string} code
 * @param {{fly?: boolean}} [options]
 */
export function selectArea(code, { fly = false } = {}) {
  pr.block = '';
  pr.area = code;
  highlight();
  pr.table.selected = code;
  if (pr.detail) renderAreas(pr.detail, pr.table);
  if (fly && code) {
    const f = pr.areas.features.find((x) => str(x.properties && x.properties.code) === code);
    if (f) fitBBox(bboxOfFeatures([f]), { padding: 60 });
  }
  tell();
}

/**
 * proposalsClick picks the block clicked (and its area).
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function proposalsClick(ev) {
  const m = map();
  if (!m.getLayer(LAYERS.fill) || !pr.detail) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [LAYERS.fill] })[0];
  const code = f ? str(f.properties && f.properties.code) : '';
  selectBlock(code && code !== pr.block ? code : '');
}

function legend() {
  if (state.view !== 'proposals') return;
  if (!pr.detail) {
    mapLegend();
    return;
  }
  const n = areaCodes().length;
  const used = [...new Set(pr.colours.values())];
  mapLegend(
    el('h3', { className: 'map-legend-title', text: `Proposal: ${str(pr.detail.title) || pr.slug}` }),
    el('p', { className: 'map-legend-sub', text: `${numberFormat.format(n)} areas, each a colour; neighbouring areas differ.` }),
    el('ul', { className: 'map-legend-list', id: 'prop-legend' },
      legendRow({ background: `linear-gradient(90deg, ${used.slice(0, 5).join(', ') || NO_DATA})` }, `Blocks of ${setTitle(blockSet())}, by area`),
      legendRow({ background: NO_DATA }, 'Block in no area')),
    el('ul', { className: 'map-legend-list map-legend-keys' },
      lineKey(A_LINE, false, 'Area outline'),
      lineKey('#1d4ed8', false, 'Area picked', 3),
      lineKey('#111827', false, 'Block picked', 3)));
}

/**
 * afterChange redraws what a write changed: the report, the colours and
 * the legend, then tells the followers.
 */
export function afterChange() {
  recolour();
  renderHead();
  const item = (pr.list || []).find((p) => str(p.slug) === pr.slug);
  if (item && pr.detail && pr.detail.report) {
    item.overall = pr.detail.report.overall;
    item.areas = Array.isArray(pr.detail.report.areas) ? pr.detail.report.areas.length : item.areas;
    renderList();
  }
  showReport();
  highlight();
  legend();
  tell();
}

/** navigateTo opens a proposal. @param {string} slug */
export function navigateTo(slug) {
  navigate({ view: 'proposals', proposal: slug });
}
