// Topics: a searchable, sortable list (internal topics hidden unless asked for), create and delete.
import { html, mount } from '../lib/html.js';
import { fmtNumber, fmtBytes, badge, loading, errorBox } from '../lib/ui.js';
import { loadTopics } from '../lib/topics-data.js';
import { createTopicDialog, deleteTopic } from '../lib/topics-forms.js';
import { StackTable, retentionText, SPAN_HELP } from '../lib/topics-table.js';

const topicHref = name => '/console/topics/' + encodeURIComponent(name);

const COLUMNS = [
  { key: 'name', label: 'Name', render: t => html`<a href="${topicHref(t.name)}" data-testid="topic-link">${t.name}</a>
      ${t.internal && badge('internal')}` },
  { key: 'partitions', label: 'Partitions', align: 'right', render: t => fmtNumber(t.partitions) },
  { key: 'replicationFactor', label: 'Replication', align: 'right', render: t => fmtNumber(t.replicationFactor) },
  { key: 'sizeBytes', label: 'Size', align: 'right', render: t => fmtBytes(t.sizeBytes) },
  { key: 'offsetSpan', label: 'Messages (at most)', align: 'right',
    render: t => html`<span title="${SPAN_HELP}">${fmtNumber(t.offsetSpan)}</span>` },
  { key: 'retention', label: 'Retention', value: t => {
    const ms = Number(t.configs['retention.ms']?.value ?? -1);
    return ms < 0 ? Infinity : ms; // -1 keeps records forever: the longest retention
  },
    render: t => retentionText(t.configs['retention.ms']?.value, t.configs['retention.bytes']?.value) },
  { key: 'cleanup', label: 'Cleanup policy', value: t => t.configs['cleanup.policy']?.value,
    render: t => t.configs['cleanup.policy']?.value ?? '–' },
  { key: 'actions', label: 'Actions', sortable: false, render: t => html`<span class="topics-actions">
      <a class="btn btn-small" href="${topicHref(t.name)}/messages" aria-label="Messages of ${t.name}">Messages</a>
      ${!t.internal && html`<button type="button" class="btn btn-small" data-delete="${t.name}"
        aria-label="Delete ${t.name}">Delete</button>`}</span>` },
];

export default async function render(view) {
  view.setTitle('Topics');
  const showInternal = view.query.get('internal') === 'true';
  mount(view.el, html`<div class="page-head"><h1>Topics</h1>
      <button type="button" class="btn" id="topics-refresh">Refresh</button>
      <button type="button" class="btn btn-primary" id="create-topic">Create topic</button></div>
    <div class="toolbar">
      <label class="field-inline">Search
        <input type="search" id="topic-search" value="${view.query.get('q') || ''}" placeholder="Topic name"></label>
      <label class="topics-check"><input type="checkbox" id="show-internal" ${showInternal ? 'checked' : ''}>
        Show internal topics</label>
      <span class="muted small" id="topics-count" aria-live="polite"></span>
    </div>
    <div id="topics-status"></div>
    <div id="topics-table" data-testid="topics-table">${loading()}</div>`);
  const el = id => view.el.querySelector('#' + id);
  const search = el('topic-search');
  const internal = el('show-internal');
  let all = null;
  const table = new StackTable(el('topics-table'), {
    columns: COLUMNS, sortKey: 'name', filter: t => t.name,
    emptyText: 'No topics yet. Create one with "Create topic".',
    rowAttrs: t => html`data-testid="topic-row" data-topic="${t.name}"`,
  });
  table.setQuery(search.value);

  const show = () => {
    if (!all) return;
    const rows = internal.checked ? all : all.filter(t => !t.internal);
    table.update(rows);
    const hidden = all.length - rows.length;
    mount(el('topics-count'), `${rows.length} topic${rows.length === 1 ? '' : 's'}` + (hidden ? `, ${hidden} internal hidden` : ''));
  };
  const refresh = async () => {
    try {
      all = await loadTopics(view.signal);
      if (view.left) return;
      mount(el('topics-status'), '');
      show();
    } catch (e) {
      if (e.name === 'AbortError' || view.left) return;
      // Keeps the last list on screen when a refresh fails; without one the error takes its place.
      mount(all ? el('topics-status') : el('topics-table'), errorBox(e, 'The topics could not be listed'));
    }
  };
  const saveQuery = () => view.setQuery({ q: search.value.trim(), internal: internal.checked ? 'true' : '' });

  search.addEventListener('input', () => { table.setQuery(search.value); saveQuery(); });
  internal.addEventListener('change', () => { show(); saveQuery(); });
  el('topics-refresh').addEventListener('click', refresh);
  el('create-topic').addEventListener('click', () => createTopicDialog({ onCreated: refresh }).catch(console.warn));
  el('topics-table').addEventListener('click', e => {
    const btn = e.target.closest('button[data-delete]');
    if (btn) deleteTopic(btn.dataset.delete, { onDeleted: refresh }).catch(console.warn);
  });
  await refresh();
}
