// @ts-check
// An asset's history with "Restore this version", and reviews: "Mark
// reviewed" and the list of assets not reviewed in the last 12 months.
//
// API used (same origin, relative URLs):
//   GET  api/assets/{id}/history -> {asset, deleted, revisions: [{seq, action,
//        author_name (display name or role; author, the e-mail, for admins
//        only), comment, created_at, version, changes: [{field, from, to}]}]}
//   POST api/assets/{id}/restore {revision} If-Match   (editor+)
//   POST api/assets/{id}/reviewed If-Match             (editor+)
//   GET  api/assets?needs_review=true                  (editor+)

import { $, el, str } from '../util.js';
import { fmtDate, who } from '../format.js';
import { refreshAssets } from '../map/layers.js';
import { openAsset } from '../panel/details.js';
import { canEdit } from '../edit/session.js';
import { send, messageOf, versionOf, etagFor } from '../edit/api.js';
import { button, setAssetNotice } from '../edit/active.js';
import { sessionLost } from '../edit/account.js';
import { changeList, notice } from './changelist.js';

/**
 * loadHistory lists an asset's revisions in box, newest first; editors
 * may restore any but the latest.
 * @param {any} feature
 * @param {HTMLElement} box
 * @param {{message?: HTMLElement | null}} [options] shown above the list
 */
export async function loadHistory(feature, box, { message = null } = {}) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  box.replaceChildren(el('p', { text: 'Loading the history…' }));
  const r = await send('GET', `api/assets/${encodeURIComponent(id)}/history`);
  if (!r.ok || !r.data) {
    box.replaceChildren(notice('history-error', `Could not load the history: ${messageOf(r)}`, { error: true }));
    return;
  }
  const revs = Array.isArray(r.data.revisions) ? r.data.revisions : [];
  const nodes = [];
  if (message) nodes.push(message);
  nodes.push(el('h4', { id: 'history-heading', text: `History (${revs.length} ${revs.length === 1 ? 'revision' : 'revisions'})` }));
  const list = el('ol', { className: 'history-list', reversed: true, 'aria-labelledby': 'history-heading' });
  const currentVersion = versionOf(feature);
  const latestSeq = revs.length ? revs[revs.length - 1].seq : null;
  for (const rv of revs.slice().reverse()) {
    const v = Number(rv.version);
    const isLatest = rv.seq === latestSeq;
    const li = el('li', { className: 'revision', dataset: { seq: str(rv.seq), version: str(rv.version) } },
      el('p', { className: 'revision-head' },
        el('strong', { text: `${str(rv.action) || 'change'}` }),
        Number.isFinite(v) && v > 0 ? ` · version ${v}` : '',
        ` · ${who(rv.author_name, rv.author) || 'unknown'} · `,
        el('time', { datetime: str(rv.created_at), text: fmtDate(rv.created_at) }),
        isLatest ? el('span', { className: 'badge', text: 'current' }) : null),
      str(rv.comment) ? el('p', { className: 'revision-comment', text: `“${str(rv.comment)}”` }) : null,
      Array.isArray(rv.changes) && rv.changes.length ? changeList(rv.changes, 'revision-changes') : null);
    if (!isLatest && canEdit() && str(rv.action) !== 'delete') {
      li.append(button('Restore this version', {
        className: 'btn btn-small restore-btn', dataset: { seq: str(rv.seq) },
        onclick: (ev) => restore(feature, rv, box, currentVersion, ev.currentTarget),
      }));
    }
    list.append(li);
  }
  nodes.push(list);
  box.replaceChildren(...nodes);
}

/**
 * @param {any} feature
 * @param {any} rv the revision to restore
 * @param {HTMLElement} box the history's box
 * @param {number | null} currentVersion
 * @param {HTMLButtonElement} btn
 */
async function restore(feature, rv, box, currentVersion, btn) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  btn.disabled = true;
  const r = await send('POST', `api/assets/${encodeURIComponent(id)}/restore`, {
    body: { revision: Number(rv.seq) }, ifMatch: currentVersion ? etagFor(currentVersion) : undefined,
  });
  btn.disabled = false;
  if (r.ok) {
    refreshAssets();
    setAssetNotice({ id, text: `Restored version ${str(rv.version)} of “${str(p.name)}”.` });
    openAsset(id, { focus: true });
    return;
  }
  if (r.status === 401) sessionLost();
  if (r.status === 409) {
    const current = r.data && r.data.current;
    const msg = notice('history-error', 'Someone changed this asset since you opened it: nothing was restored. Here is the current version and its history; restore again if you still want to.', { error: true });
    if (current) {
      refreshAssets();
      setAssetNotice({ id, text: msg.textContent });
      openAsset(id, { focus: true });
      return;
    }
    box.prepend(msg);
    return;
  }
  box.prepend(notice('history-error', `Not restored: ${messageOf(r)}`, { error: true }));
}

// ---------------------------------------------------------------- reviewed

/**
 * markReviewed records that an editor checked the asset today.
 * @param {any} feature
 * @param {HTMLElement} slot where a refusal is shown
 */
export async function markReviewed(feature, slot) {
  const p = feature.properties || {};
  const id = str(p.id) || str(feature.id);
  const v = versionOf(feature);
  const r = await send('POST', `api/assets/${encodeURIComponent(id)}/reviewed`, { ifMatch: v ? etagFor(v) : undefined });
  if (r.ok) {
    setAssetNotice({ id, text: `Marked “${str(p.name)}” as reviewed.` });
    openAsset(id, { focus: true });
    const reviewBox = document.getElementById('needs-review');
    if (reviewBox && !reviewBox.hidden) loadNeedsReview();
    return;
  }
  if (r.status === 401) sessionLost();
  if (r.status === 409) {
    setAssetNotice({ id, text: 'Someone changed this asset since you opened it: here is the current version. Check it, then mark it reviewed again.' });
    openAsset(id, { focus: true });
    return;
  }
  slot.replaceChildren(notice('review-error', `Not marked: ${messageOf(r)}`, { error: true }));
}

/** loadNeedsReview lists the assets not reviewed in the last 12 months. */
export async function loadNeedsReview() {
  const list = $('needs-review-list');
  if (!list) return;
  list.replaceChildren(el('li', { text: 'Loading…' }));
  const r = await send('GET', 'api/assets?needs_review=true&limit=100');
  if (!r.ok || !r.data) {
    list.replaceChildren(el('li', { className: 'form-error', text: `Could not load: ${messageOf(r)}` }));
    return;
  }
  const feats = Array.isArray(r.data.features) ? r.data.features : [];
  const total = Number(r.data.numberMatched);
  $('needs-review-count').textContent = feats.length
    ? `${Number.isFinite(total) ? total : feats.length} not reviewed in the last 12 months${Number.isFinite(total) && total > feats.length ? ` (first ${feats.length} shown)` : ''}.`
    : 'Every asset has been reviewed in the last 12 months.';
  list.replaceChildren(...feats.map((f) => {
    const fp = f.properties || {};
    const id = str(fp.id) || str(f.id);
    return el('li', null, el('button', {
      type: 'button', className: 'row-button', dataset: { id },
      onclick: () => openAsset(id, { fly: true, geometry: f.geometry, focus: true }),
    }, el('span', { className: 'row-title', text: str(fp.name) || '(unnamed asset)' })));
  }));
}
