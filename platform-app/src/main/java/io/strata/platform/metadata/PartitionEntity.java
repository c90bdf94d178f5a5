package io.strata.platform.metadata;

import io.strata.engine.metadata.PartitionMetadata;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.util.List;
import java.util.UUID;

/** One partition's assignment and leadership, a row of {@code topic_partitions}. */
@Entity
@Table(name = "topic_partitions")
public class PartitionEntity extends AssignedIdEntity<PartitionKey> {
    @EmbeddedId
    private PartitionKey key;

    @Column(name = "leader", nullable = false)
    private int leader;

    @Column(name = "leader_epoch", nullable = false)
    private int leaderEpoch;

    @Convert(converter = BrokerIdListConverter.class)
    @Column(name = "replicas", nullable = false, length = 4000)
    private List<Integer> replicas;

    @Convert(converter = BrokerIdListConverter.class)
    @Column(name = "isr", nullable = false, length = 4000)
    private List<Integer> isr;

    @Column(name = "partition_epoch", nullable = false)
    private int partitionEpoch;

    /** The metadata version that last wrote this row. */
    @Column(name = "version", nullable = false)
    private long version;

    protected PartitionEntity() {
    }

    public static PartitionEntity of(UUID topicId, PartitionMetadata partition, long version) {
        PartitionEntity entity = new PartitionEntity();
        entity.key = new PartitionKey(topicId, partition.partition());
        entity.leader = partition.leader();
        entity.leaderEpoch = partition.leaderEpoch();
        entity.replicas = partition.replicas();
        entity.isr = partition.isr();
        entity.partitionEpoch = partition.partitionEpoch();
        entity.version = version;
        return entity;
    }

    @Override
    public PartitionKey getId() {
        return key;
    }

    public PartitionKey getKey() {
        return key;
    }

    public PartitionMetadata toMetadata() {
        return new PartitionMetadata(key.getPartitionIndex(), leader, leaderEpoch, replicas, isr, partitionEpoch);
    }
}
