// @ts-check
// placemap OSM review: conflate an OpenStreetMap extract with the assets
// held, then accept or reject what it proposes one line at a time
// (editors and above). Set up by edit.js.
//
// API used (same origin, relative URLs):
//   POST api/conflations?file=NAME  body: the OSM file (PBF, XML, .bz2/.gz, Overpass JSON)
//        -> 201 {run, file, proposals, by_outcome, agreed, decided_before, superseded, coverage: {overlap, warning…}}
//   GET  api/conflations/proposals?status=pending -> {proposals: [...], by_outcome, last_run}
//   GET  api/export/osmchange?report=json -> what the export holds, what is blocked or left out and why
//   GET  api/export/osmchange, api/export/josm: the files (downloads)
//   POST api/conflations/proposals/{id}/accept {take?, partner?}
//   POST api/conflations/proposals/{id}/reject {reason}
//
// Security: API text (names, tag values) reaches the page only through
// el() / textContent.

import { $, el, str, geometryBBox, unionBBox } from '../util.js';
import { mapIfReady } from '../store.js';
import { refreshAssets } from '../map/layers.js';
import { openAsset } from '../panel/details.js';
import { rank, EDITOR_RANK } from './session.js';
import { send, messageOf } from './api.js';
import { button } from './active.js';
import { sessionLost } from './account.js';

/** @type {HTMLElement | null} */
let section = null;
const SOURCE = 'osm-review';

const OUTCOMES = {
  matched: 'Match', only_osm: 'Only in OSM', only_local: 'Only here', ambiguous: 'Ambiguous',
};

/**
 * @param {any} f a feature
 * @returns {string} its name
 */
function nameOf(f) {
  return str(f && f.properties && f.properties.name) || '(unnamed)';
}

/**
 * @param {any} p a proposal
 * @returns {string} what it proposes, in a line
 */
function titleOf(p) {
  const local = p.local ? nameOf(p.local) : '';
  const osm = Array.isArray(p.osm) && p.osm.length ? nameOf(p.osm[0]) : '';
  switch (str(p.outcome)) {
    case 'matched': return local === osm ? `Match: ${local}` : `Match: ${local} ↔ ${osm}`;
    case 'only_osm': return `Only in OSM: ${osm}`;
    case 'only_local': return `Only here: ${local}`;
    default: return `Ambiguous: ${local || osm}`;
  }
}

/** @param {string} text */
function setStatus(text) {
  $('osm-review-status').textContent = text;
}

/** @param {Record<string, number>} counts proposals by outcome */
function summary(counts) {
  const words = { matched: 'matched', only_osm: 'only in OSM', only_local: 'only here', ambiguous: 'ambiguous' };
  const parts = Object.keys(OUTCOMES).filter((o) => counts[o]).map((o) => `${counts[o]} ${words[o]}`);
  return parts.join(', ');
}

// coverageWarning says when the last run's file did not cover every asset
// compared: those outside were not marked "only here".
/** @param {any} run the last conflation */
function coverageWarning(run) {
  if (!run || !(Number(run.compared) > 0) || Number(run.covered) >= Number(run.compared)) return '';
  const pct = Math.floor(100 * Number(run.overlap));
  return `${str(run.file)} covers ${Number(run.covered)} of the ${Number(run.compared)} assets here (${pct}% overlap): `
    + 'the others were not compared, so nothing outside its bounds is marked “only here”. Conflate an extract that covers them.';
}

/** @param {string} text */
function showCoverage(text) {
  const w = $('osm-review-coverage');
  w.textContent = text;
  w.hidden = !text;
}

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 */
function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * @param {string} id
 * @param {any[]} items assets, each with why
 * @param {string} label
 */
function assetList(id, items, label) {
  const list = el('ul', { id, className: 'export-list', 'aria-label': label },
    items.map((a) => el('li', { dataset: { id: str(a.id) } },
      el('strong', { className: 'export-name', text: str(a.name) || '(unnamed)' }),
      el('span', { className: 'export-why', text: str(a.reason) }))));
  return list;
}

