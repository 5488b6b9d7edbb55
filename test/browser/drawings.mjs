#!/usr/bin/env node
// Browser test of residents' drawings as evidence (issue 18, part 1), in
// headless Chromium driven by playwright-core, with monitor.mjs's checks (no
// console or page errors, no unexpected error responses, nothing from other
// hosts).
//
// Usage: node test/browser/drawings.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD PLACE COMMUNITY_SET
//   (TestDrawingsInChromium in cmd/placemap serves the demo with the moderator.)
//
// Steps, each with a screenshot in OUTDIR:
//   seed         six nested drawings of PLACE sent through the API by the
//                moderator and accepted: each published as a drawing, none an area
//   visitor      a visitor draws four corners on the map, picks PLACE, names
//                it, answers the first question and sends it (POST
//                api/suggestions: kind area, place, answers, no set); the pane
//                shows "6 residents' drawings", the surface and the visitor's
//                outline render, and the private link is offered with Copy; axe
//   private-link the link opened in a fresh browser loads the drawing (name,
//                pending), changes its name (PUT api/drawings/{id}?key, 202);
//                a wrong key gets a plain message
//   threshold    the moderator's Places view: the count, the surface, the
//                slider moved with the keyboard from 50% to 100% shrinks the
//                outline's area, and back to 50%; axe
//   adopt        "Adopt the consensus" into COMMUNITY_SET: the success names the
//                area with "from 6 residents' drawings, 50% threshold" and links
//                to it; the area exists with from_drawings and threshold,
//                and is listed among the place's definitions
//   phone        the place's drawings at 390×844 with touch: the slider and
//                the checkbox are 44 px targets; the private link opens the
//                drawing in the sheet; axe at phone size on both
import { harness, expect, fail, readyToEdit, waitIdle, canvasBox, axeCheck, STEP_TIMEOUT } from './harness.mjs';
import { createMonitor } from './monitor.mjs';
import { phonePage, phoneReady, noErrors, sheetBox } from './phonectx.mjs';

const [, , , , EMAIL, PASSWORD, PLACE, SET] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD || !PLACE || !SET) {
  console.error('usage: node test/browser/drawings.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD PLACE COMMUNITY_SET');
  process.exit(2);
}

const { BASE, shot, step, run } = harness('drawings.mjs');
const monitor = createMonitor({ step, shot });
const { allow, monitoredPage, estep } = monitor;
const SEEDS = 6;
const NAME = 'Our bit of Broomhill (browser test)';
const RENAMED = 'Our bit, redrawn (browser test)';
const ANSWER = 'The park and the shops on the corner';
const CODE = 'broomhill-drawn';

/** rect is a closed ring around (x, y), half-sizes (w, h). */
function rect(x, y, w, h) {
  return [[x - w, y - h], [x + w, y - h], [x + w, y + h], [x - w, y + h], [x - w, y - h]];
}

/** The place's box, from its agreement surface. */
async function placeBox(api) {
  const r = await api.get(`api/places/${PLACE}/agreement`);
  expect(r.ok(), `GET api/places/${PLACE}/agreement should answer 200, got ${r.status()}`);
  const fc = await r.json();
  let w = 180, s = 90, e = -180, n = -90;
  const visit = (c) => {
    if (typeof c[0] === 'number') { w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]); } else c.forEach(visit);
  };
  for (const f of fc.features) visit(f.geometry.coordinates);
  expect(w < e && s < n, `${PLACE} should have an agreement surface to take its box from`);
  return { w, s, e, n, x: (w + e) / 2, y: (s + n) / 2 };
}

async function signIn(page) {
  await page.locator('#signin-toggle').click();
  await page.locator('#signin-email').fill(EMAIL);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('#signin-submit').click();
  await page.locator('#account-who:not([hidden]), #signin-error:not(:empty)').first().waitFor();
  if (!(await page.locator('#account-who').isVisible())) fail(`signing in as ${EMAIL} failed`);
}

/** rendered counts the features a layer draws now (-1: no such layer). */
function rendered(page, layer) {
  return page.evaluate((id) => {
    const m = window.placemap.map;
    return m.getLayer(id) ? m.queryRenderedFeatures({ layers: [id] }).length : -1;
  }, layer);
}

