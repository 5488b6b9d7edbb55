// @ts-check
// The router: each view keeps its state in the location hash, so a view
// can be shared as a link:
//   #map[?at=ZOOM/LAT/LON&sets=A,B&assets=off&asset=ID|area=SET/CODE]   (maplink.js)
//   #compare/A/B[?weight=population][&area=CODE]
//   #places  and  #place/SLUG
//   #choropleth/SET/INDICATOR[?from=SET&weight=area|population][&per=10000]
//   #changes/OLD/NEW[?area=CODE]   what changed between two releases of a series
//   #proposals  and  #proposal/SLUG   shared sets proposed from building blocks
//   #access[/RUN][?scenario=RUN&set=SET]   walking access to the nearest asset
//   #my-drawing/ID?key=KEY   a resident's own drawing, opened by its private
//                            link (the Map view with the drawing in the panel)
// parseHash and hashFor turn one into the other; route shows the view the
// hash names and hands it the rest. The views register themselves with
// registerView (app.js does it at start-up).

import { $, str } from './util.js';
import { state, map, setView } from './store.js';
import { setMapViewLayers } from './map/layers.js';
import { parseMapQuery, mapHashFor } from './maplink.js';

/** @typedef {import('./store.js').ViewName} ViewName */
/**
 * The Map view's route: its address (maplink.js), or a resident's own
 * drawing opened by its private link (drawing, key).
 * @typedef {{view: 'map', drawing?: string, key?: string} & import('./maplink.js').MapLink} MapRoute
 */
/** @typedef {{view: 'compare', a: string, b: string, weight: string, area: string}} CompareRoute */
/** @typedef {{view: 'places', place: string}} PlacesRoute */
/** @typedef {{view: 'choropleth', set: string, indicator: string, from: string, weight: string, per?: string}} ChoroplethRoute */
/** @typedef {{view: 'changes', old: string, new: string, area: string}} ChangesRoute */
/** @typedef {{view: 'proposals', proposal: string}} ProposalsRoute */
/** @typedef {{view: 'access', run: string, scenario: string, set: string}} AccessRoute */
/** @typedef {MapRoute | CompareRoute | PlacesRoute | ChoroplethRoute | ChangesRoute | ProposalsRoute | AccessRoute} Route */

/**
 * A view: enter when it is shown, leave when another is, route with the
 * state from the hash (every time the hash changes while it is shown).
 * @typedef {object} View
 * @property {() => void} [enter]
 * @property {() => void} [leave]
 * @property {(r: any) => Promise<void>} [route]
 */

export const VIEW_NAMES = /** @type {const} */ (['map', 'compare', 'places', 'choropleth', 'changes', 'proposals', 'access']);

/**
 * parseHash reads a location hash into a route; anything it does not know
 * is the Map view. Missing parts are ''; weight defaults to area.
 * @param {string} hash
 * @returns {Route}
 */
export function parseHash(hash) {
  const h = str(hash).replace(/^#/, '');
  const qi = h.indexOf('?');
  const path = qi < 0 ? h : h.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : h.slice(qi + 1));
  const parts = path.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  switch (parts[0]) {
    case 'compare':
      return { view: 'compare', a: parts[1] || '', b: parts[2] || '', weight: params.get('weight') || 'area', area: params.get('area') || '' };
    case 'place':
    case 'places':
      return { view: 'places', place: parts[1] || '' };
    case 'choropleth':
      return {
        view: 'choropleth', set: parts[1] || '', indicator: parts[2] || '',
        from: params.get('from') || '', weight: params.get('weight') || 'area',
        ...(params.get('per') === '10000' ? { per: '10000' } : {}),
      };
    case 'changes':
      return { view: 'changes', old: parts[1] || '', new: parts[2] || '', area: params.get('area') || '' };
    case 'proposal':
    case 'proposals':
      return { view: 'proposals', proposal: parts[1] || '' };
    case 'access':
      return { view: 'access', run: parts[1] || '', scenario: params.get('scenario') || '', set: params.get('set') || '' };
    case 'my-drawing':
      return { view: 'map', drawing: parts[1] || '', key: params.get('key') || '' };
    case 'map':
      return qi < 0 ? { view: 'map' } : { view: 'map', ...parseMapQuery(h.slice(qi + 1)) };
    default:
      return { view: 'map' };
  }
}

/**
 * hashFor writes a route as a location hash, leaving out defaults (area
 * weighting, no selection).
 * @param {Partial<Route> & {view: ViewName}} r
 * @returns {string}
 */
