// @ts-check
// Writing through the API: requests that carry the CSRF token and the
// history comment, the answers' messages, and versions as ETags.
//
// Writes send X-CSRF-Token and, when given, the comment for the history
// as X-Placemap-Comment. A PUT or DELETE of an asset or area sends
// If-Match: "version" and gets 409 when someone else saved first.

import { absURL, str } from '../util.js';
import { auth } from './session.js';

/**
 * An answer of the API: data is its JSON body (null when it has none).
 * status 0 means the server could not be reached (send only).
 * @typedef {{status: number, ok: boolean, data: any, etag?: string | null, retryAfter?: string | null}} Answer
 */

/**
 * @typedef {object} RequestOptions
 * @property {unknown} [body] sent as JSON (GeoJSON to api/assets)
 * @property {Blob} [raw] sent as it is (an OSM file to conflate)
 * @property {string} [ifMatch]
 * @property {string} [comment] for the history
 */

/**
 * request answers {status, ok, data, etag, retryAfter}; it throws only when
 * the server cannot be reached.
 * @param {string} method
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<Answer>}
 */
export async function request(method, path, { body, raw, ifMatch, comment } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = path.startsWith('api/assets') ? 'application/geo+json' : 'application/json';
  if (raw !== undefined) headers['Content-Type'] = 'application/octet-stream';
  if (method !== 'GET' && auth.csrf) headers['X-CSRF-Token'] = auth.csrf;
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (comment) headers['X-Placemap-Comment'] = comment;
  const res = await fetch(absURL(path), {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (res.status !== 204) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  return { status: res.status, ok: res.ok, data, etag: res.headers.get('ETag'), retryAfter: res.headers.get('Retry-After') };
}

/**
 * send is request that answers status 0 with a message when the server
 * cannot be reached, instead of throwing.
 * @param {string} method
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<Answer>}
 */
export async function send(method, path, options) {
  try {
    return await request(method, path, options);
  } catch (err) {
    return { status: 0, ok: false, data: { error: { message: `Could not reach the server: ${err.message}` } } };
  }
}

/**
 * tidyMessage drops the reader's prefix from a validation message:
 * 'request body: feature 0 ("Name"): field "category": ...' -> 'field "category": ...'.
 * @param {unknown} msg
 * @returns {string}
 */
export function tidyMessage(msg) {
  return str(msg).replace(/^(?:[\w ]+: )?feature \d+(?: \(".*?"\))?: /, '');
}

/**
 * messageOf is the error message of an answer, or its status.
 * @param {Answer} r
 * @returns {string}
 */
export function messageOf(r) {
  const m = r.data && r.data.error && str(r.data.error.message);
  return m || `The server answered ${r.status}.`;
}

/**
 * versionOf is a feature's version (properties.version), or null.
 * @param {any} feature
 * @returns {number | null}
 */
export function versionOf(feature) {
  const v = Number(feature && feature.properties && feature.properties.version);
  return Number.isInteger(v) && v > 0 ? v : null;
}

/**
 * etagFor is the ETag (and If-Match) of a version.
 * @param {number} version
 * @returns {string}
 */
export function etagFor(version) {
  return `"${version}"`;
}
