package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.Optional;

public interface ClusterInfoRepository extends JpaRepository<ClusterInfoEntity, Integer> {

    /** The claimed cluster id, empty while no broker has claimed one yet. */
    @Query("select c.clusterId from ClusterInfoEntity c where c.id = 1")
    Optional<String> findClusterId();

    /**
     * Compare-and-set: stores {@code clusterId} only if none is stored yet. Returns the rows changed,
     * 0 when another broker won the race.
     */
    @Modifying
    @Query("update ClusterInfoEntity c set c.clusterId = :clusterId where c.id = 1 and c.clusterId is null")
    int claimClusterId(@Param("clusterId") String clusterId);
}
