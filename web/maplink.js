// @ts-check
// The Map view's address: where the map is, what it shows and what is
// selected, written in the location hash so a copied address reopens
// exactly that view:
//   #map?at=ZOOM/LAT/LON&sets=SLUG,SLUG&assets=off&asset=ID
//   #map?at=ZOOM/LAT/LON&sets=SLUG&area=SLUG/CODE&panel=in-view
// at is rounded to what can be seen at that zoom; sets lists the boundary
// sets shown (empty: none); assets=off hides the assets (shown when left
// out); asset or area is the selection, its details open in the panel;
// panel lists the panel's folding sections that are open (MAP_PANELS).
// Every part may be left out: what is missing stays as it is.
// Pure functions only (the node tests run them); router.js and
// map/link.js use them.

/** The folding sections of the Map view's panel the address can name as open. */
export const MAP_PANELS = Object.freeze(['in-view', 'about']);

/**
 * The Map view's state as its address holds it. A part left out (undefined)
 * was not in the address.
 * @typedef {object} MapLink
 * @property {{lon: number, lat: number, zoom: number}} [at]
 * @property {string[]} [sets] the boundary sets shown, in list order
 * @property {boolean} [assets] whether the assets are shown
 * @property {string} [asset] the asset selected
 * @property {{slug: string, code: string}} [area] the area selected
 * @property {string[]} [panel] the panel's sections open, in MAP_PANELS order
 */

/** @param {string} s */
function decode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * parseMapQuery reads the part of a #map hash after '?' into a MapLink;
 * parts it cannot read are left out.
 * @param {string} query
 * @returns {MapLink}
 */
export function parseMapQuery(query) {
  /** @type {MapLink} */
  const link = {};
  for (const pair of String(query || '').split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    switch (key) {
      case 'at': {
        const [z, lat, lon] = decode(raw).split('/').map(Number);
        if ([z, lat, lon].every(Number.isFinite) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && z >= 0 && z <= 24) {
          link.at = { lon, lat, zoom: z };
        }
        break;
      }
      case 'sets':
        link.sets = raw ? raw.split(',').map(decode).filter(Boolean) : [];
        break;
      case 'assets':
        link.assets = raw !== 'off';
        break;
      case 'asset':
        if (raw) link.asset = decode(raw);
        break;
      case 'area': {
        const slash = raw.indexOf('/');
        if (slash > 0 && slash < raw.length - 1) link.area = { slug: decode(raw.slice(0, slash)), code: decode(raw.slice(slash + 1)) };
        break;
      }
      case 'panel': {
        const open = new Set(raw.split(',').map(decode));
        link.panel = MAP_PANELS.filter((p) => open.has(p));
        break;
      }
      default:
    }
  }
  return link;
}

/**
 * roundAt rounds a position to what can be told apart at its zoom (as
 * MapLibre's own hash does): the zoom to 2 decimals, the coordinates to
 * more the closer in.
 * @param {{lon: number, lat: number, zoom: number}} at
 * @returns {{zoom: string, lat: string, lon: string}}
 */
export function roundAt(at) {
  const zoom = Math.round(at.zoom * 100) / 100;
  const digits = Math.max(0, Math.min(7, Math.ceil((zoom * Math.LN2 + Math.log(512 / 360 / 0.5)) / Math.LN10)));
  /** @param {number} x */
  const fix = (x) => String(Number(x.toFixed(digits)));
  let lon = at.lon;
  while (lon > 180) lon -= 360;
  while (lon < -180) lon += 360;
  return { zoom: String(zoom), lat: fix(at.lat), lon: fix(lon) };
}

/**
 * mapQueryFor writes a MapLink as the part of a #map hash after '?' ('' when
 * it has nothing).
 * @param {MapLink} link
 * @returns {string}
 */
export function mapQueryFor(link) {
  const e = encodeURIComponent;
  const parts = [];
  if (link.at) {
    const r = roundAt(link.at);
    parts.push(`at=${r.zoom}/${r.lat}/${r.lon}`);
  }
  if (link.sets) parts.push(`sets=${link.sets.map(e).join(',')}`);
  if (link.assets === false) parts.push('assets=off');
  if (link.asset) parts.push(`asset=${e(link.asset)}`);
  else if (link.area && link.area.slug && link.area.code) parts.push(`area=${e(link.area.slug)}/${e(link.area.code)}`);
  const panel = MAP_PANELS.filter((p) => link.panel && link.panel.includes(p));
  if (panel.length) parts.push(`panel=${panel.join(',')}`);
  return parts.join('&');
}

/**
 * mapHashFor is the whole #map hash of a MapLink.
 * @param {MapLink} link
 * @returns {string}
 */
export function mapHashFor(link) {
  const q = mapQueryFor(link);
  return q ? `#map?${q}` : '#map';
}

/**
 * mapLinkOf reads the Map view's state: the shared state (its ticked sets,
 * assets and selection) and where the map is. select, when given, is the
 * selection to write instead of the current one.
 * @param {{sets: {slug: string}[], visible: Map<string, boolean>, assetsVisible: boolean,
 *   selectedAsset: string | null, selectedArea: {slug: string, code: string} | null}} state
 * @param {{getCenter(): {lng: number, lat: number}, getZoom(): number} | null} map
 * @param {{asset?: string | null, area?: {slug: string, code: string} | null}} [select]
 * @returns {MapLink}
 */
export function mapLinkOf(state, map, select) {
  /** @type {MapLink} */
  const link = {};
  if (map) {
    const c = map.getCenter();
    link.at = { lon: c.lng, lat: c.lat, zoom: map.getZoom() };
  }
  link.sets = state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.slug);
  if (!state.assetsVisible) link.assets = false;
  const asset = select ? select.asset : state.selectedAsset;
  const area = select ? select.area : state.selectedArea;
  if (asset) link.asset = String(asset);
  else if (area) link.area = { slug: area.slug, code: area.code };
  return link;
}
