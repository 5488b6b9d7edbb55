#!/usr/bin/env node
// Browser test of the Figures (Choropleth) view: an indicator picked
// straight from the one list (the source set chosen by itself), the ranked
// table sorted both ways and tied to the map, the CSV download holding
// exactly the table's areas and figures, per 10,000 residents, and the
// assets drawn on top; axe-clean. On a phone (390×844, touch): Figures
// opened and an indicator picked by touch, the table in the sheet sorted
// by a tap on its head, the areas drawn in the map above the sheet;
// axe-clean there.
//
// Usage: node test/browser/figures.mjs BASE_URL OUTDIR
import { readFileSync } from 'node:fs';
import { harness, axeCheck } from './harness.mjs';
import { phonePage, phoneReady, noErrors, sheetBox, settled } from './phonectx.mjs';

const { BASE, STEP_TIMEOUT, expect, shot, step, waitIdle, countRendered, run } = harness('figures.mjs');
const SET = 'wards-2019';

/** parseCSV reads simple RFC 4180 CSV (quoted cells, doubled quotes). */
function parseCSV(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** tableRows reads the ranked table: code, name, raw figure and the text shown. */
async function tableRows(page) {
  return page.locator('#choro-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    code: tr.dataset.code, value: tr.dataset.value, name: tr.querySelector('td span').textContent, shown: tr.cells[1].textContent,
  })));
}

async function waitKey(page, key) {
  await page.waitForFunction((k) => window.placemap.views.choropleth.key === k, key, { timeout: STEP_TIMEOUT });
  await page.locator('#choro-table tbody tr').first().waitFor();
}

/** download clicks the CSV link and returns the file's rows. */
async function download(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#choro-csv').click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), rows: parseCSV(readFileSync(file, 'utf8')) };
}

/** sameAsTable checks the CSV holds the table's areas with the same figures. */
function sameAsTable(csv, table, { indicator, per, from }) {
  const head = csv[0].join(',');
  expect(head === 'set,code,name,indicator,value,per,source_set,method', `CSV header: ${head}`);
  const body = csv.slice(1);
  expect(body.length === table.length, `the CSV has ${body.length} areas, the table ${table.length}`);
  const byCode = new Map(table.map((r) => [r.code, r]));
  for (const [set, code, name, ind, value, p, source] of body) {
    const r = byCode.get(code);
    expect(r, `CSV area ${code} is not in the table`);
    expect(set === SET && ind === indicator && p === per && source === from, `CSV row ${code}: ${[set, ind, p, source]}`);
    expect(name === r.name, `${code}: CSV name ${name}, table ${r.name}`);
    if (value === '') expect(r.value === '' && r.shown === 'no figure', `${code}: no figure in the CSV, the table shows ${r.shown}`);
    else expect(Math.abs(Number(value) - Number(r.value)) <= 1e-9 * Math.max(1, Math.abs(Number(value))), `${code}: CSV ${value}, table ${r.value}`);
  }
}

