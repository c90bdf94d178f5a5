package io.strata.engine.coordinator;

/**
 * A coordinator's state for one partition of its internal topic (one "shard"). The runtime calls every method
 * on the shard's serial executor only, one call at a time, so a shard needs no locks of its own.
 *
 * @param <R> the coordinator's record type, as its {@link CoordinatorSerde} reads and writes it
 */
public interface CoordinatorShard<R> {
    /**
     * Applies one committed record: while loading, every record below the high watermark, oldest first; once
     * loaded, the records of each write as soon as the high watermark covers them, in log order. Records of
     * a write that fails or is never committed are never replayed.
     */
    void replay(R record);

    /**
     * As {@link #replay(Object)}, with where the record is in the log and the producer of its batch
     * ({@code producerId} is {@link org.apache.kafka.common.record.internal.RecordBatch#NO_PRODUCER_ID} unless the
     * batch is transactional). The runtime always calls this one; shards without transactional records keep the
     * default.
     */
    default void replay(long offset, long producerId, short producerEpoch, R record) {
        replay(record);
    }

    /**
     * Applies a committed commit ({@code commit}) or abort marker of {@code producerId}'s transaction, in log order
     * with the records: the shard makes that producer's transactional records effective or drops them.
     */
    default void replayEndTransaction(long producerId, short producerEpoch, boolean commit) {
    }

    /**
     * Called once the log is replayed: at load, or, when the load found records above the high watermark, once
     * they commit and are replayed too (writes wait for that; reads may run before it, on committed state).
     */
    default void onLoaded() {
    }

    /**
     * Called when this broker stops leading the partition (or the runtime closes): the shard is dropped after
     * it, so it should answer whatever it keeps parked (NOT_COORDINATOR makes clients look the coordinator up
     * again).
     */
    default void onUnloaded() {
    }
}
