#!/usr/bin/env node
// Browser test of boundary releases on the Sheffield demo, whose wards are
// the series sheffield-wards (2004-2016, and since 2016, current):
//   - the layer list shows the current release and lists the earlier one
//     unticked, as an earlier release;
//   - the Changes view colours the 2013 wards by what became of them, lists
//     them with their main successor, the assets whose ward changed and the
//     downloads; clicking Central shows its successors;
//   - an old ward's details say it was replaced and lead to its successor,
//     whose details say where it came from;
//   - no serious or critical accessibility violation in the Changes view.
//
//   - an editor checks Central's successors, unticks its smallest one, and
//     the decision is saved (confirmed and rejected links).
//
// Usage: node test/browser/releases.mjs BASE_URL OUTDIR EDITOR_EMAIL PASSWORD
import { harness, axeCheck } from './harness.mjs';

const [, , , , EMAIL, PASSWORD] = process.argv;
if (!EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/releases.mjs BASE_URL OUTDIR EDITOR_EMAIL PASSWORD');
  process.exit(2);
}

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, countRendered, detailsText, run } = harness('releases.mjs');

run(async ({ page }) => {
  await step('layer-list', async () => {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await waitIdle(page);
    const items = await page.$$eval('#layer-list li[data-set]', (lis) => lis.map((li) => ({
      slug: li.dataset.set, checked: li.querySelector('input').checked, text: li.innerText,
    })));
    const i13 = items.findIndex((x) => x.slug === 'wards-2013');
    const i19 = items.findIndex((x) => x.slug === 'wards-2019');
    expect(i19 >= 0 && i19 < i13, `the current release (wards-2019) should be listed before the earlier one, got order ${items.map((x) => x.slug)}`);
    expect(!items[i13].checked, 'the earlier release should start hidden');
    expect(/earlier release/.test(items[i13].text), `the earlier release should say so, got "${items[i13].text}"`);
    return { order: items.map((x) => x.slug) };
  });

  await step('changes-view', async () => {
    await page.evaluate(() => { location.hash = '#changes'; });
    await page.waitForFunction(() => location.hash.startsWith('#changes/wards-2013/wards-2019'), null, { timeout: STEP_TIMEOUT });
    await page.locator('#chg-table tbody tr').first().waitFor({ timeout: STEP_TIMEOUT });
    await waitIdle(page);
    const rows = await page.$$eval('#chg-table tbody tr', (trs) => trs.map((tr) => ({ name: tr.querySelector('td').innerText.split('\n')[0], change: tr.dataset.change })));
    expect(rows.length === 28, `28 old wards should be listed, got ${rows.length}`);
    const central = rows.find((r) => r.name === 'Central');
    expect(central && central.change === 'split', `Central should be split, got ${JSON.stringify(central)}`);
    const rendered = await countRendered(page, 'chg-old-fill');
    expect(rendered > 0, `the old wards should be drawn, got ${rendered}`);
    const newLines = await countRendered(page, 'chg-new-line');
    expect(newLines > 0, `the new lines should be drawn, got ${newLines}`);
    const legend = await page.locator('#map-legend').innerText();
    expect(/Split/.test(legend) && /Redrawn/.test(legend), `the legend should name the changes, got "${legend}"`);
    const assets = await page.locator('#chg-assets').innerText();
    expect(/Broomhill Library/.test(assets) && /Broomhill and Sharrow Vale/.test(assets), `the moved assets should include Broomhill Library, got "${assets.slice(0, 300)}"`);
    const href = await page.locator('#chg-dl-csv').getAttribute('href');
    const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    expect(csv.startsWith('old_set,old_code,old_name,change'), `the CSV download should be the change report, got "${csv.slice(0, 80)}"`);
    await shot(page, 'step-01-changes.png');
    return { rows: rows.length, rendered };
  });

  await step('select-central', async () => {
    await page.locator('#chg-table tbody tr[data-change="split"]', { hasText: 'Central' }).click();
    await page.locator('#chg-selection:not([hidden])').waitFor({ timeout: STEP_TIMEOUT });
    const text = await page.locator('#chg-selection').innerText();
    expect(/City/.test(text) && /Nether Edge and Sharrow/.test(text) && /main successor/.test(text), `Central's successors should be listed, got "${text}"`);
    expect(/area=/.test(await page.evaluate(() => location.hash)), 'the selection should be kept in the link');
    await waitIdle(page);
    const hl = await countRendered(page, 'chg-succ-fill');
    expect(hl > 0, `Central's successors should be highlighted on the map, got ${hl}`);
    await shot(page, 'step-02-central.png');
    await axeCheck(page, 'changes view');
    return { successors: text.split('\n').length };
  });

  await step('replaced-by', async () => {
    await page.evaluate(() => { location.hash = '#map'; });
    const code = await page.evaluate(async () => {
      const fc = await (await fetch('api/sets/wards-2013/areas?limit=100')).json();
      return fc.features.find((f) => f.properties.name === 'Broomhill').properties.code;
    });
    await page.evaluate((c) => window.placemap.openArea('wards-2013', c, { fit: true }), code);
    await page.locator('#details-body .replaced').waitFor({ timeout: STEP_TIMEOUT });
    const text = await detailsText(page);
    expect(/Replaced/.test(text) && /Broomhill and Sharrow Vale/.test(text), `the old ward should say it was replaced, got "${text.slice(0, 300)}"`);
    const oldShown = await page.evaluate(() => window.placemap.map.getLayoutProperty(window.placemap.layerIds.set('wards-2013').fill, 'visibility'));
    expect(oldShown === 'visible', `opening an area of the earlier release should show that release, got ${oldShown}`);
    await shot(page, 'step-03-replaced.png');
    await page.locator('#details-body .replaced button', { hasText: 'Broomhill and Sharrow Vale' }).click();
    await page.waitForFunction(() => /Came from/.test(document.querySelector('#details-body').innerText), null, { timeout: STEP_TIMEOUT });
    const after = await detailsText(page);
    expect(/Broomhill and Sharrow Vale/.test(after) && /Broomhill/.test(after.split('Came from')[1] || ''), `the successor should say where it came from, got "${after.slice(0, 300)}"`);
    const visible = await page.evaluate(() => window.placemap.map.getLayoutProperty(window.placemap.layerIds.set('wards-2019').fill, 'visibility'));
    expect(visible === 'visible', `opening the successor should show its release, got ${visible}`);
    await shot(page, 'step-04-came-from.png');
    return { code };
  });

  await step('editor-checks-successors', async () => {
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#account-who').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
    const code = await page.evaluate(async () => {
      const fc = await (await fetch('api/sets/wards-2013/areas?limit=100')).json();
      return fc.features.find((f) => f.properties.name === 'Central').properties.code;
    });
    await page.evaluate((c) => window.placemap.openArea('wards-2013', c, { fit: true }), code);
    await page.locator('#area-successors').click();
    const boxes = page.locator('.successors-form input[type=checkbox]');
    const n = await boxes.count();
    expect(n >= 3, `Central has at least three successors to check, got ${n}`);
    for (let i = 0; i < n; i++) expect(await boxes.nth(i).isChecked(), 'every computed successor should start ticked');
    // The last is the smallest share: untick it.
    const dropped = await boxes.nth(n - 1).getAttribute('value');
    await boxes.nth(n - 1).uncheck();
    await page.locator('#succ-note').fill('checked against the 2016 order <script>alert(1)</script>');
    await page.locator('#succ-save').click();
    await page.locator('#area-notice').waitFor({ timeout: STEP_TIMEOUT });
    const links = await page.evaluate(async (c) => (await (await fetch(`api/sets/wards-2013/areas/${c}/successors`)).json()).successors, code);
    const status = Object.fromEntries(links.map((l) => [l.new_code, l.status]));
    expect(status[dropped] === 'rejected', `the unticked successor should be rejected, got ${JSON.stringify(status)}`);
    expect(Object.values(status).filter((x) => x === 'confirmed').length === n - 1, `the others should be confirmed, got ${JSON.stringify(status)}`);
    expect(links.every((l) => l.note.includes('<script>')), 'the note is kept as text');
    const scripts = await page.evaluate(() => document.querySelectorAll('#details-body script').length);
    expect(scripts === 0, 'the note must never become an element');
    await shot(page, 'step-05-successors-checked.png');
    return { dropped, status };
  });
});
