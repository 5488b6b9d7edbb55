// @ts-check
// Helpers every module of the map uses: finding and building DOM nodes,
// fetching JSON from the API, and bounding boxes.
//
// Security: text from the API only ever reaches the page through textContent /
// createElement (el() below), never innerHTML.

/** A bounding box: [west, south, east, north] in degrees. */
/** @typedef {[number, number, number, number]} BBox */

/**
 * $ is the element with this id: index.html, or a module that made it,
 * holds every id asked for. Give the variable a JSDoc type (an
 * HTMLSelectElement, say) to get a more specific element.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export const $ = (id) => /** @type {T} */ (/** @type {unknown} */ (document.getElementById(id)));

/**
 * el('li', {className: 'x', onclick: fn}, child, 'text', ...) builds DOM
 * without ever parsing HTML. Strings become text nodes; null, undefined
 * and false children and attributes are left out; arrays are flattened.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'className') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k === 'style') Object.assign(node.style, v);
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (v === true) node.setAttribute(k, '');
      else node.setAttribute(k, String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/**
 * absURL resolves a path of the API or the tiles against the page.
 * @param {string} path
 * @returns {string}
 */
export function absURL(path) {
  return new URL(path, document.baseURI).href;
}

/**
 * str is v as a trimmed string; '' for undefined and null.
 * @param {unknown} v
 * @returns {string}
 */
export function str(v) {
  return v === undefined || v === null ? '' : String(v).trim();
}

export const numberFormat = new Intl.NumberFormat('en-GB');

/** APIError is an answer of the API other than 2xx, with its error code. */
export class APIError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} [code]
   */
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * fetchJSON GETs path and answers its JSON body; it throws an APIError for
 * an answer other than 2xx or one that is not JSON.
 * @param {string} path
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<any>}
 */
export async function fetchJSON(path, { signal } = {}) {
  const res = await fetch(absURL(path), { signal, headers: { Accept: 'application/json' } });
  /** @type {any} */
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = body && body.error;
    const msg = (err && err.message) || `${res.status} ${res.statusText}`.trim();
    throw new APIError(msg, res.status, err && err.code);
  }
  if (body === null) throw new APIError(`invalid JSON from ${path}`, res.status);
  return body;
}

/**
 * validBBox reports whether b is a box of four finite numbers on the globe,
 * west of east and south of north.
 * @param {unknown} b
 * @returns {b is BBox}
 */
export function validBBox(b) {
  return Array.isArray(b) && b.length === 4 && b.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] <= b[2] && b[1] <= b[3];
}

/**
 * unionBBox is the box around every valid box of boxes, or null.
 * @param {Iterable<unknown>} boxes
 * @returns {BBox | null}
 */
export function unionBBox(boxes) {
  /** @type {BBox | null} */
  let out = null;
  for (const b of boxes) {
    if (!validBBox(b)) continue;
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : /** @type {BBox} */ (b.slice());
  }
  return out;
}

/**
 * geometryBBox is the box around a GeoJSON geometry, or null when it has
 * no coordinates.
 * @param {any} geom
 * @returns {BBox | null}
 */
export function geometryBBox(geom) {
  if (!geom) return null;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  /** @param {any} c */
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]);
      s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else {
      for (const x of c) visit(x);
    }
  };
  if (geom.type === 'GeometryCollection') {
    for (const g of geom.geometries || []) {
      const b = geometryBBox(g);
      if (b) { w = Math.min(w, b[0]); s = Math.min(s, b[1]); e = Math.max(e, b[2]); n = Math.max(n, b[3]); }
    }
  } else if (geom.coordinates) {
    visit(geom.coordinates);
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
