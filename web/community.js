// placemap community features: suggestions from anyone (a new place, a
// correction, a closure), the moderation queue, an asset's history with
// restore, and reviews ("Mark reviewed", "Needs review"). Set up by edit.js,
// which hands over its helpers (see setupCommunity).
//
// API used (same origin, relative URLs):
//   POST api/suggestions {kind, asset_id?, feature?, comment?, website_url}
//        -> 202 {id, status, message}; 429 when rate-limited
//   POST api/suggestions {kind: 'area', set, place?, feature: Polygon with
//        properties.name, comment?, website_url}: "Draw my neighbourhood"
//   GET  api/sets, api/places                  (the community sets and places offered)
//        A correction or closure sends If-Match: the version its sender saw.
//   GET  api/suggestions?status=pending&limit=&offset= (moderator+): a page,
//        numberMatched, links; a suggestion whose asset changed since it was
//        sent is stale, with three_way [{field, base, current, suggested,
//        suggests, changed_since, conflict}] and live_version
//   POST api/suggestions/{id}/accept | reject  (moderator+; reject needs {reason})
//        accept: If-Match live_version and {take: [fields]} merges a stale
//        one onto the current version; 409 with three_way when it changed,
//        or with duplicates [{asset, version, distance_m}] for a new place
//        near a likely duplicate: then {confirm_new: true}, or
//        {merge_into: id} with If-Match that asset's version
//   GET  api/assets/{id}/history -> {asset, deleted, revisions: [{seq, action,
//        author_name (display name or role; author, the e-mail, for admins
//        only), comment, created_at, version, changes: [{field, from, to}]}]}
//   POST api/assets/{id}/restore {revision} If-Match   (editor+)
//   POST api/assets/{id}/reviewed If-Match             (editor+)
//   GET  api/assets?needs_review=true                  (editor+)
//
// Security: API text reaches the page only through el() / textContent.

import { $, el, str, geometryBBox } from './util.js';

let k = null; // the kit from edit.js
let suggestPlacing = false;
let modSection = null;
let suggestSection = null;
let reviewBox = null;

const FIELD_LABELS = {
  name: 'Name', category: 'Category', status: 'Status', address: 'Address', postcode: 'Postcode',
  opening_hours: 'Opening hours', website: 'Website', phone: 'Phone', email: 'Email', operator: 'Operator',
  geometry: 'Location',
};

function fieldLabel(f) {
  const s = str(f);
  return FIELD_LABELS[s] || s.replace(/_/g, ' ');
}

function fieldLabel2(f) {
  const l = fieldLabel(f);
  return l.charAt(0).toUpperCase() + l.slice(1);
}

// fmtValue shows a changed value: titles for categories and statuses, and
// a point as coordinates.
function fmtValue(field, v) {
  const s = str(v);
  if (!s) return '(empty)';
  if (field === 'category') return k.ctx.categoryTitle(s) || s;
  if (field === 'status') return k.ctx.statusTitle(s) || s;
  if (field === 'geometry') {
    try {
      const g = JSON.parse(s);
      if (g && g.type === 'Point' && Array.isArray(g.coordinates)) {
        const [lng, lat] = g.coordinates.map(Number);
        return `${Math.abs(lat).toFixed(5)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lng).toFixed(5)}° ${lng >= 0 ? 'E' : 'W'}`;
      }
      return g && g.type ? `a ${g.type}` : s;
    } catch {
      return s;
    }
  }
  return s;
}

function fmtDate(s) {
  const d = s ? new Date(s) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleString('en-GB') : str(s);
}

// who names the person behind a change as the API shows them: the display
// name (or role) everyone sees, and the e-mail only admins are sent.
function who(name, email) {
  const n = str(name), e = str(email);
  if (e && n && e !== n) return `${n} (${e})`;
  return n || e;
}

function changeList(changes, className) {
  const list = el('ul', { className: `change-list ${className || ''}` });
  for (const c of Array.isArray(changes) ? changes : []) {
    const field = str(c.field);
    list.append(el('li', { className: 'change', dataset: { field } },
      el('span', { className: 'change-field', text: `${fieldLabel2(field)}: ` }),
      el('span', { className: 'change-from', text: fmtValue(field, c.from) }),
      el('span', { className: 'change-arrow', text: ' → ' }),
      el('span', { className: 'change-to', text: fmtValue(field, c.to) })));
  }
  return list;
}

function notice(id, text, { error = false } = {}) {
  return el('p', { className: error ? 'form-error' : 'notice', role: error ? 'alert' : 'status', id, text, tabindex: '-1' });
}

function rank() {
  return k.rank();
}

