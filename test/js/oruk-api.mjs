#!/usr/bin/env node
// Walks an Open Referral UK API the way the ORUK validator does (GET /
// first, then /services with paging, then /services/{id}) and on to every
// other path placemap serves (taxonomies, taxonomy terms, services at
// locations), validating each answer with ajv against the response schema
// the profile's OpenAPI gives for its path (vendored with the schemas it
// names in internal/oruk/testdata/schema).
//
// Usage: node test/js/oruk-api.mjs api BASE
//          BASE is the API's root URL, such as http://127.0.0.1:8080/api/oruk
//        node test/js/oruk-api.mjs response TEMPLATE FILE
//          validates one saved answer to GET TEMPLATE (such as /services/{id})
// Prints "valid: N responses" and exits 0, or every fault and exits 1.
//
// Stricter than the OpenAPI where it is silent: the Page fields and
// "contents" are required of a page, version, profile and openapi_url of
// GET /, since the ORUK validator reads them. GET /service_at_locations/{id}
// is checked against the profile's compiled service_at_location.json: the
// OpenAPI names service.json there, though it describes the answer as "a
// fully nested service_at_location" (an error upstream).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../internal/oruk/testdata/schema');
const load = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const openapi = load('openapi.json');
const upstream = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/';
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// The URLs the OpenAPI's $refs name, and the vendored file of each.
for (const [ref, file] of [['compiled/service.json', 'service.json'], ['compiled/service_list.json', 'service_list.json'],
  ['compiled/service_at_location_list.json', 'service_at_location_list.json'],
  ['compiled/service_at_location.json', 'service_at_location.json'],
  ['taxonomy.json', 'taxonomy.json'], ['taxonomy_term.json', 'taxonomy_term.json']]) {
  ajv.addSchema(load(file), upstream + ref);
}
const pageFields = ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty'];
ajv.addSchema({ ...openapi.components.schemas.Page, required: pageFields }, 'page');

const validators = {};
function validatorFor(template) {
  if (validators[template]) return validators[template];
  const op = openapi.paths[template]?.get;
  if (!op) throw new Error(`the OpenAPI has no GET ${template}`);
  let schema = structuredClone(op.responses['200'].content['application/json'].schema);
  if (template === '/service_at_locations/{id}') schema = { $ref: upstream + 'compiled/service_at_location.json' };
  if (schema.allOf) {
    schema.allOf = schema.allOf.map((s) => (s.$ref === '#/components/schemas/Page' ? { $ref: 'page' } : s));
    schema.required = ['contents'];
  }
  if (template === '/') schema.required = ['version', 'profile', 'openapi_url'];
  validators[template] = ajv.compile(schema);
  return validators[template];
}

