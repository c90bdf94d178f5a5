package io.strata.platform.metadata;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface BrokerConfigRepository extends JpaRepository<BrokerConfigEntity, BrokerConfigKey> {

    @Modifying
    @Query("delete from BrokerConfigEntity c where c.key.brokerId = :brokerId")
    int deleteByBroker(@Param("brokerId") int brokerId);
}
