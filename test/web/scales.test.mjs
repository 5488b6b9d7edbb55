// Unit tests of web/views/scales.js: the views' colour scales and the
// MapLibre expressions that colour or pick areas by code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NONE, SHARE_BINS, NO_COUNTERPART, shareColor, AGREE_RAMP, agreeColor, CHORO_RAMP,
  quantileBreaks, classOf, choroColors, codeOf, matchByCode, codeFilter, dashKey,
} from '../../web/views/scales.js';

test('shareColor bins a best-fit share, lowest bin open below', () => {
  assert.equal(shareColor(1), SHARE_BINS[0].color);
  assert.equal(shareColor(0.95), SHARE_BINS[0].color);
  assert.equal(shareColor(0.949), SHARE_BINS[1].color);
  assert.equal(shareColor(0.4), SHARE_BINS[3].color);
  assert.equal(shareColor(0), SHARE_BINS[5].color);
  assert.equal(shareColor(-1), SHARE_BINS[5].color);
  assert.equal(shareColor(undefined), NO_COUNTERPART);
  assert.equal(shareColor('0.5'), NO_COUNTERPART);
});

test('agreeColor runs from the lightest (one definition) to the darkest (all)', () => {
  assert.equal(agreeColor(1, 5), AGREE_RAMP[0]);
  assert.equal(agreeColor(5, 5), AGREE_RAMP[4]);
  assert.equal(agreeColor(3, 5), AGREE_RAMP[2]);
  assert.equal(agreeColor(1, 2), AGREE_RAMP[0]);
  assert.equal(agreeColor(2, 2), AGREE_RAMP[4]);
  assert.equal(agreeColor(1, 1), AGREE_RAMP[4], 'a single definition agrees with itself');
  assert.equal(agreeColor(9, 3), AGREE_RAMP[4], 'clamped');
});

test('quantileBreaks makes increasing breaks above the minimum', () => {
  assert.deepEqual(quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5), [3, 5, 7, 9]);
  assert.deepEqual(quantileBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5), [3, 5, 7, 9], 'the input order does not matter');
  assert.deepEqual(quantileBreaks([1, 1, 1, 1, 2], 5), [2], 'repeated values make fewer classes');
  assert.deepEqual(quantileBreaks([4, 4, 4], 5), []);
  assert.deepEqual(quantileBreaks([], 5), []);
  const values = [5, 3, 1];
  quantileBreaks(values, 5);
  assert.deepEqual(values, [5, 3, 1], 'the input is not sorted in place');
});

test('classOf counts the breaks at or below a value', () => {
  const breaks = [3, 5, 7, 9];
  assert.equal(classOf(1, breaks), 0);
  assert.equal(classOf(3, breaks), 1);
  assert.equal(classOf(4.9, breaks), 1);
  assert.equal(classOf(9, breaks), 4);
  assert.equal(classOf(100, breaks), 4);
  assert.equal(classOf(5, []), 0);
});

test('choroColors spreads classes over the ramp, keeping its ends', () => {
  assert.deepEqual(choroColors(5), CHORO_RAMP);
  assert.deepEqual(choroColors(7), CHORO_RAMP);
  assert.deepEqual(choroColors(1), [CHORO_RAMP[2]]);
  assert.deepEqual(choroColors(2), [CHORO_RAMP[0], CHORO_RAMP[4]]);
  assert.deepEqual(choroColors(3), [CHORO_RAMP[0], CHORO_RAMP[2], CHORO_RAMP[4]]);
});

test('matchByCode gives each code its first colour and leaves out empty groups', () => {
  const groups = new Map([['#a', ['E1', 'E2', 'E1']], ['#b', []], ['#c', ['E2', 3]]]);
  assert.deepEqual(matchByCode(groups, '#fff'), ['match', codeOf, ['E1', 'E2'], '#a', ['3'], '#c', '#fff']);
  assert.equal(matchByCode(new Map([['#a', []]]), '#fff'), '#fff', 'no codes: just the fallback');
});

test('codeFilter picks the codes, or none', () => {
  assert.deepEqual(codeFilter(['E1', 'E1', 2]), ['in', codeOf, ['literal', ['E1', '2']]]);
  assert.deepEqual(codeFilter([]), ['in', codeOf, ['literal', [NONE]]]);
});

test('dashKey draws a dash array as a CSS gradient', () => {
  assert.deepEqual(dashKey('#123', [1, 0], 2), { background: '#123', height: '3px' });
  assert.deepEqual(dashKey('#123', null), { background: '#123', height: '3px' });
  // Each length is in line widths, drawn 1.2 times as long.
  const dash = 3 * 2 * 1.2, gap = dash + 2 * 2 * 1.2;
  assert.deepEqual(dashKey('#123', [3, 2], 2), {
    background: `repeating-linear-gradient(90deg, #123 0px ${dash}px, transparent ${dash}px ${gap}px)`,
    height: '3px',
  });
});

test('residents\' drawings are coloured by share, darkest where most drew it', async () => {
  const { DRAWING_BINS, drawingShareColor, drawingShareFill } = await import('../../web/views/scales.js');
  assert.equal(drawingShareColor(1), AGREE_RAMP[4]);
  assert.equal(drawingShareColor(0.8), AGREE_RAMP[4]);
  assert.equal(drawingShareColor(0.79), AGREE_RAMP[3]);
  assert.equal(drawingShareColor(0.5), AGREE_RAMP[2]);
  assert.equal(drawingShareColor(0.05), AGREE_RAMP[0]);
  assert.equal(drawingShareColor(undefined), AGREE_RAMP[0], 'no share is the lightest');
  assert.deepEqual(drawingShareFill(), ['step', ['to-number', ['get', 'share'], 0], AGREE_RAMP[0],
    0.2, AGREE_RAMP[1], 0.4, AGREE_RAMP[2], 0.6, AGREE_RAMP[3], 0.8, AGREE_RAMP[4]]);
  assert.equal(DRAWING_BINS.length, 5);
});

test('geometryArea measures on the sphere and takes holes out', async () => {
  const { geometryArea } = await import('../../web/views/scales.js');
  // A 0.01° square at the equator: about 1113.2 m a side.
  const sq = (x, y, d) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
  const a = geometryArea({ type: 'Polygon', coordinates: [sq(0, 0, 0.01)] });
  assert.ok(Math.abs(a - 1113.19 * 1113.19) / a < 0.01, `area ${a}`);
  const holed = geometryArea({ type: 'Polygon', coordinates: [sq(0, 0, 0.01), sq(0.0025, 0.0025, 0.005).reverse()] });
  assert.ok(Math.abs(holed - a * 0.75) / a < 0.01, `holed ${holed}`);
  const multi = geometryArea({ type: 'MultiPolygon', coordinates: [[sq(0, 0, 0.01)], [sq(1, 0, 0.01)]] });
  assert.ok(Math.abs(multi - 2 * a) / a < 0.01, `multi ${multi}`);
  // At Sheffield's latitude a degree of longitude is shorter.
  const north = geometryArea({ type: 'Polygon', coordinates: [sq(-1.5, 53.38, 0.01)] });
  assert.ok(north < a * 0.65 && north > a * 0.55, `at 53.4°N ${north}`);
  assert.equal(geometryArea({ type: 'Point', coordinates: [0, 0] }), 0);
  assert.equal(geometryArea(null), 0);
});
