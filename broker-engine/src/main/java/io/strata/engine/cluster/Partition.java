package io.strata.engine.cluster;

import io.strata.engine.log.LogAppendResult;
import io.strata.engine.log.LogReadResult;
import io.strata.engine.log.PartitionLog;
import io.strata.engine.log.checkpoint.LeaderEpochCache;
import io.strata.engine.log.producer.VerificationGuard;
import io.strata.engine.log.segment.AbortedTxn;
import io.strata.engine.log.validation.AppendOrigin;
import io.strata.engine.metadata.PartitionMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A partition replica hosted by this broker: its log plus its role in the partition, as leader (tracking its
 * followers, the ISR and the high watermark), follower (fed by a replica fetcher) or offline (no leader).
 *
 * <p>High watermark as leader: the minimum, over the ISR, of each member's durable offset: the leader's own
 * flushed offset when the topic fsyncs each append (Strata's default), else its log end; a follower's fetch
 * position (a follower fetches from an offset only once everything below it is durable under the topic's
 * flush policy). While an ISR change is in flight the larger of the old and new ISR counts (Kafka's
 * "maximal ISR"), so neither an expansion nor a shrink can advance the high watermark early.
 *
 * <p>Low watermark as leader (DeleteRecords): the minimum log start offset over this log and the followers on
 * live brokers, each follower's as its last fetch reported it.
 *
 * <p>Concurrency: {@code stateLock} guards the role, the applied partition state and the follower map.
 * Role changes take it for writing; appends as leader, follower fetch updates and ISR checks take it for
 * reading, so an append never straddles a change of leader epoch. Lock order: stateLock, then the log's
 * own locks. fsync never runs under stateLock. Listener callbacks run after the lock is released.
 */
public final class Partition {
    /** The broker's role for this partition. */
    public enum Role { LEADER, FOLLOWER, OFFLINE }

    /** Which offset a fetch may read up to. */
    public enum FetchBound { HIGH_WATERMARK, LAST_STABLE_OFFSET, LOG_END }

    /** An append as leader: where it went and under which leader epoch (a produce waits on both). */
    public record LeaderAppend(LogAppendResult result, int leaderEpoch) {
    }

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private final int localBrokerId;
    private final PartitionListener listener;
    private final IsrChangeSender isrChangeSender;
    /** Whether broker {@code id} may join the ISR now given the epoch its fetches carry (live, unfenced, same incarnation). */
    private final IsrEligibility eligibility;
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private final Map<Integer, FollowerReplica> followers = new ConcurrentHashMap<>();
    private final PendingIsrChange pendingIsr = new PendingIsrChange();

    private volatile PartitionMetadata state;
    private volatile Role role;
    private volatile int leaderEpoch;
    /** The log end when this broker became leader of the current epoch: a follower joins the ISR only beyond it. */
    private volatile long leaderEpochStartOffset;

    /**
     * Whether a broker may join an ISR: it is live, unfenced and not in controlled shutdown, and
     * {@code brokerEpoch} is its current registration.
     */
    @FunctionalInterface
    public interface IsrEligibility {
        boolean eligible(int brokerId, long brokerEpoch);
    }

    public Partition(TopicPartition topicPartition, Uuid topicId, PartitionLog log, int localBrokerId,
                     PartitionMetadata initial, PartitionListener listener, IsrChangeSender isrChangeSender,
                     IsrEligibility eligibility, long nowMs) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.listener = listener;
        this.isrChangeSender = isrChangeSender;
        this.eligibility = eligibility;
        this.leaderEpoch = -1;
        this.role = Role.OFFLINE;
        apply(initial, nowMs);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role == Role.LEADER;
    }

    /** The leader, ISR and epochs as this broker last applied them. */
    public PartitionMetadata state() {
        return state;
    }

    // ---- role changes (metadata path and ISR change results) ----

    /**
     * Applies a partition state from the metadata store: becomes leader, follower or offline. States older than
     * the one applied (a lower leader epoch, or the same one with a lower partition epoch) are ignored, since
     * the poller and this broker's own ISR changes can deliver them out of order.
     *
     * @return whether the leader or leader epoch changed (a follower must then re-target its fetcher)
     */
    public boolean apply(PartitionMetadata next, long nowMs) {
        boolean leadershipChanged;
        stateLock.writeLock().lock();
        try {
            PartitionMetadata current = state;
            if (current != null && (next.leaderEpoch() < leaderEpoch
                    || (next.leaderEpoch() == leaderEpoch && next.partitionEpoch() <= current.partitionEpoch()))) {
                return false;
            }
            leadershipChanged = current == null || next.leaderEpoch() != leaderEpoch || next.leader() != current.leader();
            state = next;
            pendingIsr.reset();
            Role previousRole = role;
            if (next.leader() == localBrokerId) {
                role = Role.LEADER;
                if (leadershipChanged || previousRole != Role.LEADER) {
                    leaderEpoch = next.leaderEpoch();
                    leaderEpochStartOffset = log.startLeaderEpoch(leaderEpoch);
                    followers.clear();
                }
                for (int replica : next.replicas()) {
                    if (replica != localBrokerId) {
                        followers.computeIfAbsent(replica, id ->
                                new FollowerReplica(id, next.isr().contains(id) ? nowMs : 0));
                    }
                }
                followers.keySet().retainAll(next.replicas());
            } else {
                role = next.leader() < 0 ? Role.OFFLINE : Role.FOLLOWER;
                leaderEpoch = next.leaderEpoch();
                followers.clear();
            }
            leadershipChanged |= previousRole != role;
        } finally {
            stateLock.writeLock().unlock();
        }
        if (role == Role.LEADER) {
            maybeAdvanceHighWatermark();
        }
        if (leadershipChanged) {
            listener.onLeadershipChanged(this);
        }
        return leadershipChanged;
    }

    /** The store accepted this broker's ISR change: applies the stored state. */
    public void onIsrChangeCommitted(int expectedPartitionEpoch, PartitionMetadata stored, long nowMs) {
        if (pendingIsr.isInFlight(expectedPartitionEpoch)) {
            apply(stored, nowMs);
        }
    }

    /**
     * The store refused the change: another writer moved the partition epoch on (the controller, or a newer
     * leader). No new proposal is made until the newer state arrives through the metadata poller.
     */
    public void onIsrChangeRejected(int expectedPartitionEpoch) {
        pendingIsr.lost(expectedPartitionEpoch);
    }

    /** The store could not be reached: the change is proposed again after {@code retryAfterMs}. */
    public void onIsrChangeFailed(int expectedPartitionEpoch, long nowMs, long retryAfterMs) {
        pendingIsr.failed(expectedPartitionEpoch, nowMs, retryAfterMs);
    }

    // ---- leader: appends ----

    /** Fences clients that act on an older or newer leader epoch than ours (-1 skips the check). */
    public void checkLeaderEpoch(int clientEpoch) {
        if (clientEpoch < 0) {
            return;
        }
        int current = leaderEpoch;
        if (clientEpoch < current) {
            throw new FencedLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                    + " is older than the current " + current);
        }
        if (clientEpoch > current) {
            throw new UnknownLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                    + " is newer than the current " + current);
        }
    }

    /** @throws NotLeaderOrFollowerException unless this broker leads the partition */
    public void checkLeader() {
        if (role != Role.LEADER) {
            throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition
                    + " (leader: " + state.leader() + ", epoch " + leaderEpoch + ")");
        }
    }

    /** Appends for producers or for a coordinator of this broker writing its internal topic, fsync included. */
    public LogAppendResult appendAsLeader(MemoryRecords records, AppendOrigin origin) {
        LogAppendResult result;
        stateLock.readLock().lock();
        try {
            checkLeader();
            result = log.appendAsLeader(records, leaderEpoch, origin);
        } finally {
            stateLock.readLock().unlock();
        }
        maybeAdvanceHighWatermark();
        return result;
    }

    public LogAppendResult appendAsLeader(MemoryRecords records) {
        return appendAsLeader(records, AppendOrigin.CLIENT);
    }

    /**
     * Appends a producer's batch without waiting for fsync; {@link #makeDurable} must follow before the batch
     * is acknowledged. With {@code requiredAcks} -1 the ISR must be at least the effective min.insync.replicas.
     *
     * @throws NotEnoughReplicasException   acks=all and the ISR is below min(min.insync.replicas, replicas)
     * @throws NotLeaderOrFollowerException this broker does not lead the partition
     */
    public LeaderAppend appendAsLeaderDeferred(MemoryRecords records, short requiredAcks) {
        return appendAsLeaderDeferred(records, requiredAcks, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeaderDeferred(MemoryRecords, short)}, for a coordinator of this broker too. */
    public LeaderAppend appendAsLeaderDeferred(MemoryRecords records, short requiredAcks, AppendOrigin origin) {
        return appendAsLeaderDeferred(records, requiredAcks, origin, VerificationGuard.UNCHECKED);
    }

    /** As {@link #appendAsLeaderDeferred(MemoryRecords, short)}, checking transaction verification with {@code guard}. */
    public LeaderAppend appendAsLeaderDeferred(MemoryRecords records, short requiredAcks, AppendOrigin origin,
                                               VerificationGuard guard) {
        LeaderAppend append;
        stateLock.readLock().lock();
        try {
            checkLeader();
            if (requiredAcks == -1) {
                checkEnoughReplicas();
            }
            append = new LeaderAppend(log.appendAsLeader(records, leaderEpoch, origin, true, guard), leaderEpoch);
        } finally {
            stateLock.readLock().unlock();
        }
        if (!commitNeedsFsync()) {
            maybeAdvanceHighWatermark();
        }
        return append;
    }

    /**
     * Appends a transaction marker (WriteTxnMarkers) as leader without waiting for fsync; {@link #makeDurable} and the
     * high watermark must follow before it is acknowledged (acks=all: the ISR must meet min.insync.replicas).
     *
     * @throws NotLeaderOrFollowerException this broker does not lead the partition
     * @throws NotEnoughReplicasException   the ISR is below min(min.insync.replicas, replicas)
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException          the producer has a newer epoch
     * @throws org.apache.kafka.common.errors.TransactionCoordinatorFencedException  an older coordinator epoch
     */
    public LeaderAppend appendTxnMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                        long nowMs) {
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(nowMs, producerId, producerEpoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch));
        stateLock.readLock().lock();
        try {
            checkLeader();
            checkEnoughReplicas();
            return new LeaderAppend(log.appendAsLeader(marker, leaderEpoch, AppendOrigin.COORDINATOR, true), leaderEpoch);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    private void checkEnoughReplicas() {
        PartitionMetadata s = state;
        int required = effectiveMinIsr(s);
        if (s.isr().size() < required) {
            throw new NotEnoughReplicasException("The size of the current ISR " + s.isr() + " is insufficient to "
                    + "satisfy the min.isr requirement of " + required + " for partition " + topicPartition);
        }
    }

    /** min(min.insync.replicas, replica count): a topic cannot demand more in-sync replicas than it has. */
    private int effectiveMinIsr(PartitionMetadata s) {
        return Math.min(log.config().minInsyncReplicas(), s.replicas().size());
    }

    /** Whether the committed ISR is below the effective min.insync.replicas. */
    public boolean isUnderMinIsr() {
        PartitionMetadata s = state;
        return s.isr().size() < effectiveMinIsr(s);
    }

    /** Whether some replica is outside the ISR. */
    public boolean isUnderReplicated() {
        PartitionMetadata s = state;
        return s.isr().size() < s.replicas().size();
    }

    /** Whether an append is committed only after an fsync (the topic's flush policy). */
    public boolean commitNeedsFsync() {
        return log.config().fsyncEachAppend();
    }

    /** Makes everything below {@code nextOffset} durable per the topic's flush policy and advances the high watermark. */
    public void makeDurable(long nextOffset) {
        if (commitNeedsFsync()) {
            log.flushTo(nextOffset);
        }
        maybeAdvanceHighWatermark();
    }

    /**
     * As {@link #makeDurable}, without holding the caller's thread: the fsync runs on {@code flushers}, shared
     * with every other waiter of this log, and the high watermark is advanced on the flusher thread. A flush this
     * call starts is handed to the pool from {@code scheduleVia} ({@link io.strata.engine.network.RequestContext#afterRead}).
     * Never throws: every failure comes back in the future.
     */
    public CompletableFuture<Void> makeDurableAsync(long nextOffset, Executor flushers, Executor scheduleVia) {
        try {
            if (!commitNeedsFsync()) {
                maybeAdvanceHighWatermark();
                return CompletableFuture.completedFuture(null);
            }
            return log.flushToAsync(nextOffset, flushers, scheduleVia).thenRun(this::maybeAdvanceHighWatermark);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What this replica holds durably under the topic's flush policy: its term in the high-watermark minimum. */
    public long durableOffset() {
        return commitNeedsFsync() ? log.flushedOffset() : log.logEndOffset();
    }

    /**
     * Moves the high watermark as leader to the minimum durable offset over the (maximal) ISR and tells the
     * listener if it moved. A no-op when not leader.
     */
    public void maybeAdvanceHighWatermark() {
        boolean advanced = false;
        stateLock.readLock().lock();
        try {
            if (role != Role.LEADER) {
                return;
            }
            // The minimum over the maximal ISR: the committed members and those an in-flight change adds.
            long hw = Math.min(minFollowerEnd(state.isr(), durableOffset()), minFollowerEnd(pendingIsr.proposedIsr(),
                    Long.MAX_VALUE));
            if (hw >= 0) {
                long before = log.highWatermark();
                log.updateHighWatermark(hw);
                advanced = log.highWatermark() > before;
            }
        } finally {
            stateLock.readLock().unlock();
        }
        if (advanced) {
            listener.onHighWatermarkAdvanced(this);
        }
    }

    /** The lowest log end of the followers among {@code members}, at most {@code bound}; -1 if one is not known. */
    private long minFollowerEnd(List<Integer> members, long bound) {
        long min = bound;
        for (int i = 0; i < members.size(); i++) {
            int member = members.get(i);
            if (member != localBrokerId) {
                FollowerReplica follower = followers.get(member);
                min = Math.min(min, follower == null ? -1 : follower.logEndOffset());
            }
        }
        return min;
    }

    /** Whether the high watermark covers everything below {@code requiredOffset}. */
    public boolean isCommitted(long requiredOffset) {
        return log.highWatermark() >= requiredOffset;
    }

    // ---- leader: followers ----

    /**
     * Records a follower's fetch: {@code fetchOffset} is durable on it. May add it to the ISR and advance the
     * high watermark.
     *
     * @param leaderLogEndOffset this log's end when the fetch was read
     * @throws NotLeaderOrFollowerException if this broker does not lead or {@code replicaId} is not a replica
     */
    public void updateFollowerFetchState(int replicaId, long brokerEpoch, long fetchOffset, long leaderLogEndOffset,
                                         long nowMs) {
        updateFollowerFetchState(replicaId, brokerEpoch, fetchOffset, -1, leaderLogEndOffset, nowMs);
    }

    /** As above, also recording the follower's log start offset ({@code followerLogStartOffset}, -1 if unknown). */
    public void updateFollowerFetchState(int replicaId, long brokerEpoch, long fetchOffset, long followerLogStartOffset,
                                         long leaderLogEndOffset, long nowMs) {
        boolean startRose;
        stateLock.readLock().lock();
        try {
            checkLeader();
            FollowerReplica follower = followers.get(replicaId);
            if (follower == null) {
                throw new NotLeaderOrFollowerException("Broker " + replicaId + " is not a replica of " + topicPartition);
            }
            follower.onFetch(fetchOffset, leaderLogEndOffset, brokerEpoch, nowMs);
            startRose = follower.onLogStartOffset(followerLogStartOffset);
            maybeExpandIsr(follower, nowMs);
        } finally {
            stateLock.readLock().unlock();
        }
        maybeAdvanceHighWatermark();
        if (startRose) {
            listener.onLowWatermarkMayHaveAdvanced(this);
        }
    }

    /**
     * DeleteRecords' low watermark, as leader: the lowest log start offset over this log and every follower on a
     * live broker (-1 for one that has not reported it yet, as in Kafka). -1 when not leader.
     */
    public long lowWatermark() {
        stateLock.readLock().lock();
        try {
            if (role != Role.LEADER) {
                return -1;
            }
            long low = log.logStartOffset();
            for (FollowerReplica follower : followers.values()) {
                if (eligibility.eligible(follower.brokerId(), -1)) {
                    low = Math.min(low, follower.logStartOffset());
                }
            }
            return low;
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /** Caller holds the read lock. KIP-841: eligible broker, caught up to the HW and this epoch's start. */
    private void maybeExpandIsr(FollowerReplica follower, long nowMs) {
        PartitionMetadata s = state;
        if (s.isr().contains(follower.brokerId()) || !pendingIsr.canPropose(s, nowMs)) {
            return;
        }
        long leo = follower.logEndOffset();
        if (leo < log.highWatermark() || leo < leaderEpochStartOffset
                || !eligibility.eligible(follower.brokerId(), follower.brokerEpoch())) {
            return;
        }
        List<Integer> isr = new ArrayList<>(s.isr());
        isr.add(follower.brokerId());
        propose(s, isr);
    }

    /**
     * Drops from the ISR every follower that has not caught up for {@code lagTimeMaxMs}. Called periodically
     * by the replication layer.
     */
    public void maybeShrinkIsr(long nowMs, long lagTimeMaxMs) {
        stateLock.readLock().lock();
        try {
            PartitionMetadata s = state;
            if (role != Role.LEADER || !pendingIsr.canPropose(s, nowMs)) {
                return;
            }
            List<Integer> isr = new ArrayList<>(s.isr());
            boolean removed = isr.removeIf(id -> {
                if (id == localBrokerId) {
                    return false;
                }
                FollowerReplica follower = followers.get(id);
                return follower == null || nowMs - follower.lastCaughtUpTimeMs() > lagTimeMaxMs;
            });
            if (removed) {
                propose(s, isr);
            }
        } finally {
            stateLock.readLock().unlock();
        }
        maybeAdvanceHighWatermark(); // a shrink committed meanwhile may let it move
    }

    private void propose(PartitionMetadata s, List<Integer> isr) {
        if (pendingIsr.begin(s, isr)) {
            isrChangeSender.submit(this, s.partitionEpoch(), new PartitionMetadata(s.partition(), s.leader(),
                    s.leaderEpoch(), s.replicas(), isr, s.partitionEpoch() + 1));
        }
    }

    /** The follower's fetch position as the leader knows it (-1 if unknown or not leader); for lag metrics. */
    public long followerLogEndOffset(int replicaId) {
        FollowerReplica follower = followers.get(replicaId);
        return follower == null ? -1 : follower.logEndOffset();
    }

    // ---- follower ----

    /** Appends batches fetched from the leader; see {@link PartitionLog#appendAsFollower}. */
    public int appendAsFollower(MemoryRecords records) {
        if (role == Role.LEADER) {
            throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " leads " + topicPartition
                    + " and takes no replicated batches");
        }
        return log.appendAsFollower(records);
    }

    /** A follower's high watermark: the leader's, as far as this log reaches. */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        if (role != Role.LEADER) {
            log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
        }
    }

    // ---- reads ----

    /**
     * Reads for a consumer (bounded by the high watermark, or the last stable offset for read_committed)
     * or a replica (bounded by the log end).
     */
    public LogReadResult read(long fetchOffset, int maxBytes, FetchBound bound, boolean minOneMessage) {
        return log.read(fetchOffset, maxBytes, upperBound(bound), minOneMessage);
    }

    /** The offset a fetch under {@code bound} may read up to (exclusive). */
    public long upperBound(FetchBound bound) {
        return switch (bound) {
            case HIGH_WATERMARK -> log.highWatermark();
            case LAST_STABLE_OFFSET -> lastStableOffset();
            case LOG_END -> log.logEndOffset();
        };
    }

    /** First offset that read_committed consumers must not pass: see {@link PartitionLog#lastStableOffset()}. */
    public long lastStableOffset() {
        return log.lastStableOffset();
    }

    /** Aborted transactions a read_committed fetch of [{@code fetchOffset}, {@code upperBoundOffset}) must report. */
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        return log.abortedTransactions(fetchOffset, upperBoundOffset);
    }

    public Optional<Integer> leaderEpochForOffset(long offset) {
        int epoch = log.leaderEpochCache().epochForOffset(offset);
        return epoch < 0 ? Optional.empty() : Optional.of(epoch);
    }

    /** Where the leader's log diverges from a follower that last fetched {@code lastFetchedEpoch}: see Fetch v12+. */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int epoch) {
        return log.leaderEpochCache().endOffsetFor(epoch, log.logEndOffset());
    }

    @Override
    public String toString() {
        return topicPartition + "[" + role + ", epoch " + leaderEpoch + ", " + state + "]";
    }
}
