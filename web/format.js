// @ts-check
// How values read on the page: titles of categories, statuses and field
// names, percentages, areas, indicator values, coordinates, dates and a
// drawing's answers.
// Pure functions, unit-tested by test/web/format.test.mjs.

import { str } from './util.js';

/** @typedef {{id: string, title: string}} Category one of the controlled list, as api/categories gives it */

/** Titles of the asset statuses, in the order the legend lists them. */
export const STATUS_TITLES = /** @type {Record<string, string>} */ ({
  open: 'Open',
  at_risk: 'At risk',
  proposed: 'Proposed',
  closed: 'Closed',
});

/**
 * humanName turns an id such as "at_risk" into words: "At risk".
 * @param {unknown} s
 * @returns {string}
 */
export function humanName(s) {
  return str(s).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/**
 * categoryTitle is the title of category id in the list (from
 * api/categories), or the id in words when the list does not have it.
 * @param {readonly Category[]} categories
 * @param {unknown} id
 * @returns {string}
 */
export function categoryTitle(categories, id) {
  const s = str(id);
  if (!s) return 'Uncategorised';
  const c = categories.find((x) => x.id === s);
  return (c && c.title) || humanName(s);
}

/**
 * statusTitle is the title of an asset status.
 * @param {unknown} id
 * @returns {string}
 */
export function statusTitle(id) {
  const s = str(id);
  return STATUS_TITLES[s] || humanName(s);
}

/**
 * attributionParts splits attribution strings at "; " into their
 * statements, drops duplicates and statements contained in a longer one,
 * and keeps the order in which they first appear.
 * @param {Iterable<unknown>} strings
 * @returns {string[]}
 */
export function attributionParts(strings) {
  /** @type {string[]} */
  const parts = [];
  for (const s of strings) {
    for (const p of str(s).split(/;\s+/)) {
      const t = p.trim();
      if (t && !parts.includes(t)) parts.push(t);
    }
  }
  return parts.filter((p) => !parts.some((q) => q !== p && q.includes(p)));
}

/**
 * escapeHTML escapes s for MapLibre's attribution, the one place that
 * takes HTML.
 * @param {unknown} s
 * @returns {string}
 */
export function escapeHTML(s) {
  /** @type {Record<string, string>} */
  const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return String(s).replace(/[&<>"']/g, (c) => entities[c]);
}

/**
 * isHttpURL reports whether s is one http(s) address and nothing else.
 * @param {unknown} s
 * @returns {s is string}
 */
export function isHttpURL(s) {
  return typeof s === 'string' && /^https?:\/\/[^\s]+$/i.test(s.trim());
}

/**
 * num is v when it is a finite number, else null.
 * @param {unknown} v
 * @returns {number | null}
 */
export function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const pctFormat = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });

/**
 * pct shows a share (0.5) as a percentage ("50%"); "–" when there is none.
 * @param {unknown} v
 * @returns {string}
 */
export function pct(v) {
  const n = num(v);
  return n === null ? '–' : pctFormat.format(n);
}

/**
 * km2 shows square metres as square kilometres, to 2 places under 10 km².
 * @param {unknown} m2
 * @returns {string}
 */
export function km2(m2) {
  const n = num(m2);
  if (n === null) return '–';
  const k = n / 1e6;
  if (k > 0 && k < 0.01) return '< 0.01';
  return new Intl.NumberFormat('en-GB', { maximumFractionDigits: k < 10 ? 2 : 1 }).format(k);
}

/**
 * fmtValue shows an indicator's value: with the given decimal places, or
 * fewer the larger it is; "no data" when there is none.
 * @param {unknown} v
 * @param {number} [digits]
 * @returns {string}
 */
export function fmtValue(v, digits) {
  const n = num(v);
  if (n === null) return 'no data';
  const a = Math.abs(n);
  const d = digits !== undefined ? digits : (a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits !== undefined ? d : 0, maximumFractionDigits: d }).format(n);
}

/**
 * fmtCoord shows a point as "53.38000° N, 1.47000° W".
 * @param {{lng: number, lat: number}} lngLat
 * @returns {string}
 */
