// @ts-check
// Setting up the views other than the Map view: each registers with the
// router, takes the map's clicks while shown, and makes the pointer a hand
// over what a click would pick.

import { state, map } from '../store.js';
import { registerView, startRouting } from '../router.js';
import { routeMap, setupMapLink } from '../map/link.js';
import { mapLegend, setupMapLegend } from './common.js';
import { compareView, compareClick, cmp, LAYERS as COMPARE } from './compare.js';
import { placesView, placesClick, pl, LAYERS as PLACES } from './places.js';
import { dr, DRAWINGS_LAYERS } from './drawings.js';
import { choroplethView, choroplethClick, ch, LAYERS as CHOROPLETH } from './choropleth.js';
import { changesView, changesClick, chg, LAYERS as CHANGES } from './changes.js';
import { proposalsView, proposalsClick, pr, colourOf, LAYERS as PROPOSALS } from './proposals.js';
import { setupProposalForm } from './proposalform.js';
import { setupProposalEdit, renderedNeighbours } from './proposaledit.js';
import { accessView, accessClick, ac } from './access.js';
import { sc } from './accessscenario.js';
import { ACCESS_LAYERS, accessMap } from './accessmap.js';

/** @typedef {import('maplibre-gl').MapMouseEvent} MapMouseEvent */

/** @type {Record<string, {layer: string | (() => string), click: (ev: MapMouseEvent) => void}>} */
const CLICKABLE = {
  compare: { layer: COMPARE.aFill, click: compareClick },
  // The residents' drawings, when shown, take the agreement's place.
  places: { layer: () => (dr.shown ? DRAWINGS_LAYERS.fill : PLACES.fill), click: placesClick },
  choropleth: { layer: CHOROPLETH.fill, click: choroplethClick },
  changes: { layer: CHANGES.fill, click: changesClick },
  proposals: { layer: PROPOSALS.fill, click: proposalsClick },
  access: { layer: ACCESS_LAYERS.areaFill, click: accessClick },
};

function hoverCursor() {
  const m = map();
  let pending = false;
  /** @type {import('maplibre-gl').Point | null} */
  let last = null;
  m.on('mousemove', (ev) => {
    if (state.view === 'map') return;
    last = ev.point;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const c = CLICKABLE[state.view];
      const id = c && (typeof c.layer === 'function' ? c.layer() : c.layer);
      if (!last || !id || !m.getLayer(id)) return;
      m.getCanvas().style.cursor = m.queryRenderedFeatures(last, { layers: [id] }).length ? 'pointer' : '';
    });
  });
}

/**
 * setupViews registers the views, starts following the location hash and
 * answers the views' state and layer ids, for window.placemap.
 */
export function setupViews() {
  setupMapLegend();
  registerView('map', { enter: () => mapLegend(), route: routeMap });
  setupMapLink();
  registerView('compare', compareView);
  registerView('places', placesView);
  registerView('choropleth', choroplethView);
  registerView('changes', changesView);
  registerView('proposals', proposalsView);
  registerView('access', accessView);
  setupProposalForm();
  setupProposalEdit();
  map().on('click', (ev) => {
    const c = CLICKABLE[state.view];
    if (c) c.click(ev);
  });
  hoverCursor();
  startRouting();
  return {
    views: { compare: cmp, places: pl, drawings: dr, choropleth: ch, changes: chg, proposals: { state: pr, colourOf, neighbours: renderedNeighbours }, access: { state: ac, scenario: sc, map: accessMap } },
    layerIds: {
      compare: COMPARE,
      places: { fill: PLACES.fill, line: PLACES.line, source: PLACES.source, defs: () => pl.defLayers.slice() },
      drawings: DRAWINGS_LAYERS,
      choropleth: CHOROPLETH,
      changes: CHANGES,
      proposals: PROPOSALS,
      access: ACCESS_LAYERS,
    },
  };
}
