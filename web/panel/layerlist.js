// @ts-check
// The panel's layer list (a checkbox for the assets and for each boundary
// set), its legend of categories and statuses, and "About the data" with
// each source's credit and downloads.

import { $, el, str, numberFormat } from '../util.js';
import { humanName, statusTitle, STATUS_TITLES } from '../format.js';
import { CATEGORY_COLORS, OTHER_COLOR } from '../palette.js';
import { state, categoryTitle } from '../store.js';
import { setSetVisibility, setAssetsVisibility } from '../map/layers.js';
import { linkOrText } from './panel.js';

/** renderSetList lists the boundary sets, each with its checkbox. */
export function renderSetList() {
  const list = $('layer-list');
  const assetsItem = /** @type {HTMLElement} */ (list.querySelector('.layer-item-assets'));
  for (const set of state.sets) {
    const id = `toggle-set-${state.sets.indexOf(set)}`;
    const checkbox = el('input', { type: 'checkbox', id, dataset: { set: set.slug } });
    checkbox.checked = !!state.visible.get(set.slug);
    checkbox.addEventListener('change', () => setSetVisibility(set.slug, checkbox.checked));
    const count = Number(set.area_count);
    const current = set.current === false ? state.sets.find((x) => x.series === set.series && x.current !== false) : null;
    const meta = [humanName(set.kind), Number.isFinite(count) ? `${numberFormat.format(count)} ${count === 1 ? 'area' : 'areas'}` : '',
      current ? `earlier release; current: ${current.title || current.slug}` : '']
      .filter(Boolean).join(' · ');
    const item = el('li', { className: 'layer-item' + (checkbox.checked ? '' : ' off'), dataset: { set: set.slug } },
      el('label', { className: 'layer-label', for: id },
        checkbox,
        el('span', { className: 'swatch', 'aria-hidden': 'true', style: { color: set.color, backgroundColor: set.color + '22' } }),
        el('span', { className: 'layer-text' },
          el('span', { className: 'layer-title', text: set.title || set.slug }),
          meta ? el('span', { className: 'layer-meta', text: meta }) : null)));
    list.append(item);
  }
  // Assets stay first (they are drawn on top), then the sets in drawing order.
  list.prepend(assetsItem);
  if (!state.sets.length) {
    list.append(el('li', { className: 'layer-item muted', text: 'No boundary sets have been loaded.' }));
  }
}

/** setupAssetsToggle makes the assets' checkbox show and hide them. */
export function setupAssetsToggle() {
  /** @type {HTMLInputElement} */
  const box = $('toggle-assets');
  box.addEventListener('change', () => setAssetsVisibility(box.checked));
}

/** renderLegend names the colour of each category and the mark of each status. */
export function renderLegend() {
  const cats = $('legend-categories');
  for (const id of Object.keys(CATEGORY_COLORS)) {
    cats.append(el('li', null, el('span', { className: 'dot', 'aria-hidden': 'true', style: { backgroundColor: CATEGORY_COLORS[id] } }), categoryTitle(id)));
  }
  cats.append(el('li', null, el('span', { className: 'dot', 'aria-hidden': 'true', style: { backgroundColor: OTHER_COLOR } }), 'Other'));
  const stats = $('legend-statuses');
  for (const id of Object.keys(STATUS_TITLES)) {
    stats.append(el('li', null,
      el('span', { className: `dot status-${id}`, 'aria-hidden': 'true', style: { backgroundColor: '#64748b' } }),
      statusTitle(id)));
  }
}

// downloads links an export in every format, each file carrying the
// sources' attribution and licence.
const DOWNLOAD_FORMATS = [['geojson', 'GeoJSON'], ['csv', 'CSV'], ['gpkg', 'GeoPackage'], ['kml', 'KML']];

/**
 * @param {string} path under api/export/
 * @param {string} file the downloaded file's name, without extension
 * @param {string} label what it is, for screen readers
 */
function downloads(path, file, label) {
  return el('p', { className: 'downloads' },
    el('span', { text: 'Download: ' }),
    ...DOWNLOAD_FORMATS.flatMap(([ext, name], i) => [
      i ? ' · ' : '',
      el('a', { href: `api/export/${path}.${ext}`, download: `${file}.${ext}`, 'aria-label': `${label} as ${name}`, text: name }),
    ]));
}

/** renderAbout lists the assets' and each set's source, credit and downloads. */
export function renderAbout() {
  const list = $('about-sets');
  list.replaceChildren();
  const ai = state.assetsInfo;
  if (ai.count !== null || ai.attributions.length || ai.licences.length) {
    const fields = el('dl', { className: 'fields' });
    if (ai.count !== null) fields.append(el('dt', { text: 'Records' }), el('dd', { text: numberFormat.format(ai.count) }));
    if (ai.licences.length) fields.append(el('dt', { text: 'Licences' }), el('dd', { text: ai.licences.join('\n') }));
    if (ai.attributions.length) fields.append(el('dt', { text: 'Attribution' }), el('dd', { text: ai.attributions.join('\n') }));
    list.append(el('li', null, el('span', { className: 'about-title', text: 'Assets' }), fields,
      downloads('assets', 'assets', 'Assets'),
      downloads('memberships', 'memberships', 'Memberships (the area of every set each asset lies in)')));
  }
  for (const set of state.sets) {
    const fields = el('dl', { className: 'fields' });
    /**
     * @param {string} label
     * @param {Node | string} value
     */
    const add = (label, value) => {
      if (!value) return;
      fields.append(el('dt', { text: label }), el('dd', null, value));
    };
    add('Kind', humanName(set.kind));
    add('Publisher', str(set.publisher));
    add('Released', str(set.release_date));
    add('Licence', str(set.licence));
    add('Attribution', str(set.attribution));
    add('Source', linkOrText(str(set.source)));
    list.append(el('li', null,
      el('span', { className: 'about-title', text: set.title || set.slug }),
      str(set.description) ? el('p', { className: 'about-description', text: str(set.description) }) : null,
      fields,
      downloads(`sets/${encodeURIComponent(set.slug)}`, set.slug, set.title || set.slug)));
  }
}
