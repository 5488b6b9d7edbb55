// @ts-check
// Suggestions from anyone, for a moderator to check: a new place, a
// correction, a closure ("Draw my neighbourhood" is drawing.js, which sends
// through postSuggestion here).
//
// API used (same origin, relative URLs):
//   POST api/suggestions {kind, asset_id?, feature?, comment?, website_url}
//        -> 202 {id, status, message}; 429 when rate-limited
//        A correction or closure sends If-Match: the version its sender saw.

import { $, el, str } from '../util.js';
import { map, mapIfReady, loadCategories } from '../store.js';
import { openAsset, showPane } from '../panel/details.js';
import { setStatus, isNarrow, setPanelOpen } from '../panel/panel.js';
import { send, messageOf, versionOf, etagFor } from '../edit/api.js';
import { currentActive, setActive, endActive, button, showBanner, hideBanner, makeMarker } from '../edit/active.js';
import { sessionLost } from '../edit/account.js';
import { assetForm, valuesOf, featureBody, pointOf, locationLine } from '../edit/assetform.js';
import { fetchAsset } from '../edit/change.js';
import { notice } from './changelist.js';

let suggestPlacing = false;

// The honeypot: a field people never see, and bots fill in.
export function honeypot() {
  const input = el('input', { type: 'text', id: 'sg-website-url', name: 'website_url', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
  const wrap = el('div', { className: 'hp-field', 'aria-hidden': 'true' },
    el('label', { for: 'sg-website-url', text: 'Leave this empty' }), input);
  return { wrap, input };
}

/**
 * postSuggestion sends a suggestion and answers the 202, or shows why not
 * and answers null.
 * @param {any} body
 * @param {(message: string) => void} showError
 * @param {string} [ifMatch] the version its sender saw
 * @returns {Promise<import('../edit/api.js').Answer | null>}
 */
export async function postSuggestion(body, showError, ifMatch) {
  const r = await send('POST', 'api/suggestions', { body, ifMatch: ifMatch || undefined });
  if (r.status === 202) return r;
  if (r.status === 429) {
    const secs = Number(r.retryAfter);
    showError(Number.isFinite(secs) && secs > 0 ? `Too many suggestions from here. Try again in ${Math.ceil(secs / 60)} minutes.` : messageOf(r));
  } else if (r.status === 401) {
    sessionLost();
    showError('You are no longer signed in. Sign in again, or sign out, then send again.');
  } else {
    showError(messageOf(r));
  }
  return null;
}

/**
 * thanks shows the server's thanks in the details pane.
 * @param {import('../edit/api.js').Answer} r
 * @param {string | null} assetId offers "Back to the asset"
 */
function thanks(r, assetId) {
  endActive();
  const msg = str(r.data && r.data.message) || 'Thank you: a moderator will look at it.';
  const text = msg.charAt(0).toUpperCase() + msg.slice(1) + (/[.!]$/.test(msg) ? '' : '.');
  /** @type {HTMLElement[]} */
  const nodes = [notice('suggest-thanks', text)];
  if (assetId) nodes.push(button('Back to the asset', { id: 'suggest-back', onclick: () => openAsset(assetId, { focus: true }) }));
  showPane('Suggestion sent', nodes);
  const n = $('suggest-thanks');
  if (n) n.focus();
}

/**
 * suggestionForm reuses the asset form, with a honeypot and a comment for
 * the moderators; onSubmit also gets the honeypot's value.
 * @param {Omit<Parameters<typeof assetForm>[0], 'onSubmit'> & {onSubmit: (values: import('../edit/assetform.js').Values, comment: string, hp: string) => Promise<void>}} opts
 */
function suggestionForm(opts) {
  const hp = honeypot();
  const f = assetForm({
    ...opts,
    onSubmit: (values, comment) => opts.onSubmit(values, comment, hp.input.value),
  });
  const label = f.form.querySelector('label[for="af-comment"]');
  if (label) label.textContent = 'Comment for the moderators';
  const hint = f.form.querySelector('#af-comment-hint');
  if (hint) hint.textContent = 'Optional: how you know, e.g. “I was there last week”.';
  f.form.insertBefore(hp.wrap, f.form.querySelector('#af-server-error'));
  return f;
}

// ---------------------------------------------------------------- new place

/**
 * setSuggestPlacing starts or stops waiting for the click that places a
 * suggested new place.
 * @param {boolean} on
 */
function setSuggestPlacing(on) {
  suggestPlacing = on;
  const btn = $('suggest-new');
  if (btn) {
    btn.setAttribute('aria-pressed', String(on));
    btn.textContent = on ? 'Cancel suggesting' : 'Suggest a missing asset';
  }
  const m = mapIfReady();
  if (m) m.getContainer().classList.toggle('placing', on);
  if (on) {
    showBanner('Click the map where the new place is.', [
      button('Place at the centre', { className: 'btn btn-small', id: 'suggest-at-centre', onclick: () => placeSuggestion(map().getCenter()) }),
      button('Cancel', { className: 'btn btn-small', onclick: () => setSuggestPlacing(false) }),
    ]);
    if (isNarrow()) setPanelOpen(false);
  } else if (!currentActive()) {
    hideBanner();
  }
}

/** startSuggestNew: "Suggest a missing asset" (again: stop). */
export function startSuggestNew() {
  if (suggestPlacing) {
    setSuggestPlacing(false);
    return;
  }
  endActive({ close: true });
  setSuggestPlacing(true);
}

/** @param {import('maplibre-gl').LngLat} lngLat */
async function placeSuggestion(lngLat) {
  setSuggestPlacing(false);
  if (isNarrow()) setPanelOpen(true);
  let lk;
  try {
    lk = await loadCategories();
  } catch (err) {
    setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  endActive();
  const loc = locationLine(lngLat, 'Drag the marker or click the map to adjust.');
  const marker = makeMarker(lngLat, 'Location of the new place', (ll, done) => loc.set(ll, done));
  const byPostcode = postcodeRow((ll) => { marker.setLngLat(ll); loc.set(ll); map().flyTo({ center: ll, zoom: Math.max(map().getZoom(), 16) }); });
  const f = suggestionForm({
    values: valuesOf({}), lk, submitLabel: 'Send suggestion', location: el('div', null, loc.node, byPostcode),
    onCancel: () => { endActive({ close: true }); },
    onSubmit: async (values, comment, hp) => {
      const body = { kind: 'new', feature: featureBody(pointOf(marker.getLngLat()), values, null), comment, website_url: hp };
      const r = await postSuggestion(body, (m) => f.showServerError(m));
      if (r) thanks(r, null);
    },
  });
  setActive({
    kind: 'suggest-new', marker,
    cleanup: () => marker.remove(),
    onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); },
  });
  showPane('Suggest a missing asset', [f.form]);
  f.inputs.name.focus();
}

/**
 * postcodeRow is "Or place it at a postcode": the server's own postcode
 * lookup (GET api/postcodes/{postcode}) moves the pin there; an unknown or
 * malformed postcode, or a map with no postcodes, is said so beside it.
 * @param {(ll: {lng: number, lat: number}) => void} moveTo
 */
function postcodeRow(moveTo) {
  const input = el('input', { type: 'text', id: 'sg-postcode-place', autocomplete: 'postal-code', size: '9', 'aria-describedby': 'sg-postcode-status' });
  const status = el('span', { id: 'sg-postcode-status', className: 'field-hint', role: 'status' });
  const go = async () => {
    const pc = input.value.trim();
    if (!pc) { status.textContent = 'Type a postcode, e.g. S8 0AB.'; return; }
    const r = await send('GET', `api/postcodes/${encodeURIComponent(pc)}`);
    const pt = r.ok && r.data && Array.isArray(r.data.point) ? r.data.point : null;
    if (!pt) {
      status.textContent = r.status === 404 ? `${pc}: not a postcode this map knows.` : messageOf(r);
      return;
    }
    moveTo({ lng: Number(pt[0]), lat: Number(pt[1]) });
    status.textContent = `Pin moved to ${str(r.data.postcode)}${r.data.terminated ? ` (a postcode no longer in use since ${str(r.data.terminated)})` : ''}: adjust it to the door.`;
  };
  // Enter here places the pin; it must not send the suggestion's form.
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { ev.preventDefault(); go(); }
  });
  return el('div', { className: 'postcode-place' },
    el('label', { for: 'sg-postcode-place', text: 'Or place it at a postcode' }),
    input,
    button('Place', { className: 'btn btn-small', id: 'sg-postcode-go', onclick: go }),
    status);
}

