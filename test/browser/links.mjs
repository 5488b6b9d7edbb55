#!/usr/bin/env node
// Browser test of the Map view's address: selecting an asset writes the
// position, the layers shown and the selection to the location hash; that
// address opened in a new page shows the same asset selected at the same
// place with the same layers; moving the map rewrites the address without
// a step in the history; showing a layer or selecting an area makes a
// step that back and forward undo and redo; "Copy link" copies the address.
//
// Usage: node test/browser/links.mjs BASE_URL OUTDIR
import { harness } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, run } = harness('links.mjs');

/** @param {import('playwright-core').Page} page */
async function ready(page) {
  await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
  await page.evaluate(() => window.placemap.ready);
  await waitIdle(page);
}

/** The Map view as the page shows it. */
async function shown(page) {
  return page.evaluate(() => {
    const { map, state } = window.placemap;
    const c = map.getCenter();
    return {
      lon: c.lng, lat: c.lat, zoom: map.getZoom(),
      sets: state.sets.filter((s) => state.visible.get(s.slug)).map((s) => s.slug),
      checked: [...document.querySelectorAll('#layer-list input[data-set]:checked')].map((b) => b.dataset.set),
      assets: state.assetsVisible,
      asset: state.selectedAsset,
      heading: (document.querySelector('#details-body h3') || {}).textContent || '',
      href: location.href,
      history: history.length,
    };
  });
}

