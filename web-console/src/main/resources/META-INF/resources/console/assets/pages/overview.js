// Overview: the cluster at a glance (brokers, topics, partition health, groups by state) and live traffic charts
// sampled from the serving node's throughput counters while the page is open.
import { v3 } from '../lib/api.js';
import { html, mount } from '../lib/html.js';
import { badge, errorBox, every, fmtBytes, fmtNumber, loading } from '../lib/ui.js';
import { LiveChart } from '../lib/charts.js';

const STATS_EVERY_MS = 10000;
const SAMPLE_EVERY_MS = 3000;

export default async function render(view) {
  view.setTitle('Overview');
  mount(view.el, html`
    <div class="page-head"><h1>Overview</h1><span class="muted small" id="overview-updated"></span></div>
    <section aria-label="Cluster" id="overview-stats">${loading()}</section>
    <h2>Traffic <span class="muted small">(this node, sampled every ${SAMPLE_EVERY_MS / 1000} s while the page is open)</span></h2>
    <div class="grid-2" id="overview-charts">
      <div class="card chart" id="chart-bytes"></div>
      <div class="card chart" id="chart-messages"></div>
      <div class="card chart" id="chart-requests"></div>
      <div class="card chart" id="chart-latency"></div>
    </div>
    <div id="charts-error"></div>
    <h2>Brokers</h2>
    <div id="overview-brokers">${loading()}</div>`);

  await refreshStats(view);
  every(view, STATS_EVERY_MS, () => refreshStats(view));
  startCharts(view);
}

