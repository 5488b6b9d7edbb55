// Unit tests of web/panel/snap.js: the phone sheet's snap states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHEET_STATES, PEEK_MIN_PX, sheetHeight, nearestState, nextState, sheetLabel, visibleBox, isInside } from '../../web/panel/snap.js';

test('sheetHeight: peek ~15% (never under the title row), half 50%, full 90%', () => {
  const cases = [
    { state: 'peek', vh: 844, want: 127 },
    { state: 'half', vh: 844, want: 422 },
    { state: 'full', vh: 844, want: 760 },
    { state: 'peek', vh: 600, want: PEEK_MIN_PX },
    { state: 'peek', vh: 160, want: 80 }, // a tiny window: at most half of it
    { state: 'half', vh: 0, want: 0 },
    { state: 'half', vh: -5, want: 0 },
  ];
  for (const c of cases) assert.equal(sheetHeight(c.state, c.vh), c.want, `${c.state} of ${c.vh}`);
});

test('nearestState snaps to the nearest height when let go still', () => {
  const vh = 844; // peek 127, half 422, full 760
  const cases = [
    [0, 'peek'], [127, 'peek'], [274, 'peek'], [275, 'half'], [422, 'half'], [590, 'half'], [592, 'full'], [844, 'full'],
  ];
  for (const [h, want] of cases) assert.equal(nearestState(h, vh), want, `let go at ${h}`);
});

test('nearestState goes on in the direction of a fling', () => {
  const vh = 844;
  const cases = [
    { h: 150, v: 1, want: 'half' }, // flung up just above peek
    { h: 430, v: 1, want: 'full' }, // flung up just above half
    { h: 800, v: 1, want: 'full' }, // flung up past full
    { h: 700, v: -1, want: 'half' }, // flung down from near full
    { h: 400, v: -1, want: 'peek' }, // flung down from under half
    { h: 100, v: -1, want: 'peek' },
    { h: 430, v: 0.4, want: 'half' }, // too slow to be a fling
    { h: 430, v: -0.4, want: 'half' },
  ];
  for (const c of cases) assert.equal(nearestState(c.h, vh, c.v), c.want, `let go at ${c.h} at ${c.v} px/ms`);
});

test('nextState cycles peek, half, full, peek; sheetLabel names each', () => {
  assert.deepEqual(SHEET_STATES.map(nextState), ['half', 'full', 'peek']);
  assert.equal(sheetLabel('half'), 'Panel: half open');
  assert.match(sheetLabel('peek'), /folded/);
  assert.match(sheetLabel('full'), /fully open/);
});

test('visibleBox is the map above the sheet, less a margin; isInside checks a point', () => {
  const box = visibleBox(390, 844, 422, 16);
  assert.deepEqual(box, { left: 16, top: 16, right: 374, bottom: 406 });
  assert.equal(isInside({ x: 195, y: 211 }, box), true);
  assert.equal(isInside({ x: 195, y: 500 }, box), false); // under the sheet
  assert.equal(isInside({ x: 5, y: 211 }, box), false);
  assert.deepEqual(visibleBox(390, 100, 200, 16).bottom, 16); // a sheet taller than the map
});
