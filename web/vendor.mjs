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

// terra-draw (polygon drawing and editing) and its MapLibre adapter: the UMD
// builds, loaded by <script> like maplibre-gl.js, which set the globals
// window.terraDraw and window.terraDrawMaplibreGlAdapter. Neither package
// ships a licence file, so the MIT licence named in its package.json is
// written out with the author it names.
const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;
const tdOut = join(here, 'vendor', 'terra-draw');
mkdirSync(tdOut, { recursive: true });
const versions = [];
for (const name of ['terra-draw', 'terra-draw-maplibre-gl-adapter']) {
  let dir;
  try {
    // Their "exports" do not list package.json: walk up from the entry point.
    dir = dirname(require.resolve(name));
    while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  } catch {
    console.error(`vendor: ${name} is not installed; run "npm install" first`);
    process.exit(1);
  }
  const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const file of [`${name}.umd.js`, `${name}.module.js`]) {
    const src = readFileSync(join(dir, 'dist', file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    writeFileSync(join(tdOut, file), src);
  }
  const lic = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => join(dir, f)).find(existsSync);
  const licText = lic ? readFileSync(lic, 'utf8')
    : `${name} ${p.version}: ${p.license} License (from its package.json; https://github.com/${p.repository})\n\nCopyright (c) ${p.author}\n\n${MIT}`;
  writeFileSync(join(tdOut, `LICENSE-${name}.txt`), licText);
  versions.push(`${name} ${p.version}`);
}
writeFileSync(join(tdOut, 'VERSION'), versions.join('\n') + '\n');
console.log(`vendor: ${versions.join(', ')} -> ${tdOut}`);

// pmtiles: the browser build (an IIFE setting the global window.pmtiles, with
// fflate bundled), for the static atlas of "placemap export site", whose map
// reads its tiles from one PMTiles file by HTTP byte ranges. The package ships
// no licence file; its package.json names BSD-3-Clause, written out here.
let pmDir;
try {
  pmDir = dirname(require.resolve('pmtiles/package.json'));
} catch {
  console.error('vendor: pmtiles is not installed; run "npm install" first');
  process.exit(1);
}
const pm = JSON.parse(readFileSync(join(pmDir, 'package.json'), 'utf8'));
const pmOut = join(here, 'vendor', 'pmtiles');
mkdirSync(pmOut, { recursive: true });
writeFileSync(join(pmOut, 'pmtiles.js'),
  readFileSync(join(pmDir, 'dist', 'pmtiles.js'), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
writeFileSync(join(pmOut, 'LICENSE.txt'), `pmtiles ${pm.version}: ${pm.license} License (from its package.json; ${pm.homepage})

Copyright (c) ${pm.author}

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
`);
writeFileSync(join(pmOut, 'VERSION'), pm.version + '\n');
console.log(`vendor: pmtiles ${pm.version} -> ${pmOut}`);
