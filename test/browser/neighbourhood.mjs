#!/usr/bin/env node
// Browser test of "Draw my neighbourhood" on the placemap web map, in
// headless Chromium driven by playwright-core, like draw.mjs.
//
// Usage: node test/browser/neighbourhood.mjs BASE_URL OUTDIR EMAIL PASSWORD
//   e.g. placemap demo --data DIR
//        echo 'a long enough password' | placemap user add mod@example.org --role moderator --password-stdin --data DIR
//        placemap serve --addr 127.0.0.1:8096 --data DIR --no-demo &
//        node test/browser/neighbourhood.mjs http://127.0.0.1:8096 testout/browser-neighbourhood mod@example.org 'a long enough password'
//
// EMAIL must be a moderator (or admin), and the data the fresh demo. Steps,
// each with a screenshot in OUTDIR: a visitor clicks "Draw my
// neighbourhood", clicks four corners and the first again, names it, picks
// the first place the community set defines, and sends it (POST
// api/suggestions must carry kind area, a Polygon of four corners and the
// place, no set); the moderator signs in, finds it in the moderation list
// with its place, name and the note that accepting publishes it as
// evidence, shows it on the map and accepts it; the drawing is then one of
// the place's published drawings (api/places/{slug}/drawings, counted by
// its drawings surface), and no area
// of any set: the community set keeps its areas and the place its
// definitions. Fails on any console or page error, failed request or
// request to another host.
import { harness, expect, readyToEdit, canvasBox, STEP_TIMEOUT } from './harness.mjs';

const [, , BASE_ARG, , EMAIL, PASSWORD] = process.argv;
if (!BASE_ARG || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/neighbourhood.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const BASE = BASE_ARG.endsWith('/') ? BASE_ARG : `${BASE_ARG}/`;
const NAME = 'My neighbourhood as I know it (browser test)';
let PLACE = ''; // the first place the community set defines

const { shot, step, run } = harness('neighbourhood.mjs');

async function apiJSON(path) {
  const res = await fetch(new URL(path, BASE).href, { headers: { Accept: 'application/json' } });
  return { status: res.status, body: res.status === 200 ? await res.json() : null };
}

run(async ({ page }) => {
  let set = '';
  let before = 0;
  await step('load', async () => {
    const places = await apiJSON('api/places');
    let p = null;
    for (const pl of places.body.places) {
      p = await apiJSON(`api/places/${encodeURIComponent(pl.slug)}`);
      if (p.body.definitions.some((d) => d.set === 'community-neighbourhoods')) {
        PLACE = pl.slug;
        break;
      }
    }
    expect(PLACE, 'the demo should have a place the community neighbourhoods define');
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    return { place: PLACE, definitions: p.body.definitions.length };
  });

  await step('visitor-draws', async () => {
    await page.locator('#suggest-draw').click();
    await page.locator('#map-banner', { hasText: 'neighbourhood' }).waitFor();
    const box = await canvasBox(page);
    const cx = box.x + box.width * 0.55;
    const cy = box.y + box.height * 0.55;
    const corners = [[cx - 50, cy - 40], [cx + 50, cy - 40], [cx + 55, cy + 35], [cx - 45, cy + 40]];
    for (const [x, y] of corners) {
      await page.mouse.move(x, y, { steps: 3 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(250);
    }
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 3 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    await page.locator('#draw-hood-name').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    expect(await page.locator('#draw-hood-set').count() === 0, 'a drawing is of a place, not for a boundary set: no set should be asked');
    set = 'community-neighbourhoods';
    before = (await apiJSON(`api/sets/${set}`)).body.area_count;
    // Sending without a name is refused in the form.
    await page.locator('#draw-hood-place').selectOption(PLACE);
    await page.locator('#draw-hood-submit').click();
    await page.locator('#draw-hood-name-error', { hasText: 'name' }).waitFor();
    await page.locator('#draw-hood-name').fill(NAME);
    await shot(page, 'step-01-drawn.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/suggestions'),
      page.locator('#draw-hood-submit').click(),
    ]);
    expect(res.status() === 202, `POST /api/suggestions should answer 202, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.kind === 'area' && !sent.set && sent.place === PLACE && sent.feature.geometry.type === 'Polygon' &&
      sent.feature.geometry.coordinates[0].length === 5 && sent.feature.properties.name === NAME,
    `the suggestion should carry kind area, the place and a Polygon of four corners, and no set, sent ${JSON.stringify({ ...sent, feature: sent.feature && sent.feature.geometry.type })}`);
    await page.locator('#suggest-thanks').waitFor();
    const now = (await apiJSON(`api/sets/${set}`)).body.area_count;
    expect(now === before, `a pending drawing should not change the set (${before} areas, now ${now})`);
    await shot(page, 'step-02-sent.png');
    return { set };
  });

  await step('moderator-accepts', async () => {
    const defsBefore = (await apiJSON(`api/places/${PLACE}`)).body.definitions.length;
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#moderation').waitFor({ state: 'visible' });
    const item = page.locator('#moderation-list li.suggestion[data-kind="area"]', { hasText: NAME });
    await item.waitFor({ timeout: STEP_TIMEOUT });
    const text = await item.innerText();
    expect(text.includes(PLACE) || text.includes('A drawing of'), `the queue should say which place it is a drawing of: ${JSON.stringify(text)}`);
    expect(/publishes it as evidence/.test(text) && /does not become an area/.test(text), `the queue should say accepting publishes it as evidence, not an area: ${JSON.stringify(text)}`);
    await item.locator('button.show-drawing').click();
    expect(await page.evaluate(() => !!window.placemap.map.getSource('suggested-drawing')), '"Show the drawing" should outline it on the map');
    await shot(page, 'step-03-moderation.png');
    await item.locator('button.accept-btn').click();
    await page.locator('#moderation-notice', { hasText: 'Accepted' }).waitFor();
    const list = await apiJSON(`api/places/${PLACE}/drawings`);
    expect(list.status === 200 && list.body.features.some((f) => f.properties.name === NAME),
      `${PLACE} should list the drawing among its published drawings, lists ${JSON.stringify((list.body && list.body.features || []).map((f) => f.properties.name))}`);
    const now = (await apiJSON(`api/sets/${set}`)).body.area_count;
    expect(now === before, `publishing a drawing should make no area of ${set} (${before} areas, now ${now})`);
    const defsAfter = (await apiJSON(`api/places/${PLACE}`)).body.definitions.length;
    expect(defsAfter === defsBefore, `publishing a drawing should add no definition to ${PLACE} (${defsBefore}, now ${defsAfter})`);
    const surface = await apiJSON(`api/places/${PLACE}/drawings/surface`);
    expect(surface.status === 200 && surface.body.summary.drawings >= 1, 'the drawings surface should count the drawing');
    await shot(page, 'step-04-accepted.png');
    return { drawings: list.body.numberMatched };
  });
});
