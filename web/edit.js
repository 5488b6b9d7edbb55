// placemap editing: signing in, and adding, editing, moving and deleting
// assets from the web map. Loaded by app.js, which hands over its map, its
// details pane and a few hooks (see setupEdit).
//
// API used (same origin, relative URLs; the session is an HttpOnly cookie):
//   POST api/login {email, password}  -> {id, email, role, csrf_token}
//   GET  api/me                       -> the same, or 401 when signed out
//   POST api/logout                   (X-CSRF-Token)
//   GET  api/categories               -> {categories: [{id, title}], statuses: [...]}
//   GET  api/assets/{id}              -> Feature with properties.version (and ETag)
//   POST api/assets                   Feature -> 201 Feature
//   PUT  api/assets/{id}              If-Match: "version" -> 200 Feature, or 409
//                                     {error, current_version, current}
//   DELETE api/assets/{id}            If-Match -> 204, or 409 as for PUT
//   GET  api/sets/{slug}/areas/{code} -> Feature (ETag: "version")
//   PUT  api/sets/{slug}/areas/{code} If-Match, Feature {properties: {name},
//                                     geometry: Polygon|MultiPolygon} -> 200,
//                                     409 (changed meanwhile) or 400 (bad outline)
// Areas (a new asset's site, a redrawn boundary) are drawn with terra-draw,
// vendored in vendor/terra-draw/ and loaded by <script> as window.terraDraw
// and window.terraDrawMaplibreGlAdapter.
// Writes send X-CSRF-Token (kept in memory only) and, when given, the
// comment for the history as X-Placemap-Comment.
//
// GET api/me is only asked on load when this browser signed in before (a
// flag in localStorage, never the session itself), so visitors who never
// sign in make no request that is bound to fail.
//
// Security: API text (asset names, categories, messages) reaches the page
// only through el() / textContent, never innerHTML.

import { $, el, str, absURL, geometryBBox } from './util.js';
import { setupCommunity } from './community.js';
import { setupOSMReview } from './osmreview.js';

const ROLE_RANK = { contributor: 1, editor: 2, moderator: 3, admin: 4 };
const EDITOR_RANK = ROLE_RANK.editor;
const SIGNED_IN_FLAG = 'placemap.signedIn';
const MARKER_COLOR = '#b42318';
const NUDGE_PX = 4; // arrow keys move a focused marker this far (Shift: 5x)

// The asset fields the form edits, in form order.
const FIELDS = [
  { key: 'name', label: 'Name', required: true, maxlength: 300, autocomplete: 'off' },
  { key: 'category', label: 'Category', kind: 'select', required: true },
  { key: 'status', label: 'Status', kind: 'select', required: true },
  { key: 'address', label: 'Address', kind: 'textarea', rows: 2, autocomplete: 'off' },
  { key: 'postcode', label: 'Postcode', autocomplete: 'off', size: 10, spellcheck: 'false' },
  { key: 'opening_hours', label: 'Opening hours', hint: 'For example: Mo-Fr 09:00-17:00; Sa 10:00-13:00', autocomplete: 'off' },
  { key: 'website', label: 'Website', type: 'url', hint: 'The full address, starting https://', autocomplete: 'off', spellcheck: 'false' },
  { key: 'phone', label: 'Phone', type: 'tel', autocomplete: 'off' },
  { key: 'email', label: 'Email', type: 'email', autocomplete: 'off', spellcheck: 'false' },
  { key: 'operator', label: 'Operator', hint: 'Who runs it', autocomplete: 'off' },
];
const FIELD_KEYS = FIELDS.map((f) => f.key);
// Properties the form does not show but a PUT must carry so they are kept.
const KEPT = ['source', 'licence', 'attribution'];

let ctx = null; // from app.js
let map = null;
const auth = { user: null, csrf: '' };
let lookups = null; // promise of {categories, statuses}
let placing = false; // "Add asset" waits for a click on the map
let active = null; // the open form: {kind, marker, cleanup, onMapClick}
let pendingNotice = null; // {id, text}: shown once above that asset's details
let lastAsset = null; // feature shown in the details pane, for redrawing its actions
let lastArea = null; // {feature, slug} shown in the details pane
let areaNotice = null; // {slug, code, text}: shown once above that area's details
let banner = null; // instructions floating over the map while placing or moving
let community = null; // suggestions, moderation, history (community.js)
let osmReview = null; // OSM conflation review (osmreview.js)

// ---------------------------------------------------------------- helpers

function canEdit() {
  return !!auth.user && (ROLE_RANK[auth.user.role] || 0) >= EDITOR_RANK;
}

function flag(on) {
  try {
    if (on === undefined) return window.localStorage.getItem(SIGNED_IN_FLAG) === '1';
    if (on) window.localStorage.setItem(SIGNED_IN_FLAG, '1');
    else window.localStorage.removeItem(SIGNED_IN_FLAG);
  } catch {
    // Storage may be unavailable (privacy settings): ask the server every time.
    return true;
  }
  return on;
}

