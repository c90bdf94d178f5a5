// One consumer group: its members and what they are assigned, lag per partition with a chart sampled while the
// page is open, offset reset (with a dry-run preview) and delete.
import { html, mount } from '../lib/html.js';
import { v3, seg, ApiError } from '../lib/api.js';
import { fmtNumber, loading, errorBox, empty, every, confirmTyped, toast, mapLimit } from '../lib/ui.js';
import { LiveChart } from '../lib/charts.js';
import { typeBadge, stateBadge, isInactive, hasConsumerOffsets, orMissing, StackTable, mono } from '../lib/groups-common.js';
import { openResetDialog } from '../lib/groups-reset.js';

const SAMPLE_MS = 5000;

async function loadGroup(groupId, signal) {
  const path = `/consumer-groups/${seg(groupId)}`;
  const [group, consumers, lags] = await Promise.all([
    v3.get(path, { signal }),
    v3.get(path + '/consumers', { signal }).then(r => r.data),
    orMissing(v3.get(path + '/lags', { signal }).then(r => r.data), []),
  ]);
  const members = await mapLimit(consumers, 6, async c => ({
    ...c,
    assignments: await orMissing(v3.get(`${path}/consumers/${seg(c.consumer_id)}/assignments`, { signal })
      .then(r => r.data), []),
  }));
  return { group, members, lags };
}

/** A member's partitions grouped by topic ("orders: 0, 1, 2"): assignment lists can be long. */
function assignmentList(assignments) {
  if (assignments.length === 0) return html`<span class="muted">none</span>`;
  const byTopic = new Map();
  for (const a of assignments) {
    if (!byTopic.has(a.topic_name)) byTopic.set(a.topic_name, []);
    byTopic.get(a.topic_name).push(a.partition_id);
  }
  return html`<ul class="group-assignments">${[...byTopic.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([topic, parts]) =>
    html`<li><a class="mono" href="/console/topics/${seg(topic)}">${topic}</a>
      <span class="muted">(${parts.length})</span> ${parts.sort((x, y) => x - y).join(', ')}</li>`)}</ul>`;
}

function coordinatorId(group) {
  const m = group.coordinator && group.coordinator.related && group.coordinator.related.match(/\/brokers\/(\d+)$/);
  return m ? m[1] : null;
}

function summaryCards({ group, members, lags }) {
  const total = lags.reduce((s, l) => s + l.lag, 0);
  const coordinator = coordinatorId(group);
  const card = (label, value, id) => html`<div class="card stat"><div class="stat-label">${label}</div>
    <div class="stat-value" ${id ? html`id="${id}"` : ''}>${value}</div></div>`;
  return html`<div class="cards">
    ${card('Members', fmtNumber(members.length), 'group-members-count')}
    ${card('Total lag', lags.length ? fmtNumber(total) : '–', 'group-total-lag')}
    ${card('Partitions with offsets', fmtNumber(lags.length))}
    ${card('Assignor', group.partition_assignor || html`<span class="muted">none</span>`)}
    ${card('Coordinator', coordinator === null ? '–' : html`<a href="/console/brokers/${coordinator}">broker ${coordinator}</a>`)}
  </div>`;
}

function resetHint(group) {
  if (!hasConsumerOffsets(group)) return `Offsets of ${group.type.toLowerCase()} groups are not reset from here.`;
  return isInactive(group) ? '' : 'Offsets can be reset once the group is empty (no active members).';
}

