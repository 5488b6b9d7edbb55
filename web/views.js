// placemap reconcile views: Compare (two boundary sets through their
// crosswalk), Places (the definitions of one place and where they agree) and
// Choropleth (an indicator on a set, possibly moved from another set).
//
// Each view is reached from the tabs at the top of the panel and keeps its
// state in the location hash so that a view can be shared as a link:
//   #map
//   #compare/A/B[?weight=population][&area=CODE]
//   #places  and  #place/SLUG
//   #choropleth/SET/INDICATOR[?from=SET&weight=area|population]
//   #changes/OLD/NEW[?area=CODE]   what changed between two releases of a series
//
// API used (same origin, relative URLs):
//   GET api/crosswalks/{a}/{b}[?weight=]          crosswalk pairs, best fit, summary
//   GET api/crosswalks/{a}/{b}?format=csv|lookup|geojson   downloads
//   GET api/export/crosswalks/{a}/{b}.gpkg|.kml            downloads
//   GET api/places, api/places/{slug}, api/places/{slug}/agreement
//   GET api/sets/{slug}/indicators, api/sets/{slug}/indicators/{name}[?from=&weight=]
//   GET api/series, api/sets/{old}/changes?to={new}[&format=csv&table=areas|assets]
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str, numberFormat, fetchJSON, unionBBox, geometryBBox } from './util.js';

// ---------------------------------------------------------------- constants

const NONE = '\u0000none';

// Best-fit share of an A area inside one B area: YlOrRd, low share = red.
const SHARE_BINS = [
  { min: 0.95, color: '#ffffb2', label: '95% or more' },
  { min: 0.8, color: '#fed976', label: '80–95%' },
  { min: 0.6, color: '#feb24c', label: '60–80%' },
  { min: 0.4, color: '#fd8d3c', label: '40–60%' },
  { min: 0.2, color: '#f03b20', label: '20–40%' },
  { min: -Infinity, color: '#bd0026', label: 'under 20%' },
];
const NO_COUNTERPART = '#9ca3af';
const NO_DATA = '#d1d5db';
const A_LINE = '#1f2933';
const B_LINE = '#1d4ed8';

const CLASS_INFO = {
  equivalent: { label: 'Equivalent', color: '#15803d', help: 'the two areas are practically the same' },
  a_within_b: { label: 'A within B', color: '#0e7490', help: 'the A area lies inside the B area' },
  b_within_a: { label: 'B within A', color: '#6d28d9', help: 'the B area lies inside the A area' },
  partial: { label: 'Partial', color: '#b45309', help: 'the areas only partly overlap' },
};
const CLASS_ORDER = ['equivalent', 'a_within_b', 'b_within_a', 'partial'];

// Agreement surface: Purples, darkest where every definition agrees.
const AGREE_RAMP = ['#dcdaec', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'];
const PART_INFO = {
  core: { label: 'Core', help: 'inside every definition' },
  contested: { label: 'Contested', help: 'inside some definitions' },
  fringe: { label: 'Fringe', help: 'inside only one definition' },
};
const DEF_DASHES = [[1, 0], [3, 2], [1, 1.5], [4, 1.5, 1, 1.5], [6, 3], [2, 2, 0.5, 2]];

// Choropleth: YlGnBu, 5 quantile classes.
const CHORO_RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
const CHORO_CLASSES = 5;

const TABLE_ROWS = 300; // rows drawn before "show all"

const LAYERS = {
  compare: {
    aFill: 'cmp-a-fill',
    bHlFill: 'cmp-b-hl-fill',
    aLine: 'cmp-a-line',
    bLine: 'cmp-b-line',
    bHlLine: 'cmp-b-hl-line',
    aSel: 'cmp-a-sel',
  },
  places: {
    source: 'place-agreement',
    fill: 'place-agreement-fill',
    line: 'place-agreement-line',
    def: (i) => `place-def-${i}`,
  },
  choropleth: {
    fill: 'choro-fill',
    line: 'choro-line',
    sel: 'choro-sel',
  },
  changes: {
    fill: 'chg-old-fill',
    line: 'chg-old-line',
    newLine: 'chg-new-line',
    succFill: 'chg-succ-fill',
    sel: 'chg-sel',
  },
};

// What became of an area from one release to the next.
const CHANGE_INFO = {
  unchanged: { label: 'Unchanged', color: '#d1d5db', help: 'the same ground, code and name' },
  renamed: { label: 'Renamed', color: '#67e8f9', help: 'the same ground under another code or name' },
  redrawn: { label: 'Redrawn', color: '#fbbf24', help: 'one main successor; its lines moved' },
  split: { label: 'Split', color: '#f87171', help: 'its ground went in large parts to two or more areas' },
  merged: { label: 'Merged', color: '#a78bfa', help: 'its successor also took large parts of other areas' },
  retired: { label: 'Retired', color: '#4b5563', help: 'none of its ground is in the new release' },
  new: { label: 'New', color: '#86efac', help: 'an area of the new release with no predecessor' },
};
const CHANGE_ORDER = ['unchanged', 'renamed', 'redrawn', 'split', 'merged', 'retired', 'new'];

const pctFormat = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });

function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function pct(v) {
  const n = num(v);
  return n === null ? '–' : pctFormat.format(n);
}

function km2(m2) {
  const n = num(m2);
  if (n === null) return '–';
  const k = n / 1e6;
  if (k > 0 && k < 0.01) return '< 0.01';
  return new Intl.NumberFormat('en-GB', { maximumFractionDigits: k < 10 ? 2 : 1 }).format(k);
}

function fmtValue(v, digits) {
  const n = num(v);
  if (n === null) return 'no data';
  const a = Math.abs(n);
  const d = digits !== undefined ? digits : (a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits !== undefined ? d : 0, maximumFractionDigits: d }).format(n);
}

function humanName(s) {
  return str(s).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

const codeOf = ['to-string', ['get', 'code']];

// matchByCode builds ['match', code, [codes...], colour, ..., fallback] from
// a Map colour -> codes, leaving out empty groups (match needs at least one).
function matchByCode(groups, fallback) {
  const expr = ['match', codeOf];
  const seen = new Set();
  for (const [color, codes] of groups) {
    const list = [...new Set(codes.map(String))].filter((c) => !seen.has(c));
    list.forEach((c) => seen.add(c));
    if (list.length) expr.push(list, color);
  }
  if (expr.length === 2) return fallback;
  expr.push(fallback);
  return expr;
}

function codeFilter(codes) {
  const list = [...new Set(codes.map(String))];
  return ['in', codeOf, ['literal', list.length ? list : [NONE]]];
}

// ---------------------------------------------------------------- shared state

let ctx = null; // from app.js: map, state, placemap, setMapViewLayers, sourceId, beforeLayer, ...
let map = null;
let currentView = 'map';
const lastHash = { map: '#map', compare: '#compare', places: '#places', choropleth: '#choropleth', changes: '#changes' };
let knownPopulationSets = null; // from the last crosswalk answer

function sets() {
  return ctx.state.sets;
}

function setTitle(slug) {
  const s = ctx.state.setsBySlug.get(slug);
  return (s && (s.title || s.slug)) || slug;
}

function setColor(slug) {
  const s = ctx.state.setsBySlug.get(slug);
  return s ? s.color : '#475569';
}

function hasSet(slug) {
  return ctx.state.setsBySlug.has(slug);
}

function addLayer(layer) {
  const before = ctx.beforeLayer && map.getLayer(ctx.beforeLayer) ? ctx.beforeLayer : undefined;
  map.addLayer(layer, before);
}

function removeLayers(ids) {
  for (const id of ids) if (map.getLayer(id)) map.removeLayer(id);
}

function setLayersVisible(ids, on) {
  for (const id of ids) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }
}

// fitBBox fits the map to b, leaving room for the floating legend when the
// map is wide enough to spare it.
function fitBBox(b, { padding = 30, maxZoom = 15 } = {}) {
  if (!b) return;
  const legend = $('map-legend');
  const w = map.getContainer().clientWidth;
  const pad = { top: padding, bottom: padding, left: padding, right: padding };
  if (legend && !legend.hidden && w > 560) pad.left = Math.min(legend.offsetWidth + padding, w / 2.5);
  map.fitBounds(b, { padding: pad, maxZoom, duration: 0 });
}

function viewStatus(node, message, isError = false) {
  node.textContent = message || '';
  node.classList.toggle('error', !!isError);
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map((o) => {
    if (o.group) {
      return el('optgroup', { label: o.group }, ...o.options.map((x) => el('option', { value: x.value, text: x.label })));
    }
    return el('option', { value: o.value, text: o.label, disabled: o.disabled });
  }));
  if (value !== undefined) select.value = value;
}

function setOptions(exclude) {
  return sets().map((s) => ({ value: s.slug, label: (s.title || s.slug) + (s.slug === exclude ? ' (same as A)' : '') }));
}

// A small floating legend over the map, replaced by each view.
// The first node (an h3) is its title; the legend folds to it, and starts
// folded on narrow screens.
let legendOpen = null;
function mapLegend(...nodes) {
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

function legendRow(swatchStyle, label, extra, attrs = {}) {
  return el('li', { className: 'legend-class', ...attrs },
    el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: swatchStyle }),
    el('span', { className: 'legend-label', text: label }),
    extra ? el('span', { className: 'legend-extra', text: extra }) : null);
}

// dashKey draws a MapLibre line-dasharray (in line widths) as a CSS gradient.
function dashKey(color, dash, width) {
  const w = width || 2;
  if (!dash || dash.length < 2 || !dash[1]) return { background: color, height: `${w + 1}px` };
  const stops = [];
  let at = 0;
  dash.forEach((len, i) => {
    const next = at + len * w * 1.2;
    stops.push(`${i % 2 ? 'transparent' : color} ${at}px ${next}px`);
    at = next;
  });
  return { background: `repeating-linear-gradient(90deg, ${stops.join(', ')})`, height: `${w + 1}px` };
}

function lineKey(color, dashed, label, width = 2) {
  const style = { borderTop: `${width + 1}px ${dashed ? 'dashed' : 'solid'} ${color}` };
  return el('li', { className: 'legend-line' },
    el('span', { className: 'legend-linekey', 'aria-hidden': 'true', style }),
    el('span', { className: 'legend-label', text: label }));
}

