// Validates a MapLibre style with @maplibre/maplibre-gl-style-spec, the
// validator MapLibre itself uses, and prints its errors one a line.
//
//   node test/js/validate-style.mjs FILE
//
// Exit status 1 when the style has errors, 2 on a usage or read error.
import { readFileSync } from 'node:fs';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node validate-style.mjs FILE');
  process.exit(2);
}
let style;
try {
  style = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`read ${file}: ${err.message}`);
  process.exit(2);
}
const errors = validateStyleMin(style);
for (const e of errors) {
  console.log(e.message);
}
process.exit(errors.length ? 1 : 0);
