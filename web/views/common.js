// @ts-check
// What the Compare, Places, Choropleth and Changes views share: their
// layers go under the assets, the floating legend over the map, form
// controls (selects, segmented radios), status lines, fitting the map, and
// what the server said about indicators and population.
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, fetchJSON, unionBBox, geometryBBox } from '../util.js';
import { state, map } from '../store.js';
import { ASSET_SITE_FILL } from '../map/layers.js';

export const NO_DATA = '#d1d5db';
export const A_LINE = '#1f2933';
export const B_LINE = '#1d4ed8';
export const TABLE_ROWS = 300; // rows drawn before "show all"

/**
 * The sets with a population indicator, from the last crosswalk answer
 * (null until one came): the population weighting is offered only then.
 * @type {{sets: string[] | null}}
 */
export const population = { sets: null };

/**
 * Each set's indicators (api/sets/{slug}/indicators), asked once.
 * @type {Map<string, any[]>}
 */
export const indicatorLists = new Map();

/**
 * indicatorList is a set's indicators, each with a name.
 * @param {string} slug
 * @returns {Promise<any[]>}
 */
export async function indicatorList(slug) {
  const known = indicatorLists.get(slug);
  if (known) return known;
  const r = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/indicators`);
  const list = Array.isArray(r.indicators) ? r.indicators.filter((/** @type {any} */ i) => str(i && i.name)) : [];
  indicatorLists.set(slug, list);
  return list;
}

/**
 * @param {string} slug
 * @returns {boolean} whether the boundary set is loaded
 */
export function hasSet(slug) {
  return state.setsBySlug.has(slug);
}

/**
 * @param {string} slug
 * @returns {string} the set's colour on the Map view
 */
export function setColor(slug) {
  const s = state.setsBySlug.get(slug);
  return s ? s.color : '#475569';
}

/**
 * addLayer adds a view's layer under the assets.
 * @param {import('maplibre-gl').AddLayerObject} layer
 */
export function addLayer(layer) {
  const m = map();
  m.addLayer(layer, m.getLayer(ASSET_SITE_FILL) ? ASSET_SITE_FILL : undefined);
}

/** @param {readonly string[]} ids */
export function removeLayers(ids) {
  const m = map();
  for (const id of ids) if (m.getLayer(id)) m.removeLayer(id);
}

/**
 * @param {readonly string[]} ids
 * @param {boolean} on
 */
export function setLayersVisible(ids, on) {
  const m = map();
  for (const id of ids) {
    if (m.getLayer(id)) m.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }
}

/**
 * layerViewHooks are the enter and leave of a view whose map layers show
 * only while it is open: entering builds its panel, shows its layers and
 * draws its legend; leaving hides the layers.
 * @param {() => void} buildUI
 * @param {() => string[]} layerIds
 * @param {() => void} legend
 * @returns {{enter: () => void, leave: () => void}}
 */
export function layerViewHooks(buildUI, layerIds, legend) {
  return {
    enter() {
      buildUI();
      setLayersVisible(layerIds(), true);
      legend();
    },
    leave() {
      setLayersVisible(layerIds(), false);
    },
  };
}

/**
 * fitBBox fits the map to b, leaving room for the floating legend when the
 * map is wide enough to spare it.
 * @param {import('../util.js').BBox | null | undefined} b
 * @param {{padding?: number, maxZoom?: number}} [options]
 */
export function fitBBox(b, { padding = 30, maxZoom = 15 } = {}) {
  if (!b) return;
  const m = map();
  const legend = $('map-legend');
  const w = m.getContainer().clientWidth;
  const pad = { top: padding, bottom: padding, left: padding, right: padding };
  if (legend && !legend.hidden && w > 560) pad.left = Math.min(legend.offsetWidth + padding, w / 2.5);
  m.fitBounds(b, { padding: pad, maxZoom, duration: 0 });
}

/**
 * @param {any[]} features
 * @returns {import('../util.js').BBox | null} the box around them
 */
export function bboxOfFeatures(features) {
  return unionBBox(features.map((f) => geometryBBox(f.geometry)).filter(Boolean));
}

/**
 * viewStatus shows a message in a view's status line.
 * @param {HTMLElement} node
 * @param {string} message
 * @param {boolean} [isError]
 */
export function viewStatus(node, message, isError = false) {
  node.textContent = message || '';
  node.classList.toggle('error', !!isError);
}

/** @typedef {{value: string, label: string, disabled?: boolean, title?: string}} Option */
/** @typedef {Option | {group: string, options: Option[]}} OptionOrGroup */

/**
 * fillSelect replaces a select's options (and groups), then picks value.
 * @param {HTMLSelectElement} select
 * @param {OptionOrGroup[]} options
 * @param {string} [value]
 */
export function fillSelect(select, options, value) {
  select.replaceChildren(...options.map((o) => {
    if ('group' in o) {
      return el('optgroup', { label: o.group }, ...o.options.map((x) => el('option', { value: x.value, text: x.label })));
    }
    return el('option', { value: o.value, text: o.label, disabled: o.disabled });
  }));
  if (value !== undefined) select.value = value;
}

/**
 * setOptions are the boundary sets as options.
 * @param {string} [exclude] marked "(same as A)"
 * @returns {Option[]}
 */
export function setOptions(exclude) {
  return state.sets.map((s) => ({ value: s.slug, label: (s.title || s.slug) + (s.slug === exclude ? ' (same as A)' : '') }));
}

/**
 * radioGroup is a segmented control of radio buttons.
 * @param {string} name
 * @param {Option[]} options
 * @param {string} value the one checked
 * @param {(value: string) => void} onChange
 */
export function radioGroup(name, options, value, onChange) {
  const group = el('div', { className: 'segmented', role: 'radiogroup' });
  for (const o of options) {
    const input = el('input', { type: 'radio', name, value: o.value, id: `${name}-${o.value}`, disabled: o.disabled });
    input.checked = o.value === value;
    input.addEventListener('change', () => { if (input.checked) onChange(o.value); });
    group.append(el('label', { for: `${name}-${o.value}`, title: o.title, className: o.disabled ? 'disabled' : '' }, input, el('span', { text: o.label })));
  }
  return group;
}

/**
 * setRadio checks value in a radioGroup and disables disabledValues.
 * @param {string} name
 * @param {string} value
 * @param {readonly string[]} [disabledValues]
 */
export function setRadio(name, value, disabledValues = []) {
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll(`input[name="${name}"]`))) {
    input.checked = input.value === value;
    input.disabled = disabledValues.includes(input.value);
    /** @type {HTMLElement} */ (input.parentElement).classList.toggle('disabled', input.disabled);
  }
}

/**
 * statBox is a big number with its label (and a note) for a summary.
 * @param {string} label
 * @param {string} value
 * @param {string} [note]
 * @param {string} [term] the technical term, shown as a tooltip
 */
export function statBox(label, value, note, term) {
  return el('div', { className: 'stat', title: term },
    el('span', { className: 'stat-value', text: value }),
    el('span', { className: 'stat-label', text: label }),
    note ? el('span', { className: 'stat-note', text: note }) : null);
}

// ---------------------------------------------------------------- the legend over the map

/** @type {boolean | null} */
let legendOpen = null;

/** setupMapLegend adds the legend box over the map (after MapLibre took the container). */
export function setupMapLegend() {
  map().getContainer().append(el('div', { id: 'map-legend', className: 'map-legend', role: 'region', 'aria-label': 'Map legend', hidden: true }));
}

/**
 * mapLegend replaces the small floating legend over the map; with no nodes
 * it hides it. The first node (an h3) is its title; the legend folds to it,
 * and starts folded on narrow screens.
 * @param {...HTMLElement} nodes
 */
export function mapLegend(...nodes) {
  const box = $('map-legend');
  if (!nodes.length) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  if (legendOpen === null) legendOpen = !window.matchMedia('(max-width: 720px)').matches;
  const [title, ...rest] = nodes;
  const details = el('details', { className: 'map-legend-fold', open: legendOpen },
    el('summary', { className: 'map-legend-title' }, title.textContent),
    ...rest);
  details.addEventListener('toggle', () => { legendOpen = details.open; });
  box.replaceChildren(details);
  box.hidden = false;
}

/**
 * legendRow is a colour swatch with its label (and a count).
 * @param {Record<string, string>} swatchStyle
 * @param {string} label
 * @param {string} [extra]
 * @param {Record<string, any>} [attrs]
 */
export function legendRow(swatchStyle, label, extra, attrs = {}) {
  return el('li', { className: 'legend-class', ...attrs },
    el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: swatchStyle }),
    el('span', { className: 'legend-label', text: label }),
    extra ? el('span', { className: 'legend-extra', text: extra }) : null);
}

/**
 * lineKey is a line (solid or dashed) with its label.
 * @param {string} color
 * @param {boolean} dashed
 * @param {string} label
 * @param {number} [width]
 */
export function lineKey(color, dashed, label, width = 2) {
  const style = { borderTop: `${width + 1}px ${dashed ? 'dashed' : 'solid'} ${color}` };
  return el('li', { className: 'legend-line' },
    el('span', { className: 'legend-linekey', 'aria-hidden': 'true', style }),
    el('span', { className: 'legend-label', text: label }));
}

/**
 * sortHead is a sortable table's column head: a button that sorts by the
 * column (again: the other way; a number column first largest first),
 * aria-sort saying the order, and the ▲/▼ mark. It changes t.sort and
 * calls redraw.
 * @template {string} K
 * @param {{sort: {key: K, dir: number}}} t
 * @param {K} key
 * @param {string} label
 * @param {boolean} isNum
 * @param {() => void} redraw
 * @param {string} [title] the button's title, if any
 * @returns {HTMLElement}
 */
export function sortHead(t, key, label, isNum, redraw, title) {
  const active = t.sort.key === key;
  return el('th', {
    scope: 'col', className: isNum ? 'num' : '',
    'aria-sort': active ? (t.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
    dataset: { key },
  }, el('button', {
    type: 'button', className: 'sort-button', ...(title ? { title } : {}),
    onclick: () => {
      if (t.sort.key === key) t.sort.dir = -t.sort.dir;
      else t.sort = { key, dir: isNum ? -1 : 1 }; // numbers: largest first
      redraw();
    },
  }, label, el('span', { className: 'sort-mark', 'aria-hidden': 'true', text: active ? (t.sort.dir > 0 ? '▲' : '▼') : '' })));
}
