// Copies the MapLibre GL JS browser build from node_modules into
// web/vendor/maplibre-gl/ so the Go server can embed and serve it without npm.
//
// Usage: npm install && npm run vendor   (then commit web/vendor/)
//
// The trailing "//# sourceMappingURL=..." comment is removed from the script
// because the (large) source map is not vendored; leaving it would make
// browser developer tools request a file the server does not have.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

let pkgDir;
try {
  pkgDir = dirname(require.resolve('maplibre-gl/package.json'));
} catch {
  console.error('vendor: maplibre-gl is not installed; run "npm install" first');
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const dist = join(pkgDir, 'dist');
const out = join(here, 'vendor', 'maplibre-gl');
mkdirSync(out, { recursive: true });

const js = readFileSync(join(dist, 'maplibre-gl.js'), 'utf8')
  .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
writeFileSync(join(out, 'maplibre-gl.js'), js);

const css = readFileSync(join(dist, 'maplibre-gl.css'), 'utf8')
  .replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, '\n');
writeFileSync(join(out, 'maplibre-gl.css'), css);

const licence = existsSync(join(dist, 'LICENSE.txt')) ? join(dist, 'LICENSE.txt') : join(pkgDir, 'LICENSE.txt');
copyFileSync(licence, join(out, 'LICENSE.txt'));

writeFileSync(join(out, 'VERSION'), pkg.version + '\n');
console.log(`vendor: maplibre-gl ${pkg.version} -> ${out}`);
