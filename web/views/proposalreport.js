// @ts-check
// The Proposals view's report in the panel: the overall score, each fit
// set's agreement (purity and inverse), the table of how each input agrees
// with each fit set beside the proposal (and the same in sentences), the
// checks with the areas and blocks that fail them, and the areas, sortable
// by name, population, blocks and their share in each fit set (buttons in
// the column heads with aria-sort, as the Figures table). A row picks its
// area on the map.
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat } from '../util.js';
import { pct, humanName } from '../format.js';
import { setTitle } from '../store.js';
import { statBox, sortHead } from './common.js';
import { score, comparison, comparisonSentence } from './proposalkit.js';

/**
 * What the areas table is drawn from and calls back.
 * @typedef {object} AreaTable
 * @property {{key: string, dir: number}} sort key: name, population, blocks or fit:SLUG
 * @property {string} selected the code of the area picked
 * @property {(code: string) => void} select
 */

/** @param {any} p a proposal as api/proposals/{slug} answers it */
const reportOf = (p) => (p && p.report && typeof p.report === 'object' ? p.report : {});

/**
 * @param {unknown} v
 * @returns {any[]}
 */
const list = (v) => (Array.isArray(v) ? v : []);

/**
 * renderReport fills the panel with the proposal's report.
 * @param {any} p the proposal
 * @param {AreaTable} t
 */
export function renderReport(p, t) {
  const r = reportOf(p);
  const areas = list(r.areas);
  const blocks = areas.reduce((n, a) => n + (Number(a.blocks) || 0), 0);
  $('prop-stats').replaceChildren(
    statBox('Overall agreement', score(r.overall), 'weighted over the fit sets'),
    statBox('Areas', numberFormat.format(areas.length)),
    statBox('Blocks', numberFormat.format(blocks || Object.keys(p.assignment || {}).length)),
    statBox('Version', String(Number(p.version) || 0), p.dirty ? 'changed since published' : 'as published'));
  renderFits(p, r);
  renderComparison(p, r);
  renderChecks(p, r);
  renderAreas(p, t);
  $('prop-method').textContent = [str(r.method),
    r.iterations !== undefined ? `${numberFormat.format(Number(r.iterations) || 0)} rounds of the search, ${numberFormat.format(Number(r.moves) || 0)} blocks moved, seed ${str(r.seed) || '0'}.` : '',
  ].filter(Boolean).join(' ');
}

/**
 * @param {any} p
 * @param {any} r
 */
function renderFits(p, r) {
  const fits = list(r.fits);
  const params = p.params && typeof p.params === 'object' ? p.params : {};
  const names = list(params.fit).map(str);
  const weights = list(params.weights);
  const head = el('tr', null, ...['Fit set', 'Weight', 'Agreement', 'Purity', 'Inverse']
    .map((h, i) => el('th', { scope: 'col', className: i ? 'num' : '', text: h })));
  const body = el('tbody', null, ...fits.map((/** @type {any} */ f) => {
    const i = names.indexOf(str(f.slug));
    const w = typeof f.weight === 'number' ? String(f.weight) : i >= 0 && weights[i] !== undefined ? String(weights[i]) : '1';
    return el('tr', { dataset: { set: str(f.slug) } },
      el('th', { scope: 'row', className: 'area-cell', text: setTitle(str(f.slug)) }),
      el('td', { className: 'num', text: w }),
      el('td', { className: 'num', text: score(f.agreement), dataset: { score: 'agreement' } }),
      el('td', { className: 'num', text: score(f.purity), title: 'how well the proposal\'s areas sit inside the fit set\'s' }),
      el('td', { className: 'num', text: score(f.inverse), title: 'how well the fit set\'s areas sit inside the proposal\'s' }));
  }));
  $('prop-fits').replaceChildren(el('thead', null, head), body);
}

/**
 * @param {any} p
 * @param {any} r
 */
function renderComparison(p, r) {
  const c = comparison(r);
  const nest = str(p.params && p.params.nest_in);
  const head = el('tr', null, el('th', { scope: 'col', text: 'Agreement of' }),
    ...c.against.map((a) => el('th', { scope: 'col', className: 'num', text: `with ${setTitle(a)}` })));
  const body = el('tbody', null, ...c.rows.map((row) => el('tr', { className: row.proposal ? 'prop-row-proposal' : '', dataset: { set: row.set || 'proposal' } },
    el('th', { scope: 'row', className: 'area-cell', text: row.proposal ? `The proposal${nest ? ` (nested in ${setTitle(nest)})` : ''}` : setTitle(row.set) }),
    ...row.cells.map((v) => el('td', { className: 'num', text: v === null ? '—' : score(v) })))));
  $('prop-compare').replaceChildren(el('thead', null, head), body);
  $('prop-sentences').replaceChildren(...c.pairs.map((pair) => el('li', { text: `${comparisonSentence(pair, setTitle, nest)}.` })));
}

