package io.strata.engine.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The groups this broker coordinates, keyed by id, and which {@code __consumer_offsets} partitions it
 * owns. A partition is first marked loading (requests for its groups get COORDINATOR_LOAD_IN_PROGRESS),
 * then replayed, then owned. The maps are concurrent; each group's state is guarded by its own monitor.
 */
final class GroupRegistry {
    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private final GroupLog groupLog;
    private final Time time;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Set<Integer> loading = ConcurrentHashMap.newKeySet();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitionCount;

    GroupRegistry(GroupLog groupLog, Time time, int partitionCount) {
        this.groupLog = groupLog;
        this.time = time;
        this.partitionCount = partitionCount;
    }

    /** The {@code __consumer_offsets} partition holding a group: Kafka's {@code abs(hashCode) % partitions}. */
    int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % partitionCount;
    }

    void setPartitionCount(int count) {
        partitionCount = count;
    }

    /** The group, or null if this coordinator has none by that id. */
    ClassicGroup get(String groupId) {
        checkOwned(groupId);
        return groups.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        checkOwned(groupId);
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.milliseconds()));
    }

    /** Drops a group that is dead; later lookups create a fresh one. */
    void remove(ClassicGroup group) {
        groups.remove(group.groupId(), group);
    }

    void checkOwned(String groupId) {
        int partition = partitionFor(groupId);
        if (loading.contains(partition)) {
            throw new CoordinatorLoadInProgressException("Loading the offsets partition of group " + groupId);
        }
        if (!owned.contains(partition)) {
            throw new NotCoordinatorException("This broker is not the coordinator of group " + groupId);
        }
    }

    Collection<ClassicGroup> groups() {
        return groups.values();
    }

    /** Whether any offsets partition this broker leads is still being loaded. */
    boolean isLoading() {
        return !loading.isEmpty();
    }

    /**
     * Appends the group's records to its partition; the caller holds the group's monitor. Returns the offset
     * the partition's high watermark must reach for them to be replicated (-1 if none were written).
     */
    long append(ClassicGroup group, List<SimpleRecord> records) {
        return groupLog.append(partitionFor(group.groupId()), records);
    }

    /**
     * Stops serving a partition this broker no longer leads: its groups are dropped from memory (the new
     * leader loads them from the log) and their requests get NOT_COORDINATOR from now on.
     */
    void unload(int partition) {
        boolean wasServed = owned.remove(partition) | loading.remove(partition);
        int before = groups.size();
        groups.values().removeIf(group -> partitionFor(group.groupId()) == partition);
        if (wasServed) {
            log.info("Unloaded {} group(s) of __consumer_offsets-{}: this broker no longer leads it",
                    before - groups.size(), partition);
        }
    }

    /** Whether the partition is served or being loaded. */
    boolean ownsOrLoads(int partition) {
        return owned.contains(partition) || loading.contains(partition);
    }

    void markLoading(Collection<Integer> partitions) {
        for (int p : partitions) {
            if (!owned.contains(p)) {
                loading.add(p);
            }
        }
    }

    /**
     * Replays a partition into groups, then serves it; a partition already served is left alone (the creator of
     * the topic and the leadership listener may both ask). Serialized, since both may run at once.
     */
    synchronized void load(int partition) {
        if (owned.contains(partition)) {
            loading.remove(partition);
            return;
        }
        long start = time.milliseconds();
        GroupLoader loader = new GroupLoader(time.milliseconds());
        try {
            groupLog.replay(partition, (Record record) -> loader.apply(GroupRecords.decode(record)));
        } catch (RuntimeException e) {
            loading.remove(partition);
            log.error("Failed to load partition {} of __consumer_offsets; its groups stay unavailable", partition, e);
            return;
        }
        for (ClassicGroup group : loader.groups()) {
            groups.put(group.groupId(), group);
        }
        owned.add(partition);
        loading.remove(partition);
        log.info("Loaded {} group(s) from __consumer_offsets-{} in {} ms", loader.groups().size(), partition,
                time.milliseconds() - start);
    }

    /** Rebuilds groups from the records of one partition; later records win, tombstones delete. */
    private static final class GroupLoader {
        private final long nowMs;
        private final Map<String, ClassicGroup> loaded = new java.util.LinkedHashMap<>();

        GroupLoader(long nowMs) {
            this.nowMs = nowMs;
        }

        void apply(GroupRecords.Entry entry) {
            if (entry instanceof GroupRecords.OffsetEntry o) {
                ClassicGroup group = loaded.computeIfAbsent(o.group(), id -> new ClassicGroup(id, nowMs));
                TopicPartition tp = o.partition();
                if (o.value() == null) {
                    group.offsets().remove(tp);
                } else {
                    group.offsets().put(tp, o.value());
                }
            } else if (entry instanceof GroupRecords.GroupEntry g) {
                if (g.value() == null) {
                    loaded.remove(g.group());
                } else {
                    ClassicGroup group = loaded.computeIfAbsent(g.group(), id -> new ClassicGroup(id, nowMs));
                    restore(group, g.value());
                }
            }
        }

        private void restore(ClassicGroup group, GroupRecords.GroupValue value) {
            for (GroupMember m : new ArrayList<>(group.members())) {
                group.remove(m.memberId());
            }
            group.setProtocolType(value.protocolType() == null || value.protocolType().isEmpty()
                    ? null : value.protocolType());
            group.setGeneration(value.generation());
            group.setProtocolName(value.protocol());
            for (GroupRecords.MemberValue m : value.members()) {
                GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                        m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                        List.of(new GroupMember.Protocol(value.protocol(), m.subscription())));
                member.setAssignment(m.assignment());
                member.heartbeat(nowMs);
                group.add(member);
            }
            group.setLeaderId(value.members().isEmpty() ? null : value.leader());
            group.transitionTo(value.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE, nowMs);
            group.restoreStateTimestamp(value.stateTimestamp());
            group.setPersisted(value);
        }

        Collection<ClassicGroup> groups() {
            return loaded.values();
        }
    }
}
