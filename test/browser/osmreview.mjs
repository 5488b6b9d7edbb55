#!/usr/bin/env node
// Browser test of the OSM review on the placemap web map, in headless
// Chromium driven by playwright-core, like edit.mjs.
//
// Usage: node test/browser/osmreview.mjs BASE_URL OUTDIR EMAIL PASSWORD
//   e.g. placemap demo --data DIR
//        echo 'a long enough password' | placemap user add ed@example.org --role editor --password-stdin --data DIR
//        placemap serve --addr 127.0.0.1:8095 --data DIR --no-demo &
//        node test/browser/osmreview.mjs http://127.0.0.1:8095 testout/browser-osmreview ed@example.org 'a long enough password'
//
// EMAIL must be an editor (or above), and the data the fresh demo. The test
// writes a small OSM XML file (made up for the test, not OSM data): a node
// 20 m from the demo's Broomhill Library with the same name, opening hours
// and wheelchair=yes, and a community hall named <img src=x onerror=alert(1)>.
// Steps, each with a screenshot in OUTDIR: sign in; upload the file in "OSM
// review" (the list must show one match, one object only in OSM and 28
// libraries only here); take OSM's opening_hours for the match (the library
// must then have them, and a link to the node); add the hall (it must appear
// as an asset, its name shown as text, never as an element); keep a library
// out of OSM, first without a reason (refused in the form) then with one
// (the osmChange export must then leave it out); the panel's "Give back to
// OSM" part must then say what the files hold (27 new nodes), list the
// library kept out with why, name the keys not written (statutory_2016,
// weekly_opening_hours), and offer "Download osmChange" and "Download for
// JOSM", whose download holds exactly what the summary says and no
// placemap key; conflating a Leeds file (far from Sheffield) must warn with
// the overlap (0 of 29) and leave the export as it was. The file declares
// <bounds> around Sheffield, so the 28 libraries OSM lacks are on its
// ground. Fails on any console or page error, failed request or request to
// another host.
import { readFile } from 'node:fs/promises';
import { harness, expect, readyToEdit, fetchAsset, STEP_TIMEOUT } from './harness.mjs';

