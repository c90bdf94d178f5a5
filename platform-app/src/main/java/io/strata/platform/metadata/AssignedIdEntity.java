package io.strata.platform.metadata;

import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/**
 * Base of entities whose ids the application assigns. Without it Spring Data would take a non-null id
 * for "existing" and merge (select, then insert) instead of persisting; with it a new entity is always
 * inserted, so a duplicate key fails instead of silently updating.
 */
@MappedSuperclass
public abstract class AssignedIdEntity<ID> implements Persistable<ID> {
    @Transient
    private boolean isNew = true;

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void markPersisted() {
        isNew = false;
    }
}