function radioGroup(name, options, value, onChange) {
  const group = el('div', { className: 'segmented', role: 'radiogroup' });
  for (const o of options) {
    const input = el('input', { type: 'radio', name, value: o.value, id: `${name}-${o.value}`, disabled: o.disabled });
    input.checked = o.value === value;
    input.addEventListener('change', () => { if (input.checked) onChange(o.value); });
    group.append(el('label', { for: `${name}-${o.value}`, title: o.title, className: o.disabled ? 'disabled' : '' }, input, el('span', { text: o.label })));
  }
  return group;
}

function setRadio(name, value, disabledValues = []) {
  for (const input of document.querySelectorAll(`input[name="${name}"]`)) {
    input.checked = input.value === value;
    input.disabled = disabledValues.includes(input.value);
    input.parentElement.classList.toggle('disabled', input.disabled);
  }
}

function bboxOfFeatures(features) {
  return unionBBox(features.map((f) => geometryBBox(f.geometry)).filter(Boolean));
}

// ---------------------------------------------------------------- routing

function parseHash(hash) {
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
      };
    case 'changes':
      return { view: 'changes', old: parts[1] || '', new: parts[2] || '', area: params.get('area') || '' };
    default:
      return { view: 'map' };
  }
}

function hashFor(r) {
  const e = encodeURIComponent;
  const q = (obj) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `?${s}` : '';
  };
  switch (r.view) {
    case 'compare':
      return `#compare/${e(r.a)}/${e(r.b)}${q({ weight: r.weight === 'population' ? 'population' : '', area: r.area })}`;
    case 'places':
      return r.place ? `#place/${e(r.place)}` : '#places';
    case 'choropleth':
      return `#choropleth/${e(r.set)}/${e(r.indicator)}${q({ from: r.from, weight: r.from && r.weight === 'population' ? 'population' : '' })}`;
    case 'changes':
      return r.old && r.new ? `#changes/${e(r.old)}/${e(r.new)}${q({ area: r.area })}` : '#changes';
    default:
      return '#map';
  }
}

// navigate moves to a view state; replace keeps the browser history clean
// for corrections (defaults filled in, selection changes).
function navigate(r, { replace = false } = {}) {
  const h = hashFor(r);
  if (location.hash === h || (!location.hash && h === '#map')) return;
  if (replace) {
    history.replaceState(null, '', h);
    route();
  } else {
    location.hash = h;
  }
}

const VIEWS = {};

function route() {
  const r = parseHash(location.hash);
  showView(r.view);
  lastHash[r.view] = location.hash || '#map';
  updateTabs();
  const v = VIEWS[r.view];
  if (v && v.route) {
    v.route(r).catch((err) => {
      // Errors are shown in the view; keep the console quiet for expected ones.
      console.warn('placemap: view failed:', err);
    });
  }
}

function updateTabs() {
  for (const a of document.querySelectorAll('#view-tabs a[data-view]')) {
    const v = a.dataset.view;
    if (v === currentView) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    a.setAttribute('href', lastHash[v] || `#${v}`);
  }
}

function showView(view) {
  if (view === currentView && ctx.placemap.view === view) return;
  const prev = currentView;
  if (VIEWS[prev] && VIEWS[prev].leave) VIEWS[prev].leave();
  currentView = view;
  ctx.placemap.view = view;
  for (const node of document.querySelectorAll('.view[data-view]')) node.hidden = node.dataset.view !== view;
  const layout = document.querySelector('.layout');
  for (const v of ['map', 'compare', 'places', 'choropleth', 'changes']) layout.classList.toggle(`view-${v}`, v === view);
  ctx.setMapViewLayers({ sets: view === 'map', assets: view === 'map' || view === 'places' });
  if (view === 'map') mapLegend();
  if (VIEWS[view] && VIEWS[view].enter) VIEWS[view].enter();
  map.getCanvas().style.cursor = '';
  // The panel may have changed width.
  map.resize();
  requestAnimationFrame(() => map.resize());
  $('panel').scrollTop = 0;
}

// ---------------------------------------------------------------- compare

const cmp = {
  a: '', b: '', weight: 'area',
  notice: '', // shown once the crosswalk has loaded (e.g. a set in the link was unknown)
  key: '', // a|b|weight of the data shown
  data: null,
  byA: new Map(), // a_code -> pairs
  best: new Map(), // a_code -> best_fit row
  selected: '',
  sort: { key: 'a', dir: 1 },
  showAll: false,
  seq: 0,
  layersFor: '', // a|b the layers are built for
  hasPop: false,
};

function compareLayerIds() {
  return Object.values(LAYERS.compare);
}

function buildCompareLayers(a, b) {
  const L = LAYERS.compare;
  removeLayers(compareLayerIds());
  const srcA = ctx.sourceId(a), srcB = ctx.sourceId(b);
  const none = ['==', codeOf, NONE];
  addLayer({
    id: L.aFill, type: 'fill', source: srcA, 'source-layer': a,
    paint: { 'fill-color': '#e5e7eb', 'fill-opacity': 0.6 },
  });
  addLayer({
    id: L.bHlFill, type: 'fill', source: srcB, 'source-layer': b, filter: none,
    paint: { 'fill-color': B_LINE, 'fill-opacity': 0.28 },
  });
  addLayer({
    id: L.aLine, type: 'line', source: srcA, 'source-layer': a,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': A_LINE, 'line-opacity': 0.85, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 14, 3] },
  });
  addLayer({
    id: L.bLine, type: 'line', source: srcB, 'source-layer': b,
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': B_LINE, 'line-opacity': 0.95,
      'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.1, 14, 2.2],
      'line-dasharray': [2, 1.5],
    },
  });
  addLayer({
    id: L.bHlLine, type: 'line', source: srcB, 'source-layer': b, filter: none,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#1e3a8a', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2.2, 14, 4] },
  });
  addLayer({
    id: L.aSel, type: 'line', source: srcA, 'source-layer': a, filter: none,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 5] },
  });
  cmp.layersFor = `${a}|${b}`;
}

function shareColor(share) {
  const n = num(share);
  if (n === null) return NO_COUNTERPART;
  return SHARE_BINS.find((bin) => n >= bin.min).color;
}

function paintCompare() {
  const groups = new Map(SHARE_BINS.map((bin) => [bin.color, []]));
  for (const [code, row] of cmp.best) groups.get(shareColor(row.share)).push(code);
  map.setPaintProperty(LAYERS.compare.aFill, 'fill-color', matchByCode(groups, NO_COUNTERPART));
}

function compareLegend() {
  const d = cmp.data;
  const aT = d ? str(d.a && d.a.title) || setTitle(cmp.a) : setTitle(cmp.a);
  const bT = d ? str(d.b && d.b.title) || setTitle(cmp.b) : setTitle(cmp.b);
  const counts = new Map(SHARE_BINS.map((bin) => [bin.color, 0]));
  let without = 0;
  for (const row of cmp.best.values()) {
    const c = shareColor(row.share);
    counts.set(c, (counts.get(c) || 0) + 1);
  }
  if (d && d.summary && Array.isArray(d.summary.a_without_counterpart)) without = d.summary.a_without_counterpart.length;
  const weightWord = cmp.weight === 'population' ? 'population' : 'area';
  mapLegend(
    el('h3', { className: 'map-legend-title', text: `Share of each A area's ${weightWord} in its best-fit B area` }),
    el('ul', { className: 'map-legend-list', id: 'cmp-legend' },
      ...SHARE_BINS.map((bin) => legendRow({ background: bin.color }, bin.label, d ? numberFormat.format(counts.get(bin.color)) : '')),
      legendRow({ background: NO_COUNTERPART }, 'no counterpart', d ? numberFormat.format(without) : '')),
    el('ul', { className: 'map-legend-list map-legend-keys' },
      lineKey(A_LINE, false, `A: ${aT}`),
      lineKey(B_LINE, true, `B: ${bT}`),
      el('li', { className: 'legend-line' },
        el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: 'rgba(29,78,216,0.35)', border: '2px solid #1e3a8a' } }),
        el('span', { className: 'legend-label', text: 'B counterparts of the selected A area' }))));
}

function compareUI() {
  const root = $('view-compare');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  const selA = $('cmp-a');
  const selB = $('cmp-b');
  fillSelect(selA, setOptions(), cmp.a);
  fillSelect(selB, setOptions(), cmp.b);
  selA.addEventListener('change', () => {
    let b = cmp.b;
    if (selA.value === b) b = cmp.a; // picking B's set as A swaps them
    navigate({ view: 'compare', a: selA.value, b, weight: cmp.weight });
  });
  selB.addEventListener('change', () => {
    let a = cmp.a;
    if (selB.value === a) a = cmp.b;
    navigate({ view: 'compare', a, b: selB.value, weight: cmp.weight });
  });
  $('cmp-swap').addEventListener('click', () => navigate({ view: 'compare', a: cmp.b, b: cmp.a, weight: cmp.weight }));
  $('cmp-weight').replaceChildren(radioGroup('cmp-weight', [
    { value: 'area', label: 'Area' },
    { value: 'population', label: 'Population', disabled: true, title: 'Needs a population indicator on a small-area set' },
  ], cmp.weight, (w) => navigate({ view: 'compare', a: cmp.a, b: cmp.b, weight: w, area: cmp.selected })));
  $('cmp-clear').addEventListener('click', () => selectCompareArea('', { updateHash: true }));
}

const compareView = {
  enter() {
    compareUI();
    setLayersVisible(compareLayerIds(), true);
    compareLegend();
  },
  leave() {
    setLayersVisible(compareLayerIds(), false);
  },
  async route(r) {
    const all = sets();
    if (all.length < 2) {
      viewStatus($('cmp-status'), 'Comparing needs at least two boundary sets.', true);
      return;
    }
    let a = hasSet(r.a) ? r.a : (hasSet(cmp.a) ? cmp.a : all[0].slug);
    let b = hasSet(r.b) ? r.b : (hasSet(cmp.b) && cmp.b !== a ? cmp.b : (all.find((s) => s.slug !== a) || all[0]).slug);
    if (a === b) b = (all.find((s) => s.slug !== a) || all[0]).slug;
    const weight = r.weight === 'population' ? 'population' : 'area';
    const want = { view: 'compare', a, b, weight, area: r.area };
    if (hashFor(want) !== location.hash) {
      if ((r.a && !hasSet(r.a)) || (r.b && !hasSet(r.b))) {
        cmp.notice = `There is no boundary set "${!hasSet(r.a) ? r.a : r.b}"; showing ${setTitle(a)} and ${setTitle(b)} instead.`;
      }
      navigate(want, { replace: true });
      return;
    }
    const setsChanged = cmp.a !== a || cmp.b !== b;
    cmp.a = a;
    cmp.b = b;
    cmp.weight = weight;
    $('cmp-a').value = a;
    $('cmp-b').value = b;
    setRadio('cmp-weight', weight, knownPopulationSets && knownPopulationSets.length ? [] : ['population']);
    if (cmp.layersFor !== `${a}|${b}`) {
      buildCompareLayers(a, b);
      cmp.best = new Map();
      if (currentView !== 'compare') setLayersVisible(compareLayerIds(), false);
    }
    if (setsChanged) {
      fitBBox(unionBBox([ctx.state.setsBySlug.get(a).bbox, ctx.state.setsBySlug.get(b).bbox]));
    }
    updateDownloads();
    const key = `${a}|${b}|${weight}`;
    if (cmp.key !== key) {
      await loadCrosswalk(a, b, weight, key);
    }
    if (cmp.key === key && r.area !== cmp.selected) selectCompareArea(r.area, { fit: !!r.area && setsChanged });
  },
};

