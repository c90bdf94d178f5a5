package io.strata.engine.coordinator;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The runtime's view of its internal topic's partitions on this broker (Kafka's PartitionWriter): append as
 * leader without waiting, make durable, wait for the high watermark, read back. {@link ReplicaCoordinatorLog}
 * implements it over the replica manager; tests fake it.
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
