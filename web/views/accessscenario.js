// @ts-check
// The Access view's scenario panel: what if some assets of the category
// closed, or a new one opened? Tick the assets to close (or click them on
// the map), add a new one with "Add a … here" and a click on the map (or
// type its position, LON,LAT), and Run the scenario (editors): it is the
// baseline's run again with close/open. Its results: the residents moved
// beyond 5/10/15/20 minutes, the areas of the set shown most affected
// first, and its walking-time bands beside the baseline's (a toggle).
//
// API used: POST api/access {…, close, open} (accessrun.js), GET
// api/access/runs/{id}, .../{id}/isochrones, .../{id}/sets/{set}.
//
// Security: asset and area names reach the page only through
// el()/textContent.

import { $, el, str, fetchJSON } from '../util.js';
import { fmtValue, statusTitle, plural } from '../format.js';
import { categoryTitle, setTitle } from '../store.js';
import { navigate } from '../router.js';
import { ASSET_LAYER } from '../map/layers.js';
import { radioGroup, setRadio, statBox, viewStatus } from './common.js';
import { THRESHOLDS, parseLonLat, scenarioBody, mostAffected } from './accesskit.js';
import { startRun, followRun } from './accessrun.js';
import { setScenarioMarks } from './accessmap.js';
import { ac, showBandsOf } from './access.js';

/**
 * The scenario's state (window.placemap.views.access.scenario).
 * @typedef {object} ScenarioState
 * @property {string} baseline the run the panel is for
 * @property {any[]} assets the baseline's assets {id, name, status}
 * @property {Set<string>} close ids of the assets to close
 * @property {[number, number][]} open points to open
 * @property {boolean} adding the next map click adds a point
 * @property {boolean} canEdit
 * @property {string} run the scenario shown
 * @property {any} data its last answer
 * @property {any} setView its runs/{id}/sets/{set}
 * @property {number} seq
 */

/** @type {ScenarioState} */
export const sc = {
  baseline: '', assets: [], close: new Set(), open: [], adding: false, canEdit: false, run: '', data: null, setView: null, seq: 0,
};

const progressUI = () => ({ box: $('acc-scn-progress'), bar: /** @type {HTMLProgressElement} */ ($('acc-scn-bar')), text: $('acc-scn-progress-text') });

/** @returns {string} the category's title in lower case ("library") */
const noun = () => categoryTitle(ac.runData && ac.runData.params && ac.runData.params.category).toLowerCase();

