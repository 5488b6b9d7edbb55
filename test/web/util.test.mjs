// Unit tests of web/util.js: text and bounding boxes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { str, validBBox, unionBBox, geometryBBox } from '../../web/util.js';

test('str trims, and makes nothing of undefined and null', () => {
  assert.equal(str('  a b '), 'a b');
  assert.equal(str(0), '0');
  assert.equal(str(false), 'false');
  assert.equal(str(undefined), '');
  assert.equal(str(null), '');
});

test('validBBox takes four finite numbers on the globe, west of east and south of north', () => {
  assert.equal(validBBox([-1.8, 53.3, -1.3, 53.5]), true);
  assert.equal(validBBox([-180, -90, 180, 90]), true);
  assert.equal(validBBox([1, 1, 1, 1]), true);
  assert.equal(validBBox([-1.3, 53.3, -1.8, 53.5]), false);
  assert.equal(validBBox([-1.8, 53.5, -1.3, 53.3]), false);
  assert.equal(validBBox([-181, 0, 0, 1]), false);
  assert.equal(validBBox([0, 0, 1]), false);
  assert.equal(validBBox([0, 0, 1, NaN]), false);
  assert.equal(validBBox(['0', 0, 1, 1]), false);
  assert.equal(validBBox(null), false);
});

test('unionBBox covers every valid box and skips the rest', () => {
  assert.deepEqual(unionBBox([[0, 0, 1, 1], [2, -1, 3, 0.5], null, [5, 5, 4, 4]]), [0, -1, 3, 1]);
  assert.equal(unionBBox([]), null);
  assert.equal(unionBBox([undefined, [1, 2]]), null);
  const box = [0, 0, 1, 1];
  const out = unionBBox([box]);
  out[0] = -5;
  assert.deepEqual(box, [0, 0, 1, 1], 'the result is a copy');
});

test('geometryBBox covers any GeoJSON geometry', () => {
  assert.deepEqual(geometryBBox({ type: 'Point', coordinates: [-1.5, 53.4] }), [-1.5, 53.4, -1.5, 53.4]);
  assert.deepEqual(geometryBBox({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [0, 0]]] }), [0, 0, 2, 1]);
  assert.deepEqual(geometryBBox({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 1], [0, 1], [0, 0]]], [[[5, -2], [6, -2], [6, -1], [5, -2]]]] }), [0, -2, 6, 1]);
  assert.deepEqual(geometryBBox({
    type: 'GeometryCollection',
    geometries: [{ type: 'Point', coordinates: [3, 3] }, { type: 'LineString', coordinates: [[-1, 0], [0, 4]] }],
  }), [-1, 0, 3, 4]);
  assert.equal(geometryBBox({ type: 'GeometryCollection', geometries: [] }), null);
  assert.equal(geometryBBox({ type: 'Polygon', coordinates: [] }), null);
  assert.equal(geometryBBox(null), null);
});
