// Live tail of a topic (or one partition) over Server-Sent Events: newest record first, at most `cap` kept,
// pausable (records arriving while paused are kept and shown on resume), with its connection state.
import { sse, seg } from './api.js';

/**
 * Starts tailing; onChange(records, state) runs (at most once a frame) when records or the connection state
 * change. state: { status: 'connecting'|'connected'|'reconnecting'|'closed', paused, pending }.
 * Returns { pause(), resume(), clear(), close() }.
 */
export function startTail(topic, partition, { cap = 500, onChange }) {
  const path = partition === null
    ? `/topics/${seg(topic)}/records?from=latest&format=auto`
    : `/topics/${seg(topic)}/partitions/${partition}/records?from=latest&format=auto`;
  let records = [];
  let pending = [];
  const state = { status: 'connecting', paused: false, pending: 0 };
  let frame = 0;
  let closed = false;
  let stop = () => {};
  const changed = () => {
    if (frame || closed) return;
    frame = requestAnimationFrame(() => { frame = 0; if (!closed) onChange(records, { ...state, pending: pending.length }); });
  };
  const keep = list => list.length > cap ? list.slice(0, cap) : list;
  sse(path, {
    onOpen: () => { state.status = 'connected'; changed(); },
    onError: (e, readyState) => { state.status = readyState === 2 ? 'closed' : 'reconnecting'; changed(); },
    onEvent: (type, record) => {
      if (typeof record !== 'object') return;
      if (state.paused) pending = keep([record, ...pending]);
      else records = keep([record, ...records]);
      changed();
    },
  }).then(close => { if (closed) close(); else stop = close; }, e => { state.status = 'closed'; state.error = e; changed(); });
  changed();
  return {
    pause() { state.paused = true; changed(); },
    resume() { state.paused = false; records = keep([...pending, ...records]); pending = []; changed(); },
    clear() { records = []; pending = []; changed(); },
    close() { closed = true; cancelAnimationFrame(frame); stop(); },
  };
}