// The honeypot: a field people never see, and bots fill in.
function honeypot() {
  const input = el('input', { type: 'text', id: 'sg-website-url', name: 'website_url', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
  const wrap = el('div', { className: 'hp-field', 'aria-hidden': 'true' },
    el('label', { for: 'sg-website-url', text: 'Leave this empty' }), input);
  return { wrap, input };
}

async function postSuggestion(body, showError, ifMatch) {
  const r = await k.send('POST', 'api/suggestions', { body, ifMatch: ifMatch || undefined });
  if (r.status === 202) return r;
  if (r.status === 429) {
    const secs = Number(r.retryAfter);
    showError(Number.isFinite(secs) && secs > 0 ? `Too many suggestions from here. Try again in ${Math.ceil(secs / 60)} minutes.` : k.messageOf(r));
  } else if (r.status === 401) {
    k.sessionLost();
    showError('You are no longer signed in. Sign in again, or sign out, then send again.');
  } else {
    showError(k.messageOf(r));
  }
  return null;
}

function thanks(r, assetId) {
  k.endActive();
  const msg = str(r.data && r.data.message) || 'Thank you: a moderator will look at it.';
  const text = msg.charAt(0).toUpperCase() + msg.slice(1) + (/[.!]$/.test(msg) ? '' : '.');
  const nodes = [notice('suggest-thanks', text)];
  if (assetId) nodes.push(k.button('Back to the asset', { id: 'suggest-back', onclick: () => k.ctx.openAsset(assetId, { focus: true }) }));
  k.ctx.showPane('Suggestion sent', nodes);
  const n = $('suggest-thanks');
  if (n) n.focus();
}

// suggestionForm reuses the asset form, with a honeypot and a comment for
// the moderators.
function suggestionForm(opts) {
  const hp = honeypot();
  const f = k.assetForm({
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

function setSuggestPlacing(on) {
  suggestPlacing = on;
  const btn = $('suggest-new');
  if (btn) {
    btn.setAttribute('aria-pressed', String(on));
    btn.textContent = on ? 'Cancel suggesting' : 'Suggest a new place';
  }
  if (k.map) k.map.getContainer().classList.toggle('placing', on);
  if (on) {
    k.showBanner('Click the map where the new place is.', [
      k.button('Place at the centre', { className: 'btn btn-small', id: 'suggest-at-centre', onclick: () => placeSuggestion(k.map.getCenter()) }),
      k.button('Cancel', { className: 'btn btn-small', onclick: () => setSuggestPlacing(false) }),
    ]);
    if (k.ctx.isNarrow()) k.ctx.setPanelOpen(false);
  } else if (!k.isActive()) {
    k.hideBanner();
  }
}

function startSuggestNew() {
  if (suggestPlacing) {
    setSuggestPlacing(false);
    return;
  }
  k.endActive({ close: true });
  setSuggestPlacing(true);
}

async function placeSuggestion(lngLat) {
  setSuggestPlacing(false);
  if (k.ctx.isNarrow()) k.ctx.setPanelOpen(true);
  let lk;
  try {
    lk = await k.loadLookups();
  } catch (err) {
    k.ctx.setStatus(`Could not load the categories: ${err.message}`, true);
    return;
  }
  k.endActive();
  const loc = k.locationLine(lngLat, 'Drag the marker or click the map to adjust.');
  const marker = k.makeMarker(lngLat, 'Location of the new place', (ll, done) => loc.set(ll, done));
  const f = suggestionForm({
    values: k.valuesOf({}), lk, submitLabel: 'Send suggestion', location: loc.node,
    onCancel: () => { k.endActive({ close: true }); },
    onSubmit: async (values, comment, hp) => {
      const body = { kind: 'new', feature: k.featureBody(k.pointOf(marker.getLngLat()), values, null), comment, website_url: hp };
      const r = await postSuggestion(body, (m) => f.showServerError(m));
      if (r) thanks(r, null);
    },
  });
  k.setActive({
    kind: 'suggest-new', marker,
    cleanup: () => marker.remove(),
    onMapClick: (ll) => { marker.setLngLat(ll); loc.set(ll); },
  });
  k.ctx.showPane('Suggest a new place', [f.form]);
  f.inputs.name.focus();
}

// ---------------------------------------------------------------- draw my neighbourhood

// startDrawNeighbourhood: "Draw my neighbourhood". Corners are clicked on
// the map (terra-draw, as for a site); closing the outline opens a form
// for its name, the community set it is for and the place it defines.
async function startDrawNeighbourhood() {
  if (!k.map) return;
  setSuggestPlacing(false);
  k.endActive({ close: true });
  let draw;
  try {
    draw = k.makeDraw();
  } catch (err) {
    k.ctx.setStatus(`Could not start drawing: ${err.message}`, true);
    return;
  }
  draw.setMode('polygon');
  const a = { kind: 'suggest-draw', cleanup: () => { k.hideBanner(); k.stopDraw(draw); }, onMapClick: () => {} };
  k.setActive(a);
  k.showBanner('Click around your neighbourhood; click the first point again to finish.', [
    k.button('Cancel', { className: 'btn btn-small', id: 'draw-hood-cancel', onclick: () => { k.endActive({ close: true }); $('suggest-draw').focus(); } }),
  ]);
  if (k.ctx.isNarrow()) k.ctx.setPanelOpen(false);
  draw.on('finish', (id, context) => {
    if (!k.isActive() || !context || context.mode !== 'polygon') return;
    k.hideBanner();
    if (k.ctx.isNarrow()) k.ctx.setPanelOpen(true);
    draw.setMode('select');
    draw.selectFeature(id);
    neighbourhoodForm(draw, id);
  });
}

async function neighbourhoodForm(draw, drawnId) {
  const [sets, places] = await Promise.all([k.send('GET', 'api/sets'), k.send('GET', 'api/places')]);
  const community = ((sets.data && sets.data.sets) || []).filter((s) => str(s.kind) === 'community');
  const placeList = (places.data && places.data.places) || [];
  const hp = honeypot();
  const error = el('div', { id: 'draw-hood-error', className: 'form-error', role: 'alert' });
  const name = el('input', { type: 'text', id: 'draw-hood-name', required: true, maxlength: 200, autocomplete: 'off', 'aria-describedby': 'draw-hood-name-error' });
  const nameError = el('span', { id: 'draw-hood-name-error', className: 'field-error' });
  const set = el('select', { id: 'draw-hood-set' },
    ...community.map((s) => el('option', { value: str(s.slug), text: str(s.title) || str(s.slug) })));
  const placeSel = el('select', { id: 'draw-hood-place' },
    el('option', { value: '', text: '(none)' }),
    ...placeList.map((p) => el('option', { value: str(p.slug), text: str(p.name) || str(p.slug) })));
  const comment = el('textarea', { id: 'draw-hood-comment', rows: 2, maxlength: 1000 });
  const submit = el('button', { type: 'submit', id: 'draw-hood-submit', className: 'btn btn-primary', text: 'Send my neighbourhood' });
  const cancel = () => { k.endActive({ close: true }); $('suggest-draw').focus(); };
  const field = (id, label, input, extra) => el('div', { className: 'field form-field' },
    el('label', { for: id, className: 'field-label', text: label }), input, extra || null);
  const form = el('form', { id: 'draw-hood-form', className: 'asset-form', noValidate: true },
    el('p', { className: 'instructions', text: 'Drag the corners on the map to adjust the outline. A moderator will check it before it joins the map; drawings of a place feed its agreement view.' }),
    field('draw-hood-name', 'Name of your neighbourhood', name, nameError),
    community.length ? field('draw-hood-set', 'Boundary set it is for', set) : el('p', { className: 'form-error', text: 'This map has no community boundary set to draw for.' }),
    field('draw-hood-place', 'The place it is (optional)', placeSel),
    field('draw-hood-comment', 'Comment for the moderators (optional)', comment),
    hp.wrap, error,
    el('div', { className: 'form-buttons' }, submit, k.button('Cancel', { id: 'draw-hood-cancel-form', onclick: cancel })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    error.replaceChildren();
    nameError.textContent = '';
    name.removeAttribute('aria-invalid');
    if (!name.value.trim()) {
      nameError.textContent = 'Give it the name you call it.';
      name.setAttribute('aria-invalid', 'true');
      name.focus();
      return;
    }
    const rings = k.polygonsOf(draw, [drawnId])[0];
    if (!rings || !rings[0] || rings[0].length < 4) {
      error.replaceChildren(el('p', { text: 'The outline needs at least three corners.' }));
      return;
    }
    submit.disabled = true;
    try {
      const body = {
        kind: 'area', set: set.value, place: placeSel.value, comment: comment.value.trim(), website_url: hp.input.value,
        feature: { type: 'Feature', properties: { name: name.value.trim() }, geometry: { type: 'Polygon', coordinates: rings } },
      };
      const r = await postSuggestion(body, (m) => error.replaceChildren(el('p', { text: `Not sent: ${m}` })));
      if (r) thanks(r, null);
    } finally {
      submit.disabled = false;
    }
  });
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } });
  k.ctx.showPane('Draw my neighbourhood', [form]);
  name.focus();
}

// ---------------------------------------------------------------- correction, closure

async function startCorrection(id) {
  let lk, cur;
  try {
    [lk, cur] = await Promise.all([k.loadLookups(), k.fetchAsset(id)]);
  } catch (err) {
    k.ctx.setStatus(`Could not start the suggestion: ${err.message}`, true);
    return;
  }
  k.endActive();
  const base = cur.feature;
  const f = suggestionForm({
    values: k.valuesOf(base.properties), lk, submitLabel: 'Send correction',
    onCancel: () => { k.endActive(); k.ctx.openAsset(id, { focus: true }); },
    onSubmit: async (values, comment, hp) => {
      const body = { kind: 'correction', asset_id: id, feature: k.featureBody(base.geometry, values, base.properties), comment, website_url: hp };
      const r = await postSuggestion(body, (m) => f.showServerError(m), cur.ifMatch);
      if (r) thanks(r, id);
    },
  });
  k.setActive({ kind: 'suggest-correction', cleanup: null });
  k.ctx.showPane('Suggest a correction', [el('h3', { text: str(base.properties.name) || '(unnamed asset)' }), f.form], { assetId: id });
  f.inputs.name.focus();
}

function startClosure(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const name = str(p.name) || '(unnamed asset)';
  k.endActive();
  const hp = honeypot();
  const comment = el('textarea', { id: 'closure-comment', rows: 3, maxlength: 500, autocomplete: 'off', 'aria-describedby': 'closure-comment-hint' });
  const error = el('div', { className: 'form-error', role: 'alert', id: 'closure-error' });
  const submit = el('button', { type: 'submit', className: 'btn btn-primary', id: 'closure-submit', text: 'Report closed' });
  const cancel = () => { k.endActive(); k.ctx.openAsset(id, { focus: true }); };
  const form = el('form', { className: 'asset-form closure-form', novalidate: true, 'aria-labelledby': 'details-heading' },
    el('p', { className: 'instructions' }, 'Report that ', el('strong', { text: name }), ' has closed? A moderator will check before the map changes.'),
    el('div', { className: 'field form-field field-comment' },
      el('label', { for: 'closure-comment', className: 'field-label', text: 'Comment for the moderators' }),
      el('span', { id: 'closure-comment-hint', className: 'field-hint', text: 'Optional: when it closed, how you know.' }),
      comment),
    hp.wrap, error,
    el('div', { className: 'form-buttons' }, submit, k.button('Cancel', { id: 'closure-cancel', onclick: cancel })));
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); cancel(); } });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    error.replaceChildren();
    submit.disabled = true;
    try {
      const seen = k.versionOf(feature);
      const r = await postSuggestion({ kind: 'closure', asset_id: id, comment: comment.value.trim(), website_url: hp.input.value },
        (m) => error.replaceChildren(el('p', { text: `Not sent: ${m}` })), seen ? k.etagFor(seen) : undefined);
      if (r) thanks(r, id);
    } finally {
      submit.disabled = false;
    }
  });
  k.setActive({ kind: 'suggest-closure', cleanup: null });
  k.ctx.showPane('Report closed', [el('h3', { text: name }), form], { assetId: id });
  comment.focus();
}

