// @ts-check
// The details pane: an asset's or an area's details (opened from the map,
// the search, the lists), and the forms editing puts there (showPane).
// Editing adds its buttons and takes map clicks through editHooks.

import { $, el, str, numberFormat, fetchJSON, geometryBBox } from '../util.js';
import { statusTitle, humanName } from '../format.js';
import { CATEGORY_COLORS, OTHER_COLOR } from '../palette.js';
import { state, map, categoryTitle } from '../store.js';
import { highlightArea, highlightAsset, setSetVisibility } from '../map/layers.js';
import { openPanel, linkOrText } from './panel.js';
import { copyLinkRow, mapHashNow } from './copylink.js';
import { renderProfile, KIND_WORDS } from './profile.js';
import { isPhone, keepInSight, forgetSelected } from './sheet.js';
import { fillAreaAccess } from './areaaccess.js';

/**
 * Set by edit/edit.js. assetActions(feature) returns a node for the asset
 * details (Edit, Move, Delete) or null; areaActions(feature, slug) does the
 * same for an area (Redraw); mapClick(ev) returns true when it took the
 * click; detailsReplaced() is called when the details pane is about to show
 * something else or closes.
 * @type {{
 *   assetActions: ((feature: any) => Node | null) | null,
 *   areaActions: ((feature: any, slug: string) => Node | null) | null,
 *   mapClick: ((ev: import('maplibre-gl').MapMouseEvent) => boolean) | null,
 *   detailsReplaced: (() => void) | null,
 * }}
 */
export const editHooks = { assetActions: null, areaActions: null, mapClick: null, detailsReplaced: null };

/** @typedef {{fly?: boolean, geometry?: any, focus?: boolean, unfold?: boolean}} OpenAssetOptions */

let detailsToken = 0;
/** @type {AbortController | null} */
let detailsAbort = null;

/**
 * @param {Node[]} nodes
 * @param {{focus?: boolean, unfold?: boolean}} [options] unfold: unfold a folded panel (default)
 */
function showDetails(nodes, { focus = false, unfold = true } = {}) {
  const section = $('details');
  const body = $('details-body');
  body.replaceChildren(...nodes);
  section.hidden = false;
  if (unfold) openPanel();
  // In a phone's sheet the pane's head goes to the sheet's top, under its handle.
  section.scrollIntoView({ block: isPhone() ? 'start' : 'nearest' });
  if (focus) section.focus({ preventScroll: true });
}

/** closeDetails closes the pane and clears the highlight. */
export function closeDetails() {
  if (editHooks.detailsReplaced) editHooks.detailsReplaced();
  if (detailsAbort) detailsAbort.abort();
  $('details').hidden = true;
  $('details-body').replaceChildren();
  forgetSelected();
  highlightAsset(null);
  highlightArea(null);
}

/**
 * beginDetails shows "Loading…" under the heading label, cancelling
 * whatever was loading; a load whose token is no longer detailsToken is
 * stale.
 * @param {string} label
 * @param {boolean} [unfold] unfold a folded panel
 */
function beginDetails(label, unfold = true) {
  if (editHooks.detailsReplaced) editHooks.detailsReplaced();
  if (detailsAbort) detailsAbort.abort();
  $('details').setAttribute('aria-live', 'polite');
  detailsAbort = new AbortController();
  forgetSelected();
  const token = ++detailsToken;
  $('details-heading').textContent = label;
  showDetails([el('p', { className: 'muted', text: 'Loading…' })], { unfold });
  return { token, signal: detailsAbort.signal };
}

/**
 * showPane puts nodes from editing (a form) in the details pane under the
 * heading label, cancelling any details still loading. A form is not read
 * out as a whole: the pane stops being a live region until details return.
 * @param {string} label
 * @param {Node[]} nodes
 * @param {{focus?: boolean, assetId?: string | null}} [options]
 */
export function showPane(label, nodes, { focus = false, assetId = null } = {}) {
  if (detailsAbort) detailsAbort.abort();
  detailsAbort = null;
  ++detailsToken;
  $('details').setAttribute('aria-live', 'off');
  $('details-heading').textContent = label;
  highlightArea(null);
  highlightAsset(assetId);
  showDetails(nodes, { focus });
}

