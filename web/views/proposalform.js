// @ts-check
// "Propose a shared set", the Proposals view's form for editors: the set
// of building blocks, the sets to fit (each with a weight), a set to nest
// in, a population band, and the new set's slug, title and kind. Sending
// it waits while the server builds the proposal (seconds), then opens it.
//
// API used: POST api/proposals/sets (editors; CSRF through edit/api.js).
//
// Security: API text reaches the page only through el()/textContent.

import { $, el, str } from '../util.js';
import { state } from '../store.js';
import { send, messageOf } from '../edit/api.js';
import { canEdit, onAuthChange } from '../edit/session.js';
import { fillSelect, indicatorList } from './common.js';
import { loadList, navigateTo } from './proposals.js';

const KINDS = [{ value: 'community', label: 'Community' }, { value: 'service', label: 'Service' }];

/** @returns {import('./common.js').Option[]} */
const setOptions = () => state.sets.filter((s) => s.current !== false).map((s) => ({ value: s.slug, label: s.title || s.slug }));

/**
 * field is a labelled input or select.
 * @param {string} id
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(id, label, control, hint) {
  control.id = id;
  const hintNode = hint ? el('span', { className: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { className: 'field form-field' }, el('label', { for: id, className: 'field-label', text: label }), control, hintNode);
}

/** @returns {HTMLFormElement} the form, built once */
function build() {
  const blocks = el('select');
  fillSelect(blocks, setOptions(), state.setsBySlug.has('oa-2011') ? 'oa-2011' : undefined);
  const fits = el('fieldset', { className: 'prop-fits-field', id: 'prop-f-fits' },
    el('legend', { className: 'field-label', text: 'Sets to agree with, and their weights' }),
    ...setOptions().map((o) => {
      const box = el('input', { type: 'checkbox', value: o.value, id: `prop-f-fit-${o.value}`, dataset: { fit: o.value } });
      const weight = el('input', {
        type: 'number', min: '0', step: 'any', value: '1', id: `prop-f-w-${o.value}`, className: 'prop-weight',
        'aria-label': `Weight of ${o.label}`, disabled: true, dataset: { weight: o.value },
      });
      box.addEventListener('change', () => { weight.disabled = !box.checked; });
      return el('div', { className: 'prop-fit-row' },
        el('label', { for: box.id, className: 'layer-label' }, box, el('span', { text: o.label })), weight);
    }));
  const nest = el('select');
  fillSelect(nest, [{ value: '', label: 'None' }, ...setOptions()], '');
  const population = el('select');
  const fillPopulation = () => {
    const set = blocks.value;
    fillSelect(population, [{ value: '', label: 'None (every block counts the same)' }]);
    indicatorList(set).then((list) => {
      if (blocks.value !== set) return;
      fillSelect(population, [{ value: '', label: 'None (every block counts the same)' },
        ...list.filter((i) => str(i.kind) !== 'rate').map((i) => ({ value: str(i.name), label: str(i.title) || str(i.name) }))],
      list.some((i) => str(i.name) === 'population') ? 'population' : '');
    }).catch(() => {});
  };
  blocks.addEventListener('change', fillPopulation);
  fillPopulation();
  const kind = el('select');
  fillSelect(kind, KINDS, 'community');
  const form = el('form', { id: 'prop-form', className: 'prop-form', novalidate: true, 'aria-labelledby': 'prop-form-heading' },
    el('h3', { id: 'prop-form-heading', className: 'visually-hidden', text: 'Propose a shared set' }),
    field('prop-f-blocks', 'Building blocks', blocks, 'Each area of the proposal is a union of whole blocks of this set.'),
    fits,
    field('prop-f-nest', 'Nest each area inside one area of', nest),
    field('prop-f-pop', 'Population', population),
    el('div', { className: 'prop-band' },
      field('prop-f-min', 'At least', el('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric' })),
      field('prop-f-max', 'At most', el('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric' }))),
    field('prop-f-slug', 'Slug of the new set', el('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', required: true, 'aria-required': 'true', pattern: '[a-z0-9][a-z0-9-]*' }),
      'Lower-case letters, digits and hyphens, e.g. shared-2026.'),
    field('prop-f-title', 'Title', el('input', { type: 'text', autocomplete: 'off', required: true, 'aria-required': 'true' })),
    field('prop-f-kind', 'Kind', kind),
    el('p', { id: 'prop-f-error', className: 'form-error', role: 'alert' }),
    el('p', { id: 'prop-f-status', className: 'view-status', role: 'status', 'aria-live': 'polite' }),
    el('div', { className: 'form-buttons' }, el('button', { type: 'submit', id: 'prop-f-submit', className: 'btn btn-primary', text: 'Propose' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(form);
  });
  return form;
}

