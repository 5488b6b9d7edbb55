#!/usr/bin/env node
// Browser test of the static atlas ("placemap export site"), served by a
// plain static file server that answers byte ranges: the page loads the
// vendored MapLibre and pmtiles, the map draws the boundary sets and the
// assets from placemap.pmtiles (read by ranges: 206 answers), a click on an
// asset shows its details from the bundled GeoJSON, the about page lists
// each set's licence and the downloads, and axe finds nothing serious.
//
// Usage: node test/browser/atlas.mjs BASE_URL OUTDIR
import { harness, axeCheck } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, run } = harness('atlas.mjs');

/** idle waits until the atlas's map has drawn every tile it needs. */
async function idle(page) {
  await page.evaluate((timeout) => window.atlas.ready.then((map) => new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`map not idle after ${timeout} ms`)), timeout);
    map.once('idle', () => { clearTimeout(timer); res(); });
    map.triggerRepaint();
  })), STEP_TIMEOUT);
}

/** rendered counts the features the map draws in a style layer. */
async function rendered(page, layer) {
  return page.evaluate((layer) => window.atlas.ready.then((map) => map.queryRenderedFeatures({ layers: [layer] }).length), layer);
}

run(async ({ page }) => {
  const ranges = [];
  page.on('response', (res) => {
    if (res.url().endsWith('/placemap.pmtiles')) ranges.push(`${res.status()} ${res.request().headers().range || ''}`);
  });

  await step('open', async () => {
    const resp = await page.goto(BASE + 'index.html', { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE}index.html should answer 2xx`);
    await page.waitForFunction(() => window.atlas && window.atlas.ready, null, { timeout: STEP_TIMEOUT });
    const err = await page.evaluate(() => window.atlas.ready.then(() => null, (e) => String(e && e.message || e)));
    expect(err === null, `the atlas did not start: ${err}`);
    await idle(page);
    const counts = {};
    for (const layer of ['fill:wards-2019', 'line:wards-2019', 'line:community-neighbourhoods', 'label:wards-2019', 'assets']) {
      counts[layer] = await rendered(page, layer);
      expect(counts[layer] > 0, `the map draws nothing in ${layer}`);
    }
    expect(ranges.length > 0 && ranges.every((r) => r.startsWith('206 bytes=')),
      `placemap.pmtiles should be read by byte ranges (206), got ${ranges.join(', ')}`);
    const legend = await page.locator('#legend li').allTextContents();
    expect(legend.some((t) => t.includes('wards')), `legend: ${legend.join(', ')}`);
    await shot(page, 'atlas.png');
    return { ...counts, range_requests: ranges.length };
  });

  await step('click-asset', async () => {
    // An asset of the bundled data, shown near enough to click alone.
    const asset = await page.evaluate(async () => {
      const fc = await (await fetch('data/assets.geojson')).json();
      const f = fc.features.find((f) => f.geometry && f.geometry.type === 'Point');
      return { id: String(f.id ?? f.properties.id), name: f.properties.name, coords: f.geometry.coordinates };
    });
    await page.evaluate((c) => window.atlas.ready.then((map) => map.jumpTo({ center: c, zoom: 15 })), asset.coords);
    await idle(page);
    const pt = await page.evaluate((c) => window.atlas.ready.then((map) => map.project(c)), asset.coords);
    const box = await page.locator('#map canvas').boundingBox();
    expect(box, 'the map has no canvas');
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    await page.locator('#details-list:not([hidden])').waitFor({ timeout: STEP_TIMEOUT });
    const id = await page.locator('#details-list').getAttribute('data-id');
    const text = await page.locator('#details').textContent();
    expect(text.includes(asset.name), `details should name ${asset.name}: ${text}`);
    expect(id === asset.id || text.includes(asset.name), `details of ${id}, clicked ${asset.id}`);
    // From the bundled GeoJSON: fields the tile does not carry.
    const fields = await page.locator('#details-list dt').allTextContents();
    expect(fields.includes('source') || fields.includes('licence'), `details fields from the bundled data: ${fields.join(', ')}`);
    await shot(page, 'atlas-details.png');
    return { asset: asset.name, fields: fields.length, ...(await axeCheck(page, 'atlas')) };
  });

  await step('about', async () => {
    await page.locator('a[href="about.html"]').click();
    await page.locator('#sets li').first().waitFor();
    const sets = await page.locator('#sets li').allTextContents();
    expect(sets.length === 2 && sets.every((s) => s.includes('Licence:')), `about: sets ${sets.join(' | ')}`);
    const links = await page.locator('#downloads a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of links) {
      const status = await page.evaluate((h) => fetch(h, { method: 'HEAD' }).then((r) => r.status), href);
      expect(status === 200, `download ${href}: HTTP ${status}`);
    }
    return { downloads: links.length, ...(await axeCheck(page, 'about')) };
  });
});
