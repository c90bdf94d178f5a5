// The produce dialog of the message browser: key, value (string, JSON or base64), headers and an optional
// partition, sent with v3 produce; the delivery report (partition and offset) is shown in the dialog.
import { html, mount } from './html.js';
import { v3, seg, ApiError } from './api.js';
import { dialog, fieldError, clearFieldErrors, toast } from './ui.js';
import { textToBase64 } from './json-view.js';

const TYPES = ['STRING', 'JSON', 'BINARY'];

function typeSelect(name) {
  return html`<select name="${name}" aria-label="${name === 'keyType' ? 'Key type' : 'Value type'}">
    ${TYPES.map(t => html`<option value="${t}">${t === 'BINARY' ? 'BINARY (base64)' : t}</option>`)}</select>`;
}

/** The v3 {type, data} of a field, or throws a message for the field. */
function data(type, text, empty) {
  if (text === '' && empty) return undefined;
  if (type === 'JSON') {
    try { return { type, data: JSON.parse(text) }; } catch (e) { throw new Error('Not valid JSON: ' + e.message); }
  }
  if (type === 'BINARY' && !/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) throw new Error('Not valid base64');
  return { type, data: type === 'BINARY' ? text.replace(/\s/g, '') : text };
}

/** Header lines "name: value" (value as UTF-8 text). */
function headers(text) {
  return text.split('\n').filter(l => l.trim()).map(line => {
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`"${line}" is not name: value`);
    return { name: line.slice(0, i).trim(), value: textToBase64(line.slice(i + 1).trim()) };
  });
}

/** Opens the dialog; onProduced(report) runs after each record stored. Resolves when it closes. */
export function produceDialog(topic, partitions, onProduced) {
  return dialog({
    title: 'Produce a record to ' + topic,
    confirmLabel: 'Produce',
    wide: true,
    body: html`<div class="msg-produce"><div class="form-grid">
      <label class="field">Partition
        <select name="partition" id="produce-partition"><option value="">Chosen by the partitioner</option>
          ${partitions.map(p => html`<option value="${p}">${p}</option>`)}</select></label>
      </div>
      <div class="field"><span class="msg-field-head"><label for="produce-key">Key</label> ${typeSelect('keyType')}</span>
        <textarea name="key" id="produce-key" rows="2" spellcheck="false" placeholder="Empty: no key"></textarea></div>
      <div class="field"><span class="msg-field-head"><label for="produce-value">Value</label> ${typeSelect('valueType')}</span>
        <textarea name="value" id="produce-value" rows="6" spellcheck="false"></textarea></div>
      <label class="field">Headers, one per line as name: value
        <textarea name="headers" id="produce-headers" rows="2" spellcheck="false" placeholder="trace-id: 42"></textarea></label>
      <div id="produce-result" aria-live="polite"></div></div>`,
    onSubmit: async (form, d) => {
      clearFieldErrors(form);
      const body = {};
      let bad = false;
      const check = (name, fn) => { try { return fn(); } catch (e) { fieldError(form, name, e.message); bad = true; return undefined; } };
      if (form.partition.value !== '') body.partition_id = Number(form.partition.value);
      body.key = check('key', () => data(form.keyType.value, form.key.value, true));
      body.value = check('value', () => data(form.valueType.value, form.value.value, false));
      body.headers = check('headers', () => headers(form.headers.value));
      if (bad) return false;
      const report = await v3.post(`/topics/${seg(topic)}/records`, body);
      if (report.error_code !== 200) throw new ApiError(report.error_code, report, report.message || 'Not stored');
      const link = `/console/topics/${seg(topic)}/messages?partition=${report.partition_id}&offset=${report.offset}`;
      mount(d.querySelector('#produce-result'), html`<div class="alert alert-info" id="produce-report">
        Stored in partition <strong data-testid="produced-partition">${report.partition_id}</strong> at offset
        <strong data-testid="produced-offset">${report.offset}</strong>.
        <a href="${link}" data-close-dialog>Show it</a></div>`);
      d.querySelector('[data-close-dialog]').addEventListener('click', () => d.close());
      d.querySelector('#produce-report').scrollIntoView({ block: 'nearest' });
      toast(`Produced to partition ${report.partition_id} at offset ${report.offset}`, 'ok');
      if (onProduced) onProduced(report);
      return false; // stays open to show the report and produce more
    },
  });
}
