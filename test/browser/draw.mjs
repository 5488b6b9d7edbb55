#!/usr/bin/env node
// Browser test of drawing areas with terra-draw on the placemap web map, in
// headless Chromium driven by playwright-core, like edit.mjs.
//
// Usage: node test/browser/draw.mjs BASE_URL OUTDIR EMAIL PASSWORD
//   e.g. placemap demo --data DIR
//        echo 'a long enough password' | placemap user add ed@example.org --role editor --password-stdin --data DIR
//        placemap serve --addr 127.0.0.1:8094 --data DIR --no-demo &
//        node test/browser/draw.mjs http://127.0.0.1:8094 testout/browser-draw ed@example.org 'a long enough password'
//
// EMAIL must be an editor (or above), and the data fresh (the redrawn ward
// must be at version 1). Steps, each with a screenshot in OUTDIR: sign in;
// "Add asset" -> "Draw the site as an area", four corners clicked and the
// first clicked again to close, the form filled and saved (GET api/assets/{id}
// must answer a Polygon); a ward of wards-2013 opened, "Redraw this area",
// one corner dragged, saved (its ETag must go from "1" to "2" and that corner
// must have moved). Fails on any console or page error, failed request or
// request to another host (the harness's checks).
import { harness, expect, STEP_TIMEOUT } from './harness.mjs';

const [, , , , EMAIL, PASSWORD] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/draw.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}

const { shot, step, run, canvasBox } = harness('draw.mjs');
const SET = 'wards-2013';
const NAME = 'Drawn site (browser test)';

// settle waits (polling, not on 'idle') until the map has loaded what it
// shows, and, given an asset id, until that asset's site is drawn.
async function settle(page, siteId = null) {
  await page.waitForFunction((id) => {
    const map = window.placemap.map;
    if (map.isMoving() || !map.loaded() || !map.areTilesLoaded()) return false;
    if (!id) return true;
    return map.queryRenderedFeatures({ layers: [window.placemap.layerIds.assetSites] }).some((f) => String(f.properties.id) === id);
  }, siteId, { timeout: STEP_TIMEOUT, polling: 200 });
}

async function getJSON(page, path) {
  return page.evaluate(async (path) => {
    const r = await fetch(path, { cache: 'no-store' });
    return { status: r.status, etag: r.headers.get('ETag'), body: await r.json() };
  }, path);
}