/** setupScenario builds the panel's fixed parts once. */
export function setupScenario() {
  const lonlat = el('input', { type: 'text', id: 'acc-scn-lonlat', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', placeholder: '-1.4700, 53.3800', 'aria-describedby': 'acc-scn-lonlat-hint' });
  lonlat.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); addTyped(); } });
  $('acc-scn-slot').replaceChildren(
    el('p', { className: 'hint', id: 'acc-scn-intro' }),
    el('fieldset', { className: 'acc-close', id: 'acc-scn-close' },
      el('legend', { className: 'field-label', id: 'acc-scn-close-legend' }),
      el('ul', { className: 'acc-close-list', id: 'acc-scn-close-list' })),
    el('div', { className: 'acc-add' },
      el('button', { type: 'button', id: 'acc-scn-add', className: 'btn', 'aria-pressed': 'false', onclick: () => setAdding(!sc.adding) }),
      el('p', { id: 'acc-scn-add-hint', className: 'placing-hint', role: 'status', 'aria-live': 'polite' })),
    el('div', { className: 'field form-field' },
      el('label', { for: 'acc-scn-lonlat', className: 'field-label', text: 'Or type its position' }),
      el('span', { className: 'hint', id: 'acc-scn-lonlat-hint', text: 'Longitude, latitude, e.g. -1.4700, 53.3800' }),
      el('div', { className: 'search-row' }, lonlat, el('button', { type: 'button', id: 'acc-scn-lonlat-add', className: 'btn', text: 'Add', onclick: addTyped }))),
    el('ul', { className: 'acc-open-list', id: 'acc-scn-open-list', 'aria-label': 'New assets' }),
    el('p', { id: 'acc-scn-error', className: 'form-error', role: 'alert' }),
    el('p', { id: 'acc-scn-signin', className: 'hint', text: 'Sign in as an editor to run a scenario.' }),
    el('div', { className: 'form-buttons' }, el('button', { type: 'button', id: 'acc-scn-run', className: 'btn btn-primary', text: 'Run scenario', onclick: run })),
    el('div', { id: 'acc-scn-progress', className: 'acc-progress', hidden: true },
      el('progress', { id: 'acc-scn-bar', max: '1', value: '0', 'aria-labelledby': 'acc-scn-progress-text' }),
      el('p', { id: 'acc-scn-progress-text', className: 'view-status', role: 'status', 'aria-live': 'polite' })),
    el('section', { id: 'acc-scn-result', className: 'acc-scn-result', hidden: true, 'aria-labelledby': 'acc-scn-result-heading' },
      el('h4', { id: 'acc-scn-result-heading', className: 'subheading', text: 'What the scenario changes' }),
      el('p', { id: 'acc-scn-said', className: 'hint' }),
      el('div', { id: 'acc-scn-moved', className: 'stats' }),
      el('div', { className: 'field-row' }, el('span', { className: 'field-label', id: 'acc-scn-bands-label', text: 'Bands on the map' }),
        el('div', { id: 'acc-scn-bands', 'aria-labelledby': 'acc-scn-bands-label' })),
      el('h4', { id: 'acc-scn-affected-heading', className: 'subheading' }),
      el('p', { id: 'acc-scn-affected-status', className: 'view-status', role: 'status', 'aria-live': 'polite' }),
      el('ol', { id: 'acc-scn-affected', className: 'acc-affected', 'aria-labelledby': 'acc-scn-affected-heading' })));
  $('acc-scn-bands').replaceChildren(radioGroup('acc-scn-bands', [
    { value: 'base', label: 'Before' }, { value: 'scenario', label: 'After' }], 'scenario', (v) => showBandsOf(v === 'scenario' ? 'scenario' : 'base')));
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && sc.adding) setAdding(false); });
}

/**
 * scenarioFor shows the panel for a finished baseline run: its assets to
 * close, and the points to open (kept while it is the same baseline).
 * @param {any} run
 */
export function scenarioFor(run) {
  const s = (run && run.summary) || {};
  if (sc.baseline !== str(run.id)) {
    sc.baseline = str(run.id);
    sc.close = new Set();
    sc.open = [];
    setAdding(false);
  }
  sc.assets = (Array.isArray(s.assets) ? s.assets : []).filter((/** @type {any} */ a) => a && str(a.id));
  $('acc-scenario').hidden = false;
  const n = noun();
  $('acc-scn-intro').textContent = `Tick the ${plural(n)} to close, or click them on the map; add a new one with the button and a click on the map, or type where it is.`;
  $('acc-scn-close-legend').textContent = `Close (${fmtValue(sc.assets.length, 0)} in the run)`;
  $('acc-scn-add').textContent = `Add a ${n} here`;
  $('acc-scn-run').hidden = !sc.canEdit;
  $('acc-scn-signin').hidden = sc.canEdit;
  $('acc-scn-close-list').replaceChildren(...sc.assets.map((/** @type {any} */ a, /** @type {number} */ i) => {
    const id = str(a.id);
    const box = el('input', { type: 'checkbox', id: `acc-scn-close-${i}`, dataset: { asset: id } });
    box.checked = sc.close.has(id);
    box.addEventListener('change', () => toggleClose(id, box.checked));
    return el('li', null, el('label', { for: box.id, className: 'layer-label' }, box,
      el('span', { className: 'layer-text' }, el('span', { className: 'layer-title', text: str(a.name) || id }),
        a.status ? el('span', { className: 'hint', text: ` ${statusTitle(a.status)}` }) : null)));
  }));
  renderOpen();
}