// ---------------------------------------------------------------- correction, closure

/**
 * startCorrection opens the asset's form to suggest a correction.
 * @param {string} id
 */
export async function startCorrection(id) {
  let lk, cur;
  try {
    [lk, cur] = await Promise.all([loadCategories(), fetchAsset(id)]);
  } catch (err) {
    setStatus(`Could not start the suggestion: ${err.message}`, true);
    return;
  }
  endActive();
  const base = cur.feature;
  const f = suggestionForm({
    values: valuesOf(base.properties), lk, submitLabel: 'Send correction',
    onCancel: () => { endActive(); openAsset(id, { focus: true }); },
    onSubmit: async (values, comment, hp) => {
      const body = { kind: 'correction', asset_id: id, feature: featureBody(base.geometry, values, base.properties), comment, website_url: hp };
      const r = await postSuggestion(body, (m) => f.showServerError(m), cur.ifMatch);
      if (r) thanks(r, id);
    },
  });
  setActive({ kind: 'suggest-correction', cleanup: null });
  showPane('Suggest a correction', [el('h3', { text: str(base.properties.name) || '(unnamed asset)' }), f.form], { assetId: id });
  f.inputs.name.focus();
}

/**
 * startClosure asks to confirm reporting an asset closed.
 * @param {any} feature
 */
