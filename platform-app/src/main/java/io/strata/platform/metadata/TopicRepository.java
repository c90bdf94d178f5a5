package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface TopicRepository extends JpaRepository<TopicEntity, UUID> {

    Optional<TopicEntity> findByName(String name);

    boolean existsByName(String name);

    List<TopicEntity> findAllByOrderByNameAsc();

    @Modifying
    @Query("delete from TopicEntity t where t.topicId = :topicId")
    int deleteTopic(@Param("topicId") UUID topicId);

    @Query("select t.topicId from TopicEntity t where t.version > :since and t.version <= :upTo")
    List<UUID> findChangedIds(@Param("since") long since, @Param("upTo") long upTo);
}
