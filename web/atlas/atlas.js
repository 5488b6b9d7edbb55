// The static atlas's map (placemap export site): the style in style.json,
// every layer from one PMTiles file read by byte ranges through the
// pmtiles protocol, and an asset's details from the bundled GeoJSON when it
// is clicked. Everything is relative to this page, so the atlas opens from
// any static host that serves byte ranges.

/** @typedef {{layer: string, title: string, colour: string}} LegendEntry */

const maplibregl = window.maplibregl;
/** @type {any} */
const pmtiles = /** @type {any} */ (window).pmtiles;

/** The directory of this page, absolute: MapLibre wants absolute URLs. */
const here = location.href.replace(/[?#].*$/, '').replace(/[^/]*$/, '');

/** @type {Promise<Map<string, any>> | null} */
let assetsByID = null;

/** assets loads the bundled assets GeoJSON once, by id. */
function assets() {
  assetsByID ??= fetch(here + 'data/assets.geojson').then((r) => {
    if (!r.ok) throw new Error(`data/assets.geojson: ${r.status}`);
    return r.json();
  }).then((fc) => new Map(fc.features.map((/** @type {any} */ f) => [String(f.id ?? f.properties.id), f])));
  return assetsByID;
}

/**
 * showDetails lists an asset's properties (the bundled GeoJSON's, else the
 * tile's) in the panel, as text.
 * @param {Record<string, any>} props the tile feature's properties
 */
async function showDetails(props) {
  const list = /** @type {HTMLElement} */ (document.getElementById('details-list'));
  const hint = /** @type {HTMLElement} */ (document.getElementById('details-hint'));
  let shown = props;
  try {
    const f = (await assets()).get(String(props.id));
    if (f) shown = { ...f.properties, id: props.id };
  } catch (err) {
    console.warn('atlas: asset details from the tile only:', err);
  }
  list.replaceChildren();
  for (const [key, value] of Object.entries(shown)) {
    if (value === null || value === undefined || value === '') continue;
    const dt = document.createElement('dt');
    dt.textContent = key.replace(/_/g, ' ');
    const dd = document.createElement('dd');
    dd.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
    list.append(dt, dd);
  }
  list.dataset.id = String(props.id ?? '');
  hint.textContent = shown.name ? String(shown.name) : 'Asset';
  list.hidden = false;
}

/** @param {LegendEntry[]} entries */
function showLegend(entries) {
  const ul = /** @type {HTMLElement} */ (document.getElementById('legend'));
  for (const e of entries) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.borderColor = e.colour;
    li.append(sw, document.createTextNode(e.title));
    li.dataset.layer = e.layer;
    ul.append(li);
  }
}

async function start() {
  const protocol = new pmtiles.Protocol();
  maplibregl.addProtocol('pmtiles', protocol.tile);
  const res = await fetch(here + 'style.json');
  if (!res.ok) throw new Error(`style.json: ${res.status}`);
  const style = await res.json();
  style.glyphs = here + style.glyphs;
  for (const src of Object.values(style.sources)) {
    const s = /** @type {any} */ (src);
    if (typeof s.url === 'string' && s.url.startsWith('pmtiles://')) s.url = 'pmtiles://' + here + s.url.slice('pmtiles://'.length);
  }
  showLegend(style.metadata?.['placemap:legend'] ?? []);
  const map = new maplibregl.Map({ container: 'map', style, hash: true, attributionControl: { compact: false } });
  map.addControl(new maplibregl.NavigationControl({}), 'top-right');
  map.on('click', 'assets', (e) => {
    const f = e.features && e.features[0];
    if (!f) return;
    if (f.properties.count) {
      map.easeTo({ center: e.lngLat, zoom: map.getZoom() + 2 });
      return;
    }
    void showDetails(f.properties);
  });
  map.on('mouseenter', 'assets', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'assets', () => { map.getCanvas().style.cursor = ''; });
  await new Promise((resolve) => map.once('load', resolve));
  return map;
}

/** The handle the browser test reads: the map once loaded. */
/** @type {any} */ (window).atlas = { ready: start(), showDetails };
export {};
