#!/usr/bin/env node
// Browser test of the Access view (issue 20 part 4) on the demo with a
// street grid over central Sheffield imported as the walking network
// (cmd/placemap/access_browser_test.go makes it): without a network the
// view says how to add one and nothing else; an editor runs access to
// libraries from the Output Areas and the progress runs to the end; the
// summary gives the shares within 5/10/15/20 minutes; four walking-time
// bands are drawn under the assets with their legend; the wards are
// coloured by the share beyond 15 minutes and their table sorts; a ward's
// details say how many of its residents live beyond a 15-minute walk from
// a library; the scenario panel closes a library (clicked on the map) and
// adds two (a click on the map in "Add a library here" mode, and a typed
// LON,LAT), runs, and shows residents moved beyond the thresholds, the
// wards most affected first, and its bands beside the baseline's. axe-core
// at desktop and at 390×844 with touch.
//
// Usage: node test/browser/access.mjs BASE_URL OUTDIR EMAIL PASSWORD
import { harness, axeCheck, expect, waitIdle, countRendered, STEP_TIMEOUT } from './harness.mjs';
import { createMonitor } from './monitor.mjs';
import { phonePage, phoneReady, noErrors, settled } from './phonectx.mjs';

const [, , , , EMAIL, PASSWORD] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/access.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const { BASE, shot, step, run } = harness('access.mjs');
const { allow, monitoredPage, estep } = createMonitor({ step, shot });

const RUN_TIMEOUT = 150_000;
const SET = 'wards-2019';
// Sheffield Central Library, in the middle of the grid, and where the new ones go.
const CLOSE = { name: 'Sheffield Central: Lending Library', lngLat: [-1.46677698809561, 53.3801358022651] };
const ADD_CLICK = [-1.545, 53.405];
const ADD_TYPED = '-1.41, 53.345';

const acc = (page) => page.evaluate(() => {
  const v = window.placemap.views.access;
  return {
    run: v.state.run, status: v.state.runData && v.state.runData.status, set: v.state.set,
    areas: v.state.setView ? v.state.setView.areas.length : 0, bandsOf: v.state.bandsOf,
    scenario: v.scenario.run, scenarioStatus: v.scenario.data && v.scenario.data.status,
    close: [...v.scenario.close], open: v.scenario.open.slice(),
  };
});

/** bandMinutes are the minutes of the bands drawn (baseline or scenario), in order. */
const bandMinutes = (page) => page.evaluate(() => {
  const v = window.placemap.views.access.state;
  const fc = v.bandsOf === 'scenario' ? v.bands.scenario : v.bands.base;
  return (fc && Array.isArray(fc.features) ? fc.features : []).map((f) => Number(f.properties.minutes));
});