// loadExport shows what the osmChange and JOSM files would hold, before
// anyone downloads them: the objects, the assets blocked and left out with
// why, and the keys not written.
async function loadExport() {
  const box = $('osm-export-report');
  const r = await send('GET', 'api/export/osmchange?report=json');
  if (!r.ok || !r.data) {
    box.replaceChildren(el('p', { className: 'form-error', text: `Could not read what the export holds: ${messageOf(r)}` }));
    return;
  }
  const d = r.data;
  const sum = d.summary || {};
  const objects = d.objects || {};
  const offered = Array.isArray(d.offered) ? d.offered : [];
  const blocked = Array.isArray(d.blocked) ? d.blocked : [];
  const leftOut = Array.isArray(d.left_out) ? d.left_out : [];
  const unmapped = Array.isArray(d.unmapped) ? d.unmapped : [];
  const parts = [];
  parts.push(`${plural(Number(sum.create) || 0, 'new object', 'new objects')} (${plural(Number(objects.create_nodes) || 0, 'node', 'nodes')}, ${plural(Number(objects.create_ways) || 0, 'way', 'ways')})`);
  parts.push(plural(Number(sum.modify) || 0, 'modification', 'modifications'));
  const summaryText = Number(sum.offered) > 0
    ? `The files hold ${parts.join(' and ')}.`
    : 'The files hold nothing: no asset may be offered to OSM yet.';
  const more = `${plural(blocked.length, 'asset', 'assets')} blocked, ${leftOut.length} left out until reviewed, ${Number(sum.in_osm) || 0} in OSM already.`;
  /** @type {HTMLElement[]} */
  const children = [
    el('p', { id: 'osm-export-summary', text: `${summaryText} ${more}` }),
  ];
  if (unmapped.length) {
    children.push(el('p', { id: 'osm-export-unmapped', className: 'hint',
      text: `Not written (no OSM key in the tag table): ${unmapped.map((u) => `${str(u.key)} (${Number(u.count)})`).join(', ')}.` }));
  }
  children.push(el('div', { className: 'form-buttons' },
    el('a', { id: 'osm-export-osc', className: 'btn btn-small', href: 'api/export/osmchange', download: 'placemap.osc', text: 'Download osmChange' }),
    el('a', { id: 'osm-export-josm', className: 'btn btn-small', href: 'api/export/josm', download: 'placemap.osm', text: 'Download for JOSM' })));
  if (offered.length) {
    children.push(el('details', { className: 'export-offered' },
      el('summary', { text: `In the files (${offered.length})` }),
      assetList('osm-export-offered', offered, 'Assets in the files, and why each may go')));
  }
  if (blocked.length) {
    children.push(el('h4', { text: `Blocked (${blocked.length})` }), assetList('osm-export-blocked', blocked, 'Assets blocked from OSM, and why'));
  }
  if (leftOut.length) {
    children.push(el('details', { className: 'export-left-out' },
      el('summary', { text: `Left out until reviewed (${leftOut.length})` }),
      assetList('osm-export-left-out', leftOut, 'Assets left out of the export, and why')));
  }
  box.replaceChildren(...children);
}

/**
 * load lists the proposals waiting, with message (nodes) above them, and
 * what the export holds.
 * @param {(Node | string)[]} [message]
 */