/** What each check means, by its name in the report. */
const CHECK_TEXT = /** @type {Record<string, string>} */ ({
  every_block_once: 'Every block is in exactly one area',
  contiguous: 'Each area is in one piece (its blocks share edges)',
  nested: 'Each area lies inside one area of the nest-in set',
  population_band: 'Each area\'s population is within the band',
});

/** What each list of failures holds, by its name in the report. */
const FAILURES = /** @type {Record<string, string>} */ ({
  unassigned: 'Blocks in no area',
  empty: 'Areas with no block',
  not_contiguous: 'Areas in pieces',
  not_nested: 'Areas crossing the nest-in set',
  out_of_band: 'Areas outside the population band',
});

/**
 * @param {any} p
 * @param {any} r
 */
function renderChecks(p, r) {
  const checks = r.checks && typeof r.checks === 'object' ? r.checks : {};
  const params = p.params && typeof p.params === 'object' ? p.params : {};
  const items = [];
  for (const [k, v] of Object.entries(checks)) {
    if (typeof v !== 'boolean') continue;
    let text = CHECK_TEXT[k] || humanName(k);
    if (k === 'nested' && str(params.nest_in)) text = `Each area lies inside one area of ${setTitle(str(params.nest_in))}`;
    if (k === 'nested' && !str(params.nest_in)) text += ' (no nest-in set asked for)';
    if (k === 'population_band' && !Number(params.min_pop) && !Number(params.max_pop)) text += ' (no band asked for)';
    if (k === 'population_band' && (Number(params.min_pop) || Number(params.max_pop))) {
      text = `Each area has ${numberFormat.format(Number(params.min_pop) || 0)} to ${Number(params.max_pop) ? numberFormat.format(Number(params.max_pop)) : 'any number of'} residents`;
    }
    items.push(el('li', { className: v ? 'check-pass' : 'check-fail', dataset: { check: k } },
      el('span', { className: 'check-mark', 'aria-hidden': 'true', text: v ? '✓' : '✗' }),
      el('span', null, `${text}: `, el('strong', { text: v ? 'passes' : 'fails' }))));
  }
  // The lists of what fails: area codes, by the name the report gives them.
  for (const [k, v] of Object.entries(checks)) {
    if (!Array.isArray(v) || !v.length) continue;
    items.push(el('li', { className: 'check-fail', dataset: { check: k } },
      el('span', { className: 'check-mark', 'aria-hidden': 'true', text: '✗' }),
      el('span', { text: `${FAILURES[k] || humanName(k)}: ${v.map(str).join(', ')}` })));
  }
  for (const u of list(r.uncovered)) {
    const codes = list(u && u.codes).map(str);
    if (!codes.length) continue;
    items.push(el('li', { className: 'check-note', dataset: { check: 'uncovered' } },
      el('span', { className: 'check-mark', 'aria-hidden': 'true', text: '!' }),
      el('span', { text: `No block lies mostly in ${codes.length === 1 ? 'this area' : `these ${codes.length} areas`} of ${setTitle(str(u.slug))}, so the proposal cannot follow ${codes.length === 1 ? 'it' : 'them'}: ${codes.join(', ')}` })));
  }
  const reassigned = list(r.reassigned_blocks).map(str);
  if (reassigned.length) {
    items.push(el('li', { className: 'check-note', dataset: { check: 'reassigned_blocks' } },
      el('span', { className: 'check-mark', 'aria-hidden': 'true', text: '!' }),
      el('span', { text: `${numberFormat.format(reassigned.length)} crossing ${reassigned.length === 1 ? 'block was' : 'blocks were'} put in their neighbours' nest area, their own could not hold them: ${reassigned.join(', ')}` })));
  }
  const crossing = list(r.crossing_blocks).map(str);
  if (crossing.length) {
    const say = `${numberFormat.format(crossing.length)} ${crossing.length === 1 ? 'block crosses' : 'blocks cross'} the nest-in set's boundaries (each put in the area holding most of it)`;
    items.push(el('li', { className: 'check-note', dataset: { check: 'crossing_blocks' } },
      el('span', { className: 'check-mark', 'aria-hidden': 'true', text: '!' }),
      crossing.length <= 12
        ? el('span', null, `${say}: `, el('span', { className: 'prop-crossing', text: crossing.join(', ') }))
        : el('details', { className: 'prop-crossing-list' }, el('summary', { text: say }), el('p', { className: 'prop-crossing', text: crossing.join(', ') }))));
  }
  $('prop-checks').replaceChildren(...items);
}