export function hashFor(r) {
  const e = encodeURIComponent;
  /** @param {Record<string, string | undefined>} obj */
  const q = (obj) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  /** @type {any} */
  const x = r;
  switch (r.view) {
    case 'compare':
      return `#compare/${e(x.a)}/${e(x.b)}${q({ weight: x.weight === 'population' ? 'population' : '', area: x.area })}`;
    case 'places':
      return x.place ? `#place/${e(x.place)}` : '#places';
    case 'choropleth':
      return `#choropleth/${e(x.set)}/${e(x.indicator)}${q({ from: x.from, weight: x.from && x.weight === 'population' ? 'population' : '', per: x.per === '10000' ? '10000' : '' })}`;
    case 'changes':
      return x.old && x.new ? `#changes/${e(x.old)}/${e(x.new)}${q({ area: x.area })}` : '#changes';
    case 'proposals':
      return x.proposal ? `#proposal/${e(x.proposal)}` : '#proposals';
    case 'access':
      return `#access${x.run ? `/${e(x.run)}` : ''}${x.run ? q({ scenario: x.scenario, set: x.set }) : ''}`;
    default:
      return x.drawing ? `#my-drawing/${e(x.drawing)}${q({ key: x.key })}` : mapHashFor(x);
  }
}

/** @type {Partial<Record<ViewName, View>>} */
const views = {};
/** The hash each view was last shown with, for its tab. */
const lastHash = /** @type {Record<ViewName, string>} */ ({
  map: '#map', compare: '#compare', places: '#places', choropleth: '#choropleth', changes: '#changes', proposals: '#proposals', access: '#access',
});

/**
 * registerView names the view that shows a kind of route.
 * @param {ViewName} name
 * @param {View} view
 */
export function registerView(name, view) {
  views[name] = view;
}

/**
 * navigate moves to a view state; replace keeps the browser history clean
 * for corrections (defaults filled in, selection changes).
 * @param {Partial<Route> & {view: ViewName}} r
 * @param {{replace?: boolean}} [options]
 */
export function navigate(r, { replace = false } = {}) {
  const h = hashFor(r);
  if (location.hash === h || (!location.hash && h === '#map')) return;
  if (replace) {
    history.replaceState(null, '', h);
    route();
  } else {
    location.hash = h;
  }
}

/** Set while a drawing's private link opens: the address keeps it. */
let mapHashHeld = false;

/**
 * holdMapHash keeps a drawing's private link in the address (on) while it
 * opens, through the selection it closes; off lets the next change of the
 * map's selection replace it.
 * @param {boolean} on
 */
export function holdMapHash(on) {
  mapHashHeld = on;
}

/**
 * writeMapHash puts the Map view's state in the address without routing
 * (the map already shows it): push makes a step back/forward returns to,
 * else the entry is replaced (the map moved), except a drawing's private
 * link, which only a new step replaces.
 * @param {string} hash
 * @param {boolean} push
 */
export function writeMapHash(hash, push) {
  const now = parseHash(location.hash);
  if (state.view !== 'map' || now.view !== 'map' || location.hash === hash) return;
  // A drawing's private link stays in the address while the map moves.
  if (now.drawing && (!push || mapHashHeld)) return;
  if (push) history.pushState(null, '', hash);
  else history.replaceState(null, '', hash);
  lastHash.map = hash;
  updateTabs();
}

/** route shows the view the location hash names and hands it the route. */
export function route() {
  const r = parseHash(location.hash);
  showView(r.view);
  lastHash[r.view] = location.hash || '#map';
  updateTabs();
  const v = views[r.view];
  if (v && v.route) {
    v.route(r).catch((err) => {
      // Errors are shown in the view; keep the console quiet for expected ones.
      console.warn('placemap: view failed:', err);
    });
  }
}

function updateTabs() {
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#view-tabs a[data-view]'))) {
    const v = /** @type {ViewName} */ (a.dataset.view);
    if (v === state.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    a.setAttribute('href', lastHash[v] || `#${v}`);
  }
  // On a phone the tabs scroll sideways: the current one is brought into view.
  const nav = document.getElementById('view-tabs');
  const cur = nav && nav.querySelector('a[aria-current="page"]');
  if (nav && cur && nav.scrollWidth > nav.clientWidth) {
    const n = nav.getBoundingClientRect(), c = cur.getBoundingClientRect();
    if (c.left < n.left) nav.scrollLeft -= n.left - c.left;
    else if (c.right > n.right) nav.scrollLeft += c.right - n.right;
  }
}

/**
 * showView hides the other views' panel sections and layers and shows
 * this one's. The Map view's assets stay on the map under Places.
 * @param {ViewName} view
 */
function showView(view) {
  if (view === state.view) return;
  const prev = views[state.view];
  if (prev && prev.leave) prev.leave();
  setView(view);
  for (const node of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.view[data-view]'))) node.hidden = node.dataset.view !== view;
  const layout = /** @type {HTMLElement} */ (document.querySelector('.layout'));
  for (const v of VIEW_NAMES) layout.classList.toggle(`view-${v}`, v === view);
  setMapViewLayers({ sets: view === 'map', assets: view === 'map' || view === 'places' });
  const next = views[view];
  if (next && next.enter) next.enter();
  const m = map();
  m.getCanvas().style.cursor = '';
  // The panel may have changed width.
  m.resize();
  requestAnimationFrame(() => m.resize());
  $('panel').scrollTop = 0;
}

/** startRouting shows the view of the hash now and follows it from here. */
export function startRouting() {
  window.addEventListener('hashchange', route);
  route();
}
