package io.strata.platform.metadata;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The single {@code metadata_version} row. Every metadata change increments it in the same transaction,
 * so brokers can poll one number to learn that something changed.
 */
@Entity
@Table(name = "metadata_version")
public class MetadataVersionEntity {
    /** Primary key of the only row, inserted by the schema migration. */
    public static final int SINGLETON_ID = 1;

    @Id
    @Column(name = "id")
    private int id;

    @Column(name = "current_version", nullable = false)
    private long currentVersion;

    protected MetadataVersionEntity() {
    }

    public long getCurrentVersion() {
        return currentVersion;
    }

    /** Increments the version and returns the new value. */
    public long increment() {
        return ++currentVersion;
    }
}
