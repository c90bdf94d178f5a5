// What the topic views read from the v3 API, gathered into plain objects: the topic list with its headline configs,
// one topic's partitions (replicas and offsets) and the consumer groups that have committed offsets on it.
import { v3, seg } from './api.js';
import { mapLimit } from './ui.js';

/** The configs the list shows as columns, read for every topic in one call (GET /topics/-/configs). */
const LIST_CONFIGS = ['retention.ms', 'retention.bytes', 'cleanup.policy'];

/** Every topic with partitions, size, offset span and the LIST_CONFIGS values, by name. */
export async function loadTopics(signal) {
  const [topics, configs] = await Promise.all([
    v3.get('/topics?include_offset_span=true', { signal }),
    v3.get('/topics/-/configs', { signal }),
  ]);
  const byTopic = new Map();
  for (const c of configs.data) {
    if (!LIST_CONFIGS.includes(c.name)) continue;
    if (!byTopic.has(c.topic_name)) byTopic.set(c.topic_name, {});
    byTopic.get(c.topic_name)[c.name] = c;
  }
  return topics.data.map(t => ({
    name: t.topic_name,
    internal: t.is_internal,
    partitions: t.partitions_count,
    replicationFactor: t.replication_factor,
    sizeBytes: t.size_bytes ?? null,
    offsetSpan: t.offset_span ?? null,
    configs: byTopic.get(t.topic_name) || {},
  }));
}

/**
 * The topic's partitions with leader, replicas (in assignment order, each marked in sync or not), offsets and
 * size. Two calls per partition, a few at a time.
 */
export async function loadPartitions(topic, signal) {
  const base = '/topics/' + seg(topic) + '/partitions';
  const list = await v3.get(base, { signal });
  return mapLimit(list.data, 6, async p => {
    const path = base + '/' + p.partition_id;
    const [replicas, offsets] = await Promise.all([
      v3.get(path + '/replicas', { signal }),
      v3.get(path + '/offset', { signal }),
    ]);
    const leader = replicas.data.find(r => r.is_leader);
    return {
      id: p.partition_id,
      leader: leader ? leader.broker_id : null,
      replicas: replicas.data.map(r => ({ broker: r.broker_id, inSync: r.is_in_sync, leader: r.is_leader })),
      earliest: offsets.earliest_offset,
      latest: offsets.latest_offset,
      sizeBytes: p.size_bytes ?? null,
    };
  });
}

/**
 * The consumer groups with committed offsets on the topic, with their lag on it. A group whose lags cannot be
 * read (deleted meanwhile) is left out rather than failing the whole list.
 */
export async function loadTopicGroups(topic, signal) {
  const groups = await v3.get('/consumer-groups', { signal });
  const found = await mapLimit(groups.data, 4, async g => {
    let lags;
    try {
      lags = await v3.get('/consumer-groups/' + seg(g.consumer_group_id) + '/lags', { signal });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      return null;
    }
    const mine = lags.data.filter(l => l.topic_name === topic);
    if (mine.length === 0) return null;
    return {
      id: g.consumer_group_id,
      state: g.state,
      partitions: mine.length,
      lag: mine.reduce((sum, l) => sum + l.lag, 0),
      maxLag: Math.max(...mine.map(l => l.lag)),
      consumers: new Set(mine.map(l => l.consumer_id).filter(Boolean)).size,
    };
  });
  return found.filter(Boolean);
}

/** The topic's configs, by name. */
export async function loadConfigs(topic, signal) {
  const r = await v3.get('/topics/' + seg(topic) + '/configs', { signal });
  return r.data;
}