/**
 * toggleClose closes an asset in the scenario, or keeps it.
 * @param {string} id
 * @param {boolean} on
 */
function toggleClose(id, on) {
  if (on) sc.close.add(id);
  else sc.close.delete(id);
  const box = /** @type {HTMLInputElement | null} */ (document.querySelector(`#acc-scn-close-list input[data-asset="${CSS.escape(id)}"]`));
  if (box) box.checked = on;
  setScenarioMarks([...sc.close], sc.open);
}

/** @param {boolean} on */
function setAdding(on) {
  sc.adding = on;
  const b = $('acc-scn-add');
  if (!b) return;
  b.setAttribute('aria-pressed', String(on));
  $('acc-scn-add-hint').textContent = on ? `Click the map where the new ${noun()} would be. Press Esc to stop.` : '';
}

/**
 * addPoint adds a new asset at p.
 * @param {[number, number]} p
 */
function addPoint(p) {
  sc.open.push([Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]);
  renderOpen();
}

function addTyped() {
  const input = /** @type {HTMLInputElement} */ ($('acc-scn-lonlat'));
  const p = parseLonLat(input.value);
  const error = $('acc-scn-error');
  if (!p) {
    error.textContent = 'Type the position as longitude, latitude, e.g. -1.4700, 53.3800.';
    input.focus();
    return;
  }
  error.textContent = '';
  input.value = '';
  addPoint(p);
}

function renderOpen() {
  $('acc-scn-open-list').replaceChildren(...sc.open.map((p, i) => el('li', { dataset: { lon: String(p[0]), lat: String(p[1]) } },
    el('span', { text: `New ${noun()} ${i + 1} at ${p[0].toFixed(5)}, ${p[1].toFixed(5)} ` }),
    el('button', {
      type: 'button', className: 'link-button', text: 'Remove', 'aria-label': `Remove new ${noun()} ${i + 1}`,
      onclick: () => { sc.open.splice(i, 1); renderOpen(); },
    }))));
  setScenarioMarks([...sc.close], sc.open);
}

/**
 * scenarioClick takes a click on the map when the panel is open: a new
 * asset in "Add" mode, else an asset of the run toggled closed. It
 * answers whether it took the click.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 * @returns {boolean}
 */
export function scenarioClick(ev) {
  if (!sc.baseline || $('acc-scenario').hidden) return false;
  if (sc.adding) {
    addPoint([ev.lngLat.lng, ev.lngLat.lat]);
    setAdding(false);
    return true;
  }
  const m = ev.target;
  if (!m.getLayer(ASSET_LAYER)) return false;
  const box = 6;
  const hits = m.queryRenderedFeatures([[ev.point.x - box, ev.point.y - box], [ev.point.x + box, ev.point.y + box]], { layers: [ASSET_LAYER] });
  const known = new Set(sc.assets.map((a) => str(a.id)));
  const f = hits.find((h) => known.has(str(h.properties && h.properties.id)));
  if (!f) return false;
  const id = str(f.properties.id);
  toggleClose(id, !sc.close.has(id));
  return true;
}

async function run() {
  const error = $('acc-scn-error');
  error.textContent = '';
  if (!ac.runData) return;
  if (!sc.close.size && !sc.open.length) {
    error.textContent = `Tick a ${noun()} to close or add a new one first.`;
    return;
  }
  const button = /** @type {HTMLButtonElement} */ ($('acc-scn-run'));
  button.disabled = true;
  const started = await startRun(scenarioBody(ac.runData.params, [...sc.close], sc.open));
  button.disabled = false;
  if ('error' in started) {
    error.textContent = started.error;
    return;
  }
  navigate({ view: 'access', run: ac.run, scenario: started.id, set: ac.set });
}

/**
 * loadScenario shows a scenario of the baseline (following it while it
 * runs), or none.
 * @param {string} id '' for none
 */
