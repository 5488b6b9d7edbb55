// @ts-check
// An area's profile in the details pane, in plain words: how many people
// live there and how deprived it is (with how that was worked out), what
// is in it by category, and how it lines up with the other current
// boundary sets. One request: api/sets/{set}/areas/{code}/profile.

import { el, str } from '../util.js';
import { pct, countOf, roughCount, decileWords, fmtValue } from '../format.js';

/** Plain words for the kinds of boundary set. */
export const KIND_WORDS = /** @type {Record<string, string>} */ ({
  statutory: 'official boundaries',
  statistical: 'statistical areas',
  service: 'service areas',
  programme: 'programme areas',
  community: 'drawn by residents',
});

/**
 * @typedef {{
 *   openArea: (slug: string, code: string) => void,
 *   areaHref: (slug: string, code: string) => string,
 *   assetRow: (a: any) => HTMLElement,
 * }} ProfileActions
 */

/**
 * howWorkedOut is a disclosure with the technical methods behind figures.
 * @param {string[]} texts
 */
function howWorkedOut(texts) {
  return el('details', { className: 'how' }, el('summary', { text: 'How these figures are worked out' }),
    ...texts.map((text) => el('p', { className: 'muted', text })));
}

/**
 * lowerFirst lowers a title's first letter unless it starts an acronym.
 * @param {string} s
 */
const lowerFirst = (s) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

/**
 * figureLine is a figure in plain words, its basis after a dash, and the
 * technical method as its tooltip.
 * @param {string} className
 * @param {string} plain
 * @param {string} basis
 * @param {string} method
 */
function figureLine(className, plain, basis, method) {
  return el('p', { className, title: method }, el('strong', { text: plain }), ` — ${basis}`);
}

/**
 * populationNodes says how many people live in the area.
 * @param {any} f the profile's population figure
 */
function populationNodes(f) {
  const title = lowerFirst(str(f.title));
  if (f.method === "the set's own values") {
    return { line: figureLine('profile-population', `${fmtValue(f.value, 0)} people`, `${title}, as published for this area.`, 'the set\'s own values'),
      how: `Population: ${title}, the figure published for this area. Source: ${str(f.source)}.` };
  }
  const from = str(f.from_title) || str(f.from);
  const basis = `${title}, added up from the ${Number(f.parts) || 0} ${from} inside it; `
    + 'where one straddles the edge, its people are split by how much of its area lies inside.';
  return { line: figureLine('profile-population', `About ${roughCount(f.value)} people`, basis, str(f.method)),
    how: `Population: ${str(f.method)}. Exact sum: ${fmtValue(f.value, 1)}. Source: ${str(f.source)}.` };
}

/**
 * deprivationNodes says how deprived the area is, as an average decile.
 * @param {any} f the profile's deprivation figure
 */
function deprivationNodes(f) {
  const title = str(f.title);
  const scale = '1 is the most deprived tenth of areas in England, 10 the least';
  if (f.method === "the set's own values") {
    return { line: figureLine('profile-deprivation', `Deprivation: ${decileWords(f.value)} of England`, `${title} ${fmtValue(f.value, 0)} (${scale}).`, 'the set\'s own values'),
      how: `Deprivation: ${title}, the figure published for this area. Source: ${str(f.source)}.` };
  }
  const from = str(f.from_title) || str(f.from);
  const weight = f.weight === 'population' ? 'how many of its people live in this area' : 'how much of its ground lies in this area';
  const basis = `${title} ${fmtValue(f.value, 1)} (${scale}), averaged over the ${Number(f.parts) || 0} ${from} it overlaps, `
    + `each counted by ${weight}.`;
  return { line: figureLine('profile-deprivation', `Deprivation: on average ${decileWords(f.value)} of England`, basis, str(f.method)),
    how: `Deprivation: ${str(f.method)}. Source: ${str(f.source)}.` };
}

/**
 * assetSummary is "3 libraries, 1 community centre and 1 closed library".
 * @param {any} assets the profile's assets
 */