/** clickAt clicks the map at a point, moved into the middle first. */
async function clickAt(page, lngLat, zoom) {
  await page.evaluate(({ ll, z }) => window.placemap.map.jumpTo({ center: ll, zoom: z }), { ll: lngLat, z: zoom });
  await waitIdle(page);
  const p = await page.evaluate((ll) => window.placemap.map.project(ll), lngLat);
  const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

run(async ({ browser, page: harnessPage }) => {
  await harnessPage.close();
  const page = await monitoredPage(browser);
  let runId = '';

  await estep(page, 'no-network', async () => {
    // The server has a network: the answer of one without is played here.
    const missing = allow('GET', /^\/api\/network$/, 404);
    await page.route('**/api/network', (r) => r.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'no walking network' } }) }));
    const resp = await page.goto(`${BASE}#access`, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await page.locator('#acc-nonetwork').waitFor({ state: 'visible' });
    const said = await page.locator('#acc-nonetwork').innerText();
    expect(said.includes('placemap import network FILE.osm.pbf'), `the view should say how to add a network: ${said}`);
    expect(await page.locator('#acc-body').isHidden(), 'without a network there is no form');
    expect(await page.locator('#acc-result').isHidden() && await page.locator('#acc-scenario').isHidden(), 'and nothing else');
    expect(missing.seen >= 1, 'api/network should have been asked');
    await page.unroute('**/api/network');
    return { said };
  });

  await estep(page, 'run', async () => {
    await page.goto(`${BASE}#access`, { waitUntil: 'domcontentloaded' });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await page.locator('#acc-body').waitFor({ state: 'visible' });
    const network = await page.locator('#acc-network').innerText();
    expect(/ways/.test(network) && /connected/.test(network), `the network should be described: ${network}`);
    expect(await page.locator('#acc-f-submit').isHidden(), 'signed out, there is no Run button');
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#acc-f-submit').waitFor({ state: 'visible' });
    await page.locator('#acc-f-category').selectOption('library');
    await page.locator('#acc-f-from').selectOption('oa-2011');
    expect(await page.locator('#acc-f-st-open').isChecked(), 'open libraries are counted by default');
    // A bad speed is refused in the form, naming it.
    await page.locator('#acc-f-speed').fill('0');
    await page.locator('#acc-f-submit').click();
    const bad = await page.locator('#acc-f-error').innerText();
    expect(/speed/i.test(bad), `a speed of 0 should be refused: ${bad}`);
    await page.locator('#acc-f-speed').fill('4.8');
    const t0 = Date.now();
    await page.locator('#acc-f-submit').click();
    await page.waitForFunction(() => /^#access\/[^/?]+/.test(location.hash), null, { timeout: STEP_TIMEOUT });
    runId = decodeURIComponent(/^#access\/([^/?]+)/.exec(await page.evaluate(() => location.hash))[1]);
    await page.locator('#acc-progress').waitFor({ state: 'visible' });
    expect((await page.locator('#acc-progress-text').getAttribute('aria-live')) === 'polite', 'the progress should be a live region');
    // The stages as they come, until it is done.
    const seen = new Set();
    const until = Date.now() + RUN_TIMEOUT;
    for (;;) {
      seen.add(await page.locator('#acc-progress-text').innerText());
      const s = await acc(page);
      if (s.status === 'done' || s.status === 'failed') break;
      expect(Date.now() < until, `the run should finish within ${RUN_TIMEOUT / 1000} s; seen ${[...seen].join(' | ')}`);
      await page.waitForTimeout(150);
    }
    const s = await acc(page);
    expect(s.status === 'done', `the run should succeed: ${await page.locator('#acc-error').innerText()}`);
    await page.waitForFunction(() => document.getElementById('acc-progress-text').textContent === 'Finished.');
    const bar = await page.evaluate(() => document.getElementById('acc-bar').value);
    expect(bar === 1, `the progress bar should be full, is ${bar}`);
    return { run: runId, ms: Date.now() - t0, stages: [...seen] };
  });

  await estep(page, 'results', async () => {
    await page.locator('#acc-result').waitFor({ state: 'visible' });
    const stats = await page.locator('#acc-stats .stat').allInnerTexts();
    const shares = [5, 10, 15, 20].map((t) => {
      const s = stats.find((x) => x.includes(`within ${t} min`));
      expect(s, `the summary should give the share within ${t} minutes: ${stats.join(' | ')}`);
      return Number(/([\d.]+)%/.exec(s)[1]);
    });
    expect(shares.every((v, i) => i === 0 || v >= shares[i - 1]) && shares[3] > 0, `the shares should grow with the threshold: ${shares}`);
    expect(stats.some((x) => /residents beyond 15 min/.test(x)) && stats.some((x) => /mean minutes/.test(x)), `the summary should give residents beyond 15 and the mean: ${stats.join(' | ')}`);
    const method = await page.locator('#acc-method').innerText();
    expect(method.length > 20, `the method should be stated: ${method}`);
    // Output Areas outside the grid lie far from any way, and are listed.
    expect(await page.locator('#acc-far').isVisible(), 'origins far from the grid should be listed');
    expect((await page.locator('#acc-far-list li').count()) > 0, 'with one line each');
    // The bands: four, largest first, under the assets, with their legend.
    await page.waitForFunction(() => window.placemap.views.access.state.bands.base, null, { timeout: STEP_TIMEOUT });
    const minutes = await bandMinutes(page);
    expect(JSON.stringify(minutes) === '[20,15,10,5]', `the four bands should come largest first: ${minutes}`);
    const order = await page.evaluate(() => window.placemap.map.getStyle().layers.map((l) => l.id));
    expect(order.indexOf('access-bands-fill') >= 0 && order.indexOf('access-bands-fill') < order.indexOf('assets'), 'the bands should be drawn under the assets');
    const legend = await page.locator('#acc-legend-bands li').allInnerTexts();
    expect(legend.join('|') === 'within 5 min|within 10 min|within 15 min|within 20 min', `the legend should name the bands: ${legend}`);
    await waitIdle(page);
    expect((await countRendered(page, 'access-bands-fill')) > 0, 'the bands should be drawn');
    await shot(page, 'step-01-results.png');
    return { shares, far: await page.locator('#acc-far-list li').count(), ...(await axeCheck(page, 'results')) };
  });

  let worst = null;
  await estep(page, 'choropleth', async () => {
    await page.locator('#acc-set').selectOption(SET);
    await page.waitForFunction((s) => window.placemap.views.access.state.set === s && window.placemap.views.access.state.setView, SET, { timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const fill = await page.evaluate(() => window.placemap.map.getPaintProperty('access-area-fill', 'fill-color'));
    expect(Array.isArray(fill) && fill[0] === 'match', `the wards should be coloured by a match on their code: ${JSON.stringify(fill).slice(0, 80)}`);
    expect((await countRendered(page, 'access-area-fill')) > 0, 'the wards should be drawn');
    expect((await page.locator('#acc-legend-areas li').count()) >= 5, 'the legend should give the classes of the share');
    const rows = await page.locator('#acc-table tbody tr').count();
    expect(rows > 0, 'the table should list the wards');
    const shareHead = page.locator('#acc-table th[data-key="share"]');
    expect((await shareHead.getAttribute('aria-sort')) === 'descending', 'sorted by the share beyond 15 minutes, largest first');
    await shareHead.locator('button').click();
    expect((await page.locator('#acc-table th[data-key="share"]').getAttribute('aria-sort')) === 'ascending', 'a click sorts the other way');
    await page.locator('#acc-table th[data-key="beyond"] button').click();
    const first = await page.locator('#acc-table tbody tr').first().getAttribute('data-code');
    worst = await page.evaluate(({ code }) => window.placemap.views.access.state.setView.areas.find((a) => a.code === code), { code: first });
    expect(worst && worst.beyond_15_residents > 0, `the ward with most residents beyond 15 minutes should have some: ${JSON.stringify(worst)}`);
    await page.locator('#acc-table tbody tr').first().click();
    await page.waitForFunction((c) => window.placemap.views.access.state.table.selected === c, first);
    await shot(page, 'step-02-wards.png');
    return { rows, worst: worst.code };
  });

  await estep(page, 'details', async () => {
    await page.evaluate(({ s, c }) => { location.hash = `#map?area=${s}/${encodeURIComponent(c)}`; }, { s: SET, c: worst.code });
    const sentence = page.locator('#area-access li[data-category="library"] .area-access-sentence');
    await sentence.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const text = await sentence.innerText();
    const list = await page.evaluate(async ({ s, c }) => (await (await fetch(`api/sets/${s}/areas/${encodeURIComponent(c)}/access`)).json()), { s: SET, c: worst.code });
    const lib = list.find((a) => a.category === 'library');
    const n = new Intl.NumberFormat('en-GB').format(Math.round(lib.beyond_15_residents));
    expect(text === `${n} residents are more than 15 minutes' walk from a library.`, `the details should say how many live beyond 15 minutes: "${text}" (${n})`);
    await shot(page, 'step-03-details.png');
    return { sentence: text, ...(await axeCheck(page, 'details')) };
  });

  await estep(page, 'scenario', async () => {
    await page.evaluate(({ r, s }) => { location.hash = `#access/${encodeURIComponent(r)}?set=${s}`; }, { r: runId, s: SET });
    await page.locator('#acc-scenario').waitFor({ state: 'visible' });
    CLOSE.id = await page.evaluate((name) => {
      const a = window.placemap.views.access.state.runData.summary.assets.find((x) => x.name === name);
      return a ? a.id : '';
    }, CLOSE.name);
    expect(CLOSE.id, `${CLOSE.name} should be among the run's libraries`);
    await page.locator(`#acc-scn-close-list input[data-asset="${CLOSE.id}"]`).waitFor({ state: 'attached' });
    // Close the library by clicking it on the map.
    await clickAt(page, CLOSE.lngLat, 15);
    await page.waitForFunction((id) => window.placemap.views.access.scenario.close.has(id), CLOSE.id, { timeout: STEP_TIMEOUT });
    expect(await page.locator(`#acc-scn-close-list input[data-asset="${CLOSE.id}"]`).isChecked(), 'the library clicked should be ticked to close');
    await waitIdle(page);
    expect((await countRendered(page, 'access-closed')) === 1, 'the library to close should be ringed on the map');
    // Add one with a click in "Add a library here" mode, and one typed.
    const add = page.locator('#acc-scn-add');
    expect((await add.innerText()) === 'Add a library here', `the button should say what it adds: ${await add.innerText()}`);
    await add.click();
    expect((await add.getAttribute('aria-pressed')) === 'true', 'the add mode should be on');
    await clickAt(page, ADD_CLICK, 13);
    await page.waitForFunction(() => window.placemap.views.access.scenario.open.length === 1);
    expect((await add.getAttribute('aria-pressed')) === 'false', 'one click adds one');
    await page.locator('#acc-scn-lonlat').fill('not a place');
    await page.locator('#acc-scn-lonlat').press('Enter');
    expect(/longitude, latitude/.test(await page.locator('#acc-scn-error').innerText()), 'a bad position should be refused');
    await page.locator('#acc-scn-lonlat').fill(ADD_TYPED);
    await page.locator('#acc-scn-lonlat').press('Enter');
    await page.waitForFunction(() => window.placemap.views.access.scenario.open.length === 2);
    expect((await page.locator('#acc-scn-open-list li').count()) === 2, 'both new libraries should be listed');
    await page.locator('#acc-scn-run').click();
    await page.waitForFunction(() => /[?&]scenario=/.test(location.hash), null, { timeout: STEP_TIMEOUT });
    await page.locator('#acc-scn-progress').waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const d = window.placemap.views.access.scenario.data;
      return (d && d.status === 'done') || document.getElementById('acc-scn-error').textContent;
    }, null, { timeout: RUN_TIMEOUT });
    expect(!(await page.locator('#acc-scn-error').innerText()), `the scenario should run: ${await page.locator('#acc-scn-error').innerText()}`);
    const scn = await page.evaluate(() => window.placemap.views.access.scenario.data);
    expect(scn.params.close.includes(CLOSE.id) && scn.params.open.length === 2, `the scenario should close ${CLOSE.id} and open two: ${JSON.stringify(scn.params)}`);
    const moved = await page.locator('#acc-scn-moved .stat').allInnerTexts();
    const total = moved.map((x) => Number(x.split('\n')[0].replace(/,/g, ''))).reduce((a, b) => a + b, 0);
    expect(moved.length === 4 && total > 0, `residents should move beyond the thresholds: ${moved.join(' | ')}`);
    await page.locator('#acc-scn-affected li').first().waitFor({ timeout: STEP_TIMEOUT });
    const affected = await page.locator('#acc-scn-affected li').allInnerTexts();
    expect(affected.length > 0 && /beyond \d+ min/.test(affected[0]), `the wards most affected should be listed: ${affected}`);
    // The scenario's bands beside the baseline's.
    const s = await acc(page);
    expect(s.bandsOf === 'scenario', 'the scenario\'s bands should be drawn once it has run');
    await page.locator('label[for="acc-scn-bands-base"]').click();
    expect((await acc(page)).bandsOf === 'base', 'Before should draw the baseline\'s bands');
    await page.locator('label[for="acc-scn-bands-scenario"]').click();
    expect((await acc(page)).bandsOf === 'scenario', 'After should draw the scenario\'s again');
    expect((await bandMinutes(page)).length === 4, 'the scenario has four bands too');
    await waitIdle(page);
    await shot(page, 'step-04-scenario.png');
    return { moved, affected: affected.slice(0, 3), ...(await axeCheck(page, 'scenario')) };
  });

  await step('phone', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    const s = await acc(page);
    await phoneReady(p, `${BASE}#access/${encodeURIComponent(s.run)}?scenario=${encodeURIComponent(s.scenario)}&set=${SET}`, waitIdle);
    await p.waitForFunction(() => {
      const v = window.placemap.views.access;
      return v.state.runData && v.state.runData.status === 'done' && v.scenario.data && v.state.setView;
    }, null, { timeout: RUN_TIMEOUT });
    if ((await p.evaluate(() => document.querySelector('.layout').dataset.sheet)) === 'peek') await p.locator('#panel-toggle').tap();
    await settled(p, waitIdle);
    expect((await countRendered(p, 'access-area-fill')) > 0, 'on a phone the wards should be drawn');
    await shot(p, 'step-05-phone.png');
    const axe = await axeCheck(p, 'phone-access');
    await p.context().close();
    noErrors(errors);
    return axe;
  });
});