async function refreshStats(view) {
  const statsEl = view.el.querySelector('#overview-stats');
  const brokersEl = view.el.querySelector('#overview-brokers');
  if (!statsEl) return;
  try {
    const [cluster, brokers, topics, groups] = await Promise.all([
      v3.get('', { signal: view.signal }),
      v3.get('/brokers', { signal: view.signal }),
      v3.get('/topics', { signal: view.signal }),
      v3.get('/consumer-groups', { signal: view.signal }),
    ]);
    if (view.left) return;
    mount(statsEl, stats(cluster, brokers.data, topics.data, groups.data));
    mount(brokersEl, brokerTable(cluster, brokers.data));
    view.el.querySelector('#overview-updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.name === 'AbortError' || view.left) return;
    mount(statsEl, errorBox(e, 'The cluster could not be described'));
  }
}

function controllerId(cluster) {
  const related = cluster.controller && cluster.controller.related;
  return related ? Number(related.substring(related.lastIndexOf('/') + 1)) : null;
}

function stats(cluster, brokers, topics, groups) {
  const user = topics.filter(t => !t.is_internal);
  const partitions = topics.reduce((n, t) => n + t.partitions_count, 0);
  const byState = {};
  for (const g of groups) byState[g.state] = (byState[g.state] || 0) + 1;
  const controller = controllerId(cluster);
  const health = (label, n, id) => html`<div class="card stat" id="${id}">
      <div class="stat-label">${label}</div>
      <div class="stat-value">${fmtNumber(n)} ${n > 0 ? badge('attention', 'error') : badge('ok', 'ok')}</div></div>`;
  return html`
    <div class="cards">
      <div class="card stat"><div class="stat-label">Cluster id</div><div class="mono">${cluster.cluster_id}</div>
        <div class="muted small">Controller: ${controller === null ? 'none known' : html`<a href="/console/brokers/${controller}">broker ${controller}</a>`}</div></div>
      <div class="card stat" id="stat-brokers"><div class="stat-label">Brokers online</div><div class="stat-value">${fmtNumber(brokers.length)}</div></div>
      <div class="card stat" id="stat-topics"><div class="stat-label">Topics</div><div class="stat-value"><a href="/console/topics">${fmtNumber(user.length)}</a></div>
        <div class="muted small">+ ${fmtNumber(topics.length - user.length)} internal</div></div>
      <div class="card stat" id="stat-partitions"><div class="stat-label">Partitions</div><div class="stat-value">${fmtNumber(partitions)}</div></div>
      ${health('Under-replicated', cluster.under_replicated_partitions_count, 'stat-under-replicated')}
      ${health('Under min ISR', cluster.under_min_isr_partitions_count, 'stat-under-min-isr')}
      ${health('Offline', cluster.offline_partitions_count, 'stat-offline')}
      <div class="card stat" id="stat-groups"><div class="stat-label">Consumer groups</div>
        <div class="stat-value"><a href="/console/groups">${fmtNumber(groups.length)}</a></div>
        <div class="small">${Object.keys(byState).sort().map(s => html`${badge(s.toLowerCase().replace(/_/g, ' '), stateKind(s))} ${byState[s]} `)}</div></div>
    </div>`;
}

function stateKind(state) {
  if (state === 'STABLE') return 'ok';
  if (state === 'EMPTY') return 'neutral';
  if (state === 'DEAD' || state === 'UNKNOWN') return 'error';
  return 'warn';
}

function brokerTable(cluster, brokers) {
  const controller = controllerId(cluster);
  return html`<div class="table-wrap"><table class="table stack" id="overview-broker-table">
    <thead><tr><th scope="col">Broker</th><th scope="col">Address</th><th scope="col">Rack</th>
      <th scope="col">Version</th><th scope="col">Status</th></tr></thead>
    <tbody>${brokers.map(b => html`<tr>
      <td data-label="Broker"><a href="/console/brokers/${b.broker_id}">${b.broker_id}</a></td>
      <td data-label="Address" class="mono">${b.host}:${b.port}</td>
      <td data-label="Rack">${b.rack || html`<span class="muted">–</span>`}</td>
      <td data-label="Version">${b.software_version || html`<span class="muted">–</span>`}</td>
      <td data-label="Status">${badge('online', 'ok')} ${b.broker_id === controller ? badge('controller', 'info') : ''}</td>
    </tr>`)}</tbody></table></div>`;
}

const rate = v => fmtNumber(Math.round(v * 10) / 10) + '/s';
const byteRate = v => fmtBytes(v) + '/s';
const millis = v => (Math.round(v * 100) / 100) + ' ms';

async function startCharts(view) {
  let charts;
  try {
    const el = id => view.el.querySelector(id);
    charts = await Promise.all([
      LiveChart.create(el('#chart-bytes'), { title: 'Bytes per second', series: [{ label: 'in' }, { label: 'out' }], format: byteRate }),
      LiveChart.create(el('#chart-messages'), { title: 'Messages per second', series: [{ label: 'in' }, { label: 'out' }], format: rate }),
      LiveChart.create(el('#chart-requests'), { title: 'Requests per second', series: [{ label: 'produce' }, { label: 'fetch' }], format: rate }),
      LiveChart.create(el('#chart-latency'), { title: 'Mean request latency (a fetch includes its long-poll wait)', series: [{ label: 'produce' }, { label: 'fetch' }], format: millis }),
    ]);
  } catch (e) {
    if (!view.left) mount(view.el.querySelector('#charts-error'), errorBox(e, 'Charts are not available'));
    return;
  }
  if (view.left) {
    charts.forEach(c => c.destroy());
    return;
  }
  view.onLeave(() => charts.forEach(c => c.destroy()));

  let previous = null;
  const sample = async () => {
    const s = await v3.get('/throughput', { signal: view.signal });
    if (view.left) return;
    mount(view.el.querySelector('#charts-error'), '');
    const t = Date.parse(s.sampled_at);
    if (previous) {
      const dt = (t - previous.t) / 1000;
      if (dt > 0) {
        const p = previous.s;
        const per = (a, b) => Math.max(0, (a - b) / dt);
        const mean = (now, before) => {
          const n = now.count - before.count;
          return n > 0 ? (now.total_time_ms - before.total_time_ms) / n : 0;
        };
        const ts = t / 1000;
        charts[0].push(ts, [per(s.bytes_in, p.bytes_in), per(s.bytes_out, p.bytes_out)]);
        charts[1].push(ts, [per(s.messages_in, p.messages_in), per(s.messages_out, p.messages_out)]);
        charts[2].push(ts, [per(s.produce_requests.count, p.produce_requests.count), per(s.fetch_requests.count, p.fetch_requests.count)]);
        charts[3].push(ts, [mean(s.produce_requests, p.produce_requests), mean(s.fetch_requests, p.fetch_requests)]);
      }
    }
    previous = { t, s };
  };
  try {
    await sample();
  } catch (e) {
    if (e.name !== 'AbortError' && !view.left) mount(view.el.querySelector('#charts-error'), errorBox(e, 'Traffic counters are not available'));
  }
  every(view, SAMPLE_EVERY_MS, async () => {
    try {
      await sample();
    } catch (e) {
      if (e.name !== 'AbortError' && !view.left) mount(view.el.querySelector('#charts-error'), errorBox(e, 'Traffic counters are not available'));
    }
  });
}
