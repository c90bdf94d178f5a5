package io.strata.engine.cluster;

import io.strata.engine.metadata.PartitionMetadata;

/**
 * Sends a leader's ISR change to the metadata store as a compare-and-set on the partition epoch (Kafka's
 * AlterPartition) and reports the outcome back to the partition. Implemented by the replication layer;
 * {@link #submit} must not block the caller (it is called on request threads).
 */
public interface IsrChangeSender {
    /**
     * @param expectedPartitionEpoch the partition epoch the proposal is based on
     * @param proposed               the partition with the new ISR (leader and leader epoch unchanged)
     */
    void submit(Partition partition, int expectedPartitionEpoch, PartitionMetadata proposed);
}