function updateDownloads() {
  const base = `api/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}`;
  const w = cmp.weight === 'population' ? '&weight=population' : '';
  const name = `${cmp.a}--${cmp.b}`;
  const links = [
    { id: 'cmp-dl-csv', href: `${base}?format=csv${w}`, file: `crosswalk-${name}.csv` },
    { id: 'cmp-dl-lookup', href: `${base}?format=lookup${w}`, file: `best-fit-${name}.csv` },
    { id: 'cmp-dl-geojson', href: `${base}?format=geojson${w}`, file: `overlay-${name}.geojson` },
    { id: 'cmp-dl-gpkg', href: `api/export/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}.gpkg${w.replace('&', '?')}`, file: `overlay-${name}.gpkg` },
    { id: 'cmp-dl-kml', href: `api/export/crosswalks/${encodeURIComponent(cmp.a)}/${encodeURIComponent(cmp.b)}.kml${w.replace('&', '?')}`, file: `overlay-${name}.kml` },
  ];
  for (const l of links) {
    const a = $(l.id);
    a.setAttribute('href', l.href);
    a.setAttribute('download', l.file);
  }
}

let cmpAbort = null;

async function loadCrosswalk(a, b, weight, key) {
  const seq = ++cmp.seq;
  if (cmpAbort) cmpAbort.abort();
  cmpAbort = new AbortController();
  const { signal } = cmpAbort;
  const status = $('cmp-status');
  viewStatus(status, `Loading the crosswalk of ${setTitle(a)} and ${setTitle(b)}…`);
  $('cmp-results').classList.add('loading');
  let data;
  try {
    const w = weight === 'population' ? '?weight=population' : '';
    data = await fetchJSON(`api/crosswalks/${encodeURIComponent(a)}/${encodeURIComponent(b)}${w}`, { signal });
  } catch (err) {
    if (seq !== cmp.seq || err.name === 'AbortError') return;
    $('cmp-results').classList.remove('loading');
    viewStatus(status, `Could not load the crosswalk: ${err.message}`, true);
    cmp.key = '';
    return;
  }
  if (seq !== cmp.seq) return;
  $('cmp-results').classList.remove('loading');
  viewStatus(status, cmp.notice || '', !!cmp.notice);
  cmp.notice = '';
  cmp.key = key;
  cmp.data = data;
  cmp.selected = '';
  cmp.showAll = false;
  const pairs = Array.isArray(data.pairs) ? data.pairs : [];
  cmp.byA = new Map();
  for (const p of pairs) {
    const code = str(p.a_code);
    if (!cmp.byA.has(code)) cmp.byA.set(code, []);
    cmp.byA.get(code).push(p);
  }
  cmp.best = new Map((Array.isArray(data.best_fit) ? data.best_fit : []).map((r) => [str(r.a_code), r]));
  cmp.hasPop = pairs.some((p) => p.pop_share_a_in_b !== undefined || p.pop_share_b_in_a !== undefined);
  knownPopulationSets = Array.isArray(data.population_sets) ? data.population_sets : [];
  setRadio('cmp-weight', cmp.weight, knownPopulationSets.length ? [] : ['population']);
  const popLabel = document.querySelector('label[for="cmp-weight-population"]');
  if (popLabel) {
    popLabel.title = knownPopulationSets.length
      ? `Weight by residents (from ${knownPopulationSets.map(setTitle).join(', ')})`
      : 'No small-area set with a population indicator is loaded';
  }
  if (cmp.sort.key.startsWith('pop_') && !cmp.hasPop) cmp.sort = { key: 'a', dir: 1 };
  paintCompare();
  compareLegend();
  renderCompareSummary();
  renderCompareTable();
  renderCompareMethod();
  selectCompareArea('');
}

function statBox(label, value, note) {
  return el('div', { className: 'stat' },
    el('span', { className: 'stat-value', text: value }),
    el('span', { className: 'stat-label', text: label }),
    note ? el('span', { className: 'stat-note', text: note }) : null);
}

function classBadge(cls) {
  const info = CLASS_INFO[cls] || { label: humanName(cls), color: '#475569' };
  return el('span', { className: 'badge class-badge', style: { borderColor: info.color, color: info.color }, title: info.help || '', text: info.label });
}

function renderCompareSummary() {
  const d = cmp.data;
  const s = (d && d.summary) || {};
  const classes = s.classes || {};
  const box = $('cmp-summary');
  const total = CLASS_ORDER.reduce((n, c) => n + (Number(classes[c]) || 0), 0);
  const without = Array.isArray(s.a_without_counterpart) ? s.a_without_counterpart.map(str) : [];
  const bar = el('div', { className: 'class-bar', role: 'img', 'aria-label': CLASS_ORDER.map((c) => `${CLASS_INFO[c].label}: ${classes[c] || 0}`).join(', ') });
  for (const c of CLASS_ORDER) {
    const n = Number(classes[c]) || 0;
    if (!n || !total) continue;
    bar.append(el('span', { style: { flexGrow: String(n), background: CLASS_INFO[c].color }, title: `${CLASS_INFO[c].label}: ${n}` }));
  }
  const legend = el('ul', { className: 'class-legend' },
    ...CLASS_ORDER.map((c) => el('li', { dataset: { class: c } },
      el('span', { className: 'class-dot', 'aria-hidden': 'true', style: { background: CLASS_INFO[c].color } }),
      el('span', { className: 'class-name', text: CLASS_INFO[c].label }),
      el('span', { className: 'class-count', text: numberFormat.format(Number(classes[c]) || 0) }))));
  const nodes = [
    el('div', { className: 'stats' },
      statBox('overlapping pairs', numberFormat.format(Number(s.pairs) || 0), s.slivers_ignored ? `${numberFormat.format(s.slivers_ignored)} slivers ignored` : ''),
      statBox('median IoU', num(s.median_iou) === null ? '–' : s.median_iou.toFixed(2)),
      statBox('of A outside B', pct(s.share_of_a_outside_b)),
      statBox('A areas without counterpart', numberFormat.format(without.length))),
    bar,
    legend,
  ];
  if (without.length) {
    nodes.push(el('details', { className: 'without' },
      el('summary', { text: `A areas with no counterpart in B (${without.length})` }),
      el('p', { className: 'code-list', text: without.join(', ') })));
  }
  box.replaceChildren(...nodes);
}

function renderCompareMethod() {
  const m = (cmp.data && cmp.data.method) || {};
  const dl = el('dl', { className: 'fields' });
  const add = (k, v) => { if (v !== '' && v !== null && v !== undefined) dl.append(el('dt', { text: k }), el('dd', { text: String(v) })); };
  add('Areas', str(m.area));
  add('Slivers', num(m.sliver_threshold) !== null ? `pairs overlapping less than ${pct(m.sliver_threshold)} of both areas are ignored` : '');
  add('Equivalent', num(m.equivalent_iou) !== null ? `IoU (intersection over union) of ${m.equivalent_iou} or more` : '');
  add('Within', num(m.within_share) !== null ? `${pct(m.within_share)} or more of one area lies in the other` : '');
  add('Weight', m.weight === 'population' ? 'population' : 'area');
  const known = new Set(['area', 'sliver_threshold', 'equivalent_iou', 'within_share', 'weight', 'population']);
  for (const [k, val] of Object.entries(m)) {
    if (!known.has(k) && (typeof val === 'string' || typeof val === 'number')) add(humanName(k).replace(/\bIou\b/, 'IoU'), String(val));
  }
  if (m.population && typeof m.population === 'object') {
    const p = m.population;
    add('Population', [str(p.indicator) && `${humanName(p.indicator)} of ${setTitle(str(p.set))}`, str(p.basis)].filter(Boolean).join('; '));
  }
  $('cmp-method').replaceChildren(dl);
}

const COMPARE_COLUMNS = [
  { key: 'a', label: 'A', title: 'A area', text: (p) => str(p.a_name) || str(p.a_code), sub: (p) => str(p.a_code), sortVal: (p) => (str(p.a_name) || str(p.a_code)).toLowerCase() },
  { key: 'b', label: 'B', title: 'B area', text: (p) => str(p.b_name) || str(p.b_code), sub: (p) => str(p.b_code), sortVal: (p) => (str(p.b_name) || str(p.b_code)).toLowerCase() },
  { key: 'inter_m2', label: 'km²', title: 'Overlap in km²', num: true, text: (p) => km2(p.inter_m2) },
  { key: 'share_a_in_b', label: 'A in B', title: 'Share of the A area inside the B area', num: true, text: (p) => pct(p.share_a_in_b) },
  { key: 'share_b_in_a', label: 'B in A', title: 'Share of the B area inside the A area', num: true, text: (p) => pct(p.share_b_in_a) },
  { key: 'pop_share_a_in_b', label: 'Pop A in B', title: 'Share of the A area\'s population inside the B area', num: true, pop: true, text: (p) => pct(p.pop_share_a_in_b) },
  { key: 'pop_share_b_in_a', label: 'Pop B in A', title: 'Share of the B area\'s population inside the A area', num: true, pop: true, text: (p) => pct(p.pop_share_b_in_a) },
  { key: 'iou', label: 'IoU', title: 'Intersection over union', num: true, text: (p) => (num(p.iou) === null ? '–' : p.iou.toFixed(2)) },
  { key: 'class', label: 'Class', title: 'Relation', badge: true, sortVal: (p) => CLASS_ORDER.indexOf(str(p.class)) },
];