// request answers {status, ok, data, etag, retryAfter}; it throws only when
// the server cannot be reached.
// raw sends a File or Blob as it is (an OSM file to conflate).
async function request(method, path, { body, raw, ifMatch, comment } = {}) {
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

// tidyMessage drops the reader's prefix from a validation message:
// 'request body: feature 0 ("Name"): field "category": ...' -> 'field "category": ...'.
function tidyMessage(msg) {
  return str(msg).replace(/^(?:[\w ]+: )?feature \d+(?: \(".*?"\))?: /, '');
}

function messageOf(r) {
  const m = r.data && r.data.error && str(r.data.error.message);
  return m || `The server answered ${r.status}.`;
}

function versionOf(feature) {
  const v = Number(feature && feature.properties && feature.properties.version);
  return Number.isInteger(v) && v > 0 ? v : null;
}

function etagFor(version) {
  return `"${version}"`;
}

function fmtCoord(lngLat) {
  const lat = lngLat.lat, lng = lngLat.lng;
  return `${Math.abs(lat).toFixed(5)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lng).toFixed(5)}° ${lng >= 0 ? 'E' : 'W'}`;
}

function round7(n) {
  return Math.round(n * 1e7) / 1e7;
}

function pointOf(lngLat) {
  return { type: 'Point', coordinates: [round7(lngLat.lng), round7(lngLat.lat)] };
}

function valuesOf(props) {
  const v = {};
  for (const k of FIELD_KEYS) v[k] = str(props && props[k]);
  if (!v.status) v.status = 'open';
  return v;
}

// featureBody is the Feature a write sends: the form's values, plus what the
// record carries that the form does not show (its source, licence,
// attribution, source id and tags), so an edit keeps them.
function featureBody(geometry, values, base) {
  const properties = {};
  for (const k of FIELD_KEYS) {
    const v = str(values[k]);
    if (v) properties[k] = v;
  }
  if (base) {
    for (const k of KEPT) if (str(base[k])) properties[k] = str(base[k]);
    // The reader takes a feature's "id" property as the record's id at its
    // source; the asset's own id is in the URL.
    if (str(base.source_id)) properties.id = str(base.source_id);
    if (base.tags && typeof base.tags === 'object' && !Array.isArray(base.tags)) properties.tags = base.tags;
  }
  return { type: 'Feature', geometry, properties };
}

function loadLookups() {
  if (!lookups) {
    lookups = request('GET', 'api/categories').then((r) => {
      if (!r.ok || !r.data) throw new Error(messageOf(r));
      const categories = (Array.isArray(r.data.categories) ? r.data.categories : [])
        .filter((c) => c && str(c.id)).map((c) => ({ id: str(c.id), title: str(c.title) || ctx.categoryTitle(c.id) }));
      const statuses = (Array.isArray(r.data.statuses) ? r.data.statuses : []).map(str).filter(Boolean);
      return { categories, statuses: statuses.length ? statuses : ['open', 'closed', 'at_risk', 'proposed'] };
    });
    lookups.catch(() => { lookups = null; }); // try again next time
  }
  return lookups;
}

function button(text, attrs = {}) {
  return el('button', { type: 'button', className: 'btn', ...attrs, text });
}

// ---------------------------------------------------------------- account

function renderAccount() {
  const signedIn = !!auth.user;
  $('signin-toggle').hidden = signedIn;
  $('account-who').hidden = !signedIn;
  if (signedIn) {
    $('signin-form').hidden = true;
    $('signin-toggle').setAttribute('aria-expanded', 'false');
    $('account-text').textContent = `Signed in as ${auth.user.email} (${auth.user.role})`;
  }
  $('edit-tools').hidden = !canEdit();
  if (!canEdit()) setPlacing(false);
  if (community) community.renderAccount();
  if (osmReview) osmReview.renderAccount();
  redrawActions();
}

function setAuth(user, { keepForm = false } = {}) {
  const was = canEdit();
  auth.user = user && str(user.email) ? { id: str(user.id), email: str(user.email), role: str(user.role) } : null;
  auth.csrf = user ? str(user.csrf_token) : '';
  if (was && !canEdit() && !keepForm) endActive({ close: true });
  renderAccount();
}

async function loadMe() {
  if (!flag()) {
    setAuth(null);
    return;
  }
  let r;
  try {
    r = await request('GET', 'api/me');
  } catch {
    setAuth(null);
    return;
  }
  if (r.ok && r.data) {
    setAuth(r.data);
  } else {
    if (r.status === 401) flag(false);
    setAuth(null);
  }
}

function openSignIn(open) {
  const form = $('signin-form');
  const toggle = $('signin-toggle');
  form.hidden = !open;
  toggle.setAttribute('aria-expanded', String(open));
  if (open) {
    $('signin-error').textContent = '';
    $('signin-email').focus();
  }
}

async function signIn(ev) {
  ev.preventDefault();
  const email = $('signin-email');
  const password = $('signin-password');
  const error = $('signin-error');
  const submit = $('signin-submit');
  for (const f of [email, password]) f.removeAttribute('aria-invalid');
  const missing = [];
  if (!email.value.trim()) missing.push(email);
  if (!password.value) missing.push(password);
  if (missing.length) {
    for (const f of missing) f.setAttribute('aria-invalid', 'true');
    error.textContent = missing.length === 2 ? 'Enter your email and password.' : missing[0] === email ? 'Enter your email.' : 'Enter your password.';
    missing[0].focus();
    return;
  }
  error.textContent = '';
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  let r;
  try {
    r = await request('POST', 'api/login', { body: { email: email.value.trim(), password: password.value } });
  } catch (err) {
    r = { status: 0, data: { error: { message: `Could not reach the server: ${err.message}` } } };
  } finally {
    submit.disabled = false;
    submit.textContent = 'Sign in';
  }
  if (r.ok && r.data) {
    password.value = '';
    flag(true);
    setAuth(r.data);
    $('account-status').textContent = `Signed in as ${auth.user.email} (${auth.user.role}).`;
    $('signout').focus();
    return;
  }
  let msg = messageOf(r);
  if (r.status === 401) msg = 'Wrong email or password.';
  else if (r.status === 429) {
    const secs = Number(r.retryAfter);
    msg = Number.isFinite(secs) && secs > 0 ? `Too many sign-in attempts. Try again in ${secs} seconds.` : msg;
  }
  error.textContent = msg;
  if (r.status === 401) {
    password.setAttribute('aria-invalid', 'true');
    password.select();
    password.focus();
  }
}

async function signOut() {
  try {
    await request('POST', 'api/logout', { body: undefined });
  } catch {
    // Signed out here all the same; the session lapses on the server.
  }
  flag(false);
  setAuth(null);
  $('account-status').textContent = 'Signed out.';
  $('signin-toggle').focus();
}

// Called when a write answers 401: the session has lapsed.
function sessionLost() {
  flag(false);
  setAuth(null, { keepForm: true });
  openSignIn(true);
}

function setupAccount() {
  // Until GET api/me answers, a browser that signed in before shows neither
  // "Sign in" nor who is signed in.
  if (flag()) $('signin-toggle').hidden = true;
  $('signin-toggle').addEventListener('click', () => openSignIn($('signin-form').hidden));
  $('signin-cancel').addEventListener('click', () => {
    openSignIn(false);
    $('signin-toggle').focus();
  });
  $('signin-form').addEventListener('submit', signIn);
  $('signin-form').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      openSignIn(false);
      $('signin-toggle').focus();
    }
  });
  $('signout').addEventListener('click', signOut);
}

// ---------------------------------------------------------------- markers

// makeMarker puts a draggable marker at lngLat. It can also be moved with the
// arrow keys when focused; onMove(lngLat) follows every move.
function makeMarker(lngLat, label, onMove) {
  const marker = new window.maplibregl.Marker({ draggable: true, color: MARKER_COLOR })
    .setLngLat(lngLat).addTo(map);
  const node = marker.getElement();
  node.classList.add('edit-marker');
  node.setAttribute('tabindex', '0');
  node.setAttribute('role', 'button');
  node.setAttribute('aria-label', `${label}: drag it, or use the arrow keys to move it`);
  node.title = 'Drag to move';
  marker.on('drag', () => onMove(marker.getLngLat(), false));
  marker.on('dragend', () => onMove(marker.getLngLat(), true));
  node.addEventListener('keydown', (ev) => {
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
    if (!d) return;
    ev.preventDefault();
    ev.stopPropagation();
    const step = NUDGE_PX * (ev.shiftKey ? 5 : 1);
    const p = map.project(marker.getLngLat());
    marker.setLngLat(map.unproject([p.x + d[0] * step, p.y + d[1] * step]));
    onMove(marker.getLngLat(), true);
  });
  return marker;
}

// showBanner floats instructions (and buttons) over the map; the same
// instructions and buttons are in the panel for keyboard users.
function showBanner(text, buttons = []) {
  if (!banner) return;
  banner.replaceChildren(el('span', { className: 'map-banner-text', text }), ...buttons);
  banner.hidden = false;
}

function hideBanner() {
  if (!banner) return;
  banner.hidden = true;
  banner.replaceChildren();
}

