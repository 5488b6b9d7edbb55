// @ts-check
// How a change to an asset reads in its history and in the moderation
// queue: the field's name, its value before and after (titles for
// categories and statuses, a point as coordinates), and notices.

import { el, str } from '../util.js';
import { fmtCoord, statusTitle } from '../format.js';
import { categoryTitle } from '../store.js';

const FIELD_LABELS = /** @type {Record<string, string>} */ ({
  name: 'Name', category: 'Category', status: 'Status', address: 'Address', postcode: 'Postcode',
  opening_hours: 'Opening hours', website: 'Website', phone: 'Phone', email: 'Email', operator: 'Operator',
  geometry: 'Location',
});

/**
 * fieldLabel is a field's name in words, in lower case past the first.
 * @param {unknown} f
 * @returns {string}
 */
export function fieldLabel(f) {
  const s = str(f);
  return FIELD_LABELS[s] || s.replace(/_/g, ' ');
}

/**
 * fieldTitle is fieldLabel with a capital.
 * @param {unknown} f
 * @returns {string}
 */
export function fieldTitle(f) {
  const l = fieldLabel(f);
  return l.charAt(0).toUpperCase() + l.slice(1);
}

/**
 * changedValue shows a changed value: titles for categories and statuses,
 * and a point (GeoJSON text) as coordinates.
 * @param {string} field
 * @param {unknown} v
 * @returns {string}
 */
export function changedValue(field, v) {
  const s = str(v);
  if (!s) return '(empty)';
  if (field === 'category') return categoryTitle(s) || s;
  if (field === 'status') return statusTitle(s) || s;
  if (field === 'geometry') {
    try {
      const g = JSON.parse(s);
      if (g && g.type === 'Point' && Array.isArray(g.coordinates)) {
        const [lng, lat] = g.coordinates.map(Number);
        return fmtCoord({ lng, lat });
      }
      return g && g.type ? `a ${g.type}` : s;
    } catch {
      return s;
    }
  }
  return s;
}

/**
 * changeList lists changes [{field, from, to}] as "Field: from → to".
 * @param {unknown} changes
 * @param {string} [className]
 */
export function changeList(changes, className) {
  const list = el('ul', { className: `change-list ${className || ''}` });
  for (const c of Array.isArray(changes) ? changes : []) {
    const field = str(c.field);
    list.append(el('li', { className: 'change', dataset: { field } },
      el('span', { className: 'change-field', text: `${fieldTitle(field)}: ` }),
      el('span', { className: 'change-from', text: changedValue(field, c.from) }),
      el('span', { className: 'change-arrow', text: ' → ' }),
      el('span', { className: 'change-to', text: changedValue(field, c.to) })));
  }
  return list;
}

/**
 * notice is a message that can take the focus: a status, or an alert.
 * @param {string} id
 * @param {string} text
 * @param {{error?: boolean}} [options]
 */
export function notice(id, text, { error = false } = {}) {
  return el('p', { className: error ? 'form-error' : 'notice', role: error ? 'alert' : 'status', id, text, tabindex: '-1' });
}