/** @param {any} p an asset's properties */
function assetCategoryTitle(p) {
  return str(p.category_title) || categoryTitle(p.category);
}

/** @param {any} p an asset's properties */
function assetDot(p) {
  return el('span', {
    className: `dot status-${str(p.status)}`,
    'aria-hidden': 'true',
    style: { backgroundColor: CATEGORY_COLORS[str(p.category)] || OTHER_COLOR },
  });
}

/**
 * assetRow is a button naming an asset, its category and status.
 * @param {any} p the asset's properties, with its id
 * @param {() => void} onClick
 * @returns {HTMLButtonElement}
 */
export function assetRow(p, onClick) {
  const meta = [assetCategoryTitle(p), p.status ? statusTitle(p.status) : ''].filter(Boolean).join(' · ');
  return el('button', { type: 'button', className: 'row-button', dataset: { id: str(p.id) }, onclick: onClick },
    assetDot(p),
    el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || '(unnamed asset)' }),
      el('span', { className: 'row-meta', text: meta })));
}

/**
 * openAsset shows an asset's details. fly: move the map to it (to geometry
 * at once when given); focus: move the focus to the pane; unfold (default):
 * unfold a folded panel.
 * @param {unknown} id
 * @param {OpenAssetOptions} [options]
 */
export async function openAsset(id, { fly = false, geometry = null, focus = false, unfold = true } = {}) {
  const assetId = str(id);
  if (!assetId) return;
  const { token, signal } = beginDetails('Asset', unfold);
  highlightArea(null);
  highlightAsset(assetId);
  if (geometry) keepInSight(geometry, { fly, unfold });
  let feature;
  try {
    feature = await fetchJSON(`api/assets/${encodeURIComponent(assetId)}`, { signal });
  } catch (err) {
    if (err.name === 'AbortError' || token !== detailsToken) return;
    const text = err.status === 404
      ? `There is no asset with the id “${assetId}”: the link may be out of date, or the asset was removed.`
      : `Could not load this asset: ${err.message}`;
    showDetails([el('p', { className: 'error-text', text })], { unfold });
    return;
  }
  if (token !== detailsToken) return;
  if (!geometry && feature.geometry) keepInSight(feature.geometry, { fly, unfold });
  showDetails(renderAsset(feature), { focus, unfold });
}

/**
 * fieldList is a <dl>, and add(label, value) a row of it when value is not
 * empty.
 */
function fieldList() {
  const fields = el('dl', { className: 'fields' });
  /**
   * @param {string} label
   * @param {Node | string} value
   */
  const add = (label, value) => {
    if (!value) return;
    fields.append(el('dt', { text: label }), el('dd', null, value));
  };
  return { fields, add };
}

