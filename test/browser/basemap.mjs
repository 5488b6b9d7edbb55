#!/usr/bin/env node
// Browser test of placemap's own street basemap: with a basemap imported
// from an OpenStreetMap extract, the map draws its streets under the sets
// and names them along the street at street zooms (symbol features of the
// street-name layer), crediting OpenStreetMap; on a phone (390×844,
// touch) too, the street named in the map above the bottom sheet,
// axe-clean.
//
// Usage: node test/browser/basemap.mjs BASE_URL OUTDIR LON LAT STREET
import { harness, axeCheck } from './harness.mjs';
import { phonePage, phoneReady, noErrors } from './phonectx.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, run } = harness('basemap.mjs');
const [lon, lat, street] = process.argv.slice(4);

run(async ({ page, browser }) => {
  await step('basemap-drawn', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    const order = await page.evaluate(() => window.placemap.map.getStyle().layers.map((l) => l.id));
    const roads = order.indexOf('basemap-roads');
    const firstSet = order.findIndex((id) => id.startsWith('set-'));
    expect(roads >= 0, `the style should draw the basemap's roads, layers: ${order.slice(0, 12)}`);
    expect(firstSet > roads, `the sets (from ${firstSet}) should be drawn over the basemap's roads (${roads})`);
    return { layers: order.length, roads, firstSet };
  });

  await step('street-names', async () => {
    await page.evaluate(([x, y]) => window.placemap.map.jumpTo({ center: [x, y], zoom: 17 }), [Number(lon), Number(lat)]);
    await waitIdle(page);
    const names = await page.evaluate(() => {
      const m = window.placemap.map;
      return m.queryRenderedFeatures({ layers: ['basemap-street-names'] }).map((f) => String(f.properties.name || ''));
    });
    expect(names.includes(street), `at z17 the street-name layer should draw ${street}, got ${[...new Set(names)].slice(0, 8)}`);
    const attribution = await page.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent || '');
    expect(attribution.includes('OpenStreetMap contributors'), `the attribution should credit OpenStreetMap, got ${attribution}`);
    expect(!(await page.locator('#basemap-hint').isVisible()), 'with a street basemap the "how to add one" hint should be hidden');
    await shot(page, 'step-01-street-names.png');
    return { names: [...new Set(names)].slice(0, 10) };
  });

  await step('phone-street-names', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    await phoneReady(p, BASE, waitIdle);
    await p.evaluate(([x, y]) => window.placemap.map.jumpTo({ center: [x, y], zoom: 17 }), [Number(lon), Number(lat)]);
    await waitIdle(p);
    const got = await p.evaluate(() => {
      const m = window.placemap.map;
      const r = document.getElementById('panel').getBoundingClientRect();
      const above = innerHeight - r.height;
      const all = m.queryRenderedFeatures({ layers: ['basemap-street-names'] }).map((f) => String(f.properties.name || ''));
      const inSight = m.queryRenderedFeatures([[0, 0], [innerWidth, above]], { layers: ['basemap-street-names'] }).map((f) => String(f.properties.name || ''));
      return { all: [...new Set(all)], inSight: [...new Set(inSight)], above };
    });
    expect(got.all.includes(street), `on a phone at z17 the street-name layer should draw ${street}, got ${got.all.slice(0, 8)}`);
    expect(got.inSight.includes(street), `on a phone ${street} should be named in the map above the sheet (y under ${got.above}), named there: ${got.inSight.slice(0, 8)}`);
    await shot(p, 'step-02-phone-street-names.png');
    const axe = await axeCheck(p, 'phone-basemap');
    await p.context().close();
    noErrors(errors);
    return { names: got.inSight.slice(0, 10), ...axe };
  });
});
