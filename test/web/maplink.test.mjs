import test from 'node:test';
import assert from 'node:assert/strict';
import { MAP_PANELS, parseMapQuery, mapQueryFor, mapHashFor, roundAt, mapLinkOf } from '../../web/maplink.js';
import { parseHash, hashFor } from '../../web/router.js';

test('mapHashFor and parseHash undo each other', () => {
  const links = [
    { at: { lon: -1.4701, lat: 53.3812, zoom: 13.25 }, sets: ['wards', 'lsoa 2011'], asset: 'a/1&2' },
    { at: { lon: 0, lat: 0, zoom: 2 }, sets: [], assets: false, area: { slug: 'wards,x', code: 'E05/1' } },
    { sets: ['a'] },
    { at: { lon: 1.5, lat: -2, zoom: 9 }, sets: ['a'], area: { slug: 'w', code: 'C' }, panel: ['in-view', 'about'] },
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

test('the address keeps the format it shipped with, the open panel last', () => {
  const h = mapHashFor({ at: { lon: -1.47, lat: 53.38, zoom: 13 }, sets: ['a', 'b'], assets: false, area: { slug: 'wards', code: 'E1' }, panel: ['about', 'in-view'] });
  assert.equal(h, '#map?at=13/53.38/-1.47&sets=a,b&assets=off&area=wards/E1&panel=in-view,about');
  assert.equal(mapHashFor({ sets: ['a'], asset: '7', area: { slug: 'w', code: 'C' }, panel: [] }), '#map?sets=a&asset=7');
});

test('only the panel sections the map has are read', () => {
  assert.deepEqual(parseMapQuery('panel=about,nope,in-view'), { panel: ['in-view', 'about'] });
  assert.deepEqual(parseMapQuery('panel='), { panel: [] });
  assert.deepEqual(MAP_PANELS, ['in-view', 'about']);
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
