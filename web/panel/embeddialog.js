// @ts-check
// "Embed this map": a dialog giving the HTML that puts the Map view, as it
// is now, on another site (an iframe of /embed; the site must be one the
// server's --embed-origins lists), in a chosen size, with a copy button
// (copylink.js).

import { $, el } from '../util.js';
import { escapeHTML } from '../format.js';
import { state, mapIfReady } from '../store.js';
import { mapLinkOf, mapQueryFor } from '../maplink.js';
import { copyRow } from './copylink.js';

/** The sizes offered, in CSS pixels. */
export const EMBED_SIZES = Object.freeze([
  { id: 'small', label: 'Small', width: 400, height: 300 },
  { id: 'medium', label: 'Medium', width: 640, height: 480 },
  { id: 'large', label: 'Large', width: 960, height: 640 },
]);

/**
 * embedSnippet is the iframe showing a map view (its maplink.js query) from
 * the site at base (ending in /), every value escaped for HTML.
 * @param {string} base
 * @param {string} query
 * @param {{width: number, height: number}} size
 * @param {string} title
 * @returns {string}
 */
export function embedSnippet(base, query, size, title) {
  const src = `${base}embed${query ? `?${query}` : ''}`;
  return `<iframe src="${escapeHTML(src)}" width="${size.width}" height="${size.height}" title="${escapeHTML(title)}"`
    + ' style="border:0" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>';
}

/** @returns {string} the snippet of the Map view as it is now, in the size picked */
function snippetNow() {
  const picked = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="embed-size"]:checked'));
  const size = EMBED_SIZES.find((s) => picked && s.id === picked.value) || EMBED_SIZES[1];
  const base = location.href.split('#')[0].replace(/[?].*$/, '').replace(/[^/]*$/, '');
  const title = `${String(state.config.title || 'placemap')} map`;
  return embedSnippet(base, mapQueryFor(mapLinkOf(state, mapIfReady())), size, title);
}

/** setupEmbedDialog makes the dialog that #embed-open opens. */
export function setupEmbedDialog() {
  const opener = $('embed-open');
  const sizes = el('fieldset', { className: 'embed-sizes' }, el('legend', { className: 'field-label', text: 'Size' }),
    ...EMBED_SIZES.map((s, i) => el('label', { className: 'check-row' },
      el('input', { type: 'radio', name: 'embed-size', value: s.id, checked: i === 1 }), ` ${s.label} (${s.width} × ${s.height})`)));
  const row = copyRow(snippetNow, { text: 'Copy the code', fieldLabel: 'Code to put in your page', shown: true, id: 'embed-copy' });
  const field = /** @type {HTMLInputElement} */ (row.querySelector('input'));
  // copyRow says in the panel's status line whether it copied: said again
  // here, where the dialog (modal) is.
  const said = el('p', { className: 'hint', id: 'embed-status', role: 'status', 'aria-live': 'polite' });
  new MutationObserver(() => { if (dialog.open) said.textContent = $('app-status').textContent; })
    .observe($('app-status'), { childList: true, characterData: true, subtree: true });
  const close = el('button', { type: 'button', className: 'btn', id: 'embed-close', text: 'Close' });
  const dialog = /** @type {HTMLDialogElement} */ (el('dialog', { id: 'embed-dialog', className: 'embed-dialog', 'aria-labelledby': 'embed-dialog-title' },
    el('h2', { id: 'embed-dialog-title', className: 'section-heading', text: 'Embed this map' }),
    el('p', { className: 'hint', text: 'Put this code in a page of your site to show the map as it is now. The site must be one this placemap lets frame its map (ask whoever runs it).' }),
    sizes, row, said, el('div', { className: 'form-buttons' }, close)));
  document.body.append(dialog);
  sizes.addEventListener('change', () => { field.value = snippetNow(); });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => opener.focus());
  opener.addEventListener('click', () => {
    field.value = snippetNow();
    said.textContent = '';
    dialog.showModal();
    /** @type {HTMLElement} */ (dialog.querySelector('input[name="embed-size"]:checked')).focus();
  });
}