// ---------------------------------------------------------------- history

async function loadHistory(feature, box, { message = null } = {}) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  box.replaceChildren(el('p', { text: 'Loading the history…' }));
  const r = await k.send('GET', `api/assets/${encodeURIComponent(id)}/history`);
  if (!r.ok || !r.data) {
    box.replaceChildren(notice('history-error', `Could not load the history: ${k.messageOf(r)}`, { error: true }));
    return;
  }
  const revs = Array.isArray(r.data.revisions) ? r.data.revisions : [];
  const nodes = [];
  if (message) nodes.push(message);
  nodes.push(el('h4', { id: 'history-heading', text: `History (${revs.length} ${revs.length === 1 ? 'revision' : 'revisions'})` }));
  const list = el('ol', { className: 'history-list', reversed: true, 'aria-labelledby': 'history-heading' });
  const currentVersion = k.versionOf(feature);
  const latestSeq = revs.length ? revs[revs.length - 1].seq : null;
  for (const rv of revs.slice().reverse()) {
    const v = Number(rv.version);
    const isLatest = rv.seq === latestSeq;
    const li = el('li', { className: 'revision', dataset: { seq: str(rv.seq), version: str(rv.version) } },
      el('p', { className: 'revision-head' },
        el('strong', { text: `${str(rv.action) || 'change'}` }),
        Number.isFinite(v) && v > 0 ? ` · version ${v}` : '',
        ` · ${who(rv.author_name, rv.author) || 'unknown'} · `,
        el('time', { datetime: str(rv.created_at), text: fmtDate(rv.created_at) }),
        isLatest ? el('span', { className: 'badge', text: 'current' }) : null),
      str(rv.comment) ? el('p', { className: 'revision-comment', text: `“${str(rv.comment)}”` }) : null,
      Array.isArray(rv.changes) && rv.changes.length ? changeList(rv.changes, 'revision-changes') : null);
    if (!isLatest && k.canEdit() && str(rv.action) !== 'delete') {
      li.append(k.button('Restore this version', {
        className: 'btn btn-small restore-btn', dataset: { seq: str(rv.seq) },
        onclick: (ev) => restore(feature, rv, box, currentVersion, ev.currentTarget),
      }));
    }
    list.append(li);
  }
  nodes.push(list);
  box.replaceChildren(...nodes);
}

