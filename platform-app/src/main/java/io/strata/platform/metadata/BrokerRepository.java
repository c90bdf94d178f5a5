package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.util.List;

/** Broker rows. Writes go through queries so the timestamps come from the database clock. */
public interface BrokerRepository extends JpaRepository<BrokerEntity, Integer> {

    List<BrokerEntity> findAllByOrderByBrokerIdAsc();

    /** Refreshes an existing registration; returns 0 when the broker never registered. */
    @Modifying
    @Query("update BrokerEntity b set b.host = :host, b.port = :port, b.rack = :rack,"
            + " b.lastHeartbeat = instant where b.brokerId = :brokerId")
    int updateRegistration(@Param("brokerId") int brokerId, @Param("host") String host, @Param("port") int port,
                           @Param("rack") String rack);

    @Modifying
    @Query("insert into BrokerEntity (brokerId, host, port, rack, registeredAt, lastHeartbeat)"
            + " values (:brokerId, :host, :port, :rack, instant, instant)")
    int insertRegistration(@Param("brokerId") int brokerId, @Param("host") String host, @Param("port") int port,
                           @Param("rack") String rack);
}
