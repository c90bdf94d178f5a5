// One topic: headline figures, partitions (leader, replicas with out-of-sync ones marked, ISR, offsets, size),
// the consumer groups reading it with their lag, and its configs (set ones highlighted, editable).
import { html, mount } from '../lib/html.js';
import { v3, seg } from '../lib/api.js';
import { fmtNumber, fmtBytes, fmtDuration, badge, loading, errorBox } from '../lib/ui.js';
import { loadPartitions, loadTopicGroups, loadConfigs } from '../lib/topics-data.js';
import { addPartitionsDialog, deleteTopic, editConfigDialog } from '../lib/topics-forms.js';
import { StackTable, retentionText, SPAN_HELP } from '../lib/topics-table.js';

const stat = (label, value, title) => html`<div class="card stat" ${title ? html`title="${title}"` : ''}>
  <div class="stat-label">${label}</div><div class="stat-value">${value}</div></div>`;

const replicaList = p => html`<span class="topics-replicas">${p.replicas.map(r => r.inSync
  ? html`<span class="topics-replica">${r.broker}</span>`
  : html`<span class="topics-replica topics-replica-out" title="Out of sync">${r.broker} ${badge('out of sync', 'warn')}</span>`)}</span>`;

const PARTITION_COLUMNS = [
  { key: 'id', label: 'Partition', align: 'right' },
  { key: 'leader', label: 'Leader', align: 'right', render: p => (p.leader === null ? badge('no leader', 'error') : p.leader) },
  { key: 'replicas', label: 'Replicas', sortable: false, render: replicaList },
  { key: 'isr', label: 'ISR', sortable: false, render: p => p.replicas.filter(r => r.inSync).map(r => r.broker).join(', ') || '–' },
  { key: 'earliest', label: 'Earliest offset', align: 'right', render: p => fmtNumber(p.earliest) },
  { key: 'latest', label: 'Latest offset', align: 'right', render: p => fmtNumber(p.latest) },
  { key: 'sizeBytes', label: 'Size', align: 'right', render: p => fmtBytes(p.sizeBytes) },
];

const GROUP_COLUMNS = [
  { key: 'id', label: 'Group', render: g => html`<a href="/console/groups/${encodeURIComponent(g.id)}">${g.id}</a>` },
  { key: 'state', label: 'State', render: g => badge(g.state, g.state === 'STABLE' ? 'ok' : 'neutral') },
  { key: 'consumers', label: 'Consumers', align: 'right' },
  { key: 'partitions', label: 'Partitions', align: 'right' },
  { key: 'lag', label: 'Lag', align: 'right', render: g => fmtNumber(g.lag) },
  { key: 'maxLag', label: 'Max partition lag', align: 'right', render: g => fmtNumber(g.maxLag) },
];

/** Durations and sizes in words beside the raw number; null for other configs and for huge "never" values. */
function readable(c) {
  if (c.value === null || !/^-?\d+$/.test(c.value) || Math.abs(Number(c.value)) >= Number.MAX_SAFE_INTEGER) return null;
  if (c.name.endsWith('.ms')) return fmtDuration(Number(c.value));
  if (c.name.endsWith('.bytes') && Number(c.value) >= 1024) return fmtBytes(Number(c.value));
  return null;
}

function configColumns() {
  return [
    { key: 'name', label: 'Config', render: c => html`<code>${c.name}</code>
        ${!c.is_default && badge('set', 'info')}
        ${c.documentation && html`<details class="topics-doc"><summary>Documentation</summary>${c.documentation}</details>`}` },
    { key: 'value', label: 'Value', render: c => (c.is_sensitive ? html`<span class="muted">hidden</span>`
      : html`<span class="mono">${c.value ?? ''}</span> ${readable(c) && html`<span class="muted small">(${readable(c)})</span>`}`) },
    { key: 'source', label: 'Source', render: c => html`<span class="small muted">${c.source}</span>` },
    { key: 'edit', label: 'Edit', sortable: false, render: c => (c.is_read_only ? html`<span class="muted small">read-only</span>`
      : html`<button type="button" class="btn btn-small" data-edit="${c.name}" data-testid="edit-config-${c.name}"
          aria-label="Edit ${c.name}">Edit</button>`) },
  ];
}

