package io.strata.engine.txn;

import io.strata.engine.coordinator.CoordinatorSerde;
import io.strata.engine.coordinator.CoordinatorShard;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The transactional ids of one {@code __transaction_state} partition this broker leads, under one coordinator
 * epoch (the partition's leader epoch when it was loaded).
 *
 * <p>Committed records change state through {@link #replay}: a record of a transition prepared by a live
 * operation completes it ({@link TransactionMetadata#completeTransitionTo}); any other record (loading, or a write
 * whose wait timed out and that committed later) replaces the id's metadata with the logged value, so the log
 * always wins. Operations may create an id's metadata before its first record commits (Kafka does the same) and
 * set pending transitions; those are transient state, cancelled by the coordinator's follow-up when a write fails.
 *
 * <p>Metrics: a completion by a live operation counts as a commit or abort, with its duration.
 *
 * <p>Markers: once a PREPARE_COMMIT or PREPARE_ABORT is committed (or found committed at load), {@code markers}
 * is told; it must only hand the work to another thread.
 *
 * <p>Thread-safety: none needed; every method runs on the partition's serial executor of the coordinator runtime.
 */
public final class TransactionShard implements CoordinatorShard<TransactionLogRecords.Entry> {
    private static final Logger log = LoggerFactory.getLogger(TransactionShard.class);

    /** A committed PREPARE_* transition whose markers are to be written by this coordinator epoch. */
    public record PreparedEnd(int partition, int coordinatorEpoch, String transactionalId, TxnTransitMetadata prepared) {
    }

    /**
     * Reads and writes the records. A transaction of version 2 is written as value v1, whose tagged fields keep its
     * client transaction version and next producer id across a reload; others as v0, which every reader knows.
     */
    public static final CoordinatorSerde<TransactionLogRecords.Entry> SERDE = new CoordinatorSerde<>() {
        @Override
        public SimpleRecord serialize(TransactionLogRecords.Entry record, long nowMs) {
            return record.value() == null ? TransactionLogRecords.tombstone(record.transactionalId(), nowMs)
                    : TransactionLogRecords.transition(record.transactionalId(), record.value(),
                    record.value().clientTransactionVersion().supportsEpochBump()
                            ? TransactionVersion.TV_2 : TransactionVersion.TV_0, nowMs);
        }

        @Override
        public TransactionLogRecords.Entry deserialize(Record record) {
            return TransactionLogRecords.decode(record);
        }
    };

    private final int partition;
    private final int coordinatorEpoch;
    private final LongSupplier clockMs;
    private final Consumer<PreparedEnd> markers;
    private final TransactionMetrics metrics;
    private final Map<String, TransactionMetadata> transactions = new LinkedHashMap<>();
    private boolean loaded;

    public TransactionShard(int partition, int coordinatorEpoch, LongSupplier clockMs, Consumer<PreparedEnd> markers,
                            TransactionMetrics metrics) {
        this.partition = partition;
        this.coordinatorEpoch = coordinatorEpoch;
        this.clockMs = clockMs;
        this.markers = markers;
        this.metrics = metrics;
    }

    public int partition() {
        return partition;
    }

    public int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    /** The id's metadata, or null. */
    public TransactionMetadata get(String transactionalId) {
        return transactions.get(transactionalId);
    }

    /** Adds metadata for an id seen for the first time (before its first record commits). */
    public void put(TransactionMetadata metadata) {
        transactions.put(metadata.transactionalId(), metadata);
    }

    /** A snapshot of the ids' metadata; operations may change the map while iterating it. */
    public List<TransactionMetadata> all() {
        return new ArrayList<>(transactions.values());
    }

    public LongSupplier clock() {
        return clockMs;
    }

    @Override
    public void replay(TransactionLogRecords.Entry entry) {
        String id = entry.transactionalId();
        TxnTransitMetadata value = entry.value();
        if (value == null) {
            transactions.remove(id);
            return;
        }
        TransactionMetadata metadata = transactions.get(id);
        boolean completed = false;
        if (loaded && metadata != null && metadata.pendingState().orElse(null) == value.txnState()) {
            try {
                metadata.completeTransitionTo(value);
                completed = true;
            } catch (IllegalStateException e) {
                log.warn("__transaction_state-{}: {}; taking the logged value", partition, e.getMessage());
            }
        }
        if (!completed) {
            transactions.put(id, TransactionMetadata.fromLog(id, value, clockMs));
        }
        if (loaded && isPrepared(value.txnState())) {
            markers.accept(new PreparedEnd(partition, coordinatorEpoch, id, value));
        }
        if (completed && (value.txnState() == TransactionState.COMPLETE_COMMIT
                || value.txnState() == TransactionState.COMPLETE_ABORT)) {
            metrics.completed(value.txnState() == TransactionState.COMPLETE_COMMIT,
                    value.txnLastUpdateTimestamp() - value.txnStartTimestamp());
        }
    }

    /** Transactions left prepared by the previous coordinator get their markers from this one. */
    @Override
    public void onLoaded() {
        loaded = true;
        for (TransactionMetadata metadata : transactions.values()) {
            if (isPrepared(metadata.state())) {
                markers.accept(new PreparedEnd(partition, coordinatorEpoch, metadata.transactionalId(),
                        metadata.snapshot()));
            }
        }
    }

    /** Transactions ongoing or being ended. */
    public int openTransactions() {
        int open = 0;
        for (TransactionMetadata metadata : transactions.values()) {
            if (metadata.state() == TransactionState.ONGOING || isPrepared(metadata.state())) {
                open++;
            }
        }
        return open;
    }

    @Override
    public void onUnloaded() {
        transactions.clear();
    }

    static boolean isPrepared(TransactionState state) {
        return state == TransactionState.PREPARE_COMMIT || state == TransactionState.PREPARE_ABORT;
    }
}
