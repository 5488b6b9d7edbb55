#!/usr/bin/env node
// Browser test of what an area tells you: clicking a ward on the map opens
// its profile (people, assets by category, the area in other definitions);
// following an "other definitions" row selects that area, showing its set.
// Run at desktop size and at 390×844, with axe-core on the open panel.
//
// Usage: node test/browser/areainfo.mjs BASE_URL OUTDIR
import { harness, axeCheck } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, canvasBox, run } = harness('areainfo.mjs');

const SET = 'wards-2019';
const CODE = 'E05010860'; // Broomhill and Sharrow Vale
const NAME = 'Broomhill and Sharrow Vale';
const OTHER = { set: 'constituencies-2013', code: 'E14000919', name: 'Sheffield Central' };

/**
 * clickWard shows only the wards, hides the assets, and clicks the ward on
 * the map at Broomhill Library (inside it).
 * @param {import('playwright-core').Page} page
 */
async function clickWard(page) {
  const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
  await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
  await page.evaluate(() => window.placemap.ready);
  const at = await page.evaluate(async (set) => {
    const pm = window.placemap;
    for (const s of pm.state.sets) pm.setSetVisibility(s.slug, s.slug === set);
    pm.setAssetsVisibility(false);
    const fc = await (await fetch('api/assets?q=Broomhill&category=library')).json();
    const c = fc.features[0].geometry.coordinates;
    pm.map.jumpTo({ center: c, zoom: 13 });
    return c;
  }, SET);
  await waitIdle(page);
  const box = await canvasBox(page);
  const px = await page.evaluate(({ at, set }) => {
    const pm = window.placemap;
    const p = pm.map.project(at);
    const f = pm.map.queryRenderedFeatures([p.x, p.y], { layers: [pm.layerIds.set(set).fill] })[0];
    return { x: p.x, y: p.y, code: f ? String(f.properties.code) : null };
  }, { at, set: SET });
  expect(px.code === CODE, `the map should draw ward ${CODE} at Broomhill Library, draws ${px.code}`);
  await page.mouse.click(box.x + px.x, box.y + px.y);
}

/**
 * readProfile waits for the profile and reads its figures.
 * @param {import('playwright-core').Page} page
 */
async function readProfile(page) {
  await page.locator('#details-body h3', { hasText: NAME }).waitFor();
  await page.locator('#area-profile:not([aria-busy])').waitFor({ timeout: 90_000 });
  const err = await page.locator('#area-profile .error-text').count();
  expect(!err, `the profile should load: ${await page.locator('#area-profile').innerText()}`);
  const sub = (await page.locator('#details-body .details-sub').innerText()).trim();
  expect(/Electoral wards \(since 2016\)/.test(sub) && /official boundaries/.test(sub), `the set and its kind should show, got ${JSON.stringify(sub)}`);
  const population = (await page.locator('#area-profile .profile-population').innerText()).trim();
  expect(population.startsWith('About 22,700 people'), `population should read "About 22,700 people…", got ${JSON.stringify(population)}`);
  const deprivation = (await page.locator('#area-profile .profile-deprivation').innerText()).trim();
  expect(/7\.2/.test(deprivation) && / 22 Lower Layer Super Output Areas/.test(deprivation), `deprivation should give the decile and the LSOAs, got ${JSON.stringify(deprivation)}`);
  expect(/40% least deprived areas of England/.test(deprivation), `deprivation should place the ward, got ${JSON.stringify(deprivation)}`);
  const assets = (await page.locator('#area-assets .profile-assets').innerText()).trim();
  expect(assets === '1 library.', `assets should read "1 library.", got ${JSON.stringify(assets)}`);
  const libs = await page.locator('#area-assets ul.asset-list li button').allInnerTexts();
  expect(libs.length === 1 && /Broomhill Library/.test(libs[0]), `the library should be listed with a button, got ${JSON.stringify(libs)}`);
  const heading = await page.locator('#details-body h4', { hasText: 'Assets in this area (1)' }).count();
  expect(heading === 1, 'the "Assets in this area (1)" heading should stay');
  const row = page.locator(`#area-others li[data-set="${OTHER.set}"] li.counterpart`).first();
  const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
  expect(text === `${OTHER.name} covers 99.9% of this area; this area covers 15.3% of ${OTHER.name}.`,
    `the constituency row should say how the two overlap, got ${JSON.stringify(text)}`);
  return { population, deprivation, assets, row: text };
}

/**
 * followOther follows the constituency row and checks it is selected.
 * @param {import('playwright-core').Page} page
 */
async function followOther(page) {
  const link = page.locator(`#area-others li[data-set="${OTHER.set}"] a[data-code="${OTHER.code}"]`);
  // A real link: its address reopens the map with that area selected and its set shown.
  const href = await link.getAttribute('href') || '';
  const q = new URLSearchParams(href.replace(/^#map\?/, ''));
  expect(href.startsWith('#map?') && q.get('area') === `${OTHER.set}/${OTHER.code}` && (q.get('sets') || '').split(',').includes(OTHER.set),
    `the other definition's link should name ${OTHER.set}/${OTHER.code} and show its set, is ${href}`);
  await link.click();
  await page.locator('#details-body h3', { hasText: OTHER.name }).waitFor();
  await page.waitForFunction((o) => {
    const pm = window.placemap;
    const sel = pm.state.selectedArea;
    return sel && sel.slug === o.set && sel.code === o.code && pm.state.visible.get(o.set) === true;
  }, OTHER, { timeout: STEP_TIMEOUT });
  await page.locator('#area-profile:not([aria-busy])').waitFor({ timeout: 90_000 });
  return { selected: `${OTHER.set}/${OTHER.code}` };
}

run(async ({ page }) => {
  for (const [label, size] of /** @type {[string, {width: number, height: number}][]} */ ([
    ['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]])) {
    await step(`${label}-click-ward`, async () => {
      await page.setViewportSize(size);
      await clickWard(page);
      const read = await readProfile(page);
      await page.locator('#area-others').scrollIntoViewIfNeeded();
      await shot(page, `${label}-01-ward-profile.png`);
      return { ...read, ...(await axeCheck(page, `${label}-profile`, { include: '#details' })) };
    });
    await step(`${label}-follow-other-definition`, async () => {
      const out = await followOther(page);
      await waitIdle(page);
      await shot(page, `${label}-02-constituency.png`);
      return out;
    });
  }
});
