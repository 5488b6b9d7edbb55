// @ts-check
// The Compare view's account of a crosswalk: its summary, the table of
// overlapping pairs (sortable, 300 rows until "show all"), how it was
// worked out, and the badge of how two areas relate.

import { $, el, str, numberFormat } from '../util.js';
import { num, pct, km2, humanName } from '../format.js';
import { setTitle } from '../store.js';
import { TABLE_ROWS, statBox } from './common.js';

/** How an A area and a B area relate, as the crosswalk classes them. */
export const CLASS_INFO = /** @type {Record<string, {label: string, color: string, help: string}>} */ ({
  equivalent: { label: 'Equivalent', color: '#15803d', help: 'the two areas are practically the same' },
  a_within_b: { label: 'A within B', color: '#0e7490', help: 'the A area lies inside the B area' },
  b_within_a: { label: 'B within A', color: '#6d28d9', help: 'the B area lies inside the A area' },
  partial: { label: 'Partial', color: '#b45309', help: 'the areas only partly overlap' },
});
export const CLASS_ORDER = ['equivalent', 'a_within_b', 'b_within_a', 'partial'];

/**
 * classBadge names how two areas relate, in its colour.
 * @param {string} cls
 */
export function classBadge(cls) {
  const info = CLASS_INFO[cls] || { label: humanName(cls), color: '#475569' };
  return el('span', { className: 'badge class-badge', style: { borderColor: info.color, color: info.color }, title: info.help || '', text: info.label });
}

/**
 * A column of the table: text(p) is its cell, sortVal(p) what it sorts by
 * (the number p[key] when not given).
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {string} title
 * @property {boolean} [num] a number: right-aligned, sorted largest first
 * @property {boolean} [pop] a population share, shown when the pairs have them
 * @property {boolean} [badge] the class badge
 * @property {(p: any) => string} [text]
 * @property {(p: any) => string} [sub] the code under a name
 * @property {(p: any) => string | number | null} [sortVal]
 */

/** @type {Column[]} */
const COLUMNS = [
  { key: 'a', label: 'A', title: 'A area', text: (p) => str(p.a_name) || str(p.a_code), sub: (p) => str(p.a_code), sortVal: (p) => (str(p.a_name) || str(p.a_code)).toLowerCase() },
  { key: 'b', label: 'B', title: 'B area', text: (p) => str(p.b_name) || str(p.b_code), sub: (p) => str(p.b_code), sortVal: (p) => (str(p.b_name) || str(p.b_code)).toLowerCase() },
  { key: 'inter_m2', label: 'km²', title: 'Overlap in km²', num: true, text: (p) => km2(p.inter_m2) },
  { key: 'share_a_in_b', label: 'A in B', title: 'Share of the A area inside the B area', num: true, text: (p) => pct(p.share_a_in_b) },
  { key: 'share_b_in_a', label: 'B in A', title: 'Share of the B area inside the A area', num: true, text: (p) => pct(p.share_b_in_a) },
  { key: 'pop_share_a_in_b', label: 'Pop A in B', title: 'Share of the A area\'s population inside the B area', num: true, pop: true, text: (p) => pct(p.pop_share_a_in_b) },
  { key: 'pop_share_b_in_a', label: 'Pop B in A', title: 'Share of the B area\'s population inside the A area', num: true, pop: true, text: (p) => pct(p.pop_share_b_in_a) },
  { key: 'iou', label: 'How much overlaps', title: 'How much the two areas overlap, from 0 to 1 (IoU, intersection over union)', num: true, text: (p) => (num(p.iou) === null ? '–' : p.iou.toFixed(2)) },
  { key: 'class', label: 'Class', title: 'Relation', badge: true, sortVal: (p) => CLASS_ORDER.indexOf(str(p.class)) },
];

/**
 * sortedPairs are the crosswalk's pairs in the table's order; missing
 * values go last either way, ties by the codes.
 * @param {any[]} all
 * @param {{key: string, dir: number}} sort
 * @returns {any[]}
 */
