package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import io.strata.engine.coordinator.CoordinatorErrors;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, DeleteGroups and the expiry of offsets of
 * groups left empty longer than {@code offsets.retention.minutes}. Each runs as one operation on the group's
 * shard: it validates and writes records (commits, tombstones); offsets in memory change only when those
 * records are committed ({@link GroupShard#replay}), so fetches never show an offset a failover could lose,
 * and a response that follows a write is sent only once the write is on every ISR member. Transactional offsets
 * ({@link TxnOffsetCommits}) pending a marker are not fetched; {@code require_stable} fetches report their
 * partitions unstable; deletions tombstone them too; expiry keeps them and their groups (as Kafka does).
 */
public final class GroupOffsets {
    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final GroupMetrics metrics;

    GroupOffsets(GroupRegistry registry, GroupConfig config, Time time, GroupMetrics metrics) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.metrics = metrics;
    }

    /** Result of a commit, once committed: a group-level error applies to every partition. */
    public record CommitResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    /**
     * Commits offsets for a group member ({@code generation >= 0}) or for a standalone consumer or admin
     * ({@code generation < 0}, allowed only while the group has no members).
     */
    public CompletableFuture<CommitResult> commit(String groupId, int generation, String memberId, String instanceId,
                                                  Map<TopicPartition, CommittedOffset> offsets) {
        return registry.write(groupId, shard -> {
            ClassicGroup group = generation < 0 ? shard.getOrCreate(groupId) : shard.get(groupId);
            if (group == null) {
                return new CommitResult(Errors.ILLEGAL_GENERATION, Map.of());
            }
            Errors error = validateCommit(group, generation, memberId, instanceId);
            if (error != Errors.NONE) {
                return new CommitResult(error, Map.of());
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            long now = time.milliseconds();
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                CommittedOffset offset = e.getValue();
                if (offset.metadata().length() > config.offsetMetadataMaxBytes()) {
                    results.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                CommittedOffset stamped = new CommittedOffset(offset.offset(), offset.leaderEpoch(), offset.metadata(), now);
                shard.append(new GroupRecords.OffsetEntry(groupId, e.getKey(), stamped));
                group.offsetWritten(e.getKey());
                results.put(e.getKey(), Errors.NONE);
            }
            List<TopicPartition> written = results.entrySet().stream().filter(r -> r.getValue() == Errors.NONE)
                    .map(Map.Entry::getKey).toList();
            shard.onWriteFailure(s -> written.forEach(group::offsetWriteEnded));
            if (generation >= 0) {
                group.member(memberId).heartbeat(now);
            }
            metrics.offsetsCommitted((int) results.values().stream().filter(r -> r == Errors.NONE).count());
            return new CommitResult(Errors.NONE, results);
        }).exceptionally(failure -> {
            Errors error = CoordinatorErrors.errorOf(failure);
            if (!(CoordinatorErrors.unwrapped(failure) instanceof ApiException)) {
                log.warn("Offset commit of group {} failed", groupId, failure);
            }
            return new CommitResult(error, Map.of());
        });
    }

    private static Errors validateCommit(ClassicGroup group, int generation, String memberId, String instanceId) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0) {
            // Standalone consumers and admin resets may only write offsets of a group nobody is in.
            return group.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        Errors error = GroupMembership.validateMember(group, memberId, instanceId, generation);
        if (error != Errors.NONE) {
            return error;
        }
        // During the join phase members of the current generation may still commit (KIP-429).
        return group.is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /**
     * Offsets of a group as committed: the requested partitions (an unknown one reports offset -1), or all of
     * them when {@code partitions} is null. Fails with the ApiException of a group not coordinated here.
     */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> fetch(String groupId,
                                                                       Collection<TopicPartition> partitions) {
        return fetch(groupId, partitions, false).thenApply(Fetched::offsets);
    }

    /**
     * What OffsetFetch answers: committed offsets, and with {@code require_stable} the partitions among them with
     * transactional offsets pending (UNSTABLE_OFFSET_COMMIT: the client retries until the transaction ends).
     */
    public record Fetched(Map<TopicPartition, CommittedOffset> offsets, Set<TopicPartition> unstable) {
    }

    /** As {@link #fetch(String, Collection)}; with {@code requireStable} the pending partitions are reported. */
    public CompletableFuture<Fetched> fetch(String groupId, Collection<TopicPartition> partitions,
                                            boolean requireStable) {
        return registry.read(groupId, shard -> {
            ClassicGroup group = shard.get(groupId);
            Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
            if (group == null) {
                if (partitions != null) {
                    partitions.forEach(tp -> out.put(tp, null));
                }
                return new Fetched(out, Set.of());
            }
            if (partitions == null) {
                out.putAll(group.sortedOffsets()); // as Kafka: partitions with only pending offsets are not listed
            } else {
                partitions.forEach(tp -> out.put(tp, group.offsets().get(tp)));
            }
            Set<TopicPartition> unstable = new HashSet<>();
            if (requireStable) {
                PendingTxnOffsets pending = shard.pendingTxnOffsets();
                out.keySet().stream().filter(tp -> pending.hasPending(groupId, tp)).forEach(unstable::add);
            }
            return new Fetched(out, unstable);
        });
    }

    /**
     * Deletes offsets of partitions the group does not consume; fails for the topics its members subscribe to.
     * Fails with GroupIdNotFound or GroupNotEmpty as Kafka does.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(String groupId,
                                                                       Collection<TopicPartition> partitions) {
        return registry.write(groupId, shard -> {
            ClassicGroup group = shard.get(groupId);
            if (group == null || group.is(GroupState.DEAD)) {
                throw new GroupIdNotFoundException("Group " + groupId + " does not exist");
            }
            Set<String> subscribed;
            if (group.isEmpty()) {
                subscribed = Set.of();
            } else if (ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType())) {
                subscribed = subscribedTopics(group);
            } else {
                throw new GroupNotEmptyException("Group " + groupId + " has members and no consumer subscriptions");
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            List<TopicPartition> deletable = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                boolean inUse = subscribed.contains(tp.topic());
                results.put(tp, inUse ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE);
                if (!inUse) {
                    deletable.add(tp);
                }
            }
            removeOffsets(group, deletable);
            return results;
        });
    }

    private static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        for (GroupMember m : group.members()) {
            byte[] metadata = m.metadata(group.protocolName());
            if (metadata == null || metadata.length == 0) {
                continue;
            }
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            } catch (RuntimeException e) {
                log.debug("Unreadable subscription of member {} in group {}", m.memberId(), group.groupId(), e);
            }
        }
        return topics;
    }

    /**
     * A stable consumer group keeps its offsets for the topics it subscribes to; offsets of topics no member
     * subscribes to any more expire like a standalone group's, by commit time (as in Kafka since 2.1).
     */
    private void expireUnsubscribed(ClassicGroup group, long now, long retentionMs) {
        Set<String> subscribed = subscribedTopics(group);
        List<TopicPartition> expired = group.offsets().entrySet().stream()
                .filter(e -> !subscribed.contains(e.getKey().topic()))
                .filter(e -> e.getValue().commitTimestamp() + retentionMs <= now)
                .filter(e -> !hasPending(group, e.getKey()))
                .map(Map.Entry::getKey).toList();
        if (expired.isEmpty()) {
            return;
        }
        removeOffsets(group, expired); // if the write fails, the next check writes it again
        log.info("Expiring {} offset(s) of topics group {} no longer subscribes to", expired.size(), group.groupId());
    }

    /** Tombstones a group's offsets of a deleted topic. Runs on the group's shard thread. */
    void dropTopic(ClassicGroup group, String topic) {
        List<TopicPartition> gone = allOffsetPartitions(group).stream().filter(tp -> tp.topic().equals(topic)).toList();
        if (!gone.isEmpty() && !group.is(GroupState.DEAD)) {
            removeOffsets(group, gone);
        }
    }

    /** Deletes an empty group with its offsets; completes once the tombstones are committed. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return registry.write(groupId, shard -> {
            ClassicGroup group = shard.get(groupId);
            if (group == null || group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return Errors.NON_EMPTY_GROUP;
            }
            removeGroup(group);
            return Errors.NONE;
        }).exceptionally(CoordinatorErrors::errorOf);
    }

    /** Tombstones those of {@code partitions} the group has offsets for; they leave memory once committed. */
    private void removeOffsets(ClassicGroup group, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (group.hasOffset(tp) || hasPending(group, tp)) { // a tombstone also drops pending offsets
                group.shard().append(new GroupRecords.OffsetEntry(group.groupId(), tp, null));
            }
        }
    }

    /**
     * Tombstones the group's offsets and metadata and marks it Dead: it refuses requests until its tombstone
     * commits, then it is forgotten (a later request creates a fresh group). If the write fails it is forgotten
     * at once, as Kafka does; its records stay in the log until they are written again.
     */
    private void removeGroup(ClassicGroup group) {
        removeOffsets(group, allOffsetPartitions(group));
        group.shard().append(new GroupRecords.GroupEntry(group.groupId(), null));
        group.transitionTo(GroupState.DEAD, time.milliseconds());
        group.shard().onWriteFailure(shard -> shard.forget(group));
    }

    /**
     * Expires offsets per Kafka's rules: a consumer group's offsets go once it has been empty for the
     * retention period; a standalone group's offsets each expire that long after their commit. An empty
     * group left without offsets is deleted. Runs on the group's shard thread.
     */
    /** Whether an open transaction holds a pending offset of the group for {@code tp}. */
    private static boolean hasPending(ClassicGroup group, TopicPartition tp) {
        return group.shard().pendingTxnOffsets().hasPending(group.groupId(), tp);
    }

    /** Partitions with a committed offset, one being written, or one pending in a transaction. */
    private static Set<TopicPartition> allOffsetPartitions(ClassicGroup group) {
        Set<TopicPartition> all = new HashSet<>(group.offsetPartitions());
        all.addAll(group.shard().pendingTxnOffsets().partitions(group.groupId()));
        return all;
    }

    /**
     * As in Kafka, transactions keep a group alive: an offset with a pending transactional offset for its partition
     * does not expire, and a group with an open transaction is not deleted for having no offsets left.
     */
    void expire(ClassicGroup group) {
        long now = time.milliseconds();
        long retentionMs = config.offsetsRetentionMinutes() * 60_000L;
        if (group.is(GroupState.STABLE) && ConsumerProtocol.PROTOCOL_TYPE.equals(group.protocolType())) {
            expireUnsubscribed(group, now, retentionMs);
            return;
        }
        if (!group.is(GroupState.EMPTY)) {
            return;
        }
        List<TopicPartition> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : group.offsets().entrySet()) {
            long base = group.protocolType() == null ? e.getValue().commitTimestamp() : group.stateTimestampMs();
            if (base + retentionMs <= now && !hasPending(group, e.getKey())) {
                expired.add(e.getKey());
            }
        }
        boolean openTransactions = group.shard().pendingTxnOffsets().hasOpenTransactions(group.groupId());
        if (expired.size() == group.offsets().size() && !openTransactions) {
            if (group.stateTimestampMs() + retentionMs <= now || !expired.isEmpty()) {
                log.info("Deleting group {}: empty and its {} offset(s) expired", group.groupId(), expired.size());
                removeGroup(group);
            }
            return;
        }
        if (!expired.isEmpty()) {
            removeOffsets(group, expired);
            log.info("Expiring {} offset(s) of group {}", expired.size(), group.groupId());
        }
    }
}
