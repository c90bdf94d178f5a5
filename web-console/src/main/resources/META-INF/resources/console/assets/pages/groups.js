// Consumer groups: every group with its type, state, member count and total lag, refreshed while open.
import { html, mount } from '../lib/html.js';
import { v3, seg } from '../lib/api.js';
import { fmtNumber, loading, errorBox, every, mapLimit } from '../lib/ui.js';
import { typeBadge, stateBadge, orMissing, orNull, StackTable } from '../lib/groups-common.js';

const REFRESH_MS = 10000;

async function loadGroups(signal) {
  const groups = (await v3.get('/consumer-groups', { signal })).data;
  // Members and lag are separate resources per group; a group without committed offsets has no lag (404), and
  // a group whose details fail shows "–" there rather than failing the list.
  return mapLimit(groups, 6, async g => {
    const id = seg(g.consumer_group_id);
    const [members, summary] = await Promise.all([
      orNull(v3.get(`/consumer-groups/${id}/consumers`, { signal }).then(r => r.data.length)),
      orNull(orMissing(v3.get(`/consumer-groups/${id}/lag-summary`, { signal }))),
    ]);
    return { ...g, members, total_lag: summary ? summary.total_lag : null };
  });
}

export default async function render(view) {
  view.setTitle('Consumer groups');
  mount(view.el, html`<div class="page-head"><h1>Consumer groups</h1>
      <span class="muted small" id="groups-count"></span></div>
    <div class="toolbar">
      <label class="field-inline">Filter<input type="search" id="groups-filter" placeholder="Group id, type or state"
        value="${view.query.get('q') || ''}"></label>
    </div>
    <div id="groups-error"></div>
    <div id="groups-table">${loading()}</div>`);

  const tableEl = view.el.querySelector('#groups-table');
  const errorEl = view.el.querySelector('#groups-error');
  const filterEl = view.el.querySelector('#groups-filter');
  const table = new StackTable(tableEl, {
    sortKey: 'consumer_group_id',
    emptyText: 'No consumer groups yet. A group appears once a consumer with a group.id joins or commits offsets.',
    filter: g => `${g.consumer_group_id} ${g.type} ${g.state}`,
    rowAttrs: g => html`data-group="${g.consumer_group_id}"`,
    columns: [
      { key: 'consumer_group_id', label: 'Group',
        render: g => html`<a href="/console/groups/${seg(g.consumer_group_id)}" class="mono">${g.consumer_group_id}</a>` },
      { key: 'type', label: 'Type', render: typeBadge },
      { key: 'state', label: 'State', render: g => stateBadge(g.state) },
      { key: 'members', label: 'Members', align: 'right', render: g => fmtNumber(g.members) },
      { key: 'total_lag', label: 'Total lag', align: 'right', className: 'group-lag', render: g => fmtNumber(g.total_lag) },
    ],
  });
  table.setQuery(filterEl.value);
  filterEl.addEventListener('input', () => {
    table.setQuery(filterEl.value);
    view.setQuery({ q: filterEl.value });
  });

  let first = true;
  const refresh = async () => {
    try {
      const groups = await loadGroups(view.signal);
      if (view.left) return;
      mount(errorEl, '');
      view.el.querySelector('#groups-count').textContent = `${groups.length} group${groups.length === 1 ? '' : 's'}`;
      table.update(groups);
    } catch (e) {
      if (e.name === 'AbortError' || view.left) return;
      // The first failure replaces the table; later ones keep the last rows visible under the error.
      if (first) mount(tableEl, '');
      mount(errorEl, errorBox(e, 'The consumer groups could not be listed'));
    } finally {
      first = false;
    }
  };
  await refresh();
  every(view, REFRESH_MS, refresh);
}