export function assetSummary(assets) {
  /** @type {string[]} */
  const parts = [];
  for (const [key, adj] of /** @type {[string, string][]} */ ([['in_use', ''], ['closed', 'closed'], ['proposed', 'proposed']])) {
    for (const g of Array.isArray(assets[key]) ? assets[key] : []) parts.push(countOf(Number(g.count) || 0, g.title, adj));
  }
  if (!parts.length) return 'Nothing recorded here yet.';
  return parts.length === 1 ? `${parts[0]}.` : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}.`;
}

/**
 * assetNodes lists the area's assets by category, closed and proposed ones
 * apart, each with a button that opens it. The heading keeps the id and
 * words of the plain list it replaces.
 * @param {any} assets the profile's assets
 * @param {ProfileActions} actions
 */
export function assetNodes(assets, actions) {
  /** @type {HTMLElement[]} */
  const nodes = [el('h4', { id: 'area-assets-heading', text: `Assets in this area (${fmtValue(Number(assets.total) || 0, 0)})` }),
    el('p', { className: 'profile-assets', text: assetSummary(assets) })];
  for (const [key, adj] of /** @type {[string, string][]} */ ([['in_use', ''], ['closed', 'closed'], ['proposed', 'proposed']])) {
    for (const g of Array.isArray(assets[key]) ? assets[key] : []) {
      const id = `area-assets-${key}-${str(g.category)}`;
      const label = countOf(Number(g.count) || 0, g.title, adj);
      nodes.push(el('h5', { id, className: 'asset-group-heading', text: label.charAt(0).toUpperCase() + label.slice(1) }),
        el('ul', { className: 'asset-list', 'aria-labelledby': id },
          ...(Array.isArray(g.assets) ? g.assets : []).map((/** @type {any} */ a) => el('li', null, actions.assetRow(a)))));
    }
  }
  return nodes;
}

/**
 * counterpartRow is one best fit in another set: a link that selects it
 * (its address reopens the map with it selected, so it can be opened in a
 * new tab or copied), and how much the two overlap.
 * @param {any} c
 * @param {string} set
 * @param {ProfileActions} actions
 */
function counterpartRow(c, set, actions) {
  const name = str(c.name) || str(c.code);
  const a = Number(c.share_of_this_in_it), b = Number(c.share_of_it_in_this);
  const words = a >= 0.995 && b >= 0.995 ? 'the same ground as this area'
    : `covers ${pct(a)} of this area; this area covers ${pct(b)} of ${name}`;
  return el('li', { className: 'counterpart' },
    el('a', {
      className: 'counterpart-link', href: actions.areaHref(set, str(c.code)), dataset: { set, code: str(c.code) }, text: name,
      /** @param {MouseEvent} ev */
      onclick: (ev) => {
        if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // a new tab or window
        ev.preventDefault();
        actions.openArea(set, str(c.code));
      },
    }),
    el('span', { text: ` ${words}.` }));
}

/**
 * otherNodes is "This area in other definitions": per other current set,
 * its best-fit areas.
 * @param {any[]} others
 * @param {ProfileActions} actions
 */
function otherNodes(others, actions) {
  /** @type {HTMLElement[]} */
  const nodes = [el('h4', { id: 'area-others-heading', text: 'This area in other definitions' })];
  if (!others.length) {
    nodes.push(el('p', { className: 'muted', text: 'No other current boundary set.' }));
    return nodes;
  }
  const list = el('ul', { className: 'other-definitions', 'aria-labelledby': 'area-others-heading' });
  for (const o of others) {
    const set = str(o.set);
    const kind = KIND_WORDS[str(o.kind)] || str(o.kind);
    const areas = Array.isArray(o.areas) ? o.areas : [];
    const item = el('li', { dataset: { set } }, el('span', { className: 'other-set', text: `${str(o.title) || set}` },
      kind ? el('span', { className: 'muted', text: ` (${kind})` }) : null));
    if (!areas.length) {
      item.append(el('p', { className: 'muted', text: 'No area of this set overlaps it.' }));
    } else {
      item.append(el('ul', null, ...areas.map((/** @type {any} */ c) => counterpartRow(c, set, actions))));
      const more = (Number(o.overlapping) || 0) - areas.length;
      const notes = [];
      if (more > 0) notes.push(`${more} more overlap${more === 1 ? 's' : ''} it a little`);
      if (Number(o.share_outside) >= 0.01) notes.push(`${pct(o.share_outside)} of this area is in none of them`);
      if (notes.length) item.append(el('p', { className: 'muted', text: `${notes.join('; ')}.`.replace(/^./, (ch) => ch.toUpperCase()) }));
    }
    list.append(item);
  }
  nodes.push(list);
  return nodes;
}

/**
 * renderProfile is the profile's parts: people (population and
 * deprivation), assets (where the plain list was) and other definitions.
 * @param {any} p the profile
 * @param {ProfileActions} actions
 */
export function renderProfile(p, actions) {
  /** @type {HTMLElement[]} */
  const people = [el('h4', { id: 'area-people-heading', text: 'People' })];
  const figures = [p.population ? populationNodes(p.population) : null, p.deprivation ? deprivationNodes(p.deprivation) : null]
    .filter((x) => x !== null);
  for (const f of figures) people.push(f.line);
  if (figures.length) people.push(howWorkedOut(figures.map((f) => f.how)));
  else people.push(el('p', { className: 'muted', text: 'No population or deprivation figures are loaded for this area.' }));
  return {
    people,
    assets: assetNodes(p.assets || {}, actions),
    others: otherNodes(Array.isArray(p.other_definitions) ? p.other_definitions : [], actions),
  };
}
