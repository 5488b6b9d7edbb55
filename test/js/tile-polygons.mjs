// Decodes many Mapbox Vector Tiles with @mapbox/vector-tile, the reader
// MapLibre uses, and prints each polygon feature twice for the Go tests to
// check: as the reader's GeoJSON (longitude/latitude) and as the rings it
// read in tile coordinates (loadGeometry, each ring closed), so a test can
// see rings the GeoJSON conversion drops (zero area) as well.
//
//   node test/js/tile-polygons.mjs MANIFEST.json
//
// MANIFEST is [{"file", "z", "x", "y"}]. Output: one JSON line per tile,
// {"file", "features": [{"layer", "id", "type", "geometry", "rings"}]},
// polygon features only.
import { readFileSync } from 'node:fs';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

const [manifest] = process.argv.slice(2);
if (!manifest) {
  console.error('usage: node tile-polygons.mjs MANIFEST.json');
  process.exit(2);
}
for (const { file, z, x, y } of JSON.parse(readFileSync(manifest, 'utf8'))) {
  const tile = new VectorTile(new PbfReader(readFileSync(file)));
  const features = [];
  for (const [name, layer] of Object.entries(tile.layers)) {
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      if (f.type !== 3) continue;
      const rings = f.loadGeometry().map((r) => r.map((p) => [p.x, p.y]));
      const gj = f.toGeoJSON(x, y, z);
      features.push({ layer: name, id: f.id, type: gj.geometry.type, geometry: gj.geometry, rings });
    }
  }
  process.stdout.write(JSON.stringify({ file, features }) + '\n');
}
