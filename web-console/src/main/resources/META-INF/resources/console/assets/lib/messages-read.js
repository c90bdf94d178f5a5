// Reads pages of a topic's records through Strata's stateless record read, for one partition or all of them.
// A page is, per partition, a start offset and a limit; its result keeps each partition's range, so the page
// before or after it (and the URL that reproduces it) follow from the page itself.
import { v3, seg } from './api.js';

const read = (topic, partition, params, signal) =>
  v3.get(`/topics/${seg(topic)}/partitions/${partition}/records?format=auto&${new URLSearchParams(params)}`, { signal });

/** The topic's partition ids, ascending. */
export async function partitionIds(topic, signal) {
  const r = await v3.get(`/topics/${seg(topic)}/partitions`, { signal });
  return r.data.map(p => p.partition_id).sort((a, b) => a - b);
}

/**
 * Reads one page. start is { offsets: Map(partition → offset) } | { offset } | { timestamp } | { from:
 * 'earliest' } | { from: 'latest' } (the last `limit` records of each partition). Resolves
 * { ranges: Map(partition → {beginning, end, start, next}), records }.
 */
export async function readPage(topic, partitions, start, limit, signal) {
  const ranges = new Map();
  const records = [];
  await Promise.all(partitions.map(async p => {
    let params;
    if (start.offsets) {
      if (!start.offsets.has(p)) return;
      params = { offset: start.offsets.get(p) };
    } else if (start.offset !== undefined) params = { offset: start.offset };
    else if (start.timestamp) params = { timestamp: start.timestamp };
    else if (start.from === 'latest') {
      const probe = await read(topic, p, { from: 'latest', limit: 1 }, signal);
      params = { offset: Math.max(probe.beginning_offset, probe.end_offset - limit) };
    } else params = { from: 'earliest' };
    const page = await read(topic, p, { ...params, limit }, signal);
    const first = page.data.length ? page.data[0].offset : page.next_offset;
    ranges.set(p, { beginning: page.beginning_offset, end: page.end_offset, start: first, next: page.next_offset });
    records.push(...page.data);
  }));
  return { ranges, records };
}

/** Start offsets of the page after `ranges` (partitions at their end are left out), or null at the end. */
export function nextStarts(ranges) {
  const starts = new Map();
  for (const [p, r] of ranges) if (r.next < r.end) starts.set(p, r.next);
  return starts.size ? starts : null;
}

/** Start offsets of the page before `ranges`, `limit` records back, or null at the beginning. */
export function previousStarts(ranges, limit) {
  const starts = new Map();
  for (const [p, r] of ranges) if (r.start > r.beginning) starts.set(p, Math.max(r.beginning, r.start - limit));
  return starts.size ? starts : null;
}

/** Merges two pages (scanning further): ranges cover both. */
export function mergePages(a, b) {
  const ranges = new Map(a.ranges);
  for (const [p, r] of b.ranges) {
    const o = ranges.get(p);
    ranges.set(p, o ? { beginning: r.beginning, end: r.end, start: Math.min(o.start, r.start), next: Math.max(o.next, r.next) } : r);
  }
  const seen = new Set(a.records.map(key));
  return { ranges, records: [...a.records, ...b.records.filter(r => !seen.has(key(r)))] };
}

const key = r => r.partition_id + ':' + r.offset;

/** "0:12,1:40" ↔ Map(partition → offset), for the URL. */
export const formatStarts = starts => [...starts].map(([p, o]) => p + ':' + o).join(',');
export function parseStarts(text) {
  const starts = new Map();
  for (const part of text.split(',')) {
    const m = part.trim().match(/^(\d+):(\d+)$/);
    if (m) starts.set(Number(m[1]), Number(m[2]));
  }
  return starts.size ? starts : null;
}