/**
 * areaRows are the report's areas with what the table sorts by.
 * @param {any} p
 */
function areaRows(p) {
  return list(reportOf(p).areas).map((/** @type {any} */ a) => {
    /** @type {Record<string, any>} */
    const fits = {};
    for (const f of list(a.fits)) fits[str(f.slug)] = f;
    const names = p.names && typeof p.names === 'object' ? p.names : {};
    return { code: str(a.code), name: str(names[str(a.code)]) || str(a.name) || str(a.code), population: Number(a.population) || 0, blocks: Number(a.blocks) || 0, contiguous: a.contiguous !== false, fits };
  });
}

/**
 * sortRows orders the areas by t.sort; ties by code.
 * @param {ReturnType<typeof areaRows>} rows
 * @param {{key: string, dir: number}} sort
 */
function sortRows(rows, { key, dir }) {
  const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });
  /** @param {ReturnType<typeof areaRows>[number]} r */
  const val = (r) => (key === 'population' ? r.population : key === 'blocks' ? r.blocks
    : key.startsWith('fit:') ? Number((r.fits[key.slice(4)] || {}).share) || 0 : 0);
  return rows.slice().sort((x, y) => {
    const c = key === 'name' ? collator.compare(x.name, y.name) : val(x) - val(y);
    if (c) return c * dir;
    return x.code < y.code ? -1 : x.code > y.code ? 1 : 0;
  });
}

/**
 * renderAreas draws the areas table into #prop-areas.
 * @param {any} p
 * @param {AreaTable} t
 */
export function renderAreas(p, t) {
  const table = $('prop-areas');
  const active = document.activeElement;
  const had = active && table.contains(active) ? active.closest('tr[data-code], th[data-key]') : null;
  const refocus = had ? (had.matches('th') ? `th[data-key="${CSS.escape(/** @type {HTMLElement} */ (had).dataset.key || '')}"] button` : `tr[data-code="${CSS.escape(/** @type {HTMLElement} */ (had).dataset.code || '')}"]`) : '';
  const fits = list(reportOf(p).fits).map((/** @type {any} */ f) => str(f.slug));
  const rows = sortRows(areaRows(p), t.sort);
  const body = el('tbody');
  for (const r of rows) {
    const pick = () => t.select(r.code);
    body.append(el('tr', {
      className: r.code === t.selected ? 'selected' : '', tabindex: '0', dataset: { code: r.code },
      onclick: pick,
      onkeydown: (/** @type {KeyboardEvent} */ ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); } },
    },
    el('td', { className: 'area-cell' }, el('span', { className: 'prop-area-name', text: r.name }), ' ', el('span', { className: 'cell-code', text: r.code }),
      r.contiguous ? null : el('span', { className: 'badge check-fail', text: 'in pieces' })),
    el('td', { className: 'num', text: numberFormat.format(Math.round(r.population)) }),
    el('td', { className: 'num', text: numberFormat.format(r.blocks) }),
    ...fits.map((slug) => {
      const f = r.fits[slug];
      return el('td', { className: 'num', title: f ? `${str(f.name) || str(f.code)} (${str(f.code)})` : '' },
        f ? pct(f.share) : '–', f ? el('span', { className: 'cell-code prop-fit-name', text: str(f.name) || str(f.code) }) : null);
    })));
  }
  table.replaceChildren(el('thead', null, el('tr', null,
    head(p, t, 'name', 'Area', false),
    head(p, t, 'population', 'Population', true),
    head(p, t, 'blocks', 'Blocks', true),
    ...fits.map((slug) => head(p, t, `fit:${slug}`, `Share in ${setTitle(slug)}`, true)))), body);
  const again = refocus ? /** @type {HTMLElement | null} */ (table.querySelector(refocus)) : null;
  if (again) again.focus({ preventScroll: true });
  const picked = t.selected ? body.querySelector('tr.selected') : null;
  if (picked && typeof picked.scrollIntoView === 'function') picked.scrollIntoView({ block: 'nearest' });
  $('prop-areas-caption').textContent = rows.length
    ? `${numberFormat.format(rows.length)} areas. A share is how much of the area's population lies in its best-fitting area of that set. Click a column to sort, a row to pick its area on the map.`
    : 'No areas.';
}

/**
 * head is a column head of the areas table, sorting it by key.
 * @param {any} p
 * @param {AreaTable} t
 * @param {string} key
 * @param {string} label
 * @param {boolean} isNum
 */
function head(p, t, key, label, isNum) {
  return sortHead(t, key, label, isNum, () => renderAreas(p, t), `Sort by ${label.toLowerCase()}`);
}
