package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;

/** Broker rows. Writes are SQL in MetadataTransactions and BrokerHeartbeatConnection, timestamped by the database clock. */
public interface BrokerRepository extends JpaRepository<BrokerEntity, Integer> {

    List<BrokerEntity> findAllByOrderByBrokerIdAsc();

    @Query("select b from BrokerEntity b where b.version > :since and b.version <= :upTo order by b.brokerId")
    List<BrokerEntity> findChanged(@Param("since") long since, @Param("upTo") long upTo);
}
