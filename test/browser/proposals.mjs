#!/usr/bin/env node
// Browser test of the Proposals view (issue 18 part 2) on the demo plus a
// grid of 8×5 square building blocks (grid-blocks, coded G{col}{row}, 100
// residents each; cmd/placemap/proposals_browser_test.go makes it) with
// two sets to fit (grid-rows, grid-bands) and one to nest in (grid-halves):
// an editor proposes a shared set with the form and waits for it to open
// (blocks coloured by area, outlines, the report with its comparison table
// and checks); moves a block to a neighbouring area (the scores and the
// block's colour change, and the change is announced in a live region); a
// move that would split its area is refused with the engine's reason; an
// area is renamed; the draft is published as a new release and the new set
// is listed in api/sets. axe-clean at desktop and on a phone (390×844,
// touch), where the proposal opens from its link.
//
// Usage: node test/browser/proposals.mjs BASE_URL OUTDIR EMAIL PASSWORD
import { harness, axeCheck, smallText, expect, waitIdle, countRendered, STEP_TIMEOUT } from './harness.mjs';
import { createMonitor } from './monitor.mjs';
import { phonePage, phoneReady, noErrors } from './phonectx.mjs';

const [, , , , EMAIL, PASSWORD] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/proposals.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const { BASE, shot, step, run } = harness('proposals.mjs');
const { allow, monitoredPage, estep } = createMonitor({ step, shot });

// The grid as proposals_browser_test.go makes it.
const GRID = { cols: 8, rows: 5, lon: -1.62, lat: 53.31, w: 0.004, h: 0.0025 };
const SLUG = 'grid-shared';
const cell = (code) => ({ c: Number(code[1]), r: Number(code[2]) });
const codeAt = (c, r) => `G${c}${r}`;
const half = (c) => (c < GRID.cols / 2 ? 'west' : 'east');

/** sides are the blocks sharing an edge with a block. */
function sides(code) {
  const { c, r } = cell(code);
  return [[c - 1, r], [c + 1, r], [c, r - 1], [c, r + 1]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < GRID.cols && y < GRID.rows).map(([x, y]) => codeAt(x, y));
}

/** connected: whether the blocks (codes) form one piece through shared edges. */
function connected(codes) {
  if (!codes.length) return false;
  const left = new Set(codes);
  const todo = [codes[0]];
  left.delete(codes[0]);
  while (todo.length) for (const n of sides(todo.pop())) if (left.delete(n)) todo.push(n);
  return left.size === 0;
}

/**
 * candidates are the moves of a block to an area next to it in the same
 * half (the nest-in set): ok when its area stays in one piece, split when
 * taking it out would break its area in two.
 */
function candidates(assignment) {
  const out = { ok: [], split: [] };
  const byArea = new Map();
  for (const [b, a] of Object.entries(assignment)) byArea.set(a, [...(byArea.get(a) || []), b]);
  for (const [block, from] of Object.entries(assignment).sort()) {
    const rest = byArea.get(from).filter((b) => b !== block);
    if (!rest.length) continue;
    for (const n of sides(block)) {
      const to = assignment[n];
      if (!to || to === from || half(cell(n).c) !== half(cell(block).c)) continue;
      (connected(rest) ? out.ok : out.split).push({ block, from, to });
      break;
    }
  }
  return out;
}

/** clickBlock clicks the middle of a block on the map. */
async function clickBlock(page, code) {
  if (await page.evaluate((b) => window.placemap.views.proposals.state.block === b, code)) return;
  const { c, r } = cell(code);
  const lngLat = [GRID.lon + (c + 0.5) * GRID.w, GRID.lat + (r + 0.5) * GRID.h];
  let p = await page.evaluate((ll) => window.placemap.map.project(ll), lngLat);
  const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
  const onMap = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y) === window.placemap.map.getCanvas(), { x: box.x + p.x, y: box.y + p.y });
  if (!onMap) {
    // Under the legend or off the map: the map moves to put the block in the middle.
    await page.evaluate((ll) => window.placemap.map.jumpTo({ center: ll }), lngLat);
    await waitIdle(page);
    p = await page.evaluate((ll) => window.placemap.map.project(ll), lngLat);
  }
  await page.mouse.click(box.x + p.x, box.y + p.y);
  await page.waitForFunction((b) => window.placemap.views.proposals.state.block === b, code, { timeout: STEP_TIMEOUT });
}

