// @ts-check
// The Changes view: what changed between two releases of a series (wards
// 2013 → 2019). Old areas coloured by what became of them, the new
// release's lines dashed on top, a table of old areas with their main
// successor, the assets whose area changed, and the report's downloads.
//
// API used (same origin, relative URLs):
//   GET api/series, api/sets/{old}/changes?to={new}[&format=csv&table=areas|assets]
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON, unionBBox } from '../util.js';
import { pct, humanName } from '../format.js';
import { state, map, setTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { setSourceId } from '../map/layers.js';
import { openAsset } from '../panel/details.js';
import { NONE, codeOf, matchByCode, codeFilter } from './scales.js';
import {
  NO_DATA, A_LINE, B_LINE, TABLE_ROWS, addLayer, removeLayers, setLayersVisible, fitBBox, viewStatus,
  fillSelect, statBox, mapLegend, legendRow, lineKey, layerViewHooks,
} from './common.js';
import { fitArea } from './compare.js';

export const LAYERS = {
  fill: 'chg-old-fill',
  line: 'chg-old-line',
  newLine: 'chg-new-line',
  succFill: 'chg-succ-fill',
  sel: 'chg-sel',
};

/** What became of an area from one release to the next. */
const CHANGE_INFO = /** @type {Record<string, {label: string, color: string, help: string}>} */ ({
  unchanged: { label: 'Unchanged', color: '#d1d5db', help: 'the same ground, code and name' },
  renamed: { label: 'Renamed', color: '#67e8f9', help: 'the same ground under another code or name' },
  redrawn: { label: 'Redrawn', color: '#fbbf24', help: 'one main successor; its lines moved' },
  split: { label: 'Split', color: '#f87171', help: 'its ground went in large parts to two or more areas' },
  merged: { label: 'Merged', color: '#a78bfa', help: 'its successor also took large parts of other areas' },
  retired: { label: 'Retired', color: '#4b5563', help: 'none of its ground is in the new release' },
  new: { label: 'New', color: '#86efac', help: 'an area of the new release with no predecessor' },
});
const CHANGE_ORDER = ['unchanged', 'renamed', 'redrawn', 'split', 'merged', 'retired', 'new'];

/**
 * The Changes view's state (window.placemap.views.changes).
 * @typedef {object} ChangesState
 * @property {string} old the old release
 * @property {string} new the new release
 * @property {any[]} series from api/series, those with two releases or more
 * @property {any} data the change report
 * @property {string} selected the old area selected
 * @property {number} seq of the last report asked for
 * @property {string} layersFor old|new the layers are built for
 * @property {string} notice shown once the report has loaded
 * @property {Map<string, any>} byOld old code -> change row
 */

/** @type {ChangesState} */
export const chg = {
  old: '', new: '', series: [], data: null, selected: '', seq: 0, layersFor: '', notice: '',
  byOld: new Map(),
};

const layerIds = () => Object.values(LAYERS);

/**
 * @param {string} oldSet
 * @param {string} newSet
 */
function buildLayers(oldSet, newSet) {
  const L = LAYERS;
  removeLayers(layerIds());
  const srcO = setSourceId(oldSet), srcN = setSourceId(newSet);
  /** @type {any} */
  const none = ['==', codeOf, NONE];
  addLayer({ id: L.fill, type: 'fill', source: srcO, 'source-layer': oldSet, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.7 } });
  addLayer({ id: L.succFill, type: 'fill', source: srcN, 'source-layer': newSet, filter: none, paint: { 'fill-color': B_LINE, 'fill-opacity': 0.25 } });
  addLayer({
    id: L.line, type: 'line', source: srcO, 'source-layer': oldSet, layout: { 'line-join': 'round' },
    paint: { 'line-color': A_LINE, 'line-opacity': 0.8, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.2, 14, 2.6] },
  });
  addLayer({
    id: L.newLine, type: 'line', source: srcN, 'source-layer': newSet, layout: { 'line-join': 'round' },
    paint: { 'line-color': B_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 14, 2.8], 'line-dasharray': [2, 1.5] },
  });
  addLayer({
    id: L.sel, type: 'line', source: srcO, 'source-layer': oldSet, filter: none, layout: { 'line-join': 'round' },
    paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 5] },
  });
  chg.layersFor = `${oldSet}|${newSet}`;
}

function paint() {
  /** @type {Map<string, string[]>} */
  const groups = new Map(CHANGE_ORDER.map((c) => [CHANGE_INFO[c].color, []]));
  for (const [code, row] of chg.byOld) {
    const info = CHANGE_INFO[str(row.change)];
    if (info) /** @type {string[]} */ (groups.get(info.color)).push(code);
  }
  const m = map();
  if (m.getLayer(LAYERS.fill)) m.setPaintProperty(LAYERS.fill, 'fill-color', matchByCode(groups, NO_DATA));
}

