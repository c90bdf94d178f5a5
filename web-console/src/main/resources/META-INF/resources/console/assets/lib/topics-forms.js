// The dialogs that change topics: create, delete (typed confirmation), add partitions, edit or reset a config.
// The broker is the validator: its refusals come back as REST errors and are shown next to the field they name.
import { v3, seg } from './api.js';
import { html, raw } from './html.js';
import { dialog, confirmTyped, fieldError, clearFieldErrors, toast, fmtNumber } from './ui.js';

const NAME_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;

/** The create form's config fields: form field name, Kafka config name, label, help. */
const CREATE_CONFIGS = [
  { field: 'retention_ms', config: 'retention.ms', label: 'Retention time (ms)', help: '-1 keeps records forever' },
  { field: 'retention_bytes', config: 'retention.bytes', label: 'Retention size per partition (bytes)', help: '-1: no size limit' },
  { field: 'min_insync', config: 'min.insync.replicas', label: 'min.insync.replicas', help: 'In-sync replicas an acks=all write needs' },
];

/** The field a broker's refusal is about, from its message; null when it names none of them. */
function fieldOf(message) {
  const m = (message || '').toLowerCase();
  for (const c of CREATE_CONFIGS) if (m.includes(c.config)) return c.field;
  if (m.includes('cleanup.policy')) return 'cleanup_policy';
  if (m.includes('replication factor') || m.includes('replication_factor')) return 'replication_factor';
  if (m.includes('partition')) return 'partitions';
  if (m.includes('exists') || m.includes('topic name') || m.includes('topic_name') || m.includes('illegal')) return 'name';
  return null;
}

/** Client-side checks (the broker checks again); returns the request body, or null after marking errors. */
function readCreateForm(form) {
  clearFieldErrors(form);
  let ok = true;
  const name = form.name.value.trim();
  if (!name) { fieldError(form, 'name', 'A topic needs a name.'); ok = false; }
  else if (!NAME_PATTERN.test(name) || name === '.' || name === '..') {
    fieldError(form, 'name', 'Use up to 249 letters, digits, ".", "_" or "-".');
    ok = false;
  }
  const int = (field, min) => {
    const v = form[field].value.trim();
    if (v === '') return undefined;
    if (!/^-?\d+$/.test(v) || Number(v) < min) {
      fieldError(form, field, min === 1 ? 'A whole number of at least 1, or empty for the default.' : 'A whole number, or empty for the default.');
      ok = false;
      return undefined;
    }
    return Number(v);
  };
  const body = { topic_name: name, configs: [] };
  const partitions = int('partitions', 1);
  const replication = int('replication_factor', 1);
  if (partitions !== undefined) body.partitions_count = partitions;
  if (replication !== undefined) body.replication_factor = replication;
  for (const c of CREATE_CONFIGS) {
    const v = int(c.field, c.config === 'min.insync.replicas' ? 1 : -1);
    if (v !== undefined) body.configs.push({ name: c.config, value: String(v) });
  }
  if (form.cleanup_policy.value) body.configs.push({ name: 'cleanup.policy', value: form.cleanup_policy.value });
  return ok ? body : null;
}

/** Shows a REST refusal beside the field it names (returns true), or leaves it to the dialog's error box. */
function showInline(form, err) {
  const field = fieldOf(err.message);
  if (!field || !err.status) return false;
  fieldError(form, field, err.message);
  form.elements[field].focus();
  return true;
}