function insideMarker(ev) {
  const t = ev.originalEvent && ev.originalEvent.target;
  return !!(t && t.closest && t.closest('.maplibregl-marker'));
}

// ---------------------------------------------------------------- active form

function endActive({ close = false } = {}) {
  const a = active;
  active = null;
  if (a) hideBanner();
  if (a && a.cleanup) a.cleanup();
  if (close && a) ctx.closeDetails();
}

function setPlacing(on) {
  placing = on;
  const btn = $('add-asset');
  btn.setAttribute('aria-pressed', String(on));
  btn.textContent = on ? 'Cancel adding' : 'Add asset';
  $('add-asset-hint').hidden = !on;
  $('add-asset-status').textContent = on ? 'Adding an asset: click the map where it is, place it at the centre of the map, or draw the site as an area. Press Escape to stop.' : '';
  if (map) map.getContainer().classList.toggle('placing', on);
  if (on) {
    showBanner('Click the map where the new asset is.', [
      button('Place at the centre', { className: 'btn btn-small', onclick: placeAtCentre }),
      button('Draw the site as an area', { className: 'btn btn-small', id: 'banner-draw-area', onclick: startDrawSite }),
      button('Cancel', { className: 'btn btn-small', onclick: stopPlacing }),
    ]);
    // On a narrow screen the panel covers the map: fold it away.
    if (ctx.isNarrow()) ctx.setPanelOpen(false);
  } else if (!active) {
    hideBanner();
  }
}

function onMapClick(ev) {
  if (community && community.mapClick(ev)) return true;
  if (placing) {
    placeNew(ev.lngLat);
    return true;
  }
  if (active && active.onMapClick) {
    if (insideMarker(ev)) return true;
    active.onMapClick(ev.lngLat);
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- the asset form

// assetForm builds the form for a new or an existing asset. opts: values,
// lookups, submitLabel, location (a node shown above the fields), onSubmit
// (values, comment) -> Promise, onCancel.
function assetForm({ values, lk, submitLabel, location, onSubmit, onCancel }) {
  const form = el('form', { className: 'asset-form', novalidate: true, 'aria-labelledby': 'details-heading' });
  const inputs = {};
  const errors = {};
  const summary = el('p', { id: 'af-summary', className: 'form-error', role: 'alert' });
  form.append(summary);
  if (location) form.append(location);
  form.append(el('p', { className: 'hint form-required-note', text: 'Fields marked * are required.' }));

  for (const f of FIELDS) {
    const id = `af-${f.key}`;
    let input;
    if (f.kind === 'select') {
      input = el('select', { id, name: f.key, required: f.required });
      if (f.key === 'category') {
        input.append(el('option', { value: '', text: 'Choose a category…' }));
        const cats = lk.categories.slice();
        if (values.category && !cats.some((c) => c.id === values.category)) {
          cats.push({ id: values.category, title: ctx.categoryTitle(values.category) });
        }
        for (const c of cats) input.append(el('option', { value: c.id, text: c.title }));
      } else {
        const sts = lk.statuses.slice();
        if (values.status && !sts.includes(values.status)) sts.push(values.status);
        for (const s of sts) input.append(el('option', { value: s, text: ctx.statusTitle(s) }));
      }
    } else if (f.kind === 'textarea') {
      input = el('textarea', { id, name: f.key, rows: f.rows || 2, autocomplete: f.autocomplete });
    } else {
      input = el('input', {
        id, name: f.key, type: f.type || 'text', required: f.required, maxlength: f.maxlength,
        autocomplete: f.autocomplete, size: f.size, spellcheck: f.spellcheck,
      });
    }
    input.value = values[f.key] || '';
    const describedBy = [];
    const hint = f.hint ? el('span', { id: `${id}-hint`, className: 'field-hint', text: f.hint }) : null;
    if (hint) describedBy.push(hint.id);
    const error = el('span', { id: `${id}-error`, className: 'field-error' });
    describedBy.push(error.id);
    input.setAttribute('aria-describedby', describedBy.join(' '));
    if (f.required) input.setAttribute('aria-required', 'true');
    inputs[f.key] = input;
    errors[f.key] = error;
    form.append(el('div', { className: `field form-field field-${f.key}` },
      el('label', { for: id, className: 'field-label' }, f.label, f.required ? el('span', { className: 'req', 'aria-hidden': 'true', text: ' *' }) : null),
      hint, input, error));
  }

  const comment = el('textarea', {
    id: 'af-comment', name: 'comment', rows: 2, maxlength: 500, autocomplete: 'off',
    'aria-describedby': 'af-comment-hint',
  });
  form.append(el('div', { className: 'field form-field field-comment' },
    el('label', { for: 'af-comment', className: 'field-label', text: 'Comment for the history' }),
    el('span', { id: 'af-comment-hint', className: 'field-hint', text: 'Optional: what you changed and why. Kept with this version.' }),
    comment));

  const serverError = el('div', { id: 'af-server-error', className: 'form-error', role: 'alert' });
  const conflict = el('div', { className: 'conflict-slot' });
  const submit = el('button', { type: 'submit', className: 'btn btn-primary', id: 'af-submit', text: submitLabel });
  const cancel = button('Cancel', { id: 'af-cancel', onclick: onCancel });
  form.append(serverError, conflict, el('div', { className: 'form-buttons' }, submit, cancel));

  const setFieldError = (key, msg) => {
    errors[key].textContent = msg || '';
    if (msg) inputs[key].setAttribute('aria-invalid', 'true');
    else inputs[key].removeAttribute('aria-invalid');
  };
  const clearErrors = () => {
    for (const k of FIELD_KEYS) setFieldError(k, '');
    summary.textContent = '';
    serverError.replaceChildren();
  };
  const read = () => {
    const v = {};
    for (const k of FIELD_KEYS) v[k] = inputs[k].value.trim();
    return v;
  };
  const fill = (vals) => {
    for (const k of FIELD_KEYS) {
      const input = inputs[k];
      const v = vals[k] || '';
      if (input.tagName === 'SELECT' && v && ![...input.options].some((o) => o.value === v)) {
        input.append(el('option', { value: v, text: k === 'category' ? ctx.categoryTitle(v) : ctx.statusTitle(v) }));
      }
      input.value = v;
    }
  };
  const validate = (v) => {
    const problems = [];
    const say = (key, msg) => { setFieldError(key, msg); problems.push(key); };
    if (!v.name) say('name', 'Enter a name.');
    else if (v.name.length > 300) say('name', 'Keep the name to 300 characters or fewer.');
    if (!v.category) say('category', 'Choose a category.');
    if (!v.status) say('status', 'Choose a status.');
    if (v.email && (inputs.email.validity.typeMismatch || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email))) {
      say('email', 'Enter an email address like name@example.org.');
    }
    if (v.website && !/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v.website)) {
      say('website', 'Enter the full web address, starting https://');
    }
    return problems;
  };

  // A server message that names a field (field "category": ...) is shown at
  // that field, which gets the focus; others go above the buttons.
  const showServerError = (raw) => {
    const msg = tidyMessage(raw);
    const m = /^field "(\w+)"/.exec(msg) || /^asset .*?: (name|category|status) /.exec(msg);
    const key = m && FIELD_KEYS.includes(m[1]) ? m[1] : null;
    if (key) {
      const label = FIELDS.find((f) => f.key === key).label;
      setFieldError(key, msg.replace(/^field "\w+": /, ''));
      serverError.replaceChildren(el('p', { text: `Not saved: the server did not accept the ${label.toLowerCase()}. See the message at that field.` }));
      inputs[key].focus();
      return;
    }
    serverError.replaceChildren(el('p', { text: `Not saved: ${msg}` }));
    serverError.scrollIntoView({ block: 'nearest' });
  };

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    clearErrors();
    const v = read();
    const problems = validate(v);
    if (problems.length) {
      summary.textContent = problems.length === 1 ? 'There is 1 problem: see the marked field.' : `There are ${problems.length} problems: see the marked fields.`;
      inputs[problems[0]].focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = 'Saving…';
    try {
      await onSubmit(v, comment.value.trim());
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = label;
    }
  });
  for (const k of FIELD_KEYS) {
    inputs[k].addEventListener('input', () => { if (inputs[k].getAttribute('aria-invalid')) setFieldError(k, ''); });
  }

  return { form, inputs, read, fill, comment, conflict, showServerError, clearErrors, submit };
}

