#!/usr/bin/env node
// Browser test of the community story on the placemap web map: a signed-out
// visitor suggests a place, a moderator accepts it, an editor corrects it,
// reads its history and restores the first version. Headless Chromium
// (Debian's /usr/bin/chromium, or $CHROMIUM) driven by playwright-core, like
// edit.mjs, whose checks it shares (no console or page errors, no dialogs,
// no failed requests or error responses a step does not expect, no requests
// to hosts other than localhost).
//
// Usage: node test/browser/story.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD EDITOR_EMAIL PASSWORD
//   e.g. placemap demo --data DIR
//        echo 'a long enough password' | placemap user add mod@example.org --role moderator --password-stdin --data DIR
//        echo 'a long enough password' | placemap user add ed@example.org --role editor --password-stdin --data DIR
//        placemap serve --addr 127.0.0.1:8095 --data DIR --no-demo &
//        node test/browser/story.mjs http://127.0.0.1:8095 testout/browser-story mod@example.org 'a long enough password' ed@example.org 'a long enough password'
//
// Signed out at the end, it reads the history as a visitor does: the
// staff are named by display name or role, never by e-mail.
//
// Signs in twice (5 sign-ins a minute are allowed from one address), and
// makes one anonymous suggestion (10 an hour): restart the server between
// many runs. Screenshots of each step land in OUTDIR.
import { harness, fail, expect, waitIdle, STEP_TIMEOUT, readyToEdit, fetchAsset, detailsField } from './harness.mjs';
import { createMonitor } from './monitor.mjs';

const [, , , , MOD_EMAIL, MOD_PASSWORD, ED_EMAIL, ED_PASSWORD] = process.argv;
if (!process.argv[2] || !process.argv[3] || !MOD_EMAIL || !MOD_PASSWORD || !ED_EMAIL || !ED_PASSWORD) {
  console.error('usage: node test/browser/story.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD EDITOR_EMAIL PASSWORD');
  process.exit(2);
}

const { BASE, shot, step, run } = harness('story.mjs');
const NAME = `Story Community Centre ${Date.now().toString(36)}`;
const HOURS_1 = 'Mo-Fr 09:00-17:00';
const HOURS_2 = 'Mo-Sa 10:00-16:00';

// ---------------------------------------------------------------- monitoring
//
// The steps run in a browser context of their own, whose checks allow the
// error responses a step expects; the harness's own context stays unused.

const monitor = createMonitor({ step, shot });
const { apiCalls, health, monitoredPage, estep, allow } = monitor;

// ---------------------------------------------------------------- helpers

const getAsset = (id) => fetchAsset(BASE, id);

async function signIn(page, email, password, role) {
  await page.locator('#signin-toggle').click();
  await page.locator('#signin-email').fill(email);
  await page.locator('#signin-password').fill(password);
  await page.locator('#signin-submit').click();
  await page.locator('#account-who:not([hidden]), #signin-error:not(:empty)').first().waitFor();
  if (!(await page.locator('#account-who').isVisible())) {
    fail(`signing in as ${email} failed: ${JSON.stringify(await page.locator('#signin-error').textContent())} (the server allows 5 sign-ins a minute from one address)`);
  }
  const who = (await page.locator('#account-text').textContent()).trim();
  expect(who.includes(email) && who.includes(`(${role})`), `the header should say "Signed in as ${email} (${role})", says ${JSON.stringify(who)}`);
  return who;
}

async function signOut(page) {
  await page.locator('#signout').click();
  await page.locator('#signin-toggle').waitFor({ state: 'visible' });
}

async function openAsset(page, id, name) {
  await page.evaluate((id) => window.placemap.openAsset(id, { fly: true, focus: true }), id);
  await page.locator('#details-body h3', { hasText: name }).waitFor();
  await page.locator('#asset-history').waitFor();
}

async function openHistory(page) {
  await page.locator('#asset-history').click();
  await page.locator('#history-heading').waitFor();
  const revisions = await page.locator('#history-box li.revision').count();
  const text = await page.locator('#history-box').innerText();
  return { revisions, text };
}

