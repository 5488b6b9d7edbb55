// Unit tests of web/views/proposalkit.js: the Proposals view's neighbours,
// colours, block colouring, comparison table and score change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  areaNeighbours, colourAreas, blockFill, scoreChange, comparison, comparisonSentence, replaceFeatures,
} from '../../web/views/proposalkit.js';

/** square is a unit square's polygon at (x, y). */
const square = (x, y, w = 1, h = 1) => [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]];
const area = (code, ...polys) => ({ type: 'Feature', properties: { code }, geometry: { type: 'MultiPolygon', coordinates: polys } });

test('areaNeighbours joins areas that share an edge, not those that share a corner', () => {
  // a | b on top, c below a, d below b: a-b, a-c, b-d, c-d share edges; a-d and b-c only a corner.
  const u = 0.01;
  const fc = [area('a', square(0, u, u, u)), area('b', square(u, u, u, u)), area('c', square(0, 0, u, u)), area('d', square(u, 0, u, u)), area('far', square(5, 5, u, u))];
  const n = areaNeighbours(fc);
  assert.deepEqual([...n.get('a')].sort(), ['b', 'c']);
  assert.deepEqual([...n.get('d')].sort(), ['b', 'c']);
  assert.deepEqual([...n.get('far')], []);
});

test('areaNeighbours finds neighbours whose outlines were simplified apart', () => {
  // b's edge with a runs 5 m off a's, with points of its own.
  const a = area('a', [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]]);
  const b = area('b', [[[0.01005, 0], [0.02, 0], [0.02, 0.01], [0.01005, 0.01], [0.01004, 0.005], [0.01005, 0]]]);
  const c = area('c', [[[0.0103, 0.02], [0.02, 0.02], [0.02, 0.03], [0.0103, 0.03], [0.0103, 0.02]]]);
  const n = areaNeighbours([a, b, c]);
  assert.deepEqual([...n.get('a')], ['b']);
  assert.deepEqual([...n.get('c')], []);
});

test('colourAreas gives neighbours different colours, the same every time', () => {
  // A 4x4 grid of areas, each joined to the four around it.
  const fc = [];
  for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) fc.push(area(`g${x}${y}`, square(x / 100, y / 100, 0.01, 0.01)));
  const n = areaNeighbours(fc);
  const codes = fc.map((f) => f.properties.code);
  const c = colourAreas(codes, n, ['red', 'green', 'blue']);
  for (const [a, ns] of n) for (const b of ns) assert.notEqual(c.get(a), c.get(b), `${a} and ${b} are neighbours`);
  assert.deepEqual([...colourAreas(codes.slice().reverse(), n, ['red', 'green', 'blue'])].sort(), [...c].sort());
  // Too few colours: still one each, from the palette.
  const two = colourAreas(['a', 'b', 'c'], new Map([['a', new Set(['b', 'c'])], ['b', new Set(['a', 'c'])], ['c', new Set(['a', 'b'])]]), ['x', 'y']);
  assert.equal(two.size, 3);
  for (const v of two.values()) assert.ok(['x', 'y'].includes(v));
});

test('blockFill colours each block by its area, the rest by the fallback', () => {
  const expr = blockFill({ b1: 'A', b2: 'A', b3: 'B', b4: 'none' }, new Map([['A', '#111'], ['B', '#222']]), '#ccc');
  assert.deepEqual(expr, ['match', ['to-string', ['get', 'code']], ['b1', 'b2'], '#111', ['b3'], '#222', '#ccc']);
  assert.equal(blockFill({}, new Map(), '#ccc'), '#ccc');
});

test('scoreChange reads as the announcement', () => {
  assert.equal(scoreChange(0.8421, 0.8449), 'Overall 0.842 → 0.845');
  assert.equal(scoreChange(undefined, 0.5), 'Overall – → 0.500');
  assert.equal(scoreChange(0.80412, 0.80438), 'Overall 0.8041 → 0.8044', 'a change under three decimals shows with more');
  assert.equal(scoreChange(0.8, 0.8), 'Overall 0.800, unchanged');
});

test('comparison: each input against each fit set, then the proposal', () => {
  const report = {
    fits: [{ slug: 'community', agreement: 0.86 }, { slug: 'nhs', agreement: 0.7 }],
    inputs: [
      { set: 'community', against: 'nhs', agreement: 0.5 },
      { set: 'council', against: 'community', agreement: 0.71 },
      { set: 'council', against: 'nhs', agreement: 0.6 },
      { set: 'wards', against: 'community', agreement: 0.4 },
    ],
  };
  const c = comparison(report);
  assert.deepEqual(c.against, ['community', 'nhs']);
  assert.deepEqual(c.rows.map((r) => [r.set, r.cells, r.proposal]), [
    ['community', [null, 0.5], false],
    ['nhs', [0.5, null], false], // read the other way round
    ['council', [0.71, 0.6], false],
    ['wards', [0.4, null], false],
    ['', [0.86, 0.7], true],
  ]);
  const pair = c.pairs.find((p) => p.set === 'council' && p.against === 'community');
  assert.deepEqual(pair, { set: 'council', against: 'community', input: 0.71, proposal: 0.86 });
  assert.equal(comparisonSentence(pair, (s) => s.toUpperCase(), 'wards'), 'COUNCIL agrees 0.710 with COMMUNITY; the proposal 0.860 while nesting in WARDS');
  assert.equal(comparisonSentence(pair, (s) => s, ''), 'council agrees 0.710 with community; the proposal 0.860');
});

test('replaceFeatures swaps the changed areas in place and drops an emptied one', () => {
  const fc = { type: 'FeatureCollection', features: [area('a', square(0, 0)), area('b', square(1, 0)), area('c', square(2, 0))] };
  const out = replaceFeatures(fc, [area('b', square(1, 0, 2)), { type: 'Feature', properties: { code: 'c' }, geometry: null }]);
  assert.deepEqual(out.features.map((f) => f.properties.code), ['a', 'b']);
  assert.equal(out.features[1].geometry.coordinates[0][0][1][0], 3);
});