/** @param {any} feature */
function renderAsset(feature) {
  const p = feature.properties || {};
  const nodes = [];
  nodes.push(el('h3', { text: str(p.name) || '(unnamed asset)' }));
  nodes.push(el('p', { className: 'details-sub' },
    assetDot(p),
    el('span', { text: assetCategoryTitle(p) }),
    p.status ? el('span', { className: `badge status-${str(p.status)}`, text: statusTitle(p.status) }) : null));
  nodes.push(copyLinkRow({ asset: str(p.id) || str(feature.id) }));
  if (editHooks.assetActions) {
    const actions = editHooks.assetActions(feature);
    if (actions) nodes.push(actions);
  }

  const { fields, add } = fieldList();
  add('Address', [str(p.address), str(p.postcode)].filter(Boolean).join('\n'));
  const precision = str(p.location_precision) || str(p.tags && p.tags.location_precision);
  if (precision === 'postcode') add('Location', `Approximate: placed at the middle of its postcode${str(p.postcode) ? ` (${str(p.postcode)})` : ''}, not at its door.`);
  add('Opening hours', str(p.opening_hours));
  add('Website', linkOrText(str(p.website)));
  const email = str(p.email);
  add('Email', /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email) ? el('a', { href: `mailto:${email}`, text: email }) : email);
  const phone = str(p.phone);
  add('Phone', /^\+?[\d\s()-]{5,}$/.test(phone) ? el('a', { href: `tel:${phone.replace(/[^\d+]/g, '')}`, text: phone }) : phone);
  add('Operator', str(p.operator));
  if (fields.childElementCount) nodes.push(fields);

  nodes.push(el('h4', { id: 'lies-in-heading', text: 'Lies in' }));
  const liesIn = Array.isArray(p.lies_in) ? p.lies_in : [];
  if (liesIn.length) {
    const list = el('ul', { className: 'lies-in-list', 'aria-labelledby': 'lies-in-heading' });
    for (const m of liesIn) {
      const slug = str(m.set);
      const setTitle = str(m.set_title) || (state.setsBySlug.get(slug) || {}).title || slug;
      const code = str(m.code);
      const name = str(m.name);
      const areaText = name && name !== code ? `${name} (${code})` : code;
      list.append(el('li', null,
        el('button', {
          type: 'button', className: 'row-button', dataset: { set: slug, code },
          onclick: () => openArea(slug, code, { fit: true, focus: true }),
        },
        el('span', null, el('span', { className: 'lies-in-set', text: `${setTitle}: ` }), areaText))));
    }
    nodes.push(list);
  } else {
    nodes.push(el('p', { className: 'muted', text: 'Not inside any of the loaded boundary sets.' }));
  }

  const prov = fieldList();
  prov.add('Source', linkOrText(str(p.source)));
  prov.add('Licence', str(p.licence));
  prov.add('Attribution', str(p.attribution));
  if (prov.fields.childElementCount) {
    nodes.push(el('h4', { text: 'About this record' }), prov.fields);
  }
  return nodes;
}

/**
 * openArea shows an area's details. fit: fit the map to it; focus: move
 * the focus to the pane; unfold (default): unfold a folded panel.
 * @param {unknown} slugIn the boundary set
 * @param {unknown} codeIn the area's code
 * @param {{fit?: boolean, focus?: boolean, unfold?: boolean}} [options]
 */
export async function openArea(slugIn, codeIn, { fit = false, focus = false, unfold = true } = {}) {
  const slug = str(slugIn);
  const code = str(codeIn);
  if (!slug || !code) return;
  const { token, signal } = beginDetails('Area', unfold);
  highlightAsset(null);
  highlightArea({ slug, code });
  const area = `api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`;
  // The profile (people, assets by category, other definitions) loads
  // beside the area and fills its part of the pane when it comes.
  const profile = fetchJSON(`${area}/profile`, { signal }).then((p) => ({ p, err: null }), (err) => ({ p: null, err }));
  let feature;
  try {
    feature = await fetchJSON(area, { signal });
  } catch (err) {
    if (err.name === 'AbortError' || token !== detailsToken) return;
    const text = err.status === 404
      ? `There is no area “${code}” in the boundary set “${slug}”: the link may be out of date, or the set was removed.`
      : `Could not load this area: ${err.message}`;
    showDetails([el('p', { className: 'error-text', text })], { unfold });
    return;
  }
  if (token !== detailsToken) return;
  // An area of an earlier release: show its release (hidden by default) so
  // the outline being described is on the map beside the current lines.
  if (feature.properties && feature.properties.current === false && !state.visible.get(slug)) setSetVisibility(slug, true);
  if (fit && feature.geometry && !isPhone()) {
    const b = geometryBBox(feature.geometry);
    if (b) map().fitBounds(b, { padding: 40, maxZoom: 16 });
  } else if (feature.geometry) {
    keepInSight(feature.geometry, { fly: fit, unfold });
  }
  showDetails(renderArea(feature, slug), { focus, unfold });
  fillAreaAccess($('area-access'), slug, code, signal);
  const { p, err } = await profile;
  if (token !== detailsToken || (err && err.name === 'AbortError')) return;
  fillProfile(p, err);
}

/**
 * fillProfile puts an area's profile into the parts renderArea left for
 * it, or says it could not be loaded (the plain asset list stays).
 * @param {any} p
 * @param {any} err
 */
