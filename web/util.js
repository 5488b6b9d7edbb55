// Helpers shared by the map (app.js) and the reconcile views (views.js).
//
// Security: text from the API only ever reaches the page through textContent /
// createElement (el() below), never innerHTML.

export const $ = (id) => document.getElementById(id);

// el('li', {className: 'x', onclick: fn}, child, 'text', ...): builds DOM
// without ever parsing HTML. Strings become text nodes.
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

export function absURL(path) {
  return new URL(path, document.baseURI).href;
}

export function str(v) {
  return v === undefined || v === null ? '' : String(v).trim();
}

export const numberFormat = new Intl.NumberFormat('en-GB');

export class APIError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function fetchJSON(path, { signal } = {}) {
  const res = await fetch(absURL(path), { signal, headers: { Accept: 'application/json' } });
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

export function validBBox(b) {
  return Array.isArray(b) && b.length === 4 && b.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] <= b[2] && b[1] <= b[3];
}

export function unionBBox(boxes) {
  let out = null;
  for (const b of boxes) {
    if (!validBBox(b)) continue;
    out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : b.slice();
  }
  return out;
}

export function geometryBBox(geom) {
  if (!geom) return null;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
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
