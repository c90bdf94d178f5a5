package io.strata.platform.metadata;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import java.util.Optional;

public interface ProducerIdBlockRepository extends JpaRepository<ProducerIdBlockEntity, Integer> {

    /** Reads the counter row with a write lock held until the transaction ends ({@code SELECT ... FOR UPDATE}). */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select b from ProducerIdBlockEntity b where b.id = 1")
    Optional<ProducerIdBlockEntity> lockCounter();
}
