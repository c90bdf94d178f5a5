package io.strata.engine.group;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The transactional offsets of one {@code __consumer_offsets} partition that are committed to the log but wait
 * for their producer's marker (Kafka's pendingTransactionalOffsets and openTransactionsByGroup): keyed by producer
 * id, then group, then partition, with the log offset of the record that carried each. A commit marker hands them
 * to the group's committed offsets, an abort drops them; an offset tombstone drops those of its partition.
 * Invisible to OffsetFetch; with {@code require_stable} their partitions answer UNSTABLE_OFFSET_COMMIT.
 *
 * <p>Thread-safety: none needed; it belongs to its {@link GroupShard} and changes only in replay, on the shard's
 * coordinator thread.
 */
final class PendingTxnOffsets {
    /** A pending offset and where its record is in the log (the later of two commits of a partition wins). */
    record Pending(CommittedOffset offset, long recordOffset) {
    }

    private final Map<Long, Map<String, Map<TopicPartition, Pending>>> byProducer = new HashMap<>();
    private final Map<String, Set<Long>> producersByGroup = new HashMap<>();

    void add(long producerId, String group, TopicPartition tp, CommittedOffset offset, long recordOffset) {
        byProducer.computeIfAbsent(producerId, id -> new HashMap<>())
                .computeIfAbsent(group, g -> new HashMap<>())
                .put(tp, new Pending(offset, recordOffset));
        producersByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(producerId);
    }

    /**
     * Ends a producer's transaction: its pending offsets, by group, for the caller to materialise (commit) or
     * ignore (abort); empty if it has none here.
     */
    Map<String, Map<TopicPartition, Pending>> end(long producerId) {
        Map<String, Map<TopicPartition, Pending>> ended = byProducer.remove(producerId);
        if (ended == null) {
            return Map.of();
        }
        for (String group : ended.keySet()) {
            Set<Long> producers = producersByGroup.get(group);
            if (producers != null) {
                producers.remove(producerId);
                if (producers.isEmpty()) {
                    producersByGroup.remove(group);
                }
            }
        }
        return ended;
    }

    /** An offset tombstone of {@code tp} replayed: pending offsets of that partition go too (as in Kafka). */
    void removePartition(String group, TopicPartition tp) {
        for (long producerId : producersByGroup.getOrDefault(group, Set.of())) {
            Map<TopicPartition, Pending> offsets = byProducer.getOrDefault(producerId, Map.of()).get(group);
            if (offsets != null) {
                offsets.remove(tp);
            }
        }
    }

    /** Whether some open transaction holds a pending offset of the group for {@code tp}. */
    boolean hasPending(String group, TopicPartition tp) {
        for (long producerId : producersByGroup.getOrDefault(group, Set.of())) {
            Map<TopicPartition, Pending> offsets = byProducer.getOrDefault(producerId, Map.of()).get(group);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some open transaction has written offsets of the group (even if tombstones removed them since). */
    boolean hasOpenTransactions(String group) {
        return producersByGroup.containsKey(group);
    }

    /** The partitions of the group with pending offsets. */
    Set<TopicPartition> partitions(String group) {
        Set<TopicPartition> all = new HashSet<>();
        for (long producerId : producersByGroup.getOrDefault(group, Set.of())) {
            all.addAll(byProducer.getOrDefault(producerId, Map.of()).getOrDefault(group, Map.of()).keySet());
        }
        return all;
    }

    void clear() {
        byProducer.clear();
        producersByGroup.clear();
    }
}
