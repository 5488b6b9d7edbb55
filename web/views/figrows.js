// @ts-check
// What the Figures (Choropleth) view works out without the page: the one
// list of indicators a set can be coloured by (its own, the asset counts,
// and those of other sets moved over from the finest set carrying them),
// and the rows of its ranked table. Pure functions, unit-tested by
// test/web/figrows.test.mjs.

import { str } from '../util.js';
import { num } from '../format.js';

/**
 * One indicator the shown set can be coloured by.
 * @typedef {object} IndicatorChoice
 * @property {string} name
 * @property {string} title
 * @property {string} kind count or rate
 * @property {string} from the set its values come from by default ('' for the set's own)
 * @property {boolean} builtin an asset count
 * @property {string} label in plain words, saying where it comes from
 * @property {string[]} sources every set carrying it, the shown set (if it does) first, then finest first
 */

/**
 * A boundary set as the choices need it.
 * @typedef {{slug: string, title?: string, area_count?: number}} SetInfo
 */

/**
 * indicatorChoices is every indicator the set can show, in three groups:
 * its own figures, the built-in asset counts, and other sets' figures,
 * each taken by default from the finest set (the most areas) carrying it.
 * @param {string} set
 * @param {Map<string, any[]>} lists each set's indicators
 * @param {readonly SetInfo[]} sets
 * @returns {IndicatorChoice[]}
 */
export function indicatorChoices(set, lists, sets) {
  const title = (/** @type {string} */ slug) => {
    const s = sets.find((x) => x.slug === slug);
    return s ? str(s.title) || slug : slug;
  };
  const finest = sets.slice().sort((a, b) => (num(b.area_count) || 0) - (num(a.area_count) || 0) || a.slug.localeCompare(b.slug));
  /** @type {Map<string, string[]>} */
  const carriers = new Map();
  for (const s of finest) {
    for (const ind of lists.get(s.slug) || []) {
      if (ind.builtin) continue;
      const name = str(ind.name);
      if (!carriers.has(name)) carriers.set(name, []);
      /** @type {string[]} */ (carriers.get(name)).push(s.slug);
    }
  }
  /** @param {string} name */
  const sourcesOf = (name) => {
    const c = carriers.get(name) || [];
    return c.includes(set) ? [set, ...c.filter((x) => x !== set)] : c;
  };
  /** @type {IndicatorChoice[]} */
  const own = [], counts = [], moved = [];
  const seen = new Set();
  for (const ind of lists.get(set) || []) {
    const name = str(ind.name);
    seen.add(name);
    const t = str(ind.title) || name;
    if (ind.builtin) {
      counts.push({ name, title: t, kind: 'count', from: '', builtin: true, label: `${t.replace(/ \(assets\)$/, '')} — counted from the assets on the map`, sources: [set] });
    } else {
      own.push({ name, title: t, kind: str(ind.kind), from: '', builtin: false, label: `${t} — this set's own`, sources: sourcesOf(name) });
    }
  }
  for (const [name, slugs] of carriers) {
    if (seen.has(name)) continue;
    const from = slugs[0];
    const ind = (lists.get(from) || []).find((i) => str(i.name) === name) || {};
    const t = str(ind.title) || name;
    moved.push({ name, title: t, kind: str(ind.kind), from, builtin: false, label: `${t} — from ${title(from)}`, sources: slugs });
  }
  moved.sort((a, b) => a.label.localeCompare(b.label));
  return [...own, ...moved, ...counts];
}

/**
 * One row of the ranked table.
 * @typedef {{code: string, name: string, value: number | null}} FigureRow
 */

/**
 * figureRows is every area of the set with its figure (null for none):
 * the areas named, and any with a figure but no name.
 * @param {Record<string, unknown> | null | undefined} names code -> name
 * @param {Record<string, unknown> | null | undefined} values code -> figure
 * @returns {FigureRow[]}
 */
export function figureRows(names, values) {
  const n = names && typeof names === 'object' ? names : {};
  const v = values && typeof values === 'object' ? values : {};
  const codes = new Set([...Object.keys(n), ...Object.keys(v)]);
  return [...codes].map((code) => ({ code, name: str(n[code]) || code, value: num(v[code]) }));
}

/**
 * sortFigureRows orders rows by name (A to Z for dir 1) or by figure
 * (smallest first for dir 1); areas with no figure go last either way,
 * ties by code. It returns a new array.
 * @param {readonly FigureRow[]} rows
 * @param {{key: 'name' | 'value', dir: number}} sort
 * @returns {FigureRow[]}
 */
export function sortFigureRows(rows, { key, dir }) {
  const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });
  return rows.slice().sort((x, y) => {
    if (key === 'value') {
      if (x.value === null && y.value !== null) return 1;
      if (y.value === null && x.value !== null) return -1;
      if (x.value !== null && y.value !== null && x.value !== y.value) return (x.value - y.value) * dir;
    } else {
      const c = collator.compare(x.name, y.name);
      if (c) return c * dir;
    }
    return x.code < y.code ? -1 : x.code > y.code ? 1 : 0;
  });
}

/**
 * figuresCSVURL is the address of the CSV of what the view shows.
 * @param {{set: string, indicator: string, from: string, weight: string, per?: string}} c
 * @returns {string}
 */
export function figuresCSVURL({ set, indicator, from, weight, per }) {
  const q = new URLSearchParams();
  if (from && from !== set) {
    q.set('from', from);
    if (weight === 'population') q.set('weight', 'population');
  }
  if (per) q.set('per', per);
  const qs = q.toString();
  return `api/sets/${encodeURIComponent(set)}/indicators/${encodeURIComponent(indicator)}.csv${qs ? `?${qs}` : ''}`;
}
