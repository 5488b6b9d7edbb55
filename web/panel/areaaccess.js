// @ts-check
// An area's walking access in its details: for each category with a
// finished baseline run, "N residents are more than 15 minutes' walk from
// a library", linked to the run. Nothing at all when no run covers it (or
// the server has no access runs).
//
// API used: GET api/sets/{set}/areas/{code}/access
//   [{category, run, population, beyond_15_residents, share_beyond_15, mean_minutes}]
//
// Security: API text reaches the page only through el()/textContent.

import { el, str, fetchJSON } from '../util.js';
import { pct, fmtValue } from '../format.js';
import { categoryTitle } from '../store.js';
import { hashFor } from '../router.js';
import { beyondSentence, meanText } from '../views/accesskit.js';

/**
 * accessNodes are the sentences for an area's access list (none when it
 * is empty).
 * @param {unknown} list
 * @param {string} slug the area's set, for the links
 * @returns {HTMLElement[]}
 */
export function accessNodes(list, slug) {
  const rows = (Array.isArray(list) ? list : []).filter((a) => a && str(a.category));
  if (!rows.length) return [];
  return [
    el('h4', { id: 'area-access-heading', text: 'Walking access' }),
    el('ul', { className: 'area-access-list', 'aria-labelledby': 'area-access-heading' }, ...rows.map((a) => el('li', { dataset: { category: str(a.category) } },
      el('span', { className: 'area-access-sentence', text: `${beyondSentence(a.beyond_15_residents, categoryTitle(a.category))}.` }), ' ',
      el('span', { className: 'muted', text: `${pct(a.share_beyond_15)} of ${fmtValue(a.population, 0)}; ${meanText(a.mean_minutes)}. ` }),
      str(a.run) ? el('a', { href: hashFor({ view: 'access', run: str(a.run), scenario: '', set: slug }), text: 'See the run' }) : null))),
  ];
}

/**
 * fillAreaAccess asks for an area's access and fills box (left empty when
 * there is none or the answer fails).
 * @param {HTMLElement} box
 * @param {string} slug
 * @param {string} code
 * @param {AbortSignal} signal
 */
export async function fillAreaAccess(box, slug, code, signal) {
  let list;
  try {
    list = await fetchJSON(`api/sets/${encodeURIComponent(slug)}/areas/${encodeURIComponent(code)}/access`, { signal });
  } catch {
    return;
  }
  if (!box.isConnected) return;
  box.replaceChildren(...accessNodes(list, slug));
}
