// @ts-check
// The asset form (adding and editing an asset, and suggesting one), the
// Feature a write sends, the location line under a marker, the box that
// shows someone else's version after a conflict, and what a failed write
// means.

import { $, el, str } from '../util.js';
import { fmtCoord, statusTitle } from '../format.js';
import { categoryTitle } from '../store.js';
import { openAsset, closeDetails } from '../panel/details.js';
import { refreshAssets } from '../map/layers.js';
import { messageOf, tidyMessage, versionOf } from './api.js';
import { endActive, button, setAssetNotice } from './active.js';
import { sessionLost } from './account.js';

/**
 * A field of the form.
 * @typedef {object} Field
 * @property {string} key
 * @property {string} label
 * @property {'select' | 'textarea'} [kind] an input when not given
 * @property {boolean} [required]
 * @property {number} [maxlength]
 * @property {string} [autocomplete]
 * @property {number} [rows]
 * @property {number} [size]
 * @property {string} [spellcheck]
 * @property {string} [type]
 * @property {string} [hint]
 */

/** The asset fields the form edits, in form order. @type {Field[]} */
export const FIELDS = [
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
export const FIELD_KEYS = FIELDS.map((f) => f.key);
// Properties the form does not show but a PUT must carry so they are kept.
const KEPT = ['source', 'licence', 'attribution'];

/** @typedef {Record<string, string>} Values the form's values by field key */
/** @typedef {{categories: import('../format.js').Category[], statuses: string[]}} Lookups */

/**
 * valuesOf is the form's values of an asset's properties; status open
 * when it has none.
 * @param {any} props
 * @returns {Values}
 */
export function valuesOf(props) {
  /** @type {Values} */
  const v = {};
  for (const k of FIELD_KEYS) v[k] = str(props && props[k]);
  if (!v.status) v.status = 'open';
  return v;
}

/**
 * featureBody is the Feature a write sends: the form's values, plus what
 * the record carries that the form does not show (its source, licence,
 * attribution, source id and tags), so an edit keeps them.
 * @param {any} geometry
 * @param {Values} values
 * @param {any} base the properties of the version edited, or null for a new asset
 */
export function featureBody(geometry, values, base) {
  /** @type {Record<string, any>} */
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

/** @param {number} n */
function round7(n) {
  return Math.round(n * 1e7) / 1e7;
}

/**
 * pointOf is a GeoJSON point, to 7 decimal places (about a centimetre).
 * @param {{lng: number, lat: number}} lngLat
 */
export function pointOf(lngLat) {
  return { type: 'Point', coordinates: [round7(lngLat.lng), round7(lngLat.lat)] };
}

/**
 * @param {Field} f
 * @param {Values} values
 * @param {Lookups} lk
 * @returns {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement}
 */
function fieldInput(f, values, lk) {
  const id = `af-${f.key}`;
  if (f.kind === 'select') {
    const input = el('select', { id, name: f.key, required: f.required });
    if (f.key === 'category') {
      input.append(el('option', { value: '', text: 'Choose a category…' }));
      const cats = lk.categories.slice();
      if (values.category && !cats.some((c) => c.id === values.category)) {
        cats.push({ id: values.category, title: categoryTitle(values.category) });
      }
      for (const c of cats) input.append(el('option', { value: c.id, text: c.title }));
    } else {
      const sts = lk.statuses.slice();
      if (values.status && !sts.includes(values.status)) sts.push(values.status);
      for (const s of sts) input.append(el('option', { value: s, text: statusTitle(s) }));
    }
    return input;
  }
  if (f.kind === 'textarea') return el('textarea', { id, name: f.key, rows: f.rows || 2, autocomplete: f.autocomplete });
  return el('input', {
    id, name: f.key, type: f.type || 'text', required: f.required, maxlength: f.maxlength,
    autocomplete: f.autocomplete, size: f.size, spellcheck: f.spellcheck,
  });
}

/**
 * validate marks the fields whose values the server would refuse, and
 * answers their keys.
 * @param {Values} v
 * @param {Record<string, HTMLInputElement>} inputs
 * @param {(key: string, msg: string) => void} setFieldError
 * @returns {string[]}
 */
function validate(v, inputs, setFieldError) {
  /** @type {string[]} */
  const problems = [];
  /**
   * @param {string} key
   * @param {string} msg
   */
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
}

/**
 * fieldNode is a field of the form: its label, hint, input and the place
 * for its error.
 * @param {Field} f
 * @param {Values} values
 * @param {Lookups} lk
 */
function fieldNode(f, values, lk) {
  const id = `af-${f.key}`;
  const input = /** @type {HTMLInputElement} */ (fieldInput(f, values, lk));
  input.value = values[f.key] || '';
  const describedBy = [];
  const hint = f.hint ? el('span', { id: `${id}-hint`, className: 'field-hint', text: f.hint }) : null;
  if (hint) describedBy.push(hint.id);
  const error = el('span', { id: `${id}-error`, className: 'field-error' });
  describedBy.push(error.id);
  input.setAttribute('aria-describedby', describedBy.join(' '));
  if (f.required) input.setAttribute('aria-required', 'true');
  const node = el('div', { className: `field form-field field-${f.key}` },
    el('label', { for: id, className: 'field-label' }, f.label, f.required ? el('span', { className: 'req', 'aria-hidden': 'true', text: ' *' }) : null),
    hint, input, error);
  return { node, input, error };
}

/**
 * fillInputs puts values in the form, adding an option to a select that
 * lacks one.
 * @param {Record<string, HTMLInputElement>} inputs
 * @param {Values} vals
 */
function fillInputs(inputs, vals) {
  for (const k of FIELD_KEYS) {
    const input = inputs[k];
    const v = vals[k] || '';
    const select = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (input));
    if (input.tagName === 'SELECT' && v && ![...select.options].some((o) => o.value === v)) {
      input.append(el('option', { value: v, text: k === 'category' ? categoryTitle(v) : statusTitle(v) }));
    }
    input.value = v;
  }
}

/**
 * showRefusal shows why the server refused a write. A message that names
 * a field (field "category": ...) is shown at that field, which gets the
 * focus; others go above the buttons.
 * @param {string} raw the server's message
 * @param {{inputs: Record<string, HTMLInputElement>, setFieldError: (key: string, msg: string) => void, serverError: HTMLElement}} form
 */
function showRefusal(raw, { inputs, setFieldError, serverError }) {
  const msg = tidyMessage(raw);
  const m = /^field "(\w+)"/.exec(msg) || /^asset .*?: (name|category|status) /.exec(msg);
  const key = m && FIELD_KEYS.includes(m[1]) ? m[1] : null;
  if (key) {
    const label = /** @type {Field} */ (FIELDS.find((f) => f.key === key)).label;
    setFieldError(key, msg.replace(/^field "\w+": /, ''));
    serverError.replaceChildren(el('p', { text: `Not saved: the server did not accept the ${label.toLowerCase()}. See the message at that field.` }));
    inputs[key].focus();
    return;
  }
  serverError.replaceChildren(el('p', { text: `Not saved: ${msg}` }));
  serverError.scrollIntoView({ block: 'nearest' });
}

/**
 * commentField is the optional comment for the history of a form, its
 * ids starting with prefix.
 * @param {string} prefix
 * @param {string} hint
 * @param {Record<string, string>} [attrs] more attributes of the textarea
 */
export function commentField(prefix, hint, attrs = {}) {
  const comment = el('textarea', {
    id: `${prefix}-comment`, ...attrs, rows: 2, maxlength: 500, autocomplete: 'off', 'aria-describedby': `${prefix}-comment-hint`,
  });
  const node = el('div', { className: 'field form-field field-comment' },
    el('label', { for: `${prefix}-comment`, className: 'field-label', text: 'Comment for the history' }),
    el('span', { id: `${prefix}-comment-hint`, className: 'field-hint', text: hint }),
    comment);
  return { comment, node };
}

/**
 * whileSaving shows "Saving…" on the submit button, disabled, until save
 * has settled.
 * @param {HTMLButtonElement} submit
 * @param {() => Promise<void>} save
 */
async function whileSaving(submit, save) {
  submit.disabled = true;
  const label = submit.textContent;
  submit.textContent = 'Saving…';
  try {
    await save();
  } finally {
    submit.disabled = false;
    submit.textContent = label;
  }
}

/**
 * The form assetForm builds: read() its values, fill(values) them again,
 * showServerError(message) a refusal at its field (or above the buttons).
 * @typedef {object} AssetForm
 * @property {HTMLFormElement} form
 * @property {Record<string, HTMLInputElement>} inputs
 * @property {() => Values} read
 * @property {(values: Values) => void} fill
 * @property {HTMLTextAreaElement} comment
 * @property {HTMLElement} conflict where conflictBox goes
 * @property {(message: string) => void} showServerError
 * @property {() => void} clearErrors
 * @property {HTMLButtonElement} submit
 */

/**
 * assetForm builds the form for a new or an existing asset.
 * @param {object} opts
 * @param {Values} opts.values
 * @param {Lookups} opts.lk the categories and statuses offered
 * @param {string} opts.submitLabel
 * @param {Node} [opts.location] shown above the fields
 * @param {(values: Values, comment: string) => Promise<void>} opts.onSubmit
 * @param {() => void} opts.onCancel
 * @returns {AssetForm}
 */
export function assetForm({ values, lk, submitLabel, location, onSubmit, onCancel }) {
  const form = el('form', { className: 'asset-form', novalidate: true, 'aria-labelledby': 'details-heading' });
  /** @type {Record<string, HTMLInputElement>} */
  const inputs = {};
  /** @type {Record<string, HTMLElement>} */
  const errors = {};
  const summary = el('p', { id: 'af-summary', className: 'form-error', role: 'alert' });
  form.append(summary);
  if (location) form.append(location);
  form.append(el('p', { className: 'hint form-required-note', text: 'Fields marked * are required.' }));

  for (const f of FIELDS) {
    const { node, input, error } = fieldNode(f, values, lk);
    inputs[f.key] = input;
    errors[f.key] = error;
    form.append(node);
  }
  const { comment, node: commentNode } = commentField('af', 'Optional: what you changed and why. Kept with this version.', { name: 'comment' });
  form.append(commentNode);

  const serverError = el('div', { id: 'af-server-error', className: 'form-error', role: 'alert' });
  const conflict = el('div', { className: 'conflict-slot' });
  const submit = el('button', { type: 'submit', className: 'btn btn-primary', id: 'af-submit', text: submitLabel });
  const cancel = button('Cancel', { id: 'af-cancel', onclick: onCancel });
  form.append(serverError, conflict, el('div', { className: 'form-buttons' }, submit, cancel));

  /**
   * @param {string} key
   * @param {string} msg
   */
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
    /** @type {Values} */
    const v = {};
    for (const k of FIELD_KEYS) v[k] = inputs[k].value.trim();
    return v;
  };
  /** @param {Values} vals */
  const fill = (vals) => fillInputs(inputs, vals);

  /** @param {string} raw */
  const showServerError = (raw) => showRefusal(raw, { inputs, setFieldError, serverError });

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    clearErrors();
    const v = read();
    const problems = validate(v, inputs, setFieldError);
    if (problems.length) {
      summary.textContent = problems.length === 1 ? 'There is 1 problem: see the marked field.' : `There are ${problems.length} problems: see the marked fields.`;
      inputs[problems[0]].focus();
      return;
    }
    busy = true;
    try {
      await whileSaving(submit, () => onSubmit(v, comment.value.trim()));
    } finally {
      busy = false;
    }
  });
  for (const k of FIELD_KEYS) {
    inputs[k].addEventListener('input', () => { if (inputs[k].getAttribute('aria-invalid')) setFieldError(k, ''); });
  }

  return { form, inputs, read, fill, comment, conflict, showServerError, clearErrors, submit };
}

