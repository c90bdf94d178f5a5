package io.strata.engine.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The coordinator's state of one transactional id (KIP-98, with KIP-360's epoch bumps and KIP-890's
 * transaction version 2). Changes are two-phase, as in Kafka: a {@code prepare...} method validates the
 * change against {@link TransactionState}'s table, records the target state as pending (so no second change
 * can start) and returns the target as an immutable {@link TxnTransitMetadata}; the coordinator appends that
 * value to {@code __transaction_state} and, once the append is committed, calls {@link #completeTransitionTo}
 * (which re-validates it and applies it) or, if the append failed, {@link #cancelTransition}. Timestamps come
 * from the injected clock.
 *
 * <p>Thread-safety: not thread-safe and without a lock of its own (Kafka guards each metadata with a lock). An
 * instance is confined to the coordinator runtime's serial execution of the {@code __transaction_state}
 * partition that owns its id: every prepare, complete, cancel and read runs as an operation of that partition,
 * one at a time, and the runtime provides the happens-before between successive operations. Other threads
 * (describe, list, metrics) read {@link #snapshot()} values handed out by such an operation, never the instance.
 */
public final class TransactionMetadata {
    /** {@code RecordBatch.NO_PRODUCER_ID}. */
    public static final long NO_PRODUCER_ID = RecordBatch.NO_PRODUCER_ID;
    /** {@code RecordBatch.NO_PRODUCER_EPOCH}. */
    public static final short NO_PRODUCER_EPOCH = RecordBatch.NO_PRODUCER_EPOCH;

    private final String transactionalId;
    private final LongSupplier clockMs;
    private long producerId;
    private long prevProducerId;
    private long nextProducerId;
    private short producerEpoch;
    private short lastProducerEpoch;
    private int txnTimeoutMs;
    private TransactionState state;
    private final Set<TopicPartition> topicPartitions;
    private long txnStartTimestamp;
    private long txnLastUpdateTimestamp;
    private TransactionVersion clientTransactionVersion;
    /** The state a prepared, not yet completed transition goes to; null when none is in progress. */
    private TransactionState pendingState;
    /** A fencing epoch bump whose abort failed to be written: the next fence reuses the epoch instead of bumping. */
    private boolean hasFailedEpochFence;

    private TransactionMetadata(String transactionalId, LongSupplier clockMs, TxnTransitMetadata value) {
        this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.producerId = value.producerId();
        this.prevProducerId = value.prevProducerId();
        this.nextProducerId = value.nextProducerId();
        this.producerEpoch = value.producerEpoch();
        this.lastProducerEpoch = value.lastProducerEpoch();
        this.txnTimeoutMs = value.txnTimeoutMs();
        this.state = value.txnState();
        this.topicPartitions = new HashSet<>(value.topicPartitions());
        this.txnStartTimestamp = value.txnStartTimestamp();
        this.txnLastUpdateTimestamp = value.txnLastUpdateTimestamp();
        this.clientTransactionVersion = value.clientTransactionVersion();
    }

    /**
     * A transactional id seen for the first time, holding a freshly allocated producer id and no epoch yet:
     * the first {@link #prepareIncrementProducerEpoch} gives it epoch 0.
     */
    public static TransactionMetadata forNewId(String transactionalId, long producerId, int txnTimeoutMs,
                                               LongSupplier clockMs) {
        if (producerId < 0) {
            throw new IllegalArgumentException("Illegal producer id " + producerId);
        }
        return new TransactionMetadata(transactionalId, clockMs, new TxnTransitMetadata(producerId, NO_PRODUCER_ID,
                NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, txnTimeoutMs, TransactionState.EMPTY, Set.of(),
                -1, clockMs.getAsLong(), TransactionVersion.TV_0));
    }

    /** The metadata of a value replayed from {@code __transaction_state}; DEAD and fence states are never stored. */
    public static TransactionMetadata fromLog(String transactionalId, TxnTransitMetadata value, LongSupplier clockMs) {
        if (value.txnState() == TransactionState.DEAD || value.txnState() == TransactionState.PREPARE_EPOCH_FENCE) {
            throw new IllegalArgumentException("Transactional id " + transactionalId + " was logged in state "
                    + value.txnState() + ", which is never persisted");
        }
        if (value.txnState() == TransactionState.EMPTY && !value.topicPartitions().isEmpty()) {
            throw new IllegalArgumentException("Transactional id " + transactionalId
                    + " was logged Empty with partitions " + value.topicPartitions());
        }
        return new TransactionMetadata(transactionalId, clockMs, value);
    }

    /**
     * Epochs from {@code Short.MAX_VALUE - 1} on are not handed to clients, so the coordinator can always
     * fence the current producer with one more bump.
     */
    public static boolean isEpochExhausted(short producerEpoch) {
        return producerEpoch >= Short.MAX_VALUE - 1;
    }

    public boolean isProducerEpochExhausted() {
        return isEpochExhausted(producerEpoch);
    }

    /** The current (committed) values; immutable, so it may be handed to other threads. */
    public TxnTransitMetadata snapshot() {
        return new TxnTransitMetadata(producerId, prevProducerId, nextProducerId, producerEpoch, lastProducerEpoch,
                txnTimeoutMs, state, topicPartitions, txnStartTimestamp, txnLastUpdateTimestamp,
                clientTransactionVersion);
    }

    /**
     * Fences the current producer (a new InitProducerId or a timeout while a transaction is ongoing): the epoch
     * is bumped (not again after a fence whose abort failed) and the abort that follows carries it. Apply the
     * result with {@link #applyEpochFence}; it is not persisted by itself.
     */
    public TxnTransitMetadata prepareFenceProducerEpoch() {
        if (producerEpoch == Short.MAX_VALUE) {
            throw new IllegalStateException("Cannot fence producer " + producerId + " of " + transactionalId
                    + ": its epoch is Short.MAX_VALUE");
        }
        short fencedEpoch = hasFailedEpochFence ? producerEpoch : (short) (producerEpoch + 1);
        return prepareTransitionTo(TransactionState.PREPARE_EPOCH_FENCE, producerId, NO_PRODUCER_ID, fencedEpoch,
                NO_PRODUCER_EPOCH, txnTimeoutMs, topicPartitions, txnStartTimestamp, txnLastUpdateTimestamp,
                clientTransactionVersion);
    }

    /**
     * Takes the fenced epoch in memory; the state stays ONGOING, ready for the abort
     * ({@link #prepareAbortOrCommit}) that persists it. Older epochs are refused from here on.
     */
    public void applyEpochFence(TxnTransitMetadata fence) {
        if (pendingState != TransactionState.PREPARE_EPOCH_FENCE || fence.txnState() != pendingState
                || fence.producerId() != producerId) {
            throw transitionFailure(fence);
        }
        producerEpoch = fence.producerEpoch();
        lastProducerEpoch = NO_PRODUCER_EPOCH;
        pendingState = null;
    }

    /**
     * InitProducerId on an id with no transaction in progress: bumps the epoch. Without an expected epoch (a
     * new producer instance) the last epoch is forgotten, which fences older instances; with one (KIP-360, v3+)
     * the current epoch continues with a bump, and the last epoch returns the same epoch again (a retry of a
     * successful call).
     *
     * @throws ProducerFencedException the expected epoch is neither the current nor the last one
     * @throws IllegalStateException   the epoch is exhausted (the coordinator rotates the producer id instead)
     */
    public TxnTransitMetadata prepareIncrementProducerEpoch(int newTxnTimeoutMs, Optional<Short> expectedEpoch) {
        if (isProducerEpochExhausted()) {
            throw new IllegalStateException("Cannot allocate any more producer epochs for producer id " + producerId);
        }
        short bumped = (short) (producerEpoch + 1);
        short newEpoch;
        short newLastEpoch;
        if (expectedEpoch.isEmpty()) {
            newEpoch = bumped;
            newLastEpoch = NO_PRODUCER_EPOCH;
        } else if (producerEpoch == NO_PRODUCER_EPOCH || expectedEpoch.get() == producerEpoch) {
            newEpoch = bumped;
            newLastEpoch = producerEpoch;
        } else if (lastProducerEpoch != NO_PRODUCER_EPOCH && expectedEpoch.get() == lastProducerEpoch) {
            newEpoch = producerEpoch;
            newLastEpoch = lastProducerEpoch;
        } else {
            throw new ProducerFencedException("Expected epoch " + expectedEpoch.get() + " of " + transactionalId
                    + " is neither the current epoch " + producerEpoch + " nor the last one " + lastProducerEpoch);
        }
        return prepareTransitionTo(TransactionState.EMPTY, producerId, NO_PRODUCER_ID, newEpoch, newLastEpoch,
                newTxnTimeoutMs, Set.of(), -1, clockMs.getAsLong(), clientTransactionVersion);
    }

    /**
     * InitProducerId once the epoch is exhausted (or the client's producer id is unknown after expiry): a new
     * producer id at epoch 0. With {@code recordLastEpoch} the old epoch is kept as the last one, so the client's
     * retry with its old id and epoch is recognised.
     */
    public TxnTransitMetadata prepareProducerIdRotation(long newProducerId, int newTxnTimeoutMs,
                                                        boolean recordLastEpoch) {
        if (state.isTransactionPending()) {
            throw new IllegalStateException("Cannot rotate the producer id of " + transactionalId
                    + " while a transaction is " + state);
        }
        return prepareTransitionTo(TransactionState.EMPTY, newProducerId, NO_PRODUCER_ID, (short) 0,
                recordLastEpoch ? producerEpoch : NO_PRODUCER_EPOCH, newTxnTimeoutMs, Set.of(), -1,
                clockMs.getAsLong(), clientTransactionVersion);
    }

    /** AddPartitionsToTxn (or AddOffsetsToTxn's offsets partition): the transaction starts or grows. */
    public TxnTransitMetadata prepareAddPartitions(Set<TopicPartition> added, TransactionVersion clientVersion) {
        long now = clockMs.getAsLong();
        boolean starts = state == TransactionState.EMPTY || state == TransactionState.COMPLETE_COMMIT
                || state == TransactionState.COMPLETE_ABORT;
        Set<TopicPartition> partitions = new HashSet<>(topicPartitions);
        partitions.addAll(added);
        return prepareTransitionTo(TransactionState.ONGOING, producerId, NO_PRODUCER_ID, producerEpoch,
                lastProducerEpoch, txnTimeoutMs, partitions, starts ? now : txnStartTimestamp, now, clientVersion);
    }

    /**
     * EndTxn, or the abort after a fence or timeout. With transaction version 2 the epoch is bumped (except an
     * abort at {@code Short.MAX_VALUE}, which cannot be bumped) and {@code nextProducerId}, when not -1, is the
     * producer id the client continues with once the epoch overflowed. A version-2 abort may come with no
     * partition added (state EMPTY or COMPLETE_*): the transaction then starts now.
     */
    public TxnTransitMetadata prepareAbortOrCommit(TransactionState target, TransactionVersion clientVersion,
                                                   long nextProducerId) {
        if (target != TransactionState.PREPARE_COMMIT && target != TransactionState.PREPARE_ABORT) {
            throw new IllegalArgumentException("Not an end state: " + target);
        }
        if (state != TransactionState.ONGOING && !(target == TransactionState.PREPARE_ABORT
                && clientVersion.supportsEpochBump())) {
            throw new IllegalStateException("Cannot " + (target == TransactionState.PREPARE_COMMIT ? "commit" : "abort")
                    + " transactional id " + transactionalId + " in state " + state + " with transaction version "
                    + clientVersion.featureLevel() + ": no transaction is ongoing");
        }
        short newEpoch = producerEpoch;
        short newLastEpoch = lastProducerEpoch;
        if (clientVersion.supportsEpochBump()) {
            if (producerEpoch == Short.MAX_VALUE && target == TransactionState.PREPARE_COMMIT) {
                throw new IllegalStateException("Cannot commit with epoch Short.MAX_VALUE for " + transactionalId);
            }
            newEpoch = producerEpoch == Short.MAX_VALUE ? producerEpoch : (short) (producerEpoch + 1);
            newLastEpoch = producerEpoch;
        }
        long now = clockMs.getAsLong();
        long start = state == TransactionState.ONGOING ? txnStartTimestamp : now;
        return prepareTransitionTo(target, producerId, nextProducerId, newEpoch, newLastEpoch, txnTimeoutMs,
                topicPartitions, start, now, clientVersion);
    }

    /** Every marker is written: the transaction completes (and a version-2 epoch overflow moves to the next id). */
    public TxnTransitMetadata prepareComplete() {
        TransactionState target = state == TransactionState.PREPARE_COMMIT
                ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        boolean overflow = clientTransactionVersion.supportsEpochBump() && nextProducerId != NO_PRODUCER_ID;
        TxnTransitMetadata transit = prepareTransitionTo(target, overflow ? nextProducerId : producerId,
                NO_PRODUCER_ID, overflow ? 0 : producerEpoch, lastProducerEpoch, txnTimeoutMs, Set.of(),
                txnStartTimestamp, clockMs.getAsLong(), clientTransactionVersion);
        hasFailedEpochFence = false; // the abort after a fence was written, or there was no fence
        return transit;
    }

    /** The id expired; the coordinator writes a tombstone and, once committed, forgets the metadata. */
    public TxnTransitMetadata prepareDead() {
        return prepareTransitionTo(TransactionState.DEAD, producerId, NO_PRODUCER_ID, producerEpoch,
                lastProducerEpoch, txnTimeoutMs, Set.of(), txnStartTimestamp, txnLastUpdateTimestamp,
                clientTransactionVersion);
    }

    /** The append of the prepared transition failed or leadership was lost: nothing changes, a retry may start. */
    public void cancelTransition() {
        pendingState = null;
    }

    /** The abort following a fence could not be written: the next fence must not bump the epoch again. */
    public void markEpochFenceFailed() {
        hasFailedEpochFence = true;
    }

    /** A partition whose marker is written (or whose topic is gone) leaves a preparing transaction. */
    public void removePartition(TopicPartition partition) {
        if (state != TransactionState.PREPARE_COMMIT && state != TransactionState.PREPARE_ABORT) {
            throw new IllegalStateException("Cannot remove " + partition + " from " + transactionalId + " in state "
                    + state + "; markers are written only while preparing");
        }
        topicPartitions.remove(partition);
    }

    private TxnTransitMetadata prepareTransitionTo(TransactionState target, long newProducerId, long newNextProducerId,
                                                   short newEpoch, short newLastEpoch, int newTimeoutMs,
                                                   Set<TopicPartition> partitions, long newStart, long updateTimestamp,
                                                   TransactionVersion clientVersion) {
        if (pendingState != null) {
            throw new IllegalStateException("Cannot prepare a transition of " + transactionalId + " to " + target
                    + " while the transition to " + pendingState + " is pending");
        }
        if (newProducerId < 0) {
            throw new IllegalArgumentException("Illegal new producer id " + newProducerId);
        }
        if (target != TransactionState.DEAD && newEpoch < 0) {
            throw new IllegalArgumentException("Illegal new producer epoch " + newEpoch);
        }
        target.checkTransitionFrom(state);
        TxnTransitMetadata transit = new TxnTransitMetadata(newProducerId, producerId, newNextProducerId, newEpoch,
                newLastEpoch, newTimeoutMs, target, partitions, newStart, updateTimestamp, clientVersion);
        pendingState = target;
        return transit;
    }

    /**
     * Applies a prepared transition once its record is committed. It must be the pending one and consistent
     * with the current values (same producer, an allowed epoch, partitions only growing until the end);
     * anything else is a coordinator bug and throws {@link IllegalStateException} without changing anything.
     */
    public void completeTransitionTo(TxnTransitMetadata transit) {
        if (pendingState == null || pendingState != transit.txnState()) {
            throw transitionFailure(transit);
        }
        switch (transit.txnState()) {
            case EMPTY -> {
                boolean epochOk = transit.producerEpoch() == producerEpoch || isValidEpochBump(transit);
                if (!epochOk || !transit.topicPartitions().isEmpty() || transit.txnStartTimestamp() != -1) {
                    throw transitionFailure(transit);
                }
                txnTimeoutMs = transit.txnTimeoutMs();
                producerEpoch = transit.producerEpoch();
                lastProducerEpoch = transit.lastProducerEpoch();
                producerId = transit.producerId();
                prevProducerId = transit.prevProducerId();
            }
            case ONGOING -> {
                if (!isValidEpoch(transit) || !transit.topicPartitions().containsAll(topicPartitions)
                        || transit.txnTimeoutMs() != txnTimeoutMs) {
                    throw transitionFailure(transit);
                }
                txnStartTimestamp = transit.txnStartTimestamp();
                topicPartitions.addAll(transit.topicPartitions());
            }
            case PREPARE_COMMIT, PREPARE_ABORT -> {
                boolean startOk = transit.txnStartTimestamp() == txnStartTimestamp
                        || state != TransactionState.ONGOING; // a version-2 abort with no partition starts now
                if (!isValidEpoch(transit) || !transit.topicPartitions().equals(topicPartitions)
                        || transit.txnTimeoutMs() != txnTimeoutMs || !startOk) {
                    throw transitionFailure(transit);
                }
                txnStartTimestamp = transit.txnStartTimestamp();
                if (transit.clientTransactionVersion().supportsEpochBump()) {
                    producerEpoch = transit.producerEpoch();
                    lastProducerEpoch = transit.lastProducerEpoch();
                    nextProducerId = transit.nextProducerId();
                }
            }
            case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                if (!isValidEpoch(transit) || transit.txnTimeoutMs() != txnTimeoutMs
                        || transit.txnStartTimestamp() == -1) {
                    throw transitionFailure(transit);
                }
                txnStartTimestamp = transit.txnStartTimestamp();
                topicPartitions.clear();
                if (transit.clientTransactionVersion().supportsEpochBump()) {
                    producerEpoch = transit.producerEpoch();
                    lastProducerEpoch = transit.lastProducerEpoch();
                    prevProducerId = transit.prevProducerId();
                    producerId = transit.producerId();
                    nextProducerId = transit.nextProducerId();
                }
            }
            // A fence is applied with applyEpochFence, never persisted; a dead id is removed, never completed.
            case PREPARE_EPOCH_FENCE, DEAD -> throw transitionFailure(transit);
        }
        clientTransactionVersion = transit.clientTransactionVersion();
        txnLastUpdateTimestamp = transit.txnLastUpdateTimestamp();
        pendingState = null;
        state = transit.txnState();
    }

    /** Same producer and epoch; for version 2 the epoch checked is the one before the prepare's bump. */
    private boolean isValidEpoch(TxnTransitMetadata transit) {
        boolean tv2 = transit.clientTransactionVersion().supportsEpochBump();
        TransactionState target = transit.txnState();
        boolean completing = target == TransactionState.COMPLETE_COMMIT || target == TransactionState.COMPLETE_ABORT;
        if (tv2 && completing && transit.producerId() != producerId) {
            // Epoch overflow: the producer id handed out with the prepare takes over at epoch 0.
            return nextProducerId != NO_PRODUCER_ID && transit.producerId() == nextProducerId
                    && transit.prevProducerId() == producerId && transit.producerEpoch() == 0;
        }
        boolean preparing = target == TransactionState.PREPARE_COMMIT || target == TransactionState.PREPARE_ABORT;
        short epoch = tv2 && preparing ? transit.lastProducerEpoch() : transit.producerEpoch();
        return transit.producerId() == producerId && epoch == producerEpoch;
    }

    private boolean isValidEpochBump(TxnTransitMetadata transit) {
        return transit.producerEpoch() == producerEpoch + 1
                || (transit.producerEpoch() == 0 && transit.producerId() != producerId);
    }

    private IllegalStateException transitionFailure(TxnTransitMetadata transit) {
        return new IllegalStateException("Transactional id " + transactionalId + " in state " + state
                + " (pending " + pendingState + ", producer " + producerId + " epoch " + producerEpoch
                + ") cannot complete the transition to " + transit);
    }

    public String transactionalId() {
        return transactionalId;
    }

    public long producerId() {
        return producerId;
    }

    public long prevProducerId() {
        return prevProducerId;
    }

    public long nextProducerId() {
        return nextProducerId;
    }

    public short producerEpoch() {
        return producerEpoch;
    }

    public short lastProducerEpoch() {
        return lastProducerEpoch;
    }

    public int txnTimeoutMs() {
        return txnTimeoutMs;
    }

    public TransactionState state() {
        return state;
    }

    /** An unmodifiable copy. */
    public Set<TopicPartition> topicPartitions() {
        return Set.copyOf(topicPartitions);
    }

    public long txnStartTimestamp() {
        return txnStartTimestamp;
    }

    public long txnLastUpdateTimestamp() {
        return txnLastUpdateTimestamp;
    }

    public TransactionVersion clientTransactionVersion() {
        return clientTransactionVersion;
    }

    public Optional<TransactionState> pendingState() {
        return Optional.ofNullable(pendingState);
    }

    public boolean pendingTransitionInProgress() {
        return pendingState != null;
    }

    public boolean hasFailedEpochFence() {
        return hasFailedEpochFence;
    }

    @Override
    public String toString() {
        return "TransactionMetadata(" + transactionalId + ", " + snapshot() + ", pending=" + pendingState + ")";
    }
}
