// @ts-check
// The Access view: how far residents walk along the streets to the nearest
// asset of a category. Without a walking network it says how to add one
// and nothing else. Otherwise editors run it from a form (category,
// statuses, the set of areas people live in, speed, longest walk) and
// follow its progress; a run's results are a summary (the share of
// residents within 5/10/15/20 minutes, those beyond 15, the mean walk,
// the method, what lies far from any way), the walking-time bands on the
// map, any set's areas coloured by the share of residents beyond 15
// minutes with a sortable table of them, and the scenario panel
// (accessscenario.js).
//
// API used (same origin, relative URLs):
//   GET  api/network                          404 when none was imported
//   POST api/access                           editors (accessrun.js)
//   GET  api/access/runs, api/access/runs/{id}, .../{id}/isochrones, .../{id}/sets/{set}
//
// Security: API text (asset and area names, errors) reaches the page only
// through el()/textContent.

import { $, el, str, numberFormat, fetchJSON } from '../util.js';
import { fmtValue, pct, fmtDate, humanName } from '../format.js';
import { state, setTitle, categoryTitle } from '../store.js';
import { navigate, hashFor } from '../router.js';
import { setMapViewLayers } from '../map/layers.js';
import { canEdit, onAuthChange } from '../edit/session.js';
import { fillSelect, statBox, viewStatus, hasSet, fitBBox, bboxOfFeatures } from './common.js';
import { accessBody, areaRows, farLine, withinShare, THRESHOLDS } from './accesskit.js';
import { startRun, followRun } from './accessrun.js';
import { renderAccessTable } from './accesstable.js';
import {
  ACCESS_LAYERS, accessMap, ensureLayers, setBands, setAreas, outlineArea, showLayers, accessLegend,
} from './accessmap.js';
import { setupScenario, scenarioFor, loadScenario, scenarioClick, scenarioSet, sc } from './accessscenario.js';

/**
 * The Access view's state (window.placemap.views.access).
 * @typedef {object} AccessState
 * @property {any} network api/network's answer; false when there is none; null before asking
 * @property {string} run the run shown (a baseline)
 * @property {any} runData its last answer
 * @property {string} set the set whose areas are coloured
 * @property {any} setView runs/{run}/sets/{set}
 * @property {{base: any, scenario: any}} bands the FeatureCollections of the bands
 * @property {'base' | 'scenario'} bandsOf which bands are drawn
 * @property {number} seq of the last route
 * @property {import('./accesstable.js').AccessTable} table
 */

/** @type {AccessState} */
export const ac = {
  network: null,
  run: '',
  runData: null,
  set: '',
  setView: null,
  bands: { base: null, scenario: null },
  bandsOf: 'base',
  seq: 0,
  table: { rows: [], sort: { key: 'share', dir: -1 }, showAll: false, selected: '', select: (code) => selectRow(code === ac.table.selected ? '' : code) },
};

const progressUI = () => ({ box: $('acc-progress'), bar: /** @type {HTMLProgressElement} */ ($('acc-bar')), text: $('acc-progress-text') });

