// One broker: where it listens, its log dirs, and its configs with their source (non-defaults highlighted).
// Configs the broker can change at run time (not read-only) are edited in place; dynamic ones can be reset.
import { html, mount } from '../lib/html.js';
import { v3, seg } from '../lib/api.js';
import { fmtBytes, load, errorBox, dialog, toast, badge } from '../lib/ui.js';
import { StackTable, mono } from '../lib/groups-common.js';

const SOURCE_LABELS = {
  DYNAMIC_BROKER_CONFIG: 'dynamic (this broker)', DYNAMIC_DEFAULT_BROKER_CONFIG: 'dynamic (cluster default)',
  STATIC_BROKER_CONFIG: 'static (server properties)', DEFAULT_CONFIG: 'default', DYNAMIC_BROKER_LOGGER_CONFIG: 'logger',
};

function info(b) {
  const dirs = b.log_dirs || [];
  return html`<div class="grid-2">
    <div class="card"><dl class="broker-facts">
      <dt>Listens on</dt><dd class="mono">${b.host ? `${b.host}:${b.port}` : '–'}</dd>
      <dt>Rack</dt><dd>${b.rack || html`<span class="muted">none</span>`}</dd>
      <dt>Software version</dt><dd class="mono">${b.software_version || html`<span class="muted">unknown</span>`}</dd>
    </dl></div>
    <div class="card"><h3>Log dirs</h3>${dirs.length === 0 ? html`<p class="muted">The broker did not describe its log dirs.</p>`
      : html`<ul class="broker-dirs">${dirs.map(d => html`<li><span class="mono">${d.path}</span>
        <strong>${fmtBytes(d.size_bytes)}</strong>${d.error ? html` ${badge('offline: ' + d.error, 'error')}` : ''}</li>`)}</ul>`}</div>
  </div>`;
}

function valueCell(c) {
  if (c.is_sensitive) return html`<span class="muted">hidden (sensitive)</span>`;
  if (c.value === null || c.value === '') return html`<span class="muted">empty</span>`;
  return html`<span class="mono config-value">${c.value}</span>`;
}

function actions(c) {
  const buttons = [];
  if (!c.is_read_only && !c.is_sensitive) {
    buttons.push(html`<button type="button" class="btn btn-small" data-edit="${c.name}" aria-label="Edit ${c.name}">Edit</button>`);
  }
  if (c.source === 'DYNAMIC_BROKER_CONFIG') {
    buttons.push(html` <button type="button" class="btn btn-small" data-reset="${c.name}" aria-label="Reset ${c.name} to its default">Reset</button>`);
  }
  return buttons.length ? buttons : html`<span class="muted small">${c.is_read_only ? 'read-only' : ''}</span>`;
}

export default async function render(view) {
  const id = view.params[0];
  view.setTitle('Broker ' + id);
  const onlyChanged = view.query.get('changed') === '1';
  mount(view.el, html`<div class="breadcrumbs"><a href="/console/brokers">Brokers</a> /</div>
    <div class="page-head"><h1>Broker ${id}</h1></div>
    <div id="broker-info"></div>
    <h2>Configs</h2>
    <div class="toolbar">
      <label class="field-inline">Filter<input type="search" id="configs-filter" placeholder="Name or value" value="${view.query.get('q') || ''}"></label>
      <label class="broker-check"><input type="checkbox" id="configs-changed" ${onlyChanged ? 'checked' : ''}> Only values that are not the default</label>
    </div>
    <div id="broker-configs"></div>`);
  const $ = sel => view.el.querySelector(sel);
  const path = `/brokers/${seg(id)}`;

  let configs = [];
  const table = new StackTable($('#broker-configs'), {
    sortKey: 'name',
    emptyText: 'No configs to show.',
    filter: c => `${c.name} ${c.value || ''} ${c.source}`,
    rowAttrs: c => html`data-config="${c.name}" class="${c.is_default ? '' : 'config-changed'}"`,
    columns: [
      { key: 'name', label: 'Name', render: mono('name') },
      { key: 'value', label: 'Value', render: valueCell },
      { key: 'source', label: 'Source', render: c => c.is_default ? html`<span class="muted">${SOURCE_LABELS[c.source] || c.source}</span>`
        : badge(SOURCE_LABELS[c.source] || c.source, c.source.startsWith('DYNAMIC') ? 'info' : 'warn') },
      { key: 'actions', label: 'Change', sortable: false, render: actions },
    ],
  });
  const filterEl = $('#configs-filter');
  const changedEl = $('#configs-changed');
  const show = () => table.update(changedEl.checked ? configs.filter(c => !c.is_default) : configs);
  const syncQuery = () => view.setQuery({ q: filterEl.value, changed: changedEl.checked ? '1' : '' });
  table.setQuery(filterEl.value);
  filterEl.addEventListener('input', () => { table.setQuery(filterEl.value); syncQuery(); });
  changedEl.addEventListener('change', () => { show(); syncQuery(); });

  const loadConfigs = () => load($('#broker-configs'), () => v3.get(path + '/configs', { signal: view.signal }), r => {
    if (view.left) return;
    configs = r.data;
    show();
  });

  $('#broker-configs').addEventListener('click', e => {
    const edit = e.target.closest('button[data-edit]');
    const reset = e.target.closest('button[data-reset]');
    if (edit) editConfig(configs.find(c => c.name === edit.dataset.edit));
    if (reset) resetConfig(reset.dataset.reset);
  });

  const editConfig = c => dialog({
    title: `Edit ${c.name}`, confirmLabel: 'Save',
    body: html`<p class="muted small">Set dynamically on broker ${id}; it takes effect without a restart and
      overrides the static value.</p>
      <label class="field">Value<input name="configValue" id="config-value" value="${c.value || ''}" autocomplete="off" spellcheck="false"></label>`,
    onSubmit: async form => {
      await v3.put(`${path}/configs/${seg(c.name)}`, { value: form.elements.configValue.value });
      toast(`${c.name} set on broker ${id}`, 'ok');
      if (!view.left) loadConfigs();
      return true;
    },
  });
  const resetConfig = name => dialog({
    title: `Reset ${name}`, confirmLabel: 'Reset', danger: true,
    body: html`<p>Delete the dynamic value of <code>${name}</code> on broker ${id}, so the static or default value applies again?</p>`,
    onSubmit: async () => {
      await v3.del(`${path}/configs/${seg(name)}`);
      toast(`${name} reset on broker ${id}`, 'ok');
      if (!view.left) loadConfigs();
      return true;
    },
  });

  await Promise.all([
    v3.get(path, { signal: view.signal }).then(b => { if (!view.left) mount($('#broker-info'), info(b)); })
      .catch(e => { if (e.name !== 'AbortError' && !view.left) mount($('#broker-info'), errorBox(e, `Broker ${id} could not be loaded`)); }),
    loadConfigs(),
  ]);
}
