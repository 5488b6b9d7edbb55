// Decodes Mapbox Vector Tiles with @mapbox/vector-tile, an independent
// reader, and prints what it found as JSON for the Go tests to check.
//
//   node test/js/decode-tile.mjs Z X Y FILE
//
// Output: {"layers": {NAME: {"version", "extent", "features": [{"id", "type",
// "properties", "geometry"}]}}} with geometries in longitude/latitude.
import { readFileSync } from 'node:fs';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

const [z, x, y, file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node decode-tile.mjs Z X Y FILE');
  process.exit(2);
}
const tile = new VectorTile(new PbfReader(readFileSync(file)));
const out = { layers: {} };
for (const [name, layer] of Object.entries(tile.layers)) {
  const features = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    const gj = f.toGeoJSON(Number(x), Number(y), Number(z));
    features.push({ id: f.id, type: gj.geometry.type, properties: f.properties, geometry: gj.geometry });
  }
  out.layers[name] = { version: layer.version, extent: layer.extent, features };
}
process.stdout.write(JSON.stringify(out));
