// The message browser of a topic: pages of records of one or all partitions from the newest, the earliest,
// an offset or a time, paged back and forth, filtered by text; a live tail over SSE; and producing records.
// The URL's query (partition, offset, offsets, timestamp, mode, order, limit, q) always says what is shown.
import { html, mount } from '../lib/html.js';
import { seg } from '../lib/api.js';
import { loading, errorBox, fmtNumber, copyText, download, badge } from '../lib/ui.js';
import { partitionIds, readPage, nextStarts, previousStarts, mergePages, formatStarts, parseStarts } from '../lib/messages-read.js';
import { recordsTable, matches } from '../lib/messages-table.js';
import { startTail } from '../lib/messages-tail.js';
import { produceDialog } from '../lib/messages-produce.js';

const LIMITS = [20, 50, 100, 500];
const MAX_LIMIT = 10000; // the record read's own bound
const MODES = { newest: 'Newest', earliest: 'Earliest', offset: 'From an offset', timestamp: 'From a time', tail: 'Live tail' };

/** The view's state as the URL gives it. */
function fromQuery(query, partitions) {
  const p = query.get('partition');
  const partition = p !== null && partitions.includes(Number(p)) ? Number(p) : null;
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(query.get('limit')) || 50));
  const s = { partition, limit, q: query.get('q') || '', offset: '', timestamp: '', offsets: null, mode: 'newest' };
  const mode = query.get('mode');
  if (mode === 'tail' || mode === 'earliest') s.mode = mode;
  else if (query.get('offsets') && parseStarts(query.get('offsets'))) { s.mode = 'offset'; s.offsets = parseStarts(query.get('offsets')); }
  else if (/^\d+$/.test(query.get('offset') || '')) { s.mode = 'offset'; s.offset = query.get('offset'); }
  else if (query.get('timestamp')) { s.mode = 'timestamp'; s.timestamp = query.get('timestamp'); }
  // Pages reached from the newest records keep their newest-first order (order=newest in the URL).
  s.newestFirst = s.mode === 'newest' || s.mode === 'tail' || (s.mode === 'offset' && query.get('order') === 'newest');
  return s;
}

