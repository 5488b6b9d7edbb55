// Shared harness of the browser tests (map.mjs, reconcile.mjs): argument
// parsing, Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) launched
// through playwright-core with WebGL on SwiftShader, the offline, console,
// page-error and failed-request checks, steps with screenshots, map helpers,
// and the JSON summary and exit code.
//
//   import { harness } from './harness.mjs';
//   const { BASE, expect, step, shot, waitIdle, run } = harness('map.mjs');
//   run(async ({ page }) => {
//     await step('load', async () => { ...; await shot(page, 'step-01-loaded.png'); return { info }; });
//   });
//
// harness(script) reads BASE_URL and OUTDIR from the command line (printing a
// usage line naming test/browser/<script> and exiting 2 if either is missing),
// creates OUTDIR, and returns the helpers below together with run(body).
// run launches Chromium, opens a 1280x800 page, records console errors, page
// errors, failed requests and requests to hosts other than localhost, and
// calls body({ page, context, browser, ...helpers }). After body returns the
// checks are made once more; on success one JSON summary line
// ({ ok: true, base, steps, requests, screenshots }) is printed and the process
// exits 0. On any failure failure.png is left in OUTDIR, the failing step and
// what was expected (or the error's stack, for errors other than failed
// expectations) are printed to stderr with the recorded errors, a JSON line
// ({ ok: false, base, failedStep, error, steps, screenshots }) is printed, and
// the process exits 1.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
export const STEP_TIMEOUT = 30_000;

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--hide-scrollbars',
  '--mute-audio',
];

// A failed expectation: reported by its message alone, without a stack.
export class StepError extends Error {}

export function fail(message) {
  throw new StepError(message);
}

export function expect(cond, message) {
  if (!cond) fail(message);
}

export function isLocal(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return false;
  const h = u.hostname.toLowerCase();
  return LOCAL_HOSTS.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h) || h.endsWith('.localhost');
}

// Resolves when the map has rendered everything it needs for the current view.
export async function waitIdle(page) {
  await page.evaluate((timeout) => new Promise((res, rej) => {
    const map = window.placemap.map;
    const timer = setTimeout(() => rej(new Error(`map not idle after ${timeout} ms`)), timeout);
    const done = () => { clearTimeout(timer); res(); };
    if (!map.isMoving() && map.loaded() && map.areTilesLoaded()) {
      // Give the renderer one frame to settle pending changes (e.g. visibility).
      map.once('idle', done);
      map.triggerRepaint();
    } else {
      map.once('idle', done);
    }
  }), STEP_TIMEOUT);
}

export async function countRendered(page, layer) {
  return page.evaluate((layer) => {
    const map = window.placemap.map;
    if (!map.getLayer(layer)) return -1;
    return map.queryRenderedFeatures({ layers: [layer] }).length;
  }, layer);
}

export async function canvasBox(page) {
  const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
  expect(box, 'map canvas not found');
  return box;
}

export async function detailsText(page) {
  return page.locator('#details-body').innerText();
}

// readyToEdit waits for the map and its editing module to be ready and
// the map to be idle.
export async function readyToEdit(page) {
  await page.waitForFunction(() => window.placemap && window.placemap.ready && window.placemap.edit, null, { timeout: STEP_TIMEOUT });
  const err = await page.evaluate(() => window.placemap.ready.then(() => null, (e) => String(e && e.message || e)));
  expect(err === null, `window.placemap.ready should resolve, but rejected: ${err}`);
  await page.evaluate(() => window.placemap.edit.ready);
  await waitIdle(page);
}

// fetchAsset reads an asset straight from the API at base, outside the page.
export async function fetchAsset(base, id) {
  const res = await fetch(new URL(`api/assets/${encodeURIComponent(id)}`, base).href, { headers: { Accept: 'application/json' } });
  const body = res.status === 200 ? await res.json() : null;
  return { status: res.status, etag: res.headers.get('etag'), body };
}

// detailsField is the text shown for label in the details panel's fields, or null.
export async function detailsField(page, label) {
  return page.evaluate((label) => {
    const dts = [...document.querySelectorAll('#details-body dl.fields dt')];
    const dt = dts.find((d) => d.textContent.trim() === label);
    return dt ? dt.nextElementSibling.textContent.trim() : null;
  }, label);
}

// axeCheck runs axe-core (node_modules/axe-core) in the page against WCAG
// 2.0, 2.1 and 2.2 A and AA rules, and fails on any serious or critical
// violation, naming the rule, the elements and the help page. It answers
// the counts of the lesser ones. The script goes in through the debugging
// protocol (page.evaluate), which the page's Content-Security-Policy does
// not govern, so the policy stays on for the page itself.
let axeSource = null;
export async function axeCheck(page, label, { include = null } = {}) {
  if (!axeSource) {
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  }
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate(async (include) => {
    const r = await window.axe.run(include ? { include: [include] } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  }, include);
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    fail(`axe (${label}): ${bad.map((v) => `${v.impact} ${v.id} — ${v.help} (${v.helpUrl}) at ${v.nodes.join(', ')}`).join(' | ')}`);
  }
  return { [`axe_${label}`]: result.length ? result.map((v) => `${v.impact} ${v.id}`).join(', ') : 'no violations' };
}