export function sortedPairs(all, sort) {
  const pairs = all.slice();
  const col = COLUMNS.find((c) => c.key === sort.key) || COLUMNS[0];
  const dir = sort.dir;
  const val = col.sortVal || ((p) => num(p[col.key]));
  pairs.sort((x, y) => {
    const vx = val(x), vy = val(y);
    if (vx === null && vy === null) return 0;
    if (vx === null) return 1;
    if (vy === null) return -1;
    if (vx < vy) return -dir;
    if (vx > vy) return dir;
    return str(x.a_code).localeCompare(str(y.a_code)) || str(x.b_code).localeCompare(str(y.b_code));
  });
  return pairs;
}

/**
 * @param {import('./compare.js').CompareState} cmp
 * @param {(cmp: import('./compare.js').CompareState) => void} rerender
 * @param {Column[]} cols
 */
function headRow(cmp, rerender, cols) {
  return el('tr', null, ...cols.map((c) => {
    const active = cmp.sort.key === c.key;
    return el('th', {
      scope: 'col', className: c.num ? 'num' : '',
      'aria-sort': active ? (cmp.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
      dataset: { key: c.key },
    }, el('button', {
      type: 'button', className: 'sort-button', title: `Sort by ${c.title.charAt(0).toLowerCase()}${c.title.slice(1)}`,
      onclick: () => {
        if (cmp.sort.key === c.key) cmp.sort.dir = -cmp.sort.dir;
        else cmp.sort = { key: c.key, dir: c.num ? -1 : 1 }; // numbers: largest first
        rerender(cmp);
      },
    }, c.label, el('span', { className: 'sort-mark', 'aria-hidden': 'true', text: active ? (cmp.sort.dir > 0 ? '▲' : '▼') : '' })));
  }));
}

/**
 * renderPairsTable draws the table of pairs of cmp.data; a click on a row
 * (or Enter, or Space) calls select with its A area's code.
 * @param {import('./compare.js').CompareState} cmp
 * @param {(code: string) => void} select
 */
export function renderPairsTable(cmp, select) {
  /** @param {import('./compare.js').CompareState} c */
  const rerender = (c) => renderPairsTable(c, select);
  const table = $('cmp-table');
  const cols = COLUMNS.filter((c) => !c.pop || cmp.hasPop);
  const pairs = sortedPairs(cmp.data && Array.isArray(cmp.data.pairs) ? cmp.data.pairs : [], cmp.sort);
  const shown = cmp.showAll ? pairs : pairs.slice(0, TABLE_ROWS);
  const body = el('tbody');
  for (const p of shown) {
    const aCode = str(p.a_code);
    const tr = el('tr', {
      className: aCode === cmp.selected ? 'selected' : '',
      dataset: { a: aCode, b: str(p.b_code), iou: num(p.iou) === null ? '' : String(p.iou) },
      tabindex: '0',
      onclick: () => select(aCode),
      onkeydown: (/** @type {KeyboardEvent} */ ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(aCode); } },
    });
    for (const c of cols) {
      const text = c.text ? c.text(p) : '';
      if (c.badge) {
        tr.append(el('td', null, classBadge(str(p.class))));
      } else if (c.sub) {
        const sub = c.sub(p) === text ? null : el('span', { className: 'cell-code', text: c.sub(p) });
        tr.append(el('td', { className: 'area-cell' }, el('span', { text }), sub));
      } else {
        tr.append(el('td', { className: c.num ? 'num' : '', text }));
      }
    }
    body.append(tr);
  }
  table.replaceChildren(el('thead', null, headRow(cmp, rerender, cols)), body);
  const more = $('cmp-more');
  more.replaceChildren();
  if (pairs.length > shown.length) {
    more.append(el('button', {
      type: 'button', className: 'link-button',
      onclick: () => { cmp.showAll = true; rerender(cmp); },
      text: `Show all ${numberFormat.format(pairs.length)} pairs (${numberFormat.format(shown.length)} shown)`,
    }));
  }
  $('cmp-table-caption').textContent = pairs.length
    ? `${numberFormat.format(pairs.length)} pairs of overlapping areas. Click a column to sort, a row to show the A area on the map.`
    : 'No overlapping areas.';
}