function legend() {
  if (!chg.old || !chg.new) {
    mapLegend();
    return;
  }
  const counts = (chg.data && chg.data.counts) || {};
  const list = el('ul', { className: 'legend-classes' });
  for (const c of CHANGE_ORDER) {
    if (!counts[c]) continue;
    list.append(legendRow({ background: CHANGE_INFO[c].color }, CHANGE_INFO[c].label, String(counts[c]), { title: CHANGE_INFO[c].help }));
  }
  mapLegend(el('h3', { text: `${setTitle(chg.old)} → ${setTitle(chg.new)}` }), list,
    el('ul', { className: 'legend-classes' },
      lineKey(A_LINE, false, `${setTitle(chg.old)} (old lines)`),
      lineKey(B_LINE, true, `${setTitle(chg.new)} (new lines)`)));
}

/** @returns {import('./common.js').OptionOrGroup[]} every release, by series */
function releaseOptions() {
  const out = [];
  for (const s of chg.series) {
    const releases = Array.isArray(s.releases) ? s.releases : [];
    out.push({ group: str(s.title) || str(s.slug), options: releases.map((/** @type {any} */ r) => ({ value: str(r.slug), label: `${str(r.title) || str(r.slug)}${r.current ? ' (current)' : ''}` })) });
  }
  return out;
}

/**
 * @param {string} slug
 * @returns {any} the series slug is a release of
 */
function seriesOf(slug) {
  return chg.series.find((s) => (s.releases || []).some((/** @type {any} */ r) => str(r.slug) === slug));
}

let uiReady = false;
function buildUI() {
  if (uiReady) return;
  uiReady = true;
  /**
   * @param {string} oldSet
   * @param {string} newSet
   */
  const go = (oldSet, newSet) => navigate({ view: 'changes', old: oldSet, new: newSet });
  /** @type {HTMLSelectElement} */
  const oldSel = $('chg-old');
  /** @type {HTMLSelectElement} */
  const newSel = $('chg-new');
  oldSel.addEventListener('change', () => {
    const o = oldSel.value;
    const s = seriesOf(o);
    /** @type {string[]} */
    const rel = s ? s.releases.map((/** @type {any} */ r) => str(r.slug)) : [];
    const next = rel[rel.indexOf(o) + 1] || (chg.new !== o && rel.includes(chg.new) ? chg.new : rel.find((x) => x !== o));
    go(o, next || '');
  });
  newSel.addEventListener('change', () => go(chg.old, newSel.value));
  $('chg-clear').addEventListener('click', () => selectArea('', { updateHash: true }));
}

async function loadSeries() {
  const resp = await fetchJSON('api/series');
  chg.series = (Array.isArray(resp.series) ? resp.series : []).filter((/** @type {any} */ s) => Array.isArray(s.releases) && s.releases.length > 1);
}

/**
 * @param {string} oldSet
 * @param {string} newSet
 */
async function loadChanges(oldSet, newSet) {
  const seq = ++chg.seq;
  const status = $('chg-status');
  viewStatus(status, `Working out what changed from ${setTitle(oldSet)} to ${setTitle(newSet)}…`);
  $('chg-results').hidden = true;
  let data;
  try {
    data = await fetchJSON(`api/sets/${encodeURIComponent(oldSet)}/changes?to=${encodeURIComponent(newSet)}`);
  } catch (err) {
    if (seq === chg.seq) viewStatus(status, `Could not work out the changes: ${err.message}`, true);
    return;
  }
  if (seq !== chg.seq) return;
  chg.data = data;
  chg.byOld = new Map();
  for (const c of Array.isArray(data.changes) ? data.changes : []) {
    if (str(c.set) === oldSet) chg.byOld.set(str(c.code), c);
  }
  viewStatus(status, chg.notice || '');
  chg.notice = '';
  paint();
  renderSummary();
  renderTable();
  renderAssets();
  renderDownloads();
  if (state.view === 'changes') legend();
  $('chg-results').hidden = false;
}

/** @param {string} change */
function changeBadge(change) {
  const info = CHANGE_INFO[change] || { label: humanName(change), color: '#475569' };
  return el('span', { className: 'badge change-badge', dataset: { change }, title: info.help || '' },
    el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: info.color } }), info.label);
}

/**
 * @param {string} code an area of the new release
 * @returns {string} its name
 */
function newName(code) {
  const names = (chg.data && chg.data.new_names) || {};
  return str(names[code]) || code;
}

function renderSummary() {
  const counts = (chg.data && chg.data.counts) || {};
  const box = $('chg-summary');
  box.replaceChildren(el('div', { className: 'stats' },
    ...CHANGE_ORDER.filter((c) => counts[c]).map((c) => statBox(CHANGE_INFO[c].label, numberFormat.format(counts[c]), CHANGE_INFO[c].help))));
}

