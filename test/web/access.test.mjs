// Unit tests of web/views/accesskit.js: the Access view's request bodies,
// typed points, progress, colours, sorting and sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessBody, scenarioBody, parseLonLat, progressOf, beyondColor, beyondGroups, bandFill, BAND_COLORS,
  areaRows, sortRows, mostAffected, beyondSentence, farLine, meanText,
} from '../../web/views/accesskit.js';

const form = (o = {}) => ({ category: 'library', statuses: ['open'], from: 'oa-2011', speed: '', maxMinutes: '', ...o });

test('accessBody sends what the form holds, leaving defaults out', () => {
  assert.deepEqual(accessBody(form()), { body: { category: 'library', status: ['open'], from: 'oa-2011' } });
  assert.deepEqual(accessBody(form({ statuses: [], speed: '5', maxMinutes: '30' })).body, { category: 'library', from: 'oa-2011', speed_kmh: 5, max_minutes: 30 });
  assert.deepEqual(accessBody(form(), { close: ['a1'], open: [[-1.5, 53.4]] }).body.close, ['a1']);
  assert.deepEqual(accessBody(form(), { close: [], open: [[-1.5, 53.4]] }).body.open, [[-1.5, 53.4]]);
});

test('accessBody names the field that is wrong', () => {
  for (const [f, focus] of [[form({ category: '' }), 'category'], [form({ from: '' }), 'from'], [form({ speed: '0' }), 'speed'],
    [form({ speed: 'fast' }), 'speed'], [form({ maxMinutes: '-3' }), 'max'], [form({ maxMinutes: '601' }), 'max']]) {
    const r = accessBody(f);
    assert.ok('error' in r, JSON.stringify(f));
    assert.equal(r.focus, focus);
  }
});

test('scenarioBody repeats the baseline with close and open', () => {
  const params = { category: 'library', status: ['open', 'at_risk'], from: 'oa-2011', speed_kmh: 4.8, max_minutes: 60, mode: 'walk', close: ['old'] };
  assert.deepEqual(scenarioBody(params, ['a', 'b'], [[-1.4, 53.3]]), {
    category: 'library', status: ['open', 'at_risk'], from: 'oa-2011', speed_kmh: 4.8, max_minutes: 60, mode: 'walk', close: ['a', 'b'], open: [[-1.4, 53.3]],
  });
  assert.equal('close' in scenarioBody(params, [], []), false, "the baseline's own close is not carried");
});

test('parseLonLat reads LON,LAT and refuses anything else', () => {
  assert.deepEqual(parseLonLat('-1.47, 53.38'), [-1.47, 53.38]);
  assert.deepEqual(parseLonLat(' -1.47 53.38 '), [-1.47, 53.38]);
  for (const bad of ['', '53.38', 'a,b', '-1.47,95', '200,1', '1,2,3']) assert.equal(parseLonLat(bad), null, bad);
});

test('progressOf reads the stage and count', () => {
  assert.deepEqual(progressOf({ status: 'running', stage: 'search', done: 250, total: 1000 }), { share: 0.25, text: 'Search — 250 of 1,000' });
  assert.deepEqual(progressOf({ status: 'running', stage: 'network' }), { share: null, text: 'Network' });
  assert.deepEqual(progressOf({ status: 'done', done: 1, total: 1 }), { share: 1, text: 'Finished.' });
  assert.equal(progressOf({ status: 'failed', error: 'no library assets' }).text, 'Failed: no library assets');
});

test('beyondColor and beyondGroups class the areas by share beyond 15 minutes', () => {
  assert.equal(beyondColor(null, '#ccc'), '#ccc');
  assert.equal(beyondColor(0.9, '#ccc'), '#b30000');
  assert.equal(beyondColor(0, '#ccc'), '#fef0d9');
  const g = beyondGroups([{ code: 'a', share_beyond_15: 0.8 }, { code: 'b', share_beyond_15: 0.01 }, { code: 'c' }]);
  assert.deepEqual(g.get('#b30000'), ['a']);
  assert.deepEqual(g.get('#fef0d9'), ['b']);
  assert.equal([...g.values()].flat().includes('c'), false);
});

test('bandFill gives each of the four bands its colour', () => {
  const e = bandFill();
  for (const t of [5, 10, 15, 20]) assert.equal(e[e.indexOf(t) + 1], BAND_COLORS[t]);
  assert.equal(new Set(Object.values(BAND_COLORS)).size, 4);
});

test('sortRows sorts by a column with the areas without a value last', () => {
  const rows = areaRows({ areas: [
    { code: 'b', name: 'Beta', population: 10, share_beyond_15: 0.5 },
    { code: 'a', name: 'Alpha', population: 30, share_beyond_15: null },
    { code: 'c', name: 'Gamma', population: 20, share_beyond_15: 0.9 },
  ] });
  assert.deepEqual(sortRows(rows, { key: 'share', dir: -1 }).map((r) => r.code), ['c', 'b', 'a']);
  assert.deepEqual(sortRows(rows, { key: 'share', dir: 1 }).map((r) => r.code), ['b', 'c', 'a']);
  assert.deepEqual(sortRows(rows, { key: 'name', dir: 1 }).map((r) => r.code), ['a', 'b', 'c']);
  assert.deepEqual(sortRows(rows, { key: 'population', dir: -1 }).map((r) => r.code), ['a', 'c', 'b']);
});

test('mostAffected lists the areas with residents moved, most beyond 15 minutes first', () => {
  const view = { areas: [
    { code: 'x', name: 'X', change: { moved_beyond: { 5: 0, 10: 0, 15: 0, 20: 0 } } },
    { code: 'y', name: 'Y', change: { moved_beyond: { 5: 10, 10: 5, 15: 2, 20: 0 } } },
    { code: 'z', name: 'Z', change: { moved_beyond: { 5: 1, 10: 1, 15: 40, 20: 3 } } },
  ] };
  assert.deepEqual(mostAffected(view).map((a) => a.code), ['z', 'y']);
  assert.deepEqual(mostAffected(view, 1).map((a) => a.code), ['z']);
  assert.deepEqual(mostAffected({}), []);
});

test('beyondSentence says how many live beyond a 15-minute walk', () => {
  assert.equal(beyondSentence(1234.4, 'Library'), "1,234 residents are more than 15 minutes' walk from a library");
  assert.equal(beyondSentence(1, 'Library'), "1 resident is more than 15 minutes' walk from a library");
  assert.equal(beyondSentence(0, 'Early years centre'), "0 residents are more than 15 minutes' walk from an early years centre");
});

test('farLine names what lies far from the network', () => {
  assert.equal(farLine({ kind: 'asset', id: '2450', name: 'Chapeltown Library', metres: 312.4 }), 'Asset Chapeltown Library (2450): 312 m from the nearest way');
  assert.equal(farLine({ kind: 'origin', id: 'E001', name: '', metres: 260 }), 'Area E001: 260 m from the nearest way');
});

test('meanText says when no resident was reached, never "0 minutes"', () => {
  assert.equal(meanText(null), 'none reached within the longest walk');
  assert.equal(meanText(undefined), 'none reached within the longest walk');
  assert.equal(meanText(12.34), '12.3 minutes on average');
});
