#!/usr/bin/env node
// Browser test of /embed, the map for other sites' iframes, on the demo
// served with --embed-origins LISTED: a page of LISTED frames
// /embed?at=…&sets=…&area=…, the map renders inside the frame (areas and
// assets read from the rendered features), the selected area is named in
// the card, the attribution and the "View larger map" link (the full map at
// the same view, new tab, rel noopener) are there, axe-clean; a page of
// UNLISTED (another origin, not listed) frames it and the browser refuses
// (no map in the frame); the main map's "Embed this map" dialog (keyboard:
// opens, focus inside, Escape closes and gives focus back; axe-clean) gives
// a snippet that, put in LISTED's page, shows the map in the size picked.
//
// Usage: node test/browser/embed.mjs BASE_URL OUTDIR LISTED_ORIGIN UNLISTED_ORIGIN
import { harness, axeCheck } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, run } = harness('embed.mjs');
const [LISTED, UNLISTED] = process.argv.slice(4);
if (!LISTED || !UNLISTED) {
  console.error('usage: node test/browser/embed.mjs BASE_URL OUTDIR LISTED_ORIGIN UNLISTED_ORIGIN');
  process.exit(2);
}
const SET = 'community-neighbourhoods';
const CODE = 'arbourthorne';

/**
 * embedFrame waits for the frame showing /embed in page to be ready and its
 * map idle, and gives it.
 * @param {import('playwright-core').Page} page
 */
async function embedFrame(page) {
  const handle = await page.waitForSelector('iframe', { timeout: STEP_TIMEOUT });
  const frame = await handle.contentFrame();
  expect(frame, 'the iframe should have a frame');
  await frame.waitForFunction(() => window.placemapEmbed && window.placemapEmbed.ready, null, { timeout: STEP_TIMEOUT });
  await frame.evaluate(() => window.placemapEmbed.ready);
  await frame.evaluate((timeout) => new Promise((res, rej) => {
    const m = window.placemapEmbed.map;
    const timer = setTimeout(() => rej(new Error(`map not idle after ${timeout} ms`)), timeout);
    m.once('idle', () => { clearTimeout(timer); res(); });
    m.triggerRepaint();
  }), STEP_TIMEOUT);
  return frame;
}

/**
 * rendered counts the features the frame's map draws in a set's fill and in
 * the assets.
 * @param {import('playwright-core').Frame} frame
 * @param {string} set
 */
async function rendered(frame, set) {
  return frame.evaluate((set) => {
    const m = window.placemapEmbed.map;
    const n = (id) => (m.getLayer(id) ? m.queryRenderedFeatures({ layers: [id] }).length : -1);
    const vis = (id) => (m.getLayer(id) ? m.getLayoutProperty(id, 'visibility') || 'visible' : 'missing');
    return { areas: n(`set-${set}-fill`), assets: n('assets'), highlighted: n(`set-${set}-hl-fill`), setVisible: vis(`set-${set}-fill`) };
  }, set);
}

