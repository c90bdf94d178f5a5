package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Primary key of {@code topic_partitions}. */
@Embeddable
public class PartitionKey implements Serializable {
    @Column(name = "topic_id")
    private UUID topicId;

    @Column(name = "partition_index")
    private int partitionIndex;

    protected PartitionKey() {
    }

    public PartitionKey(UUID topicId, int partitionIndex) {
        this.topicId = topicId;
        this.partitionIndex = partitionIndex;
    }

    public UUID getTopicId() {
        return topicId;
    }

    public int getPartitionIndex() {
        return partitionIndex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionKey other && partitionIndex == other.partitionIndex
                && Objects.equals(topicId, other.topicId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topicId, partitionIndex);
    }
}
