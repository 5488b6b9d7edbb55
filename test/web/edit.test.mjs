// Unit tests of the pure parts of editing: web/edit/api.js (messages and
// versions) and web/edit/assetform.js (the Feature a write sends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tidyMessage, messageOf, versionOf, etagFor } from '../../web/edit/api.js';
import { FIELD_KEYS, valuesOf, featureBody, pointOf } from '../../web/edit/assetform.js';

test('tidyMessage drops the reader\'s prefix from a validation message', () => {
  assert.equal(tidyMessage('request body: feature 0 ("Name"): field "category": unknown'), 'field "category": unknown');
  assert.equal(tidyMessage('feature 12: field "email": not an address'), 'field "email": not an address');
  assert.equal(tidyMessage('field "name": empty'), 'field "name": empty');
  assert.equal(tidyMessage(null), '');
});

test('messageOf is the error message of an answer, or its status', () => {
  assert.equal(messageOf({ status: 409, ok: false, data: { error: { message: ' changed meanwhile ' } } }), 'changed meanwhile');
  assert.equal(messageOf({ status: 502, ok: false, data: null }), 'The server answered 502.');
  assert.equal(messageOf({ status: 400, ok: false, data: { error: {} } }), 'The server answered 400.');
});

test('versionOf takes positive whole versions only; etagFor quotes one', () => {
  assert.equal(versionOf({ properties: { version: 3 } }), 3);
  assert.equal(versionOf({ properties: { version: '7' } }), 7);
  assert.equal(versionOf({ properties: { version: 0 } }), null);
  assert.equal(versionOf({ properties: { version: 1.5 } }), null);
  assert.equal(versionOf({ properties: {} }), null);
  assert.equal(versionOf(null), null);
  assert.equal(etagFor(4), '"4"');
});

test('valuesOf reads every field of the form, open when there is no status', () => {
  const v = valuesOf({ name: ' Library ', category: 'library', phone: 123, extra: 'x' });
  assert.deepEqual(Object.keys(v), FIELD_KEYS);
  assert.equal(v.name, 'Library');
  assert.equal(v.phone, '123');
  assert.equal(v.status, 'open');
  assert.equal(v.address, '');
  assert.equal(valuesOf(null).status, 'open');
  assert.equal(valuesOf({ status: 'closed' }).status, 'closed');
});

test('featureBody sends the filled fields and keeps what the form does not show', () => {
  const geometry = { type: 'Point', coordinates: [-1.5, 53.4] };
  const values = { ...valuesOf({}), name: 'Hall', category: 'community_hall', website: ' ' };
  assert.deepEqual(featureBody(geometry, values, null), {
    type: 'Feature', geometry, properties: { name: 'Hall', category: 'community_hall', status: 'open' },
  });
  const base = {
    source: 'council', licence: 'OGL-UK-3.0', attribution: '', source_id: 'c-17', tags: { wheelchair: 'yes' },
    id: 'asset-9', version: 4, updated_at: 'yesterday',
  };
  assert.deepEqual(featureBody(geometry, values, base).properties, {
    name: 'Hall', category: 'community_hall', status: 'open',
    source: 'council', licence: 'OGL-UK-3.0', id: 'c-17', tags: { wheelchair: 'yes' },
  });
  assert.equal('tags' in featureBody(geometry, values, { tags: ['a'] }).properties, false, 'tags must be an object');
});

test('pointOf rounds to 7 places', () => {
  assert.deepEqual(pointOf({ lng: -1.123456789, lat: 53.987654321 }), { type: 'Point', coordinates: [-1.1234568, 53.9876543] });
});