function fillProfile(p, err) {
  const people = document.getElementById('area-profile');
  const assets = document.getElementById('area-assets');
  const others = document.getElementById('area-others');
  if (!people || !assets || !others) return;
  people.removeAttribute('aria-busy');
  if (err || !p) {
    people.replaceChildren(el('p', { className: 'error-text', text: `Could not load what this area holds: ${err ? err.message : 'no answer'}` }));
    return;
  }
  const actions = {
    /** @param {string} s @param {string} c */
    openArea: (s, c) => {
      if (!state.visible.get(s)) setSetVisibility(s, true);
      openArea(s, c, { fit: true, focus: true });
    },
    /** @param {string} s @param {string} c */
    areaHref: (s, c) => mapHashNow({ area: { slug: s, code: c } }),
    /** @param {any} a */
    assetRow: (a) => assetRow(a, () => openAsset(a.id, { fly: true, focus: true })),
  };
  const parts = renderProfile(p, actions);
  people.replaceChildren(...parts.people);
  assets.replaceChildren(...parts.assets);
  others.replaceChildren(...parts.others);
}

const AREA_SKIP = new Set(['set', 'set_title', 'code', 'name', 'assets', 'asset_count', 'id', 'bbox', 'licence', 'attribution',
  'series', 'current', 'current_release', 'successors', 'predecessors']);

/**
 * releaseNotes says, for an area of a release, what replaced it (an earlier
 * release) and where it came from, with buttons that open those areas.
 * @param {any} p the area's properties
 * @param {string} slug
 * @param {string} code
 */
function releaseNotes(p, slug, code) {
  const nodes = [];
  /** @param {string} s */
  const title = (s) => (state.setsBySlug.get(s) || {}).title || s;
  /**
   * @param {any[]} list
   * @param {string} setKey
   * @param {string} codeKey
   * @param {string} nameKey
   * @param {(l: any) => string} share
   */
  const links = (list, setKey, codeKey, nameKey, share) => el('ul', { className: 'release-list' }, ...list.map((l) => el('li', null,
    el('button', {
      type: 'button', className: 'link-button', text: str(l[nameKey]) || str(l[codeKey]),
      onclick: () => {
        setSetVisibility(str(l[setKey]), true);
        openArea(str(l[setKey]), str(l[codeKey]), { fit: true, focus: true });
      },
    }),
    el('span', { className: 'muted', text: ` ${title(str(l[setKey]))} · ${share(l)}${l.status && l.status !== 'computed' ? ` · ${l.status}` : ''}` }))));
  /** @param {unknown} x */
  const pct = (x) => `${Math.round(100 * Number(x) || 0)}%`;
  const successors = (Array.isArray(p.successors) ? p.successors : []).filter((/** @type {any} */ l) => l.status !== 'rejected');
  const predecessors = (Array.isArray(p.predecessors) ? p.predecessors : []).filter((/** @type {any} */ l) => l.status !== 'rejected');
  if (p.current === false) {
    const cur = str(p.current_release);
    const box = el('div', { className: 'replaced', role: 'note' },
      el('p', null, el('strong', { text: 'Replaced. ' }),
        `This area is from ${title(slug)}, an earlier release${cur ? `; ${title(cur)} is current` : ''}.`));
    if (successors.length) {
      box.append(el('p', { text: 'Its ground is now in:' }),
        links(successors, 'new_set', 'new_code', 'new_name', (l) => `${pct(l.share_of_old)} of this area${l.main ? ' (main successor)' : ''}`));
      const to = str(successors[0].new_set);
      box.append(el('p', null, el('a', { href: `#changes/${encodeURIComponent(slug)}/${encodeURIComponent(to)}?area=${encodeURIComponent(code)}`, text: 'See what changed' })));
    }
    nodes.push(box);
  }
  if (predecessors.length) {
    nodes.push(el('h4', { text: 'Came from' }),
      links(predecessors, 'old_set', 'old_code', 'old_name', (l) => `${pct(l.share_of_new)} of this area`));
  }
  return nodes;
}

/** @param {any} v */
const isScalar = (v) => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * @param {any} feature
 * @param {string} slug
 */