run(async ({ page, browser }) => {
  await step('pick-indicator', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    await page.locator('#view-tabs a[data-view="choropleth"]').click();
    await page.locator('#choro-set option').first().waitFor({ state: 'attached' });
    await page.locator('#choro-set').selectOption(SET);
    await page.waitForFunction((s) => location.hash.startsWith(`#choropleth/${s}/`), SET);
    // Residents live on Output Areas: picked straight from the list, they
    // come from there without a "Values from" choice first.
    const option = page.locator('#choro-indicator option[value="population"]');
    await option.waitFor({ state: 'attached' });
    const label = (await option.textContent()).trim();
    expect(/— from Output Areas/.test(label), `the residents' option should say where they come from, reads ${JSON.stringify(label)}`);
    expect(!(await page.locator('#choro-advanced').evaluate((d) => d.open)), 'the source set should be tucked away in "advanced"');
    await page.locator('#choro-indicator').selectOption('population');
    await waitKey(page, `${SET}|population|oa-2011|area`);
    expect((await page.locator('#choro-from').inputValue()) === 'oa-2011', 'the source set should be chosen as oa-2011');
    await waitIdle(page);
    expect((await countRendered(page, 'choro-fill')) > 0, 'the areas should be drawn');
    await shot(page, 'step-01-residents.png');
    return { label };
  });

  let table;
  await step('sort-table', async () => {
    const rows = await tableRows(page);
    expect(rows.length === 28, `the table should list the 28 wards, lists ${rows.length}`);
    const valueHead = page.locator('#choro-table th[data-key="value"]');
    expect((await valueHead.getAttribute('aria-sort')) === 'descending', 'ranked by figure, largest first, to begin with');
    const nums = rows.map((r) => Number(r.value));
    expect(nums.every((v, i) => i === 0 || v <= nums[i - 1]), `figures should be largest first: ${nums.slice(0, 6)}`);
    await valueHead.locator('button').focus();
    await page.keyboard.press('Enter');
    expect((await valueHead.getAttribute('aria-sort')) === 'ascending', 'a second press sorts smallest first');
    const onHead = await page.evaluate(() => document.activeElement && document.activeElement.closest('th') && document.activeElement.closest('th').dataset.key);
    expect(onHead === 'value', `sorting by keyboard should leave the focus on the column head, it is on ${onHead}`);
    const up = (await tableRows(page)).map((r) => Number(r.value));
    expect(up.every((v, i) => i === 0 || v >= up[i - 1]), `figures should be smallest first: ${up.slice(0, 6)}`);
    const nameHead = page.locator('#choro-table th[data-key="name"]');
    await nameHead.locator('button').click();
    expect((await nameHead.getAttribute('aria-sort')) === 'ascending' && (await valueHead.getAttribute('aria-sort')) === 'none', 'sorted by name, A to Z');
    table = await tableRows(page);
    const names = table.map((r) => r.name);
    const sorted = names.slice().sort((a, b) => a.localeCompare(b, 'en-GB', { sensitivity: 'base', numeric: true }));
    expect(JSON.stringify(names) === JSON.stringify(sorted), `names should be A to Z: ${names.slice(0, 5)}`);
    // A row under the pointer outlines its area; Enter on a focused row picks it.
    const row = page.locator('#choro-table tbody tr').nth(2);
    await row.hover();
    const hover = await page.evaluate(() => JSON.stringify(window.placemap.map.getFilter('choro-hover')));
    expect(hover.includes(table[2].code), `hovering a row should outline its area, filter ${hover}`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((c) => window.placemap.views.choropleth.selected === c, table[2].code);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.dataset.code);
    expect(focused === table[2].code, `the picked row should keep the keyboard focus, focus is on ${focused}`);
    const pick = await page.locator('#choro-pick').innerText();
    expect(pick.includes(table[2].name), `the picked area should be shown: ${pick}`);
    await shot(page, 'step-02-sorted.png');
    return { first: names[0] };
  });

  await step('download-csv', async () => {
    const { name, rows } = await download(page);
    expect(name === `${SET}-population.csv`, `file name ${name}`);
    sameAsTable(rows, table, { indicator: 'population', per: '', from: 'oa-2011' });
    return { rows: rows.length - 1 };
  });

  await step('per-10000', async () => {
    await page.locator('#choro-indicator').selectOption('assets_library');
    await waitKey(page, `${SET}|assets_library||area`);
    expect(await page.locator('#choro-per-row').isVisible(), 'a count should offer "per 10,000 residents"');
    await page.locator('label[for="choro-per-10000"]').click();
    await waitKey(page, `${SET}|assets_library||area|10000`);
    await page.waitForFunction(() => location.hash.includes('per=10000'));
    const title = await page.locator('#choro-title').innerText();
    expect(/per 10,000 residents/.test(title), `the title should say per 10,000 residents: ${title}`);
    const rows = await tableRows(page);
    const { name, rows: csv } = await download(page);
    expect(name === `${SET}-assets_library-per-10000.csv`, `file name ${name}`);
    sameAsTable(csv, rows, { indicator: 'assets_library', per: '10000', from: SET });
    expect(rows.some((r) => Number(r.value) > 0), 'some ward should have a library per 10,000 residents');
    await shot(page, 'step-03-per-10000.png');
    return { rows: rows.length };
  });

  await step('many-areas', async () => {
    // Output Areas: the first 300 rows, then all of them on asking.
    await page.evaluate(() => { location.hash = '#choropleth/oa-2011/population'; });
    await waitKey(page, 'oa-2011|population||area');
    const first = await page.locator('#choro-table tbody tr').count();
    expect(first === 300, `the table should draw 300 rows before "show all", drew ${first}`);
    await page.locator('#choro-table-more').click();
    const all = await page.locator('#choro-table tbody tr').count();
    expect(all === 1817, `"show all" should list the 1,817 Output Areas, lists ${all}`);
    await page.evaluate((s) => { location.hash = `#choropleth/${s}/assets_library?per=10000`; }, SET);
    await waitKey(page, `${SET}|assets_library||area|10000`);
    return { first, all };
  });

  await step('asset-points', async () => {
    await waitIdle(page);
    const n = await countRendered(page, 'assets');
    expect(n > 0, `the asset points should be drawn over the areas, got ${n}`);
    await page.locator('#choro-assets').uncheck();
    await waitIdle(page);
    expect((await countRendered(page, 'assets')) === 0, 'unticked, the assets should go');
    await page.locator('#choro-assets').check();
    await waitIdle(page);
    expect((await countRendered(page, 'assets')) > 0, 'ticked again, the assets should be back');
    await shot(page, 'step-04-assets.png');
    return { assets: n, ...(await axeCheck(page, 'figures')) };
  });

  await step('phone-figures', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    await phoneReady(p, BASE, waitIdle);
    const tab = p.locator('#view-tabs a[data-view="choropleth"]');
    if (!(await tab.isVisible())) await p.locator('#panel-toggle').tap();
    await tab.tap();
    await p.locator('#choro-set option').first().waitFor({ state: 'attached' });
    await p.locator('#choro-set').selectOption(SET);
    await p.locator('#choro-indicator option[value="population"]').waitFor({ state: 'attached' });
    await p.locator('#choro-indicator').selectOption('population');
    await waitKey(p, `${SET}|population|oa-2011|area`);
    let s = await sheetBox(p);
    if (s.state === 'peek') await p.locator('#panel-toggle').tap();
    await settled(p, waitIdle);
    s = await sheetBox(p);
    const valueHead = p.locator('#choro-table th[data-key="value"]');
    await valueHead.scrollIntoViewIfNeeded();
    const head = await valueHead.locator('button').evaluate((b) => {
      const r = b.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return { top: r.top, bottom: r.bottom, w: r.width, h: r.height, onTop: !!top && (top === b || b.contains(top)) };
    });
    expect(await p.locator('#choro-table').isVisible() && head.top >= s.top - 1 && head.bottom <= s.vh + 1 && head.onTop,
      `on a phone the table's head should be in view in the sheet (from ${s.top}), is ${JSON.stringify(head)}`);
    expect(head.w >= 43.5 && head.h >= 43.5, `the figure head's sort button should be at least 44×44 on a phone, is ${Math.round(head.w)}×${Math.round(head.h)}`);
    expect((await tableRows(p)).length === 28, 'on a phone the table should list the 28 wards');
    expect((await valueHead.getAttribute('aria-sort')) === 'descending', 'on a phone too, ranked largest first to begin with');
    await valueHead.locator('button').tap();
    expect((await valueHead.getAttribute('aria-sort')) === 'ascending', 'a tap on the figure head should sort smallest first');
    const up = (await tableRows(p)).map((r) => Number(r.value));
    expect(up.every((v, i) => i === 0 || v >= up[i - 1]), `tapped, figures should be smallest first: ${up.slice(0, 6)}`);
    await settled(p, waitIdle);
    s = await sheetBox(p);
    expect(s.above >= s.vh * 0.45, `the map should show above the sheet, ${s.above}px of ${s.vh}`);
    const drawn = await p.evaluate((above) => window.placemap.map.queryRenderedFeatures([[0, 0], [innerWidth, above]], { layers: ['choro-fill'] }).length, s.above);
    expect(drawn > 0, 'on a phone the areas should be drawn in the map above the sheet');
    await shot(p, 'step-05-phone-figures.png');
    const axe = await axeCheck(p, 'phone-figures');
    await p.context().close();
    noErrors(errors);
    return { sheet: s.state, head, drawn, ...axe };
  });
});