// locationLine shows a marker's place; set(lngLat, done) follows it, and
// announces it once a move is done (not on every step of a drag).
function locationLine(lngLat, help) {
  const coords = el('span', { className: 'location-coords', text: fmtCoord(lngLat) });
  const live = el('span', { className: 'visually-hidden', 'aria-live': 'polite' });
  const node = el('div', { className: 'location-line' },
    el('span', { className: 'field-label', text: 'Location' }),
    el('span', { className: 'location-value' }, coords),
    help ? el('span', { className: 'field-hint', text: help }) : null,
    live);
  return {
    node,
    set: (ll, done = true) => {
      coords.textContent = fmtCoord(ll);
      if (done) live.textContent = `Location now ${fmtCoord(ll)}`;
    },
  };
}

// writeFailed shows what a failed write means. Returns true when handled.
function writeFailed(r, f) {
  if (r.status === 401) {
    sessionLost();
    f.showServerError('You are no longer signed in. Sign in again (at the top of the panel), then save again.');
    return true;
  }
  if (r.status === 403) {
    f.showServerError(messageOf(r));
    return true;
  }
  if (r.status === 0) {
    f.showServerError(messageOf(r));
    return true;
  }
  if (r.status !== 409) {
    f.showServerError(messageOf(r));
    return true;
  }
  return false;
}

async function send(method, path, opts) {
  try {
    return await request(method, path, opts);
  } catch (err) {
    return { status: 0, ok: false, data: { error: { message: `Could not reach the server: ${err.message}` } } };
  }
}

// afterWrite reloads the tiles and shows the asset (or closes the pane).
function afterWrite(id, notice) {
  endActive();
  ctx.refreshAssets();
  pendingNotice = id ? { id, text: notice } : null;
  if (id) {
    ctx.openAsset(id, { focus: true });
    return;
  }
  ctx.closeDetails();
  const n = $('edit-tools-notice');
  n.textContent = notice;
  n.hidden = false;
  $('panel').scrollTop = 0;
  n.focus();
}

// ---------------------------------------------------------------- conflicts

// conflictBox shows the version someone else saved, field by field: what
// they changed since the version this user started from (base), and where
// this user's own value (mine) differs. location: this user's point, if
// moving.
function conflictBox(current, base, mine, { location = null, actions }) {
  const p = (current && current.properties) || {};
  const theirs = valuesOf(p);
  const was = valuesOf((base && base.properties) || {});
  const shown = (key, v) => (key === 'category' ? (v ? ctx.categoryTitle(v) : '') : key === 'status' ? ctx.statusTitle(v) : v) || '—';
  const list = el('dl', { className: 'fields conflict-fields' });
  const row = (label, value, { changed = false, yours = null } = {}) => {
    list.append(
      el('dt', { text: label }),
      el('dd', { className: changed ? 'changed' : '' },
        el('span', { className: 'conflict-value', text: value }),
        changed ? el('span', { className: 'badge badge-changed', text: 'changed by them' }) : null,
        yours !== null ? el('span', { className: 'conflict-yours', text: `Yours: ${yours}` }) : null));
  };
  for (const f of FIELDS) {
    const t = theirs[f.key];
    const m = mine ? str(mine[f.key]) : null;
    row(f.label, shown(f.key, t), {
      changed: !!base && t !== was[f.key],
      yours: m !== null && m !== t && m !== was[f.key] ? shown(f.key, m) : null,
    });
  }
  const g = current && current.geometry;
  if (g && g.type === 'Point' && Array.isArray(g.coordinates)) {
    const here = { lng: g.coordinates[0], lat: g.coordinates[1] };
    const bg = base && base.geometry;
    const moved = bg && bg.type === 'Point' && (Math.abs(bg.coordinates[0] - here.lng) > 1e-7 || Math.abs(bg.coordinates[1] - here.lat) > 1e-7);
    const differs = location && (Math.abs(location.lng - here.lng) > 1e-7 || Math.abs(location.lat - here.lat) > 1e-7);
    row('Location', fmtCoord(here), { changed: !!moved, yours: differs ? fmtCoord(location) : null });
  }
  const version = versionOf(current);
  const when = str(p.updated_at);
  const date = when ? new Date(when) : null;
  return el('section', { className: 'conflict', role: 'alert', tabindex: '-1', 'aria-labelledby': 'conflict-heading' },
    el('h4', { id: 'conflict-heading', text: 'Someone else changed this: here is the current version' }),
    el('p', { className: 'muted', text: `Version ${version || '?'}${date && !Number.isNaN(date.getTime()) ? `, saved ${date.toLocaleString('en-GB')}` : ''}. Nothing of yours has been saved yet.` }),
    list,
    el('div', { className: 'form-buttons' }, ...actions));
}

// ---------------------------------------------------------------- add

function clearToolsNotice() {
  const n = $('edit-tools-notice');
  n.hidden = true;
  n.textContent = '';
}

function startAdd() {
  if (!canEdit()) return;
  clearToolsNotice();
  if (placing) {
    stopPlacing();
    return;
  }
  endActive({ close: true });
  if (community) community.stop();
  setPlacing(true);
}

// stopPlacing leaves "Add asset" without placing anything.
function stopPlacing() {
  setPlacing(false);
  if (ctx.isNarrow()) ctx.setPanelOpen(true);
  $('add-asset').focus();
}

function placeAtCentre() {
  if (placing && map) placeNew(map.getCenter());
}

async function placeNew(lngLat) {
  setPlacing(false);
  let lk;
  try {
    lk = await loadLookups();
  } catch (err) {
    ctx.setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  endActive();
  const loc = locationLine(lngLat, 'Drag the marker, click the map, or focus the marker and use the arrow keys to adjust.');
  const marker = makeMarker(lngLat, 'Location of the new asset', (ll, done) => loc.set(ll, done));
  newAssetForm(lk, {
    location: loc.node,
    geometry: () => pointOf(marker.getLngLat()),
    active: {
      kind: 'add', marker,
      cleanup: () => marker.remove(),
      onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); },
    },
  });
}