const [, , BASE_ARG, , EMAIL, PASSWORD] = process.argv;
if (!BASE_ARG || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/osmreview.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const BASE = BASE_ARG.endsWith('/') ? BASE_ARG : `${BASE_ARG}/`;
const HALL = '<img src=x onerror=alert(1)>';

const { shot, step, run } = harness('osmreview.mjs');

function xmlEscape(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function apiJSON(path) {
  const res = await fetch(new URL(path, BASE).href, { headers: { Accept: 'application/json' } });
  return { status: res.status, body: res.status === 200 ? await res.json() : null, headers: res.headers };
}

run(async ({ page }) => {
  let library = null;
  let keptOut = '';
  await step('load', async () => {
    const r = await apiJSON('api/assets?q=Broomhill&category=library');
    expect(r.status === 200 && r.body.features.length === 1, `the demo should have one Broomhill library, has ${r.body && r.body.features.length}`);
    library = r.body.features[0];
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    expect(await page.locator('#osm-review').isHidden(), 'the OSM review should be hidden from visitors');
    return { library: library.properties.name };
  });

  await step('sign-in', async () => {
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#osm-review').waitFor({ state: 'visible' });
    await shot(page, 'step-01-signed-in.png');
    return {};
  });

  await step('upload', async () => {
    const [lon, lat] = library.geometry.coordinates;
    const osm = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="placemap browser test">
  <bounds minlat="53.2800000" minlon="-1.6500000" maxlat="53.5200000" maxlon="-1.3000000"/>
  <node id="9000000001" version="3" timestamp="2026-01-01T00:00:00Z" lat="${(lat + 0.00015).toFixed(7)}" lon="${lon.toFixed(7)}">
    <tag k="amenity" v="library"/>
    <tag k="name" v="${xmlEscape(library.properties.name)}"/>
    <tag k="opening_hours" v="Mo-Sa 10:00-16:00"/>
    <tag k="wheelchair" v="yes"/>
  </node>
  <node id="9000000002" version="1" timestamp="2026-01-01T00:00:00Z" lat="53.3700000" lon="-1.4500000">
    <tag k="amenity" v="community_centre"/>
    <tag k="community_centre" v="community_hall"/>
    <tag k="name" v="${xmlEscape(HALL)}"/>
  </node>
</osm>
`;
    await page.locator('#osm-review-file').setInputFiles({ name: 'test-broomhill.osm', mimeType: 'application/xml', buffer: Buffer.from(osm) });
    await page.locator('#osm-review-run').click();
    await page.locator('#osm-review-notice', { hasText: 'Conflated test-broomhill.osm' }).waitFor({ timeout: STEP_TIMEOUT });
    const counts = await page.evaluate(() => {
      const out = {};
      for (const li of document.querySelectorAll('#osm-review-list li.proposal')) out[li.dataset.outcome] = (out[li.dataset.outcome] || 0) + 1;
      return out;
    });
    expect(counts.matched === 1 && counts.only_osm === 1 && counts.only_local === 28 && !counts.ambiguous,
      `the list should hold 1 match, 1 only in OSM and 28 only here, holds ${JSON.stringify(counts)}`);
    await shot(page, 'step-02-uploaded.png');
    return { counts };
  });

  await step('accept-match', async () => {
    await page.locator('#osm-review-filter').selectOption('matched');
    const li = page.locator('#osm-review-list li[data-outcome="matched"]');
    await li.waitFor();
    const keys = await li.locator('table.differences tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.key));
    expect(keys.includes('opening_hours') && keys.includes('wheelchair'), `the differences should list opening_hours and wheelchair, list ${keys}`);
    await li.locator('button.show-btn').click();
    expect(await page.evaluate(() => !!window.placemap.map.getSource('osm-review')), 'Show on map should draw the pair');
    await li.locator('tr[data-key="opening_hours"] input.take-osm').check();
    await shot(page, 'step-03-match.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/accept')),
      li.locator('button.accept-btn').click(),
    ]);
    expect(res.status() === 200, `accept should answer 200, got ${res.status()}`);
    expect(JSON.parse(res.request().postData()).take.join() === 'opening_hours', 'accept should send take: ["opening_hours"]');
    await page.locator('#osm-review-notice', { hasText: 'Accepted' }).waitFor();
    const a = await fetchAsset(BASE, library.properties.id);
    expect(a.body.properties.opening_hours === 'Mo-Sa 10:00-16:00', `the library should take OSM's hours, has ${a.body.properties.opening_hours}`);
    expect(a.body.properties.tags && a.body.properties.tags['placemap:osm'] === 'osm:node/9000000001', 'the library should be linked to node 9000000001');
    expect(!(a.body.properties.tags || {}).wheelchair, 'wheelchair was not taken and should not be set');
    await shot(page, 'step-04-match-accepted.png');
    return { version: a.body.properties.version };
  });

  await step('add-osm-only', async () => {
    await page.locator('#osm-review-filter').selectOption('only_osm');
    const li = page.locator('#osm-review-list li[data-outcome="only_osm"]');
    await li.waitFor();
    const title = await li.locator('.suggestion-title strong').textContent();
    expect(title === HALL, `the hall's name should show as text, shows ${title}`);
    expect(await page.locator('#osm-review-list img').count() === 0, 'no element should be made from the name');
    await li.locator('button.accept-btn').click();
    await page.locator('#osm-review-notice', { hasText: 'Accepted' }).waitFor();
    const r = await apiJSON('api/assets?q=onerror');
    expect(r.body.features.length === 1 && r.body.features[0].properties.source_id === 'osm:node/9000000002' &&
      r.body.features[0].properties.licence === 'ODbL-1.0', `the hall should be an asset from OSM, found ${JSON.stringify(r.body.features.map((f) => f.properties))}`);
    await shot(page, 'step-05-added.png');
    return {};
  });

  await step('keep-out', async () => {
    await page.locator('#osm-review-filter').selectOption('only_local');
    const li = page.locator('#osm-review-list li[data-outcome="only_local"]').first();
    await li.waitFor();
    const id = await li.getAttribute('data-id');
    const name = await li.locator('.suggestion-title strong').textContent();
    await li.locator('button.reject-btn').click();
    await li.locator('.field-error', { hasText: 'Say why' }).waitFor();
    await li.locator('input.reject-reason').fill('closed for rebuilding until 2027');
    await li.locator('button.reject-btn').click();
    await page.locator('#osm-review-notice', { hasText: 'Rejected' }).waitFor();
    expect(await page.locator(`#osm-review-list li[data-id="${id}"]`).count() === 0, 'the decided line should leave the list');
    const res = await fetch(new URL('api/export/osmchange', BASE).href);
    const osc = await res.text();
    expect(res.status === 200 && !osc.includes(`v="${name}"`), `the osmChange export should leave ${name} out`);
    expect(!osc.includes('v="Mo-Sa 10:00-16:00"'), 'the linked library is OSM\'s already and should not be offered as new');
    await shot(page, 'step-06-kept-out.png');
    keptOut = name;
    return { keptOut: name, blocked: res.headers.get('x-placemap-blocked') };
  });

  await step('export-panel', async () => {
    const summary = page.locator('#osm-export-summary');
    await summary.waitFor();
    const text = await summary.textContent();
    expect(text.includes('27 new objects (27 nodes, 0 ways) and 0 modifications'), `the summary should count 27 new nodes, says ${text}`);
    expect(text.includes('1 asset blocked, 0 left out until reviewed, 2 in OSM already'), `the summary should count the blocked and OSM's own, says ${text}`);
    const blocked = await page.locator('#osm-export-blocked li').evaluateAll((lis) => lis.map((li) => li.textContent));
    expect(blocked.length === 1 && blocked[0].includes(keptOut) && blocked[0].includes('kept out of OSM on review: closed for rebuilding until 2027'),
      `the blocked list should show ${keptOut} with why, shows ${JSON.stringify(blocked)}`);
    const unmapped = await page.locator('#osm-export-unmapped').textContent();
    expect(unmapped.includes('statutory_2016') && unmapped.includes('weekly_opening_hours'), `the keys not written should be named, are: ${unmapped}`);
    const osc = page.getByRole('link', { name: 'Download osmChange' });
    const josm = page.getByRole('link', { name: 'Download for JOSM' });
    expect(await osc.isVisible() && await josm.isVisible(), 'both download buttons should show');
    expect(await josm.getAttribute('href') === 'api/export/josm', 'Download for JOSM should fetch the JOSM file');
    await shot(page, 'step-07-export.png');
    const [download] = await Promise.all([page.waitForEvent('download'), osc.click()]);
    const file = await readFile(await download.path(), 'utf8');
    const nodes = (file.match(/<node /g) || []).length;
    expect(download.suggestedFilename() === 'placemap.osc', `the download should be placemap.osc, is ${download.suggestedFilename()}`);
    expect(nodes === 27 && !file.includes('<modify>'), `the osmChange should hold the 27 new nodes the summary counts, holds ${nodes}`);
    for (const key of ['statutory_2016', 'weekly_opening_hours', 'placemap:', 'libraries_hacked:', 'osm:version']) {
      expect(!file.includes(`k="${key}`), `the osmChange should carry no ${key} tag`);
    }
    expect(!file.includes(`v="${keptOut}"`), `the osmChange should leave ${keptOut} out`);
    return { nodes, blocked: blocked.length };
  });

  await step('far-away-file', async () => {
    const leeds = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="placemap browser test">
  <bounds minlat="53.7800000" minlon="-1.6000000" maxlat="53.8300000" maxlon="-1.5000000"/>
  <node id="9000000003" version="1" timestamp="2026-01-01T00:00:00Z" lat="53.8000000" lon="-1.5500000">
    <tag k="amenity" v="library"/>
    <tag k="name" v="Central Library"/>
  </node>
</osm>
`;
    await page.locator('#osm-review-filter').selectOption('');
    await page.locator('#osm-review-file').setInputFiles({ name: 'leeds.osm', mimeType: 'application/xml', buffer: Buffer.from(leeds) });
    await page.locator('#osm-review-run').click();
    await page.locator('#osm-review-notice', { hasText: 'Conflated leeds.osm' }).waitFor({ timeout: STEP_TIMEOUT });
    const notice = await page.locator('#osm-review-notice').textContent();
    expect(notice.includes('Warning: leeds.osm covers 0 of the 30 assets here (0% overlap'), `the notice should warn with the overlap, says ${notice}`);
    const warning = page.locator('#osm-review-coverage');
    expect(await warning.isVisible() && (await warning.textContent()).includes('covers 0 of the 30 assets'), 'the panel should keep the coverage warning');
    const onlyHere = await page.locator('#osm-review-list li[data-outcome="only_local"]').count();
    expect(onlyHere === 27, `the Sheffield lines should stay pending (27 only here), ${onlyHere} are`);
    const text = await page.locator('#osm-export-summary').textContent();
    expect(text.includes('27 new objects'), `the export should still hold the 27, says ${text}`);
    await shot(page, 'step-08-far-away.png');
    return { onlyHere };
  });
});