async function load(message) {
  if (!section || section.hidden) return;
  setStatus('Loading…');
  const r = await send('GET', 'api/conflations/proposals?status=pending');
  if (!r.ok || !r.data) {
    setStatus(`Could not load the review list: ${messageOf(r)}`);
    return;
  }
  showCoverage(coverageWarning(r.data.last_run));
  const all = Array.isArray(r.data.proposals) ? r.data.proposals : [];
  const counts = {};
  for (const p of all) counts[p.outcome] = (counts[p.outcome] || 0) + 1;
  const filter = /** @type {HTMLSelectElement} */ ($('osm-review-filter')).value;
  const shown = filter ? all.filter((p) => p.outcome === filter) : all;
  setStatus(all.length
    ? `${all.length} ${all.length === 1 ? 'proposal waits' : 'proposals wait'} for review (${summary(counts)}) from ${str(all[0].file)}.`
    : 'Nothing waits for review. Conflate an OSM file to compare it with the assets here.');
  const n = $('osm-review-notice');
  n.replaceChildren();
  if (message) n.append(...message);
  $('osm-review-list').replaceChildren(...shown.map(render));
  await loadExport();
}

// highlight shows the proposal's objects on the map: OSM's in orange, the
// asset here in blue, and fits the view to them.
/** @param {any} p a proposal */
function highlight(p) {
  const map = mapIfReady();
  if (!map) return;
  const feats = [];
  for (const f of p.osm || []) feats.push({ type: 'Feature', geometry: f.geometry, properties: { side: 'osm', name: nameOf(f) } });
  for (const f of [p.local, ...(p.candidate_assets || [])]) {
    if (f && f.geometry) feats.push({ type: 'Feature', geometry: f.geometry, properties: { side: 'local', name: nameOf(f) } });
  }
  /** @type {GeoJSON.FeatureCollection} */
  const data = { type: 'FeatureCollection', features: feats };
  /** @type {import('maplibre-gl').GeoJSONSource | undefined} */
  const src = map.getSource(SOURCE);
  if (src) {
    src.setData(data);
  } else {
    map.addSource(SOURCE, { type: 'geojson', data });
    /** @type {any} */
    const colour = ['match', ['get', 'side'], 'osm', '#d95f02', '#1b6ac9'];
    map.addLayer({ id: `${SOURCE}-fill`, type: 'fill', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': colour, 'fill-opacity': 0.2 } });
    map.addLayer({ id: `${SOURCE}-line`, type: 'line', source: SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': colour, 'line-width': 2 } });
    map.addLayer({ id: `${SOURCE}-point`, type: 'circle', source: SOURCE, filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-width': 3, 'circle-stroke-color': colour } });
  }
  const box = unionBBox(feats.map((f) => geometryBBox(f.geometry)));
  if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 80, maxZoom: 18, duration: 0 });
}

/**
 * differencesTable lists the tags where the record here and OSM differ,
 * each with a box to take OSM's value.
 * @param {any} p a matched proposal
 * @param {string} id
 */
function differencesTable(p, id) {
  const all = Array.isArray(p.differences) ? p.differences : [];
  // Keys OSM lacks are what the export may give it, not values to take.
  const diffs = all.filter((d) => str(d.osm));
  const onlyHere = all.filter((d) => !str(d.osm)).map((d) => str(d.key));
  const hereNote = onlyHere.length ? el('p', { className: 'hint only-here', text: `OSM lacks: ${onlyHere.join(', ')}.` }) : null;
  if (!diffs.length) return { node: el('div', null, el('p', { className: 'hint', text: 'OSM has nothing to take here.' }), hereNote), taken: () => [] };
  const boxes = [];
  const rows = diffs.map((d, i) => {
    const key = str(d.key);
    const cb = el('input', { type: 'checkbox', id: `take-${id}-${i}`, className: 'take-osm', dataset: { key }, 'aria-label': `Take OSM's ${key}` });
    boxes.push(cb);
    return el('tr', { dataset: { key } },
      el('th', { scope: 'row', text: key }),
      el('td', { className: 'here', text: str(d.local) || '—' }),
      el('td', { className: 'osm', text: str(d.osm) || '—' }),
      el('td', null, cb));
  });
  const table = el('table', { className: 'differences' },
    el('caption', { text: 'Where the record here and OSM differ' }),
    el('thead', null, el('tr', null, el('th', { scope: 'col', text: 'Tag' }), el('th', { scope: 'col', text: 'Here' }),
      el('th', { scope: 'col', text: 'OSM' }), el('th', { scope: 'col', text: "Take OSM's" }))),
    el('tbody', null, rows));
  return { node: el('div', null, table, hereNote), taken: () => boxes.filter((b) => b.checked).map((b) => b.dataset.key) };
}

/**
 * candidatesField asks which candidate is the same place.
 * @param {any} p an ambiguous proposal
 * @param {string} id
 */
function candidatesField(p, id) {
  const byId = new Map();
  for (const f of p.osm || []) byId.set(str(f.properties && f.properties.source_id), nameOf(f));
  for (const f of p.candidate_assets || []) byId.set(str(f.properties && f.properties.id), nameOf(f));
  const radios = [];
  const options = (p.candidates || []).map((c, i) => {
    const r = el('input', { type: 'radio', name: `partner-${id}`, id: `partner-${id}-${i}`, value: str(c), className: 'partner' });
    radios.push(r);
    return el('div', { className: 'radio' }, r, el('label', { for: `partner-${id}-${i}`, text: `${byId.get(str(c)) || str(c)} (${str(c)})` }));
  });
  const node = el('fieldset', { className: 'partners' }, el('legend', { text: 'Which one is the same place?' }), options);
  return { node, partner: () => (radios.find((r) => r.checked) || {}).value || '' };
}

/**
 * proposalBody is what a proposal asks: for a match, the tags to take from
 * OSM; for an ambiguous one, which candidate is the same place.
 * @param {any} p
 * @param {string} id
 */
function proposalBody(p, id) {
  const outcome = str(p.outcome);
  /** @type {{node: HTMLElement, taken: () => string[]} | null} */
  let diffs = null;
  /** @type {{node: HTMLElement, partner: () => string} | null} */
  let partners = null;
  /** @type {HTMLElement} */
  let body;
  if (outcome === 'matched') {
    diffs = differencesTable(p, id);
    body = diffs.node;
  } else if (outcome === 'ambiguous') {
    partners = candidatesField(p, id);
    body = partners.node;
  } else if (outcome === 'only_osm') {
    body = el('p', { className: 'hint', text: 'Adding it copies it from OpenStreetMap under the ODbL, with its attribution (© OpenStreetMap contributors).' });
  } else {
    body = el('p', { className: 'hint', text: 'OSM lacks it. Offer it (it goes into the osmChange and JOSM exports if its licence allows), or keep it out, saying why.' });
  }
  return { body, diffs, partners };
}

/**
 * showDecided lists the proposals again, saying what was decided (with
 * "Show the asset" where an asset took the decision).
 * @param {any} p
 * @param {boolean} ok
 * @param {string | undefined} partner the candidate chosen
 */
async function showDecided(p, ok, partner) {
  const outcome = str(p.outcome);
  /** @type {(Node | string)[]} */
  const msg = [el('span', { text: `${ok ? 'Accepted' : 'Rejected'} “${titleOf(p)}”.` })];
  const assetId = outcome === 'ambiguous' && p.asset_id === '' ? partner : str(p.asset_id);
  if (ok && (outcome === 'matched' || outcome === 'ambiguous' || outcome === 'only_osm')) {
    refreshAssets();
    const shown = outcome === 'only_osm' ? '' : assetId;
    if (shown) {
      msg.push(' ', button('Show the asset', {
        className: 'link-button', id: 'osm-review-show',
        onclick: () => openAsset(shown, { fly: true, focus: true }),
      }));
    }
  }
  await load(msg);
  const n = $('osm-review-notice');
  if (n) n.focus();
}

/**
 * render is a proposal with its decision: accept (add, offer) or reject
 * (keep out).
 * @param {any} p
 * @returns {HTMLLIElement}
 */
function render(p) {
  const id = str(p.id);
  const outcome = str(p.outcome);
  const reasonId = `osm-reason-${id}`;
  const reason = el('input', { type: 'text', id: reasonId, className: 'reject-reason', maxlength: 500, autocomplete: 'off', 'aria-describedby': `${reasonId}-error` });
  const reasonError = el('span', { id: `${reasonId}-error`, className: 'field-error' });
  const error = el('div', { className: 'form-error', role: 'alert' });
  const accept = button(outcome === 'only_osm' ? 'Add it here' : outcome === 'only_local' ? 'Offer to OSM' : 'Accept', { className: 'btn btn-primary btn-small accept-btn' });
  const reject = button(outcome === 'only_local' ? 'Keep out of OSM' : 'Reject', { className: 'btn btn-small btn-danger-quiet reject-btn' });
  const { body, diffs, partners } = proposalBody(p, id);
  /** @param {boolean} ok */
  const decide = async (ok) => {
    error.replaceChildren();
    reasonError.textContent = '';
    reason.removeAttribute('aria-invalid');
    const why = reason.value.trim();
    if (!ok && outcome === 'only_local' && !why) {
      reasonError.textContent = 'Say why it stays out of OSM: the export lists it.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    /** @type {{reason?: string, take?: string[], partner?: string}} */
    const payload = ok ? {} : { reason: why };
    if (ok && diffs) payload.take = diffs.taken();
    if (ok && partners) {
      payload.partner = partners.partner();
      if (!payload.partner) {
        error.replaceChildren(el('p', { text: 'Choose which one is the same place first.' }));
        return;
      }
      if (payload.partner) payload.take = [];
    }
    accept.disabled = reject.disabled = true;
    const r = await send('POST', `api/conflations/proposals/${encodeURIComponent(id)}/${ok ? 'accept' : 'reject'}`, { body: payload });
    accept.disabled = reject.disabled = false;
    if (!r.ok) {
      if (r.status === 401) sessionLost();
      error.replaceChildren(el('p', { text: `Not decided: ${messageOf(r)}` }));
      return;
    }
    await showDecided(p, ok, payload.partner);
  };
  accept.addEventListener('click', () => decide(true));
  reject.addEventListener('click', () => decide(false));
  const meta = [str(p.osm_ref), Number(p.distance_m) > 0 ? `${Math.round(Number(p.distance_m))} m apart` : '',
    Number(p.name_score) > 0 ? `names ${Math.round(Number(p.name_score) * 100)}% alike` : '', str(p.by) ? `by ${str(p.by)}` : '']
    .filter(Boolean).join(' · ');
  return el('li', { className: 'proposal suggestion', dataset: { id, outcome } },
    el('p', { className: 'suggestion-title' },
      el('span', { className: `badge outcome-${outcome}`, text: OUTCOMES[outcome] || outcome }), ' ',
      el('strong', { text: titleOf(p).replace(/^[^:]*: /, '') })),
    meta ? el('p', { className: 'suggestion-meta', text: meta }) : null,
    body,
    button('Show on map', { className: 'link-button show-btn', onclick: () => highlight(p) }),
    el('div', { className: 'field form-field' },
      el('label', { for: reasonId, className: 'field-label', text: outcome === 'only_local' ? 'Reason (needed to keep it out)' : 'Reason (optional)' }),
      reason, reasonError),
    error,
    el('div', { className: 'form-buttons' }, accept, reject));
}

/**
 * conflate sends the OSM file chosen to be compared with the assets here.
 * @param {SubmitEvent} ev
 */
async function conflate(ev) {
  ev.preventDefault();
  /** @type {HTMLInputElement} */
  const input = $('osm-review-file');
  const file = input.files && input.files[0];
  const err = $('osm-review-upload-error');
  err.replaceChildren();
  if (!file) {
    err.append(el('p', { text: 'Choose an OSM file first (.osm, .osm.pbf, .osm.bz2, .osm.gz or Overpass JSON).' }));
    input.focus();
    return;
  }
  /** @type {HTMLButtonElement} */
  const btn = $('osm-review-run');
  btn.disabled = true;
  setStatus(`Conflating ${file.name}…`);
  const r = await send('POST', `api/conflations?file=${encodeURIComponent(file.name)}`, { raw: file });
  btn.disabled = false;
  if (!r.ok || !r.data) {
    if (r.status === 401) sessionLost();
    setStatus('');
    err.append(el('p', { text: `Not conflated: ${messageOf(r)}` }));
    return;
  }
  const d = r.data;
  const extra = [];
  if (d.agreed) extra.push(`${d.agreed} already agree`);
  if (d.decided_before) extra.push(`${d.decided_before} decided before`);
  /** @type {(Node | string)[]} */
  const msg = [el('span', { text: `Conflated ${str(d.file)}: ${d.proposals} to review${extra.length ? ` (${extra.join('; ')})` : ''}.` })];
  const warning = str(d.coverage && d.coverage.warning);
  if (warning) msg.push(' ', el('strong', { className: 'notice-warning', text: `Warning: ${warning}` }));
  await load(msg);
  $('osm-review-notice').focus();
}

/** build adds the OSM review's section after the moderation queue (or the editing tools). */
function build() {
  const filter = el('select', { id: 'osm-review-filter', onchange: () => load() },
    el('option', { value: '', text: 'All' }),
    ...Object.entries(OUTCOMES).map(([v, t]) => el('option', { value: v, text: t })));
  section = el('section', { id: 'osm-review', className: 'panel-section moderation', 'aria-labelledby': 'osm-review-heading', hidden: true },
    el('h2', { id: 'osm-review-heading', text: 'OSM review' }),
    el('p', { className: 'hint', text: 'Compare an OpenStreetMap extract with the assets here, then decide each line.' }),
    el('form', { id: 'osm-review-upload', onsubmit: conflate },
      el('label', { for: 'osm-review-file', className: 'field-label', text: 'OSM file' }),
      el('input', { type: 'file', id: 'osm-review-file', accept: '.osm,.pbf,.bz2,.gz,.json,.xml' }),
      el('div', { id: 'osm-review-upload-error', className: 'form-error', role: 'alert' }),
      el('div', { className: 'form-buttons' }, el('button', { type: 'submit', id: 'osm-review-run', className: 'btn btn-small', text: 'Conflate' }))),
    el('p', { id: 'osm-review-status', role: 'status' }),
    el('p', { id: 'osm-review-notice', className: 'notice-slot', tabindex: '-1' }),
    el('p', { id: 'osm-review-coverage', className: 'coverage-warning', hidden: true }),
    el('section', { id: 'osm-export', className: 'osm-export', 'aria-labelledby': 'osm-export-heading' },
      el('h3', { id: 'osm-export-heading', text: 'Give back to OSM' }),
      el('p', { className: 'hint', text: 'Only assets OSM lacks by the last conflation over them, or offered on review, go; nothing undecided does. Check what the file holds, then download it for JOSM (to review and upload) or as osmChange.' }),
      el('div', { id: 'osm-export-report' })),
    el('div', { className: 'field' }, el('label', { for: 'osm-review-filter', className: 'field-label', text: 'Show' }), filter),
    el('ul', { id: 'osm-review-list', className: 'moderation-list' }));
  const mod = $('moderation');
  if (mod) mod.after(section);
  else $('edit-tools').after(section);
}

/** osmReviewForAccount shows the review to editors and above, loading it when it appears. */
export function osmReviewForAccount() {
  if (!section) return;
  const can = rank() >= EDITOR_RANK;
  const was = !section.hidden;
  section.hidden = !can;
  if (can && !was) load();
  if (!can) $('osm-review-list').replaceChildren();
}

/** setupOSMReview adds the OSM review's section to the panel, shown to editors. */
export function setupOSMReview() {
  build();
}
