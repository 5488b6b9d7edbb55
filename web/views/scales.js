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

/**
 * Residents' drawings: the share of the drawings of a place that include
 * each part, in the agreement Purples, darkest where most residents agree.
 * @type {readonly ShareBin[]}
 */
export const DRAWING_BINS = [
  { min: 0.8, color: AGREE_RAMP[4], label: '80% or more of them' },
  { min: 0.6, color: AGREE_RAMP[3], label: '60–80%' },
  { min: 0.4, color: AGREE_RAMP[2], label: '40–60%' },
  { min: 0.2, color: AGREE_RAMP[1], label: '20–40%' },
  { min: -Infinity, color: AGREE_RAMP[0], label: 'under 20%' },
];

/**
 * drawingShareColor is the colour of a part drawn by this share of the
 * residents who drew the place.
 * @param {unknown} share
 * @returns {string}
 */
export function drawingShareColor(share) {
  const n = num(share) ?? 0;
  return /** @type {ShareBin} */ (DRAWING_BINS.find((bin) => n >= bin.min)).color;
}

/**
 * drawingShareFill is the MapLibre expression colouring a drawings
 * surface's faces by their share (property share, 0–1), as
 * drawingShareColor does.
 * @returns {any}
 */
export function drawingShareFill() {
  /** @type {any[]} */
  const expr = ['step', ['to-number', ['get', 'share'], 0], DRAWING_BINS[DRAWING_BINS.length - 1].color];
  for (let i = DRAWING_BINS.length - 2; i >= 0; i--) expr.push(DRAWING_BINS[i].min, DRAWING_BINS[i].color);
  return expr;
}

const EARTH_RADIUS_M = 6378137;

/**
 * ringArea is the area in m² of a ring of [lng, lat] on the sphere (the
 * formula of Chamberlain and Duquette, as turf's area), unsigned.
 * @param {readonly number[][]} ring
 * @returns {number}
 */
function ringArea(ring) {
  const n = ring.length;
  if (n < 3) return 0;
  const rad = Math.PI / 180;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i], b = ring[(i + 1) % n], c = ring[(i + 2) % n];
    sum += (c[0] - a[0]) * rad * Math.sin(b[1] * rad);
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

/**
 * geometryArea is the area in m² of a Polygon or MultiPolygon (holes taken
 * out); 0 for anything else.
 * @param {any} geom
 * @returns {number}
 */
export function geometryArea(geom) {
  if (!geom) return 0;
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? geom.coordinates : [];
  let total = 0;
  for (const rings of polys) {
    rings.forEach((/** @type {number[][]} */ r, /** @type {number} */ i) => { total += i ? -ringArea(r) : ringArea(r); });
  }
  return Math.max(0, total);
}