/**
 * renderSummary sums the crosswalk up: pairs, median IoU, the share of A
 * outside B, the classes of the pairs, the A areas without counterpart.
 * @param {import('./compare.js').CompareState} cmp
 */
export function renderSummary(cmp) {
  const d = cmp.data;
  const s = (d && d.summary) || {};
  const classes = s.classes || {};
  const box = $('cmp-summary');
  const total = CLASS_ORDER.reduce((n, c) => n + (Number(classes[c]) || 0), 0);
  const without = Array.isArray(s.a_without_counterpart) ? s.a_without_counterpart.map(str) : [];
  const bar = el('div', { className: 'class-bar', role: 'img', 'aria-label': CLASS_ORDER.map((c) => `${CLASS_INFO[c].label}: ${classes[c] || 0}`).join(', ') });
  for (const c of CLASS_ORDER) {
    const n = Number(classes[c]) || 0;
    if (!n || !total) continue;
    bar.append(el('span', { style: { flexGrow: String(n), background: CLASS_INFO[c].color }, title: `${CLASS_INFO[c].label}: ${n}` }));
  }
  const legendList = el('ul', { className: 'class-legend' },
    ...CLASS_ORDER.map((c) => el('li', { dataset: { class: c } },
      el('span', { className: 'class-dot', 'aria-hidden': 'true', style: { background: CLASS_INFO[c].color } }),
      el('span', { className: 'class-name', text: CLASS_INFO[c].label }),
      el('span', { className: 'class-count', text: numberFormat.format(Number(classes[c]) || 0) }))));
  /** @type {HTMLElement[]} */
  const nodes = [
    el('div', { className: 'stats' },
      statBox('overlapping pairs', numberFormat.format(Number(s.pairs) || 0), s.slivers_ignored ? `${numberFormat.format(s.slivers_ignored)} tiny overlaps left out` : '', 'Slivers: tiny overlaps left out of the pairs'),
      statBox('typical overlap (0 to 1)', num(s.median_iou) === null ? '–' : s.median_iou.toFixed(2), '', 'Median IoU (intersection over union)'),
      statBox('of A outside B', pct(s.share_of_a_outside_b)),
      statBox('A areas without counterpart', numberFormat.format(without.length))),
    bar,
    legendList,
  ];
  if (without.length) {
    nodes.push(el('details', { className: 'without' },
      el('summary', { text: `A areas with no counterpart in B (${without.length})` }),
      el('p', { className: 'code-list', text: without.join(', ') })));
  }
  box.replaceChildren(...nodes);
}

/**
 * renderMethod says how the crosswalk was worked out.
 * @param {import('./compare.js').CompareState} cmp
 */
export function renderMethod(cmp) {
  const m = (cmp.data && cmp.data.method) || {};
  const dl = el('dl', { className: 'fields' });
  /**
   * @param {string} k
   * @param {unknown} v
   */
  const add = (k, v) => { if (v !== '' && v !== null && v !== undefined) dl.append(el('dt', { text: k }), el('dd', { text: String(v) })); };
  add('Areas', str(m.area));
  add('Tiny overlaps left out', num(m.sliver_threshold) !== null ? `pairs overlapping less than ${pct(m.sliver_threshold)} of both areas are left out (slivers)` : '');
  add('Same area', num(m.equivalent_iou) !== null ? `the two overlap by ${m.equivalent_iou} or more (IoU, intersection over union)` : '');
  add('Within', num(m.within_share) !== null ? `${pct(m.within_share)} or more of one area lies in the other` : '');
  add('Weight', m.weight === 'population' ? 'population' : 'area');
  const known = new Set(['area', 'sliver_threshold', 'equivalent_iou', 'within_share', 'weight', 'population']);
  for (const [k, val] of Object.entries(m)) {
    if (!known.has(k) && (typeof val === 'string' || typeof val === 'number')) add(humanName(k).replace(/\bIou\b/, 'IoU'), String(val));
  }
  if (m.population && typeof m.population === 'object') {
    const p = m.population;
    add('Population', [str(p.indicator) && `${humanName(p.indicator)} of ${setTitle(str(p.set))}`, str(p.basis)].filter(Boolean).join('; '));
  }
  $('cmp-method').replaceChildren(dl);
}
