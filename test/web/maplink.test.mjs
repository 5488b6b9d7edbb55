import test from 'node:test';
import assert from 'node:assert/strict';
import { parseMapQuery, mapQueryFor, mapHashFor, roundAt, mapLinkOf } from '../../web/maplink.js';
import { parseHash, hashFor } from '../../web/router.js';

test('mapHashFor and parseHash undo each other', () => {
  const links = [
    { at: { lon: -1.4701, lat: 53.3812, zoom: 13.25 }, sets: ['wards', 'lsoa 2011'], asset: 'a/1&2' },
    { at: { lon: 0, lat: 0, zoom: 2 }, sets: [], assets: false, area: { slug: 'wards,x', code: 'E05/1' } },
    { sets: ['a'] },
  ];
  for (const l of links) {
    const h = mapHashFor(l);
    assert.deepEqual(parseHash(h), { view: 'map', ...l }, h);
    assert.equal(hashFor({ view: 'map', ...l }), h);
  }
});

test('the plain map hash stays as it was', () => {
  assert.equal(mapHashFor({}), '#map');
  assert.deepEqual(parseHash('#map'), { view: 'map' });
  assert.deepEqual(parseHash('#map?'), { view: 'map' });
});

test('positions are rounded to what the zoom shows', () => {
  assert.deepEqual(roundAt({ lon: -1.470123456, lat: 53.381234567, zoom: 13.256 }), { zoom: '13.26', lat: '53.38123', lon: '-1.47012' });
  assert.deepEqual(roundAt({ lon: -1.470123456, lat: 53.381234567, zoom: 3 }), { zoom: '3', lat: '53.38', lon: '-1.47' });
  assert.deepEqual(roundAt({ lon: 181, lat: 0, zoom: 0 }), { zoom: '0', lat: '0', lon: '-179' });
  assert.equal(mapQueryFor({ at: { lon: -1.5, lat: 53.4, zoom: 12 } }), 'at=12/53.4/-1.5');
});

test('parts that cannot be read are left out', () => {
  assert.deepEqual(parseMapQuery('at=12/95/0&area=noslash&asset=&x=1'), {});
  assert.deepEqual(parseMapQuery('at=a/b/c&sets='), { sets: [] });
  assert.deepEqual(parseMapQuery('assets=on'), { assets: true });
});

test('mapLinkOf reads the shared state and the map', () => {
  const state = {
    sets: [{ slug: 'a' }, { slug: 'b' }, { slug: 'c' }],
    visible: new Map([['a', true], ['b', false], ['c', true]]),
    assetsVisible: false,
    selectedAsset: null,
    selectedArea: { slug: 'a', code: 'X' },
  };
  const m = { getCenter: () => ({ lng: 1, lat: 2 }), getZoom: () => 10 };
  assert.deepEqual(mapLinkOf(state, m), { at: { lon: 1, lat: 2, zoom: 10 }, sets: ['a', 'c'], assets: false, area: { slug: 'a', code: 'X' } });
  assert.deepEqual(mapLinkOf(state, null, { asset: '7', area: null }), { sets: ['a', 'c'], assets: false, asset: '7' });
});