// newAssetForm opens the form for a new asset; geometry() gives its point or
// site when it is saved. a: the active state while the form is open.
function newAssetForm(lk, { location, geometry, active: a }) {
  const f = assetForm({
    values: valuesOf({}), lk, submitLabel: 'Save asset', location,
    onCancel: () => { endActive({ close: true }); $('add-asset').focus(); },
    onSubmit: async (values, comment) => {
      const g = geometry();
      if (!g) {
        f.showServerError('The area needs at least three corners.');
        return;
      }
      const body = featureBody(g, values, null);
      const r = await send('POST', 'api/assets', { body, comment });
      if (r.status === 201 || (r.ok && r.data)) {
        const id = str(r.data && (r.data.id || (r.data.properties && r.data.properties.id)));
        afterWrite(id, `Added “${values.name}”.`);
        return;
      }
      writeFailed(r, f);
    },
  });
  active = a;
  ctx.showPane('New asset', [f.form]);
  f.inputs.name.focus();
}

// ---------------------------------------------------------------- drawing areas (terra-draw)

const DRAW_COLOR = '#b42318';

// makeDraw starts terra-draw on the map with a polygon mode (drawing) and a
// select mode in which a selected polygon's corners can be dragged, new
// corners made from the midpoints and corners deleted (right-click).
function makeDraw() {
  const td = window.terraDraw;
  const ad = window.terraDrawMaplibreGlAdapter;
  if (!td || !ad) throw new Error('the drawing library did not load (vendor/terra-draw/)');
  const draw = new td.TerraDraw({
    adapter: new ad.TerraDrawMapLibreGLAdapter({ map }),
    modes: [
      new td.TerraDrawPolygonMode({
        styles: { fillColor: DRAW_COLOR, outlineColor: DRAW_COLOR, closingPointColor: '#ffffff', closingPointOutlineColor: DRAW_COLOR },
      }),
      new td.TerraDrawSelectMode({
        flags: {
          polygon: { feature: { draggable: false, coordinates: { midpoints: true, draggable: true, deletable: true } } },
        },
        styles: { selectedPolygonColor: DRAW_COLOR, selectedPolygonOutlineColor: DRAW_COLOR, selectionPointColor: '#ffffff', selectionPointOutlineColor: DRAW_COLOR },
      }),
    ],
  });
  draw.start();
  return draw;
}

function stopDraw(draw) {
  try {
    draw.stop();
  } catch {
    // The map may be gone already.
  }
}

// terra-draw holds coordinates to 9 decimal places (well under a millimetre)
// and refuses features with more.
function round9(n) {
  return Math.round(n * 1e9) / 1e9;
}

function roundRing(ring) {
  return ring.map((c) => [round9(c[0]), round9(c[1])]);
}

// polygonsOf answers the rings of each polygon terra-draw holds, in the
// order of ids.
function polygonsOf(draw, ids) {
  const out = [];
  for (const id of ids) {
    const f = draw.getSnapshotFeature(id);
    if (f && f.geometry && f.geometry.type === 'Polygon') out.push(f.geometry.coordinates.map(roundRing));
  }
  return out;
}

function drawError(err) {
  ctx.setStatus(`Could not start drawing: ${err.message}`, true);
}

// startDrawSite: "Add asset" -> "Draw the site as an area". Corners are
// clicked on the map; clicking the first corner again closes the outline and
// opens the form. Until it is saved, the corners can still be dragged.
async function startDrawSite() {
  if (!canEdit() || !map) return;
  setPlacing(false);
  let lk;
  try {
    lk = await loadLookups();
  } catch (err) {
    ctx.setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  endActive({ close: true });
  let draw;
  try {
    draw = makeDraw();
  } catch (err) {
    drawError(err);
    return;
  }
  draw.setMode('polygon');
  const cancel = () => { endActive({ close: true }); $('add-asset').focus(); };
  const a = {
    kind: 'draw', draw,
    cleanup: () => { hideBanner(); stopDraw(draw); },
    onMapClick: () => {}, // the clicks are terra-draw's
  };
  active = a;
  showBanner('Click each corner of the site; click the first corner again to finish.', [
    button('Cancel', { className: 'btn btn-small', id: 'draw-cancel', onclick: cancel }),
  ]);
  if (ctx.isNarrow()) ctx.setPanelOpen(false);
  draw.on('finish', (id, context) => {
    if (active !== a || !context || context.mode !== 'polygon') return;
    hideBanner();
    if (ctx.isNarrow()) ctx.setPanelOpen(true);
    draw.setMode('select');
    draw.selectFeature(id);
    const line = el('div', { className: 'location-line' },
      el('span', { className: 'field-label', text: 'Site' }),
      el('span', { className: 'location-value', text: 'Drawn as an area on the map.' }),
      el('span', { className: 'field-hint', text: 'Drag its corners to adjust it before saving.' }));
    newAssetForm(lk, {
      location: line,
      geometry: () => {
        const rings = polygonsOf(draw, [id])[0];
        return rings && rings[0] && rings[0].length >= 4 ? { type: 'Polygon', coordinates: rings } : null;
      },
      active: { kind: 'add-area', draw, cleanup: () => stopDraw(draw), onMapClick: () => {} },
    });
  });
}

// ---------------------------------------------------------------- redraw an area

async function fetchArea(slug, code) {
  const r = await send('GET', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`);
  if (!r.ok || !r.data) throw new Error(r.status === 404 ? 'This area no longer exists.' : messageOf(r));
  const version = versionOf(r.data);
  return { feature: r.data, ifMatch: r.etag || (version ? etagFor(version) : '') };
}

// loadAreaInto replaces what terra-draw holds with the area's polygons and
// selects the first, so its corners can be dragged. Answers their ids.
function loadAreaInto(draw, geometry) {
  draw.setMode('select');
  draw.clear();
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates]
    : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const feats = polys.map((p) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: p.map(roundRing) }, properties: { mode: 'polygon' } }));
  const results = draw.addFeatures(feats);
  const bad = results.find((r) => !r.valid);
  if (bad) throw new Error(`the outline cannot be edited here (${bad.reason || 'not a valid polygon'})`);
  const ids = results.map((r) => r.id);
  if (ids.length) draw.selectFeature(ids[0]);
  return ids;
}

async function startRedraw(slug, code) {
  if (!canEdit() || !map) return;
  let cur;
  try {
    cur = await fetchArea(slug, code);
  } catch (err) {
    ctx.setStatus(`Could not start redrawing: ${err.message}`, true);
    return;
  }
  const g = cur.feature.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
    ctx.setStatus('Only areas drawn as polygons can be redrawn.', true);
    return;
  }
  endActive();
  let draw, ids;
  try {
    draw = makeDraw();
    ids = loadAreaInto(draw, g);
  } catch (err) {
    if (draw) stopDraw(draw);
    drawError(err);
    return;
  }
  let ifMatch = cur.ifMatch;
  let multi = g.type === 'MultiPolygon';
  const name = str(cur.feature.properties && cur.feature.properties.name) || code;
  const back = () => { endActive(); ctx.openArea(slug, code, { focus: true }); };
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'redraw-save', text: 'Save' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'redraw-error' });
  const comment = el('textarea', { id: 'redraw-comment', rows: 2, maxlength: 500, autocomplete: 'off', 'aria-describedby': 'redraw-comment-hint' });
  const form = el('form', { className: 'asset-form redraw-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions', text: 'Drag the white corners on the map to move them; drag a small midpoint to add a corner; right-click a corner to remove it. Click the outline to select it again.' }),
    el('div', { className: 'field form-field field-comment' },
      el('label', { for: 'redraw-comment', className: 'field-label', text: 'Comment for the history' }),
      el('span', { id: 'redraw-comment-hint', className: 'field-hint', text: 'Optional: why the boundary changed.' }),
      comment),
    error,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'redraw-cancel', onclick: back })));
  const say = (msg) => error.replaceChildren(el('p', { text: msg }));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); back(); }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    const polys = polygonsOf(draw, ids);
    if (!polys.length) {
      say('Not saved: the area has no outline left.');
      return;
    }
    const geometry = multi || polys.length > 1 ? { type: 'MultiPolygon', coordinates: polys } : { type: 'Polygon', coordinates: polys[0] };
    saveBtn.disabled = true;
    saveBtn.textContent = 'Saving…';
    const r = await send('PUT', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`, {
      body: { type: 'Feature', properties: { name }, geometry }, ifMatch, comment: comment.value.trim(),
    });
    saveBtn.disabled = false;
    saveBtn.textContent = 'Save';
    if (r.ok) {
      endActive();
      ctx.refreshSet(slug);
      areaNotice = { slug, code, text: `Saved the new outline of “${name}”.` };
      ctx.openArea(slug, code, { focus: true });
      return;
    }
    if (r.status === 401) {
      sessionLost();
      say('You are no longer signed in. Sign in again (at the top of the panel), then save again.');
      return;
    }
    if (r.status === 409) {
      // Someone else saved first: show theirs, to redraw from.
      try {
        const now = await fetchArea(slug, code);
        const ng = now.feature.geometry;
        ids = loadAreaInto(draw, ng);
        multi = ng.type === 'MultiPolygon';
        ifMatch = now.ifMatch;
        say('Not saved: someone else changed this area meanwhile. Their outline is now on the map; redraw your change on it and save again.');
      } catch (err) {
        say(`Not saved: someone else changed this area, and it could not be reloaded: ${err.message}`);
      }
      return;
    }
    say(`Not saved: ${tidyMessage(messageOf(r))}`);
  });
  active = { kind: 'redraw', draw, cleanup: () => stopDraw(draw), onMapClick: () => {} };
  ctx.showPane('Redraw area', [el('h3', { text: name }), form]);
  const b = geometryBBox(g);
  if (b) map.fitBounds(b, { padding: 40, maxZoom: 17 });
  saveBtn.focus();
}

