// @ts-check
// The Figures view's ranked table: every area of the set with its figure,
// sortable by name and by figure (buttons in the column heads, with
// aria-sort), 300 rows until "show all". Hovering or focusing a row
// outlines its area on the map; a click (or Enter, or Space) selects it.
//
// Security: area names reach the page only through el()/textContent.

import { $, el, numberFormat } from '../util.js';
import { fmtValue } from '../format.js';
import { TABLE_ROWS, sortHead } from './common.js';
import { sortFigureRows } from './figrows.js';

/**
 * What the table is drawn from and calls back.
 * @typedef {object} FigureTable
 * @property {import('./figrows.js').FigureRow[]} rows every area
 * @property {{key: 'name' | 'value', dir: number}} sort
 * @property {boolean} showAll
 * @property {string} selected the code of the area picked
 * @property {string} valueLabel the figure column's heading
 * @property {(code: string) => void} select
 * @property {(code: string) => void} hover '' for none
 */

/**
 * renderFigureTable draws t into #choro-table.
 * @param {FigureTable} t
 */
export function renderFigureTable(t) {
  const table = $('choro-table');
  // Drawing anew keeps the keyboard focus on the same row or column head.
  const active = document.activeElement;
  const had = active && table.contains(active) ? active.closest('tr[data-code], th[data-key]') : null;
  const refocus = had ? (had.matches('th') ? `th[data-key="${/** @type {HTMLElement} */ (had).dataset.key}"] button` : `tr[data-code="${CSS.escape(/** @type {HTMLElement} */ (had).dataset.code || '')}"]`) : '';
  const rows = sortFigureRows(t.rows, t.sort);
  // An area picked on the map below the first rows shows them all.
  if (t.selected && !t.showAll && rows.findIndex((r) => r.code === t.selected) >= TABLE_ROWS) t.showAll = true;
  const shown = t.showAll ? rows : rows.slice(0, TABLE_ROWS);
  const body = el('tbody');
  for (const r of shown) {
    const pick = () => t.select(r.code);
    body.append(el('tr', {
      className: r.code === t.selected ? 'selected' : '',
      dataset: { code: r.code, value: r.value === null ? '' : String(r.value) },
      tabindex: '0',
      onclick: pick,
      onkeydown: (/** @type {KeyboardEvent} */ ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); } },
      onmouseenter: () => t.hover(r.code),
      onmouseleave: () => t.hover(''),
      onfocus: () => t.hover(r.code),
      onblur: () => t.hover(''),
    },
    el('td', { className: 'area-cell' }, el('span', { text: r.name }), r.name === r.code ? null : el('span', { className: 'cell-code', text: r.code })),
    el('td', { className: 'num', text: r.value === null ? 'no figure' : fmtValue(r.value) })));
  }
  table.replaceChildren(el('thead', null, el('tr', null,
    sortHead(t, 'name', 'Area', false, () => renderFigureTable(t), 'Sort by area name'),
    sortHead(t, 'value', t.valueLabel, true, () => renderFigureTable(t), 'Sort by figure'))), body);
  const again = refocus ? /** @type {HTMLElement | null} */ (table.querySelector(refocus)) : null;
  if (again) again.focus({ preventScroll: true });
  const more = $('choro-more');
  more.replaceChildren();
  if (rows.length > shown.length) {
    more.append(el('button', {
      type: 'button', className: 'link-button', id: 'choro-table-more',
      onclick: () => { t.showAll = true; renderFigureTable(t); },
      text: `Show all ${numberFormat.format(rows.length)} areas (${numberFormat.format(shown.length)} shown)`,
    }));
  }
  const picked = t.selected ? body.querySelector('tr.selected') : null;
  if (picked && typeof picked.scrollIntoView === 'function') picked.scrollIntoView({ block: 'nearest' });
  const withFigure = rows.filter((r) => r.value !== null).length;
  $('choro-table-caption').textContent = rows.length
    ? `${numberFormat.format(rows.length)} areas, ${numberFormat.format(withFigure)} with a figure. Click a column to sort, a row to pick its area on the map.`
    : 'No areas.';
}
