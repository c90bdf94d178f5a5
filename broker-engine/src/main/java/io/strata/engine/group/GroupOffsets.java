package io.strata.engine.group;

import io.strata.engine.config.GroupConfig;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
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

/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, DeleteGroups and the expiry of offsets of
 * groups left empty longer than {@code offsets.retention.minutes}. Each operation holds the group's
 * monitor while it validates, appends to {@code __consumer_offsets} and updates memory, in that order:
 * memory never shows an offset the log does not hold.
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

    /**
     * Result of a commit: a group-level error applies to every partition. {@code replicatedAt} is the offset
     * the group's {@code __consumer_offsets} partition's high watermark must reach before the commit may be
     * acknowledged (-1 when nothing was written).
     */
    public record CommitResult(Errors groupError, Map<TopicPartition, Errors> partitions, int offsetsPartition,
                               long replicatedAt) {
        CommitResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
            this(groupError, partitions, -1, -1);
        }
    }

    /**
     * Commits offsets for a group member ({@code generation >= 0}) or for a standalone consumer or admin
     * ({@code generation < 0}, allowed only while the group has no members).
     */
    public CommitResult commit(String groupId, int generation, String memberId, String instanceId,
                        Map<TopicPartition, CommittedOffset> offsets) {
        ClassicGroup group;
        try {
            group = generation < 0 ? registry.getOrCreate(groupId) : registry.get(groupId);
        } catch (ApiException e) {
            return new CommitResult(Errors.forException(e), Map.of());
        }
        if (group == null) {
            return new CommitResult(Errors.ILLEGAL_GENERATION, Map.of());
        }
        synchronized (group) {
            Errors error = validateCommit(group, generation, memberId, instanceId);
            if (error != Errors.NONE) {
                return new CommitResult(error, Map.of());
            }
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            List<SimpleRecord> records = new ArrayList<>();
            Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
            long now = time.milliseconds();
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                CommittedOffset offset = e.getValue();
                if (offset.metadata().length() > config.offsetMetadataMaxBytes()) {
                    results.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                CommittedOffset stamped = new CommittedOffset(offset.offset(), offset.leaderEpoch(), offset.metadata(), now);
                accepted.put(e.getKey(), stamped);
                records.add(GroupRecords.offsetCommit(groupId, e.getKey(), stamped, now));
            }
            long replicatedAt;
            try {
                replicatedAt = registry.append(group, records);
            } catch (RuntimeException e) {
                log.warn("Offset commit of group {} failed", groupId, e);
                Errors failure = Errors.forException(e) == Errors.UNKNOWN_SERVER_ERROR
                        ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.forException(e);
                accepted.keySet().forEach(tp -> results.put(tp, failure));
                return new CommitResult(Errors.NONE, results);
            }
            group.offsets().putAll(accepted);
            accepted.keySet().forEach(tp -> results.put(tp, Errors.NONE));
            if (generation >= 0) {
                group.member(memberId).heartbeat(now);
            }
            metrics.offsetsCommitted(accepted.size());
            return new CommitResult(Errors.NONE, results, registry.partitionFor(groupId), replicatedAt);
        }
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
     * Offsets of a group: the requested partitions (an unknown one reports offset -1), or all of them
     * when {@code partitions} is null.
     */
    public Map<TopicPartition, CommittedOffset> fetch(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup group = registry.get(groupId);
        if (group == null) {
            Map<TopicPartition, CommittedOffset> none = new LinkedHashMap<>();
            if (partitions != null) {
                partitions.forEach(tp -> none.put(tp, null));
            }
            return none;
        }
        synchronized (group) {
            if (partitions == null) {
                return group.sortedOffsets();
            }
            Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
            partitions.forEach(tp -> out.put(tp, group.offsets().get(tp)));
            return out;
        }
    }

    /** Deletes offsets of partitions the group does not consume; fails for the topics its members subscribe to. */
    public Map<TopicPartition, Errors> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup group = registry.get(groupId);
        if (group == null) {
            throw new GroupIdNotFoundException("Group " + groupId + " does not exist");
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
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
        }
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
                .map(Map.Entry::getKey).toList();
        if (expired.isEmpty()) {
            return;
        }
        try {
            removeOffsets(group, expired);
            log.info("Expired {} offset(s) of topics group {} no longer subscribes to", expired.size(), group.groupId());
        } catch (RuntimeException e) {
            log.warn("Offset expiry of group {} failed; retrying at the next check", group.groupId(), e);
        }
    }

    /** Tombstones a group's offsets of a deleted topic. Caller holds the monitor. */
    void dropTopic(ClassicGroup group, String topic) {
        List<TopicPartition> gone = group.offsets().keySet().stream().filter(tp -> tp.topic().equals(topic)).toList();
        if (gone.isEmpty() || group.is(GroupState.DEAD)) {
            return;
        }
        try {
            removeOffsets(group, gone);
        } catch (RuntimeException e) {
            log.warn("Could not drop offsets of deleted topic {} from group {}", topic, group.groupId(), e);
        }
    }

    /** Deletes an empty group with its offsets. */
    public Errors deleteGroup(String groupId) {
        ClassicGroup group;
        try {
            group = registry.get(groupId);
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return Errors.NON_EMPTY_GROUP;
            }
            try {
                removeGroup(group);
            } catch (RuntimeException e) {
                log.warn("Deleting group {} failed", groupId, e);
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            return Errors.NONE;
        }
    }

    /** Tombstones those of {@code partitions} the group has offsets for, then drops them. Caller holds the monitor. */
    private void removeOffsets(ClassicGroup group, Collection<TopicPartition> partitions) {
        registry.append(group, offsetTombstones(group, partitions, time.milliseconds()));
        partitions.forEach(group.offsets()::remove);
    }

    private static List<SimpleRecord> offsetTombstones(ClassicGroup group, Collection<TopicPartition> partitions,
                                                       long now) {
        List<SimpleRecord> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (group.offsets().containsKey(tp)) {
                tombstones.add(GroupRecords.offsetTombstone(group.groupId(), tp, now));
            }
        }
        return tombstones;
    }

    /** Tombstones the group's offsets and metadata, then forgets it. Caller holds the monitor. */
    private void removeGroup(ClassicGroup group) {
        long now = time.milliseconds();
        List<SimpleRecord> tombstones = offsetTombstones(group, group.offsets().keySet(), now);
        tombstones.add(GroupRecords.groupTombstone(group.groupId(), now));
        registry.append(group, tombstones);
        group.offsets().clear();
        group.transitionTo(GroupState.DEAD, now);
        registry.remove(group);
    }

    /**
     * Expires offsets per Kafka's rules: a consumer group's offsets go once it has been empty for the
     * retention period; a standalone group's offsets each expire that long after their commit. An empty
     * group left without offsets is deleted. Caller holds the monitor.
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
            if (base + retentionMs <= now) {
                expired.add(e.getKey());
            }
        }
        try {
            if (expired.size() == group.offsets().size()) {
                if (group.stateTimestampMs() + retentionMs <= now || !expired.isEmpty()) {
                    log.info("Deleting group {}: empty and its {} offset(s) expired", group.groupId(), expired.size());
                    removeGroup(group);
                }
                return;
            }
            removeOffsets(group, expired);
            log.info("Expired {} offset(s) of group {}", expired.size(), group.groupId());
        } catch (RuntimeException e) {
            log.warn("Offset expiry of group {} failed; retrying at the next check", group.groupId(), e);
        }
    }
}
