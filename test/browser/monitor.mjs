// The checks edit.mjs and story.mjs share: the steps run in a browser
// context of their own (monitoredPage), which records console errors, page
// errors, dialogs, requests to hosts other than localhost, failed requests
// and error responses, except those a step expects (allow(method, re,
// status)); estep runs one harness step with these checks (health), and the
// harness's.
import { isLocal, fail, STEP_TIMEOUT } from './harness.mjs';

// createMonitor returns the monitoring state and helpers for one script, whose
// harness step and shot estep uses.
export function createMonitor({ step, shot }) {
  const consoleErrors = [];
  const pageErrors = [];
  const dialogs = [];
  const foreign = [];
  const failed = [];
  let allowed = []; // {method, re, status, seen}
  let current = 'start-up';
  const apiCalls = []; // "METHOD path status"
  let requests = 0;

  function allow(method, re, status) {
    const a = { method, re, status, seen: 0 };
    allowed.push(a);
    return a;
  }

  function allowedFor(method, url, status) {
    return allowed.find((a) => (a.method === '*' || a.method === method) && a.status === status && a.re.test(new URL(url).pathname));
  }

  function health() {
    const problems = [];
    if (dialogs.length) problems.push(`dialog(s) opened (nothing may call alert/confirm/prompt): ${dialogs.join(' | ')}`);
    if (pageErrors.length) problems.push(`page error(s): ${pageErrors.join(' | ')}`);
    if (consoleErrors.length) problems.push(`console error(s): ${consoleErrors.join(' | ')}`);
    if (foreign.length) problems.push(`request(s) to non-localhost hosts: ${foreign.join(', ')}`);
    if (failed.length) problems.push(`failed or unexpected error response(s): ${failed.join(' | ')}`);
    if (problems.length) fail(problems.join('\n'));
  }

  async function monitoredPage(browser) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('dialog', (d) => {
      dialogs.push(`[${current}] ${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (err) => pageErrors.push(`[${current}] ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      const m = /Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
      if (m && loc && loc.url && allowed.some((a) => a.status === Number(m[1]) && a.re.test(new URL(loc.url).pathname))) return;
      consoleErrors.push(`[${current}] ${msg.text()}${loc && loc.url ? ` (${loc.url})` : ''}`);
    });
    context.on('request', (req) => {
      requests++;
      if (!isLocal(req.url())) foreign.push(`[${current}] ${req.url()}`);
    });
    context.on('requestfailed', (req) => {
      const f = req.failure();
      const why = f ? f.errorText : 'failed';
      if (why === 'net::ERR_ABORTED') return; // tiles and details dropped when the view changes
      failed.push(`[${current}] ${req.method()} ${req.url()}: ${why}`);
    });
    context.on('response', (res) => {
      const req = res.request();
      const u = new URL(res.url());
      if (u.pathname.startsWith('/api/')) apiCalls.push(`${req.method()} ${u.pathname} ${res.status()}`);
      if (res.status() < 400) return;
      const a = allowedFor(req.method(), res.url(), res.status());
      if (a) a.seen++;
      else failed.push(`[${current}] ${req.method()} ${res.url()}: HTTP ${res.status()}`);
    });
    return page;
  }

  // estep runs one step with the checks above, and the harness's.
  function estep(page, name, fn) {
    return step(name, async () => {
      current = name;
      allowed = [];
      let info;
      try {
        info = await fn();
        await page.waitForTimeout(100); // let late console messages arrive
        health();
      } catch (err) {
        await shot(page, 'failure.png').catch(() => {});
        throw err;
      }
      return info;
    });
  }

  return {
    consoleErrors,
    pageErrors,
    dialogs,
    foreign,
    failed,
    apiCalls,
    get requests() { return requests; },
    allow,
    health,
    monitoredPage,
    estep,
  };
}