// smallText lists the visible texts of the panel and the map's legend and
// controls whose computed font size is under 14 px.
export async function smallText(page) {
  return page.evaluate(() => {
    const out = [];
    for (const root of document.querySelectorAll('#panel, #panel-toggle, .map-legend, .maplibregl-control-container, .map-banner')) {
      for (const e of root.querySelectorAll('*')) {
        const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
        if (!own || !e.getClientRects().length) continue;
        const st = getComputedStyle(e);
        if (st.visibility === 'hidden' || st.display === 'none' || e.closest('[hidden], .visually-hidden, .sr-only')) continue;
        const px = parseFloat(st.fontSize);
        if (px < 14) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} "${e.textContent.trim().slice(0, 30)}" ${px}px`);
      }
    }
    return out;
  });
}

// harness(script, { contextOptions, withoutArgs }): contextOptions go to the
// browser context (e.g. a phone's viewport, hasTouch, isMobile) over the
// 1280x800 default; withoutArgs leaves those of the Chromium flags above out.
export function harness(script, { contextOptions = {}, withoutArgs = [] } = {}) {
  const [baseArg, outArg] = process.argv.slice(2);
  if (!baseArg || !outArg) {
    console.error(`usage: node test/browser/${script} BASE_URL OUTDIR`);
    process.exit(2);
  }
  const BASE = baseArg.endsWith('/') ? baseArg : baseArg + '/';
  const OUT = resolve(outArg);
  mkdirSync(OUT, { recursive: true });

  const consoleErrors = [];
  const pageErrors = [];
  const foreignRequests = [];
  const failedRequests = [];
  const steps = [];
  const screenshots = [];
  let requestCount = 0;
  let currentStep = 'start-up';

  function checkHealth() {
    if (pageErrors.length) fail(`page error(s): ${pageErrors.join(' | ')}`);
    if (consoleErrors.length) fail(`console error(s): ${consoleErrors.join(' | ')}`);
    if (foreignRequests.length) fail(`request(s) to non-localhost hosts (the map must work offline): ${foreignRequests.join(', ')}`);
    if (failedRequests.length) fail(`failed request(s): ${failedRequests.join(' | ')}`);
  }

  async function shot(page, name) {
    const file = join(OUT, name);
    await page.screenshot({ path: file });
    screenshots.push(file);
  }

  async function step(name, fn) {
    currentStep = name;
    const t0 = Date.now();
    const info = await fn();
    checkHealth();
    steps.push({ step: name, ms: Date.now() - t0, ...(info || {}) });
  }

  const helpers = {
    BASE, OUT, STEP_TIMEOUT,
    fail, expect, isLocal, checkHealth, shot, step,
    waitIdle, countRendered, canvasBox, detailsText,
  };

  async function main(body) {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: false, // headless mode is chosen by --headless=new below
      args: CHROMIUM_ARGS.filter((a) => !withoutArgs.includes(a)),
    });
    let page = null;
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-GB', ...contextOptions });
      page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT);

      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const loc = msg.location();
        consoleErrors.push(`[${currentStep}] ${msg.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
      });
      page.on('pageerror', (err) => pageErrors.push(`[${currentStep}] ${err.message}`));
      context.on('request', (req) => {
        requestCount++;
        if (!isLocal(req.url())) foreignRequests.push(`[${currentStep}] ${req.url()}`);
      });
      context.on('requestfailed', (req) => {
        const f = req.failure();
        const why = f ? f.errorText : 'failed';
        // Aborted tile/detail requests are normal when the view or selection changes.
        if (why === 'net::ERR_ABORTED') return;
        failedRequests.push(`[${currentStep}] ${req.url()}: ${why}`);
      });
      context.on('response', (res) => {
        if (res.status() >= 400) failedRequests.push(`[${currentStep}] ${res.url()}: HTTP ${res.status()}`);
      });

      await body({ page, context, browser, ...helpers });

      checkHealth();
      console.log(JSON.stringify({ ok: true, base: BASE, steps, requests: requestCount, screenshots }));
    } catch (err) {
      if (page) await shot(page, 'failure.png').catch(() => {});
      throw err;
    } finally {
      await browser.close().catch(() => {});
    }
  }

  // Runs body in a fresh browser, prints the summary and exits 0 or 1.
  function run(body) {
    return main(body).then(() => process.exit(0), async (err) => {
      const what = err instanceof StepError ? err.message : (err && err.stack) || String(err);
      console.error(`FAIL at step "${currentStep}": ${what}`);
      if (consoleErrors.length) console.error(`console errors: ${consoleErrors.join(' | ')}`);
      if (pageErrors.length) console.error(`page errors: ${pageErrors.join(' | ')}`);
      if (foreignRequests.length) console.error(`non-localhost requests: ${foreignRequests.join(', ')}`);
      if (failedRequests.length) console.error(`failed requests: ${failedRequests.join(' | ')}`);
      console.log(JSON.stringify({ ok: false, base: BASE, failedStep: currentStep, error: what, steps, screenshots }));
      process.exit(1);
    });
  }

  return { ...helpers, run };
}
