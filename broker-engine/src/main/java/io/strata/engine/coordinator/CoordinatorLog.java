package io.strata.engine.coordinator;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The runtime's view of its internal topic's partitions on this broker (Kafka's PartitionWriter): append as
 * leader without waiting, make durable, wait for the high watermark, read back. {@link ReplicaCoordinatorLog}
 * implements it over the replica manager; tests fake it.
 *
 * <p>Transactions: a coordinator that keeps transactional records (the group coordinator's TxnOffsetCommit) appends
 * them with {@link #appendTransactional} and ends them with {@link #appendEndTransactionMarker}; loading reads the
 * markers with the records through {@link #readEntries}. Those have defaults so that logs without transactional
 * writes (test fakes) need not implement them.
 */
public interface CoordinatorLog {
    /** Where an append went: the offset after its batch and the leader epoch it was written under. */
    record Appended(long endOffset, int leaderEpoch) {
    }

    /**
     * Appends the records as one batch as leader, without fsync and without waiting for followers.
     *
     * @throws org.apache.kafka.common.errors.NotCoordinatorException if this broker does not lead the partition
     */
    Appended append(int partition, List<SimpleRecord> records);

    /**
     * Appends the records as one transactional batch of {@code producerId} at {@code producerEpoch} (base sequence
     * 0, as Kafka's coordinators write them), as leader, without waiting.
     *
     * @throws org.apache.kafka.common.errors.NotCoordinatorException if this broker does not lead the partition
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException if the partition knows a newer epoch
     */
    default Appended appendTransactional(int partition, long producerId, short producerEpoch,
                                         List<SimpleRecord> records) {
        throw new UnsupportedOperationException("This coordinator log does not write transactional batches");
    }

    /**
     * Appends a commit or abort marker (a control batch) of {@code producerId}'s transaction, as leader, without
     * waiting; the partition checks the producer and coordinator epochs as it does for WriteTxnMarkers.
     *
     * @throws org.apache.kafka.common.errors.NotCoordinatorException if this broker does not lead the partition
     */
    default Appended appendEndTransactionMarker(int partition, long producerId, short producerEpoch,
                                                int coordinatorEpoch, boolean commit, long nowMs) {
        throw new UnsupportedOperationException("This coordinator log does not write transaction markers");
    }

    /** What loading sees of the log: data records with their batch's producer, and transaction markers. */
    interface EntryVisitor {
        /** A data record; {@code producerId} is {@link RecordBatch#NO_PRODUCER_ID} unless its batch is transactional. */
        void record(long producerId, short producerEpoch, Record record);

        /** A commit or abort marker of {@code producerId} at {@code offset}. */
        void endTransaction(long producerId, short producerEpoch, boolean commit, long offset);
    }

    /**
     * Feeds every entry of the partition from its log start to its log end, oldest first, to {@code visitor}.
     * The default sees no markers and no producers: right for logs that never hold transactional batches.
     *
     * @throws org.apache.kafka.common.errors.NotCoordinatorException if this broker does not lead the partition
     */
    default void readEntries(int partition, EntryVisitor visitor) {
        read(partition, record -> visitor.record(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, record));
    }

    /** Makes everything below {@code endOffset} durable per the topic's flush policy (may fsync: never on a shard thread). */
    void makeDurable(int partition, long endOffset);

    /**
     * Completes, on any thread, with NONE once the high watermark reaches {@code endOffset}, NOT_COORDINATOR once
     * this broker no longer leads the partition under {@code leaderEpoch}, or COORDINATOR_NOT_AVAILABLE after
     * {@code timeoutMs}.
     */
    CompletableFuture<Errors> awaitCommitted(int partition, int leaderEpoch, long endOffset, long timeoutMs);

    /** The partition's high watermark; -1 if this broker does not host it. */
    long highWatermark(int partition);

    /**
     * Feeds every data record of the partition from its log start to its log end, oldest first, to {@code sink}.
     *
     * @throws org.apache.kafka.common.errors.NotCoordinatorException if this broker does not lead the partition
     */
    void read(int partition, Consumer<Record> sink);
}