/** waitRendered waits until a layer draws something. */
async function waitRendered(page, layer) {
  await page.waitForFunction((id) => {
    const m = window.placemap.map;
    return m.getLayer(id) && m.getLayoutProperty(id, 'visibility') !== 'none' && m.queryRenderedFeatures({ layers: [id] }).length > 0;
  }, layer, { timeout: STEP_TIMEOUT, polling: 200 }).catch(async () => fail(`the layer ${layer} should draw something, draws ${await rendered(page, layer)}`));
}

/** outlineArea is the area (m²) the Places view says the outline covers. */
function outlineArea(page) {
  return page.locator('#place-drawings-outline').getAttribute('data-area').then(Number);
}

run(async ({ browser, page: harnessPage }) => {
  await harnessPage.close();
  const page = await monitoredPage(browser);
  let box = null;
  const seeded = [];

  await estep(page, 'seed', async () => {
    const ctx = await browser.newContext({ baseURL: BASE });
    const api = ctx.request;
    box = await placeBox(api);
    const login = await api.post('api/login', { data: { email: EMAIL, password: PASSWORD } });
    expect(login.ok(), `POST api/login should answer 200, got ${login.status()}`);
    const csrf = (await login.json()).csrf_token;
    const headers = { 'X-CSRF-Token': csrf };
    const hw = (box.e - box.w) / 2, hh = (box.n - box.s) / 2;
    for (let i = 0; i < SEEDS; i++) {
      const k = 0.3 + 0.05 * i; // nested: the smallest is in all six, the largest in one
      const body = {
        kind: 'area', place: PLACE, comment: `seed ${i}`,
        answers: { 'What do you call this area?': `Seed ${i}` },
        feature: { type: 'Feature', properties: { name: `Seed drawing ${i}` }, geometry: { type: 'Polygon', coordinates: [rect(box.x, box.y, hw * k, hh * k)] } },
      };
      const r = await api.post('api/suggestions', { data: body, headers });
      expect(r.status() === 202, `seed ${i}: POST api/suggestions should answer 202, got ${r.status()}: ${await r.text()}`);
      seeded.push((await r.json()).id);
    }
    const before = await (await api.get(`api/sets/${SET}`)).json();
    for (const id of seeded) {
      const r = await api.post(`api/suggestions/${encodeURIComponent(id)}/accept`, { data: {}, headers });
      expect(r.ok(), `accepting seed ${id} should answer 2xx, got ${r.status()}: ${await r.text()}`);
    }
    const after = await (await api.get(`api/sets/${SET}`)).json();
    expect(after.area_count === before.area_count, `publishing drawings should make no area: ${SET} had ${before.area_count} areas, has ${after.area_count}`);
    const list = await (await api.get(`api/places/${PLACE}/drawings?limit=50`)).json();
    expect(Number(list.numberMatched) === SEEDS && list.features.length === SEEDS,
      `api/places/${PLACE}/drawings should list the ${SEEDS} published drawings, lists ${list.features.length} of ${list.numberMatched}`);
    const p = list.features[0].properties;
    expect(p.name && Array.isArray(p.answers) && !('author' in p) && !('email' in p), `a published drawing should carry its name and answers and no author: ${JSON.stringify(p)}`);
    await ctx.close();
    return { seeded: seeded.length };
  });

  let link = '';
  let drawingId = '';
  await estep(page, 'visitor', async () => {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    await page.evaluate(({ x, y }) => window.placemap.map.jumpTo({ center: [x, y], zoom: 14 }), box);
    await waitIdle(page);
    await page.locator('#suggest-draw').click();
    await page.locator('#map-banner', { hasText: 'neighbourhood' }).waitFor();
    const c = await canvasBox(page);
    const cx = c.x + c.width * 0.55, cy = c.y + c.height * 0.5;
    const corners = [[cx - 70, cy - 50], [cx + 70, cy - 50], [cx + 80, cy + 45], [cx - 60, cy + 55]];
    for (const [x, y] of corners) {
      await page.mouse.move(x, y, { steps: 3 });
      await page.mouse.click(x, y);
      await page.waitForTimeout(250);
    }
    await page.mouse.move(corners[0][0], corners[0][1], { steps: 3 });
    await page.mouse.click(corners[0][0], corners[0][1]);
    await page.locator('#draw-hood-form').waitFor({ timeout: STEP_TIMEOUT });
    expect(await page.locator('#draw-hood-set').count() === 0, 'the form should no longer ask for a boundary set');
    const q0 = await page.locator('label[for="draw-hood-answer-0"]').innerText();
    expect(q0.startsWith('What do you call this area?'), `the first question should be the deployment's, is ${JSON.stringify(q0)}`);
    // Sending without a place is refused in the form.
    await page.locator('#draw-hood-name').fill(NAME);
    await page.locator('#draw-hood-submit').click();
    await page.locator('#draw-hood-place-error', { hasText: 'place' }).waitFor();
    await page.locator('#draw-hood-place').selectOption(PLACE);
    await page.locator('#draw-hood-answer-0').fill(ANSWER);
    await shot(page, 'step-01-form.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/suggestions'),
      page.locator('#draw-hood-submit').click(),
    ]);
    const sent = JSON.parse(res.request().postData());
    expect(res.status() === 202, `POST api/suggestions should answer 202, got ${res.status()}`);
    expect(sent.kind === 'area' && sent.place === PLACE && !sent.set && sent.feature.properties.name === NAME &&
      sent.feature.geometry.coordinates[0].length === 5 && sent.answers['What do you call this area?'] === ANSWER,
    `the drawing should be sent with its place, name, answers and four corners, and no set: ${JSON.stringify({ ...sent, feature: sent.feature.geometry.type })}`);
    const body = await res.json();
    drawingId = String(body.drawing);
    expect(drawingId && body.edit_key, `the 202 should name the drawing and its key: ${JSON.stringify(body)}`);
    await page.locator('#suggest-thanks').waitFor();
    await page.locator('#my-drawing-count', { hasText: `${SEEDS} residents' drawings` }).waitFor().catch(async () =>
      fail(`the pane should count the ${SEEDS} published drawings, says ${JSON.stringify(await page.locator('#my-drawing-count').innerText())}`));
    await waitRendered(page, 'my-drawing-surface-fill');
    await waitRendered(page, 'my-drawing-outline-line');
    const legend = await page.locator('#map-legend').innerText();
    expect(legend.includes(`${SEEDS} residents' drawings`) && legend.includes('Your drawing'), `the legend should count the drawings and key the visitor's outline: ${JSON.stringify(legend)}`);
    link = await page.locator('#my-drawing-copy-field').inputValue();
    expect(link.includes(`#my-drawing/${encodeURIComponent(drawingId)}?key=`) && link.includes(encodeURIComponent(body.edit_key)),
      `the private link should open the drawing with its key: ${link}`);
    expect((await page.locator('.private-link h4').textContent()).includes('Keep this link to change your drawing'), 'the link should say what it is for');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
    await page.locator('#my-drawing-copy').click();
    await page.locator('#app-status', { hasText: /copied|copy it/ }).waitFor();
    await shot(page, 'step-02-against-everyone.png');
    const pending = await (await page.request.get(`${BASE}api/places/${PLACE}/drawings`)).json();
    expect(Number(pending.numberMatched) === SEEDS, `a pending drawing should not be published yet: ${pending.numberMatched} listed`);
    return { drawing: drawingId, ...(await axeCheck(page, 'my-drawing', { include: '#details' })) };
  });

  await estep(page, 'private-link', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const p = await ctx.newPage();
    p.setDefaultTimeout(STEP_TIMEOUT);
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(link, { waitUntil: 'domcontentloaded' });
    await p.waitForFunction(() => window.placemap && window.placemap.ready);
    await p.evaluate(() => window.placemap.ready);
    await p.locator('#my-drawing-name', { hasText: NAME }).waitFor().catch(async () => fail(`the private link should load the drawing, the panel says ${JSON.stringify(await p.locator('#details').innerText())}`));
    expect(await p.locator('#my-drawing-status').getAttribute('data-status') === 'pending', 'a drawing not yet checked should say it waits for a moderator');
    expect((await p.locator('#details').innerText()).includes(ANSWER), 'the drawing should show its answers');
    await waitRendered(p, 'my-drawing-outline-line');
    expect(p.url().includes('#my-drawing/'), `the private link should stay in the address, is ${p.url()}`);
    await shot(p, 'step-03-private-link.png');
    await p.locator('#my-drawing-change').click();
    await p.locator('#draw-hood-form').waitFor();
    expect(await p.locator('#draw-hood-place').count() === 0 && (await p.locator('#draw-hood-form').innerText()).includes('A drawing of') &&
      await p.locator('#draw-hood-name').inputValue() === NAME && await p.locator('#draw-hood-answer-0').inputValue() === ANSWER,
    'changing the drawing should keep its place and start from its name and answers');
    await p.locator('#draw-hood-name').fill(RENAMED);
    const [res] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/drawings/${drawingId}`),
      p.locator('#draw-hood-submit').click(),
    ]);
    expect(res.status() === 202, `PUT api/drawings/${drawingId} should answer 202, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.feature.properties.name === RENAMED && sent.feature.geometry.type === 'Polygon' && sent.answers['What do you call this area?'] === ANSWER, `the change should send the new name and the outline: ${res.request().postData()}`);
    await p.locator('#my-drawing-name', { hasText: RENAMED }).waitFor();
    expect(await p.locator('#my-drawing-status').getAttribute('data-status') === 'pending', 'the change should wait for a moderator');
    // The change is a suggestion: the drawing stays as it is until a moderator accepts it.
    const got = await p.request.get(`${BASE}api/drawings/${drawingId}?key=${new URL(link).hash.split('key=')[1]}`);
    expect(got.status() === 200 && (await got.json()).properties.name === NAME, `until the change is accepted the drawing should keep its name: ${got.status()}`);
    // A wrong key: a plain message, no drawing.
    const wrong = link.replace(/key=[^&]*/, 'key=not-the-key');
    await p.goto('about:blank');
    await p.goto(wrong, { waitUntil: 'domcontentloaded' });
    await p.waitForFunction(() => window.placemap && window.placemap.ready);
    await p.locator('#my-drawing-error').waitFor();
    const msg = await p.locator('#my-drawing-error').innerText();
    expect(/does not open a drawing/.test(msg), `a wrong key should get a plain message, got ${JSON.stringify(msg)}`);
    expect(await p.locator('#my-drawing-name').count() === 0, 'a wrong key should show no drawing');
    await shot(p, 'step-04-wrong-key.png');
    expect(errors.length === 0, `page errors with the private link: ${errors.join(' | ')}`);
    await ctx.close();
    return {};
  });

  let area50 = 0;
  await estep(page, 'threshold', async () => {
    await signIn(page);
    await page.evaluate((slug) => { location.hash = `#place/${slug}`; }, PLACE);
    await page.locator('#place-drawings-count', { hasText: `${SEEDS} residents' drawings` }).waitFor();
    await waitRendered(page, 'place-drawings-surface-fill');
    expect(await page.locator('#place-drawings-show').isChecked(), 'the drawings should be shown on the map');
    const slider = page.locator('#place-drawings-threshold');
    expect(await page.locator('label[for="place-drawings-threshold"]').count() === 1 && await slider.getAttribute('min') === '10' &&
      await slider.getAttribute('max') === '100' && await slider.inputValue() === '50', 'the slider should be labelled, 10–100%, at 50%');
    await page.waitForFunction(() => document.getElementById('place-drawings-outline').dataset.area > 0);
    area50 = await outlineArea(page);
    await waitRendered(page, 'place-drawings-outline-line');
    await shot(page, 'step-05-surface-50.png');
    await slider.focus();
    await page.keyboard.press('End');
    expect(await slider.inputValue() === '100' && (await slider.getAttribute('aria-valuetext')).startsWith('100%'), 'End should move the slider to 100%');
    await page.waitForFunction((a) => Number(document.getElementById('place-drawings-outline').dataset.area) !== a, area50);
    const area100 = await outlineArea(page);
    expect(area100 > 0 && area100 < area50, `the outline at 100% should be smaller than at 50% (${area50} m²), is ${area100} m²`);
    expect((await page.locator('#place-drawings-outline').innerText()).includes('km²'), 'the outline\'s area should be said in km²');
    await shot(page, 'step-06-surface-100.png');
    await page.keyboard.press('Home');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    expect(await slider.inputValue() === '50', `Home and 8 steps right should come back to 50%, is ${await slider.inputValue()}`);
    await page.waitForFunction((a) => Math.abs(Number(document.getElementById('place-drawings-outline').dataset.area) - a) < 1, area50);
    return { area50, area100, ...(await axeCheck(page, 'places-drawings')) };
  });

  await estep(page, 'adopt', async () => {
    const form = page.locator('#adopt-form');
    await form.waitFor({ state: 'visible' });
    await page.locator('#adopt-set').selectOption(SET);
    await page.locator('#adopt-code').fill(CODE);
    await page.locator('#adopt-name').fill('Broomhill as residents draw it');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/places/${PLACE}/drawings/adopt`),
      page.locator('#adopt-submit').click(),
    ]);
    expect(res.status() === 201, `POST adopt should answer 201, got ${res.status()}: ${await res.text()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.set === SET && sent.code === CODE && sent.threshold === 0.5 && !!res.request().headers()['x-csrf-token'],
      `adopt should send the set, code and the slider's threshold with the CSRF token: ${res.request().postData()}`);
    const done = page.locator('#adopt-done');
    await done.waitFor();
    const text = await done.innerText();
    expect(text.includes(`from ${SEEDS} residents' drawings, 50% threshold`) && text.includes(CODE), `the success should name the area and its provenance: ${JSON.stringify(text)}`);
    const href = await page.locator('#adopt-link').getAttribute('href');
    expect(href.startsWith('#map?') && decodeURIComponent(href).includes(`area=${SET}/${CODE}`), `the link should open the area on the map: ${href}`);
    const area = await (await page.request.get(`${BASE}api/sets/${SET}/areas/${CODE}`)).json();
    const p = (area.properties && area.properties.properties) || {};
    expect(Number(p.from_drawings) === SEEDS && Number(p.threshold) === 0.5 && p.method, `the area should carry its provenance: ${JSON.stringify(area.properties)}`);
    await page.locator(`#place-definitions li.definition[data-set="${SET}"][data-code="${CODE}"]`).waitFor().catch(() =>
      fail(`the adopted area should be listed among ${PLACE}'s definitions`));
    await shot(page, 'step-07-adopted.png');
    await page.locator('#adopt-link').click();
    await page.waitForFunction((code) => window.placemap.view === 'map' && window.placemap.state.selectedArea && window.placemap.state.selectedArea.code === code, CODE);
    await shot(page, 'step-08-area.png');
    return { text };
  });

  await estep(page, 'phone', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    await phoneReady(p, `${BASE}#place/${PLACE}`, waitIdle);
    await p.locator('#place-drawings-count', { hasText: `${SEEDS} residents' drawings` }).waitFor();
    await waitRendered(p, 'place-drawings-surface-fill');
    const s = await p.locator('#place-drawings-threshold').boundingBox();
    const c = await p.locator('label[for="place-drawings-show"]').boundingBox();
    expect(s && s.height >= 44 && c && c.height >= 44, `the slider and the checkbox should be 44 px targets on a phone: ${JSON.stringify({ s, c })}`);
    await shot(p, 'step-09-phone.png');
    const out = await axeCheck(p, 'phone-drawings');
    // The private link on a phone: the drawing in the sheet, Copy in reach.
    await p.goto('about:blank');
    await phoneReady(p, link, waitIdle);
    await p.locator('#my-drawing-name').waitFor();
    await waitRendered(p, 'my-drawing-outline-line');
    await p.waitForTimeout(400); // the sheet's slide
    await waitIdle(p);
    const sh = await sheetBox(p);
    const own = await p.evaluate(() => {
      const m = window.placemap.map;
      const f = m.queryRenderedFeatures({ layers: ['my-drawing-outline-line'] })[0];
      const pts = (f.geometry.type === 'LineString' ? f.geometry.coordinates : f.geometry.coordinates.flat()).map((c) => m.project(c));
      return { top: Math.min(...pts.map((q) => q.y)), bottom: Math.max(...pts.map((q) => q.y)) };
    });
    expect(own.top >= 0 && own.bottom <= sh.top, `the resident's outline should lie in the map above the sheet (from ${sh.top}), lies at ${JSON.stringify(own)}`);
    const copy = await p.locator('#my-drawing-copy').boundingBox();
    expect(copy && copy.height >= 44, `Copy the link should be a 44 px target on a phone: ${JSON.stringify(copy)}`);
    await shot(p, 'step-10-phone-private-link.png');
    Object.assign(out, await axeCheck(p, 'phone-my-drawing'));
    await p.context().close();
    noErrors(errors);
    return out;
  });
});