export function startClosure(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const name = str(p.name) || '(unnamed asset)';
  endActive();
  const hp = honeypot();
  const comment = el('textarea', { id: 'closure-comment', rows: 3, maxlength: 500, autocomplete: 'off', 'aria-describedby': 'closure-comment-hint' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'closure-error' });
  const submit = el('button', { type: 'submit', className: 'btn btn-primary', id: 'closure-submit', text: 'Report closed' });
  const cancel = () => { endActive(); openAsset(id, { focus: true }); };
  const form = el('form', { className: 'asset-form closure-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions' }, 'Report that ', el('strong', { text: name }), ' has closed? A moderator will check before the map changes.'),
    el('div', { className: 'field form-field field-comment' },
      el('label', { for: 'closure-comment', className: 'field-label', text: 'Comment for the moderators' }),
      el('span', { id: 'closure-comment-hint', className: 'field-hint', text: 'Optional: when it closed, how you know.' }),
      comment),
    hp.wrap, error,
    el('div', { className: 'form-buttons' }, submit, button('Cancel', { id: 'closure-cancel', onclick: cancel })));
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    error.replaceChildren();
    submit.disabled = true;
    try {
      const seen = versionOf(feature);
      const r = await postSuggestion({ kind: 'closure', asset_id: id, comment: comment.value.trim(), website_url: hp.input.value },
        (m) => error.replaceChildren(el('p', { text: `Not sent: ${m}` })), seen ? etagFor(seen) : undefined);
      if (r) thanks(r, id);
    } finally {
      submit.disabled = false;
    }
  });
  setActive({ kind: 'suggest-closure', cleanup: null });
  showPane('Report closed', [el('h3', { text: name }), form], { assetId: id });
  comment.focus();
}

/** @returns {boolean} whether "Suggest a missing asset" waits for a click on the map */
export function isSuggesting() {
  return suggestPlacing;
}

/** stopSuggesting stops waiting for the click that places a suggestion. */
export function stopSuggesting() {
  if (suggestPlacing) setSuggestPlacing(false);
}

/**
 * suggestMapClick places the suggested new place where the map was
 * clicked, when it waits for that.
 * @param {import('maplibre-gl').MapMouseEvent} ev
 * @returns {boolean} whether it took the click
 */
export function suggestMapClick(ev) {
  if (suggestPlacing) {
    placeSuggestion(ev.lngLat);
    return true;
  }
  return false;
}