export async function loadScenario(id) {
  const seq = ++sc.seq;
  sc.run = id;
  sc.data = null;
  sc.setView = null;
  ac.bands.scenario = null;
  $('acc-scn-result').hidden = true;
  $('acc-scn-error').textContent = '';
  if (!id) {
    $('acc-scn-progress').hidden = true;
    showBandsOf('base');
    return;
  }
  let r;
  try {
    r = await followRun(id, progressUI(), () => seq !== sc.seq);
  } catch (err) {
    if (seq === sc.seq) $('acc-scn-error').textContent = `Could not load the scenario: ${err.message}`;
    return;
  }
  if (!r || seq !== sc.seq) return;
  if (r.status === 'failed') {
    $('acc-scn-error').textContent = `The scenario failed: ${str(r.error) || 'no reason given'}`;
    return;
  }
  sc.data = r;
  const p = r.params || {};
  if (Array.isArray(p.close)) for (const c of p.close) toggleClose(str(c), true);
  if (Array.isArray(p.open) && !sc.open.length) {
    sc.open = p.open.filter((/** @type {any} */ x) => Array.isArray(x) && x.length === 2).map((/** @type {any} */ x) => /** @type {[number, number]} */ ([Number(x[0]), Number(x[1])]));
    renderOpen();
  }
  renderMoved(r);
  try {
    ac.bands.scenario = await fetchJSON(`api/access/runs/${encodeURIComponent(id)}/isochrones`);
  } catch (err) {
    $('acc-scn-error').textContent = `Could not load the scenario's bands: ${err.message}`;
  }
  if (seq !== sc.seq) return;
  setRadio('acc-scn-bands', 'scenario');
  showBandsOf('scenario');
  await scenarioSet();
}

/** @param {any} r a finished scenario run */
function renderMoved(r) {
  const moved = (r.scenario && r.scenario.moved_beyond) || {};
  const closed = Array.isArray(r.params && r.params.close) ? r.params.close.length : 0;
  const opened = Array.isArray(r.params && r.params.open) ? r.params.open.length : 0;
  $('acc-scn-result').hidden = false;
  $('acc-scn-said').textContent = [closed ? `${fmtValue(closed, 0)} closed` : '', opened ? `${fmtValue(opened, 0)} added` : ''].filter(Boolean).join(', ');
  $('acc-scn-moved').replaceChildren(...THRESHOLDS.map((t) => {
    const box = statBox(`residents moved beyond ${t} min`, fmtValue(moved[String(t)] ?? 0, 0));
    box.dataset.minutes = String(t);
    return box;
  }));
}

/** scenarioSet lists the areas of the set shown that the scenario affects most. */
export async function scenarioSet() {
  if (!sc.data || !ac.set) return;
  const seq = sc.seq;
  const set = ac.set;
  const status = $('acc-scn-affected-status');
  $('acc-scn-affected-heading').textContent = `Areas of ${setTitle(set)} most affected`;
  if (sc.setView && sc.setView.set === set) return;
  viewStatus(status, 'Loading…');
  let view;
  try {
    view = await fetchJSON(`api/access/runs/${encodeURIComponent(sc.run)}/sets/${encodeURIComponent(set)}`);
  } catch (err) {
    if (seq === sc.seq) viewStatus(status, `Could not load the areas: ${err.message}`, true);
    return;
  }
  if (seq !== sc.seq || set !== ac.set) return;
  sc.setView = { ...view, set };
  const top = mostAffected(view, 10);
  viewStatus(status, top.length ? '' : 'No area has residents moved beyond any threshold.');
  $('acc-scn-affected').replaceChildren(...top.map((a) => el('li', { dataset: { code: a.code } },
    el('span', { className: 'acc-affected-name', text: a.name }), ' ',
    el('span', { className: 'muted', text: THRESHOLDS.filter((t) => a.moved[t]).map((t) => `${fmtValue(a.moved[t], 0)} beyond ${t} min`).join(', ') }))));
}
