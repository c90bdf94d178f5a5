// The offset reset dialog of a consumer group: pick a strategy, preview the new offsets with a dry run, then
// commit exactly what was previewed. Committing is allowed only while the group has no active members.
import { html, mount } from './html.js';
import { v3, seg } from './api.js';
import { dialog, errorBox, fmtNumber, fieldError, clearFieldErrors, toast, loading } from './ui.js';
import { isInactive } from './groups-common.js';

const STRATEGIES = [
  { value: 'EARLIEST', label: 'Earliest offset' },
  { value: 'LATEST', label: 'Latest offset (skip everything)' },
  { value: 'TIMESTAMP', label: 'At a time', input: 'datetime-local', field: 'Time (your local time)' },
  { value: 'OFFSET', label: 'A given offset', input: 'number', field: 'Offset' },
  { value: 'SHIFT_BY', label: 'Shift by N', input: 'number', field: 'Shift by (negative moves back)' },
];

function activeNote(group) {
  return isInactive(group) ? ''
    : html`<div class="alert alert-warn" id="reset-active-note"><strong>The group is ${group.state.toLowerCase().replace(/_/g, ' ')}.</strong>
      <p>Offsets can only be reset while the group is empty: stop its consumers first. You can still pick a
      strategy; the state is checked again on every preview.</p></div>`;
}

/** The request body for the form, or null after marking the invalid fields. */
function requestOf(form) {
  clearFieldErrors(form);
  const strategy = STRATEGIES.find(s => s.value === form.elements.strategy.value);
  const body = { strategy: strategy.value };
  if (strategy.input) {
    const raw = form.elements.resetValue.value.trim();
    if (raw === '') {
      fieldError(form, 'resetValue', strategy.field + ' is needed for this strategy');
      return null;
    }
    if (strategy.value === 'TIMESTAMP') {
      const ms = new Date(raw).getTime();
      if (Number.isNaN(ms)) { fieldError(form, 'resetValue', 'Not a valid time'); return null; }
      body.timestamp = ms;
    } else {
      const n = Number(raw);
      if (!Number.isInteger(n)) { fieldError(form, 'resetValue', 'A whole number is needed'); return null; }
      body[strategy.value === 'OFFSET' ? 'offset' : 'shift_by'] = n;
    }
  }
  if (form.elements.topic.value) body.topics = [{ topic_name: form.elements.topic.value }];
  return body;
}

function previewTable(rows) {
  if (rows.length === 0) return html`<p class="muted">No partition to reset: the group has no committed offsets there.</p>`;
  return html`<div class="table-wrap"><table class="table" id="reset-preview-result">
    <caption>Dry run: nothing is committed until you press Reset offsets</caption>
    <thead><tr><th scope="col">Topic</th><th scope="col" class="num">Partition</th>
      <th scope="col" class="num">Committed</th><th scope="col" class="num">New offset</th><th scope="col" class="num">Change</th></tr></thead>
    <tbody>${rows.map(r => html`<tr data-partition="${r.topic_name}-${r.partition_id}">
      <td class="mono">${r.topic_name}</td><td class="num">${r.partition_id}</td>
      <td class="num">${r.previous_offset === null ? html`<span class="muted">none</span>` : fmtNumber(r.previous_offset)}</td>
      <td class="num new-offset">${fmtNumber(r.new_offset)}</td>
      <td class="num">${r.previous_offset === null ? '–' : (r.new_offset - r.previous_offset > 0 ? '+' : '') + fmtNumber(r.new_offset - r.previous_offset)}</td>
    </tr>`)}</tbody></table></div>`;
}

/**
 * Opens the dialog. group: the group as last loaded; topics: names the group has offsets on; onDone runs after
 * a committed reset. Resolves when the dialog closes.
 */
export function openResetDialog({ group, topics, onDone }) {
  const path = `/consumer-groups/${seg(group.consumer_group_id)}`;
  let previewed = null; // the JSON of the request whose dry run the user has seen, while the group was empty
  let confirm;
  const syncConfirm = () => { confirm.disabled = previewed === null; };

  const body = html`
    <div id="reset-state">${activeNote(group)}</div>
    <div class="form-grid">
      <label class="field">Reset to
        <select name="strategy" id="reset-strategy">${STRATEGIES.map(s => html`<option value="${s.value}">${s.label}</option>`)}</select></label>
      <label class="field" id="reset-value-field" hidden><span id="reset-value-label">Value</span>
        <input name="resetValue" id="reset-value" autocomplete="off"></label>
      <label class="field">Partitions
        <select name="topic" id="reset-topic"><option value="">Every partition with a committed offset</option>
          ${topics.map(t => html`<option value="${t}">${t}</option>`)}</select></label>
    </div>
    <p><button type="button" class="btn" id="reset-preview">Preview</button>
      <span class="muted small">Shows the new offsets without committing them.</span></p>
    <div id="reset-preview-table" aria-live="polite"></div>`;

  const preview = async form => {
    const request = requestOf(form);
    if (!request) return;
    const out = form.querySelector('#reset-preview-table');
    mount(out, loading('Computing the new offsets…'));
    previewed = null;
    syncConfirm();
    try {
      const [fresh, result] = await Promise.all([
        v3.get(path).catch(() => group),
        v3.post(path + '/offsets:reset', { ...request, dry_run: true }),
      ]);
      mount(form.querySelector('#reset-state'), activeNote(fresh));
      mount(out, previewTable(result.data));
      if (isInactive(fresh) && result.data.length > 0) previewed = JSON.stringify(request);
    } catch (e) {
      mount(out, errorBox(e, 'No preview'));
    }
    // After the dialog's own submit handling, which re-enables its button.
    setTimeout(syncConfirm, 0);
  };

  return dialog({
    title: `Reset offsets of ${group.consumer_group_id}`,
    body, wide: true, confirmLabel: 'Reset offsets', danger: true,
    onOpen: (form, d) => {
      confirm = d.querySelector('[data-confirm]');
      confirm.id = 'reset-confirm';
      syncConfirm();
      const showValue = () => {
        const s = STRATEGIES.find(x => x.value === form.elements.strategy.value);
        form.querySelector('#reset-value-field').hidden = !s.input;
        if (s.input) {
          form.elements.resetValue.type = s.input;
          if (s.input === 'datetime-local') form.elements.resetValue.step = '1';
          form.querySelector('#reset-value-label').textContent = s.field;
        }
      };
      showValue();
      form.addEventListener('change', e => { if (e.target.name === 'strategy') { form.elements.resetValue.value = ''; showValue(); } });
      // Any edit makes the preview stale: it must be seen again before committing.
      const stale = () => { previewed = null; syncConfirm(); };
      form.addEventListener('input', stale);
      form.addEventListener('change', stale);
      form.querySelector('#reset-preview').addEventListener('click', () => preview(form));
    },
    onSubmit: async form => {
      const request = requestOf(form);
      if (!request) { setTimeout(syncConfirm, 0); return false; }
      // Enter in a field, or a stale preview: preview first, never commit unseen offsets.
      if (previewed !== JSON.stringify(request)) {
        await preview(form);
        return false;
      }
      const result = await v3.post(path + '/offsets:reset', { ...request, dry_run: false });
      toast(`Offsets of ${group.consumer_group_id} reset on ${result.data.length} partition${result.data.length === 1 ? '' : 's'}`, 'ok');
      if (onDone) onDone();
      return true;
    },
  });
}