/**
 * @param {any} row a change row
 * @returns {any} its link to its main successor
 */
function mainLink(row) {
  const links = Array.isArray(row.successors) ? row.successors : [];
  return links.find((/** @type {any} */ l) => str(l.new_code) === str(row.main)) || null;
}

function renderTable() {
  const rows = [...chg.byOld.values()].sort((a, b) => str(a.name).localeCompare(str(b.name)));
  const body = el('tbody');
  for (const row of rows) {
    const code = str(row.code);
    const m = mainLink(row);
    const others = (row.successors || []).length - (m ? 1 : 0);
    const select = () => selectArea(code, { fit: true, updateHash: true });
    body.append(el('tr', {
      className: code === chg.selected ? 'selected' : '', dataset: { code, change: str(row.change) }, tabindex: '0', onclick: select,
      onkeydown: (/** @type {KeyboardEvent} */ ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(); } },
    },
    el('td', { className: 'area-cell' }, el('span', { text: str(row.name) || code }), el('span', { className: 'cell-code', text: code })),
    el('td', null, changeBadge(str(row.change))),
    el('td', { className: 'area-cell' }, el('span', { text: m ? newName(str(m.new_code)) : '—' }),
      others > 0 ? el('span', { className: 'cell-code', text: `and ${others} more` }) : null),
    el('td', { className: 'num', text: m ? pct(m.share_of_old) : '' })));
  }
  const head = el('tr', null, ...['Old area', 'Change', 'Main successor', 'Of the old area'].map((t, i) => el('th', { scope: 'col', className: i === 3 ? 'num' : '', text: t })));
  $('chg-table').replaceChildren(el('thead', null, head), body);
  const newRows = (chg.data.changes || []).filter((/** @type {any} */ c) => str(c.set) === chg.new);
  $('chg-table-caption').textContent = `${numberFormat.format(rows.length)} areas of ${setTitle(chg.old)}` +
    (newRows.length ? `; ${numberFormat.format(newRows.length)} new areas in ${setTitle(chg.new)}` : '') + '. Click a row to show the area and its successors on the map.';
}

function renderAssets() {
  const assets = Array.isArray(chg.data.assets) ? chg.data.assets : [];
  const moved = assets.filter((/** @type {any} */ a) => str(a.old_code) && (str(a.old_name) !== str(a.new_name) || !a.followed));
  const list = el('ul', { className: 'asset-moves' });
  for (const a of moved.slice(0, TABLE_ROWS)) {
    const to = str(a.new_name) || 'outside the new release';
    list.append(el('li', { dataset: { asset: str(a.id) } },
      el('button', { type: 'button', className: 'link-button', text: str(a.name), onclick: () => { navigate({ view: 'map' }); openAsset(str(a.id), { fly: true, focus: true }); } }),
      el('span', { className: 'muted', text: ` moved from ${str(a.old_name)} to ${to}${a.followed ? '' : ' (not the old area\u2019s main successor)'}` })));
  }
  $('chg-assets-caption').textContent = moved.length
    ? `${numberFormat.format(moved.length)} of ${numberFormat.format(assets.length)} assets are in an area of another name or not in their old area\u2019s main successor.`
    : `All ${numberFormat.format(assets.length)} assets are in an area of the same name.`;
  $('chg-assets').replaceChildren(list);
}

function renderDownloads() {
  const base = `api/sets/${encodeURIComponent(chg.old)}/changes?to=${encodeURIComponent(chg.new)}`;
  /** @type {HTMLAnchorElement} */ ($('chg-dl-csv')).href = `${base}&format=csv`;
  /** @type {HTMLAnchorElement} */ ($('chg-dl-assets')).href = `${base}&format=csv&table=assets`;
  /** @type {HTMLAnchorElement} */ ($('chg-dl-json')).href = base;
  $('chg-method').textContent = str(chg.data.method);
}

/**
 * selectArea selects an old area (or none): its outline, its successors
 * highlighted and listed.
 * @param {unknown} codeIn
 * @param {{fit?: boolean, updateHash?: boolean}} [options]
 */