const prop = (page) => page.evaluate(() => {
  const s = window.placemap.views.proposals.state;
  return s.detail && { version: s.detail.version, overall: s.detail.report.overall, fits: s.detail.report.fits, assignment: { ...s.detail.assignment } };
});

/** outlineHas: whether the outline drawn for an area reaches around a block's middle (its box holds it). */
const outlineHas = (page, area, code) => page.evaluate(({ area, at }) => {
  const feats = window.placemap.map.queryRenderedFeatures({ layers: ['prop-area-line'] }).filter((f) => f.properties.code === area);
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c) => { if (typeof c[0] === 'number') { w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]); } else c.forEach(visit); };
  for (const f of feats) visit(f.geometry.coordinates);
  return at[0] > w && at[0] < e && at[1] > s && at[1] < n;
}, { area, at: [GRID.lon + (cell(code).c + 0.5) * GRID.w, GRID.lat + (cell(code).r + 0.5) * GRID.h] });

/** fillFor is the colour the map's fill expression gives a block. */
const fillFor = (page, code) => page.evaluate((code) => {
  const e = window.placemap.map.getPaintProperty('prop-block-fill', 'fill-color');
  if (!Array.isArray(e) || e[0] !== 'match') return String(e);
  for (let i = 2; i + 1 < e.length; i += 2) if (Array.isArray(e[i]) ? e[i].includes(code) : e[i] === code) return e[i + 1];
  return e[e.length - 1];
}, code);

