// @ts-check
// "Copy link": the address that reopens the Map view as it is now, with an
// asset or area selected (maplink.js writes it), or any other address (a
// drawing's private link), put on the clipboard; where
// the clipboard is refused or missing, shown selected in a read-only field
// to copy by hand.

import { el } from '../util.js';
import { state, mapIfReady } from '../store.js';
import { MAP_PANELS, mapLinkOf, mapHashFor } from '../maplink.js';
import { setStatus, openMapPanels } from './panel.js';

/**
 * mapHashNow is the hash of the Map view as shown now: where the map is,
 * the layers shown, the panel's sections open and the selection (select,
 * when given, instead of the current one). A selected area's set is shown in
 * the link even when it is not ticked now, so the link shows what it names.
 * @param {{asset?: string | null, area?: import('../store.js').AreaRef | null}} [select]
 * @returns {string}
 */
export function mapHashNow(select) {
  const link = mapLinkOf(state, mapIfReady(), select);
  const slug = select && select.area ? select.area.slug : '';
  if (slug && Array.isArray(link.sets) && !link.sets.includes(slug)) link.sets = [...link.sets, slug];
  const panel = openMapPanels(MAP_PANELS);
  if (panel.length) link.panel = panel;
  return mapHashFor(link);
}

/**
 * copyRow is a button that puts an address on the clipboard, with the
 * address in a read-only field: shown once asked for, or from the start
 * (shown). Where the clipboard is refused or missing, the field is
 * selected to copy by hand.
 * @param {() => string} urlOf the address, asked when the button is pressed
 * @param {{text?: string, fieldLabel?: string, shown?: boolean, id?: string}} [options]
 * @returns {HTMLElement}
 */
export function copyRow(urlOf, { text = 'Copy link', fieldLabel = 'Link to this view', shown = false, id } = {}) {
  const field = /** @type {HTMLInputElement} */ (el('input', { type: 'text', className: 'copy-link-field', readOnly: true, 'aria-label': fieldLabel, id: id ? `${id}-field` : null }));
  field.hidden = !shown;
  if (shown) field.value = urlOf();
  const button = el('button', {
    type: 'button', className: 'btn btn-small copy-link', id,
    text,
    onclick: async () => {
      const url = urlOf();
      field.value = url;
      field.hidden = false;
      setStatus('');
      try {
        if (!navigator.clipboard || !navigator.clipboard.writeText) throw new Error('no clipboard');
        await navigator.clipboard.writeText(url);
        setStatus('Link copied');
      } catch {
        field.focus();
        field.select();
        setStatus('The link could not be copied for you: it is selected below, copy it with Ctrl+C (⌘C on a Mac)');
      }
    },
  });
  return el('p', { className: 'copy-link-row' }, button, field);
}

/**
 * copyLinkRow is the "Copy link" action of an asset's or an area's details:
 * a button copying the address that reopens the map with it selected, and
 * the address itself in a read-only field, shown once asked for.
 * @param {{asset?: string, area?: import('../store.js').AreaRef}} select
 * @returns {HTMLElement}
 */
export function copyLinkRow(select) {
  return copyRow(() => location.href.split('#')[0] + mapHashNow({ asset: select.asset || null, area: select.area || null }));
}