export default async function render(view) {
  const topic = view.params[0];
  view.setTitle('Messages of ' + topic);
  const partitions = await partitionIds(topic, view.signal);
  if (view.left) return;
  const s = fromQuery(view.query, partitions);
  let binaryAs = 'hex';
  let page = null; // { ranges, records } of what is shown
  let scanned = 1; // pages merged into `page` by "scan further"
  let tail = null;
  let tailRecords = [];
  let loadSeq = 0;

  mount(view.el, html`
    <div class="breadcrumbs"><a href="/console/topics">Topics</a> › <a href="/console/topics/${seg(topic)}">${topic}</a></div>
    <div class="page-head"><h1>Messages of ${topic}</h1>
      <button type="button" class="btn btn-primary" id="msg-produce">Produce</button>
      <button type="button" class="btn" id="msg-download">Download shown</button></div>
    <form class="toolbar msg-controls" id="msg-controls">
      <label class="field-inline">Partition<select name="partition" id="msg-partition">
        <option value="">All partitions</option>${partitions.map(p => html`<option value="${p}">${p}</option>`)}</select></label>
      <label class="field-inline">Show<select name="mode" id="msg-mode">
        ${Object.entries(MODES).map(([k, label]) => html`<option value="${k}">${label}</option>`)}</select></label>
      <label class="field-inline" data-for="offset">Offset<input name="offset" id="msg-offset" inputmode="numeric" size="8" autocomplete="off"></label>
      <label class="field-inline" data-for="timestamp">Time (ISO-8601 or epoch ms)<input name="timestamp" id="msg-timestamp" size="22"
        placeholder="2026-01-31T12:00:00Z" autocomplete="off"></label>
      <label class="field-inline" data-for="limit">Per partition<select name="limit" id="msg-limit">
        ${[...new Set([...LIMITS, s.limit])].sort((a, b) => a - b).map(l => html`<option value="${l}">${l}</option>`)}</select></label>
      <button type="submit" class="btn" id="msg-apply">Show</button>
      <label class="field-inline msg-filter">Filter key, value, headers<input type="search" name="q" id="msg-filter"
        autocomplete="off" spellcheck="false"></label>
      <label class="field-inline">Binary as<select name="binaryAs" id="msg-binary">
        <option value="hex">hex</option><option value="base64">base64</option></select></label>
    </form>
    <div class="msg-bar"><p class="msg-status" id="msg-status" role="status"></p><div class="msg-pager" id="msg-pager"></div></div>
    <div id="msg-records"></div>`);

  const form = view.el.querySelector('#msg-controls');
  const statusEl = view.el.querySelector('#msg-status');
  const pagerEl = view.el.querySelector('#msg-pager');
  const recordsEl = view.el.querySelector('#msg-records');
  const table = recordsTable(recordsEl, r => copyText(JSON.stringify(r, null, 2)));
  form.partition.value = s.partition === null ? '' : String(s.partition);
  form.mode.value = s.mode;
  form.offset.value = s.offset;
  form.timestamp.value = s.timestamp;
  form.limit.value = String(s.limit);
  form.q.value = s.q;

  const selected = () => (s.partition === null ? partitions : [s.partition]);
  const showFields = () => {
    for (const el of form.querySelectorAll('[data-for]')) {
      const f = el.dataset.for;
      el.hidden = f === 'limit' ? s.mode === 'tail' : form.mode.value !== f;
    }
  };

  /** Writes the URL for what is shown. */
  function syncUrl() {
    const q = { partition: s.partition, q: s.q, limit: s.limit === 50 || s.mode === 'tail' ? null : s.limit };
    if (s.mode === 'tail' || s.mode === 'earliest') q.mode = s.mode;
    else if (s.offsets) {
      if (s.newestFirst) q.order = 'newest';
      if (s.partition !== null && s.offsets.has(s.partition)) q.offset = s.offsets.get(s.partition);
      else q.offsets = formatStarts(s.offsets);
    } else if (s.mode === 'offset') q.offset = s.offset;
    else if (s.mode === 'timestamp') q.timestamp = s.timestamp;
    view.setQuery(q);
  }

  const newestFirst = () => s.newestFirst;
  const order = (a, b) => {
    const d = (Date.parse(a.timestamp) || 0) - (Date.parse(b.timestamp) || 0) || a.partition_id - b.partition_id || a.offset - b.offset;
    return newestFirst() ? -d : d;
  };
  const shownRecords = () => (s.mode === 'tail' ? tailRecords : page ? [...page.records].sort(order) : []).filter(r => matches(r, s.q));

  function draw() {
    if (view.left) return;
    const all = s.mode === 'tail' ? tailRecords : page ? page.records : [];
    const shown = shownRecords();
    table.render(shown, { binaryAs, emptyText: s.q && all.length ? 'No record scanned matches the filter.'
      : s.mode === 'tail' ? 'Waiting for new records…' : 'No records here.' });
    if (s.mode === 'tail') { drawTailBar(); return; }
    if (!page) return;
    const ranges = [...page.ranges].sort((a, b) => a[0] - b[0]);
    const where = ranges.filter(([, r]) => r.next > r.start).map(([p, r]) => `${p}: ${r.start}–${r.next - 1}`).join(', ');
    const filter = s.q ? html` · <strong id="msg-match-count">${fmtNumber(shown.length)}</strong> of ${fmtNumber(all.length)} records scanned match “${s.q}”` : '';
    mount(statusEl, html`<span id="msg-count">${fmtNumber(all.length)}</span> ${all.length === 1 ? 'record' : 'records'}${where && html` <span class="muted">(offsets ${where})</span>`}${filter}`);
    const prev = previousStarts(page.ranges, s.limit);
    const next = nextStarts(page.ranges);
    const further = newestFirst() ? prev : next;
    mount(pagerEl, html`
      ${s.q && html`<button type="button" class="btn" id="msg-scan" ${further && s.limit * (scanned + 1) <= MAX_LIMIT ? '' : 'disabled'}>Scan ${s.limit} more</button>`}
      <button type="button" class="btn" id="msg-prev" ${prev ? '' : 'disabled'}>← Earlier</button>
      <button type="button" class="btn" id="msg-next" ${next ? '' : 'disabled'}>Later →</button>`);
    pagerEl.querySelector('#msg-prev').onclick = () => goTo(prev);
    pagerEl.querySelector('#msg-next').onclick = () => goTo(next);
    const scan = pagerEl.querySelector('#msg-scan');
    if (scan) scan.onclick = () => scanFurther(further);
  }

  function drawTailBar() {
    const st = tail ? tail.state : { status: 'closed' };
    const kinds = { connecting: ['Connecting…', 'info'], connected: ['Connected', 'ok'], reconnecting: ['Reconnecting…', 'warn'], closed: ['Disconnected', 'error'] };
    const [label, kind] = kinds[st.status];
    const shown = shownRecords().length;
    mount(statusEl, html`<span id="tail-status" data-status="${st.status}">${badge(label, kind)}</span>
      Live: <span id="msg-count">${fmtNumber(tailRecords.length)}</span> ${tailRecords.length === 1 ? 'record' : 'records'} kept (newest first, at most 500)
      ${s.q && html` · <strong id="msg-match-count">${fmtNumber(shown)}</strong> match “${s.q}”`}
      ${st.paused && html` · paused, <strong>${fmtNumber(st.pending)}</strong> new waiting`}
      ${st.status === 'closed' && html` · the stream stopped; <button type="button" class="btn-link" id="tail-restart">reconnect</button>`}`);
    mount(pagerEl, html`<button type="button" class="btn" id="tail-pause" aria-pressed="${st.paused ? 'true' : 'false'}">${st.paused ? 'Resume' : 'Pause'}</button>
      <button type="button" class="btn" id="tail-clear">Clear</button>`);
    pagerEl.querySelector('#tail-pause').onclick = () => (st.paused ? tail.resume() : tail.pause());
    pagerEl.querySelector('#tail-clear').onclick = () => tail.clear();
    const restart = statusEl.querySelector('#tail-restart');
    if (restart) restart.onclick = () => show();
  }

  function stopTail() {
    if (tail) { tail.close(); tail = null; }
  }

  function startLive() {
    tailRecords = [];
    const t = startTail(topic, s.partition, {
      onChange: (records, state) => { t.state = state; tailRecords = records; draw(); },
    });
    t.state = { status: 'connecting', paused: false, pending: 0 };
    tail = t;
    mount(recordsEl, '');
    draw();
  }

  /** Loads one page (or, with merge, adds a page to the shown one) and draws it; late answers are dropped. */
  async function loadPage(start, merge = false) {
    const seq = ++loadSeq;
    if (!merge) { page = null; scanned = 1; mount(recordsEl, loading('Reading records…')); mount(statusEl, ''); mount(pagerEl, ''); }
    try {
      const got = await readPage(topic, selected(), start, s.limit, view.signal);
      if (view.left || seq !== loadSeq) return;
      if (merge) { page = mergePages(page, got); scanned++; } else page = got;
      draw();
    } catch (e) {
      if (e.name === 'AbortError' || view.left || seq !== loadSeq) return;
      mount(recordsEl, errorBox(e, 'The records could not be read'));
    }
  }

  function goTo(starts) {
    if (!starts) return;
    s.offsets = starts;
    s.mode = 'offset';
    form.mode.value = 'offset';
    form.offset.value = s.partition !== null ? String(starts.get(s.partition)) : '';
    showFields();
    syncUrl();
    loadPage({ offsets: starts });
  }

  async function scanFurther(starts) {
    if (!starts) return;
    await loadPage({ offsets: starts }, true);
    if (view.left || !page) return;
    s.offsets = new Map([...page.ranges].map(([p, r]) => [p, r.start]));
    s.limit = Math.min(MAX_LIMIT, s.limit * scanned);
    s.mode = 'offset';
    syncUrl();
    s.limit = Number(form.limit.value);
  }

  /** Shows what the state says: a page read or the live tail. */
  function show() {
    stopTail();
    loadSeq++;
    showFields();
    syncUrl();
    if (s.mode === 'tail') { startLive(); return; }
    const start = s.offsets ? { offsets: s.offsets }
      : s.mode === 'offset' ? { offset: Number(s.offset) }
        : s.mode === 'timestamp' ? { timestamp: s.timestamp }
          : { from: s.mode === 'earliest' ? 'earliest' : 'latest' };
    loadPage(start);
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    const mode = form.mode.value;
    if (mode === 'offset' && !/^\d+$/.test(form.offset.value.trim())) { form.offset.setCustomValidity('An offset is a whole number'); form.offset.reportValidity(); return; }
    if (mode === 'timestamp' && !form.timestamp.value.trim()) { form.timestamp.setCustomValidity('A time is needed'); form.timestamp.reportValidity(); return; }
    Object.assign(s, { mode, partition: form.partition.value === '' ? null : Number(form.partition.value),
      offset: form.offset.value.trim(), timestamp: form.timestamp.value.trim(), limit: Number(form.limit.value), offsets: null,
      newestFirst: mode === 'newest' || mode === 'tail' });
    show();
  });
  for (const input of [form.offset, form.timestamp]) input.addEventListener('input', () => input.setCustomValidity(''));
  // Choosing a mode that needs no input, a partition or a page size shows it at once.
  form.mode.addEventListener('change', () => { showFields(); if (!['offset', 'timestamp'].includes(form.mode.value)) form.requestSubmit(); });
  form.partition.addEventListener('change', () => { if (!['offset', 'timestamp'].includes(form.mode.value)) form.requestSubmit(); });
  form.limit.addEventListener('change', () => form.requestSubmit());
  form.q.addEventListener('input', () => { s.q = form.q.value.trim(); syncUrl(); draw(); });
  form.binaryAs.addEventListener('change', () => { binaryAs = form.binaryAs.value; draw(); });

  view.el.querySelector('#msg-produce').addEventListener('click', () => {
    let produced = false;
    // A page read shows what was produced once the dialog closes; the live tail shows it by itself.
    produceDialog(topic, partitions, () => { produced = true; })
      .then(() => { if (produced && !view.left && s.mode !== 'tail') show(); })
      .catch(e => console.warn(e));
  });
  view.el.querySelector('#msg-download').addEventListener('click', () => {
    const name = `${topic}-${s.partition === null ? 'all' : 'p' + s.partition}-records.json`;
    download(name, JSON.stringify(shownRecords(), null, 2));
  });

  view.onLeave(stopTail);
  show();
}