async function restore(feature, rv, box, currentVersion, btn) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  btn.disabled = true;
  const r = await k.send('POST', `api/assets/${encodeURIComponent(id)}/restore`, {
    body: { revision: Number(rv.seq) }, ifMatch: currentVersion ? k.etagFor(currentVersion) : undefined,
  });
  btn.disabled = false;
  if (r.ok) {
    k.ctx.refreshAssets();
    k.setNotice(id, `Restored version ${str(rv.version)} of “${str(p.name)}”.`);
    k.ctx.openAsset(id, { focus: true });
    return;
  }
  if (r.status === 401) k.sessionLost();
  if (r.status === 409) {
    const current = r.data && r.data.current;
    const msg = notice('history-error', 'Someone changed this asset since you opened it: nothing was restored. Here is the current version and its history; restore again if you still want to.', { error: true });
    if (current) {
      k.ctx.refreshAssets();
      k.setNotice(id, msg.textContent);
      k.ctx.openAsset(id, { focus: true });
      return;
    }
    box.prepend(msg);
    return;
  }
  box.prepend(notice('history-error', `Not restored: ${k.messageOf(r)}`, { error: true }));
}

// ---------------------------------------------------------------- reviewed

async function markReviewed(feature, slot) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const v = k.versionOf(feature);
  const r = await k.send('POST', `api/assets/${encodeURIComponent(id)}/reviewed`, { ifMatch: v ? k.etagFor(v) : undefined });
  if (r.ok) {
    k.setNotice(id, `Marked “${str(p.name)}” as reviewed.`);
    k.ctx.openAsset(id, { focus: true });
    if (reviewBox && !reviewBox.hidden) loadNeedsReview();
    return;
  }
  if (r.status === 401) k.sessionLost();
  if (r.status === 409) {
    k.setNotice(id, 'Someone changed this asset since you opened it: here is the current version. Check it, then mark it reviewed again.');
    k.ctx.openAsset(id, { focus: true });
    return;
  }
  slot.replaceChildren(notice('review-error', `Not marked: ${k.messageOf(r)}`, { error: true }));
}