function areaActions(feature, slug) {
  lastArea = { feature, slug };
  return el('div', { className: 'edit-slot area-edit-slot' }, ...areaActionNodes(feature, slug));
}

function areaActionNodes(feature, slug) {
  const code = str(feature.properties && feature.properties.code);
  const nodes = [];
  if (areaNotice && areaNotice.slug === slug && areaNotice.code === code) {
    nodes.push(el('p', { className: 'notice', role: 'status', id: 'area-notice', text: areaNotice.text }));
  }
  areaNotice = null;
  if (canEdit() && code && slug) {
    const g = feature.geometry;
    const actions = [];
    if (!g || g.type === 'Polygon' || g.type === 'MultiPolygon') {
      actions.push(button('Redraw this area', { id: 'area-redraw', onclick: () => startRedraw(slug, code) }));
    }
    const p = feature.properties || {};
    if (p.current === false && Array.isArray(p.successors) && p.successors.length) {
      actions.push(button('Check its successors', { id: 'area-successors', onclick: () => startSuccessors(feature, slug) }));
    }
    if (actions.length) nodes.push(el('div', { className: 'edit-actions', role: 'group', 'aria-label': 'Change this area' }, ...actions));
  }
  return nodes;
}

// startSuccessors lets an editor confirm or correct where an area of an
// earlier release went in the next one: tick the areas that stand, add one
// the overlay missed by its code, say why.
function startSuccessors(feature, slug) {
  const p = feature.properties || {};
  const code = str(p.code);
  const name = str(p.name) || code;
  const links = p.successors.filter((l) => str(l.new_set) === str(p.successors[0].new_set));
  const to = str(links[0].new_set);
  endActive();
  const back = () => { endActive(); ctx.openArea(slug, code, { focus: true }); };
  const boxes = links.map((l, i) => {
    const id = `succ-${i}`;
    const input = el('input', { type: 'checkbox', id, value: str(l.new_code), checked: str(l.status) !== 'rejected' });
    return el('li', null, el('label', { for: id }, input,
      ` ${str(l.new_name) || str(l.new_code)} (${str(l.new_code)}): ${Math.round(100 * Number(l.share_of_old))}% of this area` +
      (str(l.status) !== 'computed' ? `, ${str(l.status)}` : '')));
  });
  const extra = el('input', { type: 'text', id: 'succ-add', autocomplete: 'off', 'aria-describedby': 'succ-add-hint' });
  const note = el('textarea', { id: 'succ-note', rows: 2, maxlength: 1000, autocomplete: 'off' });
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'succ-save', text: 'Save' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'succ-error' });
  const form = el('form', { className: 'asset-form successors-form', novalidate: true },
    el('fieldset', null, el('legend', { text: `Where did its ground go in ${to}? Untick what is wrong.` }),
      el('ul', { className: 'release-list' }, ...boxes)),
    el('div', { className: 'field form-field' },
      el('label', { for: 'succ-add', className: 'field-label', text: 'Add a successor by its code' }),
      el('span', { id: 'succ-add-hint', className: 'field-hint', text: `Optional: an area code of ${to} the overlay missed.` }),
      extra),
    el('div', { className: 'field form-field' },
      el('label', { for: 'succ-note', className: 'field-label', text: 'Why (kept with the decision)' }),
      note),
    error,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'succ-cancel', onclick: back })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    const keep = [...form.querySelectorAll('input[type=checkbox]')].filter((b) => b.checked).map((b) => b.value);
    const added = extra.value.trim();
    if (added && !keep.includes(added)) keep.push(added);
    saveBtn.disabled = true;
    const r = await send('PUT', `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}/successors`, {
      body: { to, keep, note: note.value.trim() },
    });
    saveBtn.disabled = false;
    if (r.ok) {
      areaNotice = { slug, code, text: `Saved: ${keep.length} ${keep.length === 1 ? 'successor stands' : 'successors stand'} in ${to}.` };
      back();
      return;
    }
    if (r.status === 401) sessionLost();
    error.replaceChildren(el('p', { text: `Not saved: ${messageOf(r)}` }));
  });
  active = { kind: 'successors', cleanup: () => {}, onMapClick: () => {} };
  ctx.showPane('Successors', [el('h3', { text: name }), form]);
  const first = form.querySelector('input');
  if (first) first.focus();
}

