// @ts-check
// The pure parts of the Proposals view: which proposal areas neighbour
// which (from the outlines the API sends), a colour for each area so
// neighbours differ, the MapLibre expression colouring the building blocks
// by their area, the comparison table of the report, and how a change of
// score reads. No DOM and no map: test/web/proposals.test.mjs runs them.

import { matchByCode } from './scales.js';

/** @typedef {{type: 'FeatureCollection', features: any[]}} FeatureCollection */

/**
 * vertexKey is a point as text, to ~0.1 m: neighbouring areas, being
 * unions of the same blocks, share their common boundary's points exactly.
 * @param {number[]} c
 */
const vertexKey = (c) => `${Number(c[0]).toFixed(6)},${Number(c[1]).toFixed(6)}`;

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
 * @param {any} geom
 * @returns {number[] | null} [w, s, e, n]
 */
function boxOf(geom) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  eachRing(geom, (ring) => {
    for (const c of ring) {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]);
      s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    }
  });
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/**
 * areaNeighbours answers, for each area code of the outlines, the codes of
 * the areas that share at least two boundary points with it (an edge, not
 * a corner). When no two outlines share an edge (outlines simplified on
 * the way), areas whose boxes overlap count as neighbours instead: more
 * neighbours than there are, which only makes the colours more careful.
 * @param {any[]} features with properties.code
 * @returns {Map<string, Set<string>>}
 */
export function areaNeighbours(features) {
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  /** @type {Map<string, Set<string>>} vertex -> areas */
  const at = new Map();
  for (const f of features) {
    const code = String(f && f.properties && f.properties.code);
    if (!out.has(code)) out.set(code, new Set());
    eachRing(f.geometry, (ring) => {
      for (const c of ring) {
        const k = vertexKey(c);
        let s = at.get(k);
        if (!s) at.set(k, (s = new Set()));
        s.add(code);
      }
    });
  }
  /** @type {Map<string, number>} "a\tb" -> shared points */
  const shared = new Map();
  for (const codes of at.values()) {
    if (codes.size < 2) continue;
    const list = [...codes];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const k = list[i] < list[j] ? `${list[i]}\t${list[j]}` : `${list[j]}\t${list[i]}`;
        shared.set(k, (shared.get(k) || 0) + 1);
      }
    }
  }
  let edges = 0;
  for (const [k, n] of shared) {
    if (n < 2) continue;
    const [a, b] = k.split('\t');
    /** @type {Set<string>} */ (out.get(a)).add(b);
    /** @type {Set<string>} */ (out.get(b)).add(a);
    edges++;
  }
  if (edges || features.length < 2) return out;
  const boxes = features.map((f) => ({ code: String(f.properties && f.properties.code), b: boxOf(f.geometry) }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const x = boxes[i].b, y = boxes[j].b;
      if (!x || !y || x[0] > y[2] || y[0] > x[2] || x[1] > y[3] || y[1] > x[3]) continue;
      /** @type {Set<string>} */ (out.get(boxes[i].code)).add(boxes[j].code);
      /** @type {Set<string>} */ (out.get(boxes[j].code)).add(boxes[i].code);
    }
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
