#!/usr/bin/env node
// Browser test of signing in and editing assets on the placemap web map, in
// headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) driven by
// playwright-core, like map.mjs.
//
// Usage: node test/browser/edit.mjs BASE_URL OUTDIR EMAIL PASSWORD
//   e.g. placemap demo --data DIR
//        echo 'a long enough password' | placemap user add editor@example.org --role editor --password-stdin --data DIR
//        placemap serve --addr 127.0.0.1:8096 --data DIR --no-demo &
//        node test/browser/edit.mjs http://127.0.0.1:8096 testout/browser-edit editor@example.org 'a long enough password'
//
// EMAIL must be an editor (or above). The test signs in twice (a wrong
// password, then the right one), which counts against the server's limit of
// 5 sign-ins a minute from one address.
//
// Steps, each with a screenshot in OUTDIR: signed out (no edit controls, no
// GET api/me; a stale "signed in" flag gets the expected 401 and is
// cleared), a wrong password (message shown), sign in, add an asset whose
// name is HTML (<img src=x onerror=alert(1)>) by clicking the map (client and
// server validation shown inline; the name is shown as text), edit its
// opening hours, move it by dragging its marker, a conflict with another
// editor (409 shown with the current version, changes reapplied and saved),
// delete it, sign out.
//
// On success one JSON summary line is printed and the exit code is 0; on
// failure the failing step and what was expected are printed and the exit
// code is 1. The test fails on any console error, page error, dialog (alert,
// confirm), failed request or request to a host other than localhost, except
// the error responses a step says it expects (such as the 401 of a wrong
// password or the 409 of a conflict).
import { harness, fail, expect, waitIdle, STEP_TIMEOUT, readyToEdit, fetchAsset, detailsField } from './harness.mjs';
import { createMonitor } from './monitor.mjs';

const [, , , , EMAIL, PASSWORD] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD) {
  console.error('usage: node test/browser/edit.mjs BASE_URL OUTDIR EMAIL PASSWORD');
  process.exit(2);
}

const { BASE, shot, step, run } = harness('edit.mjs');
const NAME = '<img src=x onerror=alert(1)>';

// ---------------------------------------------------------------- monitoring
//
// The steps run in a browser context of their own, whose checks allow the
// error responses a step expects; the harness's own context stays unused.

const monitor = createMonitor({ step, shot });
const { dialogs, apiCalls, allow, health, monitoredPage, estep } = monitor;

// ---------------------------------------------------------------- helpers

const getAsset = (id) => fetchAsset(BASE, id);

// Waits until the asset tiles have (or no longer have) the asset id drawn
// near lngLat: the tiles must have been reloaded after the write.
async function waitAssetRendered(page, id, lngLat, present = true) {
  try {
    await page.waitForFunction(({ id, lngLat, present }) => {
      const map = window.placemap.map;
      if (!map.loaded() || !map.areTilesLoaded()) return false;
      const feats = map.queryRenderedFeatures({ layers: ['assets'] }).filter((f) => String(f.properties.id) === id);
      if (!present) return feats.length === 0;
      if (!feats.length) return false;
      const p = map.project(lngLat);
      const q = map.project(feats[0].geometry.coordinates);
      return Math.hypot(p.x - q.x, p.y - q.y) < 3;
    }, { id, lngLat, present }, { timeout: STEP_TIMEOUT, polling: 200 });
  } catch {
    fail(present
      ? `asset ${id} should be drawn at ${JSON.stringify(lngLat)} once the asset tiles are reloaded after the write`
      : `asset ${id} should no longer be drawn once the asset tiles are reloaded after deleting it`);
  }
}

async function noEditControls(page, why) {
  const tools = await page.locator('#edit-tools').isVisible();
  expect(!tools, `${why}: the "Add asset" tools should be hidden`);
  const actions = await page.locator('#details-body .edit-actions, #asset-edit, #asset-move, #asset-delete').count();
  expect(actions === 0, `${why}: the asset details should have no Edit/Move/Delete buttons, found ${actions}`);
}

async function openSomeAsset(page) {
  const features = await page.evaluate(() => window.placemap.search('Library'));
  expect(Array.isArray(features) && features.length > 0, 'searching "Library" should find an asset to open');
  await page.locator('#search-results [role="option"][data-kind="asset"]').first().click();
  await page.locator('#details-body .lies-in-list, #details-body h4 + p.muted').first().waitFor();
  return (await page.locator('#details-body h3').textContent()).trim();
}

// ---------------------------------------------------------------- steps

