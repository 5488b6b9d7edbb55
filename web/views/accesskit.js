// @ts-check
// What the Access view works out without the page: the walking-time bands'
// colours, the request a form or a scenario sends, a typed point, how a
// run's progress and results read, the colour of an area by its share of
// residents beyond 15 minutes, sorting the areas and the areas a scenario
// affects most. Pure functions, unit-tested by test/web/access.test.mjs.

import { str } from '../util.js';
import { num, fmtValue, pct } from '../format.js';

/** The walking-time thresholds, in minutes, as the API gives them. */
export const THRESHOLDS = /** @type {const} */ ([5, 10, 15, 20]);

/**
 * The bands' colours (Blues, 4 steps): the nearer the darker. The bands
 * come largest first, so the 5-minute band is drawn last, on top.
 * @type {Record<string, string>}
 */
export const BAND_COLORS = { 5: '#08519c', 10: '#3182bd', 15: '#6baed6', 20: '#c6dbef' };

/**
 * bandFill is the MapLibre expression colouring a band by its minutes.
 * @returns {any}
 */
export function bandFill() {
  return ['match', ['to-number', ['get', 'minutes'], 0],
    5, BAND_COLORS[5], 10, BAND_COLORS[10], 15, BAND_COLORS[15], 20, BAND_COLORS[20], '#e5e7eb'];
}

/**
 * Share of residents beyond 15 minutes: OrRd, 5 classes, the more the darker.
 * @type {readonly {min: number, color: string, label: string}[]}
 */
export const BEYOND_BINS = [
  { min: 0.75, color: '#b30000', label: '75% or more' },
  { min: 0.5, color: '#e34a33', label: '50–75%' },
  { min: 0.25, color: '#fc8d59', label: '25–50%' },
  { min: 0.05, color: '#fdcc8a', label: '5–25%' },
  { min: -Infinity, color: '#fef0d9', label: 'under 5%' },
];

/**
 * beyondColor is the colour of an area by its share beyond 15 minutes.
 * @param {unknown} share
 * @param {string} fallback for no share
 * @returns {string}
 */
export function beyondColor(share, fallback) {
  const n = num(share);
  if (n === null) return fallback;
  return /** @type {{color: string}} */ (BEYOND_BINS.find((b) => n >= b.min)).color;
}

/**
 * beyondGroups groups the areas' codes by their colour, for matchByCode.
 * @param {readonly any[]} areas
 * @returns {Map<string, string[]>}
 */
export function beyondGroups(areas) {
  /** @type {Map<string, string[]>} */
  const groups = new Map(BEYOND_BINS.map((b) => [b.color, []]));
  for (const a of areas) {
    if (num(a && a.share_beyond_15) === null) continue;
    /** @type {string[]} */ (groups.get(beyondColor(a.share_beyond_15, ''))).push(str(a.code));
  }
  return groups;
}

/**
 * parseLonLat reads a typed point, "LON,LAT" (a space after the comma is
 * fine), into [lon, lat]; null when it is not one on the globe.
 * @param {unknown} text
 * @returns {[number, number] | null}
 */
export function parseLonLat(text) {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(str(text));
  if (!m) return null;
  const lon = Number(m[1]), lat = Number(m[2]);
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return null;
  return [lon, lat];
}

/**
 * @typedef {object} AccessForm what the form holds
 * @property {string} category
 * @property {string[]} statuses
 * @property {string} from
 * @property {string} speed km/h as typed ('' for the default)
 * @property {string} maxMinutes as typed ('' for the default)
 */

/**
 * accessBody is the body of POST api/access for the form (and, for a
 * scenario, the assets to close and the points to open), or a message
 * saying what is wrong with the field named by focus.
 * @param {AccessForm} f
 * @param {{close?: string[], open?: [number, number][]}} [scenario]
 * @returns {{body: Record<string, any>} | {error: string, focus: string}}
 */
