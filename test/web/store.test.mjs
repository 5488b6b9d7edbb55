// Unit tests of web/store.js: the shared state, the categories from
// api/categories, and following the view shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  state, setSets, setTitle, categoryTitle, loadCategories, onViewChange, setView,
} from '../../web/store.js';

// fetchJSON resolves paths against the page and asks fetch: both stubbed.
globalThis.document = { baseURI: 'http://placemap.test/' };
const asked = [];
let answer = null;
globalThis.fetch = async (url) => {
  asked.push(String(url));
  const { status, body } = answer;
  return { ok: status < 300, status, statusText: '', json: async () => body };
};

test('loadCategories keeps the list api/categories gives, once', async () => {
  answer = { status: 503, body: { error: { message: 'store not ready' } } };
  await assert.rejects(loadCategories(), /store not ready/);
  assert.equal(categoryTitle('social_facility'), 'Social facility', 'the id in words meanwhile');

  answer = {
    status: 200,
    body: {
      categories: [{ id: 'library', title: 'Library' }, { id: 'social_facility', title: 'Social facility (any)' }, { title: 'no id' }, null],
      statuses: [],
    },
  };
  const got = await loadCategories();
  assert.deepEqual(got.categories, [{ id: 'library', title: 'Library' }, { id: 'social_facility', title: 'Social facility (any)' }]);
  assert.deepEqual(got.statuses, ['open', 'closed', 'at_risk', 'proposed'], 'the four statuses when none are given');
  assert.deepEqual(state.categories, got.categories);
  assert.equal(categoryTitle('social_facility'), 'Social facility (any)');
  assert.equal(categoryTitle('garden'), 'Garden');

  await loadCategories();
  assert.deepEqual(asked, ['http://placemap.test/api/categories', 'http://placemap.test/api/categories'],
    'asked again after the failure, not after the success');
});

test('setSets keeps the sets by slug; setTitle falls back to the slug', () => {
  setSets([{ slug: 'wards', title: 'Wards', color: '#000' }, { slug: 'lsoa', color: '#111' }]);
  assert.equal(state.setsBySlug.get('wards').title, 'Wards');
  assert.equal(setTitle('wards'), 'Wards');
  assert.equal(setTitle('lsoa'), 'lsoa');
  assert.equal(setTitle('unknown'), 'unknown');
});

test('setView tells the listeners when the view changes, and only then', () => {
  const seen = [];
  onViewChange((view, previous) => seen.push(`${previous}->${view}`));
  assert.equal(state.view, 'map');
  setView('compare');
  setView('compare');
  setView('map');
  assert.deepEqual(seen, ['map->compare', 'compare->map']);
  assert.equal(state.view, 'map');
});
