// @ts-check
// The Access view's table of a set's areas: residents, residents beyond 15
// minutes, their share and the mean walk, sortable by any column (buttons
// in the heads, with aria-sort), 300 rows until "show all". A row's click
// (or Enter, or Space) outlines its area on the map.
//
// Security: area names reach the page only through el()/textContent.

import { $, el, numberFormat } from '../util.js';
import { fmtValue, pct } from '../format.js';
import { TABLE_ROWS, sortHead } from './common.js';
import { sortRows } from './accesskit.js';

/**
 * @typedef {object} AccessTable
 * @property {import('./accesskit.js').AreaRow[]} rows
 * @property {{key: import('./accesskit.js').SortKey, dir: number}} sort
 * @property {boolean} showAll
 * @property {string} selected
 * @property {(code: string) => void} select
 */

/** @type {{key: import('./accesskit.js').SortKey, label: string, num: boolean, cell: (r: import('./accesskit.js').AreaRow) => string}[]} */
const COLUMNS = [
  { key: 'name', label: 'Area', num: false, cell: (r) => r.name },
  { key: 'population', label: 'Residents', num: true, cell: (r) => fmtValue(r.population, 0) },
  { key: 'beyond', label: 'Beyond 15 min', num: true, cell: (r) => fmtValue(r.beyond, 0) },
  { key: 'share', label: 'Share beyond', num: true, cell: (r) => pct(r.share) },
  { key: 'mean', label: 'Mean min', num: true, cell: (r) => fmtValue(r.mean, 1) },
];

/**
 * renderAccessTable draws t into #acc-table.
 * @param {AccessTable} t
 */
export function renderAccessTable(t) {
  const table = $('acc-table');
  const active = document.activeElement;
  const had = active && table.contains(active) ? active.closest('th[data-key]') : null;
  const rows = sortRows(t.rows, t.sort);
  if (t.selected && !t.showAll && rows.findIndex((r) => r.code === t.selected) >= TABLE_ROWS) t.showAll = true;
  const shown = t.showAll ? rows : rows.slice(0, TABLE_ROWS);
  const body = el('tbody');
  for (const r of shown) {
    const pick = () => t.select(r.code);
    body.append(el('tr', {
      className: r.code === t.selected ? 'selected' : '',
      dataset: { code: r.code },
      tabindex: '0',
      onclick: pick,
      onkeydown: (/** @type {KeyboardEvent} */ ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); } },
    }, ...COLUMNS.map((c) => (c.key === 'name'
      ? el('td', { className: 'area-cell' }, el('span', { text: r.name }), r.name === r.code ? null : el('span', { className: 'cell-code', text: r.code }))
      : el('td', { className: 'num', text: c.cell(r) })))));
  }
  table.replaceChildren(el('thead', null, el('tr', null, ...COLUMNS.map((c) => sortHead(t, c.key, c.label, c.num, () => renderAccessTable(t))))), body);
  if (had) {
    const again = /** @type {HTMLElement | null} */ (table.querySelector(`th[data-key="${/** @type {HTMLElement} */ (had).dataset.key}"] button`));
    if (again) again.focus({ preventScroll: true });
  }
  const more = $('acc-more');
  more.replaceChildren();
  if (rows.length > shown.length) {
    more.append(el('button', {
      type: 'button', className: 'link-button', id: 'acc-table-more',
      onclick: () => { t.showAll = true; renderAccessTable(t); },
      text: `Show all ${numberFormat.format(rows.length)} areas (${numberFormat.format(shown.length)} shown)`,
    }));
  }
  $('acc-table-caption').textContent = rows.length
    ? `${numberFormat.format(rows.length)} areas: their residents, those beyond a 15-minute walk and their share, and the mean walk in minutes. Click a column to sort, a row to outline its area on the map.`
    : 'No areas.';
}
