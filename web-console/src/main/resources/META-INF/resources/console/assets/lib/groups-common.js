// Pieces the consumer group, broker and ACL views share: group type and state badges, bounded parallel
// loading, and a DataTable that stacks its rows on phones.
import { html } from './html.js';
import { badge, DataTable } from './ui.js';
import { ApiError } from './api.js';

// The v3 `type` is an extensible enum (CLASSIC today, CONSUMER, SHARE, STREAMS as the broker gains them):
// known values get a friendly label, anything else is shown as it comes.
const TYPE_LABELS = { CLASSIC: 'classic', CONSUMER: 'consumer', SHARE: 'share', STREAMS: 'streams', UNKNOWN: 'unknown' };

export function typeBadge(group) {
  const type = group.type || 'UNKNOWN';
  const label = TYPE_LABELS[type] || type;
  return html`<span class="group-type" data-type="${type}">${badge(label, type === 'UNKNOWN' ? 'neutral' : 'info')}${
    group.is_mixed_consumer_group ? html` ${badge('mixed', 'warn')}` : ''}</span>`;
}

const STATE_KINDS = {
  STABLE: 'ok', EMPTY: 'neutral', DEAD: 'error', UNKNOWN: 'neutral',
  PREPARING_REBALANCE: 'warn', COMPLETING_REBALANCE: 'warn', ASSIGNING: 'warn', RECONCILING: 'warn',
};

export function stateBadge(state) {
  const s = state || 'UNKNOWN';
  return html`<span class="group-state" data-state="${s}">${badge(s.toLowerCase().replace(/_/g, ' '), STATE_KINDS[s] || 'neutral')}</span>`;
}

/** Whether the group has no live members, the only time its offsets may be moved from outside. */
export function isInactive(group) {
  return group.state === 'EMPTY' || group.state === 'DEAD';
}

/** Offsets of these group types are the consumer offsets the reset endpoint moves. */
export function hasConsumerOffsets(group) {
  return group.type === 'CLASSIC' || group.type === 'CONSUMER';
}

/** The value of a call, or `fallback` when the resource is missing (404): a group without offsets has no lag. */
export async function orMissing(promise, fallback = null) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return fallback;
    throw e;
  }
}

/** The value of a call, or null when it fails (not when the view is left): one bad row must not fail a list. */
export async function orNull(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    console.warn(e);
    return null;
  }
}

/** A cell renderer showing the row's `key` in monospace (a column's className would style its header too). */
export const mono = (key, extra = '') => row => (row[key] === null || row[key] === undefined || row[key] === ''
  ? html`<span class="muted">–</span>` : html`<span class="mono ${extra}">${row[key]}</span>`);

/** A DataTable whose rows become label/value cards at phone width (the shared .table.stack styles). */
export class StackTable extends DataTable {
  render() {
    super.render();
    const table = this.el.querySelector('table');
    if (table) table.classList.add('stack');
  }
}
