// @ts-check
// Colour scales and map expressions of the views: best-fit shares
// (Compare), agreement (Places), quantile classes (Choropleth), and
// MapLibre expressions that colour or pick areas by code. Pure functions,
// unit-tested by test/web/scales.test.mjs.

import { num } from '../format.js';

export const NONE = '\u0000none';

/** @typedef {{min: number, color: string, label: string}} ShareBin */

/**
 * Best-fit share of an A area inside one B area: YlOrRd, low share = red.
 * @type {readonly ShareBin[]}
 */
export const SHARE_BINS = [
  { min: 0.95, color: '#ffffb2', label: '95% or more' },
  { min: 0.8, color: '#fed976', label: '80–95%' },
  { min: 0.6, color: '#feb24c', label: '60–80%' },
  { min: 0.4, color: '#fd8d3c', label: '40–60%' },
  { min: 0.2, color: '#f03b20', label: '20–40%' },
  { min: -Infinity, color: '#bd0026', label: 'under 20%' },
];
export const NO_COUNTERPART = '#9ca3af';

/**
 * shareColor is the colour of a best-fit share; NO_COUNTERPART for none.
 * @param {unknown} share
 * @returns {string}
 */
export function shareColor(share) {
  const n = num(share);
  if (n === null) return NO_COUNTERPART;
  return /** @type {ShareBin} */ (SHARE_BINS.find((bin) => n >= bin.min)).color;
}

/** Agreement surface: Purples, darkest where every definition agrees. */
export const AGREE_RAMP = ['#dcdaec', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'];

/**
 * agreeColor is the colour of a part inside count of of definitions.
 * @param {number} count
 * @param {number} of
 * @returns {string}
 */
export function agreeColor(count, of) {
  if (of <= 1) return AGREE_RAMP[AGREE_RAMP.length - 1];
  const i = Math.round(((count - 1) / (of - 1)) * (AGREE_RAMP.length - 1));
  return AGREE_RAMP[Math.max(0, Math.min(AGREE_RAMP.length - 1, i))];
}

/** Choropleth: YlGnBu, 5 quantile classes. */
export const CHORO_RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
export const CHORO_CLASSES = 5;

/**
 * quantileBreaks returns up to classes-1 increasing breaks; a value v is in
 * class i where i = the number of breaks <= v.
 * @param {readonly number[]} values
 * @param {number} classes
 * @returns {number[]}
 */
export function quantileBreaks(values, classes) {
  const v = values.slice().sort((a, b) => a - b);
  const out = [];
  for (let i = 1; i < classes; i++) {
    const b = v[Math.floor((i * v.length) / classes)];
    if (b !== undefined && b > v[0] && (!out.length || b > out[out.length - 1])) out.push(b);
  }
  return out;
}

/**
 * classOf is the class of v: the number of breaks at or below it.
 * @param {number} v
 * @param {readonly number[]} breaks
 * @returns {number}
 */
export function classOf(v, breaks) {
  let i = 0;
  while (i < breaks.length && v >= breaks[i]) i++;
  return i;
}

/**
 * choroColors spreads n classes over the ramp, keeping its ends.
 * @param {number} n
 * @returns {string[]}
 */
export function choroColors(n) {
  if (n >= CHORO_RAMP.length) return CHORO_RAMP.slice();
  if (n <= 1) return [CHORO_RAMP[2]];
  return Array.from({ length: n }, (_, i) => CHORO_RAMP[Math.round((i * (CHORO_RAMP.length - 1)) / (n - 1))]);
}

/** A MapLibre expression: an area's code as a string. */
export const codeOf = ['to-string', ['get', 'code']];

/**
 * matchByCode builds ['match', code, [codes...], colour, ..., fallback] from
 * a Map colour -> codes, leaving out empty groups (match needs at least one)
 * and codes already given a colour. With no codes at all it is fallback.
 * @param {Map<string, unknown[]>} groups
 * @param {string} fallback
 * @returns {any}
 */
export function matchByCode(groups, fallback) {
  /** @type {any[]} */
  const expr = ['match', codeOf];
  const seen = new Set();
  for (const [color, codes] of groups) {
    const list = [...new Set(codes.map(String))].filter((c) => !seen.has(c));
    list.forEach((c) => seen.add(c));
    if (list.length) expr.push(list, color);
  }
  if (expr.length === 2) return fallback;
  expr.push(fallback);
  return expr;
}

/**
 * codeFilter is a MapLibre filter for the areas with these codes (none
 * when the list is empty).
 * @param {unknown[]} codes
 * @returns {any}
 */
export function codeFilter(codes) {
  const list = [...new Set(codes.map(String))];
  return ['in', codeOf, ['literal', list.length ? list : [NONE]]];
}

/**
 * dashKey draws a MapLibre line-dasharray (in line widths) as a CSS
 * gradient, for the legend.
 * @param {string} color
 * @param {readonly number[] | null | undefined} dash
 * @param {number} [width]
 * @returns {{background: string, height: string}}
 */
export function dashKey(color, dash, width) {
  const w = width || 2;
  if (!dash || dash.length < 2 || !dash[1]) return { background: color, height: `${w + 1}px` };
  const stops = [];
  let at = 0;
  dash.forEach((len, i) => {
    const next = at + len * w * 1.2;
    stops.push(`${i % 2 ? 'transparent' : color} ${at}px ${next}px`);
    at = next;
  });
  return { background: `repeating-linear-gradient(90deg, ${stops.join(', ')})`, height: `${w + 1}px` };
}