// ---------------------------------------------------------------- edit

async function fetchAsset(id) {
  const r = await send('GET', `api/assets/${encodeURIComponent(id)}`);
  if (!r.ok || !r.data) throw new Error(r.status === 404 ? 'This asset no longer exists: someone may have deleted it.' : messageOf(r));
  const version = versionOf(r.data);
  return { feature: r.data, ifMatch: r.etag || (version ? etagFor(version) : '') };
}

async function startEdit(id) {
  let lk, cur;
  try {
    [lk, cur] = await Promise.all([loadLookups(), fetchAsset(id)]);
  } catch (err) {
    ctx.setStatus(`Could not start editing: ${err.message}`, true);
    return;
  }
  endActive();
  let base = cur.feature; // the version the form's values started from
  let ifMatch = cur.ifMatch;
  const f = assetForm({
    values: valuesOf(base.properties), lk, submitLabel: 'Save changes',
    onCancel: () => { endActive(); ctx.openAsset(id, { focus: true }); },
    onSubmit: async (values, comment) => {
      f.conflict.replaceChildren();
      const body = featureBody(base.geometry, values, base.properties);
      const r = await send('PUT', `api/assets/${encodeURIComponent(id)}`, { body, ifMatch, comment });
      if (r.ok) {
        afterWrite(id, `Saved your changes to “${values.name}”.`);
        return;
      }
      if (writeFailed(r, f)) return;
      // 409: someone else saved first.
      const current = r.data && r.data.current;
      const currentVersion = Number(r.data && r.data.current_version) || versionOf(current);
      if (!current) {
        f.showServerError(messageOf(r));
        return;
      }
      const mine = values;
      const box = conflictBox(current, base, mine, {
        actions: [
          button('Reapply my changes', {
            className: 'btn btn-primary', id: 'conflict-reapply',
            onclick: () => {
              // Three-way: a field this user changed keeps their value;
              // every other field takes the current one.
              const was = valuesOf(base.properties);
              const now = valuesOf(current.properties);
              const merged = {};
              for (const k of FIELD_KEYS) merged[k] = mine[k] !== was[k] ? mine[k] : now[k];
              base = current;
              ifMatch = etagFor(currentVersion);
              f.fill(merged);
              f.conflict.replaceChildren(el('p', {
                className: 'notice', role: 'status', id: 'conflict-reapplied',
                text: `Your changes are applied to version ${currentVersion}. Check them, then press Save changes.`,
              }));
              f.inputs.name.focus();
            },
          }),
          button('Discard mine, show theirs', {
            id: 'conflict-discard',
            onclick: () => { endActive(); ctx.openAsset(id, { focus: true }); },
          }),
        ],
      });
      f.conflict.replaceChildren(box);
      box.focus();
    },
  });
  active = { kind: 'edit', cleanup: null };
  ctx.showPane('Edit asset', [el('h3', { text: str(base.properties.name) || '(unnamed asset)' }), f.form], { assetId: id });
  f.inputs.name.focus();
}

// ---------------------------------------------------------------- move

async function startMove(id) {
  let cur;
  try {
    cur = await fetchAsset(id);
  } catch (err) {
    ctx.setStatus(`Could not start moving: ${err.message}`, true);
    return;
  }
  const g = cur.feature.geometry;
  if (!g || g.type !== 'Point') {
    ctx.setStatus('Only assets drawn as a point can be moved here.', true);
    return;
  }
  endActive();
  let base = cur.feature;
  let ifMatch = cur.ifMatch;
  const name = str(base.properties.name) || '(unnamed asset)';
  const start = { lng: g.coordinates[0], lat: g.coordinates[1] };
  const loc = locationLine(start, null);
  const saveBtn = el('button', { type: 'submit', className: 'btn btn-primary', id: 'move-save', text: 'Save new location', disabled: true });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'move-error' });
  const conflict = el('div', { className: 'conflict-slot' });
  const comment = el('textarea', { id: 'move-comment', rows: 2, maxlength: 500, autocomplete: 'off', 'aria-describedby': 'move-comment-hint' });
  const marker = makeMarker(start, `New location of ${name}`, (ll, done) => {
    loc.set(ll, done);
    saveBtn.disabled = false;
  });
  const cancel = () => { endActive(); ctx.openAsset(id, { focus: true }); };
  const form = el('form', { className: 'asset-form move-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions', text: 'Drag the red marker to the new place, or click the map there. You can also focus the marker (Tab) and move it with the arrow keys; hold Shift for bigger steps.' }),
    loc.node,
    el('div', { className: 'field form-field field-comment' },
      el('label', { for: 'move-comment', className: 'field-label', text: 'Comment for the history' }),
      el('span', { id: 'move-comment-hint', className: 'field-hint', text: 'Optional: why it moved.' }),
      comment),
    error, conflict,
    el('div', { className: 'form-buttons' }, saveBtn, button('Cancel', { id: 'move-cancel', onclick: cancel })));
  const f = { showServerError: (msg) => error.replaceChildren(el('p', { text: msg })) };
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); cancel(); }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (saveBtn.disabled) return;
    error.replaceChildren();
    conflict.replaceChildren();
    saveBtn.disabled = true;
    saveBtn.textContent = 'Saving…';
    const where = marker.getLngLat();
    const body = featureBody(pointOf(where), valuesOf(base.properties), base.properties);
    const r = await send('PUT', `api/assets/${encodeURIComponent(id)}`, { body, ifMatch, comment: comment.value.trim() });
    saveBtn.disabled = false;
    saveBtn.textContent = 'Save new location';
    if (r.ok) {
      afterWrite(id, `Moved “${name}” to ${fmtCoord(where)}.`);
      return;
    }
    if (writeFailed(r, f)) return;
    const current = r.data && r.data.current;
    if (!current) { f.showServerError(messageOf(r)); return; }
    const currentVersion = Number(r.data.current_version) || versionOf(current);
    const box = conflictBox(current, base, null, {
      location: where,
      actions: [
        button('Reapply my move', {
          className: 'btn btn-primary', id: 'conflict-reapply',
          onclick: () => {
            base = current;
            ifMatch = etagFor(currentVersion);
            conflict.replaceChildren(el('p', {
              className: 'notice', role: 'status',
              text: `Your move is applied to version ${currentVersion}, keeping their other changes. Press Save new location to save it.`,
            }));
            saveBtn.focus();
          },
        }),
        button('Discard my move', { id: 'conflict-discard', onclick: cancel }),
      ],
    });
    conflict.replaceChildren(box);
    box.focus();
  });
  active = {
    kind: 'move', marker,
    cleanup: () => marker.remove(),
    onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); saveBtn.disabled = false; },
  };
  ctx.showPane('Move asset', [el('h3', { text: name }), form], { assetId: id });
  map.easeTo({ center: start, zoom: Math.max(map.getZoom(), 16) });
  if (ctx.isNarrow()) {
    // The panel covers the map: fold it away until the marker is placed.
    ctx.setPanelOpen(false);
    showBanner('Drag the red marker to the new place.', [
      button('Done', { className: 'btn btn-small btn-primary', onclick: () => { hideBanner(); ctx.setPanelOpen(true); saveBtn.focus(); } }),
      button('Cancel', { className: 'btn btn-small', onclick: cancel }),
    ]);
  }
  marker.getElement().focus({ preventScroll: true });
}

