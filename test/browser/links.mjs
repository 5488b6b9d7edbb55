#!/usr/bin/env node
// Browser test of the Map view's address: selecting an asset writes the
// position, the layers shown and the selection to the location hash; that
// address opened in a new page shows the same asset selected at the same
// place with the same layers; moving the map rewrites the address without
// a step in the history; showing a layer or selecting an area makes a
// step that back and forward undo and redo; an area's "Copy link" opened
// in a new browser context (no shared state) shows the same view, with the
// open panel section; "Copy link" copies the address, or selects it in a
// field where there is no clipboard; an unknown asset, area or set in the
// address is said so; the other views' addresses still work; Tab after
// panning the map with the keyboard goes on from the map. On a phone
// (390×844, touch) the area's link opens with the area selected, in the
// map above the bottom sheet, and its Copy link in reach in the sheet;
// axe-clean there.
//
// Usage: node test/browser/links.mjs BASE_URL OUTDIR
import { harness, axeCheck } from './harness.mjs';
import { phonePage, noErrors, sheetBox, settled } from './phonectx.mjs';

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
      details: !document.getElementById('details').hidden && !!document.getElementById('details').getClientRects().length,
      area: state.selectedArea,
      inView: document.getElementById('in-view').open,
      href: location.href,
      history: history.length,
    };
  });
}

/**
 * A page in a new browser context (nothing shared with the first page),
 * failing the test on its page errors.
 * @param {import('playwright-core').Browser} browser
 * @param {string[]} errors
 */
async function freshPage(browser, errors) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-GB' });
  const p = await ctx.newPage();
  p.setDefaultTimeout(STEP_TIMEOUT);
  p.on('pageerror', (err) => errors.push(err.message));
  return p;
}