run(async ({ page, browser }) => {
  const areaResp = await fetch(`${BASE}api/sets/${SET}/areas/${CODE}`);
  expect(areaResp.ok, `GET api/sets/${SET}/areas/${CODE} should answer 200, got ${areaResp.status}`);
  const areaName = (await areaResp.json()).properties.name;
  const query = `at=13/53.362/-1.447&sets=${SET}&area=${SET}/${CODE}`;

  await step('embedded-on-listed-origin', async () => {
    const resp = await page.goto(`${LISTED}/?q=${encodeURIComponent(query)}`, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), 'the listed site should answer');
    const frame = await embedFrame(page);
    const r = await rendered(frame, SET);
    expect(r.setVisible === 'visible' && r.areas > 0 && r.assets > 0 && r.highlighted > 0,
      `the embedded map should draw ${SET}'s areas, the assets and the selected area: ${JSON.stringify(r)}`);
    const ui = await frame.evaluate(() => {
      const a = /** @type {HTMLAnchorElement} */ (document.getElementById('embed-larger'));
      const attrib = document.querySelector('.maplibregl-ctrl-attrib-inner');
      return {
        card: document.getElementById('embed-card-title').textContent, cardShown: !document.getElementById('embed-card').hidden,
        href: a.href, target: a.target, rel: a.rel, text: a.textContent,
        attribution: attrib ? attrib.textContent : null, panel: !!document.getElementById('panel'),
      };
    });
    expect(ui.cardShown && ui.card === areaName, `the card should name the area ${areaName}: ${JSON.stringify(ui)}`);
    expect(ui.attribution && ui.attribution.length > 10, `the attribution should be there: ${JSON.stringify(ui)}`);
    expect(ui.href.startsWith(`${BASE}#map?at=`) && ui.href.includes(`sets=${SET}`) && ui.href.includes(`area=${SET}/${CODE}`)
      && ui.target === '_blank' && ui.rel.split(' ').includes('noopener') && ui.text === 'View larger map',
    `"View larger map" should open the full map at the same view in a new tab: ${JSON.stringify(ui)}`);
    expect(!ui.panel, 'the embed should have no side panel');
    // The keyboard reaches the link and the map's controls.
    const focusable = await frame.evaluate(() => [...document.querySelectorAll('a[href], button:not([hidden])')].filter((e) => e.getClientRects().length).map((e) => e.id || e.className));
    expect(focusable.includes('embed-larger') && focusable.includes('embed-card-close'), `link and close button should be focusable: ${focusable}`);
    await shot(page, 'step-01-embedded.png');
    const axe = await axeCheck(frame, 'embed');
    return { ...r, ...axe };
  });

  await step('refused-on-unlisted-origin', async () => {
    // A context of its own: the browser's refusal is reported as a console
    // error there, which is what this step expects.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await context.newPage();
    const messages = [];
    other.on('console', (msg) => messages.push(msg.text()));
    /** @type {number[]} */
    const embedStatus = [];
    other.on('response', (res) => { if (res.url().includes('/embed')) embedStatus.push(res.status()); });
    await other.goto(`${UNLISTED}/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await other.waitForTimeout(1500);
    const frames = other.frames().filter((f) => f !== other.mainFrame());
    expect(frames.length === 1, `the unlisted page should have one frame, got ${frames.length}`);
    const inFrame = await frames[0].evaluate(() => ({ embed: !!window.placemapEmbed, map: !!document.getElementById('map'), url: location.href }))
      .catch((err) => ({ error: String(err && err.message) }));
    const cspMessage = messages.find((m) => m.includes('frame-ancestors'));
    await shot(other, 'step-02-refused.png');
    await context.close();
    expect(!inFrame.embed && !inFrame.map, `the browser should refuse to show /embed in a frame of ${UNLISTED}: ${JSON.stringify(inFrame)}`);
    return { frameContent: inFrame, cspMessage: cspMessage || '(none logged)', embedStatus };
  });

  let snippet = '';
  await step('embed-dialog', async () => {
    await page.goto(`${BASE}#map?${query}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await waitIdle(page);
    await page.focus('#embed-open');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#embed-dialog[open]', { timeout: STEP_TIMEOUT });
    const opened = await page.evaluate(() => ({
      modal: document.getElementById('embed-dialog').matches(':modal'),
      focusInside: document.getElementById('embed-dialog').contains(document.activeElement),
      focused: document.activeElement && document.activeElement.getAttribute('value'),
    }));
    expect(opened.modal && opened.focusInside && opened.focused === 'medium', `the dialog should open modal with the focus on its size: ${JSON.stringify(opened)}`);
    await page.keyboard.press('ArrowUp'); // the size before Medium: Small
    snippet = await page.inputValue('#embed-copy-field');
    expect(/^<iframe src="http:\/\/[^"]+\/embed\?[^"]+" width="400" height="300" title="[^"<>]+"[^<>]*><\/iframe>$/.test(snippet),
      `the snippet should be an iframe of /embed, 400×300: ${snippet}`);
    expect(snippet.includes(`sets=${SET}`) && snippet.includes(`area=${SET}/${CODE}`), `the snippet should show the view: ${snippet}`);
    await shot(page, 'step-03-dialog.png');
    const axe = await axeCheck(page, 'dialog', { include: '#embed-dialog' });
    await page.keyboard.press('Escape');
    const closed = await page.evaluate(() => ({ open: document.getElementById('embed-dialog').open, focus: document.activeElement && document.activeElement.id }));
    expect(!closed.open && closed.focus === 'embed-open', `Escape should close the dialog and give the focus back: ${JSON.stringify(closed)}`);
    return { snippet, ...axe };
  });

  await step('figure-and-click-direct', async () => {
    // Viewable directly too; coloured by a figure as the Figures view does.
    const resp = await page.goto(`${BASE}embed?choropleth=lsoa-2011/imd_score&assets=off&at=12/53.38/-1.47`, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), 'GET /embed should answer 200 when opened directly');
    const frame = page.mainFrame();
    await frame.waitForFunction(() => window.placemapEmbed && window.placemapEmbed.ready, null, { timeout: STEP_TIMEOUT });
    await frame.evaluate(() => window.placemapEmbed.ready);
    await page.evaluate(() => new Promise((res) => { const m = window.placemapEmbed.map; m.once('idle', res); m.triggerRepaint(); }));
    const fig = await page.evaluate(() => {
      const m = window.placemapEmbed.map;
      const paint = m.getPaintProperty('embed-choro-fill', 'fill-color');
      // ['match', code, [codes…], colour, …, no-data colour]: the classes used.
      const colours = Array.isArray(paint) && paint[0] === 'match' ? (paint.length - 3) / 2 : 0;
      return { features: m.queryRenderedFeatures({ layers: ['embed-choro-fill'] }).length, colours,
        legend: [...document.querySelectorAll('#embed-legend li')].map((li) => li.textContent),
        assets: m.getLayoutProperty('assets', 'visibility'), larger: document.getElementById('embed-larger').getAttribute('href') };
    });
    expect(fig.features > 10 && fig.colours >= 3 && fig.legend.length === fig.colours + 1 && fig.assets === 'none' && fig.larger.endsWith('#choropleth/lsoa-2011/imd_score'),
      `lsoa-2011 should be coloured by imd_score, assets hidden, the larger map the Figures view: ${JSON.stringify(fig)}`);
    const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => !document.getElementById('embed-card').hidden, null, { timeout: STEP_TIMEOUT });
    const card = await page.locator('#embed-card-title').textContent();
    const sub = await page.locator('#embed-card-sub').textContent();
    expect(/E01\d+/.test(sub), `the click should name the coloured set's area (an LSOA): ${card} / ${sub}`);
    await page.focus('#embed-card-close');
    await page.keyboard.press('Enter');
    const closed = await page.evaluate(() => document.getElementById('embed-card').hidden);
    expect(card && closed, `a click should name the area in the card, and its close button close it: ${card} ${closed}`);
    await shot(page, 'step-05-figure.png');
    const axe = await axeCheck(page, 'embed_figure');
    return { ...fig, card, sub, ...axe };
  });

  await step('snippet-on-listed-origin', async () => {
    await page.goto(`${LISTED}/blank`, { waitUntil: 'domcontentloaded' });
    await page.evaluate((s) => { document.getElementById('slot').insertAdjacentHTML('beforeend', s); }, snippet);
    const frame = await embedFrame(page);
    const r = await rendered(frame, SET);
    const size = await page.evaluate(() => { const f = document.querySelector('iframe'); return { w: f.clientWidth, h: f.clientHeight }; });
    expect(r.areas > 0 && r.highlighted > 0 && size.w === 400 && size.h === 300, `the snippet's map should render at 400×300: ${JSON.stringify({ r, size })}`);
    await shot(page, 'step-04-snippet.png');
    return { ...r, ...size };
  });
});
