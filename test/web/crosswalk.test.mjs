// Unit tests of the Compare view's table order (web/views/crosswalk.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedPairs } from '../../web/views/crosswalk.js';

const pairs = [
  { a_code: 'E2', a_name: 'beta', b_code: 'X1', iou: 0.5, class: 'partial' },
  { a_code: 'E1', a_name: 'Alpha', b_code: 'X2', iou: 0.9, class: 'equivalent' },
  { a_code: 'E3', a_name: 'Gamma', b_code: 'X3', class: 'a_within_b' },
  { a_code: 'E1', a_name: 'Alpha', b_code: 'X1', iou: 0.9, class: 'b_within_a' },
];
const codes = (list) => list.map((p) => `${p.a_code}/${p.b_code}`);

test('sortedPairs sorts names without regard to case, ties by the codes', () => {
  assert.deepEqual(codes(sortedPairs(pairs, { key: 'a', dir: 1 })), ['E1/X1', 'E1/X2', 'E2/X1', 'E3/X3']);
  assert.deepEqual(codes(sortedPairs(pairs, { key: 'a', dir: -1 })), ['E3/X3', 'E2/X1', 'E1/X1', 'E1/X2']);
});

test('sortedPairs puts missing numbers last either way', () => {
  assert.deepEqual(codes(sortedPairs(pairs, { key: 'iou', dir: -1 })), ['E1/X1', 'E1/X2', 'E2/X1', 'E3/X3']);
  assert.deepEqual(codes(sortedPairs(pairs, { key: 'iou', dir: 1 })), ['E2/X1', 'E1/X1', 'E1/X2', 'E3/X3']);
});

test('sortedPairs sorts classes from equivalent to partial, and leaves its input alone', () => {
  const input = pairs.slice();
  assert.deepEqual(sortedPairs(input, { key: 'class', dir: 1 }).map((p) => p.class), ['equivalent', 'a_within_b', 'b_within_a', 'partial']);
  assert.deepEqual(input, pairs);
  assert.deepEqual(codes(sortedPairs(pairs, { key: 'no such column', dir: 1 })), codes(sortedPairs(pairs, { key: 'a', dir: 1 })));
});