run(async ({ page, context }) => {
  let first;
  let asset;
  await step('select-asset', async () => {
    const resp = await page.goto(BASE + '#map', { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await ready(page);
    asset = await page.evaluate(async () => {
      const fc = await (await fetch('api/assets?q=Broomhill&category=library')).json();
      const f = fc.features[0];
      return { id: String(f.properties.id ?? f.id), name: f.properties.name, at: f.geometry.coordinates };
    });
    await page.evaluate((a) => window.placemap.map.jumpTo({ center: a.at, zoom: 15.3 }), asset);
    await waitIdle(page);
    await page.evaluate((id) => window.placemap.openAsset(id), asset.id);
    await page.waitForFunction((id) => location.hash.includes(`asset=${encodeURIComponent(id)}`), asset.id, { timeout: STEP_TIMEOUT });
    await page.locator('#details-body h3', { hasText: asset.name }).waitFor({ timeout: STEP_TIMEOUT });
    first = await shown(page);
    expect(/#map\?at=15\.3\/53\.\d+\/-1\.\d+&sets=/.test(first.href), `the address should hold the position and the sets, got ${first.href}`);
    await shot(page, 'step-01-selected.png');
    return { href: first.href };
  });

  await step('reopen-address', async () => {
    const page2 = await context.newPage();
    await page2.goto(first.href, { waitUntil: 'domcontentloaded' });
    await ready(page2);
    await page2.locator('#details-body h3', { hasText: asset.name }).waitFor({ timeout: STEP_TIMEOUT });
    const again = await shown(page2);
    expect(again.asset === asset.id, `the reopened page should select asset ${asset.id}, got ${again.asset}`);
    expect(Math.abs(again.lon - first.lon) < 1e-4 && Math.abs(again.lat - first.lat) < 1e-4, `the reopened map should be at ${first.lon},${first.lat}, got ${again.lon},${again.lat}`);
    expect(Math.abs(again.zoom - first.zoom) < 0.01, `the reopened map should be at zoom ${first.zoom}, got ${again.zoom}`);
    expect(JSON.stringify(again.sets) === JSON.stringify(first.sets) && JSON.stringify(again.checked) === JSON.stringify(first.sets),
      `the reopened map should show the sets ${first.sets}, got ${again.sets} (ticked ${again.checked})`);
    expect(again.assets === first.assets, 'the reopened map should show the assets as the first did');
    expect(again.href === first.href, `reopening should keep the address ${first.href}, got ${again.href}`);
    await shot(page2, 'step-02-reopened.png');
    await page2.close();
    return { zoom: again.zoom, sets: again.sets.length };
  });

  await step('move-replaces', async () => {
    await page.evaluate((a) => window.placemap.map.jumpTo({ center: [a.at[0] + 0.01, a.at[1]], zoom: 14 }), asset);
    await waitIdle(page);
    await page.waitForFunction(() => location.hash.includes('at=14/'), null, { timeout: STEP_TIMEOUT });
    const moved = await shown(page);
    expect(moved.history === first.history, `moving the map should not add to the history (${first.history} -> ${moved.history})`);
    expect(moved.asset === asset.id && moved.href.includes('asset='), 'moving the map should keep the selection in the address');
    first = moved;
    return { href: moved.href };
  });

  await step('toggle-layer-and-back', async () => {
    const slug = await page.evaluate(() => {
      const s = window.placemap.state.sets.find((x) => !window.placemap.state.visible.get(x.slug));
      return s ? s.slug : null;
    });
    expect(slug, 'a boundary set should be hidden at start');
    await page.locator(`#layer-list input[data-set="${slug}"]`).check();
    await page.waitForFunction((h) => location.href !== h, first.href, { timeout: STEP_TIMEOUT });
    const toggled = await shown(page);
    expect(toggled.sets.includes(slug) && decodeURIComponent(toggled.href).includes(slug), `the address should name the set shown, got ${toggled.href}`);
    expect(toggled.history === first.history + 1, 'showing a layer should make one step in the history');
    await page.evaluate(() => history.back());
    await page.waitForFunction((h) => location.href === h, first.href, { timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const back = await shown(page);
    expect(!back.sets.includes(slug) && !back.checked.includes(slug), `going back should hide ${slug} again`);
    expect(back.asset === asset.id, 'going back should keep the asset selected');
    await shot(page, 'step-03-back.png');
    return { toggled: toggled.href };
  });

  await step('select-area-and-back', async () => {
    const area = await page.evaluate(async (id) => {
      const f = await (await fetch(`api/assets/${encodeURIComponent(id)}`)).json();
      const m = f.properties.lies_in.find((x) => window.placemap.state.visible.get(x.set));
      return { slug: m.set, code: String(m.code) };
    }, asset.id);
    await page.evaluate((a) => window.placemap.openArea(a.slug, a.code), area);
    await page.waitForFunction((a) => location.hash.includes(`area=${encodeURIComponent(a.slug)}/${encodeURIComponent(a.code)}`), area, { timeout: STEP_TIMEOUT });
    const selected = await shown(page);
    expect(!selected.href.includes('asset='), 'selecting an area should take the asset out of the address');
    expect(selected.history === first.history + 1, `selecting an area should make one step in the history (${first.history} -> ${selected.history})`);
    await page.locator('#details-body h3').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('#details-body button.copy-link').click();
    await page.locator('#details-body .copy-link-field').waitFor({ timeout: STEP_TIMEOUT });
    const areaLink = await page.locator('#details-body .copy-link-field').inputValue();
    expect(areaLink === selected.href, `the area's Copy link should give ${selected.href}, got ${areaLink}`);
    await page.evaluate(() => history.back());
    await page.waitForFunction((h) => location.href === h, first.href, { timeout: STEP_TIMEOUT });
    await page.locator('#details-body h3', { hasText: asset.name }).waitFor({ timeout: STEP_TIMEOUT });
    const back = await shown(page);
    expect(back.asset === asset.id, `going back should select the asset again, got ${back.asset}`);
    await page.evaluate(() => history.forward());
    await page.waitForFunction((h) => location.href === h, selected.href, { timeout: STEP_TIMEOUT });
    const areaSel = await page.evaluate(() => window.placemap.state.selectedArea);
    expect(areaSel && areaSel.slug === area.slug && areaSel.code === area.code, 'going forward should select the area again');
    await page.evaluate(() => history.back());
    await page.waitForFunction((h) => location.href === h, first.href, { timeout: STEP_TIMEOUT });
    await page.locator('#details-body h3', { hasText: asset.name }).waitFor({ timeout: STEP_TIMEOUT });
    return { area: `${area.slug}/${area.code}` };
  });

  await step('copy-link', async () => {
    const origin = new URL(BASE).origin;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const button = page.locator('#details-body button.copy-link');
    expect(await button.count() === 1, 'the asset details should have one Copy link button');
    await button.click();
    await page.locator('#app-status', { hasText: /Link copied|Copy the selected link/ }).waitFor({ timeout: STEP_TIMEOUT });
    const href = await page.evaluate(() => location.href);
    const field = await page.locator('#details-body .copy-link-field').inputValue();
    expect(field === href, `Copy link should give the address ${href}, got ${field}`);
    const status = await page.locator('#app-status').innerText();
    let clip = null;
    if (/Link copied/.test(status)) {
      clip = await page.evaluate(() => navigator.clipboard.readText());
      expect(clip === href, `the clipboard should hold ${href}, got ${clip}`);
    }
    await shot(page, 'step-04-copied.png');
    return { status, clipboard: clip !== null };
  });
});