/**
 * locationLine shows a marker's place; set(lngLat, done) follows it, and
 * announces it once a move is done (not on every step of a drag).
 * @param {{lng: number, lat: number}} lngLat
 * @param {string | null} help
 */
export function locationLine(lngLat, help) {
  const coords = el('span', { className: 'location-coords', text: fmtCoord(lngLat) });
  const live = el('span', { className: 'visually-hidden', 'aria-live': 'polite' });
  const node = el('div', { className: 'location-line' },
    el('span', { className: 'field-label', text: 'Location' }),
    el('span', { className: 'location-value' }, coords),
    help ? el('span', { className: 'field-hint', text: help }) : null,
    live);
  return {
    node,
    /**
     * @param {{lng: number, lat: number}} ll
     * @param {boolean} [done]
     */
    set: (ll, done = true) => {
      coords.textContent = fmtCoord(ll);
      if (done) live.textContent = `Location now ${fmtCoord(ll)}`;
    },
  };
}

/**
 * writeFailed shows what a failed write means. It answers false only for
 * 409 (someone else saved first), which the caller shows.
 * @param {import('./api.js').Answer} r
 * @param {{showServerError: (message: string) => void}} f
 * @returns {boolean}
 */
export function writeFailed(r, f) {
  if (r.status === 401) {
    sessionLost();
    f.showServerError('You are no longer signed in. Sign in again (at the top of the panel), then save again.');
    return true;
  }
  if (r.status !== 409) {
    f.showServerError(messageOf(r));
    return true;
  }
  return false;
}

