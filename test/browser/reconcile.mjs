#!/usr/bin/env node
// Browser test of the reconcile views of the placemap web map (Compare,
// Places, Choropleth), in headless Chromium (Debian's /usr/bin/chromium, or
// $CHROMIUM) driven by playwright-core, like map.mjs.
//
// Usage: node test/browser/reconcile.mjs BASE_URL OUTDIR
//   e.g. go run ./cmd/placemap serve --addr 127.0.0.1:8099 --data DIR &
//        node test/browser/reconcile.mjs http://127.0.0.1:8099 testout/browser-reconcile
//
// Needs the Sheffield demo (wards-2013, community-neighbourhoods, lsoa-2011
// with imd_score, the place "broomhill"). Each step leaves a screenshot in
// OUTDIR (step-01-compare.png, ...). On success one JSON summary line is
// printed and the exit code is 0; on failure the failing step and what was
// expected are printed and the exit code is 1. The test also fails on any
// console error, page error, failed request, or request to a host other than
// localhost (the map must work offline).
import { harness } from './harness.mjs';

const { BASE, STEP_TIMEOUT, fail, expect, shot, step, waitIdle, countRendered, canvasBox, run } = harness('reconcile.mjs');

// Sorted order check: every row's value compared with the next one.
function ordered(values, dir) {
  for (let i = 1; i < values.length; i++) {
    if (dir === 'descending' ? values[i] > values[i - 1] : values[i] < values[i - 1]) return i;
  }
  return -1;
}

