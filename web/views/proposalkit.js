// @ts-check
// The pure parts of the Proposals view: which proposal areas neighbour
// which (from the outlines the API sends), a colour for each area so
// neighbours differ, the MapLibre expression colouring the building blocks
// by their area, the comparison table of the report, and how a change of
// score reads. No DOM and no map: test/web/proposals.test.mjs runs them.

import { matchByCode } from './scales.js';

/** @typedef {{type: 'FeatureCollection', features: any[]}} FeatureCollection */

/** How near (in degrees, about 20 m) two outlines must run to be neighbours. */
const NEAR = 0.0002;

/**
 * eachRing calls fn with every ring of a Polygon or MultiPolygon.
 * @param {any} geom
 * @param {(ring: number[][]) => void} fn
 */
function eachRing(geom, fn) {
  if (!geom || !Array.isArray(geom.coordinates)) return;
  if (geom.type === 'Polygon') for (const r of geom.coordinates) fn(r);
  else if (geom.type === 'MultiPolygon') for (const p of geom.coordinates) for (const r of p) fn(r);
}

/**
 * areaNeighbours answers, for each area code of the outlines, the codes of
 * the areas whose outline runs within about 20 m of at least two of its
 * points (an edge, not a corner). Outlines simplified one by one on the
 * way no longer share their points exactly, hence the distance: each
 * outline is traced into a grid of NEAR-sized cells, and each point looks
 * for other areas in its cell and the eight around it.
 * @param {any[]} features with properties.code
 * @returns {Map<string, Set<string>>}
 */
export function areaNeighbours(features) {
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  /** @type {Map<number, string[]>} cell -> areas whose outline crosses it */
  const cells = new Map();
  // A cell's key as one number: columns and rows of NEAR stay well under 1e7.
  const key = (/** @type {number} */ cx, /** @type {number} */ cy) => cx * 1e7 + cy;
  const mark = (/** @type {number} */ k, /** @type {string} */ code) => {
    const s = cells.get(k);
    if (!s) cells.set(k, [code]);
    else if (s[s.length - 1] !== code && !s.includes(code)) s.push(code);
  };
  const codeOf = (/** @type {any} */ f) => String(f && f.properties && f.properties.code);
  for (const f of features) {
    const code = codeOf(f);
    if (!out.has(code)) out.set(code, new Set());
    eachRing(f.geometry, (ring) => {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0, y0] = ring[i], [x1, y1] = ring[i + 1];
        const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / NEAR));
        for (let k = 0; k <= steps; k++) mark(key(Math.floor((x0 + ((x1 - x0) * k) / steps) / NEAR), Math.floor((y0 + ((y1 - y0) * k) / steps) / NEAR)), code);
      }
    });
  }
  /** @type {Map<string, number>} "a\tb" -> points of a near b */
  const near = new Map();
  for (const f of features) {
    const code = codeOf(f);
    eachRing(f.geometry, (ring) => {
      for (let i = 0; i + 1 < ring.length; i++) { // the last point repeats the first
        const cx = Math.floor(ring[i][0] / NEAR), cy = Math.floor(ring[i][1] / NEAR);
        /** @type {Set<string>} */
        const seen = new Set();
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) for (const other of cells.get(key(cx + dx, cy + dy)) || []) if (other !== code) seen.add(other);
        }
        for (const other of seen) near.set(`${code}\t${other}`, (near.get(`${code}\t${other}`) || 0) + 1);
      }
    });
  }
  for (const [k, n] of near) {
    if (n < 2) continue;
    const [a, b] = k.split('\t');
    /** @type {Set<string>} */ (out.get(a)).add(b);
    /** @type {Set<string>} */ (out.get(b)).add(a);
  }
  return out;
}

/**
 * colourAreas gives each area a colour of the palette that none of its
 * neighbours has (most-connected areas first, the first free colour, in
 * code order on ties: the same outlines give the same colours). Where
 * every colour is taken around an area, it takes the one its neighbours
 * use least.
 * @param {string[]} codes every area, also those without an outline
 * @param {Map<string, Set<string>>} neighbours
 * @param {readonly string[]} palette
 * @returns {Map<string, string>} code -> colour
 */
export function colourAreas(codes, neighbours, palette) {
  const degree = (/** @type {string} */ c) => (neighbours.get(c) || new Set()).size;
  const order = [...new Set(codes)].sort((a, b) => degree(b) - degree(a) || (a < b ? -1 : a > b ? 1 : 0));
  /** @type {Map<string, number>} */
  const pick = new Map();
  for (const c of order) {
    const used = new Array(palette.length).fill(0);
    for (const n of neighbours.get(c) || []) {
      const i = pick.get(n);
      if (i !== undefined) used[i]++;
    }
    let best = used.indexOf(0);
    if (best < 0) best = used.indexOf(Math.min(...used));
    pick.set(c, best);
  }
  return new Map([...pick].map(([c, i]) => [c, palette[i]]));
}