export function accessBody(f, scenario = {}) {
  if (!str(f.category)) return { error: 'Pick a category of assets.', focus: 'category' };
  if (!str(f.from)) return { error: 'Pick the set of areas people live in.', focus: 'from' };
  /** @type {Record<string, any>} */
  const body = { category: str(f.category), from: str(f.from) };
  if (f.statuses.length) body.status = f.statuses.slice();
  if (str(f.speed)) {
    const v = Number(f.speed);
    if (!(v > 0 && v <= 50)) return { error: 'The walking speed should be a number of km/h above 0 (4.8 is usual).', focus: 'speed' };
    body.speed_kmh = v;
  }
  if (str(f.maxMinutes)) {
    const v = Number(f.maxMinutes);
    if (!(v > 0 && v <= 600)) return { error: 'The longest walk should be a number of minutes above 0.', focus: 'max' };
    body.max_minutes = v;
  }
  if (scenario.close && scenario.close.length) body.close = scenario.close.slice();
  if (scenario.open && scenario.open.length) body.open = scenario.open.map((p) => [p[0], p[1]]);
  return { body };
}

/**
 * scenarioBody is the body of a scenario: the baseline run's parameters
 * with the assets to close and the points to open.
 * @param {any} params the baseline run's params
 * @param {string[]} close
 * @param {[number, number][]} open
 * @returns {Record<string, any>}
 */
