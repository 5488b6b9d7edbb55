#!/usr/bin/env node
// Accessibility of the placemap web map: axe-core (WCAG 2.0–2.2 A and AA
// rules) on every view and panel, in headless Chromium through
// playwright-core, and the map's actions done with the keyboard alone;
// the text sizes and axe again at a phone's size.
//
// Usage: node test/browser/a11y.mjs BASE_URL OUTDIR EMAIL PASSWORD
//   EMAIL must be a moderator (or admin), so the editing, moderation and
//   OSM review panels are checked too; the data the fresh demo.
// Steps, each with a screenshot in OUTDIR; any serious or critical axe
// violation fails the step, naming the rule and the elements. Fails on
// any console or page error, failed request or request to another host.
import { harness, expect, readyToEdit, axeCheck, smallText, STEP_TIMEOUT } from './harness.mjs';

const [, , BASE_ARG, , EMAIL, PASSWORD] = process.argv;
if (!BASE_ARG || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/a11y.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}
const BASE = BASE_ARG.endsWith('/') ? BASE_ARG : `${BASE_ARG}/`;
const { shot, step, run } = harness('a11y.mjs');

// focused describes the element that has the keyboard focus.
async function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    const style = getComputedStyle(a);
    return {
      id: a.id, tag: a.tagName.toLowerCase(), text: (a.textContent || '').trim().slice(0, 60),
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0, shadow: style.boxShadow !== 'none',
    };
  });
}

// canvasRing describes the focused map canvas's focus ring: its width, and
// whether its box lies inside the viewport and every clipping ancestor.
async function canvasRing(page) {
  return page.evaluate(() => {
    const c = document.activeElement;
    if (!c || !c.classList.contains('maplibregl-canvas')) return { canvas: false, active: c && `${c.tagName}#${c.id}.${c.className}` };
    const st = getComputedStyle(c);
    const width = st.outlineStyle === 'none' ? 0 : parseFloat(st.outlineWidth);
    const reach = width + parseFloat(st.outlineOffset || '0');
    const r = c.getBoundingClientRect();
    const ring = { left: r.left - reach, top: r.top - reach, right: r.right + reach, bottom: r.bottom + reach };
    const inside = (b) => ring.left >= b.left - 0.5 && ring.top >= b.top - 0.5 && ring.right <= b.right + 0.5 && ring.bottom <= b.bottom + 0.5;
    const clippedBy = [];
    if (!inside({ left: 0, top: 0, right: innerWidth, bottom: innerHeight })) clippedBy.push('viewport');
    for (let a = c.parentElement; a; a = a.parentElement) {
      const as = getComputedStyle(a);
      if ([as.overflowX, as.overflowY].some((o) => o !== 'visible') && !inside(a.getBoundingClientRect())) clippedBy.push(`${a.tagName.toLowerCase()}.${[...a.classList].join('.')}`);
    }
    const map = c.closest('.map');
    const shadow = map ? getComputedStyle(map, '::after').boxShadow : 'none';
    return { canvas: true, width, color: st.outlineColor, reach, clippedBy, containerRing: shadow };
  });
}