run(async ({ page, context, browser }) => {
  let first;
  let asset;
  let areaSelected;
  let areaLink;
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
    areaSelected = { ...selected, code: area.code, slug: area.slug };
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
    await page.locator('#app-status', { hasText: /Link copied|could not be copied/ }).waitFor({ timeout: STEP_TIMEOUT });
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

  await step('area-link-in-new-context', async () => {
    // The area selected with the In view section open, its Copy link
    // opened in a new browser context: the same place, layers, area and
    // open sections, the details showing.
    await page.evaluate((a) => window.placemap.openArea(a.slug, a.code), areaSelected);
    await page.waitForFunction((a) => location.hash.includes(`area=${encodeURIComponent(a.slug)}/${encodeURIComponent(a.code)}`), areaSelected, { timeout: STEP_TIMEOUT });
    await page.locator('#in-view summary').click();
    await page.waitForFunction(() => location.hash.includes('panel=in-view'), null, { timeout: STEP_TIMEOUT });
    const before = await shown(page);
    expect(before.history === areaSelected.history, `opening a panel section should not add to the history (${areaSelected.history} -> ${before.history})`);
    await page.locator('#details-body h3').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('#details-body button.copy-link').click();
    const link = await page.locator('#details-body .copy-link-field').inputValue();
    expect(link === before.href, `the area's Copy link should give the address ${before.href}, got ${link}`);
    areaLink = link;
    expect(/#map\?at=[\d.]+\/[-\d.]+\/[-\d.]+&sets=[^&]+&area=[^&]+&panel=in-view$/.test(link), `the link should read #map?at=Z/LAT/LON&sets=…&area=SET/CODE&panel=in-view, is ${link}`);
    const errors = [];
    const p2 = await freshPage(browser, errors);
    await p2.goto(link, { waitUntil: 'domcontentloaded' });
    await ready(p2);
    await p2.locator('#details-body button.copy-link').waitFor({ timeout: STEP_TIMEOUT });
    const again = await shown(p2);
    expect(again.area && again.area.slug === areaSelected.slug && again.area.code === areaSelected.code, `the new context should select ${areaSelected.slug}/${areaSelected.code}, got ${JSON.stringify(again.area)}`);
    expect(again.details, 'the new context should show the area\'s details');
    expect(again.heading === before.heading, `the details should be of ${before.heading}, are of ${again.heading}`);
    expect(Math.abs(again.lon - before.lon) < 1e-4 && Math.abs(again.lat - before.lat) < 1e-4 && Math.abs(again.zoom - before.zoom) < 0.01,
      `the new context should be at ${before.zoom}/${before.lat}/${before.lon}, is at ${again.zoom}/${again.lat}/${again.lon}`);
    expect(JSON.stringify(again.sets) === JSON.stringify(before.sets) && JSON.stringify(again.checked) === JSON.stringify(before.sets),
      `the new context should show the sets ${before.sets}, shows ${again.sets} (ticked ${again.checked})`);
    expect(again.assets === before.assets, 'the new context should show the assets as the first page did');
    expect(again.inView, 'the new context should have the In view section open');
    expect(again.href === link, `the new context should keep the address ${link}, has ${again.href}`);
    await shot(p2, 'step-05-area-new-context.png');
    await p2.context().close();
    expect(errors.length === 0, `the new context had page errors: ${errors.join(' | ')}`);
    await page.locator('#in-view summary').click();
    await page.waitForFunction(() => !location.hash.includes('panel='), null, { timeout: STEP_TIMEOUT });
    return { link };
  });

  await step('copy-without-clipboard', async () => {
    // Where there is no clipboard the link is shown selected, and said so.
    const errors = [];
    const p2 = await freshPage(browser, errors);
    await p2.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
    await p2.goto(first.href, { waitUntil: 'domcontentloaded' });
    await ready(p2);
    await p2.locator('#details-body button.copy-link').click();
    await p2.locator('#app-status', { hasText: 'could not be copied' }).waitFor({ timeout: STEP_TIMEOUT });
    const sel = await p2.evaluate(() => {
      const f = /** @type {HTMLInputElement} */ (document.activeElement);
      return { cls: f.className, readOnly: f.readOnly, value: f.value, selected: f.value.slice(f.selectionStart || 0, f.selectionEnd || 0), href: location.href };
    });
    expect(sel.cls === 'copy-link-field' && sel.readOnly, `the read-only link field should take the focus, ${JSON.stringify(sel)}`);
    expect(sel.value === sel.href && sel.selected === sel.value, `the whole link should be selected: ${JSON.stringify(sel)}`);
    const live = await p2.locator('#app-status').getAttribute('aria-live');
    expect(live === 'polite', `the status line should be polite, is ${live}`);
    await p2.context().close();
    expect(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    return { fallback: sel.selected.length };
  });

  await step('unknown-asset-and-area', async () => {
    // An address naming what is not there says so in the details.
    const errors = [];
    const p2 = await freshPage(browser, errors);
    await p2.goto(`${BASE}#map?asset=no-such-asset`, { waitUntil: 'domcontentloaded' });
    await ready(p2);
    const assetMsg = p2.locator('#details-body .error-text');
    await assetMsg.waitFor({ timeout: STEP_TIMEOUT });
    const a = await assetMsg.innerText();
    expect(/no asset with the id “no-such-asset”.*link may be out of date/i.test(a), `an unknown asset should be said so, the details say ${JSON.stringify(a)}`);
    await p2.goto(`${BASE}#map?area=${encodeURIComponent(areaSelected.slug)}/NO-SUCH-CODE`, { waitUntil: 'domcontentloaded' });
    await p2.locator('#details-body .error-text', { hasText: 'NO-SUCH-CODE' }).waitFor({ timeout: STEP_TIMEOUT });
    const b = await p2.locator('#details-body .error-text').innerText();
    expect(/no area “NO-SUCH-CODE” in the boundary set/i.test(b), `an unknown area should be said so, the details say ${JSON.stringify(b)}`);
    await shot(p2, 'step-06-unknown-area.png');
    await p2.goto(`${BASE}#map?sets=${encodeURIComponent(areaSelected.slug)},no-such-set`, { waitUntil: 'domcontentloaded' });
    await p2.locator('#app-status', { hasText: 'no-such-set' }).waitFor({ timeout: STEP_TIMEOUT });
    const c = await p2.locator('#app-status').innerText();
    expect(/boundary sets that are not here: no-such-set$/.test(c), `an unknown set should be said so, the status says ${JSON.stringify(c)}`);
    await p2.context().close();
    expect(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    return { asset: a, area: b, set: c };
  });

  await step('other-views-keep-their-links', async () => {
    // The Compare tab still leads to its own address; back returns to the
    // map as it was.
    const before = await shown(page);
    await page.locator('#view-tabs a[data-view="compare"]').click();
    await page.waitForFunction(() => window.placemap.view === 'compare' && location.hash.startsWith('#compare/'), null, { timeout: STEP_TIMEOUT });
    const compare = await page.evaluate(() => location.hash);
    const mapTab = await page.locator('#view-tabs a[data-view="map"]').getAttribute('href');
    expect(mapTab === new URL(before.href).hash, `the Map tab should lead back to ${new URL(before.href).hash}, leads to ${mapTab}`);
    await page.evaluate(() => history.back());
    await page.waitForFunction((h) => location.href === h && window.placemap.view === 'map', before.href, { timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const back = await shown(page);
    expect(back.asset === before.asset && back.href === before.href, `back from Compare should show the map as it was (${before.href}), shows ${back.href}`);
    await page.evaluate(() => history.forward());
    await page.waitForFunction((h) => location.hash === h && window.placemap.view === 'compare', compare, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => history.back());
    await page.waitForFunction((h) => location.href === h && window.placemap.view === 'map', before.href, { timeout: STEP_TIMEOUT });
    return { compare };
  });

  await step('tab-after-panning', async () => {
    // Panning with the keyboard rewrites the address; Tab then goes on
    // from the map, not from the top of the page, and Shift+Tab returns.
    const canvas = page.locator('#map .maplibregl-canvas');
    await canvas.focus();
    const from = await page.evaluate(() => location.href);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction((h) => location.href !== h, from, { timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const still = await page.evaluate(() => document.activeElement === document.querySelector('#map .maplibregl-canvas'));
    expect(still, 'the map should keep the focus while the address is rewritten');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => {
      const a = document.activeElement;
      const c = document.querySelector('#map .maplibregl-canvas');
      return { after: !!(a && a !== document.body && (c.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)), inTabs: !!(a && a.closest('#view-tabs')), what: a ? `${a.tagName}#${a.id}.${a.className}` : null };
    });
    expect(next.after && !next.inTabs, `Tab after panning should go on from the map, went to ${next.what}`);
    await page.keyboard.press('Shift+Tab');
    const back = await page.evaluate(() => document.activeElement === document.querySelector('#map .maplibregl-canvas'));
    expect(back, 'Shift+Tab should return to the map');
    return { next: next.what };
  });

  await step('area-link-on-a-phone', async () => {
    // The area's copied link opened on a phone (a fresh context): the area
    // selected, lying in the map above the sheet, and its Copy link in
    // reach in the sheet.
    const errors = [];
    const p = await phonePage(browser, errors);
    await p.goto(areaLink, { waitUntil: 'domcontentloaded' });
    await ready(p);
    await p.locator('#details-body button.copy-link').waitFor({ state: 'attached', timeout: STEP_TIMEOUT });
    await settled(p, waitIdle);
    const areaAt = () => p.evaluate(async (a) => {
      const f = await (await fetch(`api/sets/${encodeURIComponent(a.slug)}/areas/${encodeURIComponent(a.code)}`)).json();
      let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
      const visit = (c) => { if (typeof c[0] === 'number') { w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]); } else c.forEach(visit); };
      visit(f.geometry.coordinates);
      return window.placemap.map.project([(w + e) / 2, (s + n) / 2]);
    }, areaSelected);
    const sel = await p.evaluate(() => window.placemap.state.selectedArea);
    expect(sel && sel.slug === areaSelected.slug && sel.code === areaSelected.code, `on a phone the link should select ${areaSelected.slug}/${areaSelected.code}, got ${JSON.stringify(sel)}`);
    let s = await sheetBox(p);
    let at = await areaAt();
    expect(at.x >= 0 && at.x <= s.vw && at.y >= 0 && at.y < s.above, `on a phone the area should lie in the map above the sheet (y under ${s.above}, sheet ${s.state}), its centre lies at ${JSON.stringify(at)}`);
    await shot(p, 'step-07-phone-area-link.png');
    const axe = await axeCheck(p, 'phone-area-link');
    // Copy link: in the sheet (opened half way by a tap on its handle if
    // folded), on top, and tapped it gives the address.
    if (s.state === 'peek') {
      await p.locator('#panel-toggle').tap();
      await settled(p, waitIdle);
      s = await sheetBox(p);
      at = await areaAt();
      expect(at.y >= 0 && at.y < s.above, `with the sheet opened the area should stay above it (y under ${s.above}), lies at ${JSON.stringify(at)}`);
    }
    const button = p.locator('#details-body button.copy-link');
    await button.scrollIntoViewIfNeeded();
    const reach = await button.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { top: r.top, bottom: r.bottom, w: r.width, h: r.height, onTop: !!top && (top === b || b.contains(top)) };
    });
    expect(reach.top >= s.top - 1 && reach.bottom <= s.vh + 1 && reach.onTop, `Copy link should be in reach in the sheet (from ${s.top}), is ${JSON.stringify(reach)}`);
    await button.tap();
    await p.locator('#details-body .copy-link-field').waitFor({ timeout: STEP_TIMEOUT });
    const copied = await p.locator('#details-body .copy-link-field').inputValue();
    const href = await p.evaluate(() => location.href);
    expect(copied === href, `Copy link on a phone should give the address ${href}, got ${copied}`);
    await shot(p, 'step-08-phone-copy-link.png');
    await p.context().close();
    noErrors(errors);
    return { sheet: s.state, at, reach, ...axe };
  });
});
