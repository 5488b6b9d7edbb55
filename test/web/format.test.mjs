// Unit tests of web/format.js: how values read on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  humanName, categoryTitle, statusTitle, attributionParts, escapeHTML, isHttpURL,
  num, pct, km2, fmtValue, fmtCoord, fmtDate, who, plural, countOf, roughCount, decileWords,
} from '../../web/format.js';

test('humanName turns an id into words', () => {
  assert.equal(humanName('at_risk'), 'At risk');
  assert.equal(humanName('  community_centre '), 'Community centre');
  assert.equal(humanName(null), '');
  assert.equal(humanName(undefined), '');
});

test('categoryTitle takes the title from the list, else the id in words', () => {
  const list = [{ id: 'library', title: 'Library' }, { id: 'social_facility', title: 'Social facility' }];
  assert.equal(categoryTitle(list, 'social_facility'), 'Social facility');
  assert.equal(categoryTitle(list, ' library '), 'Library');
  assert.equal(categoryTitle(list, 'food_bank'), 'Food bank');
  assert.equal(categoryTitle([], 'day_centre'), 'Day centre');
  assert.equal(categoryTitle(list, ''), 'Uncategorised');
  assert.equal(categoryTitle(list, null), 'Uncategorised');
});

test('statusTitle names the four statuses and words others', () => {
  assert.equal(statusTitle('open'), 'Open');
  assert.equal(statusTitle('at_risk'), 'At risk');
  assert.equal(statusTitle('proposed'), 'Proposed');
  assert.equal(statusTitle('closed'), 'Closed');
  assert.equal(statusTitle('temporarily_closed'), 'Temporarily closed');
});

test('attributionParts splits, drops duplicates and parts of longer statements, keeps order', () => {
  assert.deepEqual(attributionParts([
    'Contains OS data © Crown copyright; Sheffield City Council',
    'Contains OS data © Crown copyright',
    'Contains OS data © Crown copyright and database right 2024',
    null,
    '',
  ]), ['Sheffield City Council', 'Contains OS data © Crown copyright and database right 2024']);
  assert.deepEqual(attributionParts(['A; B', 'B; C']), ['A', 'B', 'C']);
});

test('escapeHTML escapes the five characters HTML gives meaning', () => {
  assert.equal(escapeHTML(`<img src=x onerror="alert('1')">&`), '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  assert.equal(escapeHTML(42), '42');
});

test('isHttpURL takes one http(s) address and nothing else', () => {
  assert.equal(isHttpURL('https://example.org/a?b=c'), true);
  assert.equal(isHttpURL(' http://example.org '), true);
  assert.equal(isHttpURL('javascript:alert(1)'), false);
  assert.equal(isHttpURL('https://example.org and more'), false);
  assert.equal(isHttpURL('ftp://example.org'), false);
  assert.equal(isHttpURL(undefined), false);
});

test('num keeps finite numbers only', () => {
  assert.equal(num(0), 0);
  assert.equal(num(-2.5), -2.5);
  assert.equal(num(NaN), null);
  assert.equal(num(Infinity), null);
  assert.equal(num('3'), null);
  assert.equal(num(null), null);
});

test('pct shows shares as percentages to one place', () => {
  assert.equal(pct(0.5), '50%');
  assert.equal(pct(0.12345), '12.3%');
  assert.equal(pct(1), '100%');
  assert.equal(pct(undefined), '–');
});

test('km2 shows square metres as square kilometres', () => {
  assert.equal(km2(2_500_000), '2.5');
  assert.equal(km2(1_234_567), '1.23');
  assert.equal(km2(12_345_678), '12.3');
  assert.equal(km2(5_000), '< 0.01');
  assert.equal(km2(0), '0');
  assert.equal(km2(null), '–');
});

test('fmtValue shows fewer places the larger a value is, or the places asked for', () => {
  assert.equal(fmtValue(1234.567), '1,235');
  assert.equal(fmtValue(12.345), '12.3');
  assert.equal(fmtValue(1.2345), '1.23');
  assert.equal(fmtValue(-0.5), '-0.5');
  assert.equal(fmtValue(3, 2), '3.00');
  assert.equal(fmtValue(3.14159, 0), '3');
  assert.equal(fmtValue(null), 'no data');
});

test('fmtCoord shows a point with hemispheres', () => {
  assert.equal(fmtCoord({ lng: -1.4701, lat: 53.3811 }), '53.38110° N, 1.47010° W');
  assert.equal(fmtCoord({ lng: 151.2, lat: -33.86 }), '33.86000° S, 151.20000° E');
});

test('fmtDate shows timestamps in British English and other text as it is', () => {
  assert.match(fmtDate('2024-05-01T10:00:00Z'), /^0?1\/05\/2024/);
  assert.equal(fmtDate('not a date'), 'not a date');
  assert.equal(fmtDate(''), '');
  assert.equal(fmtDate(null), '');
});

test('who shows the name, with the e-mail when admins are sent it', () => {
  assert.equal(who('Ann', 'ann@example.org'), 'Ann (ann@example.org)');
  assert.equal(who('Ann', ''), 'Ann');
  assert.equal(who('', 'ann@example.org'), 'ann@example.org');
  assert.equal(who('ann@example.org', 'ann@example.org'), 'ann@example.org');
  assert.equal(who(null, undefined), '');
});

test('plural makes category titles plural nouns', () => {
  const cases = [
    ['Library', 'libraries'], ['Community centre', 'community centres'], ['Place of worship', 'places of worship'],
    ['Community or village hall', 'community or village halls'], ['Youth centre or club', 'youth centres or clubs'],
    ['Public toilets', 'public toilets'], ['Childcare', 'childcare places'], ['Food bank', 'food banks'],
  ];
  for (const [title, want] of cases) assert.equal(plural(title), want, title);
});

test('countOf counts a category, with an adjective', () => {
  assert.equal(countOf(1, 'Library'), '1 library');
  assert.equal(countOf(3, 'Library'), '3 libraries');
  assert.equal(countOf(1, 'Library', 'closed'), '1 closed library');
  assert.equal(countOf(1200, 'Park'), '1,200 parks');
});

test('roughCount rounds estimates to the figures they bear', () => {
  assert.equal(roughCount(22679.27), '22,700');
  assert.equal(roughCount(312.4), '310');
  assert.equal(roughCount(42.6), '43');
  assert.equal(roughCount(null), '–');
});

test('decileWords places an average deprivation decile', () => {
  assert.equal(decileWords(1.6), 'in the 20% most deprived areas');
  assert.equal(decileWords(1), 'in the 10% most deprived areas');
  assert.equal(decileWords(7.18), 'in the 40% least deprived areas');
  assert.equal(decileWords(10), 'in the 10% least deprived areas');
  assert.equal(decileWords(0), '');
  assert.equal(decileWords('x'), '');
});

test('answersOf reads a drawing\'s answers as the API gives them and as they are sent', async () => {
  const { answersOf } = await import('../../web/format.js');
  assert.deepEqual(answersOf([{ question: 'What do you call this area?', answer: ' Broomhill ' }, { question: 'Why?', answer: '' }, null, 'x']),
    { 'What do you call this area?': 'Broomhill' });
  assert.deepEqual(answersOf({ 'Why?': 'The park', ' ': 'nothing', Other: 3 }), { 'Why?': 'The park', Other: '3' });
  assert.deepEqual(answersOf(null), {});
  assert.deepEqual(answersOf('text'), {});
});