export function createTopicDialog({ onCreated }) {
  let timer = null;
  // attrs are constants of this module, never data, so they go in as markup.
  const field = (name, label, attrs, help) => html`<label class="field">${label}
    <input name="${name}" id="create-${name}" ${raw(attrs)}>${help && html`<span class="field-help">${help}</span>`}</label>`;
  return dialog({
    title: 'Create a topic',
    confirmLabel: 'Create',
    body: html`<div class="form-grid topics-create">
      ${field('name', 'Name', 'required autocomplete="off" spellcheck="false" maxlength="249"')}
      ${field('partitions', 'Partitions', 'inputmode="numeric" value="1"', 'Empty: the broker default')}
      ${field('replication_factor', 'Replication factor', 'inputmode="numeric" placeholder="broker default"')}
      <label class="field">Cleanup policy
        <select name="cleanup_policy" id="create-cleanup_policy">
          <option value="">broker default</option><option value="delete">delete</option>
          <option value="compact">compact</option><option value="compact,delete">compact, delete</option>
        </select></label>
      ${CREATE_CONFIGS.map(c => field(c.field, c.label, 'inputmode="numeric" placeholder="broker default"', c.help))}
      </div>`,
    onOpen: form => {
      // Asks the broker (validate_only) while the user types, so refusals show before Create is pressed.
      form.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          const body = readCreateForm(form);
          if (!body || !form.isConnected) return;
          try {
            await v3.post('/topics', { ...body, validate_only: true });
          } catch (e) {
            if (form.isConnected) showInline(form, e);
          }
        }, 500);
      });
    },
    onSubmit: async form => {
      clearTimeout(timer);
      const body = readCreateForm(form);
      if (!body) return false;
      try {
        await v3.post('/topics', body);
      } catch (e) {
        if (showInline(form, e)) return false;
        throw e;
      }
      toast('Topic ' + body.topic_name + ' created', 'ok');
      if (onCreated) onCreated(body.topic_name);
      return body.topic_name;
    },
  }).finally(() => clearTimeout(timer));
}

export function deleteTopic(name, { onDeleted }) {
  return confirmTyped({
    title: 'Delete topic ' + name,
    message: 'Deleting the topic removes all its records for every consumer. This cannot be undone.',
    name,
    action: async () => {
      await v3.del('/topics/' + seg(name));
      toast('Topic ' + name + ' deleted', 'ok');
      if (onDeleted) onDeleted(name);
    },
  });
}

export function addPartitionsDialog(topic, current, { onDone }) {
  return dialog({
    title: 'Add partitions to ' + topic,
    confirmLabel: 'Add partitions',
    body: html`<p class="muted small">Partitions can only be added. Records with keys may map to other
      partitions afterwards.</p>
      <label class="field">New partition count (now ${fmtNumber(current)})
        <input name="count" id="partition-count" inputmode="numeric" value="${current + 1}" required></label>`,
    onSubmit: async form => {
      clearFieldErrors(form);
      const v = form.count.value.trim();
      if (!/^\d+$/.test(v) || Number(v) <= current) {
        fieldError(form, 'count', 'More than ' + current + ', the current count.');
        return false;
      }
      try {
        await v3.patch('/topics/' + seg(topic), { partitions_count: Number(v) });
      } catch (e) {
        if (!e.status) throw e;
        fieldError(form, 'count', e.message);
        return false;
      }
      toast(topic + ' now has ' + v + ' partitions', 'ok');
      if (onDone) onDone();
      return true;
    },
  });
}

/** Edits one config; "Reset to default" removes the topic's own value instead. */
export function editConfigDialog(topic, config, { onDone }) {
  const path = '/topics/' + seg(topic) + '/configs/' + seg(config.name);
  return dialog({
    title: config.name,
    confirmLabel: 'Save',
    body: html`<label class="field">Value for ${topic}
        <input name="value" id="config-value" value="${config.value ?? ''}" autocomplete="off" spellcheck="false"></label>
      ${config.documentation && html`<p class="small topics-doc">${config.documentation}</p>`}
      <p class="muted small">Now ${config.is_default ? 'the default' : 'set (' + config.source + ')'}.
      ${!config.is_default && html`<label><input type="checkbox" name="reset" id="config-reset"> Reset to the default instead</label>`}</p>`,
    onSubmit: async form => {
      clearFieldErrors(form);
      const reset = form.reset && form.reset.checked;
      try {
        if (reset) await v3.del(path);
        else await v3.put(path, { value: form.value.value });
      } catch (e) {
        if (!e.status) throw e;
        fieldError(form, 'value', e.message);
        return false;
      }
      toast(config.name + (reset ? ' reset to its default' : ' saved'), 'ok');
      if (onDone) onDone();
      return true;
    },
  });
}