function selectArea(codeIn, { fit = false, updateHash = false } = {}) {
  const code = str(codeIn);
  chg.selected = code;
  const L = LAYERS;
  const row = chg.byOld.get(code);
  const succ = row && Array.isArray(row.successors) ? row.successors.map((/** @type {any} */ l) => str(l.new_code)) : [];
  const m = map();
  if (m.getLayer(L.sel)) {
    m.setFilter(L.sel, /** @type {any} */ (['==', codeOf, code || NONE]));
    m.setFilter(L.succFill, succ.length ? codeFilter(succ) : ['==', codeOf, NONE]);
  }
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#chg-table tbody tr'))) tr.classList.toggle('selected', tr.dataset.code === code);
  const box = $('chg-selection');
  box.hidden = !row;
  if (row) renderSelection(row, code);
  if (updateHash) navigate({ view: 'changes', old: chg.old, new: chg.new, area: code }, { replace: true });
  // fitArea fits only while the Compare view's selection is the same code,
  // so an old area selected here does not move the map: kept as it was.
  if (code && fit) fitArea(chg.old, code);
}

/**
 * @param {any} row the change row of the old area selected
 * @param {string} code
 */
function renderSelection(row, code) {
  $('chg-selection-title').textContent = str(row.name) || code;
  $('chg-selection-sub').replaceChildren(el('span', { text: `${setTitle(chg.old)} · ${code} · ` }), changeBadge(str(row.change)));
  const ul = $('chg-successors');
  ul.replaceChildren(...(row.successors || []).map((/** @type {any} */ l) => el('li', null,
    el('button', {
      type: 'button', className: 'link-button', text: newName(str(l.new_code)),
      onclick: () => fitArea(chg.new, str(l.new_code)),
    }),
    el('span', { className: 'muted', text: ` ${pct(l.share_of_old)} of the old area; ${pct(l.share_of_new)} of the new one${str(l.new_code) === str(row.main) ? ' (main successor)' : ''}` }))));
  if (!ul.children.length) ul.append(el('li', { className: 'muted', text: 'No successor: none of its ground is in the new release.' }));
}

/**
 * changesClick selects the old area clicked on the map.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function changesClick(ev) {
  const L = LAYERS;
  const m = map();
  if (!m.getLayer(L.fill)) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  selectArea(f ? str(f.properties.code) : '', { updateHash: true });
}

/**
 * pickReleases is the pair of releases to show for a route: its own when
 * both are releases of one series, else the last two of the first series.
 * @param {import('../router.js').ChangesRoute} r
 */
function pickReleases(r) {
  let series = seriesOf(r.old);
  if (!series) {
    if (r.old) chg.notice = `"${r.old}" is not a release of any series; showing ${str(chg.series[0].title)} instead.`;
    series = chg.series[0];
  }
  /** @type {string[]} */
  const rel = series.releases.map((/** @type {any} */ x) => str(x.slug));
  const oldSet = rel.includes(r.old) ? r.old : rel[rel.length - 2];
  let newSet = rel.includes(r.new) && r.new !== oldSet ? r.new : (rel[rel.indexOf(oldSet) + 1] || rel[rel.length - 1]);
  if (newSet === oldSet) newSet = /** @type {string} */ (rel.find((x) => x !== oldSet));
  return { series, oldSet, newSet };
}

/** @type {import('../router.js').View} */
export const changesView = {
  ...layerViewHooks(buildUI, layerIds, legend),
  /** @param {import('../router.js').ChangesRoute} r */
  async route(r) {
    const status = $('chg-status');
    try {
      await loadSeries();
    } catch (err) {
      viewStatus(status, `Could not list the boundary releases: ${err.message}`, true);
      return;
    }
    if (!chg.series.length) {
      viewStatus(status, 'No boundary set has more than one release yet. Import a new release with "placemap import set FILE --series SERIES".', true);
      $('chg-results').hidden = true;
      return;
    }
    const { series, oldSet, newSet } = pickReleases(r);
    /** @type {import('../router.js').ChangesRoute} */
    const want = { view: 'changes', old: oldSet, new: newSet, area: r.area };
    if (hashFor(want) !== location.hash) {
      navigate(want, { replace: true });
      return;
    }
    fillSelect($('chg-old'), releaseOptions(), oldSet);
    fillSelect($('chg-new'), [{ group: str(series.title), options: series.releases.filter((/** @type {any} */ x) => str(x.slug) !== oldSet).map((/** @type {any} */ x) => ({ value: str(x.slug), label: `${str(x.title) || str(x.slug)}${x.current ? ' (current)' : ''}` })) }], newSet);
    const changed = chg.old !== oldSet || chg.new !== newSet;
    chg.old = oldSet;
    chg.new = newSet;
    if (chg.layersFor !== `${oldSet}|${newSet}`) {
      buildLayers(oldSet, newSet);
      if (state.view !== 'changes') setLayersVisible(layerIds(), false);
    }
    if (changed || !chg.data) {
      chg.data = null;
      fitBBox(unionBBox([/** @type {any} */ (state.setsBySlug.get(oldSet)).bbox, /** @type {any} */ (state.setsBySlug.get(newSet)).bbox]));
      await loadChanges(oldSet, newSet);
    }
    if (chg.data) selectArea(r.area);
  },
};
