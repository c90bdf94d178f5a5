package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;
import java.util.UUID;

public interface PartitionRepository extends JpaRepository<PartitionEntity, PartitionKey> {

    @Query("select p from PartitionEntity p where p.key.topicId = :topicId order by p.key.partitionIndex")
    List<PartitionEntity> findByTopic(@Param("topicId") UUID topicId);

    @Query("select p from PartitionEntity p order by p.key.topicId, p.key.partitionIndex")
    List<PartitionEntity> findAllOrdered();

    @Query("select count(p) from PartitionEntity p where p.key.topicId = :topicId")
    long countByTopic(@Param("topicId") UUID topicId);

    @Modifying
    @Query("delete from PartitionEntity p where p.key.topicId = :topicId")
    int deleteByTopic(@Param("topicId") UUID topicId);

    /**
     * Rewrites one partition's leadership if its partition epoch is still {@code expected}; 1 if it did, else 0.
     * Native so the replica lists are bound as the stored text; flushes pending changes first and clears the
     * persistence context after, so later reads in the same transaction see this row as written.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE topic_partitions SET leader = :leader, leader_epoch = :leaderEpoch, replicas = :replicas,"
            + " isr = :isr, partition_epoch = :expected + 1, version = :version"
            + " WHERE topic_id = :topicId AND partition_index = :partitionIndex AND partition_epoch = :expected",
            nativeQuery = true)
    int compareAndSet(@Param("topicId") UUID topicId, @Param("partitionIndex") int partitionIndex,
                      @Param("expected") int expected, @Param("leader") int leader,
                      @Param("leaderEpoch") int leaderEpoch, @Param("replicas") String replicas,
                      @Param("isr") String isr, @Param("version") long version);

    @Query("select distinct p.key.topicId from PartitionEntity p where p.version > :since and p.version <= :upTo")
    List<UUID> findChangedTopicIds(@Param("since") long since, @Param("upTo") long upTo);
}
