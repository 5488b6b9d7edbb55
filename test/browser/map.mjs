#!/usr/bin/env node
// Browser test of the placemap web map, in headless Chromium (Debian's
// /usr/bin/chromium, or $CHROMIUM) driven by playwright-core.
//
// Usage: node test/browser/map.mjs BASE_URL OUTDIR
//   e.g. go run ./cmd/placemap serve --addr 127.0.0.1:8099 --data DIR &
//        node test/browser/map.mjs http://127.0.0.1:8099 testout/browser
//
// Each step leaves a screenshot in OUTDIR (step-01-loaded.png, ...). On
// success one JSON summary line is printed and the exit code is 0; on failure
// the failing step and what was expected are printed and the exit code is 1.
// The test also fails on any console error, page error, failed request, or
// request to a host other than localhost (the map must work offline).
import { harness } from './harness.mjs';

const { BASE, STEP_TIMEOUT, fail, expect, shot, step, waitIdle, countRendered, canvasBox, detailsText, run } = harness('map.mjs');

run(async ({ page }) => {
  // 1. Load.
  let sets = [];
  await step('load', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx, got ${resp && resp.status()}`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    const err = await page.evaluate(() => window.placemap.ready.then(() => null, (e) => String(e && e.message || e)));
    expect(err === null, `window.placemap.ready should resolve, but rejected: ${err}`);
    await waitIdle(page);
    const webgl = await page.evaluate(() => {
      const gl = window.placemap.map.painter && window.placemap.map.painter.context && window.placemap.map.painter.context.gl;
      return gl ? gl.getParameter(gl.VERSION) : 'unknown';
    });
    sets = await page.$$eval('#layer-list input[data-set]', (inputs) => inputs.map((i) => ({ slug: i.dataset.set, checked: i.checked })));
    expect(sets.length > 0, 'the layer list should show at least one boundary set (from /api/sets)');
    expect(sets[0].checked, `the first set (${sets[0].slug}) should be shown initially`);
    expect(sets.filter((s) => s.checked).length === Math.min(2, sets.length), 'exactly the first 2 sets should be shown initially');
    await shot(page, 'step-01-loaded.png');

    const assets = await countRendered(page, 'assets');
    expect(assets > 0, `queryRenderedFeatures on layer "assets" should return >0 features after load, got ${assets}`);
    const fillId = await page.evaluate((slug) => window.placemap.layerIds.set(slug).fill, sets[0].slug);
    const areas = await countRendered(page, fillId);
    expect(areas > 0, `queryRenderedFeatures on layer "${fillId}" (first set) should return >0 features after load, got ${areas}`);
    const attribution = await page.locator('.maplibregl-ctrl-attrib-inner').textContent();
    // This server has no street basemap: the map says how to add one.
    const hint = page.locator('#basemap-hint');
    const hintText = (await hint.isVisible()) ? await hint.innerText() : '';
    expect(hintText.includes('placemap import basemap'), `without a street basemap the Layers section should say how to add one, says ${JSON.stringify(hintText)}`);
    return { sets: sets.length, assetFeatures: assets, firstSetFeatures: areas, webgl, attribution };
  });

  const first = sets[0].slug;
  const firstFill = await page.evaluate((slug) => window.placemap.layerIds.set(slug).fill, first);
  const checkbox = page.locator(`#layer-list input[data-set="${first.replace(/"/g, '\\"')}"]`);

  // 2. Toggle the first set off.
  await step('toggle-set-off', async () => {
    await checkbox.uncheck();
    await waitIdle(page);
    const vis = await page.evaluate((id) => window.placemap.map.getLayoutProperty(id, 'visibility'), firstFill);
    expect(vis === 'none', `after unchecking "${first}", layer ${firstFill} visibility should be "none", got ${JSON.stringify(vis)}`);
    const n = await countRendered(page, firstFill);
    expect(n === 0, `after unchecking "${first}", no features of ${firstFill} should render, got ${n}`);
    await shot(page, 'step-02-set-hidden.png');
    return { set: first };
  });

  // 3. And on again.
  await step('toggle-set-on', async () => {
    await checkbox.check();
    await waitIdle(page);
    const vis = await page.evaluate((id) => window.placemap.map.getLayoutProperty(id, 'visibility'), firstFill);
    expect(vis === 'visible', `after checking "${first}" again, layer visibility should be "visible", got ${JSON.stringify(vis)}`);
    const n = await countRendered(page, firstFill);
    expect(n > 0, `after checking "${first}" again, features of ${firstFill} should render, got ${n}`);
    await shot(page, 'step-03-set-shown.png');
    return { features: n };
  });

  // 4. Search and open a result.
  await step('search', async () => {
    // A street on a map without a street basemap: the status says why nothing is found.
    await page.locator('#search-input').fill('Abbeydale Road');
    await page.locator('#search-status', { hasText: 'Nothing matches' }).waitFor();
    const noStreets = await page.locator('#search-status').textContent();
    expect(/no street basemap/.test(noStreets || ''), `searching a street without a basemap should say there is none, says ${JSON.stringify(noStreets)}`);
    await page.locator('#search-input').fill('Broomhill');
    const result = page.locator('#search-results [role="option"][data-kind="asset"]', { hasText: 'Broomhill' }).first();
    try {
      await result.waitFor({ state: 'visible' });
    } catch {
      const status = await page.locator('#search-status').textContent();
      fail(`searching "Broomhill" should list a result containing "Broomhill"; search status: ${JSON.stringify(status)}`);
    }
    const resultCount = await page.locator('#search-results li').count();
    const picked = (await result.locator('.row-title').textContent()).trim();
    await result.click();
    await page.locator('#details-body .lies-in-list, #details-body .error-text').first().waitFor();
    const text = await detailsText(page);
    expect(!(await page.locator('#details-body .error-text').count()), `opening search result "${picked}" failed: ${text}`);
    expect(text.includes('Broomhill'), `details pane should mention "Broomhill", shows: ${JSON.stringify(text.slice(0, 300))}`);
    expect(await page.locator('#details-body h4', { hasText: 'Lies in' }).count() === 1, 'details pane should have a "Lies in" heading');
    const lines = await page.locator('#details-body .lies-in-list li').allInnerTexts();
    expect(lines.length >= 3, `"Lies in" list should have at least 3 lines, got ${lines.length}: ${JSON.stringify(lines)}`);
    await waitIdle(page); // the map flies to the result
    await shot(page, 'step-04-search-result.png');
    return { results: resultCount, opened: picked, liesIn: lines };
  });

  // 5. Click an asset on the map.
  await step('click-asset', async () => {
    const box = await canvasBox(page);
    const findAsset = () => page.evaluate(({ w, h }) => {
      const map = window.placemap.map;
      const feats = map.queryRenderedFeatures({ layers: ['assets'] });
      for (const f of feats) {
        if (f.geometry.type !== 'Point') continue;
        const p = map.project(f.geometry.coordinates);
        // Keep clear of the controls in the corners and the edges.
        if (p.x < 60 || p.x > w - 80 || p.y < 80 || p.y > h - 60) continue;
        const under = map.queryRenderedFeatures([[p.x - 6, p.y - 6], [p.x + 6, p.y + 6]], { layers: ['assets'] });
        return { x: p.x, y: p.y, names: under.map((u) => String(u.properties.name)), id: String(f.properties.id) };
      }
      return null;
    }, { w: box.width, h: box.height });
    let target = await findAsset();
    if (!target) {
      // Nothing clickable in this view: go back to the whole area.
      await page.evaluate(() => window.placemap.map.zoomOut({ duration: 0 }));
      await waitIdle(page);
      target = await findAsset();
    }
    expect(target, 'an asset point should be visible on the map to click');
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.locator('#details-heading', { hasText: 'Asset' }).waitFor();
    await page.locator('#details-body .lies-in-list, #details-body .error-text, #details-body h4 + p.muted').first().waitFor();
    const name = (await page.locator('#details-body h3').textContent()).trim();
    expect(target.names.includes(name), `clicking the asset at (${Math.round(target.x)},${Math.round(target.y)}) should open one of ${JSON.stringify(target.names)}, details show ${JSON.stringify(name)}`);
    await waitIdle(page);
    await shot(page, 'step-05-asset-clicked.png');
    return { opened: name };
  });

  // 6. Click an area away from any asset.
  await step('click-area', async () => {
    const box = await canvasBox(page);
    await page.evaluate(() => window.placemap.map.zoomOut({ duration: 0 }));
    await waitIdle(page);
    const target = await page.evaluate(({ w, h }) => {
      const map = window.placemap.map;
      const pm = window.placemap;
      const visible = [...document.querySelectorAll('#layer-list input[data-set]')].filter((i) => i.checked).map((i) => i.dataset.set);
      const layers = visible.map((s) => pm.layerIds.set(s).fill);
      for (let gy = 0.3; gy < 0.9; gy += 0.07) {
        for (let gx = 0.25; gx < 0.85; gx += 0.06) {
          const x = w * gx, y = h * gy;
          const assets = map.queryRenderedFeatures([[x - 15, y - 15], [x + 15, y + 15]], { layers: ['assets', 'assets-sites-fill'] });
          if (assets.length) continue;
          const feats = map.queryRenderedFeatures([x, y], { layers });
          for (const slug of visible) {
            const f = feats.find((ft) => ft.layer.id === pm.layerIds.set(slug).fill);
            if (f) return { x, y, slug, code: String(f.properties.code), name: String(f.properties.name) };
          }
        }
      }
      return null;
    }, { w: box.width, h: box.height });
    expect(target, 'there should be a point on the map inside a visible area and away from assets');
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await page.locator('#details-heading', { hasText: 'Area' }).waitFor();
    await page.locator('#details-body .area-code, #details-body .error-text').first().waitFor();
    const err = await page.locator('#details-body .error-text').count();
    expect(!err, `opening area ${target.slug}/${target.code} failed: ${await detailsText(page)}`);
    const code = (await page.locator('#details-body .area-code').textContent()).trim();
    expect(code === target.code, `area details should show code ${target.code} (set ${target.slug}), shows ${JSON.stringify(code)}`);
    const hasAssetsHeading = await page.locator('#details-body h4', { hasText: 'Assets in this area' }).count();
    expect(hasAssetsHeading === 1, 'area details should have an "Assets in this area" section');
    await waitIdle(page);
    await shot(page, 'step-06-area-clicked.png');
    return { set: target.slug, code, name: target.name };
  });

  // 7. Narrow screen: the panel collapses and the toggle opens it.
  await step('narrow-screen', async () => {
    await page.setViewportSize({ width: 400, height: 760 });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready);
    await page.evaluate(() => window.placemap.ready);
    await waitIdle(page);
    const toggle = page.locator('#panel-toggle');
    expect(await toggle.isVisible(), 'on a narrow screen the panel toggle should be visible');
    expect(await toggle.getAttribute('aria-expanded') === 'false', 'on a narrow screen the panel should start collapsed');
    await shot(page, 'step-07-narrow-collapsed.png');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded') === 'true', 'the panel toggle should expand the panel');
    await page.locator('#search-input').waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // slide-in transition
    await shot(page, 'step-08-narrow-open.png');
    return {};
  });
});