run(async ({ browser, page: harnessPage }) => {
  await harnessPage.close();
  const page = await monitoredPage(browser);
  // A picked block's moves come from api/proposals/{slug}/blocks/{code},
  // each tried against the rules by the server (a 404 there fails the run).

  await estep(page, 'propose', async () => {
    const resp = await page.goto(`${BASE}#proposals`, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx`);
    await page.waitForFunction(() => window.placemap && window.placemap.ready, null, { timeout: STEP_TIMEOUT });
    await page.evaluate(() => window.placemap.ready);
    expect(await page.locator('#prop-new').isHidden(), 'signed out, there should be no form to propose a set');
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#prop-new').waitFor({ state: 'visible' });
    await page.locator('#prop-new > summary').click();
    await page.locator('#prop-f-blocks').selectOption('grid-blocks');
    await page.locator('#prop-f-pop option[value="population"]').waitFor({ state: 'attached' });
    await page.locator('#prop-f-pop').selectOption('population');
    await page.locator('#prop-f-fit-grid-rows').check();
    await page.locator('#prop-f-w-grid-rows').fill('2');
    await page.locator('#prop-f-fit-grid-bands').check();
    await page.locator('#prop-f-nest').selectOption('grid-halves');
    await page.locator('#prop-f-slug').fill(SLUG);
    await page.locator('#prop-f-title').fill('Grid shared neighbourhoods');
    await page.locator('#prop-f-kind').selectOption('community');
    const t0 = Date.now();
    await page.locator('#prop-f-submit').click();
    await page.waitForFunction((s) => location.hash === `#proposal/${s}` && window.placemap.views.proposals.state.detail, SLUG, { timeout: 60_000 });
    const ms = Date.now() - t0;
    await page.locator('#prop-detail').waitFor({ state: 'visible' });
    expect((await page.locator(`#prop-list a[data-proposal="${SLUG}"]`).count()) === 1, 'the new proposal should be listed');
    return { solve_ms: ms };
  });

  let before;
  await estep(page, 'open', async () => {
    // The report first, the outlines when the server has drawn them.
    await page.waitForFunction(() => window.placemap.views.proposals.state.areas.features.length > 0, null, { timeout: 60_000 });
    await waitIdle(page);
    before = await prop(page);
    expect(before && Object.keys(before.assignment).length === GRID.cols * GRID.rows, `every one of the 40 blocks should be assigned, ${JSON.stringify(before && before.assignment)}`);
    const drawn = await countRendered(page, 'prop-block-fill');
    expect(drawn >= GRID.cols * GRID.rows, `the 40 blocks should be drawn, ${drawn} are`);
    expect((await countRendered(page, 'prop-area-line')) > 0, 'the areas should be outlined');
    const fill = await page.evaluate(() => window.placemap.map.getPaintProperty('prop-block-fill', 'fill-color'));
    expect(Array.isArray(fill) && fill[0] === 'match', `the blocks should be coloured by a match on their code, ${JSON.stringify(fill).slice(0, 80)}`);
    // Blocks next to each other in different areas have different colours.
    for (const [b, a] of Object.entries(before.assignment)) {
      for (const n of sides(b)) {
        if (before.assignment[n] !== a) expect((await fillFor(page, b)) !== (await fillFor(page, n)), `blocks ${b} (${a}) and ${n} (${before.assignment[n]}) are in neighbouring areas and should differ in colour`);
      }
    }
    const overall = (await page.locator('#prop-stats .stat').first().innerText());
    expect(overall.includes(before.overall.toFixed(3)), `the overall score ${before.overall.toFixed(3)} should be shown: ${overall}`);
    expect((await page.locator('#prop-fits tbody tr').count()) === 2, 'both fit sets should be scored');
    const compare = await page.locator('#prop-compare').innerText();
    expect(/Grid halves/.test(compare) && /The proposal/.test(compare), `the comparison should list the nest-in set and the proposal: ${compare}`);
    const sentence = await page.locator('#prop-sentences li').first().innerText();
    expect(/agrees \d\.\d{3} with .*; the proposal \d\.\d{3} while nesting in Grid halves/.test(sentence), `the comparison in words: ${sentence}`);
    for (const k of ['every_block_once', 'contiguous', 'nested']) {
      expect((await page.locator(`#prop-checks li[data-check="${k}"].check-pass`).count()) === 1, `the check ${k} should pass`);
    }
    const rows = await page.locator('#prop-areas tbody tr').count();
    const areas = new Set(Object.values(before.assignment)).size;
    expect(rows === areas, `the areas table should list the ${areas} areas, lists ${rows}`);
    await page.locator('#prop-areas th[data-key="population"] button').click();
    expect((await page.locator('#prop-areas th[data-key="population"]').getAttribute('aria-sort')) === 'descending', 'sorted by population, largest first');
    expect(await page.locator('#prop-pub-submit').isDisabled(), 'a draft just published as its first release has nothing new to publish');
    const small = await smallText(page);
    expect(small.length === 0, `every text should be at least 14 px, these are smaller: ${small.slice(0, 10).join('; ')}`);
    await shot(page, 'step-01-proposal.png');
    return { areas, overall: before.overall, ...(await axeCheck(page, 'proposal')) };
  });

  await estep(page, 'move', async () => {
    const c = candidates(before.assignment);
    expect(c.ok.length > 0, `some block should be movable to a neighbouring area: ${JSON.stringify(before.assignment)}`);
    const mv = c.ok[0];
    const colour = await fillFor(page, mv.block);
    const outlinedBefore = await outlineHas(page, mv.to, mv.block);
    await clickBlock(page, mv.block);
    const sub = await page.locator('#prop-pick-sub').innerText();
    expect(sub.includes(mv.from), `the panel should say block ${mv.block} is in ${mv.from}: ${sub}`);
    const button = page.locator(`#prop-pick-moves button[data-to="${mv.to}"]`);
    await button.waitFor();
    await button.click();
    await page.waitForFunction((v) => window.placemap.views.proposals.state.detail.version !== v, before.version, { timeout: STEP_TIMEOUT });
    const after = await prop(page);
    expect(after.assignment[mv.block] === mv.to, `block ${mv.block} should now be in ${mv.to}`);
    const changed = after.overall !== before.overall || after.fits.some((f, i) => f.purity !== before.fits[i].purity || f.inverse !== before.fits[i].inverse);
    expect(changed, `the scores should change: ${JSON.stringify(before.fits)} → ${JSON.stringify(after.fits)}`);
    const now = await fillFor(page, mv.block);
    expect(now !== colour && now === (await fillFor(page, sides(mv.block).find((n) => after.assignment[n] === mv.to))), `the block's colour should become its new area's: ${colour} → ${now}`);
    const live = await page.locator('#prop-live').innerText();
    expect(live.includes(`Overall ${before.overall.toFixed(3)} → ${after.overall.toFixed(3)}`), `the change should be announced: ${live}`);
    expect((await page.locator('#prop-live').getAttribute('aria-live')) === 'polite', 'in a live region');
    const shown = await page.locator('#prop-stats .stat').first().innerText();
    expect(shown.includes(after.overall.toFixed(3)), `the overall score shown should update: ${shown}`);
    if (!outlinedBefore) {
      // The two areas' outlines are drawn again: the new one reaches around the block.
      const until = Date.now() + STEP_TIMEOUT;
      while (!(await outlineHas(page, mv.to, mv.block))) {
        expect(Date.now() < until, `the outline of ${mv.to} should be drawn again around block ${mv.block}`);
        await page.waitForTimeout(100);
      }
    }
    await waitIdle(page);
    await shot(page, 'step-02-moved.png');
    before = after;
    return { moved: mv, overall: after.overall };
  });

  await estep(page, 'refused-split', async () => {
    const c = candidates(before.assignment);
    expect(c.split.length > 0, `some block should hold its area together: ${JSON.stringify(before.assignment)}`);
    const mv = c.split[0];
    const colour = await fillFor(page, mv.block);
    await clickBlock(page, mv.block);
    const button = page.locator(`#prop-pick-moves button[data-to="${mv.to}"]`);
    await button.waitFor();
    // The server tried the move beforehand: the reason is there before the click.
    const said = await page.locator(`#${await button.getAttribute('aria-describedby')}`).innerText();
    expect(/split/i.test(said), `the move's hint should say it would split the area: ${said}`);
    const refused = [allow('POST', /^\/api\/proposals\/[^/]+\/moves$/, 409), allow('POST', /^\/api\/proposals\/[^/]+\/moves$/, 400)];
    await button.click();
    await page.waitForFunction(() => document.getElementById('prop-move-status').textContent.trim() !== '', null, { timeout: STEP_TIMEOUT });
    const why = await page.locator('#prop-move-status').innerText();
    expect(refused.some((a) => a.seen === 1), 'the server should refuse the move');
    expect(/split/i.test(why), `the reason should say the area would split: ${why}`);
    expect((await page.locator('#prop-move-status').getAttribute('role')) === 'alert', 'the refusal should be an alert');
    const after = await prop(page);
    expect(after.version === before.version && after.assignment[mv.block] === mv.from, 'a refused move changes nothing');
    expect((await fillFor(page, mv.block)) === colour, 'the block keeps its colour');
    await shot(page, 'step-03-refused.png');
    return { refused: mv, why };
  });

  await estep(page, 'keyboard', async () => {
    // A block picked without the map: its area's row, then the block from the area's list.
    await page.locator('#prop-pick-clear').click();
    const area = before.assignment['G00'];
    await page.locator(`#prop-areas tr[data-code="${area}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((a) => window.placemap.views.proposals.state.area === a, area);
    await page.locator('#prop-pick .prop-blocks > summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#prop-pick button[data-block="G00"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.placemap.views.proposals.state.block === 'G00');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    expect(focused === 'prop-pick-title', `the focus should move to the block picked, is on ${focused}`);
    const title = await page.locator('#prop-pick-title').innerText();
    expect(title === 'Block G00', `the panel should show block G00: ${title}`);
    await page.locator('#prop-pick-moves #prop-moves-hint').waitFor();
    return { area };
  });

  await estep(page, 'rename', async () => {
    const code = Object.values(before.assignment).sort()[0];
    await page.locator('#prop-pick-clear').click();
    await page.locator(`#prop-areas tr[data-code="${code}"]`).click();
    await page.locator('#prop-rename-input').fill('Heeley <b>Bank</b>');
    await page.locator('#prop-rename-save').click();
    await page.waitForFunction((c) => {
      const tr = document.querySelector(`#prop-areas tr[data-code="${c}"] .prop-area-name`);
      return tr && tr.textContent === 'Heeley <b>Bank</b>';
    }, code, { timeout: STEP_TIMEOUT });
    expect((await page.locator('#prop-areas b').count()) === 0, 'the name should show as text');
    const live = await page.locator('#prop-live').innerText();
    expect(live.includes('Heeley <b>Bank</b>'), `the rename should be announced: ${live}`);
    const stored = await page.evaluate(async (s) => (await (await fetch(`api/proposals/${s}`)).json()), SLUG);
    const name = (stored.names && stored.names[code]) || (stored.report.areas.find((a) => a.code === code) || {}).name;
    expect(name === 'Heeley <b>Bank</b>', `the new name should be stored: ${name}`);
    return { renamed: code };
  });

  await estep(page, 'publish', async () => {
    await page.locator('#prop-publish > summary').click();
    expect(await page.locator('#prop-pub-submit').isEnabled(), 'moved and renamed, the draft can be published');
    await page.locator('#prop-pub-slug').fill(`${SLUG}-2`);
    await page.locator('#prop-pub-title').fill('Grid shared neighbourhoods, second release');
    await page.locator('#prop-pub-submit').click();
    await page.locator('#prop-pub-result').waitFor({ state: 'visible' });
    const href = await page.locator('#prop-pub-link').getAttribute('href');
    expect(href === `#map?sets=${SLUG}-2`, `the new set should be linked on the map: ${href}`);
    const sets = await page.evaluate(async () => (await (await fetch('api/sets')).json()).sets.map((s) => s.slug));
    expect(sets.includes(`${SLUG}-2`), `api/sets should list ${SLUG}-2: ${sets}`);
    expect(await page.locator('#prop-pub-submit').isDisabled(), 'once published, the same draft is not offered again');
    const sub = await page.locator('#prop-sub').innerText();
    expect(sub.includes(`${SLUG}-2`), `the proposal should say it is published as ${SLUG}-2: ${sub}`);
    await shot(page, 'step-04-published.png');
    return { published: `${SLUG}-2`, ...(await axeCheck(page, 'published')) };
  });

  await step('phone', async () => {
    const errors = [];
    const p = await phonePage(browser, errors);
    await phoneReady(p, `${BASE}#proposal/${SLUG}`, waitIdle);
    await p.waitForFunction(() => window.placemap.views.proposals.state.areas.features.length > 0, null, { timeout: 60_000 });
    if ((await p.evaluate(() => document.querySelector('.layout').dataset.sheet)) === 'peek') await p.locator('#panel-toggle').tap();
    await waitIdle(p);
    const drawn = await countRendered(p, 'prop-block-fill');
    expect(drawn > 0, 'on a phone the blocks should be drawn');
    const tabIn = await p.evaluate(() => {
      const n = document.getElementById('view-tabs').getBoundingClientRect();
      const c = document.querySelector('#view-tabs a[data-view="proposals"]').getBoundingClientRect();
      return c.left >= n.left - 1 && c.right <= n.right + 1;
    });
    expect(tabIn, 'on a phone the Proposals tab should be scrolled into sight in the tab strip');
    const head = await p.locator('#prop-areas th[data-key="name"] button').boundingBox();
    expect(head && head.height >= 43.5, `the sort buttons should be 44 px tall on a phone: ${JSON.stringify(head)}`);
    await shot(p, 'step-05-phone.png');
    const axe = await axeCheck(p, 'phone-proposal');
    await p.context().close();
    noErrors(errors);
    return { drawn, ...axe };
  });
});