function sortedPairs() {
  const pairs = (cmp.data && Array.isArray(cmp.data.pairs)) ? cmp.data.pairs.slice() : [];
  const col = COMPARE_COLUMNS.find((c) => c.key === cmp.sort.key) || COMPARE_COLUMNS[0];
  const dir = cmp.sort.dir;
  const val = col.sortVal || ((p) => num(p[col.key]));
  pairs.sort((x, y) => {
    const vx = val(x), vy = val(y);
    if (vx === null && vy === null) return 0;
    if (vx === null) return 1; // missing values last either way
    if (vy === null) return -1;
    if (vx < vy) return -dir;
    if (vx > vy) return dir;
    return str(x.a_code).localeCompare(str(y.a_code)) || str(x.b_code).localeCompare(str(y.b_code));
  });
  return pairs;
}

function renderCompareTable() {
  const table = $('cmp-table');
  const cols = COMPARE_COLUMNS.filter((c) => !c.pop || cmp.hasPop);
  const head = el('tr', null, ...cols.map((c) => {
    const active = cmp.sort.key === c.key;
    const th = el('th', {
      scope: 'col', className: c.num ? 'num' : '',
      'aria-sort': active ? (cmp.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
      dataset: { key: c.key },
    }, el('button', {
      type: 'button', className: 'sort-button', title: `Sort by ${c.title.toLowerCase()}`,
      onclick: () => {
        if (cmp.sort.key === c.key) cmp.sort.dir = -cmp.sort.dir;
        else cmp.sort = { key: c.key, dir: c.num ? -1 : 1 }; // numbers: largest first
        renderCompareTable();
      },
    }, c.label, el('span', { className: 'sort-mark', 'aria-hidden': 'true', text: active ? (cmp.sort.dir > 0 ? '▲' : '▼') : '' })));
    return th;
  }));
  const pairs = sortedPairs();
  const shown = cmp.showAll ? pairs : pairs.slice(0, TABLE_ROWS);
  const body = el('tbody');
  for (const p of shown) {
    const aCode = str(p.a_code);
    const tr = el('tr', {
      className: aCode === cmp.selected ? 'selected' : '',
      dataset: { a: aCode, b: str(p.b_code), iou: num(p.iou) === null ? '' : String(p.iou) },
      tabindex: '0',
      onclick: () => selectCompareArea(aCode, { fit: true, updateHash: true }),
      onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); selectCompareArea(aCode, { fit: true, updateHash: true }); } },
    });
    for (const c of cols) {
      if (c.badge) {
        tr.append(el('td', null, classBadge(str(p.class))));
      } else if (c.sub) {
        const sub = c.sub(p) === c.text(p) ? null : el('span', { className: 'cell-code', text: c.sub(p) });
        tr.append(el('td', { className: 'area-cell' }, el('span', { text: c.text(p) }), sub));
      } else {
        tr.append(el('td', { className: c.num ? 'num' : '', text: c.text(p) }));
      }
    }
    body.append(tr);
  }
  table.replaceChildren(el('thead', null, head), body);
  const more = $('cmp-more');
  more.replaceChildren();
  if (pairs.length > shown.length) {
    more.append(el('button', {
      type: 'button', className: 'link-button',
      onclick: () => { cmp.showAll = true; renderCompareTable(); },
      text: `Show all ${numberFormat.format(pairs.length)} pairs (${numberFormat.format(shown.length)} shown)`,
    }));
  }
  $('cmp-table-caption').textContent = pairs.length
    ? `${numberFormat.format(pairs.length)} pairs of overlapping areas. Click a column to sort, a row to show the A area on the map.`
    : 'No overlapping areas.';
}

function selectCompareArea(code, { fit = false, updateHash = false } = {}) {
  code = str(code);
  cmp.selected = code;
  const L = LAYERS.compare;
  const pairs = code ? (cmp.byA.get(code) || []) : [];
  if (map.getLayer(L.aSel)) {
    map.setFilter(L.aSel, ['==', codeOf, code || NONE]);
    const f = pairs.length ? codeFilter(pairs.map((p) => str(p.b_code))) : ['==', codeOf, NONE];
    map.setFilter(L.bHlFill, f);
    map.setFilter(L.bHlLine, f);
  }
  for (const tr of document.querySelectorAll('#cmp-table tbody tr')) tr.classList.toggle('selected', tr.dataset.a === code);
  renderCompareSelection(code, pairs);
  if (updateHash) navigate({ view: 'compare', a: cmp.a, b: cmp.b, weight: cmp.weight, area: code }, { replace: true });
  if (code && fit) fitArea(cmp.a, code);
}

async function fitArea(slug, code) {
  try {
    const f = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}`);
    if (cmp.selected === code) fitBBox(geometryBBox(f.geometry), { padding: 60 });
  } catch (err) {
    console.warn('placemap: could not locate area', slug, code, err.message);
  }
}

function renderCompareSelection(code, pairs) {
  const box = $('cmp-selection');
  const list = $('cmp-counterparts');
  if (!code) {
    box.hidden = true;
    list.replaceChildren();
    return;
  }
  box.hidden = false;
  const best = cmp.best.get(code);
  const name = str(best && best.a_name) || str(pairs[0] && pairs[0].a_name) || code;
  $('cmp-selection-title').textContent = name;
  const what = cmp.weight === 'population' ? 'population' : 'area';
  $('cmp-selection-sub').replaceChildren(
    el('span', { className: 'cmp-tag cmp-tag-a', text: 'A' }),
    el('code', { className: 'cell-code', text: code }));
  $('cmp-selection-best').replaceChildren(...(best
    ? ['Best fit in B: ', el('strong', { text: str(best.b_name) || str(best.b_code) }), `, holding ${pct(best.share)} of its ${what}.`]
    : ['No counterpart in B.']));
  const sorted = pairs.slice().sort((x, y) => (num(y.share_a_in_b) || 0) - (num(x.share_a_in_b) || 0));
  list.replaceChildren(...sorted.map((p) => {
    const stats = el('dl', { className: 'pair-stats' },
      el('dt', { text: 'A in B' }), el('dd', { text: pct(p.share_a_in_b) }),
      el('dt', { text: 'B in A' }), el('dd', { text: pct(p.share_b_in_a) }),
      el('dt', { text: 'IoU' }), el('dd', { text: num(p.iou) === null ? '–' : p.iou.toFixed(2) }),
      el('dt', { text: 'km²' }), el('dd', { text: km2(p.inter_m2) }));
    if (p.pop_share_a_in_b !== undefined) {
      stats.append(el('dt', { text: 'Pop A in B' }), el('dd', { text: pct(p.pop_share_a_in_b) }));
      stats.append(el('dt', { text: 'Pop B in A' }), el('dd', { text: pct(p.pop_share_b_in_a) }));
    }
    const bar = el('span', { className: 'share-bar', 'aria-hidden': 'true', title: 'Share of A in this B area' },
      el('span', { style: { width: `${Math.round((num(p.share_a_in_b) || 0) * 100)}%`, background: shareColor(p.share_a_in_b) } }));
    return el('li', { dataset: { b: str(p.b_code) } },
      el('div', { className: 'pair-head' },
        el('span', { className: 'pair-name', text: str(p.b_name) || str(p.b_code) }),
        el('span', { className: 'cell-code', text: str(p.b_code) }),
        classBadge(str(p.class))),
      el('div', { className: 'pair-row' }, bar, stats));
  }));
  if (!pairs.length) list.append(el('li', { className: 'muted', text: 'No B area overlaps this area (beyond slivers).' }));
}

function compareClick(ev) {
  const L = LAYERS.compare;
  if (!map.getLayer(L.aFill)) return;
  const f = map.queryRenderedFeatures(ev.point, { layers: [L.aFill] })[0];
  selectCompareArea(f ? str(f.properties.code) : '', { updateHash: true });
  if (f) {
    ctx.openPanel();
    const sel = $('cmp-selection');
    sel.scrollIntoView({ block: 'nearest' });
  }
}

// ---------------------------------------------------------------- places

const pl = {
  list: null, // from api/places
  slug: '',
  detail: null,
  agreement: null,
  seq: 0,
  defLayers: [],
};

function placeLayerIds() {
  return [LAYERS.places.fill, LAYERS.places.line, ...pl.defLayers];
}

function ensurePlaceSource() {
  const L = LAYERS.places;
  if (map.getSource(L.source)) return;
  map.addSource(L.source, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  addLayer({ id: L.fill, type: 'fill', source: L.source, paint: { 'fill-color': AGREE_RAMP[2], 'fill-opacity': 0.75 } });
  addLayer({ id: L.line, type: 'line', source: L.source, paint: { 'line-color': '#ffffff', 'line-width': 0.8, 'line-opacity': 0.7 } });
}

function agreeColor(count, of) {
  if (of <= 1) return AGREE_RAMP[AGREE_RAMP.length - 1];
  const i = Math.round(((count - 1) / (of - 1)) * (AGREE_RAMP.length - 1));
  return AGREE_RAMP[Math.max(0, Math.min(AGREE_RAMP.length - 1, i))];
}

function placesUI() {
  const root = $('view-places');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  $('places-filter').addEventListener('input', renderPlacesList);
}

async function loadPlacesList() {
  if (pl.list) return;
  viewStatus($('places-status'), 'Loading places…');
  try {
    const r = await fetchJSON('api/places');
    pl.list = Array.isArray(r.places) ? r.places : [];
    viewStatus($('places-status'), pl.list.length ? '' : 'No places have been defined yet.');
  } catch (err) {
    viewStatus($('places-status'), `Could not load places: ${err.message}`, true);
    pl.list = null;
    return;
  }
  renderPlacesList();
}

function renderPlacesList() {
  const list = $('places-list');
  if (!pl.list) return;
  const q = $('places-filter').value.trim().toLowerCase();
  const match = (p) => !q || [p.name, ...(Array.isArray(p.alt_names) ? p.alt_names : [])].some((n) => str(n).toLowerCase().includes(q));
  const items = pl.list.filter(match);
  list.replaceChildren(...items.map((p) => {
    const slug = str(p.slug);
    const alt = Array.isArray(p.alt_names) ? p.alt_names.map(str).filter(Boolean) : [];
    const n = Number(p.definitions) || 0;
    const meta = [`${numberFormat.format(n)} ${n === 1 ? 'definition' : 'definitions'}`, alt.length ? `also ${alt.join(', ')}` : ''].filter(Boolean).join(' · ');
    return el('li', null, el('a', {
      className: 'row-button place-link', href: hashFor({ view: 'places', place: slug }),
      'aria-current': slug === pl.slug ? 'true' : null, dataset: { place: slug },
    }, el('span', { className: 'row-text' },
      el('span', { className: 'row-title', text: str(p.name) || slug }),
      el('span', { className: 'row-meta', text: meta }))));
  }));
  if (!items.length && pl.list.length) list.append(el('li', { className: 'muted empty', text: 'No place matches.' }));
}

const placesView = {
  enter() {
    placesUI();
    setLayersVisible(placeLayerIds(), true);
    placeLegend();
  },
  leave() {
    setLayersVisible(placeLayerIds(), false);
  },
  async route(r) {
    await loadPlacesList();
    if (r.place === pl.slug) return;
    pl.slug = r.place;
    renderPlacesList();
    if (!r.place) {
      clearPlace();
      return;
    }
    await loadPlace(r.place);
  },
};

function clearPlace() {
  pl.detail = null;
  pl.agreement = null;
  $('place-detail').hidden = true;
  const src = map.getSource(LAYERS.places.source);
  if (src) src.setData({ type: 'FeatureCollection', features: [] });
  removeLayers(pl.defLayers);
  pl.defLayers = [];
  placeLegend();
}

let plAbort = null;

async function loadPlace(slug) {
  const seq = ++pl.seq;
  if (plAbort) plAbort.abort();
  plAbort = new AbortController();
  const { signal } = plAbort;
  const status = $('place-status');
  $('place-detail').hidden = false;
  $('place-name').textContent = (pl.list || []).find((p) => str(p.slug) === slug)?.name || slug;
  $('place-alt').textContent = '';
  viewStatus(status, 'Loading…');
  $('place-parts').replaceChildren();
  $('place-definitions').replaceChildren();
  let detail, agreement;
  try {
    [detail, agreement] = await Promise.all([
      fetchJSON(`api/places/${encodeURIComponent(slug)}`, { signal }),
      fetchJSON(`api/places/${encodeURIComponent(slug)}/agreement`, { signal }),
    ]);
  } catch (err) {
    if (seq !== pl.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not load this place: ${err.message}`, true);
    return;
  }
  if (seq !== pl.seq) return;
  viewStatus(status, '');
  pl.detail = detail;
  pl.agreement = agreement;
  drawPlace();
  renderPlace();
  loadSuggestions(slug, seq, signal);
}