run(async ({ page }) => {
  await step('load', async () => {
    await page.goto(new URL('./', process.argv[2].endsWith('/') ? process.argv[2] : process.argv[2] + '/').href, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready && window.placemap.edit);
    await page.evaluate(() => window.placemap.ready);
    expect(await page.evaluate(() => !!(window.terraDraw && window.terraDraw.TerraDraw && window.terraDrawMaplibreGlAdapter)),
      'the vendored terra-draw scripts should define window.terraDraw and window.terraDrawMaplibreGlAdapter');
    await settle(page);
    return {};
  });

  await step('sign-in', async () => {
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#add-asset').waitFor({ state: 'visible' });
    await shot(page, 'step-01-signed-in.png');
    return {};
  });

  let id = '';
  await step('draw-site', async () => {
    await page.locator('#add-asset').click();
    await page.locator('#banner-draw-area').click();
    await page.waitForFunction(() => window.placemap.edit.active === 'draw');
    const box = await canvasBox(page);
    const cx = box.x + box.width * 0.7;
    const cy = box.y + box.height * 0.5;
    const corners = [[cx - 60, cy - 50], [cx + 60, cy - 50], [cx + 70, cy + 40], [cx - 50, cy + 50]];
    for (const [x, y] of corners) {
      await page.mouse.move(x, y, { steps: 3 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(250);
    }
    await shot(page, 'step-02-drawing.png');
    // Close the outline on its first corner.
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 3 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    await page.locator('#af-name').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => window.placemap.edit.active) === 'add-area', 'closing the outline should open the form for the new site');
    await page.locator('#af-name').fill(NAME);
    const cat = await page.locator('#af-category option').nth(1).getAttribute('value');
    await page.locator('#af-category').selectOption(cat);
    await shot(page, 'step-03-site-form.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/assets'),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 201, `POST /api/assets should answer 201, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.geometry.type === 'Polygon' && sent.geometry.coordinates[0].length === 5,
      `POST should send a Polygon of four corners, sent ${JSON.stringify(sent.geometry)}`);
    const body = await res.json();
    id = String(body.id || (body.properties && body.properties.id));
    const got = await getJSON(page, `/api/assets/${encodeURIComponent(id)}`);
    expect(got.status === 200 && got.body.geometry && got.body.geometry.type === 'Polygon',
      `GET /api/assets/${id} should answer a Polygon, got ${got.status} ${got.body.geometry && got.body.geometry.type}`);
    await page.locator('#edit-notice').waitFor();
    // The new site is drawn once the asset tiles are reloaded.
    await settle(page, id);
    await shot(page, 'step-04-site-saved.png');
    return { id };
  });

  await step('redraw-area', async () => {
    // A ward near the middle of the view.
    await page.evaluate((slug) => window.placemap.setSetVisibility(slug, true), SET);
    await settle(page);
    const code = await page.evaluate((slug) => {
      const map = window.placemap.map;
      const c = map.getCanvas();
      const f = map.queryRenderedFeatures([c.clientWidth * 0.7, c.clientHeight * 0.5], { layers: [window.placemap.layerIds.set(slug).fill] });
      return f.length ? String(f[0].properties.code) : '';
    }, SET);
    expect(code, `no ${SET} area found in the middle of the map`);
    const path = `/api/sets/${SET}/areas/${encodeURIComponent(code)}`;
    const before = await getJSON(page, path);
    expect(before.etag === '"1"', `${path} should start at ETag "1", has ${before.etag}`);
    await page.evaluate(([slug, code]) => window.placemap.openArea(slug, code, { fit: true }), [SET, code]);
    await page.locator('#area-redraw').click();
    await page.locator('#redraw-save').waitFor({ state: 'visible', timeout: 5000 }).catch(async () => {
      expect(false, `Redraw this area did not open the redraw form; status: ${await page.locator('#app-status').textContent()}`);
    });
    expect(await page.evaluate(() => window.placemap.edit.active) === 'redraw', 'Redraw this area should start redrawing');
    await settle(page);
    // The easternmost corner of the outer ring, on screen.
    const g = before.body.geometry;
    const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
    let k = 0;
    for (let i = 0; i < ring.length - 1; i++) if (ring[i][0] > ring[k][0]) k = i;
    const corner = ring[k];
    const pt = await page.evaluate((c) => window.placemap.map.project(c), corner);
    const box = await canvasBox(page);
    const x = box.x + pt.x, y = box.y + pt.y;
    await shot(page, 'step-05-redraw.png');
    await page.mouse.move(x, y, { steps: 2 });
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x + 4 * i, y + 3 * i);
    await page.mouse.up();
    await page.waitForTimeout(200);
    await shot(page, 'step-06-dragged.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === path),
      page.locator('#redraw-save').click(),
    ]);
    const sent = JSON.parse(res.request().postData());
    expect(res.status() === 200, `PUT ${path} should answer 200, got ${res.status()}: ${await res.text()}`);
    expect(res.request().headers()['if-match'] === '"1"' && !!res.request().headers()['x-csrf-token'], 'the PUT should send If-Match "1" and X-CSRF-Token');
    expect(sent.type === 'Feature' && sent.properties && sent.properties.name && sent.geometry.type === g.type,
      `the PUT should send a Feature with a name and a ${g.type}, sent ${JSON.stringify({ ...sent, geometry: sent.geometry && sent.geometry.type })}`);
    const after = await getJSON(page, path);
    expect(after.etag === '"2"', `after saving, ${path} should have ETag "2", has ${after.etag}`);
    const ag = after.body.geometry;
    const aring = ag.type === 'Polygon' ? ag.coordinates[0] : ag.coordinates[0][0];
    expect(!aring.some((c) => Math.abs(c[0] - corner[0]) < 1e-7 && Math.abs(c[1] - corner[1]) < 1e-7),
      `the dragged corner ${JSON.stringify(corner)} should have moved`);
    await page.locator('#area-notice').waitFor();
    await settle(page);
    await shot(page, 'step-07-area-saved.png');
    return { code, etags: [before.etag, after.etag] };
  });
});