export default async function render(view) {
  const groupId = view.params[0];
  view.setTitle(groupId + ' · Consumer groups');
  mount(view.el, html`<div class="breadcrumbs"><a href="/console/groups">Consumer groups</a> /</div>
    <div class="page-head"><h1><span class="mono">${groupId}</span></h1><span id="group-badges"></span>
      <button type="button" class="btn" id="reset-offsets">Reset offsets…</button>
      <button type="button" class="btn btn-danger" id="delete-group">Delete group…</button></div>
    <p class="muted small" id="group-hint"></p>
    <div id="group-error"></div>
    <div id="group-summary">${loading()}</div>
    <h2>Members</h2><div id="group-members"></div>
    <h2>Lag</h2>
    <div class="card chart group-chart" id="lag-chart" aria-label="Total lag over time, sampled while this page is open"></div>
    <div id="group-lags"></div>`);

  const $ = sel => view.el.querySelector(sel);
  const members = new StackTable($('#group-members'), {
    sortKey: 'client_id',
    emptyText: 'No active members: the group only holds committed offsets.',
    rowAttrs: m => html`data-consumer="${m.consumer_id}"`,
    columns: [
      { key: 'client_id', label: 'Client id', render: mono('client_id') },
      { key: 'consumer_id', label: 'Member id', render: mono('consumer_id', 'small') },
      { key: 'instance_id', label: 'Instance id', render: m => m.instance_id || html`<span class="muted">–</span>` },
      { key: 'assignments', label: 'Assigned partitions', sortable: false, render: m => assignmentList(m.assignments) },
    ],
  });
  const lagTable = new StackTable($('#group-lags'), {
    sortKey: 'topic_name',
    emptyText: 'The group has no committed offsets, so no lag to show.',
    rowAttrs: l => html`data-partition="${l.topic_name}-${l.partition_id}"`,
    columns: [
      { key: 'topic_name', label: 'Topic', render: l => html`<a class="mono" href="/console/topics/${seg(l.topic_name)}">${l.topic_name}</a>` },
      { key: 'partition_id', label: 'Partition', align: 'right' },
      { key: 'current_offset', label: 'Committed', align: 'right', render: l => fmtNumber(l.current_offset) },
      { key: 'log_end_offset', label: 'Log end', align: 'right', render: l => fmtNumber(l.log_end_offset) },
      { key: 'lag', label: 'Lag', align: 'right', className: 'lag-value', render: l => fmtNumber(l.lag) },
      { key: 'client_id', label: 'Owner', render: l => l.client_id || html`<span class="muted">unassigned</span>` },
    ],
  });

  let state = null;
  let chart = null;
  let stopped = false; // the group is gone: no more sampling
  const chartReady = LiveChart.create($('#lag-chart'), {
    title: 'Total lag (sampled every 5 s while open)', series: [{ label: 'Total lag' }], format: v => fmtNumber(Math.round(v)),
  }).then(c => {
    if (view.left) { c.destroy(); return; }
    chart = c;
    if (state && state.lags.length) sample(state);
  }).catch(e => {
    if (!view.left) mount($('#lag-chart'), html`<p class="muted">The lag chart is unavailable: ${e.message}</p>`);
  });
  view.onLeave(() => { if (chart) chart.destroy(); });
  const sample = s => chart && chart.push(Date.now() / 1000, [s.lags.reduce((t, l) => t + l.lag, 0)]);

  const draw = s => {
    state = s;
    mount($('#group-badges'), html`${typeBadge(s.group)} ${stateBadge(s.group.state)}`);
    $('#group-hint').textContent = resetHint(s.group);
    $('#reset-offsets').disabled = !hasConsumerOffsets(s.group);
    mount($('#group-summary'), summaryCards(s));
    members.update(s.members);
    lagTable.update(s.lags);
    sample(s);
  };

  const refresh = async () => {
    try {
      const s = await loadGroup(groupId, view.signal);
      if (view.left) return;
      mount($('#group-error'), '');
      draw(s);
    } catch (e) {
      if (e.name === 'AbortError' || view.left) return;
      if (e instanceof ApiError && e.status === 404) {
        mount(view.el, html`<div class="breadcrumbs"><a href="/console/groups">Consumer groups</a> /</div>
          <h1><span class="mono">${groupId}</span></h1>${errorBox(e, 'No such consumer group')}
          ${empty(html`<a href="/console/groups">Back to the consumer groups</a>`)}`);
        stopped = true;
        return;
      }
      if (!state) mount($('#group-summary'), '');
      mount($('#group-error'), errorBox(e, 'The group could not be loaded'));
    }
  };

  $('#reset-offsets').addEventListener('click', () => {
    if (!state) return;
    const topics = [...new Set(state.lags.map(l => l.topic_name))].sort();
    openResetDialog({ group: state.group, topics, onDone: refresh });
  });
  $('#delete-group').addEventListener('click', () => {
    confirmTyped({
      title: 'Delete consumer group',
      message: `Deleting ${groupId} removes its committed offsets. Only a group without active members can be deleted.`,
      name: groupId,
      action: async () => {
        await v3.del(`/consumer-groups/${seg(groupId)}`);
        toast(`Consumer group ${groupId} deleted`, 'ok');
        view.navigate('/console/groups');
      },
    });
  });

  await refresh();
  every(view, SAMPLE_MS, async () => { if (!stopped) await refresh(); });
  await chartReady;
}