export function fmtCoord(lngLat) {
  const lat = lngLat.lat, lng = lngLat.lng;
  return `${Math.abs(lat).toFixed(5)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lng).toFixed(5)}° ${lng >= 0 ? 'E' : 'W'}`;
}

/**
 * fmtDate shows a timestamp in British English, or s itself when it is
 * not one.
 * @param {unknown} s
 * @returns {string}
 */
export function fmtDate(s) {
  const d = s ? new Date(String(s)) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString('en-GB') : str(s);
}

/**
 * who names the person behind a change as the API shows them: the display
 * name (or role) everyone sees, and the e-mail only admins are sent.
 * @param {unknown} name
 * @param {unknown} email
 * @returns {string}
 */
export function who(name, email) {
  const n = str(name), e = str(email);
  if (e && n && e !== n) return `${n} (${e})`;
  return n || e;
}

/**
 * plural is a category title ("Library", "Place of worship", "Community or
 * village hall", "Youth centre or club") as a lower-case plural noun: "libraries", "places of
 * worship", "community or village halls".
 * @param {unknown} title
 * @returns {string}
 */
export function plural(title) {
  /** @param {string} w */
  const one = (w) => {
    if (/s$/.test(w)) return w;
    if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
    if (/(ch|sh|x)$/.test(w)) return `${w}es`;
    if (w === 'childcare') return 'childcare places';
    return `${w}s`;
  };
  const t = str(title).toLowerCase();
  // "Youth centre or club" joins two nouns; "Community or village hall"
  // two words before one noun.
  const parts = t.split(' or ');
  return (parts.length > 1 && parts[0].includes(' ') ? parts : [t]).map((part) => {
    const of = part.indexOf(' of ');
    if (of > 0) return one(part.slice(0, of)) + part.slice(of);
    const words = part.split(' ');
    words[words.length - 1] = one(words[words.length - 1]);
    return words.join(' ');
  }).join(' or ');
}

/**
 * countOf is "1 library" or "3 libraries", with an optional adjective
 * before the noun ("1 closed library").
 * @param {number} n
 * @param {unknown} title a category title
 * @param {string} [adjective]
 * @returns {string}
 */
export function countOf(n, title, adjective = '') {
  const noun = n === 1 ? str(title).toLowerCase() : plural(title);
  return `${fmtValue(n, 0)} ${adjective ? `${adjective} ` : ''}${noun}`;
}

/**
 * roughCount rounds an estimate to the figures it can bear: to the
 * hundred from 1,000, to the ten from 100 ("About 22,700").
 * @param {unknown} v
 * @returns {string}
 */
export function roughCount(v) {
  const n = num(v);
  if (n === null) return '–';
  const step = n >= 1000 ? 100 : n >= 100 ? 10 : 1;
  return new Intl.NumberFormat('en-GB').format(Math.round(n / step) * step);
}

/**
 * decileWords says where a deprivation decile (1 = the most deprived tenth
 * of areas, 10 = the least) puts an area: "in the 20% most deprived areas"
 * (decile 2) or "in the 40% least deprived areas" (decile 7); an average
 * decile is rounded first.
 * @param {unknown} v
 * @returns {string}
 */
export function decileWords(v) {
  const n = num(v);
  if (n === null || n < 1 || n > 10) return '';
  const k = Math.round(n);
  return k <= 5 ? `in the ${k * 10}% most deprived areas` : `in the ${(11 - k) * 10}% least deprived areas`;
}

/**
 * answersOf reads a resident's answers to the drawing questions, a list of
 * {question, answer} (as the API gives them) or an object by question (as
 * they are sent), as an object by question; empty answers are left out.
 * @param {unknown} a
 * @returns {Record<string, string>}
 */
export function answersOf(a) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @param {unknown} q @param {unknown} v */
  const put = (q, v) => { if (str(q) && str(v)) out[str(q)] = str(v); };
  if (Array.isArray(a)) {
    for (const x of a) if (x && typeof x === 'object') put(x.question, x.answer);
  } else if (a && typeof a === 'object') {
    for (const [k, v] of Object.entries(a)) put(k, v);
  }
  return out;
}