async function loadNeedsReview() {
  const list = $('needs-review-list');
  if (!list) return;
  list.replaceChildren(el('li', { text: 'Loading…' }));
  const r = await k.send('GET', 'api/assets?needs_review=true&limit=100');
  if (!r.ok || !r.data) {
    list.replaceChildren(el('li', { className: 'form-error', text: `Could not load: ${k.messageOf(r)}` }));
    return;
  }
  const feats = Array.isArray(r.data.features) ? r.data.features : [];
  const total = Number(r.data.numberMatched);
  $('needs-review-count').textContent = feats.length
    ? `${Number.isFinite(total) ? total : feats.length} not reviewed in the last 12 months${Number.isFinite(total) && total > feats.length ? ` (first ${feats.length} shown)` : ''}.`
    : 'Every asset has been reviewed in the last 12 months.';
  list.replaceChildren(...feats.map((f) => {
    const fp = f.properties || {};
    const id = str(fp.id) || str(f.id);
    return el('li', null, el('button', {
      type: 'button', className: 'row-button', dataset: { id },
      onclick: () => k.ctx.openAsset(id, { fly: true, geometry: f.geometry, focus: true }),
    }, el('span', { className: 'row-title', text: str(fp.name) || '(unnamed asset)' })));
  }));
}

// ---------------------------------------------------------------- moderation

function suggestionTitle(sg) {
  const kind = { new: 'New place', correction: 'Correction', closure: 'Closure', area: 'Neighbourhood drawn' }[str(sg.kind)] || str(sg.kind);
  const name = str(sg.proposed && sg.proposed.properties && sg.proposed.properties.name);
  return name ? `${kind}: ${name}` : kind;
}

// showDrawing outlines a drawn neighbourhood on the map and fits the view.
function showDrawing(feature) {
  const map = k.map;
  if (!map || !feature || !feature.geometry) return;
  const data = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: feature.geometry, properties: {} }] };
  if (map.getSource('suggested-drawing')) {
    map.getSource('suggested-drawing').setData(data);
  } else {
    map.addSource('suggested-drawing', { type: 'geojson', data });
    map.addLayer({ id: 'suggested-drawing-fill', type: 'fill', source: 'suggested-drawing', paint: { 'fill-color': '#b42318', 'fill-opacity': 0.12 } });
    map.addLayer({ id: 'suggested-drawing-line', type: 'line', source: 'suggested-drawing', paint: { 'line-color': '#b42318', 'line-width': 2.5, 'line-dasharray': [2, 1] } });
  }
  const box = geometryBBox(feature.geometry);
  if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 60, duration: 0 });
}

const MOD_PAGE = 20;
let modOffset = 0;

async function loadModeration(message) {
  const list = $('moderation-list');
  if (!list || rank() < 3) return;
  const status = $('moderation-status');
  status.textContent = 'Loading…';
  const r = await k.send('GET', `api/suggestions?status=pending&limit=${MOD_PAGE}&offset=${modOffset}`);
  if (!r.ok || !r.data) {
    status.textContent = `Could not load the suggestions: ${k.messageOf(r)}`;
    return;
  }
  const items = Array.isArray(r.data.suggestions) ? r.data.suggestions : [];
  const total = Number(r.data.numberMatched);
  if (!items.length && modOffset > 0 && total > 0) {
    // The page emptied as suggestions were decided: show the last one.
    modOffset = Math.max(0, Math.floor((total - 1) / MOD_PAGE) * MOD_PAGE);
    await loadModeration(message);
    return;
  }
  const n = Number.isFinite(total) ? total : items.length;
  status.textContent = items.length
    ? `${n} pending ${n === 1 ? 'suggestion' : 'suggestions'}${n > items.length ? ` (${modOffset + 1}–${modOffset + items.length} shown)` : ''}.`
    : 'No suggestions are waiting.';
  const msg = $('moderation-notice');
  msg.replaceChildren();
  if (message) msg.append(...message);
  list.replaceChildren(...items.map(renderSuggestion));
  $('moderation-prev').hidden = modOffset === 0;
  $('moderation-next').hidden = !(modOffset + items.length < n);
}