run(async ({ page }) => {
  await step('map', async () => {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    await shot(page, 'step-01-map.png');
    return axeCheck(page, 'map');
  });

  await step('axe-can-fail', async () => {
    // The check is live: an image without alternative text and a button
    // without a name, put in for a moment, must fail it.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.id = 'axe-probe';
      d.innerHTML = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="8" height="8"><button type="button"></button>';
      document.body.append(d);
    });
    let failed = '';
    try {
      await axeCheck(page, 'probe', { include: '#axe-probe' });
    } catch (err) {
      failed = err.message;
    }
    await page.evaluate(() => document.getElementById('axe-probe').remove());
    expect(failed.includes('image-alt') && failed.includes('button-name'), `axe should fail an unlabelled image and button, said: ${failed || 'nothing'}`);
    return { probe: 'image-alt and button-name caught' };
  });

  await step('keyboard-search-and-open', async () => {
    // From the top of the page, Tab reaches the search box; typing and
    // Enter finds a library; Tab and Enter open it; its details take focus.
    await page.keyboard.press('Tab');
    const first = await focused(page);
    expect(first && (first.outline || first.shadow), `the first Tab stop should show a visible focus ring, is ${JSON.stringify(first)}`);
    await page.locator('#search-input').focus();
    await page.keyboard.type('Broomhill');
    await page.locator('#search-results [role="option"]').first().waitFor();
    // The search box is a combobox: Down moves through the results, the
    // focus staying in the box, the active result marked and outlined.
    let f = null;
    for (let i = 0; i < 10 && !(f && f.kind === 'asset' && f.text.includes('Broomhill')); i++) {
      await page.keyboard.press('ArrowDown');
      f = await page.evaluate(() => {
        const box = document.activeElement;
        const opt = box && box.id === 'search-input' && document.getElementById(box.getAttribute('aria-activedescendant') || '');
        if (!opt) return null;
        const st = getComputedStyle(opt);
        return { kind: opt.dataset.kind, text: opt.textContent, selected: opt.getAttribute('aria-selected'),
          outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0 };
      });
    }
    expect(f && f.kind === 'asset' && f.text.includes('Broomhill') && f.selected === 'true' && f.outline,
      `Down should make a Broomhill asset the active, outlined result, focus staying in the box: ${JSON.stringify(f)}`);
    await page.keyboard.press('Enter');
    await page.locator('#details:not([hidden])').waitFor();
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest('#details'), null, { timeout: STEP_TIMEOUT });
    await shot(page, 'step-02-keyboard-open.png');
    return axeCheck(page, 'asset-details');
  });

  await step('keyboard-in-view', async () => {
    // The assets and areas in view are listed beside the map: every map
    // action, without a mouse.
    await page.locator('#in-view summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#in-view-assets li button').first().waitFor();
    const n = await page.locator('#in-view-assets li button').count();
    expect(n > 0, 'the in-view list should list assets');
    await page.locator('#in-view-set').selectOption('wards-2019');
    // The list says which set it lists and when it is loading: wait for the
    // wards themselves, not whatever the list held before.
    const wards = page.locator('#in-view-areas[data-set="wards-2019"]:not([aria-busy]) li button');
    await wards.first().waitFor();
    const code = await wards.first().getAttribute('data-code');
    await wards.first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#details-body', { hasText: code }).first().waitFor();
    await page.locator('#details-body', { hasText: 'ward' }).first().waitFor();
    await shot(page, 'step-03-in-view.png');
    return { assets: n, ...(await axeCheck(page, 'in-view')) };
  });

  await step('keyboard-layers-and-views', async () => {
    // A set shown at start is hidden with Space on its checkbox; the views
    // are reached with Enter on their tabs; the compare view's sets are
    // chosen from the keyboard.
    const box = page.locator('#layer-list input[data-set]:checked').first();
    const slug = await box.getAttribute('data-set');
    await box.focus();
    await page.keyboard.press('Space');
    const hidden = await page.evaluate((slug) => window.placemap.map.getLayoutProperty(`set-${slug}-line`, 'visibility'), slug);
    expect(hidden === 'none', `Space on the ${slug} checkbox should hide its layer, visibility is ${hidden}`);
    await page.keyboard.press('Space');
    await page.locator('#view-tabs a[data-view="compare"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.placemap.view === 'compare');
    await page.waitForFunction(() => location.hash.startsWith('#compare/'), null, { timeout: STEP_TIMEOUT });
    const before = await page.evaluate(() => location.hash);
    await page.locator('#cmp-b').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((h) => location.hash.startsWith('#compare/') && location.hash !== h, before, { timeout: STEP_TIMEOUT });
    await page.locator('#cmp-table tbody tr').first().waitFor({ timeout: STEP_TIMEOUT });
    await page.locator('#view-tabs a[data-view="map"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.placemap.view === 'map');
    await shot(page, 'step-04-keyboard-views.png');
    return { toggled: slug, compare: await page.evaluate(() => location.hash) };
  });

  await step('map-focus-ring-and-text-size', async () => {
    // Tab from the last stop before the map reaches the map canvas, whose
    // focus ring is drawn (a wide outline) and not clipped by any
    // ancestor or the window; every visible text is at least 14 px.
    const before = await page.evaluate(() => {
      const sel = 'a[href], button, input, select, textarea, summary, [tabindex], canvas';
      const canvas = document.querySelector('#map .maplibregl-canvas');
      // Inside a closed <details> only its own <summary> is a Tab stop.
      const folded = (e) => {
        for (let d = e.closest('details:not([open])'); d; d = d.parentElement && d.parentElement.closest('details:not([open])')) {
          const summary = d.querySelector(':scope > summary');
          if (!summary || !summary.contains(e)) return true;
        }
        return false;
      };
      let prev = null;
      for (const e of document.querySelectorAll(sel)) {
        if (e === canvas) break;
        if (e.tabIndex < 0 || e.disabled || !e.getClientRects().length || e.closest('[hidden], [inert]') || folded(e) || getComputedStyle(e).visibility === 'hidden') continue;
        prev = e;
      }
      if (!prev) return null;
      prev.setAttribute('data-before-map', '');
      return prev.id || `${prev.tagName.toLowerCase()} "${(prev.textContent || '').trim().slice(0, 40)}"`;
    });
    expect(before, 'there should be a Tab stop before the map');
    await page.locator('[data-before-map]').focus();
    const took = await page.evaluate(() => {
      const e = document.querySelector('[data-before-map]');
      e.removeAttribute('data-before-map');
      return document.activeElement === e;
    });
    expect(took, `the last Tab stop before the map (${before}) should take the focus`);
    let ring = null;
    for (let i = 0; i < 6 && !(ring && ring.canvas); i++) {
      await page.keyboard.press('Tab');
      ring = await canvasRing(page);
    }
    expect(ring && ring.canvas, `Tab from ${before} should reach the map canvas, reached ${JSON.stringify(ring)}`);
    expect(ring.width >= 2, `the focused map canvas should show a focus ring at least 2 px wide: ${JSON.stringify(ring)}`);
    expect(ring.clippedBy.length === 0, `the map canvas's focus ring should not be clipped, it is by ${ring.clippedBy.join(', ')}`);
    expect(ring.containerRing !== 'none', `the map should draw its contrasting inner ring while the canvas has the focus: ${JSON.stringify(ring)}`);
    await shot(page, 'step-05-map-focus-ring.png');
    const small = await smallText(page);
    expect(small.length === 0, `every text should be at least 14 px, these are smaller: ${small.slice(0, 15).join('; ')}`);
    return { before, ring };
  });

  for (const view of ['compare', 'places', 'choropleth']) {
    await step(view, async () => {
      await page.locator(`#view-tabs [data-view="${view}"], #view-tabs a[href="#${view}"]`).first().click();
      await page.waitForFunction((v) => window.placemap.view === v, view);
      await page.waitForTimeout(1500);
      await shot(page, `step-${view}.png`);
      const small = await smallText(page);
      expect(small.length === 0, `every text of the ${view} view should be at least 14 px, these are smaller: ${small.slice(0, 15).join('; ')}`);
      if (view === 'compare') {
        // The overlap figure is named in plain words; the technical term
        // (IoU) stays in its tooltip.
        const head = page.locator('#cmp-table th[data-key="iou"] button');
        await head.waitFor();
        const text = (await head.innerText()).trim();
        const title = (await head.getAttribute('title')) || '';
        expect(/how much overlaps/i.test(text) && !/IoU/.test(text), `the overlap column should read "How much overlaps", reads ${JSON.stringify(text)}`);
        expect(title.includes('IoU'), `the overlap column's tooltip should name the IoU, is ${JSON.stringify(title)}`);
        const stat = await page.locator('#cmp-summary .stat[title*="IoU"]').count();
        expect(stat === 1, `the summary's typical overlap should carry IoU in its tooltip, found ${stat}`);
      }
      return axeCheck(page, view);
    });
  }

  await step('plain-words', async () => {
    // "Places" means neighbourhoods: the button to suggest an asset says so.
    const btn = page.locator('#suggest-new');
    const label = (await btn.textContent() || '').trim();
    expect(label === 'Suggest a missing asset', `the suggest button should read "Suggest a missing asset", reads ${JSON.stringify(label)}`);
    const old = await page.getByText('Suggest a new place').count();
    expect(old === 0, `"Suggest a new place" should be gone, found ${old}`);
    return { label };
  });

  await step('signed-in', async () => {
    await page.locator('#view-tabs [data-view="map"], #view-tabs a[href="#map"]').first().click();
    await page.locator('#signin-toggle').click();
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#moderation').waitFor({ state: 'visible' });
    await page.locator('#osm-review').waitFor({ state: 'visible' });
    await shot(page, 'step-signed-in.png');
    return axeCheck(page, 'signed-in');
  });

  await step('add-form', async () => {
    await page.locator('#add-asset').click();
    await page.locator('#add-at-centre').click();
    await page.locator('#af-name').waitFor();
    await shot(page, 'step-add-form.png');
    const out = await axeCheck(page, 'add-form');
    await page.keyboard.press('Escape');
    return out;
  });

  await step('phone-size', async () => {
    // At a phone's size (390×844) the panel is a bottom sheet: its handle
    // is a named button, and the texts and axe's checks hold there too.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    const handle = page.locator('#panel-toggle');
    await handle.focus();
    await page.keyboard.press('Enter');
    const label = ((await handle.textContent()) || '').trim();
    expect(await handle.getAttribute('aria-expanded') === 'true' && /half open/.test(label), `Enter on the sheet's handle should open it half way, reads ${JSON.stringify(label)}`);
    await page.waitForTimeout(400);
    await shot(page, 'step-phone.png');
    const small = await smallText(page);
    expect(small.length === 0, `every text should be at least 14 px at phone size, these are smaller: ${small.slice(0, 15).join('; ')}`);
    return axeCheck(page, 'phone');
  });
});
