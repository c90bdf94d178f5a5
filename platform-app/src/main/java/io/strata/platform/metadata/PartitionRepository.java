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

    @Query("select distinct p.key.topicId from PartitionEntity p where p.version > :since and p.version <= :upTo")
    List<UUID> findChangedTopicIds(@Param("since") long since, @Param("upTo") long upTo);
}