// ---------------------------------------------------------------- delete

function startDelete(feature) {
  endActive();
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const name = str(p.name) || '(unnamed asset)';
  let ifMatch = versionOf(feature) ? etagFor(versionOf(feature)) : '';
  const error = el('div', { className: 'form-error', role: 'alert', id: 'delete-error' });
  const conflict = el('div', { className: 'conflict-slot' });
  const comment = el('textarea', { id: 'delete-comment', rows: 2, maxlength: 500, autocomplete: 'off', 'aria-describedby': 'delete-comment-hint' });
  const confirm = el('button', { type: 'submit', className: 'btn btn-danger', id: 'delete-confirm', text: 'Delete asset' });
  const cancel = () => { endActive(); ctx.openAsset(id, { focus: true }); };
  const f = { showServerError: (msg) => error.replaceChildren(el('p', { text: msg })) };
  const form = el('form', { className: 'asset-form delete-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions' }, 'Delete ', el('strong', { text: name }), '? It will be taken off the map. Its history is kept.'),
    el('div', { className: 'field form-field field-comment' },
      el('label', { for: 'delete-comment', className: 'field-label', text: 'Comment for the history' }),
      el('span', { id: 'delete-comment-hint', className: 'field-hint', text: 'Optional: why it is deleted, e.g. closed for good.' }),
      comment),
    error, conflict,
    el('div', { className: 'form-buttons' }, confirm, button('Cancel', { id: 'delete-cancel', onclick: cancel })));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); cancel(); }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.replaceChildren();
    conflict.replaceChildren();
    confirm.disabled = true;
    const r = await send('DELETE', `api/assets/${encodeURIComponent(id)}`, { ifMatch, comment: comment.value.trim() });
    confirm.disabled = false;
    if (r.ok) {
      afterWrite(null, `Deleted “${name}”.`);
      return;
    }
    if (r.status === 404) {
      afterWrite(null, `“${name}” had already been deleted.`);
      return;
    }
    if (writeFailed(r, f)) return;
    const current = r.data && r.data.current;
    if (!current) { f.showServerError(messageOf(r)); return; }
    const box = conflictBox(current, feature, null, {
      actions: [
        button('Delete anyway', {
          className: 'btn btn-danger', id: 'conflict-reapply',
          onclick: () => {
            ifMatch = etagFor(Number(r.data.current_version) || versionOf(current));
            form.requestSubmit(confirm);
          },
        }),
        button('Keep it', { id: 'conflict-discard', onclick: cancel }),
      ],
    });
    conflict.replaceChildren(box);
    box.focus();
  });
  active = { kind: 'delete', cleanup: null };
  ctx.showPane('Delete asset', [el('h3', { text: name }), form], { assetId: id });
  confirm.focus();
}

// ---------------------------------------------------------------- details actions

function actionsFor(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const nodes = [];
  if (pendingNotice && pendingNotice.id === id) {
    nodes.push(el('p', { className: 'notice', role: 'status', id: 'edit-notice', text: pendingNotice.text }));
  }
  pendingNotice = null;
  if (canEdit() && id) {
    const isPoint = feature.geometry && feature.geometry.type === 'Point';
    nodes.push(el('div', { className: 'edit-actions', role: 'group', 'aria-label': 'Change this asset' },
      button('Edit', { id: 'asset-edit', onclick: () => startEdit(id) }),
      isPoint ? button('Move', { id: 'asset-move', onclick: () => startMove(id) }) : null,
      button('Delete', { id: 'asset-delete', className: 'btn btn-danger-quiet', onclick: () => startDelete(feature) })));
  }
  if (community) nodes.push(...community.actionsFor(feature));
  return nodes;
}

function assetActions(feature) {
  lastAsset = feature;
  return el('div', { className: 'edit-slot' }, ...actionsFor(feature));
}

// After signing in or out, the asset shown gains or loses its actions.
function redrawActions() {
  const slot = document.querySelector('#details-body .edit-slot');
  if (slot && lastAsset) slot.replaceChildren(...actionsFor(lastAsset));
  const areaSlot = document.querySelector('#details-body .area-edit-slot');
  if (areaSlot && lastArea) areaSlot.replaceChildren(...areaActionNodes(lastArea.feature, lastArea.slug));
}

// ---------------------------------------------------------------- set-up

function setupTools() {
  $('add-asset').addEventListener('click', startAdd);
  $('add-at-centre').addEventListener('click', placeAtCentre);
  $('add-draw-area').addEventListener('click', startDrawSite);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && placing) stopPlacing();
  });
}

// setupEdit is called by app.js before the map exists; mapReady once it has
// loaded. c: {placemap, hooks, openAsset, showPane, closeDetails,
// refreshAssets, setStatus, categoryTitle, statusTitle}.
export function setupEdit(c) {
  ctx = c;
  setupAccount();
  setupTools();
  const kit = {
    send, messageOf, sessionLost, button, assetForm, loadLookups, valuesOf, featureBody, pointOf,
    makeMarker, locationLine, fetchAsset, versionOf, etagFor, endActive, showBanner, hideBanner, canEdit,
    makeDraw, stopDraw, polygonsOf,
    rank: () => (auth.user ? ROLE_RANK[auth.user.role] || 0 : 0),
    setActive: (a) => { active = a; },
    isActive: () => !!active,
    setNotice: (id, text) => { pendingNotice = { id, text }; },
    ctx: c,
    get map() { return map; },
  };
  community = setupCommunity(kit);
  osmReview = setupOSMReview(kit);
  c.hooks.assetActions = assetActions;
  c.hooks.areaActions = areaActions;
  c.hooks.mapClick = onMapClick;
  c.hooks.detailsReplaced = () => {
    lastAsset = null;
    lastArea = null;
    clearToolsNotice();
    if (active) endActive();
  };
  const ready = loadMe();
  c.placemap.edit = {
    ready,
    get user() { return auth.user ? { ...auth.user } : null; },
    get placing() { return placing; },
    get active() { return active ? active.kind : null; },
  };
  return {
    mapReady(m) {
      map = m;
      banner = el('div', { id: 'map-banner', className: 'map-banner', role: 'region', 'aria-label': 'Editing instructions', hidden: true });
      map.getContainer().append(banner);
      map.getContainer().classList.toggle('placing', placing);
      // Leaving the Map view ends what was being placed or edited.
      window.addEventListener('hashchange', () => {
        if (c.placemap.view && c.placemap.view !== 'map') {
          setPlacing(false);
          if (community) community.stop();
          if (active) endActive({ close: true });
        }
      });
    },
  };
}
