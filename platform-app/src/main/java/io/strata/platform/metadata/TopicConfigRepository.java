package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;
import java.util.UUID;

public interface TopicConfigRepository extends JpaRepository<TopicConfigEntity, TopicConfigKey> {

    @Query("select c from TopicConfigEntity c where c.key.topicId = :topicId")
    List<TopicConfigEntity> findByTopic(@Param("topicId") UUID topicId);

    @Modifying
    @Query("delete from TopicConfigEntity c where c.key.topicId = :topicId")
    int deleteByTopic(@Param("topicId") UUID topicId);

    @Query("select distinct c.key.topicId from TopicConfigEntity c where c.version > :since and c.version <= :upTo")
    List<UUID> findChangedTopicIds(@Param("since") long since, @Param("upTo") long upTo);
}
