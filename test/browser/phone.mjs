#!/usr/bin/env node
// Browser test of placemap on a phone: a 390×844 touch screen (hasTouch,
// isMobile) in headless Chromium driven by playwright-core.
//
// Usage: node test/browser/phone.mjs BASE_URL OUTDIR   (the fresh demo)
//
// Steps, each with a screenshot in OUTDIR: the demo city fills the map
// above the folded-down sheet; the sheet's handle is tapped (half), pressed
// with Enter (fully open), Escape folds it, and a touch drag snaps it to
// half; an asset tapped on the map where the half-open sheet would cover it
// opens its details in the sheet, readable, while the map moves it above the
// sheet (and into the strip above it when the sheet is opened fully); a
// search result tapped opens half way with the map flown to it above; "Draw my neighbourhood" by tapping four corners and Finish docks
// the form in the sheet below the outline, which lies above it, and the
// drawing is sent; the Compare view's controls are usable and its map
// shows. Touch targets are at least 44×44 px, text 14 px, and axe-core
// finds no serious or critical violation. Fails on any console or page
// error, failed request or request to another host.
import { harness, expect, readyToEdit, axeCheck, smallText, STEP_TIMEOUT } from './harness.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };
// With the GPU process off, Chromium's software compositor paints a white
// copy of the sheet's box over the top of the map's WebGL canvas in the
// screenshots (the map is drawn: queryRenderedFeatures finds it), so this
// test keeps the GPU process (still SwiftShader's WebGL).
const { BASE, shot, step, run, waitIdle } = harness('phone.mjs', { contextOptions: PHONE, withoutArgs: ['--disable-gpu'] });

// sheet describes the bottom sheet: its state, height and handle.
async function sheet(page) {
  return page.evaluate(() => {
    const panel = document.getElementById('panel').getBoundingClientRect();
    const handle = document.getElementById('panel-toggle');
    const hb = handle.getBoundingClientRect();
    const m = window.placemap.map;
    return {
      state: document.querySelector('.layout').dataset.sheet,
      expanded: handle.getAttribute('aria-expanded'),
      label: handle.textContent.trim(),
      top: panel.top, height: panel.height, vh: innerHeight, vw: innerWidth,
      handle: { top: hb.top, height: hb.height, width: hb.width },
      padding: m.getPadding().bottom,
    };
  });
}

// settled waits for the sheet's move (0.2 s) and the map to come to rest.
async function settled(page) {
  await page.waitForTimeout(350);
  await waitIdle(page);
}

// smallTargets lists the visible controls in the sheet (or the handle)
// smaller than 44×44 px, leaving out links inside running text.
async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    const vh = innerHeight;
    for (const e of document.querySelectorAll('#panel-toggle, #panel button, #panel a[href], #panel input, #panel select, #panel summary, #panel .layer-label')) {
      if (!e.getClientRects().length || e.closest('[hidden], .visually-hidden, .hp-field, p, .downloads')) continue;
      if (e.matches('input[type="checkbox"], input[type="radio"]')) continue; // their label is the target
      if (e.matches('.link-button')) continue;
      const r = e.getBoundingClientRect();
      if (r.bottom < 0 || r.top > vh) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} "${(e.textContent || '').trim().slice(0, 24)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

// touchDrag drags by touch from (x, y0) to (x, y1) through the debugging
// protocol: playwright's touchscreen only taps.
async function touchDrag(page, cdp, x, y0, y1) {
  const steps = 8;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y: y0 }] });
  for (let i = 1; i <= steps; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y0 + ((y1 - y0) * i) / steps }] });
    await page.waitForTimeout(40);
  }
  await page.waitForTimeout(250); // held still, then let go: placed, not flung
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