// ---------------------------------------------------------------- steps

run(async ({ browser, page: harnessPage }) => {
  await harnessPage.close();
  const page = await monitoredPage(browser);
  let id = '';

  await estep(page, 'visitor-suggests-new-place', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx, got ${resp && resp.status()}`);
    await readyToEdit(page);
    expect(!(await page.locator('#edit-tools').isVisible()), 'a visitor should not see the editing tools');
    expect(!(await page.locator('#moderation').isVisible()), 'a visitor should not see the moderation list');
    await page.evaluate(() => window.placemap.map.jumpTo({ zoom: 16 }));
    await waitIdle(page);
    await page.locator('#suggest-new').click();
    expect(await page.locator('#suggest-new').getAttribute('aria-pressed') === 'true', '"Suggest a missing asset" should be pressed while waiting for a click on the map');
    const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.55);
    await page.locator('#af-name').waitFor({ state: 'visible' });
    expect(await page.locator('.edit-marker').count() === 1, 'a marker should show where the new place goes');
    const hp = page.locator('#sg-website-url');
    expect(await hp.count() === 1 && !(await hp.isVisible() && (await hp.boundingBox()).x >= 0), 'the honeypot field should be there but off-screen');
    expect(await hp.getAttribute('tabindex') === '-1', 'the honeypot should be out of the tab order');
    // The pin placed by postcode: an unknown one is said so, a known one
    // moves the marker there (S10 2HE at -1.4905, 53.3803 in the Go test).
    allow('GET', /^\/api\/postcodes\/ZZ9%209ZZ$/, 404);
    await page.locator('#sg-postcode-place').fill('ZZ9 9ZZ');
    await page.locator('#sg-postcode-go').click();
    await page.waitForFunction(() => /not a postcode this map knows/.test(document.getElementById('sg-postcode-status').textContent), null, { timeout: 10000 });
    await page.locator('#sg-postcode-place').fill('s102he');
    await page.locator('#sg-postcode-place').press('Enter');
    await page.waitForFunction(() => /Pin moved to S10 2HE/.test(document.getElementById('sg-postcode-status').textContent), null, { timeout: 10000 });
    await waitIdle(page);
    const pin = await page.evaluate(() => {
      const m = document.querySelector('.edit-marker');
      const r = m.getBoundingClientRect();
      const c = window.placemap.map.getContainer().getBoundingClientRect();
      return window.placemap.map.unproject([r.left + r.width / 2 - c.left, r.bottom - c.top]);
    });
    expect(Math.abs(pin.lng - -1.4905) < 0.001 && Math.abs(pin.lat - 53.3803) < 0.001, `the pin should be at S10 2HE, is at ${JSON.stringify(pin)}`);
    expect(await page.locator('#suggest-thanks').count() === 0, 'Enter in the postcode field should not send the suggestion');
    await page.locator('#af-name').fill(NAME);
    await page.locator('#af-category').selectOption('community_centre');
    await page.locator('#af-opening_hours').fill(HOURS_1);
    await page.locator('#af-comment').fill('Opened last month, next to the library.');
    await shot(page, 'step-01-suggest-form.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/suggestions'),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 202, `POST /api/suggestions should answer 202, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData());
    expect(sent.kind === 'new' && sent.website_url === '' && sent.feature.properties.name === NAME, `the suggestion should be a new place with an empty honeypot, sent ${JSON.stringify(sent)}`);
    expect(!res.request().headers()['x-csrf-token'], 'a signed-out visitor sends no CSRF token');
    const body = await res.json();
    await page.locator('#suggest-thanks').waitFor();
    const thanks = (await page.locator('#suggest-thanks').textContent()).trim();
    expect(/thank you/i.test(thanks) && thanks.toLowerCase().includes(String(body.message).toLowerCase().replace(/^thank you/, '')),
      `the server's thank-you message should be shown, shows ${JSON.stringify(thanks)} (server: ${JSON.stringify(body.message)})`);
    expect(await page.locator('.edit-marker').count() === 0, 'the marker should be gone once sent');
    await shot(page, 'step-02-suggest-thanks.png');
    return { thanks, suggestion: body.id };
  });

  await estep(page, 'placed-by-postcode', async () => {
    // The Go test imported "Story Hall" with a postcode and no coordinates.
    await page.locator('#search-input').fill('Story Hall');
    await page.locator('#search-input').press('Enter');
    await page.waitForFunction(() => /Story Hall/.test((document.querySelector('#details-body h3') || {}).textContent || ''), null, { timeout: 10000 });
    const where = await detailsField(page, 'Location');
    expect(/Approximate: placed at the middle of its postcode \(S10 2HE\)/.test(where || ''), `an asset placed by postcode should say so, says ${JSON.stringify(where)}`);
    return { where };
  });

  await estep(page, 'moderator-signs-in', async () => {
    const who = await signIn(page, MOD_EMAIL, MOD_PASSWORD, 'moderator');
    await page.locator('#moderation').waitFor({ state: 'visible' });
    const item = page.locator('#moderation-list li.suggestion', { hasText: NAME });
    await item.waitFor();
    const text = await item.innerText();
    expect(text.includes('New place') && text.includes('anonymous') && text.includes('Opened last month'), `the suggestion should show its kind, author and comment, shows ${JSON.stringify(text)}`);
    expect(text.includes('Opening hours') && text.includes(HOURS_1), `the suggestion should show the proposed opening hours, shows ${JSON.stringify(text)}`);
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'step-03-moderation-list.png');
    return { who };
  });

  await estep(page, 'moderator-rejects-without-reason', async () => {
    const item = page.locator('#moderation-list li.suggestion', { hasText: NAME });
    await item.locator('.reject-btn').click();
    await item.locator('.field-error', { hasText: 'Say why' }).waitFor();
    expect(!apiCalls.some((c) => /\/reject /.test(c)), 'rejecting without a reason should not reach the server');
    return {};
  });

  await estep(page, 'moderator-accepts', async () => {
    const item = page.locator('#moderation-list li.suggestion', { hasText: NAME });
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /^\/api\/suggestions\/[^/]+\/accept$/.test(new URL(r.url()).pathname)),
      item.locator('.accept-btn').click(),
    ]);
    expect(res.status() === 200, `accepting should answer 200, got ${res.status()}`);
    expect(!!res.request().headers()['x-csrf-token'], 'accepting should send X-CSRF-Token');
    const decided = await res.json();
    id = String(decided.proposed && decided.proposed.properties && decided.proposed.properties.id || '');
    expect(id, `the accepted suggestion should name the new asset: ${JSON.stringify(decided).slice(0, 300)}`);
    await page.locator('#moderation-notice', { hasText: 'Accepted' }).waitFor();
    expect(await page.locator('#moderation-list li.suggestion', { hasText: NAME }).count() === 0, 'the accepted suggestion should leave the list');
    const srv = await getAsset(id);
    expect(srv.status === 200 && srv.body.properties.name === NAME && srv.body.properties.opening_hours === HOURS_1, `the new asset should exist, GET answered ${srv.status}`);
    await page.locator('#moderation-show').click();
    await page.locator('#details-body h3', { hasText: NAME }).waitFor();
    await waitIdle(page);
    await page.waitForFunction((id) => {
      const map = window.placemap.map;
      return map.queryRenderedFeatures({ layers: ['assets'] }).some((f) => String(f.properties.id) === id);
    }, id, { timeout: STEP_TIMEOUT, polling: 250 });
    await shot(page, 'step-04-accepted-on-map.png');
    return { id };
  });

  await estep(page, 'editor-signs-in', async () => {
    await signOut(page);
    expect(!(await page.locator('#moderation').isVisible()), 'after signing out, the moderation list should be hidden');
    const who = await signIn(page, ED_EMAIL, ED_PASSWORD, 'editor');
    expect(!(await page.locator('#moderation').isVisible()), 'an editor should not see the moderation list');
    await page.locator('#needs-review-toggle').click();
    await page.locator('#needs-review-count:not(:empty)').waitFor();
    await shot(page, 'step-05-editor-needs-review.png');
    return { who };
  });

  await estep(page, 'editor-corrects-hours', async () => {
    await openAsset(page, id, NAME);
    expect(await page.locator('#asset-reviewed').isVisible(), 'an editor should see "Mark reviewed"');
    expect(await page.locator('#asset-suggest').count() === 0, 'an editor edits directly: no "Suggest a correction"');
    await page.locator('#asset-edit').click();
    await page.locator('#af-opening_hours').waitFor({ state: 'visible' });
    await page.locator('#af-opening_hours').fill(HOURS_2);
    await page.locator('#af-comment').fill('open on Saturdays too');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/assets/${id}`),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 200, `PUT should answer 200, got ${res.status()}`);
    await page.locator('#edit-notice').waitFor();
    const hours = await detailsField(page, 'Opening hours');
    expect(hours === HOURS_2, `the details should show the new hours, show ${JSON.stringify(hours)}`);
    await shot(page, 'step-06-corrected.png');
    return { hours };
  });

  await estep(page, 'history', async () => {
    const { revisions, text } = await openHistory(page);
    expect(revisions === 2, `History should list 2 revisions, lists ${revisions}: ${JSON.stringify(text)}`);
    expect(text.includes('Opening hours') && text.includes(HOURS_1) && text.includes(HOURS_2), `History should show the hours change, shows ${JSON.stringify(text)}`);
    expect(text.includes('open on Saturdays too') && text.includes('an editor') && text.includes('a moderator'), `History should show who changed it (by role) and why, shows ${JSON.stringify(text)}`);
    expect(!text.includes('@'), `History should show no e-mail address to an editor, shows ${JSON.stringify(text)}`);
    expect(await page.locator('#history-box .restore-btn').count() === 1, 'only the older revision should offer "Restore this version"');
    await page.locator('#history-box').scrollIntoViewIfNeeded();
    await shot(page, 'step-07-history.png');
    return { revisions };
  });

  await estep(page, 'restore-first-revision', async () => {
    const version = (await getAsset(id)).body.properties.version;
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/assets/${id}/restore`),
      page.locator('#history-box li.revision').last().locator('.restore-btn').click(),
    ]);
    expect(res.status() === 200, `restore should answer 200, got ${res.status()}`);
    expect(res.request().headers()['if-match'] === `"${version}"`, `restore should send If-Match "${version}", sent ${res.request().headers()['if-match']}`);
    await page.locator('#edit-notice', { hasText: 'Restored' }).waitFor();
    const hours = await detailsField(page, 'Opening hours');
    expect(hours === HOURS_1, `the hours should be back to ${HOURS_1}, show ${JSON.stringify(hours)}`);
    const { revisions, text } = await openHistory(page);
    expect(revisions === 3, `History should list 3 revisions after the restore, lists ${revisions}: ${JSON.stringify(text)}`);
    const srv = await getAsset(id);
    expect(srv.body.properties.opening_hours === HOURS_1, 'the server should have the first hours back');
    await page.locator('#history-box').scrollIntoViewIfNeeded();
    await shot(page, 'step-08-restored.png');
    return { revisions, hours };
  });

  await estep(page, 'public-history-shows-no-email', async () => {
    await signOut(page);
    await openAsset(page, id, NAME);
    const { revisions, text } = await openHistory(page);
    expect(revisions === 3, `a visitor's History should list 3 revisions, lists ${revisions}: ${JSON.stringify(text)}`);
    expect(!text.includes('@') && !text.includes(ED_EMAIL) && !text.includes(MOD_EMAIL), `a visitor's History should show no e-mail address, shows ${JSON.stringify(text)}`);
    expect(text.includes('an editor') && text.includes('a moderator'), `a visitor's History should name the staff by role, shows ${JSON.stringify(text)}`);
    const page2 = await page.evaluate(() => document.body.innerText);
    expect(!page2.includes(ED_EMAIL) && !page2.includes(MOD_EMAIL), 'no staff e-mail anywhere on the public page');
    await page.locator('#history-box').scrollIntoViewIfNeeded();
    await shot(page, 'step-09-public-history.png');
    return { revisions };
  });

  await page.context().close();
  health();
});