// Areas of the sets the place has no definition in that come closest to it
// (api/places/{slug}/suggestions): a hint for definitions still missing.
async function loadSuggestions(slug, seq, signal) {
  const box = $('place-suggestions');
  box.hidden = true;
  let r;
  try {
    r = await fetchJSON(`api/places/${encodeURIComponent(slug)}/suggestions`, { signal });
  } catch (err) {
    if (err.name !== 'AbortError') console.warn('placemap: no suggestions for', slug, err.message);
    return;
  }
  if (seq !== pl.seq) return;
  const list = Array.isArray(r.suggestions) ? r.suggestions : [];
  // The best few: one per set, then by IoU.
  const bySet = new Map();
  for (const s of list) {
    const k = str(s.set);
    if (!bySet.has(k) || (num(s.iou) || 0) > (num(bySet.get(k).iou) || 0)) bySet.set(k, s);
  }
  const top = [...bySet.values()].sort((x, y) => (num(y.iou) || 0) - (num(x.iou) || 0));
  if (!top.length) return;
  $('place-suggestions-method').textContent = str(r.method);
  $('place-suggestions-list').replaceChildren(...top.map((s) => el('li', null,
    el('span', { className: 'def-set', text: setTitle(str(s.set)) }),
    el('span', { className: 'sugg-area' }, el('strong', { text: str(s.name) || str(s.code) }), ' ', el('code', { className: 'cell-code', text: str(s.code) })),
    el('span', { className: 'sugg-stats', text: `IoU ${num(s.iou) === null ? '–' : s.iou.toFixed(2)} · holds ${pct(s.share_of_place_in_area)} of it` }))));
  box.hidden = false;
}

function drawPlace() {
  const L = LAYERS.places;
  ensurePlaceSource();
  const fc = pl.agreement && Array.isArray(pl.agreement.features) ? pl.agreement : { type: 'FeatureCollection', features: [] };
  const defs = Array.isArray(pl.detail && pl.detail.definitions) ? pl.detail.definitions : [];
  const of = placeOf();
  const colors = ['match', ['to-number', ['get', 'count']]];
  for (let k = 1; k <= of; k++) colors.push(k, agreeColor(k, of));
  colors.push(AGREE_RAMP[0]);
  map.getSource(L.source).setData({ type: 'FeatureCollection', features: fc.features });
  map.setPaintProperty(L.fill, 'fill-color', of >= 1 ? colors : AGREE_RAMP[2]);

  removeLayers(pl.defLayers);
  pl.defLayers = [];
  defs.forEach((d, i) => {
    const slug = str(d.set);
    if (!hasSet(slug)) return;
    const id = L.def(i);
    addLayer({
      id, type: 'line', source: ctx.sourceId(slug), 'source-layer': slug,
      filter: ['==', codeOf, str(d.code)],
      layout: { 'line-join': 'round', visibility: currentView === 'places' ? 'visible' : 'none' },
      paint: { 'line-color': setColor(slug), 'line-width': 2.4, 'line-dasharray': DEF_DASHES[i % DEF_DASHES.length] },
    });
    pl.defLayers.push(id);
  });
  placeLegend();
  fitBBox(bboxOfFeatures(fc.features), { padding: 40 });
}

function placeOf() {
  const s = pl.agreement && pl.agreement.summary;
  const feats = (pl.agreement && pl.agreement.features) || [];
  const fromFeat = feats.reduce((m, f) => Math.max(m, Number(f.properties && f.properties.of) || 0), 0);
  return Number(s && s.definitions) || fromFeat || (pl.detail && Array.isArray(pl.detail.definitions) ? pl.detail.definitions.length : 0);
}

function placeLegend() {
  if (currentView !== 'places') return;
  if (!pl.agreement) {
    mapLegend();
    return;
  }
  const of = placeOf();
  const feats = pl.agreement.features || [];
  const areaBy = new Map();
  for (const f of feats) {
    const c = Number(f.properties && f.properties.count) || 0;
    areaBy.set(c, (areaBy.get(c) || 0) + (Number(f.properties.area_m2) || 0));
  }
  const rows = [];
  for (let k = of; k >= 1; k--) {
    const part = k === of ? ' · core' : (k === 1 ? ' · fringe' : '');
    rows.push(legendRow({ background: agreeColor(k, of) }, `${k} of ${of}${part}`, areaBy.has(k) ? `${km2(areaBy.get(k))} km²` : ''));
  }
  const defs = Array.isArray(pl.detail && pl.detail.definitions) ? pl.detail.definitions : [];
  mapLegend(
    el('h3', { className: 'map-legend-title', text: `How many definitions of ${str(pl.detail && pl.detail.name) || pl.slug} include each part` }),
    el('ul', { className: 'map-legend-list', id: 'place-legend' }, ...rows),
    el('ul', { className: 'map-legend-list map-legend-keys' }, ...defs.map((d, i) => el('li', { className: 'legend-line' },
      el('span', { className: 'legend-dash', 'aria-hidden': 'true', style: dashKey(setColor(str(d.set)), DEF_DASHES[i % DEF_DASHES.length], 2) }),
      el('span', { className: 'legend-label', text: `${str(d.set_title) || setTitle(str(d.set))}: ${str(d.name) || str(d.code)}` })))));
}

function renderPlace() {
  const d = pl.detail || {};
  const s = (pl.agreement && pl.agreement.summary) || {};
  $('place-name').textContent = str(d.name) || pl.slug;
  const alt = Array.isArray(d.alt_names) ? d.alt_names.map(str).filter(Boolean) : [];
  $('place-alt').textContent = alt.length ? `Also known as ${alt.join(', ')}` : '';

  // Core / contested / fringe.
  const of = placeOf();
  const assets = (s.assets && typeof s.assets === 'object') ? s.assets : {};
  const partColor = { core: agreeColor(of, of), contested: agreeColor(Math.max(2, Math.ceil((of + 1) / 2)), of), fringe: agreeColor(1, of) };
  const parts = ['core', 'contested', 'fringe'].map((part) => {
    const list = Array.isArray(assets[part]) ? assets[part] : [];
    return el('li', { className: `part part-${part}`, dataset: { part } },
      el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: partColor[part] } }),
      el('div', { className: 'part-text' },
        el('div', { className: 'part-head' },
          el('strong', { text: PART_INFO[part].label }),
          el('span', { className: 'part-area', text: `${km2(s[`${part}_m2`])} km²` })),
        el('span', { className: 'row-meta', text: PART_INFO[part].help }),
        list.length
          ? el('ul', { className: 'part-assets' }, ...list.map((a) => el('li', null, assetLink(a))))
          : el('span', { className: 'row-meta', text: 'No assets.' })));
  });
  $('place-parts').replaceChildren(...parts);
  $('place-parts-note').textContent = of ? `${of} definitions compared.` : '';

  // Definitions.
  const defs = Array.isArray(d.definitions) ? d.definitions : [];
  // Indicator titles come from each set's indicator list (fetched once).
  const slugs = [...new Set(defs.map((x) => str(x.set)).filter(hasSet))];
  Promise.all(slugs.map((s) => indicatorList(s).catch(() => []))).then(() => {
    if (pl.detail !== d) return;
    for (const dt of document.querySelectorAll('#place-definitions dt[data-indicator]')) {
      const set = dt.closest('li.definition').dataset.set;
      const meta = (ch.lists.get(set) || []).find((i) => str(i.name) === dt.dataset.indicator);
      if (meta && str(meta.title)) dt.textContent = str(meta.title);
    }
  });
  $('place-definitions-heading').textContent = `Definitions (${defs.length})`;
  $('place-definitions').replaceChildren(...defs.map((def, i) => renderDefinition(def, i)));
}

function assetLink(a) {
  const id = str(a.id);
  return el('button', {
    type: 'button', className: 'link-button', text: str(a.name) || '(unnamed asset)',
    title: 'Show on the map',
    onclick: () => {
      navigate({ view: 'map' });
      ctx.openAsset(id, { fly: true, focus: true });
    },
  });
}

