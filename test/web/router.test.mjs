// Unit tests of web/router.js: the views' state in the location hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, hashFor } from '../../web/router.js';

test('parseHash reads each view with its defaults', () => {
  assert.deepEqual(parseHash(''), { view: 'map' });
  assert.deepEqual(parseHash('#map'), { view: 'map' });
  assert.deepEqual(parseHash('#nonsense/1/2'), { view: 'map' });
  assert.deepEqual(parseHash('#compare'), { view: 'compare', a: '', b: '', weight: 'area', area: '' });
  assert.deepEqual(parseHash('#compare/wards-2013/lsoa-2011?weight=population&area=E05010863'),
    { view: 'compare', a: 'wards-2013', b: 'lsoa-2011', weight: 'population', area: 'E05010863' });
  assert.deepEqual(parseHash('#places'), { view: 'places', place: '' });
  assert.deepEqual(parseHash('#place/broomhill'), { view: 'places', place: 'broomhill' });
  assert.deepEqual(parseHash('#choropleth/lsoa-2011/imd_score'),
    { view: 'choropleth', set: 'lsoa-2011', indicator: 'imd_score', from: '', weight: 'area' });
  assert.deepEqual(parseHash('#choropleth/community/imd_score?from=lsoa-2011&weight=population'),
    { view: 'choropleth', set: 'community', indicator: 'imd_score', from: 'lsoa-2011', weight: 'population' });
  assert.deepEqual(parseHash('#changes/wards-2013/wards-2019?area=E05001'),
    { view: 'changes', old: 'wards-2013', new: 'wards-2019', area: 'E05001' });
});

test('parseHash decodes the parts and keeps a part it cannot decode as it is', () => {
  assert.deepEqual(parseHash('#place/St%20John%27s'), { view: 'places', place: "St John's" });
  assert.deepEqual(parseHash('#place/100%'), { view: 'places', place: '100%' });
  assert.deepEqual(parseHash('#compare/a%2Fb/c'), { view: 'compare', a: 'a/b', b: 'c', weight: 'area', area: '' });
});

test('hashFor leaves out the defaults', () => {
  assert.equal(hashFor({ view: 'map' }), '#map');
  assert.equal(hashFor({ view: 'compare', a: 'x', b: 'y', weight: 'area', area: '' }), '#compare/x/y');
  assert.equal(hashFor({ view: 'compare', a: 'x', b: 'y', weight: 'population', area: 'E1' }), '#compare/x/y?weight=population&area=E1');
  assert.equal(hashFor({ view: 'places', place: '' }), '#places');
  assert.equal(hashFor({ view: 'places', place: 'broomhill' }), '#place/broomhill');
  assert.equal(hashFor({ view: 'choropleth', set: 's', indicator: 'i', from: '', weight: 'population' }), '#choropleth/s/i',
    'population weighting means nothing without values moved from another set');
  assert.equal(hashFor({ view: 'choropleth', set: 's', indicator: 'i', from: 'f', weight: 'population' }), '#choropleth/s/i?from=f&weight=population');
  assert.equal(hashFor({ view: 'changes', old: '', new: 'b', area: '' }), '#changes');
  assert.equal(hashFor({ view: 'changes', old: 'a', new: 'b', area: 'X' }), '#changes/a/b?area=X');
});

test('hashFor and parseHash undo each other', () => {
  const routes = [
    { view: 'map' },
    { view: 'compare', a: 'wards 2013', b: 'lsoa/2011', weight: 'population', area: 'E 1&2' },
    { view: 'places', place: "st-john's" },
    { view: 'choropleth', set: 'a', indicator: 'rate %', from: 'b', weight: 'area' },
    { view: 'changes', old: 'w-2013', new: 'w-2019', area: '' },
  ];
  for (const r of routes) assert.deepEqual(parseHash(hashFor(r)), r);
});

test('the Figures view keeps its per-head choice in the address', () => {
  assert.deepEqual(parseHash('#choropleth/wards/assets_library?per=10000'),
    { view: 'choropleth', set: 'wards', indicator: 'assets_library', from: '', weight: 'area', per: '10000' });
  assert.equal(hashFor({ view: 'choropleth', set: 'w', indicator: 'i', from: 'f', weight: 'area', per: '10000' }), '#choropleth/w/i?from=f&per=10000');
  assert.equal(hashFor({ view: 'choropleth', set: 'w', indicator: 'i', from: '', weight: 'area', per: '7' }), '#choropleth/w/i');
});

test('the Proposals view: the list, and one proposal by its slug', () => {
  assert.deepEqual(parseHash('#proposals'), { view: 'proposals', proposal: '' });
  assert.deepEqual(parseHash('#proposal/shared-2026'), { view: 'proposals', proposal: 'shared-2026' });
  assert.deepEqual(parseHash('#proposal/a%20b'), { view: 'proposals', proposal: 'a b' });
  assert.equal(hashFor({ view: 'proposals', proposal: '' }), '#proposals');
  assert.equal(hashFor({ view: 'proposals', proposal: 'shared-2026' }), '#proposal/shared-2026');
  for (const r of [{ view: 'proposals', proposal: '' }, { view: 'proposals', proposal: "o'brien/2" }]) assert.deepEqual(parseHash(hashFor(r)), r);
});

test('a drawing\'s private link opens the Map view with the drawing and its key', () => {
  assert.deepEqual(parseHash('#my-drawing/d-42?key=s3cr%2Bt'), { view: 'map', drawing: 'd-42', key: 's3cr+t' });
  assert.deepEqual(parseHash('#my-drawing'), { view: 'map', drawing: '', key: '' });
  assert.deepEqual(parseHash('#my-drawing/d%2F1'), { view: 'map', drawing: 'd/1', key: '' });
  assert.equal(hashFor({ view: 'map', drawing: 'd-42', key: 'k/1+2' }), '#my-drawing/d-42?key=k%2F1%2B2');
  assert.equal(hashFor({ view: 'map', drawing: 'd-42', key: '' }), '#my-drawing/d-42');
  const r = { view: 'map', drawing: 'a b', key: 'x&y=z' };
  assert.deepEqual(parseHash(hashFor(r)), r);
  assert.equal(hashFor({ view: 'map' }), '#map', 'a Map route without a drawing is the map\'s address');
});

test('the Access view: the form, a run, and a run with its scenario and set', () => {
  assert.deepEqual(parseHash('#access'), { view: 'access', run: '', scenario: '', set: '' });
  assert.deepEqual(parseHash('#access/r1?scenario=s2&set=wards-2019'), { view: 'access', run: 'r1', scenario: 's2', set: 'wards-2019' });
  assert.equal(hashFor({ view: 'access', run: '', scenario: 'ignored', set: 'x' }), '#access');
  assert.equal(hashFor({ view: 'access', run: 'r1', scenario: '', set: '' }), '#access/r1');
  assert.equal(hashFor({ view: 'access', run: 'r 1', scenario: 's2', set: 'wards-2019' }), '#access/r%201?scenario=s2&set=wards-2019');
  for (const h of ['#access', '#access/r1', '#access/r1?scenario=s2&set=oa-2011']) assert.equal(hashFor(parseHash(h)), h);
});