/**
 * @param {string} id
 * @returns {string} the value of an input or select of the form
 */
const val = (id) => str(/** @type {HTMLInputElement} */ ($(id)).value);

/**
 * bodyOf reads the form into the request body, or a message saying what
 * is missing.
 * @returns {{body: Record<string, any>} | {error: string, focus: string}}
 */
export function bodyOf() {
  const fit = [];
  const weights = [];
  for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#prop-f-fits input[data-fit]'))) {
    if (!box.checked) continue;
    const w = Number(/** @type {HTMLInputElement} */ ($(`prop-f-w-${box.value}`)).value);
    if (!(w > 0)) return { error: `The weight of ${box.value} should be a number above 0.`, focus: `prop-f-w-${box.value}` };
    fit.push(box.value);
    weights.push(w);
  }
  if (!fit.length) return { error: 'Pick at least one set to agree with.', focus: 'prop-f-fits' };
  const slug = val('prop-f-slug');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(slug)) return { error: 'The slug should be lower-case letters, digits and hyphens.', focus: 'prop-f-slug' };
  const title = val('prop-f-title');
  if (!title) return { error: 'Give the new set a title.', focus: 'prop-f-title' };
  /** @type {Record<string, any>} */
  const body = { blocks: val('prop-f-blocks'), fit, weights, slug, title, kind: val('prop-f-kind') };
  if (val('prop-f-nest')) body.nest_in = val('prop-f-nest');
  if (val('prop-f-pop')) body.population = val('prop-f-pop');
  const min = val('prop-f-min'), max = val('prop-f-max');
  if (min) body.min_pop = Number(min);
  if (max) body.max_pop = Number(max);
  if ((min || max) && !body.population) return { error: 'A population band needs a population figure.', focus: 'prop-f-pop' };
  return { body };
}

/** @param {HTMLFormElement} form */
async function submit(form) {
  const error = $('prop-f-error');
  const status = $('prop-f-status');
  const button = /** @type {HTMLButtonElement} */ ($('prop-f-submit'));
  error.textContent = '';
  const read = bodyOf();
  if ('error' in read) {
    error.textContent = read.error;
    const f = $(read.focus);
    if (f) (f.matches('fieldset') ? /** @type {HTMLElement} */ (f.querySelector('input')) : f).focus();
    return;
  }
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  form.classList.add('busy');
  status.textContent = 'Building the proposal: this takes some seconds…';
  const r = await send('POST', 'api/proposals/sets', { body: read.body });
  button.disabled = false;
  form.removeAttribute('aria-busy');
  form.classList.remove('busy');
  if (!r.ok) {
    status.textContent = '';
    error.textContent = r.status === 409 ? `${messageOf(r)} Pick another slug.` : messageOf(r);
    return;
  }
  const slug = str(r.data && r.data.slug) || read.body.slug;
  status.textContent = `Proposed ${slug}.`;
  /** @type {HTMLDetailsElement} */ ($('prop-new')).open = false;
  await loadList({ force: true });
  navigateTo(slug);
}

/** forAccount shows the form to editors only. */
function forAccount() {
  const box = /** @type {HTMLDetailsElement} */ ($('prop-new'));
  box.hidden = !canEdit();
  if (!canEdit() || $('prop-form')) return;
  $('prop-form-slot').replaceChildren(build());
}

/** setupProposalForm offers the form as soon as an editor signs in. */
export function setupProposalForm() {
  onAuthChange(forAccount);
  forAccount();
}
