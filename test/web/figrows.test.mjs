// Unit tests of web/views/figrows.js: the Figures view's one list of
// indicators, its table rows and their order, and the CSV address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indicatorChoices, figureRows, sortFigureRows, figuresCSVURL } from '../../web/views/figrows.js';

const sets = [
  { slug: 'wards', title: 'Wards', area_count: 28 },
  { slug: 'oa', title: 'Output Areas', area_count: 1817 },
  { slug: 'lsoa', title: 'LSOAs', area_count: 345 },
];
const lists = new Map([
  ['oa', [{ name: 'population', title: 'Residents (2011 Census)', kind: 'count' }, { name: 'assets', title: 'Assets (all categories)', kind: 'count', builtin: true }]],
  ['lsoa', [{ name: 'imd_score', title: 'IMD 2019 score', kind: 'rate' }, { name: 'population', title: 'Population mid-2015', kind: 'count' }]],
  ['wards', [{ name: 'assets_library', title: 'Library (assets)', kind: 'count', builtin: true }]],
]);

test('indicatorChoices offers other sets\' figures from the finest set carrying them', () => {
  const got = indicatorChoices('wards', lists, sets);
  assert.deepEqual(got.map((c) => [c.name, c.from, c.label]), [
    ['imd_score', 'lsoa', 'IMD 2019 score — from LSOAs'],
    ['population', 'oa', 'Residents (2011 Census) — from Output Areas'],
    ['assets_library', '', 'Library — counted from the assets on the map'],
  ]);
  assert.deepEqual(got[1].sources, ['oa', 'lsoa'], 'finest first');
  assert.equal(got[1].kind, 'count');
});

test('indicatorChoices prefers the set\'s own figure, the others a choice away', () => {
  const got = indicatorChoices('lsoa', lists, sets);
  const pop = got.find((c) => c.name === 'population');
  assert.equal(pop.from, '');
  assert.equal(pop.label, "Population mid-2015 — this set's own");
  assert.deepEqual(pop.sources, ['lsoa', 'oa']);
  assert.equal(got.filter((c) => c.name === 'population').length, 1, 'one choice per indicator');
});

test('figureRows lists every area, with null where there is no figure', () => {
  const rows = figureRows({ A: 'Alpha', B: 'Beta' }, { A: 3, C: 1 });
  assert.deepEqual(rows, [
    { code: 'A', name: 'Alpha', value: 3 },
    { code: 'B', name: 'Beta', value: null },
    { code: 'C', name: 'C', value: 1 },
  ]);
});

test('sortFigureRows sorts by figure or name, no figure last either way', () => {
  const rows = [
    { code: 'a', name: 'Zed', value: 2 },
    { code: 'b', name: 'area 10', value: null },
    { code: 'c', name: 'area 9', value: 5 },
    { code: 'd', name: 'Beta', value: 2 },
  ];
  assert.deepEqual(sortFigureRows(rows, { key: 'value', dir: -1 }).map((r) => r.code), ['c', 'a', 'd', 'b']);
  assert.deepEqual(sortFigureRows(rows, { key: 'value', dir: 1 }).map((r) => r.code), ['a', 'd', 'c', 'b']);
  assert.deepEqual(sortFigureRows(rows, { key: 'name', dir: 1 }).map((r) => r.name), ['area 9', 'area 10', 'Beta', 'Zed']);
  assert.deepEqual(sortFigureRows(rows, { key: 'name', dir: -1 }).map((r) => r.name), ['Zed', 'Beta', 'area 10', 'area 9']);
  assert.equal(rows[0].code, 'a', 'the input is left as it was');
});

test('figuresCSVURL asks for what is shown', () => {
  assert.equal(figuresCSVURL({ set: 'wards', indicator: 'assets_library', from: '', weight: 'area', per: '10000' }),
    'api/sets/wards/indicators/assets_library.csv?per=10000');
  assert.equal(figuresCSVURL({ set: 'wards', indicator: 'imd_score', from: 'lsoa', weight: 'population' }),
    'api/sets/wards/indicators/imd_score.csv?from=lsoa&weight=population');
  assert.equal(figuresCSVURL({ set: 'a b', indicator: 'x', from: 'a b', weight: 'population' }), 'api/sets/a%20b/indicators/x.csv');
});