/**
 * field is a labelled control.
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(id, label, control, hint) {
  control.id = id;
  const h = hint ? el('span', { className: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (h) control.setAttribute('aria-describedby', h.id);
  return el('div', { className: 'field form-field' }, el('label', { for: id, className: 'field-label', text: label }), control, h);
}

/** @returns {HTMLFormElement} the form to run access, built once */
function buildForm() {
  const category = el('select');
  fillSelect(category, state.categories.map((c) => ({ value: c.id, label: c.title })),
    state.categories.some((c) => c.id === 'library') ? 'library' : undefined);
  const statuses = el('fieldset', { className: 'acc-statuses', id: 'acc-f-statuses' },
    el('legend', { className: 'field-label', text: 'Assets with the status' }),
    ...state.statuses.map((s) => {
      const box = el('input', { type: 'checkbox', value: s, id: `acc-f-st-${s}`, dataset: { status: s } });
      box.checked = s === 'open' || s === 'at_risk';
      return el('label', { for: box.id, className: 'layer-label' }, box, el('span', { text: humanName(s) }));
    }));
  const from = el('select');
  const withAreas = state.sets.filter((s) => Number(s.area_count) > 0 || s.area_count === undefined);
  fillSelect(from, withAreas.map((s) => ({ value: s.slug, label: s.title || s.slug })), hasSet('oa-2011') ? 'oa-2011' : undefined);
  const form = el('form', { id: 'acc-form', className: 'acc-form', novalidate: true, 'aria-labelledby': 'acc-form-heading' },
    el('h3', { id: 'acc-form-heading', className: 'subheading', text: 'Run it' }),
    field('acc-f-category', 'Walk to the nearest', category),
    statuses,
    field('acc-f-from', 'From the residents of', from, 'The smallest areas with a population work best (Output Areas).'),
    el('div', { className: 'prop-band' },
      field('acc-f-speed', 'Speed, km/h', el('input', { type: 'number', min: '0.5', max: '50', step: '0.1', inputmode: 'decimal', placeholder: '4.8' })),
      field('acc-f-max', 'Longest walk, minutes', el('input', { type: 'number', min: '1', max: '600', step: '1', inputmode: 'numeric', placeholder: '60' }))),
    el('p', { id: 'acc-f-error', className: 'form-error', role: 'alert' }),
    el('p', { id: 'acc-f-signin', className: 'hint', text: 'Sign in as an editor to run it.' }),
    el('div', { className: 'form-buttons' }, el('button', { type: 'submit', id: 'acc-f-submit', className: 'btn btn-primary', text: 'Run' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  return form;
}

/** @param {string} id @returns {string} */
const val = (id) => str(/** @type {HTMLInputElement} */ ($(id)).value);

async function submit() {
  const error = $('acc-f-error');
  error.textContent = '';
  const statuses = [...document.querySelectorAll('#acc-f-statuses input[data-status]')]
    .filter((b) => /** @type {HTMLInputElement} */ (b).checked).map((b) => /** @type {HTMLInputElement} */ (b).value);
  const read = accessBody({ category: val('acc-f-category'), statuses, from: val('acc-f-from'), speed: val('acc-f-speed'), maxMinutes: val('acc-f-max') });
  if ('error' in read) {
    error.textContent = read.error;
    const focus = { category: 'acc-f-category', from: 'acc-f-from', speed: 'acc-f-speed', max: 'acc-f-max' }[read.focus];
    if (focus) $(focus).focus();
    return;
  }
  const button = /** @type {HTMLButtonElement} */ ($('acc-f-submit'));
  button.disabled = true;
  const started = await startRun(read.body);
  button.disabled = false;
  if ('error' in started) {
    error.textContent = started.error;
    return;
  }
  navigate({ view: 'access', run: started.id, scenario: '', set: '' });
}

function forAccount() {
  if (!$('acc-form')) return;
  const edit = canEdit();
  $('acc-f-submit').hidden = !edit;
  $('acc-f-signin').hidden = edit;
  sc.canEdit = edit;
  if (ac.runData) scenarioFor(ac.runData);
}

function buildUI() {
  const root = $('view-access');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  $('acc-form-slot').replaceChildren(buildForm());
  fillSelect($('acc-set'), state.sets.map((s) => ({ value: s.slug, label: s.title || s.slug })));
  $('acc-set').addEventListener('change', (ev) => {
    navigate({ view: 'access', run: ac.run, scenario: sc.run, set: /** @type {HTMLSelectElement} */ (ev.target).value });
  });
  const bands = /** @type {HTMLInputElement} */ ($('acc-show-bands'));
  bands.addEventListener('change', () => { accessMap.bandsOn = bands.checked; showLayers(); legend(); });
  const areas = /** @type {HTMLInputElement} */ ($('acc-show-areas'));
  areas.addEventListener('change', () => { accessMap.areasOn = areas.checked; showLayers(); legend(); });
  setupScenario();
  onAuthChange(forAccount);
  forAccount();
}

export function legend() {
  if (state.view !== 'access') return;
  const drawn = ac.bandsOf === 'scenario' ? ac.bands.scenario : ac.bands.base;
  accessLegend({ bands: accessMap.bandsOn && !!drawn, scenario: ac.bandsOf === 'scenario', set: ac.setView ? ac.set : '' });
}

/**
 * showBandsOf draws the baseline's bands or the scenario's.
 * @param {'base' | 'scenario'} which
 */
export function showBandsOf(which) {
  ac.bandsOf = which === 'scenario' && ac.bands.scenario ? 'scenario' : 'base';
  setBands(ac.bandsOf === 'scenario' ? ac.bands.scenario : ac.bands.base);
  legend();
}

/** @returns {Promise<boolean>} whether there is a walking network (asked once) */
async function checkNetwork() {
  if (ac.network === null) {
    try {
      ac.network = await fetchJSON('api/network');
    } catch (err) {
      if (err.status !== 404) throw err;
      ac.network = false;
    }
  }
  const none = ac.network === false;
  $('acc-nonetwork').hidden = !none;
  $('acc-body').hidden = none;
  if (none) {
    $('acc-result').hidden = true;
    $('acc-scenario').hidden = true;
    return false;
  }
  const n = ac.network;
  const km = Number(n.metres) / 1000;
  $('acc-network').textContent = `Walking network${str(n.source) ? ` from ${str(n.source)}` : ''}: ${fmtValue(n.ways, 0)} ways, ` +
    `${fmtValue(km, km >= 100 ? 0 : 1)} km, ${pct(n.largest_component_share)} of it in one connected piece.`;
  return true;
}

async function loadRuns() {
  let runs;
  try {
    const r = await fetchJSON('api/access/runs');
    runs = Array.isArray(r) ? r : Array.isArray(r.runs) ? r.runs : [];
  } catch {
    runs = [];
  }
  $('acc-runs-box').hidden = !runs.length;
  $('acc-runs').replaceChildren(...runs.slice(0, 20).map((/** @type {any} */ r) => {
    const p = r.params || {};
    const id = str(r.id);
    const label = `${categoryTitle(p.category)} from ${setTitle(str(p.from))}${r.scenario ? ' (scenario)' : ''}`;
    return el('li', null, el('a', { href: hashFor({ view: 'access', run: id }), className: 'row-button', dataset: { run: id } },
      el('span', { className: 'row-text' }, el('span', { className: 'row-title', text: label }),
        el('span', { className: 'row-meta', text: `${str(r.status)} · ${fmtDate(r.created_at)}` }))));
  }));
}

/** @type {import('../router.js').View} */
export const accessView = {
  enter() {
    buildUI();
    accessMap.shown = true;
    setMapViewLayers({ sets: false, assets: true });
    if (ac.network) ensureLayers();
    showLayers();
    legend();
  },
  leave() {
    accessMap.shown = false;
    showLayers();
  },
  /** @param {import('../router.js').AccessRoute} r */
  async route(r) {
    buildUI();
    const seq = ++ac.seq;
    const status = $('acc-status');
    try {
      if (!(await checkNetwork())) return;
    } catch (err) {
      viewStatus(status, `Could not ask about the walking network: ${err.message}`, true);
      return;
    }
    viewStatus(status, '');
    ensureLayers();
    if (!r.run) {
      ac.run = '';
      ac.runData = null;
      $('acc-result').hidden = true;
      $('acc-scenario').hidden = true;
      $('acc-progress').hidden = true;
      setBands(null);
      setAreas('', []);
      legend();
      await loadRuns();
      return;
    }
    if (r.run !== ac.run || !ac.runData || ac.runData.status !== 'done') {
      const run = await showRun(r.run, seq);
      if (!run || seq !== ac.seq) return;
      // A scenario's link shows its baseline with the scenario beside it.
      if (run.scenario && str(run.scenario.baseline)) {
        navigate({ view: 'access', run: str(run.scenario.baseline), scenario: r.run, set: r.set }, { replace: true });
        return;
      }
    }
    if (!ac.runData || ac.runData.status !== 'done') return;
    const set = hasSet(r.set) ? r.set : (hasSet(ac.set) ? ac.set : str(ac.runData.params && ac.runData.params.from));
    if (set && set !== r.set) {
      navigate({ view: 'access', run: r.run, scenario: r.scenario, set }, { replace: true });
      return;
    }
    /** @type {HTMLSelectElement} */ ($('acc-set')).value = set;
    if (set !== ac.set || !ac.setView) await loadSet(set, seq);
    if (seq !== ac.seq) return;
    if (r.scenario !== sc.run) await loadScenario(r.scenario);
    else scenarioSet();
  },
};

/**
 * showRun loads a run, following it while it runs, then its results.
 * @param {string} id
 * @param {number} seq
 */
async function showRun(id, seq) {
  ac.run = id;
  ac.runData = null;
  ac.setView = null;
  ac.set = '';
  ac.bands = { base: null, scenario: null };
  ac.bandsOf = 'base';
  $('acc-result').hidden = true;
  $('acc-scenario').hidden = true;
  $('acc-error').textContent = '';
  setBands(null);
  setAreas('', []);
  legend();
  let run;
  try {
    run = await followRun(id, progressUI(), () => seq !== ac.seq);
  } catch (err) {
    if (seq === ac.seq) $('acc-error').textContent = err.status === 404 ? `There is no run ${id}.` : `Could not load the run: ${err.message}`;
    return null;
  }
  if (!run || seq !== ac.seq) return null;
  if (run.scenario && str(run.scenario.baseline)) return run;
  ac.runData = run;
  if (run.status === 'failed') {
    $('acc-error').textContent = `The run failed: ${str(run.error) || 'no reason given'}`;
    return run;
  }
  renderSummary(run);
  loadRuns();
  try {
    ac.bands.base = await fetchJSON(`api/access/runs/${encodeURIComponent(id)}/isochrones`);
  } catch (err) {
    $('acc-error').textContent = `Could not load the walking-time bands: ${err.message}`;
  }
  if (seq !== ac.seq) return null;
  showBandsOf('base');
  const features = ac.bands.base && Array.isArray(ac.bands.base.features) ? ac.bands.base.features : [];
  if (features.length) fitBBox(bboxOfFeatures(features), { maxZoom: 14 });
  scenarioFor(run);
  return run;
}

/** @param {any} run */
function renderSummary(run) {
  const s = run.summary || {};
  const p = run.params || {};
  $('acc-result').hidden = false;
  $('acc-result-title').textContent = `Walking to the nearest ${categoryTitle(p.category).toLowerCase()}`;
  const statuses = Array.isArray(p.status) ? p.status.join(', ') : str(p.status);
  $('acc-result-sub').textContent = [
    `From ${setTitle(str(p.from))}`,
    statuses ? `assets ${statuses}` : '',
    `${fmtValue(p.speed_kmh ?? 4.8, 1)} km/h`,
    `run ${fmtDate(run.created_at || '')}`.trim(),
  ].filter((x) => x && x !== 'run').join(' · ');
  const w = s.within || {};
  $('acc-stats').replaceChildren(
    ...THRESHOLDS.map((t) => statBox(`of residents within ${t} min`, pct(withinShare(w, t)))),
    statBox('residents beyond 15 min', fmtValue(s.beyond_15_residents, 0)),
    statBox('mean minutes', fmtValue(s.mean_minutes, 1)),
    statBox('residents', fmtValue(s.population, 0), `${fmtValue(s.origins, 0)} areas, ${fmtValue(s.reached, 0)} reached`),
    statBox(`${categoryTitle(p.category).toLowerCase()} assets`, fmtValue(Array.isArray(s.assets) ? s.assets.length : null, 0)));
  $('acc-method').textContent = str(s.method);
  const far = Array.isArray(s.far) ? s.far : [];
  $('acc-far').hidden = !far.length;
  $('acc-far-summary').textContent = `${numberFormat.format(far.length)} more than 250 m from any way`;
  const FAR_SHOWN = 100;
  $('acc-far-list').replaceChildren(...far.slice(0, FAR_SHOWN).map((/** @type {any} */ f) => el('li', { text: farLine(f), dataset: { kind: str(f.kind), id: str(f.id) } })),
    ...(far.length > FAR_SHOWN ? [el('li', { className: 'muted', text: `and ${numberFormat.format(far.length - FAR_SHOWN)} more` })] : []));
}

/**
 * loadSet loads a set's areas for the run and colours them.
 * @param {string} set
 * @param {number} seq
 */
async function loadSet(set, seq) {
  const status = $('acc-set-status');
  viewStatus(status, `Loading ${setTitle(set)}…`);
  let view;
  try {
    view = await fetchJSON(`api/access/runs/${encodeURIComponent(ac.run)}/sets/${encodeURIComponent(set)}`);
  } catch (err) {
    if (seq === ac.seq) viewStatus(status, `Could not load ${setTitle(set)}: ${err.message}`, true);
    return;
  }
  if (seq !== ac.seq) return;
  viewStatus(status, '');
  ac.set = set;
  ac.setView = view;
  const method = str(view.method);
  $('acc-set-method').textContent = method.charAt(0).toUpperCase() + method.slice(1);
  setAreas(set, Array.isArray(view.areas) ? view.areas : []);
  ac.table.rows = areaRows(view);
  ac.table.showAll = false;
  selectRow('');
  legend();
}

/**
 * selectRow outlines an area of the coloured set and marks its row.
 * @param {string} code '' for none
 */
function selectRow(code) {
  ac.table.selected = code;
  outlineArea(code);
  renderAccessTable(ac.table);
}

/**
 * accessClick takes a click on the map: the scenario's (closing an asset,
 * adding one) first, else it picks the area under it.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 */
export function accessClick(ev) {
  if (scenarioClick(ev)) return;
  const m = ev.target;
  if (!m.getLayer(ACCESS_LAYERS.areaFill)) return;
  const f = m.queryRenderedFeatures(ev.point, { layers: [ACCESS_LAYERS.areaFill] })[0];
  selectRow(f ? str(f.properties.code) : '');
}