function renderArea(feature, slug) {
  const p = feature.properties || {};
  const set = state.setsBySlug.get(str(p.set) || slug) || state.setsBySlug.get(slug);
  const setTitle = str(p.set_title) || (set && set.title) || slug;
  const code = str(p.code);
  const nodes = [];
  nodes.push(el('h3', { text: str(p.name) || code }));
  const kind = set ? KIND_WORDS[str(set.kind)] || str(set.kind) : '';
  nodes.push(el('p', { className: 'details-sub' },
    el('span', { className: 'swatch', 'aria-hidden': 'true', style: { color: set ? set.color : OTHER_COLOR } }),
    el('span', { text: setTitle }),
    kind ? el('span', { className: 'muted', text: ` · ${kind}` }) : null));
  nodes.push(copyLinkRow({ area: { slug: str(p.set) || slug, code } }));
  nodes.push(...releaseNotes(p, str(p.set) || slug, code));
  const fields = el('dl', { className: 'fields' });
  fields.append(el('dt', { text: 'Code' }), el('dd', null, el('code', { className: 'area-code', text: code })));
  fields.append(el('dt', { text: 'Set' }), el('dd', { text: setTitle }));
  for (const [k, v] of Object.entries(p)) {
    if (AREA_SKIP.has(k) || v === null || v === '' || !isScalar(v)) continue;
    fields.append(el('dt', { text: humanName(k) }), el('dd', { text: typeof v === 'number' ? numberFormat.format(v) : String(v) }));
  }
  nodes.push(fields);
  if (editHooks.areaActions) {
    const actions = editHooks.areaActions(feature, str(p.set) || slug);
    if (actions) nodes.push(actions);
  }
  nodes.push(el('div', { id: 'area-profile', 'aria-busy': 'true' },
    el('p', { className: 'muted', text: 'Loading who lives here and how it lines up with other boundaries…' })));
  nodes.push(el('div', { id: 'area-access' }));
  nodes.push(el('div', { id: 'area-assets' }, ...areaAssets(p)));
  nodes.push(el('div', { id: 'area-others' }));
  nodes.push(...areaProvenance(p, set));
  return nodes;
}

/** @param {any} p an area's properties */
function areaAssets(p) {
  const nodes = [];
  const assets = Array.isArray(p.assets) ? p.assets : [];
  const total = Number.isFinite(Number(p.asset_count)) && p.asset_count !== null && p.asset_count !== undefined
    ? Math.max(Number(p.asset_count), assets.length) : assets.length;
  nodes.push(el('h4', { id: 'area-assets-heading', text: `Assets in this area (${numberFormat.format(total)})` }));
  if (total > assets.length) {
    nodes.push(el('p', { className: 'muted', text: `Showing the first ${numberFormat.format(assets.length)}.` }));
  }
  if (assets.length) {
    const list = el('ul', { className: 'asset-list', 'aria-labelledby': 'area-assets-heading' });
    for (const a of assets) {
      list.append(el('li', null, assetRow(a, () => openAsset(a.id, { fly: true, focus: true }))));
    }
    nodes.push(list);
  } else {
    nodes.push(el('p', { className: 'muted', text: 'No assets recorded in this area.' }));
  }
  return nodes;
}

/**
 * @param {any} p an area's properties
 * @param {import('../store.js').BoundarySet | undefined} set
 */
function areaProvenance(p, set) {
  const nodes = [];
  const extra = p.properties && typeof p.properties === 'object' && !Array.isArray(p.properties)
    ? Object.entries(p.properties).filter(([, v]) => v !== null && v !== '' && isScalar(v))
    : [];
  const licence = str(p.licence) || (set ? str(set.licence) : '');
  const attribution = str(p.attribution) || (set ? str(set.attribution) : '');
  if (licence || attribution) {
    const prov = el('dl', { className: 'fields' });
    if (licence) prov.append(el('dt', { text: 'Licence' }), el('dd', { text: licence }));
    if (attribution) prov.append(el('dt', { text: 'Attribution' }), el('dd', { text: attribution }));
    nodes.push(el('h4', { text: 'About this boundary' }), prov);
  }
  if (extra.length) {
    const dl = el('dl', { className: 'fields' });
    for (const [k, v] of extra) dl.append(el('dt', { text: k }), el('dd', { text: String(v) }));
    nodes.push(el('details', { className: 'source-fields' }, el('summary', { text: `Source fields (${extra.length})` }), dl));
  }
  return nodes;
}

/** setupDetails makes the pane's close button work. */
export function setupDetails() {
  $('details-close').addEventListener('click', closeDetails);
}