function pageModeration(delta) {
  modOffset = Math.max(0, modOffset + delta * MOD_PAGE);
  loadModeration();
}

// threeWay shows, for a suggestion whose asset changed since it was sent,
// each field as it was then, as it is now and as suggested; the fields the
// suggestion changes can be ticked to take (all by default).
function threeWay(sg) {
  const id = str(sg.id);
  const rows = Array.isArray(sg.three_way) ? sg.three_way : [];
  const boxes = [];
  const table = el('table', { className: 'three-way', id: `three-way-${id}` },
    el('caption', { text: `Changed since it was sent (version ${str(sg.base_version)}, now ${str(sg.live_version)})` }),
    el('thead', null, el('tr', null,
      el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'When sent' }),
      el('th', { scope: 'col', text: 'Now' }), el('th', { scope: 'col', text: 'Suggested' }),
      el('th', { scope: 'col', text: 'Take' }))),
    el('tbody', null, ...rows.map((f) => {
      const field = str(f.field);
      let take = null;
      if (f.suggests) {
        const cb = el('input', { type: 'checkbox', className: 'take-field', value: field, checked: true, 'aria-label': `Take the suggested ${fieldLabel(field)}` });
        boxes.push(cb);
        take = cb;
      }
      const cls = ['three-way-row', f.conflict ? 'conflict' : '', f.suggests ? 'suggests' : '', f.changed_since ? 'since' : ''].filter(Boolean).join(' ');
      return el('tr', { className: cls, dataset: { field } },
        el('th', { scope: 'row', text: fieldLabel2(field) }),
        el('td', { className: 'tw-base', text: fmtValue(field, f.base) }),
        el('td', { className: 'tw-current', text: fmtValue(field, f.current) }),
        el('td', { className: 'tw-suggested', text: f.suggests ? fmtValue(field, f.suggested) + (f.conflict ? ' (conflict)' : '') : '(as when sent)' }),
        el('td', null, take));
    })));
  const note = el('p', { className: 'hint', text: 'Someone changed this place after the suggestion was sent. Accepting takes the ticked suggested values onto the current version; everything else stays as it is now.' });
  return { node: el('div', { className: 'three-way-box' }, note, table), taken: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

// duplicatesBox lists the places a new one may duplicate, each with
// "Merge into this", and "Add as new anyway".
function duplicatesBox(sg, dups, decide) {
  const id = str(sg.id);
  const list = el('ul', { className: 'duplicate-list' }, ...dups.map((d) => {
    const a = d.asset || {};
    const p = a.properties || {};
    const aid = str(p.id) || str(a.id);
    const dist = Number(d.distance_m);
    return el('li', { className: 'duplicate', dataset: { id: aid } },
      el('span', { className: 'duplicate-name', text: str(p.name) || '(unnamed)' }),
      el('span', { className: 'duplicate-meta', text: ` · ${k.ctx.categoryTitle(str(p.category)) || str(p.category)} · ${Number.isFinite(dist) ? Math.round(dist) : '?'} m away ` }),
      k.button('Merge into this', {
        className: 'btn btn-small merge-btn', dataset: { id: aid },
        onclick: () => decide(true, { body: { merge_into: aid }, ifMatch: Number(d.version) > 0 ? k.etagFor(Number(d.version)) : undefined }),
      }));
  }));
  return el('div', { className: 'duplicates', id: `duplicates-${id}`, role: 'alert' },
    el('p', { className: 'duplicates-title', text: 'This may already be on the map. Merge it into one of these (its details fill their gaps), or add it as a new place:' }),
    list,
    k.button('Add as new anyway', { className: 'btn btn-small confirm-new-btn', onclick: () => decide(true, { body: { confirm_new: true } }) }));
}

function renderSuggestion(sg) {
  const id = str(sg.id);
  const reasonId = `reject-reason-${id}`;
  const reason = el('input', { type: 'text', id: reasonId, className: 'reject-reason', maxlength: 500, autocomplete: 'off', 'aria-describedby': `${reasonId}-error` });
  const reasonError = el('span', { id: `${reasonId}-error`, className: 'field-error' });
  const error = el('div', { className: 'form-error', role: 'alert' });
  const stale = sg.stale ? threeWay(sg) : null;
  const accept = k.button(stale ? `Accept onto version ${str(sg.live_version)}` : 'Accept', { className: 'btn btn-primary btn-small accept-btn' });
  const reject = k.button('Reject', { className: 'btn btn-small btn-danger-quiet reject-btn' });
  const dupSlot = el('div', { className: 'duplicates-slot' });
  let li = null;
  const decide = async (ok, extra = {}) => {
    error.replaceChildren();
    reasonError.textContent = '';
    reason.removeAttribute('aria-invalid');
    const why = reason.value.trim();
    if (!ok && !why) {
      reasonError.textContent = 'Say why: the person who suggested it will read it.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    const opts = ok ? {} : { body: { reason: why } };
    if (ok) {
      const body = { ...(extra.body || {}) };
      if (stale && !extra.body) {
        const take = stale.taken();
        if (!take.length) {
          error.replaceChildren(el('p', { text: 'Tick at least one suggested value to take, or reject the suggestion.' }));
          return;
        }
        body.take = take;
        opts.ifMatch = k.etagFor(Number(sg.live_version));
      }
      const kind = str(sg.kind);
      if (!stale && !extra.body && (kind === 'correction' || kind === 'closure') && Number(sg.live_version) > 0) {
        // Accept onto the version the moderator was shown: if it changed
        // since, the server answers with the three versions.
        opts.ifMatch = k.etagFor(Number(sg.live_version));
      }
      if (extra.ifMatch) opts.ifMatch = extra.ifMatch;
      if (Object.keys(body).length) opts.body = body;
    }
    accept.disabled = reject.disabled = true;
    const r = await k.send('POST', `api/suggestions/${encodeURIComponent(id)}/${ok ? 'accept' : 'reject'}`, opts);
    accept.disabled = reject.disabled = false;
    if (!r.ok) {
      if (r.status === 401) k.sessionLost();
      const d = r.data || {};
      if (r.status === 409 && Array.isArray(d.duplicates) && d.duplicates.length) {
        dupSlot.replaceChildren(duplicatesBox(sg, d.duplicates, decide));
        const b = dupSlot.querySelector('.merge-btn');
        if (b) b.focus();
        return;
      }
      if (r.status === 409 && Array.isArray(d.three_way)) {
        // The asset changed (again): show the comparison as it is now.
        const fresh = renderSuggestion({ ...sg, stale: true, three_way: d.three_way, base_version: d.base_version, live_version: d.current_version });
        li.replaceWith(fresh);
        const err = fresh.querySelector('.form-error');
        err.replaceChildren(el('p', { text: 'This place changed since the suggestion was sent: compare the three versions, then accept onto the current one or reject.' }));
        const t = fresh.querySelector('.three-way');
        if (t) t.scrollIntoView({ block: 'nearest' });
        const btn = fresh.querySelector('.accept-btn');
        if (btn) btn.focus();
        return;
      }
      error.replaceChildren(el('p', { text: `Not decided: ${k.messageOf(r)}` }));
      return;
    }
    const title = suggestionTitle(sg);
    const msg = [el('span', { text: ok ? `Accepted “${title}”.` : `Rejected “${title}”.` })];
    if (ok) {
      k.ctx.refreshAssets();
      const p = r.data && r.data.proposed && r.data.proposed.properties;
      const assetId = str(r.data && r.data.asset_id) || str(sg.asset_id) || str(p && p.id) || str(r.data && r.data.proposed && r.data.proposed.id);
      if (assetId) {
        msg.push(' ', k.button('Show it', {
          className: 'link-button', id: 'moderation-show',
          onclick: () => k.ctx.openAsset(assetId, { fly: true, focus: true }),
        }));
      }
    }
    await loadModeration(msg);
    const n = $('moderation-notice');
    if (n) n.focus();
  };
  accept.addEventListener('click', () => decide(true));
  reject.addEventListener('click', () => decide(false));
  const staleNode = stale ? stale.node : null;
  const changes = Array.isArray(sg.changes) ? sg.changes : [];
  const isDrawing = str(sg.kind) === 'area';
  li = el('li', { className: sg.stale ? 'suggestion stale' : 'suggestion', dataset: { id, kind: str(sg.kind) } },
    el('p', { className: 'suggestion-title' }, el('strong', { text: suggestionTitle(sg) })),
    el('p', { className: 'suggestion-meta', text: `by ${who(sg.author_name, sg.author) || 'anonymous'} · ${fmtDate(sg.created_at)}` }),
    str(sg.comment) ? el('p', { className: 'suggestion-comment', text: `“${str(sg.comment)}”` }) : null,
    changes.length ? changeList(changes, 'suggestion-changes') : el('p', { className: 'hint', text: 'No field changes.' }),
    staleNode,
    isDrawing && str(sg.place) ? el('p', { className: 'suggestion-meta', text: `for the place ${str(sg.place)}` }) : null,
    isDrawing ? k.button('Show the drawing', { className: 'link-button show-drawing', onclick: () => showDrawing(sg.proposed) }) : null,
    el('div', { className: 'field form-field' },
      el('label', { for: reasonId, className: 'field-label', text: 'Reason (needed to reject)' }),
      reason, reasonError),
    dupSlot,
    error,
    el('div', { className: 'form-buttons' }, accept, reject));
  return li;
}

// ---------------------------------------------------------------- panel, details

function buildPanel() {
  const tools = $('edit-tools');
  suggestSection = el('section', { id: 'suggest-tools', className: 'panel-section suggest-tools', 'aria-label': 'Suggest' },
    k.button('Suggest a new place', { id: 'suggest-new', 'aria-pressed': 'false', onclick: startSuggestNew }),
    el('p', { className: 'hint', text: 'Know a place that is missing? Suggest it: a moderator will check it.' }));
  const drawSection = el('section', { id: 'draw-hood', className: 'panel-section suggest-tools', 'aria-label': 'Your neighbourhood' },
    k.button('Draw my neighbourhood', { id: 'suggest-draw', onclick: startDrawNeighbourhood }),
    el('p', { className: 'hint', text: 'Where does your neighbourhood begin and end? Draw it as you know it.' }));
  modSection = el('section', { id: 'moderation', className: 'panel-section moderation', 'aria-labelledby': 'moderation-heading', hidden: true },
    el('h2', { id: 'moderation-heading', text: 'Moderation' }),
    el('p', { id: 'moderation-status', role: 'status' }),
    el('p', { id: 'moderation-notice', className: 'notice-slot', tabindex: '-1' }),
    k.button('Refresh', { id: 'moderation-refresh', className: 'btn btn-small', onclick: () => loadModeration() }),
    el('ul', { id: 'moderation-list', className: 'moderation-list' }),
    el('div', { id: 'moderation-pager', className: 'form-buttons' },
      k.button('Previous page', { id: 'moderation-prev', className: 'btn btn-small', hidden: true, onclick: () => pageModeration(-1) }),
      k.button('Next page', { id: 'moderation-next', className: 'btn btn-small', hidden: true, onclick: () => pageModeration(1) })));
  reviewBox = el('div', { id: 'needs-review', className: 'needs-review', hidden: true },
    el('h3', { text: 'Needs review' }),
    el('p', { id: 'needs-review-count', role: 'status' }),
    el('ul', { id: 'needs-review-list', className: 'row-list' }));
  const toggle = k.button('Needs review', {
    id: 'needs-review-toggle', 'aria-expanded': 'false', 'aria-controls': 'needs-review',
    onclick: () => {
      const open = reviewBox.hidden;
      reviewBox.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) loadNeedsReview();
    },
  });
  tools.append(toggle, reviewBox);
  tools.after(suggestSection, drawSection, modSection);
}

function actionsFor(feature) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  if (!id) return [];
  const nodes = [];
  if (!k.canEdit()) {
    nodes.push(el('div', { className: 'suggest-actions', role: 'group', 'aria-label': 'Suggest a change' },
      k.button('Suggest a correction', { id: 'asset-suggest', className: 'btn btn-small', onclick: () => startCorrection(id) }),
      k.button('Report closed', { id: 'asset-report-closed', className: 'btn btn-small', onclick: () => startClosure(feature) })));
  }
  const box = el('div', { id: 'history-box', className: 'history-box', hidden: true });
  const reviewSlot = el('div', { className: 'review-slot' });
  const hist = k.button('History', {
    id: 'asset-history', className: 'btn btn-small', 'aria-expanded': 'false', 'aria-controls': 'history-box',
    onclick: () => {
      const open = box.hidden;
      box.hidden = !open;
      hist.setAttribute('aria-expanded', String(open));
      if (open) loadHistory(feature, box);
    },
  });
  nodes.push(el('div', { className: 'history-actions', role: 'group', 'aria-label': 'History and review' },
    hist,
    k.canEdit() ? k.button('Mark reviewed', { id: 'asset-reviewed', className: 'btn btn-small', onclick: () => markReviewed(feature, reviewSlot) }) : null));
  nodes.push(reviewSlot, box);
  return nodes;
}

function renderAccount() {
  if (!suggestSection) return;
  suggestSection.hidden = k.canEdit();
  if (k.canEdit() && suggestPlacing) setSuggestPlacing(false);
  const isMod = rank() >= 3;
  const was = !modSection.hidden;
  modSection.hidden = !isMod;
  if (isMod && !was) loadModeration();
  if (!isMod) $('moderation-list').replaceChildren();
}

function mapClick(ev) {
  if (suggestPlacing) {
    placeSuggestion(ev.lngLat);
    return true;
  }
  return false;
}

// setupCommunity(kit) -> {actionsFor, renderAccount, mapClick, stop}.
export function setupCommunity(kit) {
  k = kit;
  buildPanel();
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && suggestPlacing) setSuggestPlacing(false);
  });
  return {
    actionsFor, renderAccount, mapClick,
    stop: () => { if (suggestPlacing) setSuggestPlacing(false); },
    get placing() { return suggestPlacing; },
  };
}
