package io.strata.engine.group;

import io.strata.engine.coordinator.CoordinatorShard;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The classic groups of one {@code __consumer_offsets} partition this broker leads. While an operation runs it
 * also collects what the operation writes and the parked responses it answers, which {@link GroupRegistry}
 * hands to the coordinator runtime as one write: the records are appended as one batch and the answers go out
 * once the high watermark covers them (with an error, and the operation's follow-ups scheduled, if the write
 * fails).
 *
 * <p>Committed records change state only through {@link #replay}: offsets appear and disappear, group records
 * set what a restart would restore, and a deleted (Dead) group is forgotten when its tombstone commits.
 * Transactional offset commits (TxnOffsetCommit) are held in {@link PendingTxnOffsets} until their producer's
 * commit or abort marker is replayed ({@link #replayEndTransaction}), live and when loading alike.
 *
 * <p>Thread-safety: none needed; everything here runs on the partition's coordinator thread (the runtime's
 * serial executor), one operation at a time. Answers complete on {@code completions}.
 */
final class GroupShard implements CoordinatorShard<GroupRecords.Entry> {
    private final int partition;
    private final Time time;
    private final Executor completions;
    private final Map<String, ClassicGroup> groups = new LinkedHashMap<>();
    private final PendingTxnOffsets pendingTxnOffsets = new PendingTxnOffsets();
    private boolean loaded;
    private Writes writes = new Writes();

    GroupShard(int partition, Time time, Executor completions) {
        this.partition = partition;
        this.time = time;
        this.completions = completions;
    }

    int partition() {
        return partition;
    }

    /** The group, or null if this coordinator has none by that id. */
    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.milliseconds(), this));
    }

    /** A snapshot: operations may remove groups while iterating it. */
    List<ClassicGroup> groups() {
        return new ArrayList<>(groups.values());
    }

    /** Drops a group from memory (its log records stay as they are). */
    void forget(ClassicGroup group) {
        groups.remove(group.groupId(), group);
    }

    // ---- what the running operation writes and answers ----

    /** Adds a record to the running operation's write. */
    void append(GroupRecords.Entry record) {
        writes.records.add(record);
    }

    /** Answers a parked response once the running operation's write commits; with {@code onError} if it fails. */
    <T> void answer(CompletableFuture<T> future, T value, Function<Errors, T> onError) {
        writes.answers.add(new Answer<>(future, value, onError));
    }

    /** Runs {@code followUp} as a new operation if the running operation's write fails. */
    void onWriteFailure(Consumer<GroupShard> followUp) {
        writes.followUps.add(followUp);
    }

    /** Takes what the running operation collected; the next starts empty. */
    Writes takeWrites() {
        Writes taken = writes;
        writes = new Writes();
        return taken;
    }

    /** A parked response and what it gets on success and on failure. */
    private record Answer<T>(CompletableFuture<T> future, T value, Function<Errors, T> onError) {
        void succeed() {
            future.complete(value);
        }

        void fail(Errors error) {
            future.complete(onError.apply(error));
        }
    }

    /** One operation's records, parked answers and failure follow-ups. */
    static final class Writes {
        private final List<GroupRecords.Entry> records = new ArrayList<>();
        private final List<Answer<?>> answers = new ArrayList<>();
        private final List<Consumer<GroupShard>> followUps = new ArrayList<>();

        List<GroupRecords.Entry> records() {
            return records;
        }

        List<Consumer<GroupShard>> followUps() {
            return followUps;
        }

        void succeed() {
            answers.forEach(Answer::succeed);
        }

        void fail(Errors error) {
            answers.forEach(a -> a.fail(error));
        }
    }

    // ---- committed records ----

    @Override
    public void replay(GroupRecords.Entry entry) {
        replay(-1, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, entry);
    }

    /**
     * An offset commit of a transactional batch ({@code producerId} set: TxnOffsetCommit) stays pending until its
     * producer's marker; any other takes effect now. A tombstone removes the committed offset and the pending ones.
     */
    @Override
    public void replay(long recordOffset, long producerId, short producerEpoch, GroupRecords.Entry entry) {
        if (entry instanceof GroupRecords.OffsetEntry o) {
            ClassicGroup group = groups.get(o.group());
            if (o.value() == null) {
                if (group != null) {
                    group.removeOffset(o.partition());
                }
                pendingTxnOffsets.removePartition(o.group(), o.partition());
            } else {
                group = getOrCreate(o.group());
                if (producerId == RecordBatch.NO_PRODUCER_ID) {
                    group.putOffset(o.partition(), o.value(), recordOffset);
                } else {
                    pendingTxnOffsets.add(producerId, o.group(), o.partition(), o.value(), recordOffset);
                }
                if (loaded) {
                    group.offsetWriteEnded(o.partition());
                }
            }
        } else if (entry instanceof GroupRecords.GroupEntry g) {
            ClassicGroup group = groups.get(g.group());
            if (g.value() == null) {
                if (group != null && (!loaded || group.is(GroupState.DEAD))) {
                    groups.remove(g.group()); // a live group of that id was created after the deletion: it stays
                }
            } else if (loaded && group != null) {
                group.setPersisted(g.value()); // the live group is ahead of its record: only note what is durable
            } else {
                restore(group == null ? getOrCreate(g.group()) : group, g.value());
            }
        }
    }

    /**
     * A committed marker of {@code producerId}: on commit its pending offsets become the groups' committed offsets,
     * except where a later record already committed one (record offsets compared, as Kafka does); on abort they go.
     */
    @Override
    public void replayEndTransaction(long producerId, short producerEpoch, boolean commit) {
        Map<String, Map<org.apache.kafka.common.TopicPartition, PendingTxnOffsets.Pending>> ended =
                pendingTxnOffsets.end(producerId);
        if (!commit) {
            return;
        }
        ended.forEach((groupId, offsets) -> {
            if (offsets.isEmpty()) {
                return; // tombstoned meanwhile: nothing to materialise, no group to create
            }
            ClassicGroup group = getOrCreate(groupId);
            offsets.forEach((tp, pending) -> {
                if (group.offsetRecordOffset(tp) < pending.recordOffset() || !group.offsets().containsKey(tp)) {
                    group.putOffset(tp, pending.offset(), pending.recordOffset());
                }
            });
        });
    }

    /** Transactional offsets waiting for their producer's marker. */
    PendingTxnOffsets pendingTxnOffsets() {
        return pendingTxnOffsets;
    }

    @Override
    public void onLoaded() {
        loaded = true;
    }

    /** Parked joins and syncs learn that this broker is no longer the coordinator; clients look it up again. */
    @Override
    public void onUnloaded() {
        for (ClassicGroup group : groups.values()) {
            for (GroupMember m : group.members()) {
                CompletableFuture<org.apache.kafka.common.message.JoinGroupResponseData> join = m.awaitingJoin();
                if (join != null) {
                    String memberId = m.memberId();
                    completions.execute(() -> join.complete(GroupRebalance.errorResponse(memberId, Errors.NOT_COORDINATOR)));
                }
                CompletableFuture<org.apache.kafka.common.message.SyncGroupResponseData> sync = m.awaitingSync();
                if (sync != null) {
                    completions.execute(() -> sync.complete(GroupRebalance.syncError(Errors.NOT_COORDINATOR)));
                }
            }
        }
        groups.clear();
        pendingTxnOffsets.clear();
    }

    /** Rebuilds a group's membership from its record: members as they were at the last completed rebalance. */
    private void restore(ClassicGroup group, GroupRecords.GroupValue value) {
        long now = time.milliseconds();
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
            member.heartbeat(now);
            group.add(member);
        }
        group.setLeaderId(value.members().isEmpty() ? null : value.leader());
        group.restoreState(value.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE, value.stateTimestamp());
        group.setPersisted(value);
    }
}