const faults = [];
let checked = 0;
function check(template, what, doc) {
  checked++;
  const v = validatorFor(template);
  if (!v(doc)) {
    for (const e of v.errors.slice(0, 10)) faults.push(`${what}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  return doc;
}
function expect(ok, msg) {
  if (!ok) faults.push(msg);
}

async function get(url, want = 200) {
  let res;
  try {
    res = await fetch(url);
  } catch (err) {
    faults.push(`GET ${url}: ${err.message}`);
    return {};
  }
  const text = await res.text();
  expect(res.status === want, `GET ${url}: ${res.status}, want ${want}: ${text.slice(0, 200)}`);
  expect((res.headers.get('content-type') || '').includes('json'), `GET ${url}: content type ${res.headers.get('content-type')}`);
  try {
    return JSON.parse(text);
  } catch {
    faults.push(`GET ${url}: not JSON`);
    return {};
  }
}

// A list path, paged: the first, the last and the page past the end, and
// the first item of the first page in full.
async function walkList(base, path, perPage) {
  const url = (q) => `${base}${path}?${q}`;
  const first = check(path, `GET ${path} page 1`, await get(url(`per_page=${perPage}`)));
  const items = first.contents || [];
  expect(first.first_page === true && first.page_number === 1, `${path}: page 1 is not the first page`);
  expect(first.size === items.length, `${path}: size ${first.size} but ${items.length} items`);
  expect(first.total_pages === Math.max(1, Math.ceil(first.total_items / perPage)), `${path}: total_pages ${first.total_pages} for ${first.total_items} items`);
  const lastN = first.total_pages;
  const last = check(path, `GET ${path} last page`, await get(url(`per_page=${perPage}&page=${lastN}`)));
  expect(last.last_page === true && last.page_number === lastN && last.size === last.contents?.length && last.size > 0,
    `${path}: page ${lastN} is not a full last page: ${JSON.stringify({ ...last, contents: last.contents?.length })}`);
  expect(lastN === 1 || first.last_page === false, `${path}: page 1 of ${lastN} says it is the last`);
  const past = check(path, `GET ${path} past the end`, await get(url(`per_page=${perPage}&page=${lastN + 1}`)));
  expect(past.empty === true && past.size === 0 && past.contents?.length === 0 && past.total_items === first.total_items,
    `${path}: page ${lastN + 1} is not an empty page`);
  expect(first.empty === false, `${path}: page 1 says it is empty`);
  for (const bad of ['page=0', 'per_page=x', 'colour=red']) {
    await get(url(bad), 400);
  }
  if (items[0]) {
    const one = check(`${path}/{id}`, `GET ${path}/{id}`, await get(`${base}${path}/${items[0].id}`));
    expect(one.id === items[0].id, `${path}/${items[0].id} answers ${one.id}`);
  }
  return first;
}

async function walk(base) {
  const root = check('/', 'GET /', await get(`${base}/`));
  expect(root.version === '3.0', `GET /: version ${root.version}, want 3.0`);
  const doc = await get(root.openapi_url);
  const paths = (d) => Object.keys(d.paths || {}).sort().join(' ');
  expect(doc.openapi === openapi.openapi && doc.info?.version === openapi.info.version && paths(doc) === paths(openapi),
    `openapi_url ${root.openapi_url} is not the profile's OpenAPI`);
  expect(/^https?:\/\//.test(root.profile), `GET /: profile ${root.profile} is not a URL`);
  const services = await walkList(base, '/services', 7);
  await walkList(base, '/taxonomies', 1);
  const terms = await walkList(base, '/taxonomy_terms', 6);
  const located = await walkList(base, '/service_at_locations', 8);
  expect(located.total_items === services.total_items, 'a service at a location for every service');

  // Filters: a term narrows the services to those of its category.
  const allTerms = check('/taxonomy_terms', 'GET /taxonomy_terms all', await get(`${base}/taxonomy_terms?per_page=1000`)).contents || [];
  expect(allTerms.length === terms.total_items && allTerms.every((t) => t.taxonomy_id === allTerms[0].taxonomy_id), 'every term in one taxonomy');
  const term = allTerms.find((t) => t.term === 'library') || allTerms[0];
  const byTerm = check('/services', 'GET /services by term', await get(`${base}/services?taxonomy_term_id=${term.id}&per_page=1000`));
  expect(byTerm.total_items > 0, `taxonomy_term_id ${term.term}: no services`);
  const toilets = allTerms.find((t) => t.term === 'toilets');
  const noToilets = await get(`${base}/services?taxonomy_term_id=${toilets?.id}`);
  expect(noToilets.total_items === 0 && noToilets.empty === true, `taxonomy_term_id toilets: ${noToilets.total_items} services`);
  for (const s of byTerm.contents || []) {
    expect(s.attributes?.some((a) => a.taxonomy_term_id === term.id), `taxonomy_term_id ${term.term}: service ${s.id} lacks the term`);
  }
  const name = services.contents[0].name;
  const found = check('/services', 'GET /services by search', await get(`${base}/services?search=${encodeURIComponent(name)}`));
  expect(found.contents?.some((s) => s.name === name), `search ${name}: not found`);
  const none = check('/service_at_locations', 'GET /service_at_locations none', await get(`${base}/service_at_locations?search=zzzznothing`));
  expect(none.empty === true && none.total_items === 0 && none.total_pages === 1 && none.last_page === true, 'an empty search is one empty page');
  await get(`${base}/services?taxonomy_term_id=nope`, 400);
  await get(`${base}/services?taxonomy_id=nope`, 400);
  await get(`${base}/service_at_locations?postcode=S8`, 400);

  // Not found: 404 with placemap's error shape.
  for (const p of ['/services/', '/taxonomies/', '/taxonomy_terms/', '/service_at_locations/']) {
    const e = await get(`${base}${p}00000000-0000-4000-8000-000000000000`, 404);
    expect(e.error?.code === 'not_found' && typeof e.error?.message === 'string', `${p}{missing}: ${JSON.stringify(e)}`);
    checked++;
  }
}

const [, , mode, a, b] = process.argv;
if (mode === 'api' && a) {
  await walk(a.replace(/\/$/, ''));
} else if (mode === 'response' && a && b) {
  check(a, b, JSON.parse(readFileSync(b, 'utf8')));
} else {
  console.error('usage: node test/js/oruk-api.mjs api BASE | response TEMPLATE FILE');
  process.exit(2);
}
if (faults.length) {
  for (const f of faults) console.error(f);
  process.exit(1);
}
console.log(`valid: ${checked} responses`);