function renderDefinition(def, i) {
  const slug = str(def.set);
  const dash = DEF_DASHES[i % DEF_DASHES.length];
  const confirmed = def.confirmed === true;
  const assets = Array.isArray(def.assets) ? def.assets : [];
  const indicators = def.indicators && typeof def.indicators === 'object' ? Object.entries(def.indicators) : [];
  const fields = el('dl', { className: 'fields def-fields' });
  if (num(def.iou) !== null) fields.append(el('dt', { text: 'IoU' }), el('dd', { text: def.iou.toFixed(2) }));
  for (const [k, v] of indicators) {
    fields.append(el('dt', { text: humanName(k), dataset: { indicator: k } }), el('dd', { text: typeof v === 'number' ? fmtValue(v) : str(v) || '–' }));
  }
  return el('li', { className: 'definition', dataset: { set: slug, code: str(def.code) } },
    el('div', { className: 'def-head' },
      el('span', { className: 'legend-dash', 'aria-hidden': 'true', style: dashKey(setColor(slug), dash, 2.4) }),
      el('span', { className: 'def-set', text: str(def.set_title) || setTitle(slug) }),
      el('span', { className: `badge ${confirmed ? 'def-confirmed' : 'def-suggested'}`, text: confirmed ? 'Confirmed' : 'Suggested' }),
      def.review === true ? el('span', { className: 'badge def-review', title: 'carried to a new release through a weak successor', text: 'Needs review' }) : null),
    el('div', { className: 'def-area' },
      el('strong', { text: str(def.name) || str(def.code) }), ' ',
      el('code', { className: 'cell-code', text: str(def.code) })),
    str(def.note) ? el('div', { className: 'row-meta def-note', text: str(def.note) }) : null,
    fields.childElementCount ? fields : null,
    el('div', { className: 'def-assets' },
      el('span', { className: 'row-meta', text: `Assets (${assets.length})${assets.length ? ': ' : ''}` }),
      ...assets.map((a, j) => [j ? ', ' : '', assetLink(a)])));
}

function placesClick(ev) {
  const L = LAYERS.places;
  if (!map.getLayer(L.fill)) return;
  const f = map.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  const note = $('place-pick');
  if (!f) {
    note.textContent = '';
    return;
  }
  const p = f.properties || {};
  let list = p.assets;
  if (typeof list === 'string') {
    try { list = JSON.parse(list); } catch { list = []; }
  }
  const names = Array.isArray(list) ? list.map((a) => str(a && a.name)).filter(Boolean) : [];
  let defs = p.definitions;
  if (typeof defs === 'string') {
    try { defs = JSON.parse(defs); } catch { defs = []; }
  }
  const byKey = new Map(((pl.detail && pl.detail.definitions) || []).map((d) => [`${str(d.set)}:${str(d.code)}`, d]));
  const inDefs = Array.isArray(defs) ? defs.map((k) => {
    const d = byKey.get(str(k));
    return d ? `${str(d.set_title) || setTitle(str(d.set))} (${str(d.name) || str(d.code)})` : str(k);
  }) : [];
  note.replaceChildren(...[
    el('strong', { text: `${(PART_INFO[p.class] || {}).label || humanName(p.class)}: ` }),
    `in ${p.count} of ${p.of} definitions, ${km2(p.area_m2)} km²`,
    inDefs.length ? el('span', { className: 'pick-defs', text: ` — ${inDefs.join(', ')}` }) : null,
    names.length ? el('span', { text: `. Assets: ${names.join(', ')}` }) : null,
    '.'].filter(Boolean));
}

// ---------------------------------------------------------------- choropleth

const ch = {
  set: '', indicator: '', from: '', weight: 'area',
  notice: '',
  lists: new Map(), // slug -> indicators
  key: '',
  data: null,
  breaks: [],
  seq: 0,
  layersFor: '',
  selected: '',
};

function choroLayerIds() {
  return Object.values(LAYERS.choropleth);
}

function buildChoroLayers(slug) {
  const L = LAYERS.choropleth;
  removeLayers(choroLayerIds());
  const src = ctx.sourceId(slug);
  addLayer({ id: L.fill, type: 'fill', source: src, 'source-layer': slug, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.8 } });
  addLayer({
    id: L.line, type: 'line', source: src, 'source-layer': slug,
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1.4], 'line-opacity': 0.9 },
  });
  addLayer({
    id: L.sel, type: 'line', source: src, 'source-layer': slug, filter: ['==', codeOf, NONE],
    paint: { 'line-color': '#111827', 'line-width': 3 },
  });
  ch.layersFor = slug;
}

