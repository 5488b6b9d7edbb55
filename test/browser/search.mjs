#!/usr/bin/env node
// Browser test of the one search box (api/search) on the demo data: a
// WAI-ARIA combobox. "Heeley" lists an area of Heeley, chosen with the
// keyboard the map shows it and its details open; "broomhill lib" lists
// Broomhill Library, whose details open; "broomhill" the place Broomhill,
// whose page opens; a street of the basemap shows on the map with its name;
// axe-core finds nothing serious with the list open; at phone size (390×844) typing and tapping a result
// work too.
//
// Usage: node test/browser/search.mjs BASE_URL OUTDIR
import { harness, axeCheck } from './harness.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, run } = harness('search.mjs');

/**
 * combobox describes the search box's ARIA state and its active option.
 * @param {import('playwright-core').Page} page
 */
async function combobox(page) {
  return page.evaluate(() => {
    const box = document.getElementById('search-input');
    const list = document.getElementById(box.getAttribute('aria-controls') || '');
    const active = document.getElementById(box.getAttribute('aria-activedescendant') || '');
    return {
      role: box.getAttribute('role'), expanded: box.getAttribute('aria-expanded'), focused: document.activeElement === box,
      listRole: list && list.getAttribute('role'), options: list ? list.querySelectorAll('[role="option"]').length : 0,
      active: active && { kind: active.dataset.kind, text: active.textContent, selected: active.getAttribute('aria-selected') },
      status: document.getElementById('search-status').textContent,
    };
  });
}

/**
 * typeAndWait types text into the emptied search box and waits for its
 * results to be listed.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function typeAndWait(page, text) {
  const box = page.locator('#search-input');
  await box.fill('');
  await box.focus();
  await page.keyboard.type(text);
  await page.waitForFunction((q) => {
    const s = document.getElementById('search-status').textContent || '';
    return window.placemap && (s.includes('result') || s.includes('Nothing')) && document.getElementById('search-input').value === q;
  }, text, { timeout: STEP_TIMEOUT });
}

/**
 * heeleyArea is the first area result of "Heeley" from api/search, the
 * answer the page shows.
 * @param {import('playwright-core').Page} page
 */
async function heeleyArea(page) {
  return page.evaluate(async () => {
    const res = await fetch('api/search?q=Heeley');
    const body = await res.json();
    return body.results.find((r) => r.kind === 'area' && r.name.includes('Heeley'));
  });
}

run(async ({ page }) => {
  await step('load', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await waitIdle(page);
    const c = await combobox(page);
    expect(c.role === 'combobox' && c.expanded === 'false' && c.listRole === 'listbox', `the search box should be a closed combobox controlling a listbox: ${JSON.stringify(c)}`);
  });

  await step('heeley-by-keyboard', async () => {
    const want = await heeleyArea(page);
    expect(want && want.point && want.bbox, `api/search?q=Heeley should find an area of Heeley with a point and a box: ${JSON.stringify(want)}`);
    await typeAndWait(page, 'Heeley');
    let c = await combobox(page);
    expect(c.expanded === 'true' && c.options > 0 && /\d+ results?/.test(c.status), `typing Heeley should open the list and say how many: ${JSON.stringify(c)}`);
    const rows = await page.locator('#search-results [role="option"]').allInnerTexts();
    for (let i = 0; i < 12 && !(c.active && c.active.kind === 'area' && c.active.text.includes('Heeley')); i++) {
      await page.keyboard.press('ArrowDown');
      c = await combobox(page);
    }
    expect(c.focused && c.active && c.active.kind === 'area' && c.active.selected === 'true',
      `Down should reach an area of Heeley, focus staying in the box: ${JSON.stringify(c)}; rows ${JSON.stringify(rows)}`);
    await shot(page, 'step-01-heeley-list.png');
    const axe = await axeCheck(page, 'open-combobox');
    await page.keyboard.press('Enter');
    await page.locator('#details:not([hidden]) #details-body h3', { hasText: 'Heeley' }).waitFor();
    await waitIdle(page);
    const inView = await page.evaluate((p) => window.placemap.map.getBounds().contains(p), want.point);
    expect(inView, `after choosing Heeley the map should show its centre ${want.point}`);
    await shot(page, 'step-02-heeley-chosen.png');
    return { rows: rows.length, ...axe };
  });

  await step('broomhill-library', async () => {
    await typeAndWait(page, 'broomhill lib');
    const opt = page.locator('#search-results [role="option"][data-kind="asset"]', { hasText: 'Broomhill Library' }).first();
    await opt.waitFor();
    const c = await combobox(page);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#details-body h3', { hasText: 'Broomhill Library' }).waitFor();
    await page.locator('#details-body .lies-in-list').first().waitFor();
    await shot(page, 'step-03-broomhill-library.png');
    return { options: c.options };
  });

  await step('place', async () => {
    await typeAndWait(page, 'broomhill');
    const opt = page.locator('#search-results [role="option"][data-kind="place"]').first();
    await opt.waitFor();
    const meta = (await opt.locator('.row-meta').textContent()).trim();
    await opt.click();
    await page.waitForFunction(() => location.hash.startsWith('#place/'), null, { timeout: STEP_TIMEOUT });
    const hash = await page.evaluate(() => location.hash);
    await page.evaluate(() => { location.hash = '#map'; });
    await page.waitForFunction(() => !document.getElementById('search-input').closest('[hidden]'), null, { timeout: STEP_TIMEOUT });
    return { meta, hash };
  });

  await step('street', async () => {
    await typeAndWait(page, 'gleadless common');
    const opt = page.locator('#search-results [role="option"][data-kind="street"]', { hasText: 'Gleadless Common Lane' }).first();
    await opt.waitFor();
    const meta = (await opt.locator('.row-meta').textContent()).trim();
    expect(meta === 'Street', `a street's row should say Street, says ${JSON.stringify(meta)}`);
    await opt.click();
    await page.locator('.maplibregl-popup', { hasText: 'Gleadless Common Lane' }).waitFor();
    await waitIdle(page);
    const view = await page.evaluate(() => ({ zoom: window.placemap.map.getZoom(), in: window.placemap.map.getBounds().contains([-1.4501, 53.3502]) }));
    expect(view.in && view.zoom >= 14, `the map should show the street at a street zoom: ${JSON.stringify(view)}`);
    await shot(page, 'step-04-street.png');
    return view;
  });

  await step('escape', async () => {
    await typeAndWait(page, 'library');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    let c = await combobox(page);
    expect(c.expanded === 'false' && !c.active, `Escape should close the list: ${JSON.stringify(c)}`);
    await page.keyboard.press('Escape');
    const value = await page.locator('#search-input').inputValue();
    expect(value === '', `a second Escape should empty the box, left ${JSON.stringify(value)}`);
    c = await combobox(page);
    return { closed: c.expanded };
  });

  await step('phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    if (!(await page.locator('#search-input').isVisible())) await page.locator('.panel-toggle').click();
    await page.locator('#search-input').waitFor({ state: 'visible' });
    await typeAndWait(page, 'broomhill lib');
    const opt = page.locator('#search-results [role="option"][data-kind="asset"]', { hasText: 'Broomhill Library' }).first();
    await opt.waitFor({ state: 'visible' });
    const box = await opt.boundingBox();
    expect(box && box.width > 200 && box.x >= 0 && box.x + box.width <= 390, `the result should fit the phone's width: ${JSON.stringify(box)}`);
    await opt.click();
    await page.locator('#details-body h3', { hasText: 'Broomhill Library' }).waitFor();
    await shot(page, 'step-05-phone.png');
    return { width: 390 };
  });
});