/**
 * blockFill is the MapLibre expression that colours each building block
 * by its area's colour; blocks in no area (or an area with no colour) are
 * fallback.
 * @param {Record<string, string>} assignment block code -> area code
 * @param {Map<string, string>} colours area code -> colour
 * @param {string} fallback
 * @returns {any}
 */
export function blockFill(assignment, colours, fallback) {
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const [block, area] of Object.entries(assignment || {})) {
    const colour = colours.get(String(area));
    if (!colour) continue;
    let g = groups.get(colour);
    if (!g) groups.set(colour, (g = []));
    g.push(block);
  }
  return matchByCode(groups, fallback);
}

/**
 * score is a score as the report shows it: three decimals, '–' for none.
 * @param {unknown} v
 * @returns {string}
 */
export function score(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–';
}

/**
 * scoreChange says how the overall score moved: "Overall 0.842 → 0.845".
 * @param {unknown} before
 * @param {unknown} after
 * @returns {string}
 */
export function scoreChange(before, after) {
  if (typeof before === 'number' && typeof after === 'number' && before !== after) {
    // A change too small for three decimals shows with as many as it takes (up to six).
    for (let d = 3; d <= 6; d++) if (before.toFixed(d) !== after.toFixed(d) || d === 6) return `Overall ${before.toFixed(d)} → ${after.toFixed(d)}`;
  }
  if (typeof before === 'number' && before === after) return `Overall ${score(after)}, unchanged`;
  return `Overall ${score(before)} → ${score(after)}`;
}

/**
 * @typedef {object} Comparison
 * @property {string[]} against the fit sets, the table's columns
 * @property {{set: string, cells: (number | null)[], proposal: boolean}[]} rows each input, then the proposal
 * @property {{set: string, against: string, input: number, proposal: number | null}[]} pairs each input against each other fit set
 */

/**
 * comparison reads a report into the table "how each input agrees with
 * each fit set, and the proposal": a row per input (fit sets and the
 * nest-in set, as report.inputs lists them), a column per fit set, and a
 * last row of the proposal's own agreements. A set against itself is null.
 * @param {any} report
 * @returns {Comparison}
 */
export function comparison(report) {
  const fits = Array.isArray(report && report.fits) ? report.fits : [];
  const inputs = Array.isArray(report && report.inputs) ? report.inputs : [];
  const against = fits.map((/** @type {any} */ f) => String(f.slug));
  /** @type {string[]} */
  const sets = [];
  for (const s of [...against, ...inputs.map((/** @type {any} */ i) => String(i.set))]) if (!sets.includes(s)) sets.push(s);
  /** @type {Map<string, number>} */
  const by = new Map();
  for (const i of inputs) if (typeof i.agreement === 'number') by.set(`${i.set}\t${i.against}`, i.agreement);
  const look = (/** @type {string} */ s, /** @type {string} */ a) => (s === a ? null : by.get(`${s}\t${a}`) ?? by.get(`${a}\t${s}`) ?? null);
  const proposal = fits.map((/** @type {any} */ f) => (typeof f.agreement === 'number' ? f.agreement : null));
  const rows = sets.filter((s) => inputs.some((/** @type {any} */ i) => String(i.set) === s) || against.includes(s))
    .map((set) => ({ set, cells: against.map((a) => look(set, a)), proposal: false }));
  rows.push({ set: '', cells: proposal, proposal: true });
  const pairs = [];
  for (const row of rows) {
    if (row.proposal) continue;
    row.cells.forEach((v, k) => { if (v !== null) pairs.push({ set: row.set, against: against[k], input: v, proposal: proposal[k] }); });
  }
  return { against, rows, pairs };
}

/**
 * comparisonSentence says one pair in words: "Council neighbourhoods
 * agrees 0.710 with Community neighbourhoods; the proposal 0.860 while
 * nesting in Wards".
 * @param {{set: string, against: string, input: number, proposal: number | null}} p
 * @param {(slug: string) => string} title
 * @param {string} nestIn the nest-in set, '' for none
 * @returns {string}
 */
export function comparisonSentence(p, title, nestIn) {
  const nest = nestIn ? ` while nesting in ${title(nestIn)}` : '';
  return `${title(p.set)} agrees ${score(p.input)} with ${title(p.against)}; the proposal ${score(p.proposal)}${nest}`;
}

/**
 * replaceFeatures swaps the features of fc whose code is among changed's
 * for those (and adds new ones), keeping the order; an area left with no
 * blocks goes.
 * @param {FeatureCollection} fc
 * @param {any[]} changed
 * @returns {FeatureCollection}
 */
export function replaceFeatures(fc, changed) {
  const by = new Map(changed.map((f) => [String(f.properties && f.properties.code), f]));
  const kept = fc.features.map((f) => {
    const c = String(f.properties && f.properties.code);
    const n = by.get(c);
    by.delete(c);
    return n || f;
  }).filter((f) => f.geometry);
  return { type: 'FeatureCollection', features: [...kept, ...[...by.values()].filter((f) => f.geometry)] };
}