run(async ({ browser, page: harnessPage }) => {
  // The harness's page is not used: close it so that only this test's
  // screenshots (and failure.png) end up in OUTDIR.
  await harnessPage.close();
  const page = await monitoredPage(browser);
  let id = '';
  let placed = null; // lngLat of the new asset

  await estep(page, 'signed-out', async () => {
    const resp = await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    expect(resp && resp.ok(), `GET ${BASE} should answer 2xx, got ${resp && resp.status()}`);
    await readyToEdit(page);
    expect(await page.locator('#signin-toggle').isVisible(), 'a "Sign in" button should be shown to signed-out visitors');
    expect(!apiCalls.some((c) => c.startsWith('GET /api/me')), `a browser that never signed in should not ask GET /api/me; calls: ${apiCalls.join(', ')}`);
    const opened = await openSomeAsset(page);
    await noEditControls(page, 'signed out');
    await shot(page, 'step-01-signed-out.png');

    // A browser that signed in before asks the server, which answers 401
    // once the session is gone: expected, and the flag is dropped.
    const me = allow('GET', /^\/api\/me$/, 401);
    await page.evaluate(() => localStorage.setItem('placemap.signedIn', '1'));
    await page.reload({ waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    expect(me.seen === 1, `with a stale "signed in" flag, GET /api/me should be asked once and answer 401 (seen ${me.seen})`);
    expect(await page.evaluate(() => localStorage.getItem('placemap.signedIn')) === null, 'after the 401 the "signed in" flag should be cleared');
    expect(await page.locator('#signin-toggle').isVisible(), 'after the 401 the "Sign in" button should be shown');
    await openSomeAsset(page);
    await noEditControls(page, 'signed out after a 401 from GET /api/me');
    return { opened };
  });

  await estep(page, 'sign-in-wrong-password', async () => {
    await page.locator('#signin-toggle').click();
    expect(await page.locator('#signin-toggle').getAttribute('aria-expanded') === 'true', '"Sign in" should expand the form (aria-expanded)');
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'signin-email', 'opening the sign-in form should focus the email field');
    expect(await page.getByLabel('Email', { exact: true }).count() === 1 && await page.getByLabel('Password', { exact: true }).count() === 1,
      'the sign-in fields should be labelled "Email" and "Password"');
    const wrong = allow('POST', /^\/api\/login$/, 401);
    await page.locator('#signin-email').fill(EMAIL);
    await page.locator('#signin-password').fill(PASSWORD + ' but wrong');
    await page.locator('#signin-password').press('Enter');
    await page.locator('#signin-error', { hasText: 'Wrong email or password' }).waitFor();
    expect(wrong.seen === 1, `a wrong password should be answered 401 (seen ${wrong.seen})`);
    expect(await page.locator('#signin-error').getAttribute('role') === 'alert', 'the sign-in error should be announced (role="alert")');
    expect(await page.locator('#signin-password').getAttribute('aria-invalid') === 'true', 'the password field should be marked aria-invalid');
    await shot(page, 'step-02-wrong-password.png');
    return {};
  });

  await estep(page, 'sign-in', async () => {
    await page.locator('#signin-password').fill(PASSWORD);
    await page.locator('#signin-submit').click();
    await page.locator('#account-who:not([hidden]), #signin-error:not(:empty)').first().waitFor();
    if (!(await page.locator('#account-who').isVisible())) {
      fail(`signing in as ${EMAIL} failed: ${JSON.stringify(await page.locator('#signin-error').textContent())} (is EMAIL an editor with PASSWORD? The server allows 5 sign-ins a minute from one address.)`);
    }
    const who = (await page.locator('#account-text').textContent()).trim();
    expect(/^Signed in as \S+@\S+ \((editor|moderator|admin)\)$/.test(who) && who.includes(EMAIL),
      `the header should say "Signed in as ${EMAIL} (editor)", says ${JSON.stringify(who)}`);
    expect(!(await page.locator('#signin-form').isVisible()), 'the sign-in form should close once signed in');
    expect(await page.locator('#add-asset').isVisible(), 'an editor should see "Add asset"');
    const leaks = await page.evaluate(() => ({ cookie: document.cookie, storage: JSON.stringify({ ...localStorage }) }));
    expect(!/placemap_session/.test(leaks.cookie), 'the session cookie should be HttpOnly (not in document.cookie)');
    expect(!/csrf/i.test(leaks.storage), `the CSRF token should be kept in memory only, localStorage has ${leaks.storage}`);
    await shot(page, 'step-03-signed-in.png');
    return { who };
  });

  await estep(page, 'add-asset', async () => {
    // Zoom right in so the new point stands alone.
    await page.evaluate(() => window.placemap.map.jumpTo({ zoom: 16 }));
    await waitIdle(page);
    await page.locator('#add-asset').click();
    expect(await page.locator('#add-asset').getAttribute('aria-pressed') === 'true', '"Add asset" should be pressed while waiting for a click on the map');
    await page.locator('#add-asset-hint').waitFor({ state: 'visible' });
    const box = await page.locator('#map canvas.maplibregl-canvas').boundingBox();
    const at = { x: box.width * 0.5, y: box.height * 0.55 };
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.locator('#af-name').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'af-name', 'the new-asset form should focus the Name field');
    expect((await page.locator('#details-heading').textContent()).trim() === 'New asset', 'the details pane should be headed "New asset"');
    placed = await page.evaluate(({ x, y }) => window.placemap.map.unproject([x, y]).toArray(), at);
    expect(await page.locator('.edit-marker').count() === 1, 'a marker should show where the new asset goes');
    for (const label of ['Name', 'Category', 'Status', 'Address', 'Postcode', 'Opening hours', 'Website', 'Phone', 'Email', 'Operator', 'Comment for the history']) {
      const n = await page.locator('#details-body').getByLabel(label, { exact: false }).count();
      expect(n >= 1, `the asset form should have a field labelled "${label}"`);
    }

    // Client-side checks: nothing filled in.
    await page.locator('#af-submit').click();
    await page.locator('#af-name-error', { hasText: 'Enter a name' }).waitFor();
    expect((await page.locator('#af-category-error').textContent()).includes('Choose a category'), 'an empty category should be reported at the field');
    expect(await page.locator('#af-name').getAttribute('aria-invalid') === 'true', 'the empty name should be marked aria-invalid');
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'af-name', 'the first field with a problem should get the focus');
    await page.locator('#af-website').fill('example.org');
    await page.locator('#af-submit').click();
    await page.locator('#af-website-error', { hasText: 'https://' }).waitFor();
    await shot(page, 'step-04-add-form-errors.png');

    // A message from the server is shown with the form: a category the
    // server does not know (added to the list behind the form's back).
    await page.locator('#af-website').fill('');
    await page.locator('#af-name').fill(NAME);
    await page.evaluate(() => {
      const s = document.getElementById('af-category');
      s.append(new Option('Not a category', 'not_a_category'));
      s.value = 'not_a_category';
    });
    const bad = allow('POST', /^\/api\/assets$/, 400);
    await page.locator('#af-submit').click();
    await page.locator('#af-category-error', { hasText: 'not a category' }).waitFor();
    expect(bad.seen === 1, `the server should answer 400 for an unknown category (seen ${bad.seen})`);
    expect(await page.locator('#af-category').getAttribute('aria-invalid') === 'true', 'the server\'s message naming "category" should mark that field');
    expect((await page.locator('#af-server-error').textContent()).startsWith('Not saved'), 'the form should say it was not saved');
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'af-category', 'the field the server refused should get the focus');
    await shot(page, 'step-05-add-server-error.png');

    await page.locator('#af-category').selectOption('community_centre');
    expect(await page.locator('#af-status').inputValue() === 'open', 'a new asset should start as "open"');
    await page.locator('#af-opening_hours').fill('Mo-Fr 09:00-17:00');
    await page.locator('#af-comment').fill('browser test: added');
    await shot(page, 'step-06-add-form-filled.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/assets'),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 201, `POST /api/assets should answer 201, got ${res.status()}`);
    const created = await res.json();
    id = String(created.id || created.properties.id);
    await page.locator('#details-heading', { hasText: 'Asset' }).waitFor();
    await page.locator('#details-body h3').waitFor();
    await page.locator('#details-body .lies-in-list, #details-body h4 + p.muted').first().waitFor();
    const shown = await page.locator('#details-body h3').evaluate((h) => h.textContent);
    expect(shown === NAME, `the details should show the name as text ${JSON.stringify(NAME)}, show ${JSON.stringify(shown)}`);
    const imgs = await page.evaluate(() => document.querySelectorAll('img[src="x"]').length);
    expect(imgs === 0, `the name must not become an element: found ${imgs} img[src="x"]`);
    expect(dialogs.length === 0, `no dialog may open, got ${dialogs.join(' | ')}`);
    expect(await page.locator('.edit-marker').count() === 0, 'the new-asset marker should be gone once saved');
    const notice = await page.locator('#edit-notice').textContent();
    expect(notice.includes(NAME), `a notice should confirm the new asset, shows ${JSON.stringify(notice)}`);
    await waitAssetRendered(page, id, placed, true);
    const srv = await getAsset(id);
    expect(srv.status === 200 && srv.etag === '"1"', `GET the new asset should answer 200 with ETag "1", got ${srv.status} ${srv.etag}`);
    expect(srv.body.properties.category === 'community_centre' && srv.body.properties.name === NAME, 'the new asset should be saved with its name and category');
    await shot(page, 'step-07-added.png');
    return { id, at: placed };
  });

  await estep(page, 'edit-opening-hours', async () => {
    await page.locator('#asset-edit').click();
    await page.locator('#af-name').waitFor({ state: 'visible' });
    expect(await page.locator('#af-name').inputValue() === NAME, 'the edit form should be filled in with the name');
    expect(await page.locator('#af-category').inputValue() === 'community_centre', 'the edit form should be filled in with the category');
    await page.locator('#af-opening_hours').fill('Mo-Sa 10:00-16:00');
    await page.locator('#af-comment').fill('browser test: new hours');
    await shot(page, 'step-08-edit-form.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/assets/${id}`),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 200, `PUT should answer 200, got ${res.status()}`);
    expect(res.request().headers()['if-match'] === '"1"', `PUT should send If-Match "1", sent ${res.request().headers()['if-match']}`);
    await page.locator('#details-heading', { hasText: 'Asset' }).waitFor();
    await page.locator('#edit-notice').waitFor();
    const hours = await detailsField(page, 'Opening hours');
    expect(hours === 'Mo-Sa 10:00-16:00', `the details should show the new opening hours, show ${JSON.stringify(hours)}`);
    const srv = await getAsset(id);
    expect(srv.body.properties.version === 2 && srv.body.properties.opening_hours === 'Mo-Sa 10:00-16:00', 'the server should have version 2 with the new hours');
    await shot(page, 'step-09-edited.png');
    return { hours };
  });

  await estep(page, 'move', async () => {
    const before = (await getAsset(id)).body.geometry.coordinates;
    await page.locator('#asset-move').click();
    const marker = page.locator('.edit-marker');
    await marker.waitFor({ state: 'visible' });
    await waitIdle(page); // the map eases to the asset
    expect(await page.locator('#move-save').isDisabled(), '"Save new location" should wait until the marker has moved');
    // Keyboard: the focused marker moves with the arrow keys.
    const loc0 = await page.locator('.location-coords').textContent();
    await marker.focus();
    await page.keyboard.press('ArrowRight');
    const loc1 = await page.locator('.location-coords').textContent();
    expect(loc1 !== loc0, `the arrow keys should move the focused marker (location stayed ${loc0})`);
    // Drag it.
    const b = await marker.boundingBox();
    const from = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + 12 * i, from.y + 6 * i);
    await page.mouse.up();
    const loc2 = await page.locator('.location-coords').textContent();
    expect(loc2 !== loc1, `dragging the marker should change the location shown (stayed ${loc1})`);
    expect(!(await page.locator('#move-save').isDisabled()), '"Save new location" should be enabled once moved');
    await shot(page, 'step-10-move-dragged.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/assets/${id}`),
      page.locator('#move-save').click(),
    ]);
    expect(res.status() === 200, `PUT with the new location should answer 200, got ${res.status()}`);
    await page.locator('#details-heading', { hasText: 'Asset' }).waitFor();
    const after = (await getAsset(id)).body;
    const moved = after.geometry.coordinates;
    expect(moved[0] > before[0] + 1e-5 && moved[1] < before[1] - 1e-5,
      `GET /api/assets/${id} should have moved east and south, from ${JSON.stringify(before)} to ${JSON.stringify(moved)}`);
    expect(after.properties.opening_hours === 'Mo-Sa 10:00-16:00' && after.properties.name === NAME, 'moving should keep the other fields');
    await waitAssetRendered(page, id, moved, true);
    await shot(page, 'step-11-moved.png');
    return { from: before, to: moved };
  });

  await estep(page, 'conflict', async () => {
    await page.locator('#details-heading', { hasText: 'Asset' }).waitFor();
    await page.locator('#asset-edit').click();
    await page.locator('#af-name').waitFor({ state: 'visible' });
    const stale = (await getAsset(id)).etag;
    // Another editor saves first (same account, from inside the page).
    const other = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/me')).json();
      const g = await fetch(`/api/assets/${id}`);
      const etag = g.headers.get('ETag');
      const f = await g.json();
      const props = { ...f.properties, phone: '0114 000 0000', operator: 'Another editor' };
      for (const k of ['id', 'version', 'updated_at', 'category_title', 'lies_in', 'source']) delete props[k];
      const r = await fetch(`/api/assets/${id}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/geo+json', 'If-Match': etag, 'X-CSRF-Token': me.csrf_token, 'X-Placemap-Comment': 'the other editor' },
        body: JSON.stringify({ type: 'Feature', geometry: f.geometry, properties: props }),
      });
      return { status: r.status, etag: r.headers.get('ETag') };
    }, id);
    expect(other.status === 200, `the other editor's PUT should answer 200, got ${other.status}`);
    // This editor saves from the stale form.
    const conflict = allow('PUT', new RegExp(`^/api/assets/${id}$`), 409);
    await page.locator('#af-opening_hours').fill('Mo 09:00-12:00');
    await page.locator('#af-submit').click();
    await page.locator('.conflict h4', { hasText: 'Someone else changed this: here is the current version' }).waitFor();
    expect(conflict.seen === 1, `saving from the stale form (If-Match ${stale}) should answer 409 (seen ${conflict.seen})`);
    const box = await page.locator('.conflict').innerText();
    expect(box.includes('0114 000 0000') && box.includes('Another editor'), `the conflict should show the current values, shows ${JSON.stringify(box)}`);
    expect(await page.locator('.conflict').getAttribute('role') === 'alert', 'the conflict should be announced (role="alert")');
    await shot(page, 'step-12-conflict.png');

    // Reapply: this user's change on top of the other editor's version.
    await page.locator('#conflict-reapply').click();
    await page.locator('#conflict-reapplied').waitFor();
    expect(await page.locator('#af-phone').inputValue() === '0114 000 0000', 'reapplying should take the other editor\'s phone');
    expect(await page.locator('#af-opening_hours').inputValue() === 'Mo 09:00-12:00', 'reapplying should keep this user\'s opening hours');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/assets/${id}`),
      page.locator('#af-submit').click(),
    ]);
    expect(res.status() === 200, `saving the reapplied changes should answer 200, got ${res.status()}`);
    expect(res.request().headers()['if-match'] === other.etag, `the reapplied save should send If-Match ${other.etag}, sent ${res.request().headers()['if-match']}`);
    await page.locator('#edit-notice').waitFor();
    const hours = await detailsField(page, 'Opening hours');
    const phone = await detailsField(page, 'Phone');
    expect(hours === 'Mo 09:00-12:00' && phone === '0114 000 0000', `the details should show both changes, show hours ${hours}, phone ${phone}`);
    await shot(page, 'step-13-conflict-resolved.png');
    return { staleETag: stale, otherETag: other.etag };
  });

  await estep(page, 'delete', async () => {
    const where = (await getAsset(id)).body.geometry.coordinates;
    await page.locator('#asset-delete').click();
    await page.locator('#delete-confirm').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'delete-confirm', 'the delete confirmation should focus its button');
    await page.locator('#delete-comment').fill('browser test: done');
    await shot(page, 'step-14-delete-confirm.png');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname === `/api/assets/${id}`),
      page.locator('#delete-confirm').click(),
    ]);
    expect(res.status() === 204, `DELETE should answer 204, got ${res.status()}`);
    await page.locator('#details').waitFor({ state: 'hidden' });
    const notice = await page.locator('#edit-tools-notice').textContent();
    expect(notice.includes('Deleted') && notice.includes(NAME), `a notice should confirm the deletion, says ${JSON.stringify(notice)}`);
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'edit-tools-notice', 'after deleting, the focus should move to the notice');
    const gone = await getAsset(id);
    expect(gone.status === 404, `GET /api/assets/${id} should answer 404 after the delete, got ${gone.status}`);
    await waitAssetRendered(page, id, where, false);
    await shot(page, 'step-15-deleted.png');
    return {};
  });

  await estep(page, 'sign-out', async () => {
    await page.locator('#signout').click();
    await page.locator('#signin-toggle').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => localStorage.getItem('placemap.signedIn')) === null, 'signing out should clear the "signed in" flag');
    await openSomeAsset(page);
    await noEditControls(page, 'after signing out');
    const calls = apiCalls.length;
    await page.reload({ waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    expect(!apiCalls.slice(calls).some((c) => c.startsWith('GET /api/me')), 'after signing out, a reload should not ask GET /api/me');
    await noEditControls(page, 'signed out, reloaded');
    await shot(page, 'step-16-signed-out-again.png');
    return { requests: monitor.requests, apiCalls: apiCalls.length };
  });

  await page.context().close();
  health();
});