/**
 * afterWrite reloads the tiles and shows the asset with notice above it
 * (or, with no id, closes the pane and shows notice at the tools).
 * @param {string | null} id
 * @param {string} notice
 */
export function afterWrite(id, notice) {
  endActive();
  refreshAssets();
  setAssetNotice(id ? { id, text: notice } : null);
  if (id) {
    openAsset(id, { focus: true });
    return;
  }
  closeDetails();
  const n = $('edit-tools-notice');
  n.textContent = notice;
  n.hidden = false;
  $('panel').scrollTop = 0;
  n.focus();
}

/**
 * shown is a value as the conflict box shows it.
 * @param {string} key
 * @param {string} v
 */
function shown(key, v) {
  return (key === 'category' ? (v ? categoryTitle(v) : '') : key === 'status' ? statusTitle(v) : v) || '—';
}

/**
 * conflictBox shows the version someone else saved, field by field: what
 * they changed since the version this user started from (base), and where
 * this user's own value (mine) differs.
 * @param {any} current their version
 * @param {any} base the version this user started from
 * @param {Values | null} mine
 * @param {{location?: {lng: number, lat: number} | null, actions: HTMLElement[]}} options
 *   location: this user's point, if moving
 */
export function conflictBox(current, base, mine, { location = null, actions }) {
  const p = (current && current.properties) || {};
  const theirs = valuesOf(p);
  const was = valuesOf((base && base.properties) || {});
  const list = el('dl', { className: 'fields conflict-fields' });
  /**
   * @param {string} label
   * @param {string} value
   * @param {{changed?: boolean, yours?: string | null}} [how]
   */
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
    row('Location', fmtCoord(here), { changed: !!moved, yours: differs && location ? fmtCoord(location) : null });
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