run(async ({ page, context }) => {
  await step('city-fills-the-screen', async () => {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    const s = await sheet(page);
    expect(s.state === 'peek' && s.expanded === 'false', `the sheet should start folded down, is ${JSON.stringify(s)}`);
    expect(s.height <= s.vh * 0.2 && s.height >= 88, `the folded sheet should be its handle and title row (~15% high), is ${s.height}px of ${s.vh}`);
    expect(Math.abs(s.padding - s.height) <= 2, `the map should be padded by the sheet's height (${s.height}), is ${s.padding}`);
    expect(await page.locator('#app-title').isVisible(), 'the title row should show in the folded sheet');
    // The sets shown at start, fitted into the map above the sheet.
    const fit = await page.evaluate(() => {
      const m = window.placemap.map;
      const shown = window.placemap.state.sets.filter((x) => window.placemap.state.visible.get(x.slug) && x.bbox);
      const b = shown.reduce((a, x) => [Math.min(a[0], x.bbox[0]), Math.min(a[1], x.bbox[1]), Math.max(a[2], x.bbox[2]), Math.max(a[3], x.bbox[3])], [180, 90, -180, -90]);
      const sw = m.project([b[0], b[1]]);
      const ne = m.project([b[2], b[3]]);
      return { left: sw.x, bottom: sw.y, right: ne.x, top: ne.y };
    });
    const above = s.vh - s.height;
    const tol = 4;
    expect(fit.left >= -tol && fit.right <= s.vw + tol && fit.top >= -tol && fit.bottom <= above + tol,
      `the city should lie in the map above the sheet (0..${s.vw} × 0..${above}), lies at ${JSON.stringify(fit)}`);
    const fills = Math.max((fit.right - fit.left) / s.vw, (fit.bottom - fit.top) / above);
    expect(fills >= 0.85, `the city should fill the map's width or height, fills ${Math.round(fills * 100)}%`);
    // The map's controls are touch-sized, and its attribution rides above the sheet.
    const ctrls = await page.evaluate(() => [...document.querySelectorAll('.maplibregl-ctrl-group button, .maplibregl-ctrl-attrib-button')]
      .filter((b) => b.getClientRects().length).map((b) => { const r = b.getBoundingClientRect(); return { cls: b.className, w: r.width, h: r.height, bottom: r.bottom }; }));
    expect(ctrls.length >= 3 && ctrls.every((c) => c.w >= 43.5 && c.h >= 43.5), `the zoom and attribution buttons should be at least 44×44, are ${JSON.stringify(ctrls)}`);
    const attrib = ctrls.find((c) => /attrib/.test(c.cls));
    expect(attrib && attrib.bottom <= s.vh - s.height + 1, `the attribution button should be above the sheet (from ${s.vh - s.height}), ends at ${attrib && attrib.bottom}`);
    await shot(page, 'step-01-city.png');
    return { sheet: s.height, fills: Math.round(fills * 100), ...(await axeCheck(page, 'phone-peek')) };
  });

  await step('sheet-handle', async () => {
    const handle = page.locator('#panel-toggle');
    await handle.tap();
    let s = await sheet(page);
    expect(s.state === 'half' && s.expanded === 'true' && /half open/i.test(s.label), `a tap on the handle should open the sheet half way, is ${JSON.stringify(s)}`);
    await settled(page);
    s = await sheet(page);
    expect(Math.abs(s.height - s.vh * 0.5) <= 4, `half open should be half the window, is ${s.height}`);
    expect(Math.abs(s.padding - s.height) <= 2, `the map's padding should follow the sheet (${s.height}), is ${s.padding}`);
    await shot(page, 'step-02-half.png');
    const small = await smallText(page);
    expect(small.length === 0, `every text should be at least 14 px on a phone, these are smaller: ${small.slice(0, 10).join('; ')}`);
    const targets = await smallTargets(page);
    expect(targets.length === 0, `touch targets should be at least 44×44 px, these are smaller: ${targets.slice(0, 10).join('; ')}`);
    await handle.focus();
    await page.keyboard.press('Enter');
    s = await sheet(page);
    expect(s.state === 'full' && /fully open/i.test(s.label), `Enter on the handle should open the sheet fully, is ${JSON.stringify(s)}`);
    await settled(page);
    s = await sheet(page);
    expect(s.height <= s.vh * 0.92 && s.height >= s.vh * 0.85, `fully open should leave a strip of map, is ${s.height} of ${s.vh}`);
    await shot(page, 'step-03-full.png');
    await page.keyboard.press('Escape');
    s = await sheet(page);
    expect(s.state === 'peek' && s.expanded === 'false', `Escape should fold the sheet down, is ${JSON.stringify(s)}`);
    await settled(page);
    // A touch drag up to just over half way snaps to half open.
    const cdp = await context.newCDPSession(page);
    s = await sheet(page);
    const y0 = s.handle.top + s.handle.height / 2;
    await touchDrag(page, cdp, s.vw / 2, y0, s.vh * 0.45);
    await settled(page);
    s = await sheet(page);
    expect(s.state === 'half', `a drag of the handle to 55% should snap to half open, is ${JSON.stringify(s)}`);
    await touchDrag(page, cdp, s.vw / 2, s.handle.top + s.handle.height / 2, s.vh * 0.8);
    await settled(page);
    s = await sheet(page);
    expect(s.state === 'peek', `a drag down to 20% should fold the sheet down, is ${JSON.stringify(s)}`);
    return { states: 'peek, half, full, peek; dragged half, peek' };
  });

  await step('tap-an-asset', async () => {
    const asset = await page.evaluate(async () => {
      const fc = await (await fetch('api/assets?q=Broomhill&category=library')).json();
      return { id: fc.features[0].properties.id || fc.features[0].id, name: fc.features[0].properties.name, at: fc.features[0].geometry.coordinates };
    });
    // Put the asset at 70% of the window's height: above the folded sheet,
    // where the half-open one would cover it.
    const s0 = await sheet(page);
    await page.evaluate(({ at, y }) => {
      const m = window.placemap.map;
      m.jumpTo({ center: at, zoom: 16 });
      const p = m.project(at);
      m.panBy([0, p.y - y], { duration: 0 });
    }, { at: asset.at, y: s0.vh * 0.7 });
    await waitIdle(page);
    const p = await page.evaluate((at) => window.placemap.map.project(at), asset.at);
    expect(p.y > s0.vh * 0.6 && p.y < s0.vh - s0.height, `the asset should start between half way and the folded sheet, is at y ${p.y}`);
    const hit = await page.evaluate(({ x, y }) => window.placemap.map.queryRenderedFeatures([[x - 6, y - 6], [x + 6, y + 6]], { layers: [window.placemap.layerIds.assets] }).length, p);
    expect(hit > 0, 'the asset should be drawn where it is tapped');
    await page.touchscreen.tap(p.x, p.y);
    await page.locator('#details-body h3', { hasText: asset.name }).waitFor({ timeout: STEP_TIMEOUT });
    await settled(page);
    const s = await sheet(page);
    expect(s.state === 'half', `a tapped asset should open the sheet half way, is ${s.state}`);
    const after = await page.evaluate((at) => window.placemap.map.project(at), asset.at);
    expect(after.x >= 0 && after.x <= s.vw && after.y >= 0 && after.y <= s.vh - s.height,
      `the tapped asset should lie in the map above the sheet (y under ${s.vh - s.height}), lies at ${JSON.stringify(after)}`);
    // Its name is read in the visible part of the sheet, not covered.
    const name = await page.evaluate(() => {
      const h = document.querySelector('#details-body h3');
      h.scrollIntoView({ block: 'nearest' });
      const r = h.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + 4, r.top + r.height / 2);
      return { top: r.top, bottom: r.bottom, onTop: !!top && (top === h || h.contains(top)) };
    });
    expect(name.top >= s.top && name.bottom <= s.vh && name.onTop, `the asset's name should be readable in the sheet, is ${JSON.stringify(name)} (sheet from ${s.top})`);
    await shot(page, 'step-04-asset.png');
    const axe = await axeCheck(page, 'phone-details');
    // Opened fully, the sheet leaves a strip of map: the asset moves into it.
    await page.locator('#panel-toggle').focus();
    await page.keyboard.press('Enter');
    await settled(page);
    const full = await sheet(page);
    const inStrip = await page.evaluate((at) => window.placemap.map.project(at), asset.at);
    expect(full.state === 'full' && inStrip.y >= 0 && inStrip.y <= full.vh - full.height,
      `with the sheet fully open the asset should lie in the strip of map above it (y under ${full.vh - full.height}), lies at ${JSON.stringify(inStrip)}`);
    await shot(page, 'step-05-asset-full.png');
    return { asset: asset.name, at: after, inStrip, ...axe };
  });

  await step('search-result', async () => {
    // A search result tapped in the fully open sheet: half open, the map
    // flies to it above the sheet.
    await page.locator('#details-close').tap();
    await page.evaluate(() => window.placemap.map.jumpTo({ center: [-1.40, 53.42], zoom: 12 }));
    await page.locator('#search-input').fill('Firth Park');
    await page.locator('#search-form .search-button').tap();
    const row = page.locator('#search-results [role="option"][data-kind="asset"]').first();
    await row.waitFor({ timeout: STEP_TIMEOUT });
    const id = await row.getAttribute('data-id');
    await row.tap();
    await page.locator('#details-body h3').first().waitFor({ timeout: STEP_TIMEOUT });
    await settled(page);
    const s = await sheet(page);
    expect(s.state === 'half', `a search result should open the sheet half way, is ${s.state}`);
    const at = await page.evaluate(async (id) => {
      const f = await (await fetch(`api/assets/${encodeURIComponent(id)}`)).json();
      return window.placemap.map.project(f.geometry.coordinates);
    }, id);
    expect(at.x >= 0 && at.x <= s.vw && at.y >= 0 && at.y <= s.vh - s.height,
      `the search result should lie in the map above the sheet (y under ${s.vh - s.height}), lies at ${JSON.stringify(at)}`);
    await shot(page, 'step-06-search-result.png');
    return { id, at };
  });

  await step('draw-by-touch', async () => {
    await page.locator('#details-close').tap();
    await page.locator('#suggest-draw').tap();
    await page.locator('#map-banner', { hasText: 'neighbourhood' }).waitFor();
    await settled(page);
    let s = await sheet(page);
    expect(s.state === 'peek', `drawing should fold the sheet down, is ${s.state}`);
    const banner = await page.locator('#map-banner').boundingBox();
    expect(banner && banner.y + banner.height <= s.top, `the drawing instructions should not be under the sheet: ${JSON.stringify(banner)}, sheet from ${s.top}`);
    await shot(page, 'step-07-drawing.png');
    const cx = s.vw / 2;
    const cy = (s.vh - s.height) * 0.55;
    const corners = [[cx - 90, cy - 80], [cx + 90, cy - 80], [cx + 100, cy + 90], [cx - 80, cy + 100]];
    for (const [x, y] of corners) {
      await page.touchscreen.tap(x, y);
      await page.waitForTimeout(250);
    }
    await page.locator('#draw-hood-finish').tap();
    await page.locator('#draw-hood-name').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    await settled(page);
    s = await sheet(page);
    expect(s.state === 'half', `the form should dock in the half-open sheet, is ${s.state}`);
    const form = await page.locator('#draw-hood-form').boundingBox();
    expect(form && form.y >= s.top && form.y < s.vh, `the form should be in the sheet, is at ${JSON.stringify(form)}`);
    const outline = await page.evaluate(() => {
      const m = window.placemap.map;
      const f = m.queryRenderedFeatures().filter((x) => x.source && /^td-/.test(x.source) && x.geometry.type === 'Polygon');
      if (!f.length) return null;
      const pts = f[0].geometry.coordinates[0].map((c) => m.project(c));
      return { top: Math.min(...pts.map((p) => p.y)), bottom: Math.max(...pts.map((p) => p.y)), left: Math.min(...pts.map((p) => p.x)), right: Math.max(...pts.map((p) => p.x)) };
    });
    expect(outline, 'the drawn outline should be on the map');
    expect(outline.top >= 0 && outline.bottom <= s.top && outline.left >= 0 && outline.right <= s.vw,
      `the outline should lie above the sheet (which starts at ${s.top}), lies at ${JSON.stringify(outline)}`);
    await page.locator('#draw-hood-name').fill('Our patch (phone test)');
    await page.locator('#draw-hood-place').selectOption({ index: 1 });
    await shot(page, 'step-08-form-docked.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/suggestions'),
      page.locator('#draw-hood-submit').tap(),
    ]);
    expect(res.status() === 202, `POST /api/suggestions should answer 202, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.kind === 'area' && sent.place && sent.feature.geometry.coordinates[0].length === 5, `a four-cornered drawing of a place should be sent, sent ${JSON.stringify({ place: sent.place, geometry: sent.feature && sent.feature.geometry })}`);
    await page.locator('#suggest-thanks').waitFor();
    await page.locator('#my-drawing-copy-field').waitFor();
    await shot(page, 'step-09-sent.png');
    return { outline };
  });

  await step('compare', async () => {
    await page.locator('#view-tabs a[data-view="compare"]').tap();
    await page.waitForFunction(() => window.placemap.view === 'compare');
    await page.locator('#cmp-table tbody tr').first().waitFor({ timeout: STEP_TIMEOUT });
    let s = await sheet(page);
    if (s.state === 'peek') {
      await page.locator('#panel-toggle').tap();
      s = await sheet(page);
    }
    for (const id of ['#cmp-a', '#cmp-b', '#cmp-swap']) {
      await page.locator(id).scrollIntoViewIfNeeded();
      const b = await page.locator(id).boundingBox();
      expect(b && b.width >= 43.5 && b.height >= 43.5 && b.y >= s.top - 1 && b.y + b.height <= s.vh + 1, `${id} should be in the sheet and at least 44×44, is ${JSON.stringify(b)}`);
    }
    const before = await page.evaluate(() => location.hash);
    const other = await page.locator('#cmp-b option').evaluateAll((os, cur) => os.map((o) => o.value).find((v) => v && !cur.includes(v)), before);
    await page.locator('#cmp-b').selectOption(other);
    await page.waitForFunction((h) => location.hash.startsWith('#compare/') && location.hash !== h, before, { timeout: STEP_TIMEOUT });
    await page.locator('#cmp-table tbody tr').first().waitFor({ timeout: STEP_TIMEOUT });
    await settled(page);
    s = await sheet(page);
    expect(s.vh - s.height >= s.vh * 0.45, `the map should show above the sheet, ${s.vh - s.height}px of ${s.vh}`);
    const drawn = await page.evaluate((bottom) => {
      const m = window.placemap.map;
      const layers = Object.values(window.placemap.layerIds.compare).filter((l) => typeof l === 'string' && m.getLayer(l));
      return m.queryRenderedFeatures([[0, 0], [innerWidth, bottom]], { layers }).length;
    }, s.vh - s.height);
    expect(drawn > 0, 'the compared areas should be drawn in the map above the sheet');
    const small = await smallText(page);
    expect(small.length === 0, `every text of Compare should be at least 14 px on a phone: ${small.slice(0, 10).join('; ')}`);
    await shot(page, 'step-10-compare.png');
    return { compare: await page.evaluate(() => location.hash), drawn, ...(await axeCheck(page, 'phone-compare')) };
  });
});
