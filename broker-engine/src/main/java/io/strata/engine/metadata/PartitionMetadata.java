package io.strata.engine.metadata;

import java.util.List;

/**
 * One partition's replica assignment and leadership. {@code partitionEpoch} is bumped on every
 * leader/ISR change and is the compare-and-set guard for those changes (like Kafka's AlterPartition).
 */
public record PartitionMetadata(int partition, int leader, int leaderEpoch, List<Integer> replicas,
                                List<Integer> isr, int partitionEpoch) {
    public PartitionMetadata {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
