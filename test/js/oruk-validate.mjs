#!/usr/bin/env node
// Validates Open Referral UK output against the profile's published JSON
// schemas (vendored as data in internal/oruk/testdata/schema, with their
// source and licence) using ajv, an independent validator.
//
// Usage: node test/js/oruk-validate.mjs page|service FILE_OR_URL
//   page:    a GET /services page: the Page fields of the profile's
//            OpenAPI, and each of "contents" a full service (compiled
//            service.json)
//   service: one service (compiled service.json)
// Prints "valid: N services" and exits 0, or the errors and exits 1.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , kind, src] = process.argv;
if (!['page', 'service'].includes(kind) || !src) {
  console.error('usage: node test/js/oruk-validate.mjs page|service FILE_OR_URL');
  process.exit(2);
}
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../internal/oruk/testdata/schema');
const service = JSON.parse(readFileSync(join(dir, 'service.json'), 'utf8'));
const openapi = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8'));

// The profile's schemas carry Frictionless Data keywords (name, core,
// constraints, datapackage_metadata, example) that are not JSON Schema:
// strict mode off lets ajv pass over them.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const page = {
  type: 'object',
  required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty', 'contents'],
  properties: { ...openapi.components.schemas.Page.properties, contents: { type: 'array', items: service } },
};
const validate = ajv.compile(kind === 'page' ? page : service);

const text = /^https?:/.test(src) ? await (await fetch(src)).text() : readFileSync(src, 'utf8');
const doc = JSON.parse(text);
if (!validate(doc)) {
  for (const e of validate.errors.slice(0, 20)) console.error(`${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  process.exit(1);
}
const n = kind === 'page' ? doc.contents.length : 1;
if (kind === 'page' && doc.size !== n) {
  console.error(`size ${doc.size} but ${n} services in contents`);
  process.exit(1);
}
console.log(`valid: ${n} services`);
