#!/usr/bin/env node
// Browser test of the map's names: on the plain style with placemap's own
// glyphs, the areas of the shown sets are labelled (symbol features with
// their names), and the assets are named at street zooms; then the same on
// a phone (390×844, touch), the named asset in the map above the bottom
// sheet, axe-clean.
//
// Usage: node test/browser/labels.mjs BASE_URL OUTDIR
// The server must serve /fonts (TestMapLabelsInChromium skips otherwise).
import { harness, axeCheck } from './harness.mjs';
import { phonePage, phoneReady, noErrors } from './phonectx.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, run } = harness('labels.mjs');

/**
 * renderedNames lists the names the map draws in its area label layers
 * (kind 'areas') or its asset names layer (kind 'assets').
 * @param {import('playwright-core').Page} page
 * @param {'areas' | 'assets'} kind
 */
async function renderedNames(page, kind) {
  return page.evaluate((k) => {
    const map = window.placemap.map;
    const layers = map.getStyle().layers
      .filter((l) => l.type === 'symbol' && (k === 'assets' ? l.id === 'assets-names' : l.id.endsWith('-label')))
      .map((l) => l.id);
    if (!layers.length) return { layers, names: [] };
    return { layers, names: map.queryRenderedFeatures({ layers }).map((f) => String(f.properties.name || '')) };
  }, kind);
}

run(async ({ page, browser }) => {
  await step('area-labels', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await page.evaluate(() => window.placemap.map.jumpTo({ center: [-1.47, 53.38], zoom: 12 }));
    await waitIdle(page);
    const { layers, names } = await renderedNames(page, 'areas');
    expect(layers.length > 0, 'the map should have a label layer per boundary set');
    expect(names.length > 0 && names.every((n) => n.length > 0), `areas should be labelled by name at z12, got ${names.slice(0, 5)}`);
    await shot(page, 'step-01-area-labels.png');
    return { layers: layers.length, labels: names.length, sample: names.slice(0, 5) };
  });

  await step('asset-names', async () => {
    const at = await page.evaluate(async () => {
      const res = await fetch('api/assets?q=Broomhill&category=library');
      const fc = await res.json();
      return fc.features[0].geometry.coordinates;
    });
    await page.evaluate((c) => window.placemap.map.jumpTo({ center: c, zoom: 16 }), at);
    await waitIdle(page);
    const { names } = await renderedNames(page, 'assets');
    expect(names.some((n) => /Broomhill/.test(n)), `at z16 the library should be named on the map, got ${names.slice(0, 5)}`);
    await shot(page, 'step-02-asset-names.png');
    return { names: names.length };
  });

  await step('phone-labels', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    await phoneReady(p, BASE, waitIdle);
    await p.evaluate(() => window.placemap.map.jumpTo({ center: [-1.47, 53.38], zoom: 12 }));
    await waitIdle(p);
    const areas = await renderedNames(p, 'areas');
    expect(areas.names.length > 0 && areas.names.every((n) => n.length > 0), `on a phone areas should be labelled by name at z12, got ${areas.names.slice(0, 5)}`);
    await shot(p, 'step-03-phone-area-labels.png');
    const at = await p.evaluate(async () => {
      const fc = await (await fetch('api/assets?q=Broomhill&category=library')).json();
      return fc.features[0].geometry.coordinates;
    });
    await p.evaluate((c) => window.placemap.map.jumpTo({ center: c, zoom: 16 }), at);
    await waitIdle(p);
    const named = await p.evaluate(() => {
      const m = window.placemap.map;
      const f = m.queryRenderedFeatures({ layers: ['assets-names'] }).find((x) => /Broomhill/.test(String(x.properties.name || '')));
      const r = document.getElementById('panel').getBoundingClientRect();
      return f ? { y: m.project(/** @type {any} */ (f.geometry).coordinates).y, above: innerHeight - r.height } : null;
    });
    expect(named, 'on a phone at z16 the library should be named on the map');
    expect(named.y >= 0 && named.y < named.above, `on a phone the named library should lie in the map above the sheet (y under ${named.above}), lies at ${named.y}`);
    await shot(p, 'step-04-phone-asset-names.png');
    const axe = await axeCheck(p, 'phone-labels');
    await p.context().close();
    noErrors(errors);
    return { labels: areas.names.length, asset: named, ...axe };
  });
});