export default async function render(view) {
  const topic = view.params[0];
  view.setTitle(topic);
  const base = '/console/topics/' + encodeURIComponent(topic);
  mount(view.el, html`<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="/console/topics">Topics</a> / ${topic}</nav>
    <div class="page-head"><h1 id="topic-name">${topic}</h1>
      <a class="btn" href="${base}/messages">Browse messages</a>
      <button type="button" class="btn" id="add-partitions" disabled>Add partitions</button>
      <button type="button" class="btn btn-danger" id="delete-topic">Delete</button></div>
    <div id="topic-summary">${loading()}</div>
    <h2>Partitions</h2><div id="topic-partitions" data-testid="topic-partitions">${loading()}</div>
    <h2>Consumer groups</h2><div id="topic-groups" data-testid="topic-groups">${loading()}</div>
    <h2>Configs</h2>
    <div class="toolbar">
      <label class="field-inline">Filter configs <input type="search" id="config-search" placeholder="Config name"></label>
      <label class="topics-check"><input type="checkbox" id="config-set-only"> Only values set on this topic</label>
    </div>
    <div id="topic-configs" data-testid="topic-configs">${loading()}</div>`);
  const el = id => view.el.querySelector('#' + id);
  const signal = view.signal;
  let configs = [];
  let partitionsCount = 0;

  // Each section loads on its own, so a slow or failing one leaves the others usable.
  const section = async (id, loadFn, draw, what) => {
    try {
      const data = await loadFn();
      if (!view.left) draw(data);
      return data;
    } catch (e) {
      if (e.name !== 'AbortError' && !view.left) mount(el(id), errorBox(e, what + ' could not be read'));
      return undefined;
    }
  };

  let span = null;
  const drawSummary = t => {
    partitionsCount = t.partitions_count;
    el('add-partitions').disabled = false;
    const conf = name => configs.find(c => c.name === name)?.value;
    mount(el('topic-summary'), html`${t.is_internal && html`<p>${badge('internal topic')}</p>`}<div class="cards">
      ${stat('Partitions', fmtNumber(t.partitions_count))}
      ${stat('Replication factor', fmtNumber(t.replication_factor))}
      ${stat('Size', fmtBytes(t.size_bytes))}
      ${stat('Messages (at most)', html`<span id="topic-span">${fmtNumber(span)}</span>`, SPAN_HELP)}
      ${stat('Retention', retentionText(conf('retention.ms'), conf('retention.bytes')))}
      ${stat('Cleanup policy', conf('cleanup.policy') ?? '–')}</div>`);
  };
  const fetchTopic = () => v3.get('/topics/' + seg(topic), { signal });
  const summary = () => section('topic-summary', fetchTopic, drawSummary, 'The topic');

  const partitionTable = new StackTable(el('topic-partitions'), { columns: PARTITION_COLUMNS, sortKey: 'id',
    emptyText: 'The topic has no partitions.', rowAttrs: p => html`data-testid="partition-row" data-partition="${p.id}"` });
  const groupTable = new StackTable(el('topic-groups'), { columns: GROUP_COLUMNS, sortKey: 'lag', sortDir: 'desc',
    emptyText: 'No consumer group has committed offsets on this topic.' });
  const configTable = new StackTable(el('topic-configs'), { columns: configColumns(), sortKey: 'name',
    filter: c => c.name, rowAttrs: c => html`data-config="${c.name}" class="${c.is_default ? '' : 'topics-config-set'}"` });
  const showConfigs = () => configTable.update(el('config-set-only').checked ? configs.filter(c => !c.is_default) : configs);

  const partitions = () => section('topic-partitions', () => loadPartitions(topic, signal), rows => {
    partitionTable.update(rows);
    span = rows.reduce((sum, p) => sum + (p.latest - p.earliest), 0);
    const spanEl = el('topic-span');
    if (spanEl) mount(spanEl, fmtNumber(span));
  }, 'The partitions');
  const groups = () => section('topic-groups', () => loadTopicGroups(topic, signal), rows => groupTable.update(rows),
    'The consumer groups');
  const configsLoad = () => section('topic-configs', () => loadConfigs(topic, signal), data => {
    configs = data;
    showConfigs();
  }, 'The configs');

  el('config-search').addEventListener('input', e => configTable.setQuery(e.target.value));
  el('config-set-only').addEventListener('change', showConfigs);
  el('topic-configs').addEventListener('click', e => {
    const btn = e.target.closest('button[data-edit]');
    const config = btn && configs.find(c => c.name === btn.dataset.edit);
    if (config) editConfigDialog(topic, config, { onDone: () => configsLoad().then(summary) }).catch(console.warn);
  });
  el('add-partitions').addEventListener('click', () => addPartitionsDialog(topic, partitionsCount,
    { onDone: () => { summary(); partitions(); } }).catch(console.warn));
  el('delete-topic').addEventListener('click', () => deleteTopic(topic,
    { onDeleted: () => view.navigate('/console/topics') }).catch(console.warn));

  // The topic alone first: when it does not exist, one error says so instead of one per section.
  let first;
  try {
    first = await fetchTopic();
  } catch (e) {
    if (e.name === 'AbortError' || view.left) return;
    mount(view.el, html`<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="/console/topics">Topics</a> / ${topic}</nav>
      ${errorBox(e, 'The topic ' + topic + ' could not be shown')}<p><a href="/console/topics">Back to the topics</a></p>`);
    return;
  }
  // Configs before the summary: it shows retention and cleanup policy from them.
  await Promise.all([configsLoad().then(() => { if (!view.left) drawSummary(first); }), partitions(), groups()]);
}
