#!/usr/bin/env node
// Browser test of the moderation queue (issue 15, items 8 and 16): a
// correction whose asset changed since it was sent shows the three versions
// field by field and is accepted merged onto the current version; a new
// place near a likely duplicate is answered with it, added as new on
// request, and another merged into it. Headless Chromium driven by
// playwright-core, with monitor.mjs's checks (no console or page errors, no
// unexpected error responses, nothing from other hosts).
//
// Usage: node test/browser/moderation.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD ASSET_ID ASSET_NAME
//   (TestModerationInChromium in cmd/placemap sets up the demo: a correction
//   of the library ASSET_ID made stale by an editor's phone number, and two
//   new libraries of its name 20 m east of it.)
import { harness, fail, expect, readyToEdit, fetchAsset } from './harness.mjs';
import { createMonitor } from './monitor.mjs';

const [, , , , EMAIL, PASSWORD, LIB_ID, LIB_NAME] = process.argv;
if (!process.argv[2] || !process.argv[3] || !EMAIL || !PASSWORD || !LIB_ID || !LIB_NAME) {
  console.error('usage: node test/browser/moderation.mjs BASE_URL OUTDIR MODERATOR_EMAIL PASSWORD ASSET_ID ASSET_NAME');
  process.exit(2);
}

const { BASE, shot, step, run } = harness('moderation.mjs');
const monitor = createMonitor({ step, shot });
const { allow, monitoredPage, estep } = monitor;
const NEW_HOURS = 'Mo-Sa 09:00-18:00';
const PHONE = '0114 273 4727';
const acceptPath = /^\/api\/suggestions\/[^/]+\/accept$/;

async function signIn(page) {
  await page.locator('#signin-toggle').click();
  await page.locator('#signin-email').fill(EMAIL);
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('#signin-submit').click();
  await page.locator('#account-who:not([hidden]), #signin-error:not(:empty)').first().waitFor();
  if (!(await page.locator('#account-who').isVisible())) fail(`signing in as ${EMAIL} failed`);
}

function accepted(page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && acceptPath.test(new URL(r.url()).pathname));
}

