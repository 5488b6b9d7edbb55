#!/usr/bin/env node
// Validates an OpenAPI document against the OpenAPI 3.0 specification with
// @apidevtools/swagger-parser, an independent reader: placemap's OGC API
// description (GET /ogc/api) in the Go tests.
//
// Usage: node test/js/openapi.mjs URL
// Prints "valid: TITLE, N paths" and exits 0, or prints what is wrong and
// exits 1.
import SwaggerParser from '@apidevtools/swagger-parser';

const url = process.argv[2];
if (!url) {
  console.error('usage: node test/js/openapi.mjs URL');
  process.exit(2);
}
const res = await fetch(url, { headers: { Accept: 'application/vnd.oai.openapi+json;version=3.0' } });
if (!res.ok) {
  console.error(`GET ${url}: ${res.status}`);
  process.exit(1);
}
const doc = await res.json();
try {
  const api = await SwaggerParser.validate(doc);
  console.log(`valid: ${api.info.title}, ${Object.keys(api.paths).length} paths`);
} catch (err) {
  console.error(`invalid OpenAPI document: ${err.message}`);
  process.exit(1);
}
