package io.strata.platform.metadata;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import java.util.Optional;

public interface MetadataVersionRepository extends JpaRepository<MetadataVersionEntity, Integer> {

    /** Reads the version row with a write lock held until the transaction ends ({@code SELECT ... FOR UPDATE}). */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select v from MetadataVersionEntity v where v.id = 1")
    Optional<MetadataVersionEntity> lockVersion();

    @Query("select v.currentVersion from MetadataVersionEntity v where v.id = 1")
    Optional<Long> currentVersion();
}