run(async ({ browser, page: harnessPage }) => {
  await harnessPage.close();
  const page = await monitoredPage(browser);
  const before = await fetchAsset(BASE, LIB_ID);
  expect(before.status === 200 && before.body.properties.phone === PHONE, `the library should carry the editor's phone, GET answered ${before.status}`);
  const oldHours = String(before.body.properties.opening_hours || '');
  const version = Number(before.body.properties.version);

  await estep(page, 'queue-shows-three-way', async () => {
    await page.goto(BASE, { waitUntil: 'domcontentloaded' });
    await readyToEdit(page);
    await signIn(page);
    await page.locator('#moderation').waitFor({ state: 'visible' });
    const item = page.locator('#moderation-list li.suggestion.stale[data-kind="correction"]');
    await item.waitFor();
    const table = item.locator('table.three-way');
    await table.waitFor();
    const heads = await table.locator('thead th').allInnerTexts();
    expect(heads.join('|') === 'Field|When sent|Now|Suggested|Take', `the table should head Field, When sent, Now, Suggested, Take; heads ${JSON.stringify(heads)}`);
    const hours = table.locator('tr[data-field="opening_hours"]');
    const cell = async (row, cls) => (await row.locator(cls).innerText()).trim();
    expect(await cell(hours, '.tw-suggested') === NEW_HOURS, `the suggested hours should read ${NEW_HOURS}`);
    expect(await cell(hours, '.tw-current') === (oldHours || '(empty)'), `the hours now should read ${oldHours}, read ${await cell(hours, '.tw-current')}`);
    expect(await hours.locator('input.take-field').isChecked(), 'the suggested hours should be ticked to take');
    const phone = table.locator('tr[data-field="phone"]');
    expect(await cell(phone, '.tw-current') === PHONE && await cell(phone, '.tw-base') === '(empty)', 'the phone row should show the editor\'s later number now and none when sent');
    expect(await phone.locator('input.take-field').count() === 0, 'a field only changed since should offer nothing to take');
    const label = (await item.locator('.accept-btn').innerText()).trim();
    expect(label === `Accept onto version ${version}`, `the accept button should name the current version, says ${JSON.stringify(label)}`);
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'step-01-three-way.png');
    return { heads, label };
  });

  await estep(page, 'accept-merged', async () => {
    const item = page.locator('#moderation-list li.suggestion.stale[data-kind="correction"]');
    const [res] = await Promise.all([accepted(page), item.locator('.accept-btn').click()]);
    expect(res.status() === 200, `accepting merged should answer 200, got ${res.status()}`);
    const sent = JSON.parse(res.request().postData() || '{}');
    expect(res.request().headers()['if-match'] === `"${version}"`, `the accept should send If-Match "${version}", sent ${res.request().headers()['if-match']}`);
    expect(JSON.stringify(sent.take) === '["opening_hours"]', `the accept should take the hours, sent ${JSON.stringify(sent)}`);
    await page.locator('#moderation-notice', { hasText: 'Accepted' }).waitFor();
    const after = await fetchAsset(BASE, LIB_ID);
    expect(after.body.properties.opening_hours === NEW_HOURS && after.body.properties.phone === PHONE,
      `the library should have the suggested hours and keep the editor's phone: ${JSON.stringify(after.body.properties)}`);
    return { version: after.body.properties.version };
  });

  await estep(page, 'duplicate-warned', async () => {
    allow('POST', acceptPath, 409);
    const item = page.locator('#moderation-list li.suggestion[data-kind="new"]').first();
    const [res] = await Promise.all([accepted(page), item.locator('.accept-btn').click()]);
    expect(res.status() === 409, `accepting a likely duplicate should answer 409, got ${res.status()}`);
    const box = item.locator('.duplicates');
    await box.waitFor();
    const row = box.locator(`li.duplicate[data-id="${LIB_ID}"]`);
    const text = await row.innerText();
    const m = /(\d+) m away/.exec(text);
    expect(text.includes(LIB_NAME) && m && Number(m[1]) >= 15 && Number(m[1]) <= 25, `the warning should name ${LIB_NAME} about 20 m away, says ${JSON.stringify(text)}`);
    expect(await box.locator('.confirm-new-btn').isVisible() && await row.locator('.merge-btn').isVisible(), 'the warning should offer "Merge into this" and "Add as new anyway"');
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'step-02-duplicate-warning.png');
    const [ok] = await Promise.all([accepted(page), box.locator('.confirm-new-btn').click()]);
    expect(ok.status() === 200 && JSON.parse(ok.request().postData()).confirm_new === true, `"Add as new anyway" should accept with confirm_new, got ${ok.status()}`);
    await page.locator('#moderation-notice', { hasText: 'Accepted' }).waitFor();
    return { warning: text };
  });

  await estep(page, 'duplicate-merged', async () => {
    allow('POST', acceptPath, 409);
    const item = page.locator('#moderation-list li.suggestion[data-kind="new"]').first();
    const [res] = await Promise.all([accepted(page), item.locator('.accept-btn').click()]);
    expect(res.status() === 409, `the second likely duplicate should answer 409, got ${res.status()}`);
    const merge = item.locator(`.duplicates li.duplicate[data-id="${LIB_ID}"] .merge-btn`);
    await merge.waitFor();
    const v = Number((await fetchAsset(BASE, LIB_ID)).body.properties.version);
    const [ok] = await Promise.all([accepted(page), merge.click()]);
    expect(ok.status() === 200, `merging should answer 200, got ${ok.status()}`);
    expect(JSON.parse(ok.request().postData()).merge_into === LIB_ID && ok.request().headers()['if-match'] === `"${v}"`,
      `the merge should name the library and its version ${v}: ${ok.request().postData()} ${ok.request().headers()['if-match']}`);
    await page.locator('#moderation-notice', { hasText: 'Accepted' }).waitFor();
    const after = await fetchAsset(BASE, LIB_ID);
    expect(after.body.properties.website === 'https://example.org/dup-2' || after.body.properties.website === before.body.properties.website,
      `the merge should fill the library's gaps only: ${JSON.stringify(after.body.properties)}`);
    expect(Number(after.body.properties.version) === v + 1, `the merge should make one revision of the library, version ${after.body.properties.version}`);
    // The notice may still say the previous step's "Accepted": wait for the
    // queue itself to be listed again without the merged suggestion.
    const emptied = await page.waitForFunction(() => document.querySelectorAll('#moderation-list li.suggestion').length === 0, null, { timeout: 15000 })
      .then(() => true, () => false);
    expect(emptied, `the queue should be empty, it lists ${await page.locator('#moderation-list li.suggestion').count()}`);
    await shot(page, 'step-03-merged.png');
    return { website: after.body.properties.website };
  });
});