export function scenarioBody(params, close, open) {
  const p = params && typeof params === 'object' ? params : {};
  /** @type {Record<string, any>} */
  const body = {};
  for (const k of ['category', 'status', 'from', 'speed_kmh', 'max_minutes', 'mode']) {
    const v = p[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    body[k] = Array.isArray(v) ? v.slice() : v;
  }
  if (close.length) body.close = close.slice();
  if (open.length) body.open = open.map((x) => [x[0], x[1]]);
  return body;
}

/**
 * progressOf reads a run's progress: the share done (null when the stage
 * has no count) and a line for the live region.
 * @param {any} run
 * @returns {{share: number | null, text: string}}
 */
export function progressOf(run) {
  const r = run || {};
  const stage = str(r.stage).replace(/_/g, ' ') || 'starting';
  const done = num(r.done), total = num(r.total);
  const share = done !== null && total !== null && total > 0 ? Math.min(1, done / total) : null;
  if (r.status === 'done') return { share: 1, text: 'Finished.' };
  if (r.status === 'failed') return { share, text: `Failed: ${str(r.error) || 'no reason given'}` };
  const count = share === null ? '' : ` — ${fmtValue(done, 0)} of ${fmtValue(total, 0)}`;
  return { share, text: `${stage.charAt(0).toUpperCase()}${stage.slice(1)}${count}` };
}

/**
 * withinShare is a share of a {"5": share, ...} object, or null.
 * @param {any} within
 * @param {number} minutes
 * @returns {number | null}
 */
export function withinShare(within, minutes) {
  return within && typeof within === 'object' ? num(within[String(minutes)]) : null;
}

/**
 * farLine says why an origin or asset is far from the network.
 * @param {any} f {kind, id, name, metres}
 * @returns {string}
 */
export function farLine(f) {
  const kind = str(f && f.kind) === 'asset' ? 'Asset' : 'Area';
  const name = str(f && f.name);
  const id = str(f && f.id);
  const label = name && name !== id ? `${name} (${id})` : id || name || 'unnamed';
  return `${kind} ${label}: ${fmtValue(num(f && f.metres), 0)} m from the nearest way`;
}

/**
 * @typedef {object} AreaRow an area of a set, as the table shows it
 * @property {string} code
 * @property {string} name
 * @property {number | null} population
 * @property {number | null} beyond residents beyond 15 minutes
 * @property {number | null} share share beyond 15 minutes
 * @property {number | null} mean mean minutes
 * @property {number | null} moved residents moved beyond 15 minutes (scenarios)
 */

/**
 * areaRows reads a set view's areas.
 * @param {any} view runs/{id}/sets/{set}
 * @returns {AreaRow[]}
 */
export function areaRows(view) {
  const areas = view && Array.isArray(view.areas) ? view.areas : [];
  return areas.filter((/** @type {any} */ a) => a && str(a.code)).map((/** @type {any} */ a) => ({
    code: str(a.code),
    name: str(a.name) || str(a.code),
    population: num(a.population),
    beyond: num(a.beyond_15_residents),
    share: num(a.share_beyond_15),
    mean: num(a.mean_minutes),
    moved: movedBeyond(a, 15),
  }));
}

/**
 * movedBeyond is the residents of an area a scenario moves beyond a
 * threshold, or null.
 * @param {any} area
 * @param {number} minutes
 */
export function movedBeyond(area, minutes) {
  const c = area && area.change && area.change.moved_beyond;
  return c && typeof c === 'object' ? num(c[String(minutes)]) : null;
}

/** @typedef {'name' | 'population' | 'beyond' | 'share' | 'mean' | 'moved'} SortKey */

/**
 * sortRows sorts the areas by a column (names by locale, numbers with
 * the areas without a value last either way), then by name.
 * @param {readonly AreaRow[]} rows
 * @param {{key: SortKey, dir: number}} sort dir 1 ascending, -1 descending
 * @returns {AreaRow[]}
 */
export function sortRows(rows, { key, dir }) {
  const byName = (/** @type {AreaRow} */ a, /** @type {AreaRow} */ b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code);
  return rows.slice().sort((a, b) => {
    if (key === 'name') return dir * byName(a, b);
    const x = a[key], y = b[key];
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return dir * (x - y) || byName(a, b);
  });
}

/**
 * mostAffected are the areas a scenario moves residents beyond a
 * threshold in, most first (by 15 minutes, then 20, 10, 5), up to limit.
 * @param {any} view runs/{id}/sets/{set} of a scenario
 * @param {number} [limit]
 * @returns {{code: string, name: string, moved: Record<string, number>}[]}
 */
export function mostAffected(view, limit = 10) {
  const areas = view && Array.isArray(view.areas) ? view.areas : [];
  const order = [15, 20, 10, 5];
  return areas.map((/** @type {any} */ a) => {
    /** @type {Record<string, number>} */
    const moved = {};
    for (const t of THRESHOLDS) moved[t] = movedBeyond(a, t) ?? 0;
    return { code: str(a.code), name: str(a.name) || str(a.code), moved };
  }).filter((/** @type {any} */ a) => a.code && THRESHOLDS.some((t) => a.moved[t] !== 0))
    .sort((/** @type {any} */ a, /** @type {any} */ b) => {
      for (const t of order) if (b.moved[t] !== a.moved[t]) return b.moved[t] - a.moved[t];
      return a.name.localeCompare(b.name, 'en-GB');
    }).slice(0, limit);
}

/**
 * article is "a" or "an" before a word.
 * @param {string} word
 */
function article(word) {
  return /^[aeiou]/i.test(word) && !/^(uni|eu|one)/i.test(word) ? 'an' : 'a';
}

/**
 * beyondSentence says how many residents of an area live more than 15
 * minutes' walk from the nearest asset of a category: "1,234 residents are
 * more than 15 minutes' walk from a library".
 * @param {unknown} residents
 * @param {string} categoryTitle e.g. "Library"
 * @returns {string}
 */
export function beyondSentence(residents, categoryTitle) {
  const n = Math.round(num(residents) ?? 0);
  const noun = str(categoryTitle).toLowerCase() || 'asset';
  const who = n === 1 ? '1 resident is' : `${fmtValue(n, 0)} residents are`;
  return `${who} more than 15 minutes' walk from ${article(noun)} ${noun}`;
}

/**
 * shareLine is a share of residents with its threshold: "82.5% within 15 min".
 * @param {any} within
 * @param {number} minutes
 */
export function shareLine(within, minutes) {
  return `${pct(withinShare(within, minutes))} within ${minutes} min`;
}

/**
 * meanText is the mean walk of an area's residents, or what stands for it
 * when none of them reached an asset within the run's longest walk.
 * @param {unknown} minutes
 * @returns {string}
 */
export function meanText(minutes) {
  return minutes === null || minutes === undefined ? 'none reached within the longest walk' : `${fmtValue(minutes, 1)} minutes on average`;
}
