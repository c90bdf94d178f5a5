package io.strata.engine.group;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * State of one classic-protocol group: membership, generation and committed offsets. Not thread-safe: it
 * belongs to its {@link GroupShard} and is only touched on that shard's coordinator thread (the runtime runs
 * a partition's operations one at a time). Committed offsets and {@link #persisted()} change only when the
 * records carrying them are committed (replayed); membership is transient and changes as requests arrive.
 */
final class ClassicGroup {
    private final String groupId;
    private GroupState state = GroupState.EMPTY;
    private long stateTimestampMs;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private int generation;
    /** Insertion order: the oldest member becomes leader when the leader leaves. */
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, with the deadline for their second join. */
    private final Map<String, Long> pendingMembers = new HashMap<>();
    private final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /**
     * Log offsets of the records that carried {@link #offsets} (-1 if unknown): a transaction's commit marker does
     * not replace an offset committed by a later record (Kafka compares the same).
     */
    private final Map<TopicPartition, Long> offsetRecordOffsets = new HashMap<>();
    /**
     * Partitions with an offset commit written but not committed yet, with how many: a deletion must tombstone
     * them too, or the pending commit would outlive it in the log.
     */
    private final Map<TopicPartition, Integer> uncommittedOffsets = new HashMap<>();
    /** PreparingRebalance: when the join phase ends at the latest. */
    private long joinDeadlineMs;
    /** PreparingRebalance from Empty: the join phase lasts at least until then (initial rebalance delay). */
    private long initialDelayUntilMs;
    /** CompletingRebalance: when members that have not synced are dropped. */
    private long syncDeadlineMs;
    /** The membership last written to the log: what a restart would restore. */
    private GroupRecords.GroupValue persisted;

    private final GroupShard shard;

    ClassicGroup(String groupId, long nowMs, GroupShard shard) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
        this.shard = shard;
    }

    /** The shard holding this group: where its writes and parked responses of the running operation go. */
    GroupShard shard() {
        return shard;
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    /** @throws IllegalStateException if the group may not move from its state to {@code next} */
    void transitionTo(GroupState next, long nowMs) {
        next.checkTransitionFrom(state, groupId);
        state = next;
        stateTimestampMs = nowMs;
    }

    /** Sets the state a group loaded from the log is in: not a transition. */
    void restoreState(GroupState loaded, long stateTimestampMs) {
        state = loaded;
        this.stateTimestampMs = stateTimestampMs;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    String protocolType() {
        return protocolType;
    }

    void setProtocolType(String protocolType) {
        this.protocolType = protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    void setProtocolName(String protocolName) {
        this.protocolName = protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    void setLeaderId(String leaderId) {
        this.leaderId = leaderId;
    }

    int generation() {
        return generation;
    }

    void setGeneration(int generation) {
        this.generation = generation;
    }

    Collection<GroupMember> members() {
        return members.values();
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    int size() {
        return members.size() + pendingMembers.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    void add(GroupMember member) {
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        pendingMembers.remove(member.memberId());
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    void remove(String memberId) {
        GroupMember member = members.remove(memberId);
        if (member != null && member.isStatic()) {
            staticMembers.remove(member.groupInstanceId(), memberId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Re-keys a static member under the id its new incarnation was given. */
    void replaceStaticMember(String instanceId, String oldMemberId, String newMemberId) {
        GroupMember member = members.remove(oldMemberId);
        member.setMemberId(newMemberId);
        members.put(newMemberId, member);
        staticMembers.put(instanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
    }

    /** Member id of a static member, or null. */
    String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    Map<String, Long> pendingMembers() {
        return pendingMembers;
    }

    boolean allMembersJoined() {
        if (!pendingMembers.isEmpty()) {
            return false;
        }
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin() == null) {
                return false;
            }
        }
        return true;
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    /** Protocols every member supports; the group accepts a new member only if it shares one of them. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (GroupMember m : members.values()) {
            Set<String> names = new java.util.LinkedHashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /** Each member votes for its most preferred candidate; the most voted wins, ties by candidate order. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (GroupMember m : members.values()) {
            for (GroupMember.Protocol p : m.protocols()) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    boolean supportsProtocols(String memberProtocolType, List<GroupMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        return protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    Map<TopicPartition, CommittedOffset> offsets() {
        return offsets;
    }

    /** A committed offset replayed from the record at {@code recordOffset}. */
    void putOffset(TopicPartition tp, CommittedOffset offset, long recordOffset) {
        offsets.put(tp, offset);
        offsetRecordOffsets.put(tp, recordOffset);
    }

    void removeOffset(TopicPartition tp) {
        offsets.remove(tp);
        offsetRecordOffsets.remove(tp);
    }

    /** The log offset of the record that carried the committed offset of {@code tp}; -1 if none or unknown. */
    long offsetRecordOffset(TopicPartition tp) {
        return offsetRecordOffsets.getOrDefault(tp, -1L);
    }

    void offsetWritten(TopicPartition tp) {
        uncommittedOffsets.merge(tp, 1, Integer::sum);
    }

    /** The write of an offset of {@code tp} was committed (replayed) or failed. */
    void offsetWriteEnded(TopicPartition tp) {
        uncommittedOffsets.computeIfPresent(tp, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Whether the group has an offset of {@code tp}, committed or still being written. */
    boolean hasOffset(TopicPartition tp) {
        return offsets.containsKey(tp) || uncommittedOffsets.containsKey(tp);
    }

    /** Partitions the group has offsets of, committed or still being written. */
    java.util.Set<TopicPartition> offsetPartitions() {
        java.util.Set<TopicPartition> all = new java.util.HashSet<>(offsets.keySet());
        all.addAll(uncommittedOffsets.keySet());
        return all;
    }

    /** Offsets sorted by topic and partition, for stable responses. */
    Map<TopicPartition, CommittedOffset> sortedOffsets() {
        Map<TopicPartition, CommittedOffset> sorted = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        sorted.putAll(offsets);
        return sorted;
    }

    long joinDeadlineMs() {
        return joinDeadlineMs;
    }

    void setJoinDeadlineMs(long ms) {
        joinDeadlineMs = ms;
    }

    long initialDelayUntilMs() {
        return initialDelayUntilMs;
    }

    void setInitialDelayUntilMs(long ms) {
        initialDelayUntilMs = ms;
    }

    long syncDeadlineMs() {
        return syncDeadlineMs;
    }

    void setSyncDeadlineMs(long ms) {
        syncDeadlineMs = ms;
    }

    GroupRecords.GroupValue persisted() {
        return persisted;
    }

    void setPersisted(GroupRecords.GroupValue value) {
        persisted = value;
    }

    /** The persisted form of the group's membership. */
    GroupRecords.GroupValue toValue() {
        List<GroupRecords.MemberValue> values = new ArrayList<>();
        for (GroupMember m : members.values()) {
            byte[] subscription = protocolName == null ? new byte[0] : m.metadata(protocolName);
            values.add(new GroupRecords.MemberValue(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), subscription == null ? new byte[0] : subscription,
                    m.assignment()));
        }
        return new GroupRecords.GroupValue(protocolType, generation, protocolName, leaderId, stateTimestampMs,
                List.copyOf(values));
    }
}
