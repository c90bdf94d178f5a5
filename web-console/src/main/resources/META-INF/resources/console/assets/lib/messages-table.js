// The records of the message browser as a table (a list of cards on phones): where each record is, when,
// its key, headers and value; each row can be copied as JSON.
import { html, mount } from './html.js';
import { fmtTime, empty } from './ui.js';
import { dataView, dataText, base64ToText } from './json-view.js';

function headerText(h) {
  if (h.value === null || h.value === undefined) return { text: '', binary: false };
  const text = base64ToText(h.value);
  return text === null ? { text: h.value, binary: true } : { text, binary: false };
}

/** The text the filter searches: key, value, header names and values. */
export function recordText(r) {
  return [dataText(r.key), dataText(r.value),
    ...(r.headers || []).map(h => h.name + ': ' + headerText(h).text)].join('\n').toLowerCase();
}

export const matches = (r, q) => !q || recordText(r).includes(q.toLowerCase());

function headersView(headers) {
  if (!headers || headers.length === 0) return html`<span class="muted">–</span>`;
  return html`<ul class="msg-headers">${headers.map(h => {
    const { text, binary } = headerText(h);
    return html`<li><span class="msg-header-name">${h.name}</span>: ${text}${binary && html` <span class="badge">base64</span>`}</li>`;
  })}</ul>`;
}

function typeBadge(d) {
  return d ? html`<span class="badge msg-type" title="${d.size} bytes">${d.type.toLowerCase()}</span>` : '';
}

/** Draws rows into el; onCopy(record) runs when a row's copy button is pressed. */
export function recordsTable(el, onCopy) {
  let shown = [];
  el.addEventListener('click', e => {
    const btn = e.target.closest('button[data-copy]');
    if (btn) onCopy(shown[Number(btn.dataset.copy)]);
  });
  return {
    render(records, { binaryAs, emptyText }) {
      shown = records;
      if (records.length === 0) { mount(el, empty(emptyText)); return; }
      mount(el, html`<div class="table-wrap"><table class="table msg-table">
        <thead><tr><th scope="col" class="num">Partition</th><th scope="col" class="num">Offset</th>
          <th scope="col">Timestamp</th><th scope="col">Key</th><th scope="col">Headers</th><th scope="col">Value</th>
          <th scope="col" aria-label="Actions"></th></tr></thead>
        <tbody>${records.map((r, i) => html`<tr data-testid="record" data-partition="${r.partition_id}" data-offset="${r.offset}">
          <td class="num" data-label="Partition">${r.partition_id}</td>
          <td class="num" data-label="Offset">${r.offset}</td>
          <td data-label="Timestamp" class="msg-time">${fmtTime(r.timestamp)}</td>
          <td data-label="Key" class="msg-key">${typeBadge(r.key)}${dataView(r.key, binaryAs)}</td>
          <td data-label="Headers">${headersView(r.headers)}</td>
          <td data-label="Value" class="msg-value">${typeBadge(r.value)}${dataView(r.value, binaryAs)}</td>
          <td class="msg-actions"><button type="button" class="btn btn-small" data-copy="${i}"
            aria-label="Copy record ${r.partition_id}:${r.offset} as JSON">Copy</button></td></tr>`)}</tbody>
      </table></div>`);
    },
  };
}