async function indicatorList(slug) {
  if (ch.lists.has(slug)) return ch.lists.get(slug);
  const r = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/indicators`);
  const list = Array.isArray(r.indicators) ? r.indicators.filter((i) => str(i && i.name)) : [];
  ch.lists.set(slug, list);
  return list;
}

function choroUI() {
  const root = $('view-choropleth');
  if (root.dataset.built) return;
  root.dataset.built = '1';
  fillSelect($('choro-set'), setOptions(), ch.set);
  const go = (patch) => navigate({ view: 'choropleth', set: ch.set, indicator: ch.indicator, from: ch.from, weight: ch.weight, ...patch });
  $('choro-set').addEventListener('change', (ev) => {
    const set = ev.target.value;
    // Keep a moved indicator if it still comes from another set.
    if (ch.from && ch.from !== set) go({ set });
    else go({ set, from: '', indicator: '' });
  });
  $('choro-from').addEventListener('change', (ev) => go({ from: ev.target.value === ch.set ? '' : ev.target.value, indicator: '' }));
  $('choro-indicator').addEventListener('change', (ev) => go({ indicator: ev.target.value }));
  $('choro-weight').replaceChildren(radioGroup('choro-weight', [
    { value: 'area', label: 'Area' },
    { value: 'population', label: 'Population' },
  ], ch.weight, (w) => go({ weight: w })));
}

function indicatorOptions(list) {
  const own = list.filter((i) => !i.builtin).map((i) => ({ value: str(i.name), label: str(i.title) || humanName(i.name) }));
  const builtin = list.filter((i) => i.builtin).map((i) => ({ value: str(i.name), label: str(i.title) || humanName(i.name) }));
  const out = [];
  if (own.length) out.push({ group: 'Indicators', options: own });
  if (builtin.length) out.push({ group: 'Asset counts (built in)', options: builtin });
  return out;
}

const choroView = {
  enter() {
    choroUI();
    setLayersVisible(choroLayerIds(), true);
    choroLegend();
  },
  leave() {
    setLayersVisible(choroLayerIds(), false);
  },
  async route(r) {
    const all = sets();
    const status = $('choro-status');
    if (!all.length) {
      viewStatus(status, 'No boundary sets are loaded.', true);
      return;
    }
    const set = hasSet(r.set) ? r.set : (hasSet(ch.set) ? ch.set : (hasSet('lsoa-2011') ? 'lsoa-2011' : all[0].slug));
    const from = r.from && hasSet(r.from) && r.from !== set ? r.from : '';
    const weight = from && r.weight === 'population' ? 'population' : 'area';
    const source = from || set;
    let list;
    try {
      list = await indicatorList(source);
    } catch (err) {
      viewStatus(status, `Could not list the indicators of ${setTitle(source)}: ${err.message}`, true);
      return;
    }
    let indicator = r.indicator;
    if (!list.some((i) => str(i.name) === indicator)) {
      if (indicator) ch.notice = `${setTitle(source)} has no indicator "${indicator}".`;
      indicator = str((list.find((i) => !i.builtin) || list[0] || {}).name);
    }
    const want = { view: 'choropleth', set, indicator, from, weight };
    if (hashFor(want) !== location.hash) {
      navigate(want, { replace: true });
      return;
    }
    const setChanged = ch.set !== set;
    Object.assign(ch, { set, indicator, from, weight });
    $('choro-set').value = set;
    fillSelect($('choro-from'), [{ value: set, label: 'This set' }, ...all.filter((s) => s.slug !== set).map((s) => ({ value: s.slug, label: s.title || s.slug }))], from || set);
    fillSelect($('choro-indicator'), indicatorOptions(list), indicator);
    $('choro-weight-row').hidden = !from;
    setRadio('choro-weight', weight, knownPopulationSets && !knownPopulationSets.length ? ['population'] : []);
    if (ch.layersFor !== set) {
      buildChoroLayers(set);
      ch.key = '';
      if (currentView !== 'choropleth') setLayersVisible(choroLayerIds(), false);
    }
    if (setChanged) fitBBox(ctx.state.setsBySlug.get(set).bbox);
    if (!indicator) {
      viewStatus(status, `${setTitle(source)} has no indicators.`, true);
      return;
    }
    const key = `${set}|${indicator}|${from}|${weight}`;
    if (ch.key !== key) await loadChoropleth(key);
  },
};

let chAbort = null;

async function loadChoropleth(key) {
  const seq = ++ch.seq;
  if (chAbort) chAbort.abort();
  chAbort = new AbortController();
  const { signal } = chAbort;
  const status = $('choro-status');
  viewStatus(status, 'Loading values…');
  const q = new URLSearchParams();
  if (ch.from) q.set('from', ch.from);
  if (ch.from && ch.weight === 'population') q.set('weight', 'population');
  const qs = q.toString();
  let data;
  try {
    data = await fetchJSON(`api/sets/${encodeURIComponent(ch.set)}/indicators/${encodeURIComponent(ch.indicator)}${qs ? `?${qs}` : ''}`, { signal });
  } catch (err) {
    if (seq !== ch.seq || err.name === 'AbortError') return;
    viewStatus(status, `Could not load the indicator: ${err.message}`, true);
    ch.key = '';
    return;
  }
  if (seq !== ch.seq) return;
  viewStatus(status, ch.notice || '', !!ch.notice);
  ch.notice = '';
  ch.key = key;
  ch.data = data;
  paintChoropleth();
  renderChoroInfo();
  selectChoroArea('', null);
}

// quantileBreaks returns up to classes-1 increasing breaks; a value v is in
// class i where i = the number of breaks <= v.
function quantileBreaks(values, classes) {
  const v = values.slice().sort((a, b) => a - b);
  const out = [];
  for (let i = 1; i < classes; i++) {
    const b = v[Math.floor((i * v.length) / classes)];
    if (b !== undefined && b > v[0] && (!out.length || b > out[out.length - 1])) out.push(b);
  }
  return out;
}

function classOf(v, breaks) {
  let i = 0;
  while (i < breaks.length && v >= breaks[i]) i++;
  return i;
}

function choroColors(n) {
  // Spread n classes over the ramp, keeping its ends.
  if (n >= CHORO_RAMP.length) return CHORO_RAMP.slice();
  if (n <= 1) return [CHORO_RAMP[2]];
  return Array.from({ length: n }, (_, i) => CHORO_RAMP[Math.round((i * (CHORO_RAMP.length - 1)) / (n - 1))]);
}

function choroValues() {
  const values = ch.data && ch.data.values && typeof ch.data.values === 'object' ? ch.data.values : {};
  return Object.entries(values).filter(([, v]) => num(v) !== null);
}

function paintChoropleth() {
  const entries = choroValues();
  ch.breaks = quantileBreaks(entries.map(([, v]) => v), CHORO_CLASSES);
  const colors = choroColors(ch.breaks.length + 1);
  const groups = new Map(colors.map((c) => [c, []]));
  for (const [code, v] of entries) groups.get(colors[classOf(v, ch.breaks)]).push(code);
  map.setPaintProperty(LAYERS.choropleth.fill, 'fill-color', matchByCode(groups, NO_DATA));
  choroLegend();
}

function choroLegend() {
  if (currentView !== 'choropleth') return;
  if (!ch.data) {
    mapLegend();
    return;
  }
  const entries = choroValues();
  const vals = entries.map(([, v]) => v);
  const min = vals.length ? Math.min(...vals) : null;
  const max = vals.length ? Math.max(...vals) : null;
  const colors = choroColors(ch.breaks.length + 1);
  const counts = colors.map(() => 0);
  for (const v of vals) counts[classOf(v, ch.breaks)]++;
  const span = vals.length ? max - min : 0;
  const allWhole = vals.every((v) => Number.isInteger(v));
  const digits = allWhole ? 0 : span >= 100 ? 0 : span >= 10 ? 1 : 2;
  const rows = colors.map((c, i) => {
    const lo = i === 0 ? min : ch.breaks[i - 1];
    const last = i === colors.length - 1;
    const hi = last ? max : ch.breaks[i];
    let label = `${fmtValue(lo, digits)} – ${fmtValue(hi, digits)}`;
    if (allWhole) {
      // Whole numbers: a class holds lo up to (not including) the next break.
      const top = last ? hi : hi - 1;
      label = top > lo ? `${fmtValue(lo, 0)} – ${fmtValue(top, 0)}` : fmtValue(lo, 0);
    }
    return legendRow({ background: c }, label, numberFormat.format(counts[i]), { dataset: { class: String(i) } });
  }).reverse();
  const set = ctx.state.setsBySlug.get(ch.set);
  const total = set && Number.isFinite(Number(set.area_count)) ? Number(set.area_count) : null;
  const missing = total !== null ? Math.max(0, total - vals.length) : null;
  rows.push(legendRow({ background: NO_DATA }, 'no data', missing === null ? '' : numberFormat.format(missing), { dataset: { nodata: '1' } }));
  mapLegend(
    el('h3', { className: 'map-legend-title', text: str(ch.data.title) || humanName(ch.indicator) }),
    el('p', { className: 'map-legend-sub', text: `${setTitle(ch.set)} · quantiles${ch.from ? ` · from ${setTitle(ch.from)}` : ''}` }),
    el('ul', { className: 'map-legend-list', id: 'choro-legend' }, ...rows));
}

function renderChoroInfo() {
  const d = ch.data || {};
  const entries = choroValues();
  $('choro-title').textContent = str(d.title) || humanName(ch.indicator);
  const kind = str(d.kind);
  $('choro-sub').textContent = [
    kind === 'count' ? 'Count' : kind === 'rate' ? 'Rate or score' : humanName(kind),
    `${numberFormat.format(entries.length)} areas with a value`,
  ].filter(Boolean).join(' · ');
  const method = str(d.method);
  $('choro-method').textContent = method ? method.charAt(0).toUpperCase() + method.slice(1) : 'No method given.';
  const meta = (ch.lists.get(ch.from || ch.set) || []).find((i) => str(i.name) === ch.indicator) || {};
  const dl = el('dl', { className: 'fields' });
  if (str(meta.source)) dl.append(el('dt', { text: 'Source' }), el('dd', { text: str(meta.source) }));
  if (str(meta.licence)) dl.append(el('dt', { text: 'Licence' }), el('dd', { text: str(meta.licence) }));
  $('choro-meta').replaceChildren(...(dl.childElementCount ? [dl] : []));
}

function selectChoroArea(code, feature) {
  ch.selected = code;
  if (map.getLayer(LAYERS.choropleth.sel)) map.setFilter(LAYERS.choropleth.sel, ['==', codeOf, code || NONE]);
  const box = $('choro-pick');
  if (!code) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const values = (ch.data && ch.data.values) || {};
  const v = values[code];
  const name = feature ? str(feature.properties.name) : '';
  box.hidden = false;
  box.replaceChildren(
    el('span', { className: 'pick-name', text: name || code }), ' ',
    el('code', { className: 'cell-code', text: code }),
    el('span', { className: 'pick-value', text: fmtValue(v) }));
}

function choroClick(ev) {
  const L = LAYERS.choropleth;
  if (!map.getLayer(L.fill)) return;
  const f = map.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  selectChoroArea(f ? str(f.properties.code) : '', f);
}


// ---------------------------------------------------------------- changes

// The change between two releases of a series (wards 2013 → 2019): old
// areas coloured by what became of them, the new release's lines dashed on
// top, a table of old areas with their main successor, the assets whose
// area changed, and the report's downloads.
const chg = {
  old: '', new: '', series: [], data: null, selected: '', seq: 0, layersFor: '', notice: '',
  byOld: new Map(), // old code -> change row
};

function changesLayerIds() {
  return Object.values(LAYERS.changes);
}

function buildChangesLayers(oldSet, newSet) {
  const L = LAYERS.changes;
  removeLayers(changesLayerIds());
  const srcO = ctx.sourceId(oldSet), srcN = ctx.sourceId(newSet);
  const none = ['==', codeOf, NONE];
  addLayer({ id: L.fill, type: 'fill', source: srcO, 'source-layer': oldSet, paint: { 'fill-color': NO_DATA, 'fill-opacity': 0.7 } });
  addLayer({ id: L.succFill, type: 'fill', source: srcN, 'source-layer': newSet, filter: none, paint: { 'fill-color': B_LINE, 'fill-opacity': 0.25 } });
  addLayer({
    id: L.line, type: 'line', source: srcO, 'source-layer': oldSet, layout: { 'line-join': 'round' },
    paint: { 'line-color': A_LINE, 'line-opacity': 0.8, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.2, 14, 2.6] },
  });
  addLayer({
    id: L.newLine, type: 'line', source: srcN, 'source-layer': newSet, layout: { 'line-join': 'round' },
    paint: { 'line-color': B_LINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.4, 14, 2.8], 'line-dasharray': [2, 1.5] },
  });
  addLayer({
    id: L.sel, type: 'line', source: srcO, 'source-layer': oldSet, filter: none, layout: { 'line-join': 'round' },
    paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 5] },
  });
  chg.layersFor = `${oldSet}|${newSet}`;
}

function paintChanges() {
  const groups = new Map(CHANGE_ORDER.map((c) => [CHANGE_INFO[c].color, []]));
  for (const [code, row] of chg.byOld) {
    const info = CHANGE_INFO[str(row.change)];
    if (info) groups.get(info.color).push(code);
  }
  if (map.getLayer(LAYERS.changes.fill)) map.setPaintProperty(LAYERS.changes.fill, 'fill-color', matchByCode(groups, NO_DATA));
}

function changesLegend() {
  if (!chg.old || !chg.new) {
    mapLegend();
    return;
  }
  const counts = (chg.data && chg.data.counts) || {};
  const list = el('ul', { className: 'legend-classes' });
  for (const c of CHANGE_ORDER) {
    if (!counts[c]) continue;
    list.append(legendRow({ background: CHANGE_INFO[c].color }, CHANGE_INFO[c].label, String(counts[c]), { title: CHANGE_INFO[c].help }));
  }
  mapLegend(el('h3', { text: `${setTitle(chg.old)} → ${setTitle(chg.new)}` }), list,
    el('ul', { className: 'legend-classes' },
      lineKey(A_LINE, false, `${setTitle(chg.old)} (old lines)`),
      lineKey(B_LINE, true, `${setTitle(chg.new)} (new lines)`)));
}

function releaseOptions() {
  const out = [];
  for (const s of chg.series) {
    const releases = Array.isArray(s.releases) ? s.releases : [];
    out.push({ group: str(s.title) || str(s.slug), options: releases.map((r) => ({ value: str(r.slug), label: `${str(r.title) || str(r.slug)}${r.current ? ' (current)' : ''}` })) });
  }
  return out;
}

function seriesOf(slug) {
  return chg.series.find((s) => (s.releases || []).some((r) => str(r.slug) === slug));
}

let changesUIReady = false;
function changesUI() {
  if (changesUIReady) return;
  changesUIReady = true;
  const go = (oldSet, newSet) => navigate({ view: 'changes', old: oldSet, new: newSet });
  $('chg-old').addEventListener('change', () => {
    const o = $('chg-old').value;
    const s = seriesOf(o);
    const rel = s ? s.releases.map((r) => str(r.slug)) : [];
    const next = rel[rel.indexOf(o) + 1] || (chg.new !== o && rel.includes(chg.new) ? chg.new : rel.find((x) => x !== o));
    go(o, next || '');
  });
  $('chg-new').addEventListener('change', () => go(chg.old, $('chg-new').value));
  $('chg-clear').addEventListener('click', () => selectChangeArea('', { updateHash: true }));
}

async function loadSeries() {
  const resp = await fetchJSON('api/series');
  chg.series = (Array.isArray(resp.series) ? resp.series : []).filter((s) => Array.isArray(s.releases) && s.releases.length > 1);
}

async function loadChanges(oldSet, newSet) {
  const seq = ++chg.seq;
  const status = $('chg-status');
  viewStatus(status, `Working out what changed from ${setTitle(oldSet)} to ${setTitle(newSet)}…`);
  $('chg-results').hidden = true;
  let data;
  try {
    data = await fetchJSON(`api/sets/${encodeURIComponent(oldSet)}/changes?to=${encodeURIComponent(newSet)}`);
  } catch (err) {
    if (seq === chg.seq) viewStatus(status, `Could not work out the changes: ${err.message}`, true);
    return;
  }
  if (seq !== chg.seq) return;
  chg.data = data;
  chg.byOld = new Map();
  for (const c of Array.isArray(data.changes) ? data.changes : []) {
    if (str(c.set) === oldSet) chg.byOld.set(str(c.code), c);
  }
  viewStatus(status, chg.notice || '');
  chg.notice = '';
  paintChanges();
  renderChangesSummary();
  renderChangesTable();
  renderChangesAssets();
  renderChangesDownloads();
  if (currentView === 'changes') changesLegend();
  $('chg-results').hidden = false;
}

function changeBadge(change) {
  const info = CHANGE_INFO[change] || { label: humanName(change), color: '#475569' };
  return el('span', { className: 'badge change-badge', dataset: { change }, title: info.help || '' },
    el('span', { className: 'legend-swatch', 'aria-hidden': 'true', style: { background: info.color } }), info.label);
}

function newName(code) {
  const names = (chg.data && chg.data.new_names) || {};
  return str(names[code]) || code;
}

function renderChangesSummary() {
  const counts = (chg.data && chg.data.counts) || {};
  const box = $('chg-summary');
  box.replaceChildren(el('div', { className: 'stats' },
    ...CHANGE_ORDER.filter((c) => counts[c]).map((c) => statBox(CHANGE_INFO[c].label, numberFormat.format(counts[c]), CHANGE_INFO[c].help))));
}

function mainLink(row) {
  const links = Array.isArray(row.successors) ? row.successors : [];
  return links.find((l) => str(l.new_code) === str(row.main)) || null;
}

function renderChangesTable() {
  const rows = [...chg.byOld.values()].sort((a, b) => str(a.name).localeCompare(str(b.name)));
  const body = el('tbody');
  for (const row of rows) {
    const code = str(row.code);
    const m = mainLink(row);
    const others = (row.successors || []).length - (m ? 1 : 0);
    const select = () => selectChangeArea(code, { fit: true, updateHash: true });
    body.append(el('tr', {
      className: code === chg.selected ? 'selected' : '', dataset: { code, change: str(row.change) }, tabindex: '0', onclick: select,
      onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(); } },
    },
    el('td', { className: 'area-cell' }, el('span', { text: str(row.name) || code }), el('span', { className: 'cell-code', text: code })),
    el('td', null, changeBadge(str(row.change))),
    el('td', { className: 'area-cell' }, el('span', { text: m ? newName(str(m.new_code)) : '—' }),
      others > 0 ? el('span', { className: 'cell-code', text: `and ${others} more` }) : null),
    el('td', { className: 'num', text: m ? pct(m.share_of_old) : '' })));
  }
  const head = el('tr', null, ...['Old area', 'Change', 'Main successor', 'Of the old area'].map((t, i) => el('th', { scope: 'col', className: i === 3 ? 'num' : '', text: t })));
  $('chg-table').replaceChildren(el('thead', null, head), body);
  const newRows = (chg.data.changes || []).filter((c) => str(c.set) === chg.new);
  $('chg-table-caption').textContent = `${numberFormat.format(rows.length)} areas of ${setTitle(chg.old)}` +
    (newRows.length ? `; ${numberFormat.format(newRows.length)} new areas in ${setTitle(chg.new)}` : '') + '. Click a row to show the area and its successors on the map.';
}

function renderChangesAssets() {
  const assets = Array.isArray(chg.data.assets) ? chg.data.assets : [];
  const moved = assets.filter((a) => str(a.old_code) && (str(a.old_name) !== str(a.new_name) || !a.followed));
  const list = el('ul', { className: 'asset-moves' });
  for (const a of moved.slice(0, TABLE_ROWS)) {
    const to = str(a.new_name) || 'outside the new release';
    list.append(el('li', { dataset: { asset: str(a.id) } },
      el('button', { type: 'button', className: 'link-button', text: str(a.name), onclick: () => { navigate({ view: 'map' }); ctx.openAsset(str(a.id), { fly: true, focus: true }); } }),
      el('span', { className: 'muted', text: ` moved from ${str(a.old_name)} to ${to}${a.followed ? '' : ' (not the old area\u2019s main successor)'}` })));
  }
  $('chg-assets-caption').textContent = moved.length
    ? `${numberFormat.format(moved.length)} of ${numberFormat.format(assets.length)} assets are in an area of another name or not in their old area\u2019s main successor.`
    : `All ${numberFormat.format(assets.length)} assets are in an area of the same name.`;
  $('chg-assets').replaceChildren(list);
}

function renderChangesDownloads() {
  const base = `api/sets/${encodeURIComponent(chg.old)}/changes?to=${encodeURIComponent(chg.new)}`;
  $('chg-dl-csv').href = `${base}&format=csv`;
  $('chg-dl-assets').href = `${base}&format=csv&table=assets`;
  $('chg-dl-json').href = base;
  $('chg-method').textContent = str(chg.data.method);
}

function selectChangeArea(code, { fit = false, updateHash = false } = {}) {
  code = str(code);
  chg.selected = code;
  const L = LAYERS.changes;
  const row = chg.byOld.get(code);
  const succ = row && Array.isArray(row.successors) ? row.successors.map((l) => str(l.new_code)) : [];
  if (map.getLayer(L.sel)) {
    map.setFilter(L.sel, ['==', codeOf, code || NONE]);
    map.setFilter(L.succFill, succ.length ? codeFilter(succ) : ['==', codeOf, NONE]);
  }
  for (const tr of document.querySelectorAll('#chg-table tbody tr')) tr.classList.toggle('selected', tr.dataset.code === code);
  const box = $('chg-selection');
  box.hidden = !row;
  if (row) {
    $('chg-selection-title').textContent = str(row.name) || code;
    $('chg-selection-sub').replaceChildren(el('span', { text: `${setTitle(chg.old)} · ${code} · ` }), changeBadge(str(row.change)));
    const ul = $('chg-successors');
    ul.replaceChildren(...(row.successors || []).map((l) => el('li', null,
      el('button', {
        type: 'button', className: 'link-button', text: newName(str(l.new_code)),
        onclick: () => fitArea(chg.new, str(l.new_code)),
      }),
      el('span', { className: 'muted', text: ` ${pct(l.share_of_old)} of the old area; ${pct(l.share_of_new)} of the new one${str(l.new_code) === str(row.main) ? ' (main successor)' : ''}` }))));
    if (!ul.children.length) ul.append(el('li', { className: 'muted', text: 'No successor: none of its ground is in the new release.' }));
  }
  if (updateHash) navigate({ view: 'changes', old: chg.old, new: chg.new, area: code }, { replace: true });
  if (code && fit) fitArea(chg.old, code);
}

function changesClick(ev) {
  const L = LAYERS.changes;
  if (!map.getLayer(L.fill)) return;
  const f = map.queryRenderedFeatures(ev.point, { layers: [L.fill] })[0];
  selectChangeArea(f ? str(f.properties.code) : '', { updateHash: true });
}

const changesView = {
  enter() {
    changesUI();
    setLayersVisible(changesLayerIds(), true);
    changesLegend();
  },
  leave() {
    setLayersVisible(changesLayerIds(), false);
  },
  async route(r) {
    const status = $('chg-status');
    try {
      await loadSeries();
    } catch (err) {
      viewStatus(status, `Could not list the boundary releases: ${err.message}`, true);
      return;
    }
    if (!chg.series.length) {
      viewStatus(status, 'No boundary set has more than one release yet. Import a new release with "placemap import set FILE --series SERIES".', true);
      $('chg-results').hidden = true;
      return;
    }
    let series = seriesOf(r.old);
    if (!series) {
      if (r.old) chg.notice = `"${r.old}" is not a release of any series; showing ${str(chg.series[0].title)} instead.`;
      series = chg.series[0];
    }
    const rel = series.releases.map((x) => str(x.slug));
    let oldSet = rel.includes(r.old) ? r.old : rel[rel.length - 2];
    let newSet = rel.includes(r.new) && r.new !== oldSet ? r.new : (rel[rel.indexOf(oldSet) + 1] || rel[rel.length - 1]);
    if (newSet === oldSet) newSet = rel.find((x) => x !== oldSet);
    const want = { view: 'changes', old: oldSet, new: newSet, area: r.area };
    if (hashFor(want) !== location.hash) {
      navigate(want, { replace: true });
      return;
    }
    fillSelect($('chg-old'), releaseOptions(), oldSet);
    fillSelect($('chg-new'), [{ group: str(series.title), options: series.releases.filter((x) => str(x.slug) !== oldSet).map((x) => ({ value: str(x.slug), label: `${str(x.title) || str(x.slug)}${x.current ? ' (current)' : ''}` })) }], newSet);
    const changed = chg.old !== oldSet || chg.new !== newSet;
    chg.old = oldSet;
    chg.new = newSet;
    if (chg.layersFor !== `${oldSet}|${newSet}`) {
      buildChangesLayers(oldSet, newSet);
      if (currentView !== 'changes') setLayersVisible(changesLayerIds(), false);
    }
    if (changed || !chg.data) {
      chg.data = null;
      fitBBox(unionBBox([ctx.state.setsBySlug.get(oldSet).bbox, ctx.state.setsBySlug.get(newSet).bbox]));
      await loadChanges(oldSet, newSet);
    }
    if (chg.data) selectChangeArea(r.area);
  },
};

// ---------------------------------------------------------------- set-up

VIEWS.compare = compareView;
VIEWS.places = placesView;
VIEWS.choropleth = choroView;
VIEWS.changes = changesView;

function hoverCursor() {
  let pending = false;
  let last = null;
  const layerFor = { compare: LAYERS.compare.aFill, places: LAYERS.places.fill, choropleth: LAYERS.choropleth.fill, changes: LAYERS.changes.fill };
  map.on('mousemove', (ev) => {
    if (currentView === 'map') return;
    last = ev.point;
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const id = layerFor[currentView];
      if (!last || !id || !map.getLayer(id)) return;
      map.getCanvas().style.cursor = map.queryRenderedFeatures(last, { layers: [id] }).length ? 'pointer' : '';
    });
  });
}

export function setupViews(context) {
  ctx = context;
  map = ctx.map;
  ctx.placemap.view = 'map';
  // The legend floats over the map (added after MapLibre took the container).
  map.getContainer().append(el('div', { id: 'map-legend', className: 'map-legend', role: 'region', 'aria-label': 'Map legend', hidden: true }));
  ctx.placemap.views = { compare: cmp, places: pl, choropleth: ch, changes: chg };
  ctx.placemap.navigate = navigate;
  ctx.placemap.layerIds.compare = LAYERS.compare;
  ctx.placemap.layerIds.places = { fill: LAYERS.places.fill, line: LAYERS.places.line, source: LAYERS.places.source, defs: () => pl.defLayers.slice() };
  ctx.placemap.layerIds.choropleth = LAYERS.choropleth;
  ctx.placemap.layerIds.changes = LAYERS.changes;
  map.on('click', (ev) => {
    if (currentView === 'compare') compareClick(ev);
    else if (currentView === 'places') placesClick(ev);
    else if (currentView === 'choropleth') choroClick(ev);
    else if (currentView === 'changes') changesClick(ev);
  });
  hoverCursor();
  window.addEventListener('hashchange', route);
  route();
}
