#!/usr/bin/env node
// Browser test of dense asset tiles: where a low-zoom tile holds more assets
// than it carries, the map draws the server's cells (circles sized by count)
// instead of assets; clicking a cell zooms in until the assets themselves
// show, and those open as usual.
//
// Usage: node test/browser/cells.mjs BASE_URL OUTDIR
// The server must hold more than 1,000 assets around Sheffield (the Go test
// TestAssetCellsInChromium adds them).
import { harness } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, countRendered, canvasBox, run } = harness('cells.mjs');

run(async ({ page }) => {
  await step('load-at-low-zoom', async () => {
    const resp = await page.goto(BASE + '#9/53.38/-1.47', { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await waitIdle(page);
    await page.evaluate(() => window.placemap.map.jumpTo({ center: [-1.05, 53.38], zoom: 9 }));
    await waitIdle(page);
    const zoom = await page.evaluate(() => window.placemap.map.getZoom());
    expect(Math.abs(zoom - 9) < 0.01, `the map should be at z9, is at ${zoom}`);
    const cells = await countRendered(page, 'assets-cells');
    // The demo's own assets in the sparse tiles next door are drawn as
    // themselves; none of the 2,000 in the dense tile is.
    const dense = await page.evaluate(() => window.placemap.map.queryRenderedFeatures({ layers: ['assets'] })
      .filter((f) => String(f.properties.id).startsWith('dense-')).length);
    expect(cells > 0, `at z9 over the dense tile the map should draw cells of assets, got ${cells}`);
    expect(dense === 0, `at z9 no single asset of the dense tile should be drawn, got ${dense}`);
    const counts = await page.evaluate(() => window.placemap.map.queryRenderedFeatures({ layers: ['assets-cells'] }).map((f) => f.properties.count));
    expect(counts.every((n) => Number.isInteger(n) && n > 0), `every cell should carry a positive count, got ${counts.slice(0, 5)}`);
    await shot(page, 'step-01-cells.png');
    return { cells, total: counts.reduce((a, b) => a + b, 0) };
  });

  await step('click-a-cell-zooms-in', async () => {
    const before = await page.evaluate(() => window.placemap.map.getZoom());
    const box = await canvasBox(page);
    const pt = await page.evaluate(() => {
      const map = window.placemap.map;
      const fs = map.queryRenderedFeatures({ layers: ['assets-cells'] });
      const c = map.getCenter();
      // The cell nearest the centre, so it is well inside the canvas.
      fs.sort((a, b) => Math.hypot(a.geometry.coordinates[0] - c.lng, a.geometry.coordinates[1] - c.lat) -
        Math.hypot(b.geometry.coordinates[0] - c.lng, b.geometry.coordinates[1] - c.lat));
      const p = map.project(fs[0].geometry.coordinates);
      return { x: p.x, y: p.y };
    });
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    await page.waitForFunction((z) => window.placemap.map.getZoom() > z + 1.5 && !window.placemap.map.isMoving(), before, { timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const after = await page.evaluate(() => window.placemap.map.getZoom());
    await shot(page, 'step-02-zoomed.png');
    return { before, after };
  });

  await step('assets-at-high-zoom', async () => {
    // The click centred the map on the cell; closer still, its assets.
    await page.evaluate(() => window.placemap.map.jumpTo({ zoom: 14 }));
    await waitIdle(page);
    const cells = await countRendered(page, 'assets-cells');
    const assets = await countRendered(page, 'assets');
    expect(assets > 0 && cells === 0, `at z14 assets themselves should be drawn (got ${assets}) and no cells (got ${cells})`);
    await shot(page, 'step-03-assets.png');
    return { assets };
  });
});
