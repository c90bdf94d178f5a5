// Brokers: where each listens, its rack and software version, how many replicas (and leaders) it holds and the
// size of its log dirs (the Strata extension log_dirs).
import { html, mount } from '../lib/html.js';
import { v3 } from '../lib/api.js';
import { fmtNumber, fmtBytes, load, every, mapLimit } from '../lib/ui.js';
import { orNull, StackTable, mono } from '../lib/groups-common.js';

const REFRESH_MS = 15000;

async function loadBrokers(signal) {
  const brokers = (await v3.get('/brokers', { signal })).data;
  return mapLimit(brokers, 4, async b => {
    // Counts come from the broker's replica list; a broker that does not answer shows "–" rather than failing all.
    const replicas = await orNull(v3.get(`/brokers/${b.broker_id}/partition-replicas`, { signal }).then(r => r.data));
    const dirs = b.log_dirs || null;
    return {
      ...b,
      replicas: replicas && replicas.length,
      leaders: replicas && replicas.filter(r => r.is_leader).length,
      log_size: dirs && dirs.reduce((s, d) => s + d.size_bytes, 0),
      offline_dirs: dirs ? dirs.filter(d => d.error).length : 0,
    };
  });
}

function logDirs(b) {
  if (b.log_size === null) return html`<span class="muted">unknown</span>`;
  const title = b.log_dirs.map(d => `${d.path}: ${fmtBytes(d.size_bytes)}${d.error ? ' (' + d.error + ')' : ''}`).join('\n');
  return html`<span title="${title}">${fmtBytes(b.log_size)}</span> <span class="muted small">in ${b.log_dirs.length} dir${
    b.log_dirs.length === 1 ? '' : 's'}</span>${b.offline_dirs ? html` <span class="badge badge-error">${b.offline_dirs} offline</span>` : ''}`;
}

export default async function render(view) {
  view.setTitle('Brokers');
  mount(view.el, html`<div class="page-head"><h1>Brokers</h1><span class="muted small" id="brokers-count"></span></div>
    <div id="brokers-table"></div>`);
  const el = view.el.querySelector('#brokers-table');
  const table = new StackTable(el, {
    sortKey: 'broker_id',
    emptyText: 'The cluster reports no live broker.',
    rowAttrs: b => html`data-broker="${b.broker_id}"`,
    columns: [
      { key: 'broker_id', label: 'Broker', render: b => html`<a href="/console/brokers/${b.broker_id}">Broker ${b.broker_id}</a>` },
      { key: 'host', label: 'Listens on', render: b => b.host ? html`<span class="mono">${b.host}:${b.port}</span>` : '–' },
      { key: 'rack', label: 'Rack', render: b => b.rack || html`<span class="muted">none</span>` },
      { key: 'software_version', label: 'Version', render: mono('software_version') },
      { key: 'leaders', label: 'Leaders', align: 'right', className: 'broker-leaders', render: b => fmtNumber(b.leaders) },
      { key: 'replicas', label: 'Replicas', align: 'right', className: 'broker-replicas', render: b => fmtNumber(b.replicas) },
      { key: 'log_size', label: 'Log dirs', align: 'right', render: logDirs },
    ],
  });
  const show = brokers => {
    if (view.left) return;
    view.el.querySelector('#brokers-count').textContent = `${brokers.length} live broker${brokers.length === 1 ? '' : 's'}`;
    table.update(brokers);
  };
  await load(el, () => loadBrokers(view.signal), show);
  every(view, REFRESH_MS, async () => show(await loadBrokers(view.signal)));
}
