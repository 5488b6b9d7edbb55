// Phone-size steps of the desktop browser tests (labels, links, figures,
// basemap): a 390×844 touch screen (hasTouch, isMobile, as phone.mjs) in a
// second browser context of the same browser, whose page errors, console
// errors, failed requests and requests to other hosts are collected, and
// the bottom sheet's place on the screen.
//
//   const errors = [];
//   const p = await phonePage(browser, errors);
//   ...; const s = await sheetBox(p); // the map above the sheet: y < s.above
//   await p.context().close();
//   noErrors(errors);
import { expect, isLocal, STEP_TIMEOUT } from './harness.mjs';

export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1, locale: 'en-GB' };

/**
 * phonePage opens a page in a new phone-sized browser context, recording
 * what goes wrong in it into errors.
 * @param {import('playwright-core').Browser} browser
 * @param {string[]} errors
 */
export async function phonePage(browser, errors) {
  const ctx = await browser.newContext(PHONE);
  const p = await ctx.newPage();
  p.setDefaultTimeout(STEP_TIMEOUT);
  p.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  p.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`); });
  ctx.on('request', (req) => { if (!isLocal(req.url())) errors.push(`request to another host: ${req.url()}`); });
  ctx.on('requestfailed', (req) => {
    const why = req.failure() ? req.failure().errorText : 'failed';
    if (why !== 'net::ERR_ABORTED') errors.push(`failed request: ${req.url()}: ${why}`);
  });
  ctx.on('response', (res) => { if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`); });
  return p;
}

/** noErrors fails on anything phonePage recorded. @param {string[]} errors */
export function noErrors(errors) {
  expect(errors.length === 0, `on the phone: ${errors.slice(0, 5).join(' | ')}`);
}

/**
 * sheetBox describes the bottom sheet: its state, top and height, the
 * window's size and where the map above it ends (above).
 * @param {import('playwright-core').Page} page
 */
export async function sheetBox(page) {
  return page.evaluate(() => {
    const r = document.getElementById('panel').getBoundingClientRect();
    return {
      state: document.querySelector('.layout').dataset.sheet,
      top: r.top, height: r.height, vw: innerWidth, vh: innerHeight, above: innerHeight - r.height,
    };
  });
}

/**
 * phoneReady loads url in page, checks it is laid out as a phone (the
 * panel a bottom sheet) and waits for the map.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {(page: import('playwright-core').Page) => Promise<void>} waitIdle
 */
export async function phoneReady(page, url, waitIdle) {
  const resp = await page.goto(url, { waitUntil: 'domcontentloaded' });
  expect(resp && resp.ok(), `GET ${url} on the phone should answer 2xx`);
  await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
  await page.evaluate(() => window.placemap.ready);
  await waitIdle(page);
  const s = await sheetBox(page);
  expect(s.vw === 390 && s.state && s.height > 0 && s.height < s.vh, `the phone should show the panel as a bottom sheet, is ${JSON.stringify(s)}`);
  return s;
}

/**
 * settled waits for the sheet's slide (0.2 s) and the map to come to rest.
 * @param {import('playwright-core').Page} page
 * @param {(page: import('playwright-core').Page) => Promise<void>} waitIdle
 */
export async function settled(page, waitIdle) {
  await page.waitForTimeout(350);
  await waitIdle(page);
}