run(async ({ page }) => {
  const A = 'wards-2013';
  const B = 'community-neighbourhoods';
  const L = { aFill: 'cmp-a-fill', aLine: 'cmp-a-line', bLine: 'cmp-b-line', bHlFill: 'cmp-b-hl-fill', bHlLine: 'cmp-b-hl-line' };

  // 1. Open the Compare view straight from a shared link.
  await step('compare-load', async () => {
    const url = `${BASE}#compare/${A}/${B}`;
    const resp = await page.goto(url, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${url} should answer 2xx, got ${resp && resp.status()}`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    const err = await page.evaluate(() => window.placemap.ready.then(() => null, (e) => String(e && e.message || e)));
    expect(err === null, `window.placemap.ready should resolve, but rejected: ${err}`);
    try {
      await page.locator('#cmp-table tbody tr').first().waitFor();
    } catch {
      const status = await page.locator('#cmp-status').textContent();
      fail(`the crosswalk table of ${A} / ${B} should fill; status: ${JSON.stringify(status)}`);
    }
    expect(await page.locator('#view-compare').isVisible(), 'the Compare view should be shown for #compare/...');
    expect(!(await page.locator('#view-map').isVisible()), 'the Map view should be hidden while Compare is shown');
    const current = await page.locator('#view-tabs a[aria-current="page"]').getAttribute('data-view');
    expect(current === 'compare', `the Compare tab should be marked current, got ${current}`);
    const picked = await page.evaluate(() => [document.getElementById('cmp-a').value, document.getElementById('cmp-b').value]);
    expect(picked[0] === A && picked[1] === B, `the A and B pickers should show ${A} and ${B}, got ${JSON.stringify(picked)}`);
    await waitIdle(page);
    const rows = await page.locator('#cmp-table tbody tr').count();
    const aFeatures = await countRendered(page, L.aFill);
    const bFeatures = await countRendered(page, L.bLine);
    expect(aFeatures > 0, `queryRenderedFeatures on layer "${L.aFill}" (set A) should return >0 features, got ${aFeatures}`);
    expect(bFeatures > 0, `queryRenderedFeatures on layer "${L.bLine}" (set B) should return >0 features, got ${bFeatures}`);
    const paint = await page.evaluate((id) => window.placemap.map.getPaintProperty(id, 'fill-color'), L.aFill);
    expect(Array.isArray(paint) && paint[0] === 'match', `A areas should be coloured by a "match" on code, fill-color is ${JSON.stringify(paint).slice(0, 120)}`);
    const baseHidden = await page.evaluate(() => {
      const pm = window.placemap;
      return pm.state.sets.every((s) => pm.map.getLayoutProperty(pm.layerIds.set(s.slug).fill, 'visibility') === 'none');
    });
    expect(baseHidden, 'the Map view\'s boundary layers should be hidden in the Compare view');
    const legend = await page.locator('#cmp-legend li').count();
    expect(legend >= 5, `the compare legend should list the share classes, got ${legend} rows`);
    const summary = await page.locator('#cmp-summary .stat').allInnerTexts();
    expect(summary.length >= 4, `the summary should show at least 4 figures, got ${JSON.stringify(summary)}`);
    const classes = await page.locator('#cmp-summary .class-legend li').count();
    expect(classes === 4, `the summary should count the 4 classes, got ${classes}`);
    await shot(page, 'step-01-compare.png');
    return { rows, aFeatures, bFeatures, summary: summary.map((s) => s.replace(/\s+/g, ' ')) };
  });

  // 2. Click an A area on the map: its B counterparts are listed and highlighted.
  await step('compare-click-area', async () => {
    const box = await canvasBox(page);
    const target = await page.evaluate(({ w, h, left, top, layer }) => {
      const map = window.placemap.map;
      const byA = window.placemap.views.compare.byA;
      const canvas = map.getCanvas();
      for (let gy = 0.3; gy < 0.9; gy += 0.05) {
        for (let gx = 0.3; gx < 0.9; gx += 0.05) {
          const x = w * gx, y = h * gy;
          // Not under the legend or a control.
          if (document.elementFromPoint(left + x, top + y) !== canvas) continue;
          const f = map.queryRenderedFeatures([x, y], { layers: [layer] })[0];
          if (!f) continue;
          const code = String(f.properties.code);
          if ((byA.get(code) || []).length) return { x, y, code, name: String(f.properties.name) };
        }
      }
      return null;
    }, { w: box.width, h: box.height, left: box.x, top: box.y, layer: L.aFill });
    expect(target, `there should be a rendered A area (${L.aFill}) with counterparts to click`);
    await page.mouse.click(box.x + target.x, box.y + target.y);
    try {
      await page.locator('#cmp-counterparts li[data-b]').first().waitFor();
    } catch {
      fail(`clicking A area ${target.code} (${target.name}) should list its counterparts in B`);
    }
    const title = (await page.locator('#cmp-selection-title').textContent()).trim();
    expect(title === target.name, `the selection should be titled ${JSON.stringify(target.name)}, got ${JSON.stringify(title)}`);
    const items = await page.locator('#cmp-counterparts li[data-b]').evaluateAll((lis) => lis.map((li) => ({ code: li.dataset.b, text: li.innerText })));
    for (const it of items) {
      expect(/A in B\s*[\d.]+\s*%/.test(it.text) && /B in A\s*[\d.]+\s*%/.test(it.text) && /How much overlaps\s*[\d.]+/.test(it.text),
        `counterpart ${it.code} should show A in B, B in A (as %) and how much overlaps (IoU); shows ${JSON.stringify(it.text)}`);
    }
    const filter = await page.evaluate((id) => window.placemap.map.getFilter(id), L.bHlFill);
    const literal = Array.isArray(filter) && Array.isArray(filter[2]) && filter[2][0] === 'literal' ? filter[2][1] : null;
    expect(Array.isArray(literal) && literal.length > 0 && !literal.includes('\u0000none'),
      `the B highlight layer should be filtered to the counterparts, filter is ${JSON.stringify(filter)}`);
    const listed = items.map((i) => i.code).sort();
    expect(JSON.stringify([...literal].sort()) === JSON.stringify(listed),
      `the B highlight filter ${JSON.stringify(literal)} should hold the listed counterparts ${JSON.stringify(listed)}`);
    const selRow = await page.locator('#cmp-table tbody tr.selected').count();
    const hash = await page.evaluate(() => location.hash);
    expect(hash.includes(`area=${encodeURIComponent(target.code)}`), `the hash should remember the selected area, got ${hash}`);
    await waitIdle(page);
    const highlighted = await countRendered(page, L.bHlFill);
    expect(highlighted > 0, `the highlighted B counterparts should render, got ${highlighted}`);
    await shot(page, 'step-02-compare-area.png');
    return { area: target.code, name: target.name, counterparts: listed, selectedRows: selRow };
  });

  // 3. Sort the pairs by IoU, both ways.
  await step('compare-sort', async () => {
    const header = page.locator('#cmp-table th[data-key="iou"] button');
    const read = () => page.locator('#cmp-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.iou)));
    const out = {};
    for (const want of ['descending', 'ascending']) {
      await header.click();
      const sort = await page.locator('#cmp-table th[data-key="iou"]').getAttribute('aria-sort');
      expect(sort === want, `after clicking the IoU header the column should sort ${want}, aria-sort is ${sort}`);
      const values = await read();
      expect(values.length > 1 && values.every((v) => Number.isFinite(v)), `rows should carry their IoU, got ${JSON.stringify(values.slice(0, 10))}`);
      const bad = ordered(values, want);
      expect(bad < 0, `IoU column should be ${want}, but row ${bad} (${values[bad]}) follows ${values[bad - 1]}`);
      const shown = await page.locator('#cmp-table tbody tr').first().locator('td').nth(await page.locator('#cmp-table thead th').evaluateAll((ths) => ths.findIndex((t) => t.dataset.key === 'iou'))).innerText();
      expect(Math.abs(Number(shown) - values[0]) < 0.006, `the first row's IoU cell should read ${values[0].toFixed(2)}, reads ${shown}`);
      out[want] = [values[0], values[values.length - 1]];
    }
    await page.locator('#cmp-table').scrollIntoViewIfNeeded();
    await shot(page, 'step-03-compare-sorted.png');
    return out;
  });

  // 4. Download links.
  await step('compare-downloads', async () => {
    const base = `api/crosswalks/${A}/${B}`;
    const links = { '#cmp-dl-csv': 'csv', '#cmp-dl-lookup': 'lookup', '#cmp-dl-geojson': 'geojson' };
    const out = {};
    for (const [sel, format] of Object.entries(links)) {
      const href = await page.locator(sel).getAttribute('href');
      expect(href === `${base}?format=${format}`, `${sel} should link to ${base}?format=${format}, links to ${href}`);
      const got = await page.evaluate(async (h) => {
        const r = await fetch(h);
        const text = await r.text();
        let geo = null;
        if (/json/.test(r.headers.get('content-type') || '')) {
          try {
            const fc = JSON.parse(text);
            const p = (fc.features && fc.features[0] && fc.features[0].properties) || {};
            geo = { type: fc.type, features: Array.isArray(fc.features) ? fc.features.length : -1, keys: Object.keys(p) };
          } catch (e) {
            geo = { error: String(e) };
          }
        }
        return { status: r.status, type: r.headers.get('content-type') || '', head: text.slice(0, 200), geo };
      }, href);
      expect(got.status === 200, `GET ${href} should answer 200, got ${got.status}`);
      if (format === 'geojson') {
        const g = got.geo || {};
        expect(g.type === 'FeatureCollection' && g.features > 0, `GET ${href} should be a non-empty GeoJSON FeatureCollection, got ${got.type}: ${JSON.stringify(g)}`);
        for (const k of ['a_code', 'b_code', 'iou', 'class']) expect(g.keys.includes(k), `overlay faces should carry ${k}, have ${JSON.stringify(g.keys)}`);
        out[format] = `${g.features} faces`;
        continue;
      } else {
        expect(/text\/csv/.test(got.type), `GET ${href} should be text/csv, got ${got.type}`);
        const header = got.head.split('\n')[0].split(',');
        // The many-to-many file names its columns as in the JSON; the lookup
        // names its code columns after the sets' own fields (e.g. WD13CD).
        if (format === 'csv') expect(header.includes('a_code') && header.includes('iou'), `GET ${href} should have a header with a_code and iou, got ${JSON.stringify(header)}`);
        else expect(header.length >= 2 && header.includes('share'), `GET ${href} should have a header with two codes and share, got ${JSON.stringify(header)}`);
      }
      out[format] = got.head.split('\n')[0];
    }
    // The overlay as a GeoPackage (an SQLite file) and KML.
    for (const [sel, ext, type, magic] of [['#cmp-dl-gpkg', 'gpkg', 'application/geopackage+sqlite3', 'SQLite format 3'], ['#cmp-dl-kml', 'kml', 'application/vnd.google-earth.kml+xml', '<?xml']]) {
      const href = await page.locator(sel).getAttribute('href');
      expect(href === `api/export/crosswalks/${A}/${B}.${ext}`, `${sel} should link to api/export/crosswalks/${A}/${B}.${ext}, links to ${href}`);
      const got = await page.evaluate(async (h) => {
        const r = await fetch(h);
        const buf = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, type: r.headers.get('content-type') || '', head: new TextDecoder().decode(buf.slice(0, 15)), size: buf.length };
      }, href);
      expect(got.status === 200 && got.type === type && got.head.startsWith(magic),
        `GET ${href} should answer 200 ${type} starting ${magic}, got ${got.status} ${got.type} ${JSON.stringify(got.head)}`);
      out[ext] = `${got.size} bytes`;
    }
    return out;
  });

  // 5. Population weighting, where the server offers it.
  await step('compare-population', async () => {
    const pop = page.locator('#cmp-weight-population');
    if (await pop.isDisabled()) return { skipped: 'no population indicator on the server' };
    await page.locator('label[for="cmp-weight-population"]').click();
    await page.waitForFunction(() => location.hash.includes('weight=population'));
    await page.waitForFunction(() => {
      const c = window.placemap.views.compare;
      return c.key.endsWith('|population') && !document.getElementById('cmp-results').classList.contains('loading');
    });
    const cols = await page.locator('#cmp-table thead th').evaluateAll((ths) => ths.map((t) => t.dataset.key));
    const popCols = cols.filter((k) => k.startsWith('pop_'));
    expect(popCols.length === 2, `with population weighting the table should add 2 population share columns, has ${JSON.stringify(cols)}`);
    const method = await page.evaluate(() => window.placemap.views.compare.data.method);
    expect(method && method.weight === 'population', `the crosswalk should say it is population-weighted, method is ${JSON.stringify(method)}`);
    const href = await page.locator('#cmp-dl-csv').getAttribute('href');
    await waitIdle(page);
    await shot(page, 'step-04-compare-population.png');
    // Back to area weighting for the rest.
    await page.locator('label[for="cmp-weight-area"]').click();
    await page.waitForFunction(() => window.placemap.views.compare.key.endsWith('|area'));
    return { columns: cols, csv: href, population: method.population };
  });

  // 6. Places: open Broomhill.
  await step('places', async () => {
    await page.locator('#view-tabs a[data-view="places"]').click();
    const link = page.locator('#places-list a[data-place="broomhill"]');
    try {
      await link.waitFor();
    } catch {
      const status = await page.locator('#places-status').textContent();
      fail(`the Places list should offer "broomhill"; status: ${JSON.stringify(status)}`);
    }
    const places = await page.locator('#places-list a[data-place]').count();
    await link.click();
    await page.waitForFunction(() => location.hash === '#place/broomhill');
    try {
      await page.locator('#place-definitions li.definition').first().waitFor();
    } catch {
      const status = await page.locator('#place-status').textContent();
      fail(`opening broomhill should list its definitions; status: ${JSON.stringify(status)}`);
    }
    const defs = await page.locator('#place-definitions li.definition').evaluateAll((lis) => lis.map((li) => `${li.dataset.set}/${li.dataset.code}`));
    expect(defs.length >= 3, `broomhill should have at least 3 definitions, got ${JSON.stringify(defs)}`);
    await waitIdle(page);
    const faces = await page.evaluate((layer) => {
      const map = window.placemap.map;
      if (!map.getLayer(layer)) return null;
      return map.queryRenderedFeatures({ layers: [layer] }).map((f) => ({ cls: f.properties.class, count: f.properties.count }));
    }, 'place-agreement-fill');
    expect(faces, 'the agreement layer place-agreement-fill should exist');
    expect(faces.length > 0, 'the agreement layer should render features');
    expect(faces.some((f) => f.cls === 'core'), `the agreement layer should render a core part, classes: ${JSON.stringify([...new Set(faces.map((f) => f.cls))])}`);
    const outlines = await page.evaluate(() => window.placemap.layerIds.places.defs());
    expect(outlines.length >= 3, `each definition should be outlined on the map, got layers ${JSON.stringify(outlines)}`);
    const parts = await page.locator('#place-parts li.part').allInnerTexts();
    expect(parts.length === 3 && /km²/.test(parts[0]), `core, contested and fringe should be listed with km², got ${JSON.stringify(parts)}`);
    const legend = await page.locator('#place-legend li').count();
    expect(legend >= 3, `the map legend should list the agreement steps, got ${legend}`);
    await shot(page, 'step-05-places-broomhill.png');
    return { places, definitions: defs, faces: faces.length, parts: parts.map((p) => p.split('\n').slice(0, 2).join(' ')) };
  });

  // 7. Choropleth of lsoa-2011 imd_score, picked with the controls.
  await step('choropleth', async () => {
    await page.locator('#view-tabs a[data-view="choropleth"]').click();
    await page.locator('#choro-set option').first().waitFor({ state: 'attached' });
    await page.locator('#choro-set').selectOption('lsoa-2011');
    await page.waitForFunction(() => location.hash.startsWith('#choropleth/lsoa-2011/'));
    await page.locator('#choro-indicator option[value="imd_score"]').waitFor({ state: 'attached' });
    await page.locator('#choro-indicator').selectOption('imd_score');
    await page.waitForFunction(() => location.hash === '#choropleth/lsoa-2011/imd_score');
    await page.waitForFunction(() => window.placemap.views.choropleth.key === 'lsoa-2011|imd_score||area');
    const classes = page.locator('#choro-legend li[data-class]');
    await classes.first().waitFor();
    const n = await classes.count();
    expect(n === 5, `the choropleth legend should show 5 classes, got ${n}: ${JSON.stringify(await classes.allInnerTexts())}`);
    expect(await page.locator('#choro-legend li[data-nodata]').count() === 1, 'the legend should have a "no data" row');
    await waitIdle(page);
    const features = await countRendered(page, 'choro-fill');
    expect(features > 0, `choro-fill should render features, got ${features}`);
    const paint = await page.evaluate(() => window.placemap.map.getPaintProperty('choro-fill', 'fill-color'));
    expect(Array.isArray(paint) && paint[0] === 'match', `the choropleth should colour by a "match" on code, got ${JSON.stringify(paint).slice(0, 120)}`);
    const method = (await page.locator('#choro-method').textContent()).trim();
    expect(method.length > 0, 'the method text should be shown');
    await shot(page, 'step-06-choropleth-lsoa.png');
    return { classes: await classes.allInnerTexts(), features, method };
  });

  // 8. imd_score moved from lsoa-2011 onto the community neighbourhoods.
  await step('choropleth-moved', async () => {
    // Through the location hash, as a shared link would.
    await page.evaluate(() => { location.hash = '#choropleth/community-neighbourhoods/imd_score?from=lsoa-2011'; });
    try {
      await page.waitForFunction(() => window.placemap.views.choropleth.key === 'community-neighbourhoods|imd_score|lsoa-2011|area');
    } catch {
      const status = await page.locator('#choro-status').textContent();
      fail(`imd_score moved from lsoa-2011 onto community-neighbourhoods should load; status: ${JSON.stringify(status)}`);
    }
    const from = await page.locator('#choro-from').inputValue();
    expect(from === 'lsoa-2011', `"Values from" should show lsoa-2011, got ${from}`);
    expect(await page.locator('#choro-weight-row').isVisible(), 'the weighting choice should be shown for a moved indicator');
    const method = (await page.locator('#choro-method').textContent()).trim();
    expect(/weight/i.test(method), `the method text should say how the values were weighted, got ${JSON.stringify(method)}`);
    const classes = await page.locator('#choro-legend li[data-class]').count();
    expect(classes >= 2, `the legend should show classes, got ${classes}`);
    await waitIdle(page);
    const features = await countRendered(page, 'choro-fill');
    expect(features > 0, `choro-fill should render community neighbourhoods, got ${features}`);
    await shot(page, 'step-07-choropleth-moved.png');
    const out = { method, classes, features };
    if (!(await page.locator('#choro-weight-population').isDisabled())) {
      await page.locator('label[for="choro-weight-population"]').click();
      await page.waitForFunction(() => window.placemap.views.choropleth.key.endsWith('|population'));
      const popMethod = (await page.locator('#choro-method').textContent()).trim();
      expect(/population/i.test(popMethod), `with population weighting the method should mention population, got ${JSON.stringify(popMethod)}`);
      await waitIdle(page);
      await shot(page, 'step-08-choropleth-population.png');
      out.populationMethod = popMethod;
    }
    return out;
  });

  // 9. Back to the Map view: its layers come back as they were.
  await step('back-to-map', async () => {
    await page.locator('#view-tabs a[data-view="map"]').click();
    await page.locator('#layer-list').waitFor({ state: 'visible' });
    await waitIdle(page);
    const first = await page.evaluate(() => window.placemap.state.sets[0].slug);
    const fill = await page.evaluate((s) => window.placemap.layerIds.set(s).fill, first);
    const n = await countRendered(page, fill);
    expect(n > 0, `back in the Map view, the first set (${first}) should render again, got ${n}`);
    const assets = await countRendered(page, 'assets');
    expect(assets > 0, `back in the Map view, assets should render again, got ${assets}`);
    const others = await page.evaluate(() => ['cmp-a-fill', 'choro-fill', 'place-agreement-fill'].map((id) => [id, window.placemap.map.getLayer(id) ? window.placemap.map.getLayoutProperty(id, 'visibility') : 'absent']));
    expect(others.every(([, v]) => v === 'none' || v === 'absent'), `the other views' layers should be hidden in the Map view: ${JSON.stringify(others)}`);
    expect(await page.locator('#map-legend').isHidden(), 'the floating legend should be hidden in the Map view');
    await shot(page, 'step-09-back-to-map.png');
    return { features: n, assets };
  });
});
